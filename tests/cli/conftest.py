"""Fixtures for the `openclaw` command-line tests: every command runs as a real subprocess.

`cli(*args, input=..., env=...)` runs the installed console script (`.venv/bin/openclaw`, or
`python -m app.cli` when it is missing) on the test's state dir with a frozen clock, and checks
the invariants every run must keep: no traceback, and every error is exactly one stderr line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_NOW_MS

ROOT = Path(__file__).resolve().parents[2]
_SCRIPT = Path(sys.executable).with_name("openclaw")
OPENCLAW_CMD: list[str] = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "openclaw_onboard.app.cli"]


def python_cmd(*flags: str) -> list[str]:
    """The CLI under this interpreter with extra interpreter flags (e.g. `-X importtime`)."""
    target = [str(_SCRIPT)] if _SCRIPT.exists() else ["-m", "openclaw_onboard.app.cli"]
    return [sys.executable, *flags, *target]


_LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
_DROP_PREFIXES = ("OPENCLAW_", "CODEX_HOME", "CLAUDE_CONFIG_DIR", "SSH_", "BROWSER", "DISPLAY", "WAYLAND_DISPLAY")


@dataclass
class Result:
    rc: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def base_env(state: Path, home: Path, now_ms: int | None = EXAMPLE_NOW_MS) -> dict[str, str]:
    """The outer environment without anything OpenClaw reads, plus the test's state dir and home."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(_DROP_PREFIXES) and "_API_KEY" not in k and k not in _LOCALE_VARS}
    # English unless a test asks for a language (OPENCLAW_LANG or LANG in `env`): the machine's own
    # locale must not change what the tests read.
    env.update(HOME=str(home), OPENCLAW_STATE_DIR=str(state), PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1",
               LANG="C.UTF-8")
    if now_ms is not None:
        env["OPENCLAW_NOW_MS"] = str(now_ms)
    return env


def check_invariants(res: Result, args: tuple[str, ...], *, one_line: bool = True) -> None:
    """Never a traceback; a failing command says why in exactly one stderr line (`one_line`)."""
    assert "Traceback" not in res.err, f"traceback from {args}:\n{res.err}"
    if res.rc != 0 and one_line and res.err.strip():
        assert len(res.err_lines) == 1, f"{args} rc={res.rc}: expected one stderr line, got:\n{res.err}"


CLI = Callable[..., Result]


@pytest.fixture
def cli_env(state_dir: Path) -> dict[str, str]:
    """The environment the CLI subprocesses get (tests may add to it)."""
    return base_env(state_dir, Path(os.environ["HOME"]))


@pytest.fixture
def cli(cli_env: dict[str, str]) -> CLI:
    def run(*args: str, input: str | None = None, env: Mapping[str, str] | None = None,
            timeout: float = 60, one_line: bool = True) -> Result:
        full_env = {**cli_env, **(env or {})}
        proc = subprocess.run([*OPENCLAW_CMD, *args], input=input if input is not None else "",
                              capture_output=True, text=True, env=full_env, timeout=timeout, cwd=ROOT)
        res = Result(proc.returncode, proc.stdout, proc.stderr)
        check_invariants(res, args, one_line=one_line)
        return res

    return run
