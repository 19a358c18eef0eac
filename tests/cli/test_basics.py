"""`--version`, `--help` on every level, usage errors, and the import discipline of `models status`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.cli.conftest import ROOT, python_cmd

COMMANDS = [
    (),
    ("onboard",),
    ("models",),
    ("models", "status"),
    ("models", "auth"),
    ("models", "auth", "order"),
    ("models", "auth", "order", "get"),
    ("models", "auth", "order", "set"),
    ("models", "auth", "order", "clear"),
    ("models", "auth", "paste-token"),
    ("models", "auth", "setup-token"),
    ("models", "auth", "login"),
    ("models", "auth", "refresh"),
    ("models", "auth", "remove"),
    ("agents",),
    ("agents", "list"),
    ("agents", "add"),
    ("channels",),
    ("channels", "list"),
]


def test_version(cli):
    res = cli("--version")
    assert res.rc == 0
    assert res.out.startswith("openclaw ")
    assert "0." in res.out


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "openclaw")
def test_help_on_every_level(cli, path):
    res = cli(*path, "--help")
    assert res.rc == 0, res.err
    assert res.out.startswith("usage: openclaw"), res.out
    assert res.err == ""


def test_top_help_lists_commands(cli):
    out = cli("--help").out
    for name in ("onboard", "models", "agents", "channels"):
        assert name in out
    auth = cli("models", "auth", "--help").out
    for name in ("order", "paste-token", "setup-token", "login", "refresh", "remove"):
        assert name in auth


def test_paste_token_help_has_no_token_flag(cli):
    out = cli("models", "auth", "paste-token", "--help").out
    assert "--token" not in out
    assert "stdin" in out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ((), "openclaw: the following arguments are required"),
        # (`openclaw nope`: not ours, so OpenClaw's own openclaw answers it: tests/cli/test_passthrough.py)
        (("models",), "openclaw models: the following arguments are required"),
        (("models", "status", "--bogus"), "openclaw models status: unrecognized arguments: --bogus"),
        (("models", "status", "--json", "--plain"), "not allowed with argument"),
        (("models", "auth", "order", "get"), "--provider"),
        (("models", "auth", "order", "set", "--provider", "anthropic"), "PROFILE_ID"),
        (("models", "auth", "paste-token"), "--provider"),
        (("models", "auth", "paste-token", "--provider", "x", "--token", "sk-secret"), "never taken from the command"),
        (("models", "auth", "setup-token", "sk-ant-oat01-secret"), "never taken from the command line"),
        (("agents", "list", "sk-ant-oat01-0123456789abcdefghijklmnop"), "sk-a...mnop"),
        (("models", "auth", "remove"), "--profile-id"),
        (("agents", "add"), "NAME"),
    ],
)
def test_usage_errors_are_one_line_exit_2(cli, args, fragment):
    res = cli(*args)
    assert res.rc == 2
    assert len(res.err_lines) == 1, res.err
    assert fragment in res.err
    assert "--help" in res.err
    assert res.out == ""
    for arg in args:  # a stray argument may be a pasted secret: never echoed whole
        if "secret" in arg or len(arg) >= 24:
            assert arg not in res.err


def test_models_status_imports_neither_textual_nor_httpx(cli_env, make_agent):
    make_agent(config=True)
    proc = subprocess.run([*python_cmd("-X", "importtime"), "models", "status", "--check"],
                          capture_output=True, text=True, env=cli_env, cwd=ROOT, timeout=60)
    assert proc.returncode == 2, proc.stderr[-2000:]  # the example store has an expiring profile
    modules = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "openclaw_onboard.core.status" in modules  # the measurement works
    assert not {m for m in modules if m.split(".")[0] in ("textual", "httpx", "rich")}


@pytest.mark.parametrize("mode", ["", "--plain"])
def test_models_status_in_process_leaves_heavy_modules_unloaded(cli_env, make_agent, mode):
    make_agent()
    code = (
        "import sys\n"
        "from openclaw_onboard.app.cli import main\n"
        f"rc = main(['models', 'status', '--check'{', ' + repr(mode) if mode else ''}])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'httpx'))\n"
        "heavy += sorted(m for m in sys.modules if m.startswith(\n"
        "    ('openclaw_onboard.core.oauth', 'openclaw_onboard.app.cli_output', 'openclaw_onboard.app.tui')))\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
        "raise SystemExit(rc)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=cli_env, cwd=ROOT,
                          timeout=60)
    assert proc.returncode == 2
    assert "HEAVY []" in proc.stderr


def test_main_is_callable_in_process(capsys, state_dir):
    from openclaw_onboard.app.cli import main

    assert main(["--version"]) == 0
    assert main(["models", "status", "--nope"]) == 2
    assert "unrecognized arguments" in capsys.readouterr().err


# What the status answer does without: the heavy third-party packages (the standard library is plain code now,
# issue "one core, two faces"), and SQLite, which only a SQLite-era state dir needs.
STATUS_NEVER_IMPORTS = ("textual", "httpx", "pydantic", "rich", "sqlite3",
                        # argparse's help formatter imports shutil (and bz2, lzma) for the width, when not given one
                        "shutil")


@pytest.mark.parametrize("args", [["--check"], [], ["--plain"], ["--agent", "work", "--check"]],
                         ids=["check", "text", "plain", "sub-agent"])
def test_models_status_imports_only_what_the_answer_needs(cli_env, make_agent, openclaw_files, args):
    config = {"agents": {"list": [{"id": "main", "default": True}, {"id": "Work Agent!", "agentDir": "~/w"}]},
              "auth": {"order": {"openrouter": ["openrouter:a"]}}}
    make_agent(config=config)
    make_agent("work", auth_state=True)
    openclaw_files.write_raw(openclaw_files.state / ".env", b"GROQ_API_KEY=gsk_test_0123456789\n")
    env = {**cli_env, "OPENAI_API_KEYS": "sk-a, sk-b"}
    proc = subprocess.run([*python_cmd("-X", "importtime"), "models", "status", *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert proc.returncode in (0, 1, 2), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    modules = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "openclaw_onboard.core.status" in modules  # the measurement works
    assert sorted(m for m in modules if m.split(".")[0] in STATUS_NEVER_IMPORTS) == []
