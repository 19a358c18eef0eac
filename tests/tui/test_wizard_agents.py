"""Step 1, agent selection: listing, choosing, adding (with validation and copying)."""

from __future__ import annotations

import asyncio

from textual.widgets import OptionList, Static

from tests.tui.conftest import read_store, screen_text, wait_for, wait_for_screen


async def test_lists_agents_with_counts_and_worst_status(make_app, make_agent):
    make_agent("main")
    make_agent("work", store={"version": 1, "profiles": {}})
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AgentSelectScreen")
        agents = screen.query_one("#agents", OptionList)
        ids = [agents.get_option_at_index(i).id for i in range(agents.option_count)]
        assert ids == ["main", "work", "__add__"]
        text = screen_text(app)
        assert "main" in text and "4 profiles" in text and "expiring" in text
        # work has none of its own but uses main's (issue 25.6): counted apart, with their worst status
        work = next(line for line in text.splitlines() if " work " in f" {line} ")
        assert "0 profiles" in work and "+4 from main" in work and "expiring" in work
        assert agents.highlighted == 0


async def test_empty_state_offers_main(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AgentSelectScreen")
        agents = screen.query_one("#agents", OptionList)
        assert agents.get_option_at_index(0).id == "main"
        assert "(new)" in screen_text(app)


async def test_enter_selects_agent_and_goes_to_auth_choice(make_app, make_agent):
    make_agent("main")
    make_agent("work")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "AgentSelectScreen")
        await pilot.press("down", "enter")
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        assert screen.agent_id == "work"
        assert app.current_agent == "work"


async def test_mouse_click_selects_agent(make_app, make_agent):
    make_agent("main")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AgentSelectScreen")
        agents = screen.query_one("#agents", OptionList)
        await pilot.click(agents, offset=(4, 1))
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        assert screen.agent_id == "main"


async def test_add_agent_invalid_name_shows_error_and_creates_nothing(make_app, state_dir):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AgentSelectScreen")
        await pilot.press("a")
        assert screen.query_one("#add-form").display
        await pilot.press(*"Bad Name!", "enter")
        error = str(screen.query_one("#add-error", Static).render())
        assert "Invalid agent name" in error
        assert not (state_dir / "agents").exists()
        # the reserved name is refused too
        screen.query_one("#agent-name").value = ""
        await pilot.press(*"main", "enter")
        assert "reserved" in str(screen.query_one("#add-error", Static).render())
        # escape closes the form, a second escape leaves (quits) the wizard
        await pilot.press("escape")
        assert not screen.query_one("#add-form").display
        assert type(app.screen).__name__ == "AgentSelectScreen"


async def test_add_agent_with_copy_then_select_it(make_app, make_agent, state_dir):
    make_agent("main")
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_for_screen(pilot, "AgentSelectScreen")
        agents = screen.query_one("#agents", OptionList)
        agents.highlighted = agents.option_count - 1
        await pilot.press("enter")  # "+ Add a new agent…"
        assert screen.query_one("#add-form").display
        await pilot.press(*"work")
        screen.query_one("#copy-from").value = "main"
        await pilot.click("#add-create")
        await wait_for(pilot, lambda: (state_dir / "agents" / "work" / "agent").is_dir(), what="agent dir")
        await pilot.pause()
        assert not screen.query_one("#add-form").display
        assert set(read_store(state_dir, "work")["profiles"]) == set(read_store(state_dir, "main")["profiles"])
        # the new agent is highlighted; Enter takes it
        assert agents.get_option_at_index(agents.highlighted).id == "work"
        await pilot.press("enter")
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        assert screen.agent_id == "work"


async def test_q_quits(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "AgentSelectScreen")
        await pilot.press("q")
        await wait_for(pilot, lambda: app.return_code is not None, what="exit")
    assert app.return_code == 0


