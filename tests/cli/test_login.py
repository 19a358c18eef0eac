"""`openclaw models auth login --provider openai-codex` against the loopback OAuth test server."""

from __future__ import annotations

import http.client
import os
import queue
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest

from tests.cli.conftest import OPENCLAW_CMD, ROOT, Result, check_invariants
from tests.support.oauth_server import free_port

WAIT_S = 30


@pytest.fixture
def login_env(cli_env: dict[str, str]) -> dict[str, str]:
    env = dict(cli_env)
    env.pop("OPENCLAW_NOW_MS", None)  # expiries come from the server's real clock
    return env


class LiveCLI:
    """A running `openclaw` whose stdout/stderr lines are read as they come."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.args = args
        self.proc = subprocess.Popen([*OPENCLAW_CMD, *args], env=env, cwd=ROOT, text=True, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=1)
        self.out: list[str] = []
        self.err: list[str] = []
        self.events: list[tuple[str, str]] = []
        self._matched: set[int] = set()
        self._lines: queue.Queue[tuple[str, str]] = queue.Queue()
        for name, stream in (("out", self.proc.stdout), ("err", self.proc.stderr)):
            threading.Thread(target=self._pump, args=(name, stream), daemon=True).start()

    def _pump(self, name: str, stream) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            self._lines.put((name, line.rstrip("\n")))

    def wait_for(self, predicate, timeout: float = WAIT_S) -> str:  # type: ignore[no-untyped-def]
        """The first line (of either stream, seen before or arriving now) that matches and was not
        returned by an earlier call."""
        for i, (name, line) in enumerate(self.events):
            if i not in self._matched and predicate(name, line):
                self._matched.add(i)
                return line
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out; stdout={self.out} stderr={self.err}")
            try:
                name, line = self._lines.get(timeout=remaining)
            except queue.Empty:
                continue
            self._record(name, line)
            if predicate(name, line):
                self._matched.add(len(self.events) - 1)
                return line

    def _record(self, name: str, line: str) -> None:
        self.events.append((name, line))
        (self.out if name == "out" else self.err).append(line)

    def url(self) -> str:
        return self.wait_for(lambda name, line: name == "out" and line.startswith("http"))

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text)
        self.proc.stdin.flush()

    def finish(self, timeout: float = WAIT_S, *, close_stdin: bool = True) -> Result:
        if close_stdin and self.proc.stdin and not self.proc.stdin.closed:
            self.proc.stdin.close()
        rc = self.proc.wait(timeout=timeout)
        time.sleep(0.05)
        while not self._lines.empty():
            self._record(*self._lines.get())
        res = Result(rc, "\n".join(self.out) + "\n", "\n".join(self.err) + "\n")
        check_invariants(res, tuple(self.args), one_line=False)
        return res

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def authorize_redirect(url: str) -> str:
    """GET the authorize URL on the test server and return its redirect (without following it)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", f"{parts.path}?{parts.query}")
        resp = conn.getresponse()
        resp.read()
        assert resp.status == 302, resp.status
        location = resp.getheader("Location")
        assert location
        return location
    finally:
        conn.close()


def follow(url: str) -> int:
    """Like a browser: follow the redirect to the callback server; the callback page's status."""
    location = authorize_redirect(url)
    parts = urlsplit(location)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", f"{parts.path}?{parts.query}")
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def _with_state(url: str, state: str) -> str:
    parts = urlsplit(url)
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    q["state"] = state
    return urlunsplit(parts._replace(query=urlencode(q)))


def _read_store(state: Path) -> dict:
    import json

    return json.loads((state / "agents" / "main" / "agent" / "auth-profiles.json").read_text())


