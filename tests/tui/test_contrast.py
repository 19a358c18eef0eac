"""Text contrast >= 4.5:1 (WCAG AA) in both themes, measured on the rendered screenshots.

Each screen of this wizard's own (agent list with the add form and an error, dashboard, details,
help, quit confirmation) is rendered at 80x24 and 120x40 in the dark and the light theme; every run of
text is checked against the background under it.
"""

from __future__ import annotations

import pytest
from openclaw_onboard.app.tui import DARK_THEME, LIGHT_THEME

from tests.support.contrast import low_contrast
from tests.tui.conftest import wait_for_screen
from tests.tui.test_dashboard import three_anthropic_store


def _report(svg: str, dialog=None) -> list[str]:
    region = tuple(dialog.region) if dialog is not None else None
    return [f"{ratio:.2f}:1 {text!r} ({fg} on {bg})" for ratio, text, fg, bg in low_contrast(svg, region=region)]


@pytest.mark.parametrize("theme", [DARK_THEME, LIGHT_THEME])
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_contrast_of_every_wizard_screen(make_app, make_agent, theme, size) -> None:
    store = three_anthropic_store()
    make_agent("main", store=store, config=True)
    make_agent("work", store={"version": 1, "profiles": {}})
    app = make_app(theme=theme)
    problems: dict[str, list[str]] = {}
    async with app.run_test(size=size) as pilot:
        await wait_for_screen(pilot, "AgentSelectScreen")
        problems["agents"] = _report(app.export_screenshot())
        await pilot.press("a", *"Bad!", "enter")
        await pilot.pause()
        problems["add form with error"] = _report(app.export_screenshot())
        await pilot.press("escape", "f1")
        await wait_for_screen(pilot, "HelpScreen")
        problems["help"] = _report(app.export_screenshot(), app.screen.query_one("#help-box"))
        await pilot.press("escape", "ctrl+c")
        await wait_for_screen(pilot, "QuitConfirm")
        problems["quit"] = _report(app.export_screenshot(), app.screen.query_one("#confirm-dialog"))
        await pilot.press("n")
        await wait_for_screen(pilot, "AgentSelectScreen")
        app.show_dashboard("main")
        screen = await wait_for_screen(pilot, "DashboardScreen")
        problems["dashboard"] = _report(app.export_screenshot())
        screen.table.move_cursor(row=1)
        await pilot.press("enter")
        await wait_for_screen(pilot, "ProfileDetailsScreen")
        problems["details"] = _report(app.export_screenshot(), app.screen.query_one("#details-box"))
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, "\n".join(f"{k}:\n  " + "\n  ".join(v) for k, v in problems.items())
