"""OAuth refresh across both tools on one SQLite-era state dir, against the loopback OAuth server that rotates
refresh tokens and rejects a reused one: the real OpenClaw 2026.9.6 refreshes with its own code
(`oc96_oauth_refresh.mjs`: resolveApiKeyForProfile -> refreshOAuthTokenWithLock -> its openai plugin's token
call, redirected from auth.openai.com to the loopback server), ours with core.refresh.

- N of 9.6's refreshers and N of ours, released together (a pipe barrier), make ONE token call, all end with
  the same access token, nobody is rejected for reuse;
- 9.6's pending fence (its token call held by the server) makes ours wait and take 9.6's tokens;
- ours mid-refresh makes 9.6 wait and take ours; 9.6's refresh lock held makes our refresh wait;
- what ours writes after a refresh is what 9.6 writes (9.6's ChatGPT logins are `openai` since 8.1).
Synchronised on the lines processes print and on the server's before-token hook, never on sleeps."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from openclaw_onboard.core import fences, store
from openclaw_onboard.core.refresh import RefreshResult, ensure_fresh

from tests.interop.conftest import OpenClawPeer
from tests.support.oauth_server import ROOT, OAuthTestServer, token_fingerprint

SCRIPT = Path(__file__).with_name("oc96_oauth_refresh.mjs")
PID = "openai:me@example.com"
EMAIL = "me@example.com"
ACCOUNT = "acc_test_123"
N = 3
WAIT_S = 90.0


def _raw(state: Path, pid: str = PID) -> dict[str, Any]:
    conn = sqlite3.connect(f"file:{state / 'state' / 'openclaw.sqlite'}?mode=ro", uri=True)
    try:
        doc = json.loads(conn.execute("SELECT value_json FROM config_machine_state "
                                      "WHERE state_key = 'authProfiles.store'").fetchone()[0])
    finally:
        conn.close()
    return doc["profiles"][pid]


def _env96(peer: OpenClawPeer, srv: OAuthTestServer, **extra: str) -> dict[str, str]:
    # 9.6 refreshes through its bundled openai plugin: bundled plugins stay enabled here.
    env = {k: v for k, v in peer.env.items() if k != "OPENCLAW_DISABLE_BUNDLED_PLUGINS"}
    env.update(OC96_TOKEN_URL=srv.token_url, OC96_CLIENT_ID=srv.client_id, **extra)
    return env


def _line(proc: subprocess.Popen[str], timeout: float = WAIT_S) -> str:
    """The next line `proc` prints, or an AssertionError after `timeout` (a deadline, not a synchronisation)."""
    box: list[str] = []
    reader = threading.Thread(target=lambda: box.append(proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(timeout)
    assert box and box[0], f"process {proc.args!r} printed nothing (rc={proc.poll()})"
    return box[0]


def _seed(peer: OpenClawPeer, srv: OAuthTestServer, pid: str = PID, **fields: Any) -> dict[str, Any]:
    """An expired `openai` OAuth login the loopback server can refresh, written by 9.6's own writer
    (upsertAuthProfileWithLock) as its login writes one; on an empty dir that writer makes the databases."""
    tokens = srv.mint_tokens(email=EMAIL)
    cred = {"type": "oauth", "provider": "openai", "access": tokens["access_token"],
            "refresh": tokens["refresh_token"], "expires": int(time.time() * 1000) - 60_000,
            "email": EMAIL, "accountId": ACCOUNT, **fields}
    res = subprocess.run([str(peer.peers.node), str(SCRIPT), "seed", pid], input=json.dumps(cred), text=True,
                         capture_output=True, env=_env96(peer, srv), timeout=WAIT_S, cwd=peer.home)
    assert res.returncode == 0 and json.loads(res.stdout.splitlines()[-1]) == {"seeded": True}, res.stderr[-2000:]
    assert _raw(peer.state, pid)["refresh"] == tokens["refresh_token"]
    return cred


class Refresher:
    """One refresher process, either tool's; it says it is ready, refreshes on "go" and reports."""

    def __init__(self, cmd: list[str], env: dict[str, str], cwd: Path, theirs: bool) -> None:
        self.theirs = theirs
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True, env=env, cwd=cwd)
        self.events: list[dict[str, Any]] = []

    @classmethod
    def theirs96(cls, peer: OpenClawPeer, srv: OAuthTestServer, pid: str = PID, **extra: str) -> Refresher:
        return cls([str(peer.peers.node), str(SCRIPT), "refresh", pid], _env96(peer, srv, **extra), peer.home, True)

    @classmethod
    def ours(cls, srv: OAuthTestServer, state: Path, pid: str = PID) -> Refresher:
        env = srv.env(dict(os.environ), OPENCLAW_STATE_DIR=str(state), PYTHONPATH=str(ROOT))
        return cls([sys.executable, "-m", "tests.support.oauth_server", "--refresh-worker", pid, "main"], env, ROOT,
                   False)

    def ready(self) -> None:
        line = _line(self.proc)
        assert (json.loads(line).get("ready") if self.theirs else line.strip() == "ready"), line

    def go(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def next_event(self) -> dict[str, Any]:
        event = json.loads(_line(self.proc))
        self.events.append(event)
        return event

    def result(self) -> dict[str, Any]:
        """{"ok", "access" (a fingerprint), ...}: 9.6's result line, or our worker's."""
        while True:
            event = self.next_event()
            if not self.theirs or "result" in event:
                return event

    def close(self) -> None:
        if self.proc.stdin and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()


@pytest.fixture
def refreshers() -> Any:
    started: list[Refresher] = []
    yield started
    for r in started:
        r.close()


@pytest.fixture
def held(srv: OAuthTestServer) -> Any:
    """The server's before-token hook holding every token call until `release` is set; `entered` says one came."""
    entered, release = threading.Event(), threading.Event()

    def hook(_fields: dict[str, Any]) -> None:
        entered.set()
        release.wait(WAIT_S)
    srv.set_before_token(hook)
    yield entered, release
    release.set()
    srv.set_before_token(None)


def _no_leftovers(state: Path) -> None:
    assert not list(state.rglob("*.lock")) and not list(state.rglob("auth-profiles.json*"))


def test_racing_refreshers_of_both_tools_make_one_token_call(openclaw96: OpenClawPeer, srv: OAuthTestServer,
                                                             state_dir: Path, refreshers: list[Refresher]) -> None:
    before = _seed(openclaw96, srv)
    for _ in range(N):  # interleaved, so neither tool is favoured by start order
        refreshers.append(Refresher.theirs96(openclaw96, srv))
        refreshers.append(Refresher.ours(srv, state_dir))
    for r in refreshers:
        r.ready()
    for r in refreshers:  # the barrier: everyone is released before any result is read
        r.go()
    results = [(r.theirs, r.result()) for r in refreshers]

    assert all(res.get("ok") for _, res in results), results
    stored = _raw(state_dir)
    assert fences.parse_fence(stored) is None and stored["refresh"] != before["refresh"]
    assert {res["access"] for _, res in results} == {token_fingerprint(stored["access"])}
    stats = srv.stats()
    assert stats["token_calls"] == 1 and stats["reused_rejections"] == 0 and stats["rejected_calls"] == 0, stats
    # The one call came from one refresher; everyone else took its tokens (waiting on its fence or finding them).
    callers = [theirs for theirs, res in results if res.get("tokenCalls") or res.get("refreshed")]
    assert len(callers) == 1, results
    assert srv.is_active_refresh(stored["refresh"])
    _no_leftovers(state_dir)


def test_ours_writes_what_9_6_writes_after_a_refresh(openclaw96: OpenClawPeer, srv: OAuthTestServer,
                                                     state_dir: Path, refreshers: list[Refresher],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Two identical logins, one refreshed by 9.6, one by ours: the same fields, the same values (tokens and
    expiry aside), 9.6's plugin's choices included (accountId and chatgptPlanType from the new access token, the
    stored id token kept as it was)."""
    for key, value in srv.env().items():
        monkeypatch.setenv(key, value)
    srv.configure(email=None)  # our server puts the email in the id token only; 9.6 keeps the stored one
    id_token = srv.mint_tokens(email=EMAIL)["id_token"]
    _seed(openclaw96, srv, "openai:theirs", idToken=id_token, displayName="Me")
    _seed(openclaw96, srv, "openai:ours", idToken=id_token, displayName="Me")
    theirs = Refresher.theirs96(openclaw96, srv, "openai:theirs")
    refreshers.append(theirs)
    theirs.ready()
    theirs.go()
    assert theirs.result()["ok"]
    at = int(time.time() * 1000)
    result = ensure_fresh("openai:ours", state=state_dir)
    assert result.refreshed and srv.token_calls == 2

    a, b = _raw(state_dir, "openai:theirs"), _raw(state_dir, "openai:ours")
    assert set(a) == set(b), (sorted(a), sorted(b))
    assert {k: v for k, v in a.items() if k not in ("access", "refresh", "expires")} == \
        {k: v for k, v in b.items() if k not in ("access", "refresh", "expires")}
    assert a["idToken"] == b["idToken"] == id_token and b["chatgptPlanType"] == "plus"
    assert abs(a["expires"] - b["expires"]) < 60_000 and b["expires"] >= at + 3600_000 - 5_000
    assert isinstance(b["expires"], int)


def test_9_6s_pending_fence_makes_ours_wait_and_use_its_tokens(openclaw96: OpenClawPeer, srv: OAuthTestServer,
                                                               state_dir: Path, refreshers: list[Refresher], held: Any,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    entered, release = held
    for key, value in srv.env().items():
        monkeypatch.setenv(key, value)
    _seed(openclaw96, srv)
    theirs = Refresher.theirs96(openclaw96, srv)
    refreshers.append(theirs)
    theirs.ready()
    theirs.go()
    assert entered.wait(WAIT_S)  # 9.6 has claimed: its token call is held by the server
    fence = fences.parse_fence(_raw(state_dir))
    assert fence is not None and fence.state == "pending"

    saw_fence = threading.Event()
    real_read = store.raw_profile

    def watched(paths: Any, profile_id: str) -> Any:
        value = real_read(paths, profile_id)
        if fences.must_wait(value):
            saw_fence.set()
        return value
    monkeypatch.setattr(store, "raw_profile", watched)
    outcome: list[RefreshResult | BaseException] = []

    def ours() -> None:
        try:
            outcome.append(ensure_fresh(PID, state=state_dir))
        except BaseException as exc:  # reported by the assertion below
            outcome.append(exc)
    waiter = threading.Thread(target=ours)
    waiter.start()
    assert saw_fence.wait(WAIT_S)  # ours is waiting on 9.6's fence
    release.set()
    res = theirs.result()
    waiter.join(WAIT_S)
    (mine,) = outcome
    assert isinstance(mine, RefreshResult), mine
    assert res["ok"] and res["tokenCalls"] == 1, res
    assert not mine.refreshed and token_fingerprint(mine.credential.secret) == res["access"]
    assert token_fingerprint(_raw(state_dir)["access"]) == res["access"]
    assert srv.token_calls == 1 and srv.stats()["rejected_calls"] == 0
    _no_leftovers(state_dir)


def test_ours_mid_refresh_makes_9_6_wait_and_use_our_tokens(openclaw96: OpenClawPeer, srv: OAuthTestServer,
                                                            state_dir: Path, refreshers: list[Refresher], held: Any,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    entered, release = held
    for key, value in srv.env().items():
        monkeypatch.setenv(key, value)
    _seed(openclaw96, srv)
    outcome: list[RefreshResult | BaseException] = []

    def ours() -> None:
        try:
            outcome.append(ensure_fresh(PID, state=state_dir))
        except BaseException as exc:  # reported by the assertion below
            outcome.append(exc)
    refresher = threading.Thread(target=ours)
    refresher.start()
    assert entered.wait(WAIT_S)  # ours has claimed: its token call is held by the server
    fence = fences.parse_fence(_raw(state_dir))
    assert fence is not None and fence.state == "pending"

    theirs = Refresher.theirs96(openclaw96, srv, OC96_WATCH_CLAIM=fence.claim_id)
    refreshers.append(theirs)
    theirs.ready()
    theirs.go()
    while (event := theirs.next_event()).get("sawPendingFence", 0) < 3:
        # 9.6 reads our pending fence at load, under its lock at the claim, then again as it observes it
        assert "result" not in event and "tokenCall" not in event, theirs.events
    release.set()
    res = theirs.result()
    refresher.join(WAIT_S)
    (mine,) = outcome
    assert isinstance(mine, RefreshResult) and mine.refreshed, mine
    assert res["ok"] and res["tokenCalls"] == 0, res
    assert res["access"] == token_fingerprint(mine.credential.secret) == token_fingerprint(_raw(state_dir)["access"])
    assert srv.token_calls == 1 and srv.stats()["rejected_calls"] == 0
    _no_leftovers(state_dir)


def test_a_held_9_6_refresh_lock_makes_our_refresh_wait(openclaw96: OpenClawPeer, srv: OAuthTestServer,
                                                        state_dir: Path, refreshers: list[Refresher],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """9.6's withOAuthProfileLock held (oc96_refresh.mjs `hold`) on the login: our refresh waits on it (no token
    call while it is held) and refreshes once 9.6 lets go."""
    from openclaw_onboard.core import refresh_lock_sqlite as rl

    for key, value in srv.env().items():
        monkeypatch.setenv(key, value)
    before = _seed(openclaw96, srv)
    holder = subprocess.Popen([str(openclaw96.peers.node), str(SCRIPT.with_name("oc96_refresh.mjs")), "hold",
                               "openai", PID], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True, env=openclaw96.env, cwd=openclaw96.home)
    try:
        held = json.loads(_line(holder))
        assert held["held"] is True
        waiting = threading.Event()
        real_acquire = rl.acquire

        def acquire(path: Path, **kwargs: Any) -> Any:
            return real_acquire(path, **{**kwargs, "on_wait": lambda _info: waiting.set()})
        monkeypatch.setattr(rl, "acquire", acquire)
        outcome: list[RefreshResult | BaseException] = []

        def ours() -> None:
            try:
                outcome.append(ensure_fresh(PID, state=state_dir))
            except BaseException as exc:  # reported by the assertion below
                outcome.append(exc)
        refresher = threading.Thread(target=ours)
        refresher.start()
        assert waiting.wait(WAIT_S), outcome  # ours found 9.6's live lock
        assert srv.token_calls == 0 and _raw(state_dir) == before
        assert holder.stdin is not None
        holder.stdin.close()  # 9.6 lets go
        refresher.join(WAIT_S)
    finally:
        if holder.stdin and not holder.stdin.closed:
            holder.stdin.close()
        holder.wait(30)
    (mine,) = outcome
    assert isinstance(mine, RefreshResult) and mine.refreshed, mine
    assert srv.token_calls == 1
    assert token_fingerprint(_raw(state_dir)["access"]) == token_fingerprint(mine.credential.secret)
    _no_leftovers(state_dir)
