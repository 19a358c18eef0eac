"""The wizard on a SQLite-era state dir (OpenClaw 2026.9.x): the header says it is read-only, the agent list
and the dashboard show what the databases hold, and a save is refused in the screen with nothing written."""

from __future__ import annotations

from textual.widgets import Input

from tests.support.sqlite_era import make_agent_db, make_sqlite_state, tree
from tests.tui.conftest import screen_text, wait_for, wait_for_screen

KEY = "sk-or-v1-" + "s" * 48


async def test_header_agent_list_and_a_refused_save(make_app, state_dir):
    make_sqlite_state(state_dir, {"openrouter:manual": {"type": "token", "provider": "openrouter", "token": KEY}})
    make_agent_db(state_dir / "agents" / "work" / "agent",
                  {"groq:w": {"type": "api_key", "provider": "groq", "key": "gsk_" + "w" * 40}}, agent_id="work")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "AgentSelectScreen")
        text = screen_text(app)
        assert "OpenClaw 2026.9.6 · read-only" in text and "1 · Choose an agent" in text  # fits 80 columns
        assert "main      1 profile" in text and "work      1 profile" in text
        before = tree(state_dir)
        app.goto("api-key")
        form = await wait_for_screen(pilot, "TokenPasteScreen")
        form.query_one("#provider", Input).value = "openrouter"
        form.query_one("#secret", Input).value = KEY
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Nothing was changed" in screen_text(app))
        assert KEY not in screen_text(app)
    sidecars = ("-shm", "-wal")
    assert {k: v for k, v in tree(state_dir).items() if not k.endswith(sidecars)} == \
        {k: v for k, v in before.items() if not k.endswith(sidecars)}


async def test_choosing_a_login_says_read_only_before_any_form(make_app, state_dir):
    make_sqlite_state(state_dir)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "AgentSelectScreen")
        for choice in ("api-key", "paste-token", "setup-token", "codex", "codex-device", "claude-cli"):
            app._start_login("main", choice)
            await wait_for_screen(pilot, "AuthChoiceScreen")
            assert not any(type(s).__name__ in ("TokenPasteScreen", "CodexLoginScreen", "DeviceLoginScreen")
                           for s in app.screen_stack), choice
