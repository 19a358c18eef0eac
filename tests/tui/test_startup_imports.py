"""The wizard's start-up does only what its first screen needs (issue #15: fast first paint).

A fresh interpreter runs the real app headless until its first screen has painted, then reports
`sys.modules`, the widgets on the screen and how often Textual re-parsed its stylesheets. Timing is
bench/startup.py's job; this asserts what was loaded and done, which does not flake.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

HARNESS = """
import json, sys
from textual.css.stylesheet import Stylesheet
reparses = []
reparse = Stylesheet.reparse
def counted(self):
    reparses.append(1)
    reparse(self)
Stylesheet.reparse = counted
from openclaw_onboard.app.tui import create_app
app = create_app(open_browser=False)
def painted():
    widgets = sorted({cls.__name__ for w in app.screen.walk_children() for cls in type(w).__mro__})
    print("MODULES " + json.dumps([type(app.screen).__name__, sorted(sys.modules), widgets, len(reparses)]),
          flush=True)
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
    "openclaw_onboard.screens.help",  # F1/?
    "openclaw_onboard.screens.confirm",  # ctrl+c
    "textual.widgets._data_table",
)
# The add-agent form is mounted when it is first asked for: Input, Select and Button bring Textual's
# largest default stylesheets, parsed at first mount.
NOT_ON_FIRST_PAINT = ("AddAgentForm", "Input", "Select", "Button", "Label")


@dataclass
class FirstPaint:
    screen: str
    modules: set[str]
    widgets: set[str]  # class names of the widgets on the screen and of their bases
    reparses: int


def first_paint(env: dict[str, str]) -> FirstPaint:
    proc = subprocess.run([sys.executable, "-c", HARNESS], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("MODULES ")), None)
    assert line is not None, proc.stderr[-2000:]
    screen, modules, widgets, reparses = json.loads(line.removeprefix("MODULES "))
    return FirstPaint(screen, set(modules), set(widgets), reparses)


@pytest.fixture
def empty_state_env(state_dir: Path, tui_env: dict[str, str]) -> dict[str, str]:
    return {**tui_env, "OPENCLAW_STATE_DIR": str(state_dir), "PYTHONPATH": str(ROOT)}


@pytest.fixture
def painted(empty_state_env: dict[str, str]) -> FirstPaint:
    result = first_paint(empty_state_env)
    assert result.screen == "AgentSelectScreen"
    assert "openclaw_onboard.screens.agent_select" in result.modules  # the harness really ran the wizard
    assert {"WizardOptionList", "Header", "FittingFooter"} <= result.widgets
    return result


def test_first_screen_loads_no_module_of_later_screens(painted: FirstPaint) -> None:
    assert [m for m in NOT_AT_START if m in painted.modules] == []


def test_first_screen_mounts_no_add_form(painted: FirstPaint) -> None:
    assert [w for w in NOT_ON_FIRST_PAINT if w in painted.widgets] == []


def test_first_screen_stylesheet_is_parsed_with_the_app_s(painted: FirstPaint) -> None:
    """A pushed screen whose CSS_PATH Textual has not read yet makes it re-parse every stylesheet."""
    assert painted.reparses == 0


def test_plain_onboard_builds_no_argument_parser(empty_state_env: dict[str, str]) -> None:
    """`openclaw onboard` (no options) is dispatched without argparse, to the same handler with the
    same arguments as the parser gives."""
    code = ("import sys; from openclaw_onboard.app import cli; rc = cli.main(['onboard']); "
            "print('RESULT', rc, 'argparse' in sys.modules, flush=True); "
            "args = cli.build_parser().parse_args(['onboard']); "
            "print('PARSED', args.handler == cli._ONBOARD, args.agent, args.dashboard, flush=True)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=empty_state_env, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert "RESULT 1 False" in proc.stdout, proc.stdout + proc.stderr[-2000:]
    assert "needs an interactive terminal" in proc.stderr  # it reached cmd_onboard
    assert "PARSED True None False" in proc.stdout


def test_no_garbage_collection_until_the_first_paint(empty_state_env: dict[str, str]) -> None:
    """`openclaw onboard` imports Textual and builds its first screen with the cyclic GC off (it frees
    little and its passes would delay the first paint), and turns it back on once that screen is painted,
    for what is made from then on."""
    code = """
import gc
from openclaw_onboard.app import cli, cli_agents, tui
cli_agents._interactive = lambda: True
seen = []
def run(self):
    seen.append(gc.isenabled())
    self.first_paint_hook()
    seen.append(gc.isenabled())
    seen.append(gc.get_freeze_count() > 10000)  # what start-up made is not scanned again
    gc.disable()  # a later phase of the run: enabled again at the end, whatever happened
    return 0
tui.OnboardApp.run = run
rc = cli.main(["onboard"])
print("GC", rc, seen, gc.isenabled(), flush=True)
"""
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=empty_state_env, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert "GC 0 [False, True, True] True" in proc.stdout, proc.stdout + proc.stderr[-2000:]
