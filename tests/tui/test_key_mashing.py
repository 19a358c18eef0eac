"""Key mashing through every screen from several states: zero crashes, every screen still answers.

Seeded (a failure names its seed and the last events), so every run is the same run. The suite throws
>= 20,000 input events (keys, bursts of type-ahead and held keys, bracketed pastes of hostile text,
resizes, ctrl+c); `python bench/mashing.py` throws more. Nothing here touches the network: refreshes go
to a loopback OAuth server, the Codex login is scripted, no browser opens.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_NOW_MS
from tests.support.mashing import Masher, write_many_profiles
from tests.tui.conftest import ScriptedLogin

# Per state; MASH_SCALE multiplies them all (bench/mashing.py runs more).
SCALE = float(os.environ.get("MASH_SCALE", "1"))
EVENTS = {name: int(count * SCALE) for name, count in
          {"empty": 5000, "many-agents": 5000, "2000-profiles": 2500, "login": 4000, "light-120x40": 4000,
           "per-language": 2000}.items()}


@pytest.fixture
def mash_app(make_app, srv, monkeypatch: pytest.MonkeyPatch, tui_env: dict[str, str]):
    """make_app with a scripted Codex login and refreshes pointed at the loopback OAuth server."""
    for name, value in srv.env().items():
        monkeypatch.setenv(name, value)
        tui_env[name] = value

    def make(**kwargs):
        kwargs.setdefault("login_session_factory", ScriptedLogin())
        return make_app(**kwargs)

    return make


def _report(name: str, result, started: float) -> None:
    print(f"\nmashing {name}: {result.events} events, {result.runs} runs, {result.checks} checks, "
          f"{time.monotonic() - started:.1f}s, screens {dict(result.screens)}")


async def test_mash_empty_state(mash_app) -> None:
    started = time.monotonic()
    result = await Masher(lambda: mash_app(), seed=1201).run(EVENTS["empty"])
    _report("empty", result, started)
    assert result.events >= EVENTS["empty"]
    assert len(result.screens) >= 3  # it got past the first screen


async def test_mash_many_agents(mash_app, make_agent) -> None:
    for i in range(12):
        make_agent("main" if i == 0 else f"agent-{i:02d}", config=i == 0)
    started = time.monotonic()
    result = await Masher(lambda: mash_app(), seed=1202).run(EVENTS["many-agents"])
    _report("many agents", result, started)
    assert result.events >= EVENTS["many-agents"]


async def test_mash_2000_profiles_dashboard(mash_app, state_dir: Path) -> None:
    write_many_profiles(state_dir, "main", 2000, EXAMPLE_NOW_MS)
    started = time.monotonic()
    result = await Masher(lambda: mash_app(dashboard=True), seed=1203, size=(120, 40)).run(EVENTS["2000-profiles"])
    _report("2000 profiles", result, started)
    assert result.screens["DashboardScreen"] > 0


async def test_mash_login_in_progress(mash_app, make_agent) -> None:
    make_agent("main")
    started = time.monotonic()
    masher = Masher(lambda: mash_app(agent_id="main"), seed=1204, prepare=lambda app: app.show_codex("main"))
    result = await masher.run(EVENTS["login"])
    _report("login", result, started)
    assert result.screens["CodexLoginScreen"] > 0


async def test_mash_light_theme_wide(mash_app, make_agent) -> None:
    make_agent("main")
    make_agent("work", store={"version": 1, "profiles": {}})
    started = time.monotonic()
    result = await Masher(lambda: mash_app(theme="textual-light"), seed=1205, size=(120, 40)).run(
        EVENTS["light-120x40"])
    _report("light 120x40", result, started)


@pytest.mark.parametrize("lang", ["ko", "ja"], indirect=True)
async def test_mash_in_korean_and_japanese(mash_app, make_agent, lang: str) -> None:
    """The same mashing with every screen in Korean or Japanese (wider text, other line breaks), fewer events."""
    make_agent("main", config=True)
    make_agent("work", store={"version": 1, "profiles": {}})
    from openclaw_onboard.core.i18n import current_language

    started_in: list[str] = []  # the language each run starts in (the palette may switch it mid-run)
    started = time.monotonic()
    masher = Masher(lambda: mash_app(), seed=1206 if lang == "ko" else 1207,
                    prepare=lambda app: started_in.append(current_language()))
    result = await masher.run(EVENTS["per-language"])
    _report(f"in {lang}", result, started)
    assert result.events >= EVENTS["per-language"]
    assert len(result.screens) >= 3  # it got past the first screen
    assert started_in and set(started_in) == {lang}


def test_suite_throws_at_least_20000_events() -> None:
    assert SCALE < 1 or sum(EVENTS.values()) >= 20_000


BURSTS = [  # (keys sent in one write, the text they leave); the burst arrives before any key is handled
    (["a", "b", "c", "backspace", "d"], "abd"),
    (list("groq") + ["backspace"] * 4 + list("mistral"), "mistral"),
    ([*"opn", "left", "e", "end", "r"], "openr"),
    ([*"xy", "home", "z", "delete", "end", "backspace", "w"], "zw"),
]


@pytest.mark.parametrize("where", ["picker filter", "provider field"])
async def test_bursts_in_one_write_type_what_was_typed(make_app, make_agent, where: str) -> None:
    """Keys typed back to back (one terminal write) act in order: Textual types a character at once but runs
    a bound key (backspace, arrows) only after it bubbled to the app, behind the characters that follow."""
    from textual import events
    from textual.widgets import Input

    from tests.support.mashing import char_of
    from tests.tui.conftest import settle, wait_for_screen

    make_agent("main")
    app = make_app(agent_id="main")
    async with app.run_test(size=(80, 24)) as pilot:
        if where == "picker filter":
            field = (await wait_for_screen(pilot, "AuthChoiceScreen")).query_one("#filter", Input)
        else:
            app.show_token("main", "paste-token")
            field = (await wait_for_screen(pilot, "TokenPasteScreen")).query_one("#provider", Input)
        assert field.has_focus
        for keys, expected in BURSTS:
            field.value = ""
            await settle(pilot)
            for key in keys:
                app.post_message(events.Key(key, char_of(key)))
            await settle(pilot)
            assert (field.value, app.screen is field.screen) == (expected, True), keys