async def test_add_agent_without_copying(make_app, state_dir):
    """↓ Enter, type `work`, Enter: used to fail with "Invalid agent name 'Select.NULL'"."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AgentSelectScreen")
        await pilot.press("down", "enter")
        assert screen.query_one("#add-form").display
        await pilot.press(*"work", "enter")
        await wait_for(pilot, lambda: (state_dir / "agents" / "work" / "agent").is_dir(), what="agent dir")
        await wait_for(pilot, lambda: not screen.query_one("#add-form").display, what="form closed")
        assert "Select.NULL" not in screen_text(app)
        agents = screen.query_one("#agents", OptionList)
        assert agents.get_option_at_index(agents.highlighted).id == "work"


async def test_add_agent_error_goes_away_when_the_name_is_edited(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AgentSelectScreen")
        await pilot.press("a", *"Bad!", "enter")
        error = screen.query_one("#add-error", Static)
        assert "Invalid agent name" in str(error.render()) and error.display
        await pilot.press("backspace")
        await pilot.pause()
        assert not error.display and "Invalid" not in screen_text(app)


async def test_copy_dropdown_does_not_cover_the_error(make_app, make_agent):
    make_agent("main")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AgentSelectScreen")
        await pilot.press("a", *"Bad!", "enter")
        error = screen.query_one("#add-error", Static)
        select = screen.query_one("#copy-from")
        # the error line sits above the dropdown, which opens downwards
        assert error.region.y < select.region.y
        select.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "Invalid agent name" in screen_text(app)


async def test_page_up_right_after_adding_an_agent(make_app, state_dir):
    """Key mashing found it: PageUp just after the list was reloaded raised KeyError in OptionList."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AgentSelectScreen")
        await pilot.press("a", *"work", "enter")
        await wait_for(pilot, lambda: (state_dir / "agents" / "work" / "agent").is_dir(), what="agent dir")
        agents = screen.query_one("#agents", OptionList)
        agents.styles.max_height = 0  # no room (a terminal a few lines high): its lines are never laid out
        await pilot.pause()
        agents.clear_options()
        agents.add_options(["x", "y", "z"])
        agents.highlighted = 2
        agents.action_page_up()  # before the new options were laid out
        agents.action_page_down()
        await pilot.pause()
        assert app._exception is None


async def test_page_up_on_the_closed_copy_dropdown(make_app, make_agent):
    """Key mashing found it: PageUp reaching "Copy from"'s dropdown while it had no size raised KeyError."""
    from textual.widgets._select import SelectOverlay

    make_agent("main")
    make_agent("work")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AgentSelectScreen")
        await pilot.press("a")
        overlay = screen.query_one("#copy-from").query_one(SelectOverlay)
        overlay.highlighted = overlay.option_count - 1
        overlay.action_page_up()  # closed: not laid out
        overlay.action_page_down()
        await pilot.pause()
        assert app._exception is None


async def test_add_form_is_mounted_hidden_after_the_first_frame(make_app):
    """The first paint does without the add form (issue #15, tests/tui/test_startup_imports.py); it is
    mounted, hidden, right after; `a` shows it and focuses the name; it is never mounted twice."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AgentSelectScreen")
        await wait_for(pilot, lambda: screen.query("#agent-name"), what="the form mounted after the first frame")
        assert not screen.query_one("#add-form").display
        await pilot.press("a")
        assert screen.query_one("#add-form").display
        assert app.focused is screen.query_one("#agent-name")
        await pilot.press("escape", "a", "escape", "a")
        assert len(screen.query("#add-form")) == 1 and app.focused is screen.query_one("#agent-name")


async def test_a_shows_the_mounted_form_at_once(make_app):
    """In tmux, `a` then "work" typed at once lost the name: `a` mounted the form, and the keys that came
    meanwhile went to the list. The form is mounted after the first frame, and `a` then shows it and
    moves the focus while its key is handled: nothing to await, no key in between."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AgentSelectScreen")
        await wait_for(pilot, lambda: screen.query("#agent-name"), what="the form mounted after the first frame")
        assert screen.action_show_add() is None
        assert screen.adding and screen.focused is screen.query_one("#agent-name")


async def test_screen_replaced_while_its_add_form_mounts(make_app):
    """Key mashing found it: Enter on "+ Add a new agent…" then, before the form was up, the screen was
    replaced (another Enter chose an agent): focusing the form's name field raised NoMatches."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AgentSelectScreen")
        showing = asyncio.ensure_future(screen._show_add_once_mounted())  # Enter on "+ Add…" before the form
        app.show_auth_choice("main")  # and the screen is replaced before that form is up
        await showing
        await wait_for_screen(pilot, "AuthChoiceScreen")
        await pilot.pause()
        assert app._exception is None
