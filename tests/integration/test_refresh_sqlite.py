"""core.refresh in the SQLite era (OpenClaw 2026.9.x) against the loopback OAuth server: 9.6's refresh lock and
its fence claim -> token call -> settle protocol, with the credential in 9.x's database. One token call however
many processes race; someone else's pending fence is waited for, never refreshed over; a rejected refresh token
leaves 9.6's failed fence ("log in again"); a call that never reached the server puts the login back."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from openclaw_onboard.core import fences, store
from openclaw_onboard.core import refresh_lock_sqlite as rl
from openclaw_onboard.core.models import OAuthCredential
from openclaw_onboard.core.paths import agent_paths
from openclaw_onboard.core.refresh import RefreshError, ReloginRequired, ensure_fresh

from tests.support.oauth_server import OAuthTestServer, RefreshRace, token_fingerprint
from tests.support.sqlite_era import make_sqlite_state, shared_store

PID = "openai-codex:me@example.com"


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, srv: OAuthTestServer) -> Path:
    srv.configure(token_lifetime_s=3600, email="me@example.com", account_id="acc_test_123", token_delay_s=0)
    for key, value in srv.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OPENCLAW_NOW_MS", raising=False)
    state = make_sqlite_state(tmp_path / "state")
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(state))
    return state


def raw(state: Path, pid: str = PID) -> dict:
    return shared_store(state)["profiles"][pid]


def no_lock_files(state: Path) -> None:
    assert not list(state.rglob("*.lock")) and not list(state.rglob("auth-profiles.json*"))


def test_a_stale_login_is_refreshed_in_the_database_under_9_6s_lock(srv: OAuthTestServer, state: Path) -> None:
    pid = srv.write_expired_profile(state)
    before = raw(state, pid)
    result = ensure_fresh(pid, state=state)
    after = raw(state, pid)
    assert result.refreshed and srv.token_calls == 1
    assert after["access"] == result.credential.access != before["access"]
    assert after["refresh"] != before["refresh"] and srv.is_active_refresh(after["refresh"])
    assert fences.parse_fence(after) is None and after["expires"] > time.time() * 1000 + 3000_000
    no_lock_files(state)  # 9.6's lock released; 4.26's never made


@pytest.mark.slow
def test_sixteen_processes_make_one_token_call(srv: OAuthTestServer, state: Path) -> None:
    pid = srv.write_expired_profile(state)
    with RefreshRace(srv, state, pid, processes=16) as race:
        rnd = race.run_round()
    assert rnd.errors == [], rnd.errors
    assert rnd.token_calls == 1 and rnd.refreshed == 1
    assert set(rnd.access_fingerprints) == {token_fingerprint(raw(state, pid)["access"])}
    assert srv.stats()["reused_rejections"] == 0


def test_someone_elses_pending_fence_is_waited_for_and_its_tokens_used(srv: OAuthTestServer, state: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    pid = srv.write_expired_profile(state)
    original = raw(state, pid)
    fence, _claim = fences.claim(pid, original)
    paths = agent_paths("main", state)
    store.update_raw_profile(paths, pid, lambda _cur: fence, timeout=5)
    saw_fence = threading.Event()
    real_read = store.raw_profile

    def watched(p, profile_id):
        value = real_read(p, profile_id)
        if fences.must_wait(value):
            saw_fence.set()
        return value
    monkeypatch.setattr(store, "raw_profile", watched)
    results: list[object] = []
    waiter = threading.Thread(target=lambda: results.append(ensure_fresh(pid, state=state)))
    waiter.start()
    assert saw_fence.wait(30)
    # The other refresher settles: new tokens in place of its fence (as 9.6's settleOAuthRefreshClaim).
    tokens = srv.mint_tokens(email="me@example.com")
    settled = fences.settle_success(fence, fence, original, {"access": tokens["access_token"],
                                                             "refresh": tokens["refresh_token"],
                                                             "expires": int(time.time() * 1000) + 3600_000})
    store.update_raw_profile(paths, pid, lambda _cur: settled, timeout=5)
    waiter.join(30)
    (result,) = results
    assert not result.refreshed and result.credential.access == tokens["access_token"]  # type: ignore[attr-defined]
    assert srv.token_calls == 0


def test_a_rejected_refresh_token_leaves_9_6s_failed_fence(srv: OAuthTestServer, state: Path) -> None:
    pid = srv.write_expired_profile(state)
    srv.revoke_all()
    with pytest.raises(ReloginRequired) as err:
        ensure_fresh(pid, state=state)
    assert "log in again" in str(err.value)
    after = raw(state, pid)
    fence = fences.parse_fence(after)
    assert fence is not None and fence.state == "failed"
    with pytest.raises(ReloginRequired):  # and the next try says so without a token call
        ensure_fresh(pid, state=state)
    assert srv.token_calls == 1
    no_lock_files(state)


def test_a_call_that_failed_on_the_way_puts_the_login_back(srv: OAuthTestServer, state: Path) -> None:
    pid = srv.write_expired_profile(state)
    before = raw(state, pid)
    srv.fail_next_token(503, "busy")
    with pytest.raises(RefreshError):
        ensure_fresh(pid, state=state)
    assert raw(state, pid) == before  # rolled back: the same refresh token, usable next time
    assert ensure_fresh(pid, state=state).refreshed


def test_a_live_holder_of_9_6s_refresh_lock_makes_ours_wait(srv: OAuthTestServer, state: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    pid = srv.write_expired_profile(state)
    monkeypatch.setenv("OPENCLAW_REFRESH_LOCK_TIMEOUT_S", "0.5")
    cred = store.load(state=state).store.profiles[pid]
    assert isinstance(cred, OAuthCredential)
    held = rl.acquire(rl.lock_path(state, cred.provider, pid))  # a live holder: this process, another thread
    try:
        outcome: list[BaseException] = []

        def other() -> None:
            try:
                ensure_fresh(pid, state=state)
            except BaseException as exc:
                outcome.append(exc)
        t = threading.Thread(target=other)
        t.start()
        t.join(30)
        assert outcome and isinstance(outcome[0], RefreshError), outcome
    finally:
        held.release()
    assert srv.token_calls == 0
