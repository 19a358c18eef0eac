"""App-level behaviour: command palette, theme toggle, first-paint hook, the CLI entry."""

from __future__ import annotations

import pytest
from openclaw_onboard.core.errors import ValidationError

from tests.tui.conftest import screen_text, wait_for, wait_for_screen

PALETTE_COMMANDS = ("Log in with OpenAI Codex", "Paste a token", "Add an API key", "Open dashboard",
                    "Switch agent", "Toggle light/dark theme")


async def test_palette_offers_main_actions(make_app):
    app = make_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_for_screen(pilot, "AgentSelectScreen")
        await pilot.press("ctrl+p")
        await wait_for_screen(pilot, "OnboardCommandPalette")
        await wait_for(pilot, lambda: all(c in screen_text(app) for c in PALETTE_COMMANDS), what="commands")


@pytest.mark.parametrize(("query", "screen_name", "check"), [
    ("paste a token", "TokenPasteScreen", lambda s: s.kind == "paste-token"),
    ("add an api key", "TokenPasteScreen", lambda s: s.kind == "api-key"),
    ("open dashboard", "DashboardScreen", lambda s: s.agent_id == "main"),
    ("switch agent", "AgentSelectScreen", lambda s: True),
])
async def test_palette_commands_jump(make_app, make_agent, query, screen_name, check):
    make_agent("main")
    app = make_app(agent_id="main")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, "AuthChoiceScreen")
        await pilot.press("ctrl+p")
        await wait_for_screen(pilot, "OnboardCommandPalette")
        await pilot.press(*query)
        await pilot.pause(0.3)
        await pilot.press("enter")
        screen = await wait_for_screen(pilot, screen_name)
        assert check(screen)
        assert len(app.screen_stack) == 2  # the wizard never piles screens up


async def test_palette_codex_login_uses_current_agent(make_app, make_agent, tui_env):
    from tests.support.oauth_server import free_port

    make_agent("work")
    env = {**tui_env, "SSH_CONNECTION": "x", "OPENCLAW_OAUTH_CALLBACK_PORT": str(free_port())}
    app = make_app(agent_id="work", env=env)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, "AuthChoiceScreen")
        await pilot.press("ctrl+p")
        await wait_for_screen(pilot, "OnboardCommandPalette")
        await pilot.press(*"log in with openai")
        await pilot.pause(0.3)
        await pilot.press("enter")
        screen = await wait_for_screen(pilot, "CodexLoginScreen")
        assert screen.agent_id == "work"
        await pilot.press("escape")
        await wait_for_screen(pilot, "AuthChoiceScreen")


async def test_theme_toggle_key(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "AgentSelectScreen")
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-dark"


async def test_footer_shows_bindings(make_app):
    app = make_app(agent_id="main")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "AuthChoiceScreen")
        footer = screen_text(app).splitlines()[-1]
        for key in ("esc", "Back", "Skip", "Quit", "palette"):
            assert key in footer


async def test_first_paint_hook_runs_once(make_app):
    app = make_app()
    calls: list[str] = []
    app.first_paint_hook = lambda: calls.append(type(app.screen).__name__)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: calls, what="hook")
        await pilot.press("enter")
        await wait_for_screen(pilot, "AuthChoiceScreen")
    assert calls == ["AgentSelectScreen"]


def test_cursor_blink_follows_frozen_clock(monkeypatch, state_dir):
    from openclaw_onboard.app.tui import create_app

    monkeypatch.setenv("OPENCLAW_NOW_MS", "1767207600000")
    assert create_app().input_cursor_blink is False
    monkeypatch.delenv("OPENCLAW_NOW_MS")
    assert create_app().input_cursor_blink is True
    assert create_app(cursor_blink=False).input_cursor_blink is False


def test_run_onboard_rejects_bad_agent_id(state_dir):
    from openclaw_onboard.app.tui import run_onboard

    with pytest.raises(ValidationError):
        run_onboard(agent_id="Not An Agent!")


def test_make_onboard_installs_only_the_wizard_with_visible_progress() -> None:
    import shutil
    import subprocess
    from pathlib import Path

    if shutil.which("make") is None:  # pragma: no cover - make is part of the dev setup
        raise AssertionError("make is required")
    root = Path(__file__).resolve().parents[2]
    plan = subprocess.run(["make", "-n", "-B", "onboard"], cwd=root, capture_output=True, text=True, timeout=30,
                          check=True).stdout
    install = next(line for line in plan.splitlines() if "pip install" in line)
    assert "[test]" not in install and "--quiet" not in install
    assert "openclaw onboard" in plan and "source" in plan  # says where the command is


async def test_palette_command_after_quitting_began_does_nothing(make_app):
    """Key mashing found it: the palette's "Keys" chosen with Esc typed behind it ran once the app had begun
    to quit, and mounting its panel on the detached screen raised MountError (a crash report on exit)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AgentSelectScreen")
        keys = next(c for c in app.get_system_commands(screen) if c.title == "Keys")
        await pilot.press("escape", "y")  # the wizard asks (as ctrl+c does), then quits
        keys.callback()
        await pilot.pause()
        assert app._exception is None
    assert app.return_code == 0
