"""The wizard's start-up imports only what its first screen uses (issue #15: fast first paint).

A fresh interpreter runs the real app headless until its first screen has painted, then reports
`sys.modules`. Timing is bench/startup.py's job; this asserts what was loaded, which does not flake.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

HARNESS = """
import json, sys
from openclaw_onboard.app.tui import create_app
app = create_app(open_browser=False)
def painted():
    print("MODULES " + json.dumps([type(app.screen).__name__, sorted(sys.modules)]), flush=True)
    app.exit()
app.first_paint_hook = painted
app.run(headless=True, size=(80, 24))
"""

# Used by screens that are not the first one: loaded when they are shown, never at start-up.
NOT_AT_START = (
    "pydantic",  # core.models: only when a store is read (no agent exists yet here)
    "openclaw_onboard.core.store",
    "openclaw_onboard.core.status",
    "openclaw_onboard.screens.dashboard",
    "openclaw_onboard.screens.profile_table",
    "openclaw_onboard.screens.auth_choice",
    "openclaw_onboard.screens.codex_login",
    "openclaw_onboard.screens.device_login",
    "openclaw_onboard.screens.token_paste",
    "openclaw_onboard.screens.profile_details",
    "textual.widgets._data_table",
)


def first_screen_modules(env: dict[str, str]) -> tuple[str, set[str]]:
    proc = subprocess.run([sys.executable, "-c", HARNESS], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("MODULES ")), None)
    assert line is not None, proc.stderr[-2000:]
    screen, modules = json.loads(line.removeprefix("MODULES "))
    return screen, set(modules)


@pytest.fixture
def empty_state_env(state_dir: Path, tui_env: dict[str, str]) -> dict[str, str]:
    return {**tui_env, "OPENCLAW_STATE_DIR": str(state_dir), "PYTHONPATH": str(ROOT)}


def test_first_screen_loads_no_module_of_later_screens(empty_state_env: dict[str, str]) -> None:
    screen, modules = first_screen_modules(empty_state_env)
    assert screen == "AgentSelectScreen"
    assert "openclaw_onboard.screens.agent_select" in modules  # the harness really ran the wizard
    assert [m for m in NOT_AT_START if m in modules] == []
