"""Snapshots of every wizard screen at 80x24 and 120x40 (plus the light theme).

Clocks are frozen (FROZEN_NOW_MS), cursors do not blink, the Codex login uses a scripted session
with a fixed URL, and the state dir is `~/.openclaw` inside a tmp HOME so paths print the same
everywhere. Regenerate with `--snapshot-update` and look at every SVG before accepting it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from tests.conftest import ANTHROPIC_SETUP_TOKEN, write_json
from tests.tui.conftest import ScriptedLogin, settle, wait_for

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture
def home_state(state_dir: Path, tui_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    state = Path(tui_env["HOME"]) / ".openclaw"
    state.mkdir(mode=0o700)
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(state))
    tui_env["OPENCLAW_STATE_DIR"] = str(state)
    return state


@pytest.fixture
def snap_app(home_state: Path, make_app, lang: str):
    """`make_app` (tests/tui/conftest.py) on the snapshot's own state dir, once per language (`lang`)."""
    return lambda **kwargs: make_app(**{"state": home_state, **kwargs})


@pytest.fixture
def agents(home_state: Path) -> Path:
    """main with the facts-doc store (one profile of each status) and an empty `work` agent."""
    from tests.conftest import EXAMPLE_STORE

    write_json(home_state / "agents" / "main" / "agent" / "auth-profiles.json", EXAMPLE_STORE)
    (home_state / "agents" / "work" / "agent").mkdir(parents=True, mode=0o700)
    return home_state


