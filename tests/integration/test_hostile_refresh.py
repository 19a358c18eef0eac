"""Issue 11.3, 11.5, 11.6 and 11.11: a malicious or slow token endpoint, a full disk, and concurrent changes
while a refresh is in flight. Real loopback servers (tests/support/hostile_endpoint.py for the malicious
one, oauth_server.py for a rotating one), a real tmpfs for ENOSPC, real CLI processes.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from openclaw_onboard.core import store
from openclaw_onboard.core.models import AuthProfileStore, OAuthCredential
from openclaw_onboard.core.paths import agent_paths
from openclaw_onboard.core.refresh import ReloginRequired, ensure_fresh

from tests.support.hardening import cli_env, popen_cli, run_cli
from tests.support.hostile_endpoint import HostileEndpoint, answering, dripping
from tests.support.oauth_server import OAuthTestServer, make_jwt

PID = "openai-codex:me@example.com"
OLD_REFRESH = "rt_OLD_" + "o" * 30
NEW_REFRESH = "rt_NEW_ROTATED_" + "n" * 30
LOGIN = "openclaw models auth login --provider openai-codex --agent main"


def _access(account: str = "acc_1", exp: float | None = None) -> str:
    claims: dict = {"https://api.openai.com/auth": {"chatgpt_account_id": account}}
    if exp is not None:
        claims["exp"] = exp
    return make_jwt(claims)


def _expired_profile(state: Path, pid: str = PID, account: str = "acc_1", refresh: str = OLD_REFRESH) -> None:
    cred = OAuthCredential(provider="openai-codex", access=_access(account), refresh=refresh,
                           expires=int(time.time() * 1000) - 60_000, accountId=account, email="me@example.com")

    def mutate(s: AuthProfileStore) -> None:
        s.profiles[pid] = cred

    store.update(mutate, state=state)


def _stored(state: Path, pid: str = PID) -> OAuthCredential:
    cred = store.load(state=state).store.profiles[pid]
    assert isinstance(cred, OAuthCredential)
    return cred


def _env(state: Path, tmp_path: Path, ep_env: dict[str, str], **extra: str) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return cli_env(state, home, {**ep_env, **extra})


def _raw_token_body(access: str, expires_literal: str = "3600") -> bytes:
    # Raw bytes: `1e400` is valid JSON that Python's json.dumps could never write.
    return (f'{{"access_token": "{access}", "refresh_token": "{NEW_REFRESH}", '
            f'"expires_in": {expires_literal}, "token_type": "Bearer"}}').encode()


# ---------------------------------------------------------------- 11.5 total deadline


def test_a_dripping_endpoint_is_cut_off_at_the_total_deadline_and_waiters_are_not_blocked(tmp_path: Path) -> None:
    stop = threading.Event()
    body = _raw_token_body(_access()) * 20  # ~10 s of bytes at one per 5 ms... far longer at 50 ms
    with HostileEndpoint(dripping(body, every_s=0.05, stop=stop)) as ep:
        state = tmp_path / "state"
        _expired_profile(state)
        env = _env(state, tmp_path, ep.env(), OPENCLAW_TOKEN_DEADLINE_S="1.5")
        started = time.monotonic()
        procs = [popen_cli(["models", "auth", "refresh"], env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True) for _ in range(2)]
        outs = [p.communicate(timeout=30) for p in procs]
        elapsed = time.monotonic() - started
        stop.set()
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 1
        assert "did not answer within 1.5s" in err, err
        assert len(err.strip().splitlines()) == 1, err
    # one holder for 1.5 s, then the waiter's own call for 1.5 s; never the 30 s per-read timeout
    assert elapsed < 8, elapsed
    assert _stored(state).refresh == OLD_REFRESH


def test_the_refresh_lock_wait_is_bounded_below_openclaws_stale_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from openclaw_onboard.core.refresh import refresh_lock_timeout_s

    monkeypatch.delenv("OPENCLAW_TOKEN_DEADLINE_S", raising=False)
    assert refresh_lock_timeout_s() < 120  # OpenClaw: 120 s per refresh, its lock stale after 180 s
    monkeypatch.setenv("OPENCLAW_TOKEN_DEADLINE_S", "1e400")  # nonsense: the default applies
    assert refresh_lock_timeout_s() < 120
    monkeypatch.setenv("OPENCLAW_TOKEN_DEADLINE_S", "80")  # the largest accepted
    assert refresh_lock_timeout_s() < 120


# ---------------------------------------------------------------- 11.3 / 11.6 hostile responses


@pytest.mark.parametrize("expires", ["1e400", "-1e400", "1e30", "0", '"NaN"', "null"])
def test_absurd_expires_in_keeps_the_rotated_tokens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    expires: str) -> None:
    access = _access()
    with HostileEndpoint(answering(200, _raw_token_body(access, expires))) as ep:
        for k, v in ep.env().items():
            monkeypatch.setenv(k, v)
        state = tmp_path / "state"
        _expired_profile(state)
        result = ensure_fresh(PID, state=state)
    cred = _stored(state)
    assert result.refreshed and cred.refresh == NEW_REFRESH and cred.access == access
    now = time.time() * 1000
    assert now < cred.expires <= now + 3_700_000  # the default hour: refreshed early rather than never


@pytest.mark.parametrize("exp", ["1e400", "1e300", "-5"])
def test_absurd_jwt_exp_keeps_the_rotated_tokens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exp: str) -> None:
    import base64

    access = make_jwt({})  # its payload is replaced by one whose exp JSON cannot be written by json.dumps
    payload = base64.urlsafe_b64encode(
        f'{{"exp":{exp},"https://api.openai.com/auth":{{"chatgpt_account_id":"acc_1"}}}}'.encode()
    ).rstrip(b"=").decode()
    head, _, sig = access.split(".")
    access = f"{head}.{payload}.{sig}"
    body = f'{{"access_token": "{access}", "refresh_token": "{NEW_REFRESH}"}}'.encode()
    with HostileEndpoint(answering(200, body)) as ep:
        for k, v in ep.env().items():
            monkeypatch.setenv(k, v)
        state = tmp_path / "state"
        _expired_profile(state)
        ensure_fresh(PID, state=state)
    assert _stored(state).refresh == NEW_REFRESH


def test_one_broken_profile_does_not_stop_refreshing_the_others(tmp_path: Path) -> None:
    """The first profile's answer carries expires_in 1e400; the second must still be refreshed."""
    with HostileEndpoint(answering(200, _raw_token_body(_access(), "1e400"))) as ep:
        state = tmp_path / "state"
        _expired_profile(state, "openai-codex:a@example.com")
        _expired_profile(state, "openai-codex:b@example.com")
        res = run_cli(["models", "auth", "refresh"], _env(state, tmp_path, ep.env()))
    assert res.rc == 0, res.err
    for pid in ("openai-codex:a@example.com", "openai-codex:b@example.com"):
        assert f"{pid}: refreshed" in res.out
        assert _stored(state, pid).refresh == NEW_REFRESH


