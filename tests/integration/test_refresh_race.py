"""core.refresh against the loopback OAuth server: single refresh under contention, rotation, relogin errors.

The race uses 16 real processes (subprocesses running tests.support.oauth_server --refresh-worker),
released together through a pipe barrier, each calling core.refresh.ensure_fresh.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from openclaw_onboard.core import locking, store
from openclaw_onboard.core.errors import ProfileNotFoundError
from openclaw_onboard.core.models import AuthProfileStore, OAuthCredential, TokenCredential
from openclaw_onboard.core.oauth.provider import CodexOAuthConfig
from openclaw_onboard.core.oauth.token_client import codex_refresh
from openclaw_onboard.core.paths import agent_paths
from openclaw_onboard.core.refresh import RefreshError, ReloginRequired, ensure_fresh

from tests.support.oauth_server import ROOT, OAuthTestServer, RefreshRace, free_port, token_fingerprint

PID = "openai-codex:me@example.com"
RELOGIN = "log in again: openclaw models auth login --provider openai-codex --agent main"


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, srv: OAuthTestServer) -> Path:
    srv.reset_counters()
    srv.configure(token_lifetime_s=3600, email="me@example.com", account_id="acc_test_123", token_delay_s=0)
    srv.set_before_token(None)
    for key, value in srv.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OPENCLAW_NOW_MS", raising=False)
    state = tmp_path / "state"
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(state))
    return state


def stored(state: Path, pid: str = PID) -> OAuthCredential:
    cred = store.load(state=state).store.profiles[pid]
    assert isinstance(cred, OAuthCredential)
    return cred


def put(state: Path, pid: str, cred: OAuthCredential) -> None:
    def mutate(s: AuthProfileStore) -> None:
        s.profiles[pid] = cred

    store.update(mutate, state=state)


# ---- the race

@pytest.mark.slow
def test_sixteen_processes_refresh_exactly_once_per_round(srv: OAuthTestServer, state: Path) -> None:
    pid = srv.write_expired_profile(state)
    with RefreshRace(srv, state, pid, processes=16) as race:
        for round_no in (1, 2):
            before = stored(state)
            rnd = race.run_round()
            after = stored(state)
            assert rnd.errors == [], rnd.errors
            assert rnd.processes == 16 and len(rnd.access_fingerprints) == 16
            assert rnd.token_calls == 1, f"round {round_no}: {rnd.token_calls} token calls"
            assert rnd.refreshed == 1
            assert set(rnd.access_fingerprints) == {token_fingerprint(after.access)}
            assert after.access != before.access and after.refresh != before.refresh  # rotated
            assert srv.is_active_refresh(after.refresh) and not srv.is_active_refresh(before.refresh)
            assert after.expires_ms is not None and after.expires_ms > time.time() * 1000 + 3000_000
            srv.expire_profile(state, pid)  # round 2 starts from an expired token again
    stats = srv.stats()
    assert stats["reused_rejections"] == 0 and stats["rejected_calls"] == 0  # nobody was logged out
    assert ensure_fresh(pid, state=state).refreshed  # and the stored refresh token still works


# ---- single-process semantics

def test_fresh_credential_is_returned_without_a_call(srv: OAuthTestServer, state: Path) -> None:
    pid = srv.write_expired_profile(state, expired_ms_ago=-3600_000)  # expires in an hour
    res = ensure_fresh(pid, state=state)
    assert not res.refreshed and res.credential == stored(state)
    assert srv.token_calls == 0
    assert "access" not in repr(res) and stored(state).access not in repr(res)


def test_within_the_five_minute_margin_counts_as_stale(srv: OAuthTestServer, state: Path) -> None:
    pid = srv.write_expired_profile(state, expired_ms_ago=-4 * 60_000)  # 4 minutes left
    assert ensure_fresh(pid, state=state).refreshed
    assert srv.token_calls == 1


def test_stale_credential_is_refreshed_rotated_and_persisted(srv: OAuthTestServer, state: Path) -> None:
    pid = srv.write_expired_profile(state)
    old = stored(state)
    t0 = int(time.time() * 1000)
    res = ensure_fresh(pid, state=state)
    new = stored(state)
    assert res.refreshed and res.credential == new
    assert new.access != old.access and new.refresh != old.refresh
    assert new.accountId == "acc_test_123" and new.email == "me@example.com" and new.idToken != old.idToken
    assert t0 + 3600_000 <= new.expires_ms <= int(time.time() * 1000) + 3600_000
    stats = srv.stats()
    assert stats["token_calls"] == 1
    assert stats["last_token_request"] == {"path": "/oauth/token", "content_type": "application/x-www-form-urlencoded",
                                           "grant_type": "refresh_token",
                                           "fields": ["client_id", "grant_type", "refresh_token"]}
    assert ensure_fresh(pid, state=state).refreshed is False and srv.token_calls == 1


def test_now_ms_argument_and_force(srv: OAuthTestServer, state: Path) -> None:
    pid = srv.write_expired_profile(state, expired_ms_ago=-3600_000)
    exp = stored(state).expires_ms
    assert exp is not None
    assert not ensure_fresh(pid, state=state, now_ms=exp - 10 * 60_000).refreshed
    assert ensure_fresh(pid, state=state, now_ms=exp).refreshed  # "now" past expiry
    assert ensure_fresh(pid, state=state, force=True).refreshed
    assert srv.token_calls == 2


def test_response_without_refresh_token_keeps_the_old_one(srv: OAuthTestServer, state: Path) -> None:
    pid = srv.write_expired_profile(state)
    old = stored(state)
    srv.omit_refresh_token_next()
    res = ensure_fresh(pid, state=state)
    assert res.refreshed and stored(state).refresh == old.refresh and stored(state).access != old.access
    assert srv.is_active_refresh(old.refresh)


def _rotate_behind_our_back(srv: OAuthTestServer, refresh: str) -> OAuthCredential:
    """What another tool (OpenClaw's gateway) does: refresh with the stored token, not telling us yet."""
    tokens = codex_refresh(CodexOAuthConfig.from_env(srv.env()), refresh)
    return OAuthCredential(provider="openai-codex", access=tokens.access_token, refresh=tokens.refresh_token,
                           expires=int(time.time() * 1000) + 3600_000, accountId="acc_test_123",
                           email="me@example.com")


def test_reused_token_adopts_what_another_process_wrote(srv: OAuthTestServer, state: Path) -> None:
    pid = srv.write_expired_profile(state)
    theirs = _rotate_behind_our_back(srv, stored(state).refresh or "")
    # Their write lands while our (now stale) refresh request is in flight.
    srv.set_before_token(lambda fields: put(state, pid, theirs))
    res = ensure_fresh(pid, state=state)
    assert not res.refreshed and res.credential.secret == theirs.access
    assert stored(state).refresh == theirs.refresh and srv.is_active_refresh(theirs.refresh)
    assert srv.stats()["reused_rejections"] == 1


def test_reused_token_retries_once_with_a_newer_but_expired_credential(srv: OAuthTestServer, state: Path) -> None:
    pid = srv.write_expired_profile(state)
    theirs = _rotate_behind_our_back(srv, stored(state).refresh or "")
    theirs = theirs.model_copy(update={"expires": int(time.time() * 1000) - 1000})
    srv.set_before_token(lambda fields: put(state, pid, theirs) if fields["refresh_token"] != theirs.refresh else None)
    res = ensure_fresh(pid, state=state)
    assert res.refreshed and stored(state).refresh != theirs.refresh
    assert srv.is_active_refresh(stored(state).refresh)


def test_reused_token_without_a_newer_one_requires_login(srv: OAuthTestServer, state: Path) -> None:
    pid = srv.write_expired_profile(state)
    old = stored(state)
    _rotate_behind_our_back(srv, old.refresh or "")  # rotated elsewhere and never written to our store
    with pytest.raises(ReloginRequired) as err:
        ensure_fresh(pid, state=state)
    assert str(err.value) == (
        f"Refresh token for {PID} was rejected (refresh_token_reused); {RELOGIN}"
    )
    assert (err.value.profile_id, err.value.provider, err.value.reason) == (PID, "openai-codex", "refresh_token_reused")
    assert old.refresh not in str(err.value) and old.access not in str(err.value)
    assert stored(state) == old  # nothing was overwritten


def test_revoked_token_is_invalid_grant(srv: OAuthTestServer, state: Path) -> None:
    pid = srv.write_expired_profile(state, agent_id="work")
    srv.revoke_all()
    with pytest.raises(ReloginRequired, match=r"\(refresh_token_reused\); log in again: .* --agent work"):
        ensure_fresh(pid, agent_id="work", state=state)
    put(state, "openai-codex:other", OAuthCredential(provider="openai-codex", access="a", refresh="unknown",
                                                       expires=1))
    with pytest.raises(ReloginRequired, match=r"\(invalid_grant\)"):
        ensure_fresh("openai-codex:other", state=state)


@pytest.mark.parametrize(("status", "body", "match"), [
    (503, "down for maintenance", "HTTP 503"),
    (500, '{"error": "server_error"}', "HTTP 500"),
    (200, "<html>captive portal</html>", "did not answer with a JSON object"),
    (200, '{"token_type": "Bearer"}', "without an access token"),
    (403, "<html>forbidden</html>", "HTTP 403"),
])
def test_server_failures_are_refresh_errors(srv: OAuthTestServer, state: Path, status: int, body: str,
                                            match: str) -> None:
    pid = srv.write_expired_profile(state)
    old = stored(state)
    srv.fail_next_token(status, body)
    with pytest.raises(RefreshError, match=match) as err:
        ensure_fresh(pid, state=state)
    assert not isinstance(err.value, ReloginRequired)
    assert str(err.value).startswith(f"Could not refresh {PID}: ")
    assert stored(state) == old and srv.is_active_refresh(old.refresh)  # retry later still works
    assert ensure_fresh(pid, state=state).refreshed


def test_network_failure_is_a_refresh_error(srv: OAuthTestServer, state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pid = srv.write_expired_profile(state)
    monkeypatch.setenv("OPENCLAW_CODEX_ISSUER", f"http://127.0.0.1:{free_port()}")  # nobody listens
    with pytest.raises(RefreshError, match="Could not reach the token endpoint") as err:
        ensure_fresh(pid, state=state)
    assert not isinstance(err.value, ReloginRequired)


def test_refresh_ignores_callback_overrides(srv: OAuthTestServer, state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENCLAW_OAUTH_CALLBACK_HOST", "0.0.0.0")  # refused for logins, irrelevant to refresh
    assert ensure_fresh(srv.write_expired_profile(state), state=state).refreshed


def test_anthropic_oauth_refresh_uses_json_without_scope(srv: OAuthTestServer, state: Path) -> None:
    pid = srv.write_expired_profile(state, provider="anthropic", profile_id="anthropic:default")
    old = stored(state, pid)
    res = ensure_fresh(pid, state=state)
    assert res.refreshed and stored(state, pid).refresh != old.refresh
    assert srv.stats()["last_token_request"] == {"path": "/v1/oauth/token", "content_type": "application/json",
                                                 "grant_type": "refresh_token",
                                                 "fields": ["client_id", "grant_type", "refresh_token"]}
    assert stored(state, pid).accountId is None  # codex-only extras are not invented


def test_claude_cli_login_is_never_refreshed_from_the_copy(srv: OAuthTestServer, state: Path, tmp_path: Path) -> None:
    """OpenClaw 4.26 keeps it Claude Code's: re-read the CLI file, never spend the copied refresh token."""
    import json

    pid = srv.write_expired_profile(state, provider="anthropic")
    assert pid == "anthropic:claude-cli"
    with pytest.raises(ReloginRequired, match="run `claude`"):
        ensure_fresh(pid, state=state)
    assert srv.token_calls == 0
    # Claude Code renewed its login: we take it as it is, still without a token call.
    creds = tmp_path / "home" / ".claude" / ".credentials.json"
    creds.parent.mkdir(parents=True, exist_ok=True)
    expires = int(time.time() * 1000) + 3_600_000
    creds.write_text(json.dumps({"claudeAiOauth": {"accessToken": "sk-ant-oat01-renewed",
                                                   "refreshToken": "sk-ant-ort01-renewed", "expiresAt": expires}}))
    creds.chmod(0o600)
    res = ensure_fresh(pid, state=state)
    assert res.credential.access == "sk-ant-oat01-renewed" and stored(state, pid).expires == expires
    assert srv.token_calls == 0


def test_static_profiles_and_unknown_ids(state: Path) -> None:
    put(state, "openrouter:manual", TokenCredential(provider="openrouter", token="sk-or"))  # type: ignore[arg-type]
    put(state, "anthropic:old", TokenCredential(provider="anthropic", token="sk-ant", expires=1))  # type: ignore[arg-type]
    assert not ensure_fresh("openrouter:manual", state=state).refreshed
    with pytest.raises(ReloginRequired, match="paste-token --provider anthropic --agent main"):
        ensure_fresh("anthropic:old", state=state)
    with pytest.raises(ProfileNotFoundError, match=r'Auth profile "nope:x" not found\.'):
        ensure_fresh("nope:x", state=state)
    put(state, "openai-codex:norefresh", OAuthCredential(provider="openai-codex", access="a", expires=1))
    with pytest.raises(ReloginRequired, match="no refresh token"):
        ensure_fresh("openai-codex:norefresh", state=state)


# ---- locks

def test_different_profiles_never_wait_for_each_other(srv: OAuthTestServer, state: Path) -> None:
    a = srv.write_expired_profile(state, email="a@example.com")
    b = srv.write_expired_profile(state, email="b@example.com")
    a_done = threading.Event()
    with locking.hold(agent_paths("main", state).refresh_lock("openai-codex", a)):
        waiter = threading.Thread(target=lambda: (ensure_fresh(a, state=state), a_done.set()), daemon=True)
        waiter.start()
        t0 = time.monotonic()
        assert ensure_fresh(b, state=state).refreshed  # not blocked by a's lock
        assert time.monotonic() - t0 < 5
        assert not a_done.is_set()  # a is still queued behind the lock we hold
    waiter.join(30)
    assert a_done.is_set() and srv.token_calls == 2


def test_lock_held_too_long_is_a_refresh_error(srv: OAuthTestServer, state: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import openclaw_onboard.core.refresh

    pid = srv.write_expired_profile(state)
    monkeypatch.setattr(openclaw_onboard.core.refresh, "refresh_lock_timeout_s", lambda: 0.2)
    held, release = threading.Event(), threading.Event()

    def holder() -> None:  # another thread: our lock is re-entrant within one thread
        with locking.hold(agent_paths("main", state).refresh_lock("openai-codex", pid)):
            held.set()
            release.wait(30)

    t = threading.Thread(target=holder)
    t.start()
    try:
        assert held.wait(10)
        with pytest.raises(RefreshError, match=f"Could not refresh {PID}: Timed out"):
            ensure_fresh(pid, state=state)
    finally:
        release.set()
        t.join(10)
    assert srv.token_calls == 0


def test_lock_of_a_killed_process_is_recovered(srv: OAuthTestServer, state: Path) -> None:
    pid = srv.write_expired_profile(state)
    lock = agent_paths("main", state).refresh_lock("openai-codex", pid)
    code = ("import sys; from pathlib import Path; from openclaw_onboard.core import locking\n"
            f"with locking.hold(Path({str(lock)!r})):\n"
            "    print('locked', flush=True); sys.stdin.read()\n")
    holder = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        os.kill(holder.pid, signal.SIGKILL)  # dies holding the lock: no cleanup, lock file left behind
        holder.wait(10)
        assert lock.exists()
        t0 = time.monotonic()
        assert ensure_fresh(pid, state=state).refreshed
        assert time.monotonic() - t0 < 5
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
        for stream in (holder.stdin, holder.stdout):
            if stream:
                stream.close()


def test_process_mode_server_counts_calls_from_other_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server can also run as its own process; its counters are read over HTTP."""
    with OAuthTestServer(mode="process") as server:
        for key, value in server.env().items():
            monkeypatch.setenv(key, value)
        state = tmp_path / "state"
        pid = server.write_expired_profile(state)
        with RefreshRace(server, state, pid, processes=3) as race:
            rnd = race.run_round()
        assert (rnd.token_calls, rnd.errors, len(set(rnd.access_fingerprints))) == (1, [], 1)
        assert server.token_calls == 1 and server.is_active_refresh(stored(state).refresh)
