"""`openclaw onboard` in a real terminal (tmux), driven as a user would: keys and a bracketed paste.

Walk: agent main → Paste a token → provider openrouter → the token (pasted wrapped over three lines)
→ save → the dashboard shows the new profile, masked. The token's middle never appears on screen.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_NOW_MS, OPENROUTER_TOKEN

ROOT = Path(__file__).resolve().parents[2]
OPENCLAW_SCRIPT = Path(sys.executable).with_name("openclaw")
# The installed console script, as a user runs it; `python -m app.cli` when the package is not installed.
OPENCLAW = (shlex.quote(str(OPENCLAW_SCRIPT)) if OPENCLAW_SCRIPT.exists()
            else f"{shlex.quote(sys.executable)} -m app.cli")

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")


class Tmux:
    def __init__(self, tmp: Path) -> None:
        tag = uuid.uuid4().hex[:10]
        self.socket = f"oc-onboard-{os.getpid()}-{tag}"
        self.session = f"onboard-{tag}"
        self.screens: list[str] = []

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=check,
                              timeout=30)

    def start(self, command: str, width: int = 100, height: int = 30) -> None:
        self.run("-f", "/dev/null", "new-session", "-d", "-s", self.session, "-x", str(width), "-y", str(height),
                 command)

    def capture(self) -> str:
        text = self.run("capture-pane", "-p", "-t", self.session, check=False).stdout
        self.screens.append(text)
        return text

    def wait_for(self, needle: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.capture()
            if needle in text:
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} did not appear within {timeout}s; screen:\n{text}")
            time.sleep(0.05)

    def wait_gone(self, needle: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.capture()
            if needle not in text:
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} was still there after {timeout}s; screen:\n{text}")
            time.sleep(0.05)

    def cursor_line(self) -> str:
        """The screen line the terminal cursor is on: a focused text field puts it there (Textual places it
        at the field's cursor), so it tells which field has the focus."""
        x_y = self.run("display-message", "-p", "-t", self.session, "#{cursor_x},#{cursor_y}").stdout.strip()
        lines = self.capture().splitlines()
        row = int(x_y.split(",")[1])
        return lines[row] if row < len(lines) else ""

    def wait_for_focus(self, label: str, timeout: float = 30.0) -> None:
        """Wait until the text field on the row labelled `label` has the focus (the cursor is on that row)."""
        deadline = time.monotonic() + timeout
        while not self.cursor_line().lstrip().startswith(label):
            if time.monotonic() > deadline:
                raise AssertionError(f"the field {label!r} did not get the focus within {timeout}s; cursor on "
                                     f"{self.cursor_line()!r}; screen:\n{self.screens[-1]}")
            time.sleep(0.05)

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", self.session, "-l", text)

    def paste(self, text: str) -> None:
        """A real bracketed paste (tmux wraps it in ESC[200~ ... ESC[201~ since the app asked for it)."""
        self.run("set-buffer", "-b", "onboard", text)
        self.run("paste-buffer", "-p", "-d", "-b", "onboard", "-t", self.session)

    def alive(self) -> bool:
        return self.run("has-session", "-t", self.session, check=False).returncode == 0

    def kill(self) -> None:
        self.run("kill-server", check=False)


@pytest.fixture
def tmux(tmp_path: Path):
    t = Tmux(tmp_path)
    yield t
    t.kill()


def test_onboard_paste_token_in_tmux(tmux: Tmux, state_dir: Path, tmp_path: Path) -> None:
    home = Path(os.environ["HOME"])
    exit_file = tmp_path / "exit-code"
    env = {"OPENCLAW_STATE_DIR": str(state_dir), "HOME": str(home), "OPENCLAW_NOW_MS": str(EXAMPLE_NOW_MS),
           "TERM": "xterm-256color", "COLORTERM": "truecolor", "LANG": "C.UTF-8", "PATH": os.environ["PATH"],
           "PYTHONPATH": str(ROOT)}
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command = f"env -i {assignments} {OPENCLAW} onboard; echo $? > {shlex.quote(str(exit_file))}"
    tmux.start(f"sh -c {shlex.quote(command)}")

    screen = tmux.wait_for("Which agent should get the new credential?")
    assert "main" in screen and "(new)" in screen
    tmux.keys("Enter")
    tmux.wait_for("How should agent main log in?")
    tmux.keys("p", "a", "s", "t", "e")  # the picker filters as one types
    tmux.wait_for("2 matches")  # best match first: Paste a token, then the setup-token (it pastes too)
    tmux.keys("Enter")
    tmux.wait_for("Paste a token for agent main")
    tmux.wait_for_focus("Provider")
    tmux.type("openrouter")
    tmux.wait_for("openrouter:manual")  # the default profile id appears as the provider is typed
    tmux.keys("Enter")  # provider -> profile
    tmux.wait_for_focus("Profile")
    tmux.wait_for("▌ ✓ profile  openrouter:manual (default)")
    tmux.keys("Enter")  # profile (empty: the default) -> token
    tmux.wait_for_focus("Token")
    tmux.wait_for("^r Reveal/hide")  # the masked token field's key shows in the footer
    third = len(OPENROUTER_TOKEN) // 3
    tmux.paste("\n".join(OPENROUTER_TOKEN[i * third:(i + 1) * third if i < 2 else None] for i in range(3)) + "\n")
    screen = tmux.wait_for(f"{len(OPENROUTER_TOKEN)} characters, sk-or-v1...89abcdef")
    tmux.keys("Enter")  # valid: Enter on the last filled field saves
    screen = tmux.wait_for("openrouter:manual", timeout=30)
    screen = tmux.wait_for("sk-or-v1...89abcdef")
    dashboard = tmux.wait_for("OpenClaw auth profiles")
    tmux.keys("q")
    deadline = time.monotonic() + 20
    # The shell creates the file before it writes the code: wait for the content, not the file.
    while not (exit_file.exists() and exit_file.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert exit_file.read_text().strip() == "0"

    middle = OPENROUTER_TOKEN[8:-8]
    for shown in tmux.screens:
        flat = shown.replace("\n", "")
        assert middle not in flat
        assert OPENROUTER_TOKEN[10:30] not in flat
    store = json.loads((state_dir / "agents" / "main" / "agent" / "auth-profiles.json").read_text())
    assert store["profiles"]["openrouter:manual"] == {"type": "token", "provider": "openrouter",
                                                      "token": OPENROUTER_TOKEN}
    print("\n--- dashboard as captured by tmux ---\n" + dashboard)


def test_device_pairing_in_tmux_at_80x24(tmux: Tmux, state_dir: Path, tmp_path: Path) -> None:
    """Over SSH the wizard suggests device pairing; the screen fits 80x24 with the code, URL and QR."""
    from tests.support.device_server import DeviceAuthFake
    from tests.support.oauth_server import OAuthTestServer

    home = Path(os.environ["HOME"])
    exit_file = tmp_path / "exit-code"
    with OAuthTestServer() as srv:
        fake = DeviceAuthFake(srv, outcome="pending", interval=1, user_code="K7QZ-M4PX")
        env = {"OPENCLAW_STATE_DIR": str(state_dir), "HOME": str(home), "OPENCLAW_NOW_MS": str(EXAMPLE_NOW_MS),
               "TERM": "xterm-256color", "COLORTERM": "truecolor", "LANG": "C.UTF-8", "PATH": os.environ["PATH"],
               "PYTHONPATH": str(ROOT), "SSH_CONNECTION": "10.0.0.2 50000 10.0.0.1 22",
               "OPENCLAW_CODEX_ISSUER": srv.issuer, "OPENCLAW_CODEX_CLIENT_ID": srv.client_id}
        assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        command = f"env -i {assignments} {OPENCLAW} onboard --agent main; echo $? > {shlex.quote(str(exit_file))}"
        tmux.start(f"sh -c {shlex.quote(command)}", width=80, height=24)

        tmux.wait_for("Suggested: device pairing (SSH session)")
        tmux.keys("Enter")
        tmux.wait_for("K7QZ-M4PX")
        tmux.wait_for("Awaiting approval · ")
        screen = tmux.wait_for("b Browser login")
        lines = screen.splitlines()
        assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
        assert f"{srv.issuer}/codex/device" in screen
        assert "Code expires in 15:00. Never share it." in screen
        assert "█▀▀▀▀▀█" in screen  # a QR finder pattern
        assert "esc Cancel" in screen and "c Copy code" in screen and "b Browser login" in screen
        device_screen = screen
        fake.configure(outcome="grant", grant_after=0)  # approved on the phone
        screen = tmux.wait_for("Saved as openai-codex:me@example.com")
        assert "Paired; no longer checking" in screen
        tmux.keys("Enter")
        tmux.wait_for("OpenClaw auth profiles")
        tmux.keys("q")
        deadline = time.monotonic() + 20
        while not exit_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    assert exit_file.read_text().strip() == "0"
    store = json.loads((state_dir / "agents" / "main" / "agent" / "auth-profiles.json").read_text())
    saved = store["profiles"]["openai-codex:me@example.com"]
    # OpenClaw 4.26's fields after a Codex login (core.oauth.identity), the email among them; no accountId.
    assert saved["email"] == "me@example.com" and set(saved) == {"type", "provider", "access", "refresh",
                                                                  "expires", "email"}
    print("\n--- device pairing screen as captured by tmux (80x24) ---\n" + device_screen)


def test_double_taps_in_a_real_terminal(tmux: Tmux, state_dir: Path, tmp_path: Path) -> None:
    """Enter Enter on the agent list goes one step. Esc on the next screen goes back; Esc on the agent list
    only asks before quitting (issue 25.9), so a second Esc never quits: it is sent on its own and the question
    answered "stay" (both Escs in one write made the test depend on when the late Esc landed)."""
    home = Path(os.environ["HOME"])
    env = {"OPENCLAW_STATE_DIR": str(state_dir), "HOME": str(home), "OPENCLAW_NOW_MS": str(EXAMPLE_NOW_MS),
           "TERM": "xterm-256color", "LANG": "C.UTF-8", "PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)}
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    tmux.start(f"sh -c {shlex.quote(f'env -i {assignments} {OPENCLAW} onboard')}", width=80, height=24)
    tmux.wait_for("Which agent should get the new credential?")
    tmux.keys("Enter", "Enter")
    screen = tmux.wait_for("How should agent main log in?")
    assert "OpenAI Codex login" not in screen  # the second Enter did not choose on the next screen
    tmux.keys("Escape")
    tmux.wait_for("Which agent should get the new credential?")
    tmux.keys("Escape")
    tmux.wait_for("Quit the onboarding wizard?")
    tmux.keys("Escape")  # stay
    tmux.wait_gone("Quit the onboarding wizard?")
    tmux.keys("a")  # still running
    tmux.wait_for("New agent")
    assert tmux.alive()


def test_type_ahead_across_fields_in_one_write(tmux: Tmux, state_dir: Path, tmp_path: Path) -> None:
    """Typed ahead in one write, as a fast typist or a terminal's type-ahead does: `openrouter` Enter Enter and the
    token. Each Enter moves the focus on before the keys behind it are typed; the token never lands in the
    provider field (it was shown there in clear text), and a burst with Backspace types what was typed."""
    home = Path(os.environ["HOME"])
    env = {"OPENCLAW_STATE_DIR": str(state_dir), "HOME": str(home), "OPENCLAW_NOW_MS": str(EXAMPLE_NOW_MS),
           "TERM": "xterm-256color", "LANG": "C.UTF-8", "PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)}
    assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    tmux.start(f"sh -c {shlex.quote(f'env -i {assignments} {OPENCLAW} onboard --agent main')}", width=80, height=24)
    tmux.wait_for("How should agent main log in?")  # the filter has the focus once the picker is shown
    tmux.run("send-keys", "-t", tmux.session, "-l", "abc", ";", "send-keys", "-t", tmux.session, "BSpace", "d")
    tmux.wait_for("abd")
    tmux.keys("C-u")
    tmux.wait_for("Type to filter")
    tmux.run("send-keys", "-t", tmux.session, "-l", "groq", ";", "send-keys", "-t", tmux.session, *["BSpace"] * 4,
             ";", "send-keys", "-t", tmux.session, "-l", "paste")
    tmux.wait_for("2 matches")
    assert tmux.cursor_line().strip() == "paste"
    tmux.keys("Enter")
    tmux.wait_for("Paste a token for agent main")
    tmux.wait_for_focus("Provider")
    tmux.run("send-keys", "-t", tmux.session, "-l", "openrouter", ";", "send-keys", "-t", tmux.session, "Enter",
             "Enter", ";", "send-keys", "-t", tmux.session, "-l", OPENROUTER_TOKEN)
    screen = tmux.wait_for(f"{len(OPENROUTER_TOKEN)} characters, sk-or-v1...89abcdef")
    assert "✓ provider openrouter" in screen and "✓ profile  openrouter:manual (default)" in screen
    for shown in tmux.screens:
        assert OPENROUTER_TOKEN[10:30] not in shown.replace("\n", "")
