"""Key mashing: seeded random keys, bursts, pastes, resizes and ctrl+c thrown at the running wizard.

`Masher(make_app, seed).run(events)` drives apps made by `make_app()` (a new one whenever the mashing
quits the wizard) until `events` input events were delivered, and checks every `check_every` events
that the screen on top still answers (F1 opens the help, esc closes it). Any exception inside the app
fails the run: Textual's `run_test` re-raises it, and the last events are added to the error.
Used by tests/tui/test_key_mashing.py and, with more events, bench/mashing.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual import events

# Keys a person mashes: letters the screens bind (and some they do not), navigation, editing, F-keys.
# `q` (and esc on the first screen) end the wizard: kept rare, since each restart costs a start-up.
PRINTABLE = list("aynduKJjkcrpv/?1234xwo ") + ["enter"] * 4 + ["escape"]
SPECIAL = ["tab", "shift+tab", "up", "down", "left", "right", "backspace", "delete", "home", "end", "pageup",
           "pagedown", "shift+up", "shift+down", "ctrl+right", "ctrl+left", "f1", "ctrl+r", "ctrl+p", "space"]
CHARS = {"enter": "\r", "escape": "\x1b", "tab": "\t", "backspace": "\x7f", "space": " ", "ctrl+c": "\x03",
         "ctrl+r": "\x12", "ctrl+t": "\x14", "ctrl+p": "\x10"}
PASTES = [
    "sk-or-v1-" + "0123456789abcdef" * 4,
    "sk-ant-oat01-" + "AbCdEfGh" * 12,
    "sk-ant-o\nat01-AbCdEf\nGh0123456789" * 3,
    "http://localhost:1455/auth/callback?code=abc&state=nope",
    "openrouter",
    "work",
    "\x1b[31mred\x1b[0m\x1b]52;c;aGk=\x07 \x00\x08\x7f",
    "\u202eevil\u202c رمز 🔑🔑 e\u0301\u0301",
    "仕事用エージェント 작업용 에이전트 工作代理 " * 8,  # wide characters: two cells each
    "x" * 5000,
    "",
    "a\r\nb\rc\n\n\n",
]
SIZES = [(80, 24), (120, 40), (40, 12), (200, 60), (24, 8), (100, 30)]


def char_of(key: str) -> str | None:
    if key in CHARS:
        return CHARS[key]
    return key if len(key) == 1 else None


@dataclass
class MashResult:
    events: int = 0
    runs: int = 0
    checks: int = 0
    screens: Counter[str] = field(default_factory=Counter)


class Masher:
    def __init__(self, make_app: Callable[[], Any], seed: int, *, size: tuple[int, int] = (80, 24),
                 check_every: int = 250, ctrl_c_rate: float = 0.003,
                 prepare: Callable[[Any], Any] | None = None) -> None:
        self.make_app = make_app
        self.rng = random.Random(seed)
        self.seed = seed
        self.size = size
        self.check_every = check_every
        self.ctrl_c_rate = ctrl_c_rate
        self.prepare = prepare  # called with the app once it runs (e.g. open the Codex login)
        self.log: deque[str] = deque(maxlen=40)
        self.result = MashResult()
        self._since_check = 0

    def _key(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < self.ctrl_c_rate:
            return "ctrl+c"
        if roll < self.ctrl_c_rate + 0.002:
            return "ctrl+t"  # the theme toggle re-applies every style: rare, as in life
        return rng.choice(PRINTABLE) if rng.random() < 0.7 else rng.choice(SPECIAL)

    async def run(self, total: int) -> MashResult:
        while self.result.events < total:
            app = self.make_app()
            self.result.runs += 1
            try:
                async with app.run_test(size=self.size) as pilot:
                    await pilot.pause()
                    if self.prepare is not None:
                        self.prepare(app)
                        await pilot.pause()
                    await self._mash(app, pilot, total)
            except Exception as exc:
                recent = "\n  ".join(self.log)
                raise AssertionError(
                    f"seed {self.seed}: {type(exc).__name__}: {exc}\nlast events:\n  {recent}") from exc
        return self.result

    def _running(self, app: Any) -> bool:
        return app.return_code is None and app.is_running

    async def _mash(self, app: Any, pilot: Any, total: int) -> None:
        rng = self.rng
        while self.result.events < total and self._running(app):
            self.result.screens[type(app.screen).__name__] += 1
            roll = rng.random()
            if roll < 0.15:
                key = self._key()
                self.log.append(f"press {key} on {type(app.screen).__name__}")
                app.post_message(events.Key(key, char_of(key)))
                await pilot.pause()
                n = 1
            elif roll < 0.9:  # a burst: type-ahead, a double tap, a key held down
                if rng.random() < 0.3:
                    keys = [self._key()] * rng.randint(2, 24)
                else:
                    keys = [self._key() for _ in range(rng.randint(2, 24))]
                self.log.append(f"burst {keys} on {type(app.screen).__name__}")
                for key in keys:
                    app.post_message(events.Key(key, char_of(key)))
                await pilot.pause()
                n = len(keys)
            elif roll < 0.96:
                text = rng.choice(PASTES)
                self.log.append(f"paste {text[:40]!r} on {type(app.screen).__name__}")
                app.post_message(events.Paste(text))
                await pilot.pause()
                n = 1
            else:
                size = rng.choice(SIZES)
                self.log.append(f"resize {size} on {type(app.screen).__name__}")
                await pilot.resize_terminal(*size)
                await pilot.pause()
                n = 1
            self.result.events += n
            self._since_check += n
            if self._since_check >= self.check_every and self._running(app):
                self._since_check = 0
                await self.check_responds(app, pilot)

    async def check_responds(self, app: Any, pilot: Any, timeout: float = 10.0) -> None:
        """F1 opens the help over whatever is on top (retried: keys typed mid-switch are dropped); esc closes it."""
        from openclaw_onboard.screens.help import HelpScreen
        from textual.command import CommandPalette

        self.result.checks += 1
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while isinstance(app.screen, CommandPalette):  # the palette answers esc (it has no help of its own)
            if loop.time() > deadline:
                raise AssertionError("the command palette did not close on escape")
            await pilot.press("escape")
            await pilot.pause(0.01)
        under = app.screen
        self.log.append(f"check on {type(under).__name__}")
        while not isinstance(app.screen, HelpScreen):
            if not self._running(app):
                return
            if loop.time() > deadline:
                raise AssertionError(f"{type(app.screen).__name__} did not answer F1 within {timeout}s")
            await pilot.press("f1")
            await pilot.pause(0.01)
        while isinstance(app.screen, HelpScreen):
            if loop.time() > deadline:
                raise AssertionError("the help did not close on escape")
            await pilot.press("escape")
            await pilot.pause(0.01)


# ------------------------------------------------------------------------------------------ state makers

PROVIDERS = ("anthropic", "openai-codex", "openrouter", "openai", "google")


def write_many_profiles(state: Path, agent_id: str, count: int, now_ms: int) -> None:
    """An agent with `count` profiles over five providers, expiries spread from expired to weeks away."""
    hour = 3_600_000
    profiles: dict[str, dict[str, Any]] = {}
    for i in range(count):
        provider = PROVIDERS[i % len(PROVIDERS)]
        secret = f"sk-ant-oat01-mash{i:06d}-" + "Zq8" * 20
        expires = now_ms + (i % 96 - 8) * hour + 17_000
        if provider == "openai-codex":
            profiles[f"{provider}:user{i}@example.com"] = {
                "type": "oauth", "provider": provider, "access": secret, "refresh": f"rt_{i:06d}" + "r" * 30,
                "expires": expires, "email": f"user{i}@example.com", "accountId": f"acc_{i:06d}"}
        elif provider == "openai":
            profiles[f"{provider}:key{i}"] = {"type": "api_key", "provider": provider, "key": secret}
        else:
            profiles[f"{provider}:p{i}"] = {"type": "token", "provider": provider, "token": secret,
                                            "expires": expires}
    agent_dir = state / "agents" / agent_id / "agent"
    agent_dir.mkdir(parents=True, mode=0o700, exist_ok=True)
    path = agent_dir / "auth-profiles.json"
    path.write_text(json.dumps({"version": 1, "profiles": profiles}), "utf-8")
    os.chmod(path, 0o600)
