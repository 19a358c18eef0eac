"""Terminal input: the hidden paste prompt (multi-line pastes included) and remove's confirmation.

stdin is the slave side of a pseudo-terminal; the test types on the master side.
"""

from __future__ import annotations

import os
import select
import subprocess
import time

import pytest

from tests.cli.conftest import OPENCLAW_CMD, ROOT

pty = pytest.importorskip("pty")

TOKEN = "sk-or-v1-" + "TypedOnTheTerminal0123456789" * 3


def _run_on_tty(args: list[str], env: dict[str, str], typed: list[bytes], prompt: bytes) -> tuple[int, str, str, bytes]:
    master, slave = pty.openpty()
    proc = subprocess.Popen([*OPENCLAW_CMD, *args], stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, cwd=ROOT)
    os.close(slave)
    echoed = b""
    try:
        assert proc.stderr is not None
        err = b""
        deadline = time.monotonic() + 30
        while prompt not in err:  # type only once the prompt is shown (echo is off by then)
            assert time.monotonic() < deadline, err
            if select.select([proc.stderr], [], [], 0.1)[0]:
                chunk = os.read(proc.stderr.fileno(), 4096)
                assert chunk, err
                err += chunk
        os.write(master, b"".join(typed))
        out, rest = proc.communicate(timeout=30)
        err += rest
        while select.select([master], [], [], 0)[0]:
            try:
                data = os.read(master, 4096)
            except OSError:
                break
            if not data:
                break
            echoed += data
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    return proc.returncode, out.decode(), err.decode(), echoed


def test_paste_token_hidden_prompt_reads_a_wrapped_paste(cli_env, openclaw_files):
    typed = [TOKEN[:30].encode() + b"\n" + TOKEN[30:].encode() + b"\n"]  # one paste, wrapped in two lines
    rc, out, err, echoed = _run_on_tty(["models", "auth", "paste-token", "--provider", "openrouter"], cli_env,
                                       typed, b"(input hidden)")
    assert rc == 0, err
    assert "Saved openrouter:manual" in out
    assert openclaw_files.read_store()["profiles"]["openrouter:manual"]["token"] == TOKEN
    assert TOKEN[:30].encode() not in echoed and TOKEN[30:].encode() not in echoed  # nothing echoed
    assert TOKEN not in out + err


def test_paste_token_empty_line_on_tty(cli_env, openclaw_files):
    rc, _out, err, _ = _run_on_tty(["models", "auth", "paste-token", "--provider", "openrouter"], cli_env,
                                   [b"\n"], b"(input hidden)")
    assert rc == 1
    assert err.strip().splitlines()[-1] == "openclaw: No token was pasted"
    assert "Traceback" not in err


@pytest.mark.parametrize(("answer", "removed"), [(b"y\n", True), (b"\n", False), (b"no\n", False)])
def test_remove_asks_on_a_terminal(cli_env, make_agent, openclaw_files, answer, removed):
    make_agent()
    rc, out, err, _ = _run_on_tty(["models", "auth", "remove", "--profile-id", "anthropic:work"], cli_env,
                                  [answer], b"[y/N]")
    assert "Remove auth profile anthropic:work (token sk-ant-o...Gg3eWffP) from agent main?" in err
    assert ("anthropic:work" not in openclaw_files.read_store()["profiles"]) is removed
    assert rc == (0 if removed else 1)
    assert ("Removed anthropic:work" in out) is removed


def test_hidden_prompt_joins_a_bracketed_paste_in_a_real_terminal(cli_env, state_dir, tmp_path):
    """In tmux: a token pasted wrapped in two lines with no final line break (the second line only arrives with
    the Enter typed after it) is stored whole, never its first line alone. The prompt asks the terminal for
    bracketed paste; the test waits for the terminal to report that mode, then pastes."""
    import json
    import shlex
    import shutil

    from tests.tui.test_tmux_onboard import Tmux

    assert shutil.which("tmux"), "tmux is needed (.ci/run installs it)"
    token = "sk-or-v1-" + "0123456789abcdef" * 4
    tmux = Tmux(tmp_path)
    exit_file = tmp_path / "exit-code"
    env = {**cli_env, "TERM": "xterm-256color", "LANG": "C.UTF-8"}
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command = " ".join(shlex.quote(part) for part in OPENCLAW_CMD)
    try:
        output = tmp_path / "pane-output"
        # `read` holds the command back until the pane's output is recorded (pipe-pane), escape sequences too.
        script = (f"read go; cd {shlex.quote(str(ROOT))} && env -i {assignments} {command} models auth paste-token "
                  f"--provider openrouter; echo $? > {shlex.quote(str(exit_file))}; sleep 60")
        tmux.start(f"sh -c {shlex.quote(script)}")
        tmux.run("pipe-pane", "-O", "-t", tmux.session, f"cat > {shlex.quote(str(output))}")
        tmux.keys("Enter")
        tmux.wait_for("(input hidden)")
        deadline = time.monotonic() + 30
        while b"\x1b[?2004h" not in (output.read_bytes() if output.exists() else b""):
            assert time.monotonic() < deadline, "the prompt did not ask the terminal for bracketed paste"
            time.sleep(0.05)
        tmux.paste(token[:39] + "\n" + token[39:])  # wrapped after 39 characters, no final line break
        tmux.keys("Enter")
        deadline = time.monotonic() + 30
        while not (exit_file.exists() and exit_file.read_text().strip()):
            assert time.monotonic() < deadline, tmux.capture()
            time.sleep(0.05)
        screen = tmux.capture()
    finally:
        tmux.kill()
    assert exit_file.read_text().strip() == "0", screen
    store = json.loads((state_dir / "agents" / "main" / "agent" / "auth-profiles.json").read_text())
    assert store["profiles"]["openrouter:manual"]["token"] == token
    assert token[12:40] not in screen.replace("\n", "")
