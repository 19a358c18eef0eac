"""Fixtures and helpers for the onboarding wizard's Pilot, snapshot and tmux tests.

Every app runs against a tmp state dir and a tmp HOME (the `state_dir` fixture of tests/conftest.py),
with a frozen clock and frozen cursors. Nothing binds port 1455: Codex logins use a free port.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLE_NOW_MS, make_jwt, write_json

FROZEN_NOW_MS = EXAMPLE_NOW_MS
# A fixed authorize URL for snapshots (the real one carries a random PKCE challenge and state).
FAKE_URL = ("https://auth.openai.com/oauth/authorize?response_type=code&client_id=app_EMoamEEZ73f0CkXaXp7hrann"
            "&redirect_uri=http%3A%2F%2Flocalhost%3A1455%2Fauth%2Fcallback&scope=openid+profile+email+offline_access"
            "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
            "&state=af0ifjsldkj-snapshot-state&id_token_add_organizations=true&codex_cli_simplified_flow=true"
            "&originator=pi")


def frozen_clock() -> int:
    return FROZEN_NOW_MS


@pytest.fixture(autouse=True)
def english_by_default():
    """Each test starts in English (the language is process-wide; an app or a test may switch it)."""
    from openclaw_onboard.core import i18n

    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture
def tui_env(state_dir: Path) -> dict[str, str]:
    """The (already sanitised) process environment as a dict: HOME and OPENCLAW_STATE_DIR point at tmp."""
    env = dict(os.environ)
    # No DISPLAY either: the suggested login (and so the snapshots) must not depend on the machine.
    for name in ("SSH_CLIENT", "SSH_TTY", "SSH_CONNECTION", "BROWSER", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    # English unless a test asks for another language (the machine's LANG must not change snapshots).
    env["OPENCLAW_LANG"] = "en"
    return env


# Every language the wizard speaks: snapshots, the overflow test and key mashing run in each (`lang`).
LANGUAGES = ("en", "ko", "ja", "zh_TW")


@pytest.fixture(params=LANGUAGES)
def lang(request: pytest.FixtureRequest, tui_env: dict[str, str]) -> str:
    """Run the test once per language: the app reads it from the env (`make_app`), a bare host from the
    process language (set here; `english_by_default` resets it after the test)."""
    from openclaw_onboard.core import i18n

    tui_env["OPENCLAW_LANG"] = request.param
    i18n.set_language(request.param)
    return request.param


@pytest.fixture
def snap_compare(snap_compare: Callable[..., bool]) -> Callable[..., bool]:
    """pytest-textual-snapshot's `snap_compare`, and nothing on the screen shot is cut (tests/tui/overflow.py):
    every snapshot, in every language and size, is also an overflow test."""
    from tests.tui.overflow import overflowing

    def compare(app: Any, *args: Any, run_before: Callable[[Any], Any] | None = None, **kwargs: Any) -> bool:
        problems: list[str] = []

        async def checked(pilot: Any) -> None:
            if run_before is not None:
                result = run_before(pilot)
                if result is not None:
                    await result
            await pilot.pause()
            problems.extend(overflowing(pilot.app.screen))

        matched = snap_compare(app, *args, run_before=checked, **kwargs)
        assert not problems, "text cut on screen:\n" + "\n".join(problems)
        return matched

    return compare


@pytest.fixture
def make_app(state_dir: Path, tui_env: dict[str, str]) -> Callable[..., Any]:
    """`make_app(**create_app_kwargs)`: the real app with tmp state, frozen clock, no browser, no blink."""
    from openclaw_onboard.app.tui import create_app

    def make(**kwargs: Any):
        kwargs.setdefault("state", state_dir)
        kwargs.setdefault("clock", frozen_clock)
        kwargs.setdefault("env", tui_env)
        kwargs.setdefault("open_browser", False)
        kwargs.setdefault("cursor_blink", False)
        return create_app(**kwargs)

    return make


@pytest.fixture
def codex_cli_home(state_dir: Path, tui_env: dict[str, str]) -> Path:
    """A Codex CLI login at $HOME/.codex/auth.json."""
    access = make_jwt({"exp": (FROZEN_NOW_MS + 10 * 86_400_000) // 1000,
                       "https://api.openai.com/auth": {"chatgpt_account_id": "acc_cli_42"}})
    id_token = make_jwt({"email": "cli@example.com"})
    path = Path(tui_env["HOME"]) / ".codex" / "auth.json"
    write_json(path, {"OPENAI_API_KEY": None, "tokens": {"id_token": id_token, "access_token": access,
                                                         "refresh_token": "rt_cli_refresh_0123456789",
                                                         "account_id": "acc_cli_42"},
                      "last_refresh": "2025-12-31T00:00:00Z"})
    return path


@pytest.fixture
def claude_cli_home(state_dir: Path, tui_env: dict[str, str]) -> Path:
    """A Claude CLI login at $HOME/.claude/.credentials.json (with a refresh token: an oauth profile)."""
    path = Path(tui_env["HOME"]) / ".claude" / ".credentials.json"
    write_json(path, {"claudeAiOauth": {"accessToken": "sk-ant-oat01-claude-cli-access-" + "x" * 60,
                                        "refreshToken": "sk-ant-ort01-claude-cli-refresh-" + "y" * 40,
                                        "expiresAt": FROZEN_NOW_MS + 8 * 3_600_000,
                                        "scopes": ["user:inference"], "subscriptionType": "max"}})
    return path


# ------------------------------------------------------------------------------------------------ helpers


async def wait_for(pilot: Any, predicate: Callable[[], Any], timeout: float = 15.0, what: str = "") -> Any:
    """Pause the pilot until `predicate()` is truthy (no fixed sleeps); fail after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")
        await pilot.pause(0.02)