def test_headless_listens_and_takes_a_paste_on_stdin(srv, login_env, state_dir):
    port = free_port()
    env = srv.login_env(port=port, base=login_env, browser=False, DISPLAY="")  # Linux without a display
    live = LiveCLI(["models", "auth", "login", "--provider", "openai-codex"], env)
    try:
        url = live.url()
        assert url.startswith(srv.authorize_url + "?")
        live.wait_for(lambda name, line: line == f"Waiting for the browser callback on 127.0.0.1:{port}.")
        redirect = authorize_redirect(url)
        live.send("definitely not a code !!\n")  # unusable: explained, and the login keeps waiting
        live.wait_for(lambda name, line: name == "err" and line.startswith("openclaw: "))
        live.send(_with_state(redirect, "someone-elses-state") + "\n")  # another login's URL
        live.wait_for(lambda name, line: name == "err" and "state mismatch" in line)
        live.send(redirect + "\n")
        res = live.finish()
    finally:
        live.kill()
    assert res.rc == 0, res.err
    assert "a browser was opened" not in res.err
    assert "Logged in: saved openai-codex:me@example.com for agent main" in res.out
    assert "account: me@example.com" in res.out
    assert "accountId: acc_test_123" in res.out and "expires in 59m" in res.out
    profile = _read_store(state_dir)["profiles"]["openai-codex:me@example.com"]
    assert profile["type"] == "oauth" and "accountId" not in profile  # as OpenClaw stores it
    for secret in (profile["access"], profile["refresh"]):
        assert secret not in res.out + res.err
    assert srv.stats()["exchange_calls"] == 1


def test_ssh_prints_the_exact_forward_line_and_paste_still_works(srv, login_env, state_dir):
    port = free_port()
    env = srv.login_env(port=port, base=login_env, browser=False, SSH_CONNECTION="10.1.2.3 50000 10.9.8.7 2222",
                        USER="alice")
    live = LiveCLI(["models", "auth", "login", "--provider", "openai-codex"], env)
    try:
        q = parse_qs(urlsplit(authorize_redirect(live.url())).query)
        live.wait_for(lambda name, line: line.strip() == f"ssh -L {port}:127.0.0.1:{port} -p 2222 alice@10.9.8.7")
        live.send(f"{q['code'][0]}#{q['state'][0]}\n")
        res = live.finish()
    finally:
        live.kill()
    assert res.rc == 0, res.err
    assert "openai-codex:me@example.com" in _read_store(state_dir)["profiles"]


def test_ssh_callback_through_the_forwarded_port_wins(srv, login_env, state_dir):
    port = free_port()
    env = srv.login_env(port=port, base=login_env, browser=False, SSH_CONNECTION="10.1.2.3 50000 10.9.8.7 22")
    live = LiveCLI(["models", "auth", "login", "--provider", "openai-codex"], env)
    try:
        url = live.url()
        live.wait_for(lambda name, line: line.strip().startswith(f"ssh -L {port}:127.0.0.1:{port} "))
        # The laptop's browser, through `ssh -L`, reaches our loopback port: same as a local GET.
        assert follow(url) == 200
        res = live.finish(close_stdin=False)
    finally:
        live.kill()
    assert res.rc == 0, res.err
    assert "openai-codex:me@example.com" in _read_store(state_dir)["profiles"]


def test_browser_set_without_display_and_stdin_closed(srv, login_env, state_dir):
    """Issue 13: non-interactive, BROWSER set, no DISPLAY: the callback wins (it used to fail at once)."""
    port = free_port()
    env = srv.login_env(port=port, base=login_env, DISPLAY="")  # BROWSER = a redirect-following stand-in
    live = LiveCLI(["models", "auth", "login", "--provider", "openai-codex"], env)
    try:
        live.wait_for(lambda name, line: "(a browser was opened)" in line)
        res = live.finish()  # stdin closed at once
    finally:
        live.kill()
    assert res.rc == 0, res.err
    assert "openai-codex:me@example.com" in _read_store(state_dir)["profiles"]


def test_callback_mode_with_browser(srv, login_env, state_dir, tmp_path):
    port = free_port()
    env = srv.login_env(port=port, base=login_env)  # DISPLAY set, BROWSER = a redirect-following stand-in
    live = LiveCLI(["models", "auth", "login", "--provider", "openai-codex"], env)
    try:
        live.wait_for(lambda name, line: f"Waiting for the browser callback on 127.0.0.1:{port}" in line)
        res = live.finish(close_stdin=False)
    finally:
        live.kill()
    assert res.rc == 0, res.err
    assert "Logged in: saved openai-codex:me@example.com" in res.out


