"""Keys a person really presses: double taps and type-ahead, ctrl+c, `?`/F1 help, esc."""

from __future__ import annotations

from openclaw_onboard.screens.help import HelpScreen, help_rows
from textual import events
from textual.widgets import OptionList

from tests.tui.conftest import screen_text, settle, wait_for, wait_for_screen


def burst(app, *keys: str) -> None:
    """Queue keys the way a terminal delivers a double tap: all at once, before any is handled."""
    for key in keys:
        char = {"enter": "\r", "escape": "\x1b", "space": " "}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, char))


async def test_double_enter_on_agent_select_does_not_crash(make_app, make_agent):
    make_agent("main")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "AgentSelectScreen")
        burst(app, "enter", "enter")  # used to raise ScreenStackError from AgentSelectScreen.dismiss
        await settle(pilot)
        assert app._exception is None
        assert type(app.screen).__name__ in ("AuthChoiceScreen", "CodexLoginScreen")
        assert len(app.screen_stack) == 2


async def test_enter_mashed_during_start_up(make_app, make_agent):
    make_agent("main")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, *["enter"] * 6)  # before the first screen has painted (NoMatches 'HeaderTitle' once)
        await settle(pilot)
        assert app._exception is None
        await pilot.press("escape")
        await settle(pilot)
        assert app._exception is None and app.screen is not None


async def test_double_escape_each_step_stays_consistent(make_app, make_agent):
    make_agent("main")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "AgentSelectScreen")
        await pilot.press("enter")
        await wait_for_screen(pilot, "AuthChoiceScreen")
        burst(app, "escape", "escape")  # back once; the repeat must not pop the agent list too
        await settle(pilot)
        assert app._exception is None
        assert type(app.screen).__name__ == "AgentSelectScreen"
        assert len(app.screen_stack) == 2


async def test_ctrl_c_asks_then_quits(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "AgentSelectScreen")
        await pilot.press("ctrl+c")
        await wait_for_screen(pilot, "QuitConfirm")
        assert "Press ctrl+q" not in screen_text(app)
        assert "Quit the onboarding wizard?" in screen_text(app)
        await pilot.press("n")
        await wait_for_screen(pilot, "AgentSelectScreen")
        assert app.return_code is None
        await pilot.press("ctrl+c", "ctrl+c")
        await wait_for(pilot, lambda: app.return_code is not None, what="exit")
    assert app.return_code == 0


async def test_ctrl_c_in_a_text_field_still_quits(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "AgentSelectScreen")
        await pilot.press("a", *"work")
        await pilot.press("ctrl+c")
        await wait_for_screen(pilot, "QuitConfirm")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.return_code is not None, what="exit")


async def test_f1_and_question_mark_show_help_generated_from_bindings(make_app, make_agent):
    make_agent("main")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "AgentSelectScreen")
        await pilot.press("question_mark")
        help_screen = await wait_for_screen(pilot, "HelpScreen")
        text = screen_text(app)
        assert "Add agent" in text and "Quit" in text and "Help" in text
        assert "Focus Next" not in text  # Textual's generic keys are not this screen's help
        assert any(row.keys == "? / f1" or row.keys == "? / F1" for row in help_screen.rows), help_screen.rows
        await pilot.press("escape")
        await wait_for_screen(pilot, "AgentSelectScreen")
        await pilot.press("f1")
        await wait_for_screen(pilot, "HelpScreen")
        await pilot.press("f1")
        await wait_for_screen(pilot, "AgentSelectScreen")


async def test_help_labels_are_distinct_on_every_screen(make_app, make_agent):
    make_agent("main")
    app = make_app(dashboard=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_for_screen(pilot, "DashboardScreen")
        rows = help_rows(screen)
        descriptions = [r.description for r in rows]
        assert len(descriptions) == len(set(descriptions)), descriptions
        # moving a profile and moving the cursor read differently (K/k used to both say "Up")
        by_key = {key: r.description for r in rows for key in r.keys.split(" / ")}
        move_up, cursor_up = by_key["K"], by_key["k"]
        assert "profile" in move_up.lower() and "cursor" in cursor_up.lower()
        shown = {(b.action, b.description) for b in (a.binding for a in screen.active_bindings.values()) if b.show}
        footer = [description for _, description in shown]
        assert len(footer) == len(set(footer)), footer
        await pilot.press("f1")
        help_screen = await wait_for_screen(pilot, "HelpScreen")
        assert isinstance(help_screen, HelpScreen)


async def test_agent_list_keeps_focus_after_help(make_app, make_agent):
    make_agent("main")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AgentSelectScreen")
        await pilot.press("f1", "escape")
        await wait_for_screen(pilot, "AgentSelectScreen")
        assert isinstance(screen.focused, OptionList)


async def test_f1_opens_help_over_a_modal_and_closes_it_again(make_app, make_agent):
    """Modal screens hide the app's bindings: F1 used to do nothing on the profile details."""
    from tests.tui.test_dashboard import three_anthropic_store

    make_agent("main", store=three_anthropic_store())
    app = make_app(dashboard=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "DashboardScreen")
        screen.table.move_cursor(row=1)
        await pilot.press("enter")
        await wait_for_screen(pilot, "ProfileDetailsScreen")
        await pilot.press("f1")
        help_screen = await wait_for_screen(pilot, "HelpScreen")
        assert any("Reveal" in row.description for row in help_screen.rows)
        await pilot.press("f1")
        await wait_for_screen(pilot, "ProfileDetailsScreen")



async def test_keys_queued_behind_quit_are_dropped_not_a_crash(make_app):
    """Type-ahead after the quitting key (a held key, a mashed burst) can reach an app whose screens are gone.

    Found by the key-mashing test under load (seed 1201): Textual looked the key's bindings up on an empty
    screen stack (ScreenStackError), so quitting ended in a crash report instead of exit 0. The moment is
    a race inside Textual's shutdown, so the test recreates it: the stack emptied as shutdown leaves it,
    then the keys and a paste that were still queued.
    """
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "AgentSelectScreen")
        stack = app._screen_stack
        saved = list(stack)
        stack.clear()
        try:
            for event in (events.Key("a", "a"), events.Key("escape", None), events.Key("ctrl+c", None),
                          events.Paste("text")):
                await app.on_event(event)  # before the fix: ScreenStackError
        finally:
            stack.extend(saved)
        assert app.return_code is None