async def settle(pilot: Any) -> None:
    """Let the app process what is queued and finish its workers."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for_screen(pilot: Any, name: str, timeout: float = 15.0) -> Any:
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == name, timeout, f"screen {name}")
    await pilot.pause()
    return pilot.app.screen


_TEXT_RE = re.compile(r'<text class="[^"]*-r\d+" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" '
                      r'clip-path="url\(#[\w-]+-line-(\d+)\)">([^<]*)</text>')


def svg_lines(svg: str, char_width: float = 12.2) -> list[str]:
    """The terminal text of a Textual SVG screenshot, one string per row."""
    rows: dict[int, dict[int, str]] = {}
    for x, line, text in _TEXT_RE.findall(svg):
        rows.setdefault(int(line), {})[round(float(x) / char_width)] = html.unescape(text).replace("\xa0", " ")
    out = []
    for line in range(max(rows, default=-1) + 1):
        cells = rows.get(line, {})
        text = ""
        for col in sorted(cells):
            text = text.ljust(col) + cells[col]
        out.append(text.rstrip())
    return out


def screen_text(app: Any) -> str:
    """Everything on the terminal right now (for "no secret on screen" checks)."""
    return "\n".join(svg_lines(app.export_screenshot()))


def read_store(state: Path, agent_id: str = "main") -> dict[str, Any]:
    return json.loads((state / "agents" / agent_id / "agent" / "auth-profiles.json").read_text("utf-8"))


# ------------------------------------------------------------------------------ a scripted login session


@dataclass
class ScriptedLogin:
    """Stands in for CodexLoginSession in snapshots (fixed URL, no network, no port)."""

    mode: str = "callback"
    reason: str | None = None
    finish: bool = False  # result() returns at once (the "saved" screen)
    email: str | None = "me@example.com"

    def __call__(self, **kwargs: Any) -> _ScriptedSession:
        return _ScriptedSession(self, kwargs)


class _ScriptedSession:
    def __init__(self, script: ScriptedLogin, kwargs: dict[str, Any]) -> None:
        self.script = script
        self.on_progress = kwargs.get("on_progress")
        self.cancelled = False
        self._done: asyncio.Future[Any] | None = None

    async def start(self) -> Any:
        from openclaw_onboard.core.oauth.login import LoginStart

        self._done = asyncio.get_running_loop().create_future()
        listen = "127.0.0.1:1455" if self.script.mode == "callback" else None
        if self.on_progress:
            self.on_progress("waiting")
        return LoginStart(FAKE_URL, self.script.mode, listen, self.script.reason)

    def submit_paste(self, text: str) -> None:
        from openclaw_onboard.core.oauth.paste import parse_pasted

        parse_pasted(text, "af0ifjsldkj-snapshot-state")

    async def result(self) -> Any:
        from openclaw_onboard.core.oauth.errors import LoginCancelled
        from openclaw_onboard.core.oauth.login import LoginResult

        if self.script.finish:
            for stage in ("exchanging", "saved"):
                if self.on_progress:
                    self.on_progress(stage)
            return LoginResult(f"openai-codex:{self.script.email}", self.script.email, "acc_0123456789",
                               FROZEN_NOW_MS + 10 * 86_400_000)
        assert self._done is not None
        try:
            return await self._done
        except asyncio.CancelledError:
            raise LoginCancelled() from None

    async def cancel(self) -> None:
        self.cancelled = True
        if self._done is not None and not self._done.done():
            self._done.cancel()