@pytest.mark.parametrize("size", [300 * 1024, 20 * 1024 * 1024], ids=["300KB", "20MB"])
def test_an_oversize_token_response_is_refused_and_the_store_stays_usable(tmp_path: Path, size: int) -> None:
    body = _raw_token_body("A" * size)
    with HostileEndpoint(answering(200, body)) as ep:
        state = tmp_path / "state"
        _expired_profile(state)
        env = _env(state, tmp_path, ep.env())
        res = run_cli(["models", "auth", "refresh"], env)
    assert res.rc == 1 and "refusing it" in res.err and len(res.err.strip().splitlines()) == 1, res.err
    assert _stored(state).refresh == OLD_REFRESH
    assert agent_paths("main", state).store.stat().st_size < 64 * 1024
    assert run_cli(["models", "auth", "remove", "--profile-id", PID, "--yes"], env).rc == 0


def test_token_field_over_the_cap_is_refused_even_in_a_small_response(tmp_path: Path, monkeypatch) -> None:
    body = _raw_token_body(_access(), "3600").replace(b'"token_type"', b'"id_token": "' + b"i" * 70_000 + b'", "x"')
    with HostileEndpoint(answering(200, body)) as ep:
        for k, v in ep.env().items():
            monkeypatch.setenv(k, v)
        state = tmp_path / "state"
        _expired_profile(state)
        with pytest.raises(Exception, match="longer than"):
            ensure_fresh(PID, state=state)


# ---------------------------------------------------------------- 11.3 ENOSPC after the server answered


@pytest.fixture()
def tiny_state(tmp_path: Path) -> Iterator[Path]:
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(mnt)], check=True)
    try:
        yield mnt / "state"
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def _fill(directory: Path) -> None:
    import os

    fd = os.open(directory / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while os.write(fd, b"\0" * 1024):
            pass
    except OSError:
        pass  # ENOSPC: full
    finally:
        os.close(fd)


def test_enospc_after_rotation_says_the_login_may_be_consumed_and_names_the_command(tiny_state: Path,
                                                                                   tmp_path: Path) -> None:
    with HostileEndpoint(answering(200, _raw_token_body(_access()))) as ep:
        _expired_profile(tiny_state)
        before = agent_paths("main", tiny_state).store.read_bytes()
        _fill(tiny_state.parent)
        res = run_cli(["models", "auth", "refresh"], _env(tiny_state, tmp_path, ep.env()))
    assert res.rc == 1
    lines = res.err.strip().splitlines()
    assert len(lines) == 1, res.err
    assert "could not be saved" in lines[0] and "No space left on device" in lines[0]
    assert "may have been consumed" in lines[0] and LOGIN in lines[0]
    assert "Traceback" not in res.err and NEW_REFRESH not in res.err + res.out
    assert agent_paths("main", tiny_state).store.read_bytes() == before  # old store intact, loadable
    assert len(ep.requests) == 1


# ---------------------------------------------------------------- 11.11 merges


@pytest.fixture(scope="module")
def srv() -> Iterator[OAuthTestServer]:
    with OAuthTestServer() as server:
        yield server


@pytest.fixture()
def rot_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, srv: OAuthTestServer) -> Iterator[Path]:
    srv.configure(token_lifetime_s=3600, email="me@example.com", account_id="acc_test_123", token_delay_s=0)
    srv.set_before_token(None)
    for key, value in srv.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    state = tmp_path / "state"
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(state))
    yield state
    srv.set_before_token(None)
    srv.configure(account_id="acc_test_123")


