"""The overflow detector (tests/tui/overflow.py) finds text Textual would clip silently, and only that.

Every snapshot (tests/tui/test_*_snapshots.py, every screen in every language at 80x24 and 120x40) runs
it through the `snap_compare` fixture; these tests show it fails on an injected long CJK string."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Label, Static

from tests.tui.overflow import overflowing

LONG = "仕事用エージェント 작업용 에이전트 " * 4  # 136 cells, 36 code points less


class Probe(App[None]):
    CSS = "#row { height: 1; } #nowrap { text-wrap: nowrap; } #cut { text-wrap: nowrap; text-overflow: ellipsis; }"

    def __init__(self, text: str, keys: int = 3, label: str = "key", footer: type[Footer] = Footer) -> None:
        super().__init__()
        self.footer = footer
        self.text = text
        self.bind_keys = [Binding(c, "bell", f"{label} {c}") for c in "abcdefgh"[:keys]]  # 27 cells each

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self.text, id="wraps")  # wraps and grows: fine at any length
        with Horizontal(id="row"):
            yield Label(self.text, id="label")
        yield Static(self.text, id="cut")  # ellipsis: marked, fine
        yield self.footer()

    def on_mount(self) -> None:
        for b in self.bind_keys:
            self.bind(b.key, f"ring('{b.key}')", description=b.description)  # one action each: one key each
        self.title = "t"

    def action_ring(self, key: str) -> None:
        self.bell()


async def _problems(app: App[None], size: tuple[int, int] = (80, 24)) -> list[str]:
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        return overflowing(app.screen)


async def test_short_text_fits() -> None:
    assert await _problems(Probe("ok")) == []


async def test_a_long_cjk_label_clipped_by_its_row_is_found() -> None:
    problems = await _problems(Probe(LONG))
    assert len(problems) == 1 and problems[0].startswith("Label#label"), problems


async def test_a_cjk_label_measured_in_code_points_would_fit_but_cells_do_not() -> None:
    text = "에이전트" * 11  # 44 code points, 88 cells: fits 80 columns only if counted wrongly
    assert len(text) < 80
    assert any(p.startswith("Label#label") for p in await _problems(Probe(text)))


@pytest.mark.parametrize(("keys", "found"), [(2, False), (8, True)])
async def test_footer_keys_past_the_screen_edge_are_found(keys: int, found: bool) -> None:
    problems = await _problems(Probe("ok", keys=keys, label="설명이 아주 긴 바인딩"))
    assert any(p.startswith("FooterKey") for p in problems) is found, problems


async def test_footer_keys_under_the_palette_key_are_found() -> None:
    problems = await _problems(Probe("ok", keys=2, label="설명이 아주 긴 바인딩"), size=(64, 12))
    assert any(p.startswith("footer keys") for p in problems), problems


@pytest.mark.parametrize("size", [(80, 24), (64, 12)])
async def test_the_wizards_footer_fits_its_keys(size: tuple[int, int]) -> None:
    """FittingFooter (screens/widgets.py) goes compact, then drops the palette key, rather than cut keys."""
    from openclaw_onboard.screens.widgets import FittingFooter

    def make() -> Probe:
        return Probe("ok", keys=2, label="설명이 아주 긴 바인딩", footer=FittingFooter)

    assert await _problems(make(), size=size) == []
    app = make()
    async with app.run_test(size=(200, 24)) as pilot:  # room enough: Textual's usual roomy footer
        await pilot.pause()
        footer = app.screen.query_one(FittingFooter)
        assert not footer.compact and footer.show_command_palette


async def test_a_too_long_header_title_is_found() -> None:
    app = Probe("ok")
    async with app.run_test(size=(40, 12)) as pilot:
        app.screen.title = LONG
        await pilot.pause()
        assert any(p.startswith("header title") for p in overflowing(app.screen))


@pytest.mark.parametrize("lang", ["en", "ko", "ja", "zh_TW"], indirect=True)
def test_dashboard_countdowns_fit_their_column_in_every_language(lang: str) -> None:
    """The table's countdown column is as wide as the language's countdowns (a DataTable cuts silently)."""
    from openclaw_onboard.core.durations import DAY_MS, HOUR_MS
    from openclaw_onboard.core.textwidth import cells
    from openclaw_onboard.core.timefmt import format_countdown
    from openclaw_onboard.screens.profile_table import countdown_width

    for ms in (47 * HOUR_MS + 3_599_000, 5 * HOUR_MS, -2 * HOUR_MS, 30 * DAY_MS, -(400 * DAY_MS), 61_000):
        assert cells(format_countdown(ms)) <= countdown_width(), (lang, format_countdown(ms))