async def settle_login(pilot, phase: str = "waiting") -> None:
    """The login worker runs until the login ends: wait for the phase instead."""
    await pilot.pause()
    await wait_for(pilot, lambda: getattr(pilot.app.screen, "phase", None) == phase, what=phase)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_agent_select(snap_compare, snap_app, agents, size):
    assert snap_compare(snap_app(), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_agent_select_add_invalid(snap_compare, snap_app, agents, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("a", *"Bad Name!", "enter")

    assert snap_compare(snap_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_auth_choice(snap_compare, snap_app, codex_cli_home, claude_cli_home, size):
    assert snap_compare(snap_app(agent_id="main"), terminal_size=size, run_before=settle)


def test_auth_choice_filtered(snap_compare, snap_app):
    """The searchable picker after typing "kimi": matching providers under their group header."""
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press(*"kimi")
        await settle(pilot)

    assert snap_compare(snap_app(agent_id="main"), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("storage", ["store-env", "store-exec"])
def test_api_key_storage_choice(snap_compare, snap_app, storage):
    """The API-key form's "store as" choice at 80x24: an env var, or a command such as 1Password's op."""
    async def run_before(pilot):
        pilot.app.goto("api-key")
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#provider").value = "openrouter"
        screen.query_one(f"#{storage}").value = True
        if storage == "store-exec":
            screen.query_one("#ref-cmd").value = "/usr/bin/op"
            screen.query_one("#ref-args").value = "read op://Private/OpenRouter/credential"
        await settle(pilot)

    assert snap_compare(snap_app(agent_id="main"), terminal_size=(80, 24), run_before=run_before)


def test_auth_choice_light(snap_compare, snap_app):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("ctrl+t")

    assert snap_compare(snap_app(agent_id="main"), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_setup_token_pasted(snap_compare, snap_app, size):
    async def run_before(pilot):
        pilot.app.goto("setup-token")
        await settle(pilot)
        pilot.app.screen.query_one("#secret").post_message(
            events.Paste(ANTHROPIC_SETUP_TOKEN[:50] + "\n" + ANTHROPIC_SETUP_TOKEN[50:]))
        await pilot.pause()
        pilot.app.screen.query_one("#expires").focus()
        await pilot.press(*"365d")

    assert snap_compare(snap_app(agent_id="main"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_paste_token_empty(snap_compare, snap_app, size):
    async def run_before(pilot):
        pilot.app.goto("paste-token")
        await settle(pilot)

    assert snap_compare(snap_app(agent_id="main"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_api_key_invalid(snap_compare, snap_app, size):
    async def run_before(pilot):
        pilot.app.goto("api-key")
        await settle(pilot)
        pilot.app.screen.query_one("#secret").value = 'sk-"quoted'  # quotes are never part of a key
        pilot.app.screen.query_one("#write-env").value = True
        await pilot.pause()

    assert snap_compare(snap_app(agent_id="main"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_codex_waiting(snap_compare, snap_app, size):
    async def run_before(pilot):
        pilot.app.goto("codex")
        await settle_login(pilot)

    app = snap_app(agent_id="main", login_session_factory=ScriptedLogin())
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_codex_paste_only_with_error(snap_compare, snap_app, size):
    async def run_before(pilot):
        pilot.app.goto("codex")
        await settle_login(pilot)
        pilot.app.screen.post_message(events.Paste("http://localhost:1455/auth/callback?code=abc&state=other"))
        await pilot.pause()

    script = ScriptedLogin(mode="paste", reason="ports 1455 and 1457 are busy")
    app = snap_app(agent_id="main", login_session_factory=script)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_codex_saved(snap_compare, snap_app, size):
    async def run_before(pilot):
        pilot.app.goto("codex")
        await settle_login(pilot, "saved")

    app = snap_app(agent_id="main", login_session_factory=ScriptedLogin(finish=True))
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_confirm_replace(snap_compare, snap_app, agents, size):
    async def run_before(pilot):
        pilot.app.goto("paste-token")
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#provider").value = "openrouter"
        screen.query_one("#secret").value = "sk-or-v1-" + "f" * 64
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(snap_app(agent_id="main"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_dashboard_after_save(snap_compare, snap_app, agents, size):
    async def run_before(pilot):
        pilot.app.goto("setup-token")
        await settle(pilot)
        pilot.app.screen.query_one("#secret").post_message(events.Paste(ANTHROPIC_SETUP_TOKEN))
        await pilot.pause()
        await pilot.press("ctrl+s")
        for _ in range(100):
            if type(pilot.app.screen).__name__ == "DashboardScreen":
                break
            await pilot.pause(0.02)
        await settle(pilot)

    assert snap_compare(snap_app(agent_id="main"), terminal_size=size, run_before=run_before)


class ScriptedDevice:
    """Stands in for CodexDeviceLogin in snapshots: a fixed code and URL, three checks done, no network."""

    def __init__(self, finish: bool = False) -> None:
        self.finish = finish

    def __call__(self, **kwargs):
        self.on_progress = kwargs.get("on_progress")
        return self

    async def start(self):
        import asyncio

        from openclaw_onboard.core.oauth.device import DeviceCode

        self._done = asyncio.get_running_loop().create_future()
        return DeviceCode("K7QZ-M4PX", "https://auth.openai.com/codex/device", 5.0, 900.0)

    async def result(self):
        from openclaw_onboard.core.oauth.device import DeviceProgress
        from openclaw_onboard.core.oauth.errors import LoginCancelled
        from openclaw_onboard.core.oauth.login import LoginResult

        from tests.tui.conftest import FROZEN_NOW_MS

        self.on_progress(DeviceProgress("waiting", 3, 5.0, 880.0))
        if self.finish:
            self.on_progress(DeviceProgress("exchanging", 4))
            return LoginResult("openai-codex:me@example.com", "me@example.com", "acc_0123456789",
                               FROZEN_NOW_MS + 10 * 86_400_000)
        try:
            return await self._done
        except BaseException:
            raise LoginCancelled() from None

    async def cancel(self):
        if not self._done.done():
            self._done.cancel()


@pytest.mark.parametrize("size", SIZES)
def test_device_waiting(snap_compare, snap_app, size):
    async def run_before(pilot):
        pilot.app.goto("codex-device")
        await settle_login(pilot)

    app = snap_app(agent_id="main", device_login_factory=ScriptedDevice())
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_device_saved(snap_compare, snap_app, size):
    async def run_before(pilot):
        pilot.app.goto("codex-device")
        await settle_login(pilot, "saved")

    app = snap_app(agent_id="main", device_login_factory=ScriptedDevice(finish=True))
    assert snap_compare(app, terminal_size=size, run_before=run_before)


# ------------------------------------------------------------------ the light theme of the wizard's own screens


@pytest.mark.parametrize("size", SIZES)
def test_agent_select_add_invalid_light(snap_compare, snap_app, agents, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("a", *"Bad Name!", "enter")

    assert snap_compare(snap_app(theme="textual-light"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_dashboard_light(snap_compare, snap_app, agents, size):
    assert snap_compare(snap_app(dashboard=True, theme="textual-light"), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_help_light(snap_compare, snap_app, agents, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(snap_app(dashboard=True, theme="textual-light"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_help_dark(snap_compare, snap_app, agents, size):
    async def run_before(pilot):
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(snap_app(dashboard=True), terminal_size=size, run_before=run_before)