def test_a_concurrent_change_to_other_fields_is_kept(srv: OAuthTestServer, rot_state: Path) -> None:
    pid = srv.write_expired_profile(rot_state)

    def rename(_fields: dict) -> None:  # another process edits the profile while the token call runs
        def mutate(s: AuthProfileStore) -> None:
            s.profiles[pid] = s.profiles[pid].model_copy(update={"displayName": "Work laptop",
                                                                 "email": "renamed@example.com"})

        store.update(mutate, state=rot_state)

    srv.set_before_token(rename)
    old = _stored(rot_state, pid)
    result = ensure_fresh(pid, state=rot_state)
    cred = _stored(rot_state, pid)
    assert result.refreshed and cred.refresh != old.refresh and srv.is_active_refresh(cred.refresh)
    assert cred.displayName == "Work laptop" and cred.email == "renamed@example.com"


def test_a_profile_removed_meanwhile_is_not_resurrected_and_the_cli_says_so(srv: OAuthTestServer,
                                                                           rot_state: Path, tmp_path: Path) -> None:
    pid = srv.write_expired_profile(rot_state)
    run_env = cli_env(rot_state, tmp_path / "home", srv.env())
    srv.set_before_token(lambda _f: run_cli(["models", "auth", "remove", "--profile-id", pid, "--yes"], run_env))
    res = run_cli(["models", "auth", "refresh", "--profile-id", pid], run_env)
    assert res.rc == 1
    assert "was removed" in res.err and "not brought back" in res.err, res.err
    assert pid not in store.load(state=rot_state).store.profiles


def test_a_response_for_another_account_is_refused(srv: OAuthTestServer, rot_state: Path) -> None:
    pid = srv.write_expired_profile(rot_state)
    before = _stored(rot_state, pid)
    srv.configure(account_id="acc_ATTACKER")
    with pytest.raises(ReloginRequired) as err:
        ensure_fresh(pid, state=rot_state)
    assert "different account" in str(err.value) and LOGIN in str(err.value)
    after = _stored(rot_state, pid)
    assert (after.access, after.refresh, after.accountId) == (before.access, before.refresh, "acc_test_123")


def test_refresh_error_text_from_the_server_is_sanitised(tmp_path: Path) -> None:
    evil = json.dumps({"error": "temporarily_unavailable\x1b]52;c;cHduZWQ=\x07",
                       "error_description": "try \x1b[2J\x1b]0;pwned\x07 later\u202e"}).encode()
    with HostileEndpoint(answering(400, evil)) as ep:
        state = tmp_path / "state"
        _expired_profile(state)
        res = run_cli(["models", "auth", "refresh"], _env(state, tmp_path, ep.env()))
    assert res.rc == 1 and "temporarily_unavailable" in res.err
    assert "\x1b" not in res.err and "\x07" not in res.err and "\u202e" not in res.err, repr(res.err)


@pytest.mark.parametrize("body", [
    b"[" * 100_000 + b"]" * 100_000,  # RecursionError in json.loads (found in the adversarial pass)
    b'{"access_token": "a\\u001b]52;c;cHduZWQ=\\u0007", "refresh_token": "r2"}',  # ESC inside a token
    b'{"access_token": "ok", "refresh_token": "r\\u0000x"}',
    b'{"access_token": "ok", "id_token": "\\ud800"}',
], ids=["deep-nesting", "esc-in-access", "nul-in-refresh", "surrogate-id-token"])
def test_malformed_token_bodies_are_one_clean_error_and_nothing_is_stored(tmp_path: Path, body: bytes) -> None:
    with HostileEndpoint(answering(200, body)) as ep:
        state = tmp_path / "state"
        _expired_profile(state)
        res = run_cli(["models", "auth", "refresh"], _env(state, tmp_path, ep.env()))
    assert res.rc == 1 and len(res.err.strip().splitlines()) == 1, res.err
    assert "unexpected error" not in res.err and "\x1b" not in res.err
    cred = _stored(state)
    assert cred.refresh == OLD_REFRESH and "\x1b" not in (cred.access or "")
