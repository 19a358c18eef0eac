"""Text measured in terminal cells, not code points: one rule for every column, pad and cut.

A Korean, Japanese or Chinese character (and most emoji) takes two cells; a combining mark takes none.
Profile ids, agent names, emails and provider labels come from users' data, and the wizard's own text
is translated, so `len()` is never the width of anything shown. The rule matches `rich.cells.cell_len`
(tests/core/test_textwidth.py compares them) without importing rich: the CLI's `models status --check`
must stay cheap.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import TYPE_CHECKING

ELLIPSIS = "…"

if TYPE_CHECKING:
    from typing import Literal

    Align = Literal["<", ">", "^"]


def char_cells(ch: str) -> int:
    """Cells taken by one code point: 2 for East Asian wide/full-width, 0 for combining/format marks."""
    if ch < "\u0300":  # ASCII and Latin-1: one cell each (control characters never get here: sanitised)
        return 1
    return _wide_char_cells(ch)


@cache  # bounded by the number of distinct code points (about a million)
def _wide_char_cells(ch: str) -> int:
    if unicodedata.category(ch) in ("Mn", "Mc", "Me", "Cf") or _hangul_jamo_tail(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _hangul_jamo_tail(ch: str) -> bool:
    """Medial vowels and final consonants of decomposed Hangul join the syllable before them."""
    return "\u1160" <= ch <= "\u11ff" or "\ud7b0" <= ch <= "\ud7ff"


def cells(text: str) -> int:
    """The display width of `text` in terminal cells."""
    if text.isascii():
        return len(text)
    return sum(char_cells(c) for c in text)


def truncate(text: str, width: int, ellipsis: str = ELLIPSIS) -> str:
    """`text` cut to at most `width` cells, an ellipsis marking the cut; never half a wide character
    (the result may be one cell short of `width` rather than split one)."""
    if cells(text) <= width:
        return text
    if width <= 0:
        return ""
    room = width - cells(ellipsis)
    if room < 0:
        return truncate(ellipsis, width, "")
    out: list[str] = []
    used = 0
    for ch in text:
        w = char_cells(ch)
        if used + w > room:
            break
        out.append(ch)
        used += w
    return "".join(out) + ellipsis


def pad(text: str, width: int, align: Align = "<") -> str:
    """`text` padded with spaces to `width` cells (left-aligned by default); never cut."""
    gap = width - cells(text)
    if gap <= 0:
        return text
    if align == ">":
        return " " * gap + text
    if align == "^":
        left = gap // 2
        return " " * left + text + " " * (gap - left)
    return text + " " * gap


def pad_column(texts: list[str], min_width: int = 0) -> list[str]:
    """Each of `texts` padded to the widest of them (at least `min_width` cells): one table column.
    ASCII text, nearly every id and word, is padded by str.ljust (a column of 100,000 rows, issue #15)."""
    if all(map(str.isascii, texts)):  # one cell per character: measured and padded by C loops
        width = max(min_width, max(map(len, texts), default=0))
        return [t.ljust(width) for t in texts]
    width = max(min_width, max(map(cells, texts), default=0))
    return [t.ljust(width) if t.isascii() else pad(t, width) for t in texts]


def fit(text: str, width: int, align: Align = "<", ellipsis: str = ELLIPSIS) -> str:
    """Exactly `width` cells: cut with an ellipsis if longer, padded if shorter."""
    return pad(truncate(text, width, ellipsis), width, align)
