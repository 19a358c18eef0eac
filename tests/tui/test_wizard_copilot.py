"""GitHub Copilot's device login in the wizard: picked from the list, its code and address shown on the pairing
screen, the profile saved by the same use case as the CLI's (the same bytes), Esc cancels at any time."""

from __future__ import annotations

import json

from textual.widgets import Input

from tests.support.github_device_server import GitHubDeviceServer
from tests.tui.conftest import screen_text, wait_for, wait_for_screen

TOKEN = "gho_" + "W1zardToken" * 4


def _store(state_dir) -> dict:
    return json.loads((state_dir / "agents" / "main" / "agent" / "auth-profiles.json").read_text())


async def test_picked_from_the_list_it_shows_the_code_and_saves_the_profile(make_app, state_dir, tui_env):
    polls = [{"error": "authorization_pending"}, {"access_token": TOKEN}]
    with GitHubDeviceServer(polls=polls) as gh:
        app = make_app(env={**tui_env, **gh.env()}, agent_id="main")
        async with app.run_test(size=(100, 32)) as pilot:
            choice = await wait_for_screen(pilot, "AuthChoiceScreen")
            choice.query_one(Input).value = "copilot"
            await pilot.press("enter")
            await wait_for_screen(pilot, "CopilotLoginScreen")
            await wait_for(pilot, lambda: "ABCD-1234" in screen_text(app), what="the code")
            text = screen_text(app)
            assert f"127.0.0.1:{gh.port}/login/device" in text and "GitHub" in text
            await wait_for(pilot, lambda: "github-copilot:github" in screen_text(app), timeout=30,
                           what="saved")
            assert TOKEN not in screen_text(app)
            await pilot.press("enter")
            await wait_for(pilot, lambda: type(app.screen).__name__ != "CopilotLoginScreen", what="continue")
    assert _store(state_dir)["profiles"]["github-copilot:github"] == {"type": "token", "provider": "github-copilot",
                                                                      "token": TOKEN}


async def test_esc_while_waiting_cancels_and_saves_nothing(make_app, state_dir, tui_env):
    with GitHubDeviceServer(polls=[{"error": "authorization_pending"}] * 50) as gh:
        app = make_app(env={**tui_env, **gh.env()}, agent_id="main")
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for_screen(pilot, "AuthChoiceScreen")
            app._start_login("main", "copilot")
            await wait_for_screen(pilot, "CopilotLoginScreen")
            await wait_for(pilot, lambda: "ABCD-1234" in screen_text(app), what="the code")
            await pilot.press("escape")
            await wait_for(pilot, lambda: type(app.screen).__name__ != "CopilotLoginScreen", what="cancelled")
    assert not (state_dir / "agents" / "main" / "agent" / "auth-profiles.json").exists()


async def test_both_faces_store_the_same_bytes(make_app, state_dir, tui_env, tmp_path):
    """The wizard's login and the CLI's run one use case: the same store and config entries."""
    import os
    import subprocess

    from tests.cli.conftest import OPENCLAW_CMD, ROOT

    cli_state = tmp_path / "cli-state"
    with GitHubDeviceServer(polls=[{"access_token": TOKEN}]) as gh:
        env = {**os.environ, **tui_env, **gh.env(), "OPENCLAW_STATE_DIR": str(cli_state)}
        res = subprocess.run([*OPENCLAW_CMD, "models", "auth", "login", "--provider", "github-copilot"],
                             env=env, cwd=ROOT, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert res.returncode == 0, res.stderr
    with GitHubDeviceServer(polls=[{"access_token": TOKEN}]) as gh:
        app = make_app(env={**tui_env, **gh.env()}, agent_id="main")
        async with app.run_test(size=(100, 32)) as pilot:
            await wait_for_screen(pilot, "AuthChoiceScreen")
            app._start_login("main", "copilot")
            await wait_for(pilot, lambda: "github-copilot:github" in screen_text(app), timeout=30, what="saved")
    cli_store = json.loads((cli_state / "agents" / "main" / "agent" / "auth-profiles.json").read_text())
    assert cli_store == _store(state_dir)
    cli_cfg = json.loads((cli_state / "openclaw.json").read_text())["auth"]
    assert cli_cfg == json.loads((state_dir / "openclaw.json").read_text())["auth"]