def test_callback_mode_no_browser_then_ctrl_c_frees_the_port(srv, login_env):
    port = free_port()
    env = srv.login_env(port=port, base=login_env, browser=False)
    live = LiveCLI(["models", "auth", "login", "--provider", "openai-codex", "--no-browser"], env)
    try:
        live.url()
        live.wait_for(lambda name, line: "Waiting for the browser callback" in line)
        live.proc.send_signal(signal.SIGINT)
        res = live.finish(close_stdin=False)
    finally:
        live.kill()
    assert res.rc == 130
    assert res.err.strip().splitlines()[-1] == "openclaw: cancelled"
    with socket.socket() as s:  # the callback port is free again
        s.bind(("127.0.0.1", port))


def test_callback_mode_no_browser_followed_by_hand(srv, login_env, state_dir):
    port = free_port()
    env = srv.login_env(port=port, base=login_env, browser=False)
    live = LiveCLI(["models", "auth", "login", "--provider", "openai-codex", "--no-browser", "--agent", "main"], env)
    try:
        url = live.url()
        live.wait_for(lambda name, line: "Waiting for the browser callback" in line)
        assert follow(url) == 200
        res = live.finish(close_stdin=False)
    finally:
        live.kill()
    assert res.rc == 0, res.err
    assert "openai-codex:me@example.com" in _read_store(state_dir)["profiles"]


def test_denied_login_is_one_clear_error(srv, login_env, state_dir):
    srv.set_next_authorize_error("access_denied", "user said no")
    port = free_port()
    env = srv.login_env(port=port, base=login_env, browser=False)
    live = LiveCLI(["models", "auth", "login", "--provider", "openai-codex", "--no-browser"], env)
    try:
        url = live.url()
        live.wait_for(lambda name, line: "Waiting for the browser callback" in line)
        follow(url)
        res = live.finish(close_stdin=False)
    finally:
        live.kill()
    assert res.rc == 1
    assert res.err.strip().splitlines()[-1].startswith("openclaw: Login was not completed")
    assert "access_denied" in res.err
    assert not (state_dir / "agents" / "main" / "agent" / "auth-profiles.json").exists()


def test_paste_mode_input_ends_without_a_paste(srv, login_env):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        env = srv.login_env(port=busy.getsockname()[1], base=login_env, browser=False)
        live = LiveCLI(["models", "auth", "login", "--provider", "openai-codex"], env)
        try:
            live.url()
            res = live.finish()
        finally:
            live.kill()
    assert res.rc == 1
    assert res.err.strip().splitlines()[-1].startswith("openclaw: Input ended before a redirect URL")


def test_port_busy_falls_back_to_paste(srv, login_env, state_dir):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = srv.login_env(port=port, base=login_env, browser=False)
        live = LiveCLI(["models", "auth", "login", "--provider", "openai-codex", "--no-browser"], env)
        try:
            url = live.url()
            live.wait_for(lambda name, line: line.startswith(f"Paste-only: port {port} is busy"))
            live.send(authorize_redirect(url) + "\n")
            res = live.finish()
        finally:
            live.kill()
    assert res.rc == 0, res.err
    assert f"Port {port} is busy, so no browser is opened" in res.err
    assert f"ss -ltnp 'sport = :{port}'" in res.err


@pytest.mark.parametrize(("provider", "hint"), [("anthropic", "setup-token"), ("openrouter", "paste-token")])
def test_unsupported_provider(cli, provider, hint):
    res = cli("models", "auth", "login", "--provider", provider)
    assert res.rc == 1
    assert "OAuth login is not available" in res.err and hint in res.err


def test_non_loopback_callback_host_is_refused(cli):
    res = cli("models", "auth", "login", "--provider", "openai-codex",
              env={"OPENCLAW_OAUTH_CALLBACK_HOST": "0.0.0.0"})
    assert res.rc == 1
    assert "not a loopback address" in res.err


def test_env_is_not_leaked(login_env):
    assert "OPENCLAW_NOW_MS" not in login_env
    assert os.environ.get("OPENCLAW_STATE_DIR") == login_env["OPENCLAW_STATE_DIR"]


