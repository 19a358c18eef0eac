"""Issue 11.2 and 11.7 in a real pseudo-terminal: a crash shows one line and writes a private report without
locals or secrets; untrusted strings (profile ids, emails, agent names) never reach the terminal as escape
sequences. The raw bytes the app writes are inspected, as a terminal would receive them."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

from tests.support.hardening import OAUTH_REFRESH, ROOT, cli_env, leaks, run_cli
from tests.support.pty_run import run_in_pty

CRASH_SCRIPT = """
import sys
from pathlib import Path
from openclaw_onboard.app.tui import OnboardApp

secret = sys.argv[2]
app = OnboardApp(state=Path(sys.argv[1]), dashboard=True, cursor_blink=False)

def boom():
    refresh_token = secret          # a local Textual's crash screen would have printed
    code_verifier = secret[::-1]
    raise ValueError("refresh failed for " + refresh_token + code_verifier)

app.first_paint_hook = boom
app.run()
print("EXIT", app.return_code)
"""


def _reports(state: Path) -> list[Path]:
    d = state / "crash-reports"
    return sorted(d.iterdir()) if d.exists() else []


def test_a_tui_crash_prints_one_line_and_a_private_report_without_secrets(tmp_path: Path) -> None:
    state = tmp_path / "state"
    env = cli_env(state, tmp_path)
    _rc, out = run_in_pty([sys.executable, "-c", CRASH_SCRIPT, str(state), OAUTH_REFRESH], env, cwd=str(ROOT))
    text = out.decode("utf-8", "replace")
    assert not leaks(text, [OAUTH_REFRESH, OAUTH_REFRESH[::-1]]), "a secret reached the terminal"
    assert "refresh_token" not in text and "Traceback" not in text
    assert "EXIT 1" in text
    lines = [line for line in text.replace("\r", "").split("\n") if "unexpected error" in line]
    assert len(lines) == 1 and "openclaw onboard: unexpected error (ValueError)" in lines[0], text[-2000:]
    [report] = _reports(state)
    assert str(report) in text
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    assert stat.S_IMODE(report.parent.stat().st_mode) == 0o700
    body = report.read_text()
    assert "ValueError" in body and "in boom" in body and "message withheld" in body
    assert not leaks(body, [OAUTH_REFRESH, OAUTH_REFRESH[::-1]])


CLI_CRASH = """
import sys, threading
import openclaw_onboard.app.cli_status

def boom(args):
    access_token = sys.argv[1]
    raise KeyError(access_token)

def thread_boom(args):
    t = threading.Thread(target=lambda: (_ for _ in ()).throw(RuntimeError(sys.argv[1])))
    t.start(); t.join()
    return 0

openclaw_onboard.app.cli_status.cmd_status = boom if sys.argv[2] == "main" else thread_boom
from openclaw_onboard.app.cli import main
raise SystemExit(main(["models", "status"]))
"""


def test_an_unexpected_cli_error_is_one_line_naming_a_report(tmp_path: Path) -> None:
    import subprocess

    state = tmp_path / "state"
    env = cli_env(state, tmp_path)
    for where in ("main", "thread"):
        proc = subprocess.run([sys.executable, "-c", CLI_CRASH, OAUTH_REFRESH, where], capture_output=True,
                              text=True, env=env, cwd=ROOT, timeout=60)
        err = proc.stderr.strip().splitlines()
        assert len(err) == 1 and "unexpected error" in err[0] and "a report without secrets is in" in err[0], err
        assert not leaks(proc.stderr + proc.stdout, [OAUTH_REFRESH]) and "Traceback" not in proc.stderr
    reports = _reports(state)
    assert len(reports) == 2
    for r in reports:
        assert stat.S_IMODE(r.stat().st_mode) == 0o600 and not leaks(r.read_text(), [OAUTH_REFRESH])


HOSTILE = "\x1b]0;PWNED-TITLE\x07\x1b]52;c;cHduZWQ=\x07\x1b[2J\u202e"


def test_escape_sequences_in_every_shown_field_never_reach_the_terminal(tmp_path: Path) -> None:
    """Profile ids, providers, emails, account ids and agent names written by someone else's tool."""
    state = tmp_path / "state"
    agent_dir = state / "agents" / "main" / "agent"
    agent_dir.mkdir(parents=True, mode=0o700)
    for d in (state, state / "agents", state / "agents" / "main"):
        os.chmod(d, 0o700)
    store = {"version": 1, "profiles": {
        f"openrouter:evil{HOSTILE}": {"type": "api_key", "provider": "openrouter", "key": "sk-or-v1-" + "k" * 40,
                                      "email": f"me{HOSTILE}@x.y"},
        "openai-codex:x": {"type": "oauth", "provider": f"openai-codex{HOSTILE}", "access": "a" * 40,
                           "refresh": "r" * 40, "expires": 1, "email": f"e{HOSTILE}@x.y",
                           "accountId": f"acc{HOSTILE}"},
    }}
    (agent_dir / "auth-profiles.json").write_text(json.dumps(store))
    os.chmod(agent_dir / "auth-profiles.json", 0o600)
    env = cli_env(state, tmp_path)
    code = ("import sys\nfrom pathlib import Path\nfrom openclaw_onboard.app.tui import OnboardApp\n"
            "app = OnboardApp(state=Path(sys.argv[1]), dashboard=True, cursor_blink=False)\napp.run()\n")
    rc, out = run_in_pty([sys.executable, "-c", code, str(state)], env, send={"openrouter": b"\x11"},
                         cwd=str(ROOT))
    assert rc == 0 and b"openrouter" in out  # the dashboard did render the rows
    assert b"\x1b]0;PWNED" not in out and b"\x1b]52" not in out and b"\x1b[2J" not in out
    assert "\u202e".encode() not in out
    # and the CLI, in every output mode
    for args in (["models", "status"], ["models", "status", "--plain"], ["models", "status", "--json"],
                 ["agents", "list"], ["doctor"], ["channels", "list"]):
        res = run_cli(args, env)
        for stream in (res.out, res.err):
            assert "\x1b" not in stream and "\x07" not in stream and "\u202e" not in stream, (args, stream)
