"""Widths in terminal cells (core/textwidth.py): CJK takes two cells, a cut never splits a character."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openclaw_onboard.core.sanitize import clean
from openclaw_onboard.core.textwidth import ELLIPSIS, cells, fit, pad, truncate
from rich.cells import cell_len

# What users' data and our catalogs hold: Hangul, kana, kanji, full-width forms, emoji, combining marks.
SAMPLES = ["main", "작업용 에이전트", "仕事用エージェント", "工作代理", "\uff46\uff55\uff4c\uff4c", "café",
           "e\u0301", "🦀 crab",
           "me@例え.jp", "한글\u1161", "まもなく期限切れ", "已過期", "·…✓✗●⟳"]
TEXT = st.text(st.sampled_from("ab 1-@가나다あい漢字\uff46🦀é\u0301·…"), max_size=30)


@pytest.mark.parametrize("text", SAMPLES)
def test_cells_agree_with_what_textual_renders(text: str) -> None:
    assert cells(text) == cell_len(text)


def test_wide_characters_take_two_cells() -> None:
    assert cells("abc") == 3
    assert cells("작업") == 4
    assert cells("仕事ab") == 6
    assert cells("e\u0301") == 1  # a combining accent takes no cell


@given(TEXT, st.integers(min_value=0, max_value=40))
def test_truncate_fits_and_marks_the_cut(text: str, width: int) -> None:
    out = truncate(text, width)
    assert cells(out) <= width
    if cells(text) <= width:
        assert out == text
    elif width >= 1:
        assert out.endswith(ELLIPSIS)
        assert text.startswith(out[: -len(ELLIPSIS)])
        assert cells(out) >= width - 1  # at most the half of a wide character is lost, never shown


def test_truncate_never_leaves_half_a_wide_character() -> None:
    assert truncate("仕事用エージェント", 6) == "仕事…"  # 5 cells: a third kanji would need 7
    assert truncate("仕事用エージェント", 7) == "仕事用…"
    assert truncate("abcdef", 4) == "abc…"
    assert truncate("abc", 0) == ""


@given(TEXT, st.integers(min_value=0, max_value=40), st.sampled_from(["<", ">", "^"]))
def test_fit_is_exactly_the_width(text: str, width: int, align: str) -> None:
    out = fit(text, width, align)  # type: ignore[arg-type]
    assert cells(out) == width


def test_pad_aligns_in_cells() -> None:
    assert pad("작업", 6) == "작업  "
    assert pad("작업", 6, ">") == "  작업"
    assert pad("期限", 8, "^") == "  期限  "
    assert pad("toolong", 3) == "toolong"  # pad never cuts


def test_clean_bounds_a_wide_name_in_cells() -> None:
    out = clean("에이전트" * 20, 10)
    assert cells(out) <= 10 and out.endswith(ELLIPSIS) and out.startswith("에이전트")