def test_busy_port_never_opens_the_browser(srv, login_env, state_dir, tmp_path):
    visits = tmp_path / "visits.jsonl"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = srv.login_env(port=port, base=login_env, browser_log=visits)  # BROWSER set: a way to open one
        live = LiveCLI(["models", "auth", "login", "--provider", "openai-codex"], env)
        try:
            url = live.url()
            live.wait_for(lambda name, line: f"Port {port} is busy, so no browser is opened" in line)
            live.send(authorize_redirect(url) + "\n")
            res = live.finish()
        finally:
            live.kill()
    assert res.rc == 0, res.err
    assert not visits.exists()  # nothing was sent towards the other program's port


# ---- device pairing (--method device-code / --device-code)

DEVICE = ["models", "auth", "login", "--provider", "openai-codex"]


@pytest.mark.parametrize("flag", [["--method", "device-code"], ["--device-code"]])
def test_device_code_prints_url_and_code_lines_then_saves(srv, login_env, state_dir, flag):
    from tests.support.device_server import DeviceAuthFake

    fake = DeviceAuthFake(srv, grant_after=1, user_code="QWER-5678")
    live = LiveCLI([*DEVICE, *flag], srv.env(login_env))
    try:
        assert live.wait_for(lambda name, line: name == "out" and line.startswith("URL: ")) == \
            f"URL: {srv.issuer}/codex/device"
        assert live.wait_for(lambda name, line: name == "out" and line.startswith("Code: ")) == "Code: QWER-5678"
        res = live.finish()
    finally:
        live.kill()
    assert res.rc == 0, res.err
    assert res.out.splitlines()[:2] == [f"URL: {srv.issuer}/codex/device", "Code: QWER-5678"]
    assert "Logged in: saved openai-codex:me@example.com for agent main" in res.out
    assert "The code expires in 15 minutes. Never share it." in res.err
    assert fake.polls == 1
    profile = _read_store(state_dir)["profiles"]["openai-codex:me@example.com"]
    assert "accountId" not in profile and profile["email"] == "me@example.com"
    assert profile["refresh"] not in res.out + res.err


def test_device_code_ctrl_c_stops_polling_at_once(srv, login_env):
    from tests.support.device_server import DeviceAuthFake

    fake = DeviceAuthFake(srv, outcome="pending", delay_s=5.0)  # a slow server: Ctrl-C must not wait for it
    live = LiveCLI([*DEVICE, "--method", "device-code"], srv.env(login_env))
    try:
        live.wait_for(lambda name, line: line.startswith("Code: "))
        live.wait_for(lambda name, line: "Waiting for the code to be approved" in line)
        while fake.polls < 1:
            time.sleep(0.01)
        t0 = time.monotonic()
        live.proc.send_signal(signal.SIGINT)
        res = live.finish(close_stdin=False, timeout=10)
        elapsed = time.monotonic() - t0
    finally:
        live.kill()
    assert res.rc == 130 and elapsed < 3
    assert res.err.strip().splitlines()[-1] == "openclaw: cancelled"


def test_device_code_not_enabled_points_to_the_browser_login(srv, login_env):
    from tests.support.device_server import DeviceAuthFake

    DeviceAuthFake(srv, disabled=True)
    live = LiveCLI([*DEVICE, "--method", "device-code"], srv.env(login_env))
    try:
        res = live.finish()
    finally:
        live.kill()
    assert res.rc == 1
    last = res.err.strip().splitlines()[-1]
    assert "not enabled for this server" in last and "--method oauth" in last


def test_device_code_denied_with_hostile_text_is_one_clean_line(srv, login_env, state_dir):
    from tests.support.device_server import DeviceAuthFake

    DeviceAuthFake(srv, outcome="deny", hostile=True)
    live = LiveCLI([*DEVICE, "--device-code"], srv.env(login_env))
    try:
        res = live.finish()
    finally:
        live.kill()
    assert res.rc == 1
    assert "access_denied" in res.err.strip().splitlines()[-1]
    assert "\x1b" not in res.err and "\x07" not in res.err and "\u202e" not in res.err
    assert not (state_dir / "agents" / "main" / "agent" / "auth-profiles.json").exists()


def test_unknown_method(cli):
    res = cli("models", "auth", "login", "--provider", "openai-codex", "--method", "magic")
    assert res.rc == 1 and "Unknown login method" in res.err
