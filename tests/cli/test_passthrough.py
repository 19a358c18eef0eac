"""Our `openclaw` first on PATH, OpenClaw's after it: every command we do not implement runs OpenClaw's (issue 23).

The "real" OpenClaw here is a shell script that reports what it got (argv byte for byte, its pid, stdin, whether
its streams are a terminal, the environment) and exits as told; tests/interop/test_passthrough_real.py does the same
with the real OpenClaw 2026.4.26.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import OPENCLAW_CMD, ROOT, python_cmd
from tests.support.pty_run import run_in_pty

SYSTEM_PATH = ["/usr/bin", "/bin"]
FAKE = r"""#!/bin/sh
printf '%s\0' "$@" > "$ARGV_FILE"
printf 'FAKE %s pid=%s\n' "$FAKE_NAME" "$$"
printf 'MARKER=%s\n' "$OPENCLAW_ONBOARD_PASSTHROUGH"
printf 'PROBE=%s\n' "$PASSTHROUGH_PROBE"
printf 'PYDANTIC=%s\n' "${PYDANTIC_DISABLE_PLUGINS-unset}"
if [ -t 0 ]; then echo STDIN=tty; else printf 'STDIN=%s\n' "$(cat)"; fi
if [ -t 1 ]; then echo STDOUT=tty; fi
if [ -n "$FAKE_SIGNAL" ]; then kill -"$FAKE_SIGNAL" $$; fi
exit "${FAKE_RC:-0}"
"""


def _script(folder: Path, text: str, name: str = "openclaw") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    path.chmod(0o755)
    return path


@pytest.fixture
def ours_script() -> Path:
    script = Path(OPENCLAW_CMD[0])
    assert script.name == "openclaw" and script.is_file(), "the tests need the installed console script"
    return script


@pytest.fixture
def layout(tmp_path: Path, ours_script: Path, cli_env: dict[str, str]) -> dict[str, Path]:
    """ours/openclaw (a symlink to our console script, as pipx installs it), fake/openclaw (OpenClaw's)."""
    (tmp_path / "ours").mkdir()
    (tmp_path / "ours" / "openclaw").symlink_to(ours_script)
    fake = _script(tmp_path / "fake", FAKE)
    assert not any(os.path.exists(os.path.join(d, "openclaw")) for d in SYSTEM_PATH)
    return {"ours": tmp_path / "ours" / "openclaw", "fake": fake, "argv": tmp_path / "argv.bin"}


def _env(cli_env: dict[str, str], layout: dict[str, Path], *folders: Path, **extra: str) -> dict[str, str]:
    path = [str(layout["ours"].parent), *(str(f) for f in folders), *SYSTEM_PATH]
    # Without what an in-process main() of another test may have left in this process's environment.
    base = {k: v for k, v in cli_env.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    return {**base, "PATH": os.pathsep.join(path), "ARGV_FILE": str(layout["argv"]), "FAKE_NAME": "path", **extra}


def _run(argv: list[str], env: dict[str, str], stdin: str = "") -> tuple[int, int, str, str]:
    """(pid, exit status, stdout, stderr) of one run."""
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=ROOT)
    out, err = proc.communicate(stdin, timeout=60)
    return proc.pid, proc.returncode, out, err


def _argv(layout: dict[str, Path]) -> list[str]:
    return layout["argv"].read_bytes().decode().split("\0")[:-1]


ARGS = ["gateway", "--port", "18789", "two words", "", "ünïcödé", "--", "-x", "--token=abc", "*", "$HOME"]


def test_an_unimplemented_command_execs_the_next_openclaw_with_argv_env_and_status(cli_env, layout) -> None:
    env = _env(cli_env, layout, layout["fake"].parent, PASSTHROUGH_PROBE="kept", FAKE_RC="42")
    pid, rc, out, err = _run([str(layout["ours"]), *ARGS], env, stdin="piped input")
    assert rc == 42, err
    assert _argv(layout) == ARGS  # byte for byte, empty and glob-looking arguments included
    # exec, not a child: the same process (so the terminal, signals and status are OpenClaw's own)
    assert f"FAKE path pid={pid}" in out
    assert "STDIN=piped input" in out and "PROBE=kept" in out
    assert "PYDANTIC=unset" in out  # the environment as we got it, nothing of ours added but the marker
    assert f"MARKER={os.path.realpath(layout['fake'])}\n" in out
    assert err == ""


@pytest.mark.parametrize("status", [0, 1, 3, 255])
def test_every_exit_status_is_openclaws(cli_env, layout, status: int) -> None:
    _, rc, out, _err = _run([str(layout["ours"]), "gateway", "status"],
                            _env(cli_env, layout, layout["fake"].parent, FAKE_RC=str(status)))
    assert rc == status and "FAKE path" in out


def test_a_signal_that_ends_openclaw_ends_the_command_the_same_way(cli_env, layout) -> None:
    _, rc, out, _err = _run([str(layout["ours"]), "gateway"],
                            _env(cli_env, layout, layout["fake"].parent, FAKE_SIGNAL="TERM"))
    assert rc == -signal.SIGTERM and "FAKE path" in out


def test_the_terminal_is_openclaws(cli_env, layout) -> None:
    env = _env(cli_env, layout, layout["fake"].parent)
    rc, out = run_in_pty([str(layout["ours"]), "tui"], env, timeout=60)
    text = out.decode()
    assert rc == 0 and "FAKE path" in text and "STDIN=tty" in text and "STDOUT=tty" in text


@pytest.mark.parametrize("args", [["channels", "status"], ["models", "list"], ["models", "auth", "add"], ["nope"],
                                  ["--profile", "dev", "gateway"], ["help"], ["-V"], ["gateway", "--help"]])
def test_commands_we_do_not_implement_go_to_openclaw(cli_env, layout, args: list[str]) -> None:
    _, rc, out, _err = _run([str(layout["ours"]), *args], _env(cli_env, layout, layout["fake"].parent))
    assert rc == 0 and "FAKE path" in out and _argv(layout) == args


@pytest.mark.parametrize("args", [["models", "status", "--check"], ["channels", "list"], ["agents", "list"],
                                  ["--version"], ["--help"], ["models", "--help"], ["models", "status", "--nope"]])
def test_our_commands_stay_ours(cli_env, layout, make_agent, args: list[str]) -> None:
    make_agent()
    _, _rc, out, err = _run([str(layout["ours"]), *args], _env(cli_env, layout, layout["fake"].parent))
    assert "FAKE" not in out and not layout["argv"].exists()
    assert "Traceback" not in err


def test_help_lists_ours_and_says_where_the_rest_go(cli_env, layout) -> None:
    _, rc, out, _err = _run([str(layout["ours"]), "--help"], _env(cli_env, layout, layout["fake"].parent))
    assert rc == 0 and "models" in out and "onboard" in out
    flat = " ".join(out.split())
    assert "Every other command (gateway, channels status, models list, ...) is OpenClaw's own" in flat
    assert "$OPENCLAW_BIN, else the next `openclaw` on PATH that is not this one" in flat
    assert "npm install -g openclaw" in flat and "openclaw-onboard" in flat


def test_openclaw_bin_wins_over_path(cli_env, layout, tmp_path: Path) -> None:
    chosen = _script(tmp_path / "elsewhere", FAKE, name="real-openclaw")
    env = _env(cli_env, layout, layout["fake"].parent, OPENCLAW_BIN=str(chosen), FAKE_NAME="bin")
    _, rc, out, _err = _run([str(layout["ours"]), "gateway", "run"], env)
    assert rc == 0 and "FAKE bin" in out and _argv(layout) == ["gateway", "run"]


def test_another_copy_of_us_on_path_is_skipped(cli_env, layout, ours_script: Path, tmp_path: Path) -> None:
    """Ours in another folder (a copy, not a link: found by its content) is not OpenClaw."""
    shutil.copy2(ours_script, (tmp_path / "ours2").mkdir() or tmp_path / "ours2" / "openclaw")
    _, rc, out, _err = _run([str(layout["ours"]), "gateway"],
                            _env(cli_env, layout, tmp_path / "ours2", layout["fake"].parent))
    assert rc == 0 and "FAKE path" in out
    _, rc, out, err = _run([str(layout["ours"]), "gateway"], _env(cli_env, layout, tmp_path / "ours2"))
    assert rc == 1 and out == "" and "npm install -g openclaw" in err


def test_a_wrapper_that_calls_us_back_is_no_loop(cli_env, layout, ours_script: Path, tmp_path: Path) -> None:
    wrapper = _script(tmp_path / "wrapper", f'#!/bin/sh\nexec "{ours_script}" "$@"\n')
    _, rc, out, err = _run([str(layout["ours"]), "gateway"], _env(cli_env, layout, wrapper.parent))
    assert rc == 1 and out == ""
    assert err.splitlines() == ["openclaw: every other `openclaw` found leads back to this one (openclaw-onboard); "
                                "set OPENCLAW_BIN to OpenClaw's own `openclaw` to run `openclaw gateway`"]
    # ... and with OpenClaw after the wrapper, the way back skips the wrapper and reaches it.
    _, rc, out, err = _run([str(layout["ours"]), "gateway"],
                           _env(cli_env, layout, wrapper.parent, layout["fake"].parent))
    assert rc == 0 and "FAKE path" in out, err
    assert f"MARKER={wrapper.resolve()}{os.pathsep}{layout['fake'].resolve()}\n" in out


@pytest.mark.parametrize("target", ["ours", "wrapper"])
def test_openclaw_bin_naming_us_is_refused(cli_env, layout, ours_script: Path, tmp_path: Path, target: str) -> None:
    wrapper = _script(tmp_path / "wrapper", f'#!/bin/sh\nexec "{ours_script}" "$@"\n')
    chosen = layout["ours"] if target == "ours" else wrapper
    _, rc, out, err = _run([str(layout["ours"]), "gateway"],
                           _env(cli_env, layout, layout["fake"].parent, OPENCLAW_BIN=str(chosen)))
    assert rc == 1 and out == "" and "leads back to this one" in err and len(err.splitlines()) == 1


def test_without_openclaw_one_line_says_how_to_install_it(cli_env, layout) -> None:
    _, rc, out, err = _run([str(layout["ours"]), "gateway", "--help"], _env(cli_env, layout))
    assert (rc, out) == (1, "")
    assert err.splitlines() == ["openclaw: `openclaw gateway` is OpenClaw's own command, and OpenClaw is not "
                                "installed: install it with `npm install -g openclaw` (or set OPENCLAW_BIN)"]


def test_an_openclaw_bin_that_cannot_run_is_one_line(cli_env, layout, tmp_path: Path) -> None:
    _, rc, out, err = _run([str(layout["ours"]), "gateway"],
                           _env(cli_env, layout, OPENCLAW_BIN=str(tmp_path / "missing")))
    assert (rc, out) == (127, "") and err.splitlines() == [f"openclaw: cannot run {tmp_path / 'missing'}: "
                                                           "No such file or directory"]


def test_openclaw_onboard_is_the_same_entry_point(cli_env, layout, ours_script: Path) -> None:
    other = ours_script.with_name("openclaw-onboard")
    assert other.is_file(), "pyproject's [project.scripts] installs openclaw-onboard"
    env = _env(cli_env, layout, layout["fake"].parent)
    assert _run([str(other), "--version"], env)[1:] == _run([str(ours_script), "--version"], env)[1:]
    _, rc, out, _err = _run([str(other), "gateway", "x"], env)
    assert rc == 0 and "FAKE path" in out and _argv(layout) == ["gateway", "x"]


def test_the_passthrough_table_is_the_parser(cli_env) -> None:
    """app.cli._OURS (read before any import) names exactly the commands build_parser implements."""
    import argparse

    from openclaw_onboard.app import cli

    def tree(parser: argparse.ArgumentParser) -> dict | None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            return None
        return {name: tree(p) for name, p in subs[0].choices.items()}

    assert tree(cli.build_parser()) == cli._OURS


def test_the_status_path_does_not_import_the_passthrough(cli_env, make_agent) -> None:
    make_agent(config=True)
    proc = subprocess.run([*python_cmd("-X", "importtime"), "models", "status", "--check"],
                          capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=60)
    modules = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "openclaw_onboard.core.status" in modules and proc.returncode == 2
    assert not {m for m in modules if "passthrough" in m}


def test_in_process_main_passes_through_too(cli_env, layout, monkeypatch: pytest.MonkeyPatch) -> None:
    """main(argv) as a library call: it execs too (run in a child, so the exec replaces that child)."""
    code = "import sys\nfrom openclaw_onboard.app.cli import main\nsys.exit(main(['gateway', 'in-process']))\n"
    _, rc, out, _err = _run([sys.executable, "-c", code], _env(cli_env, layout, layout["fake"].parent, FAKE_RC="5"))
    assert rc == 5 and "FAKE path" in out and _argv(layout) == ["gateway", "in-process"]
