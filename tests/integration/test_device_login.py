"""Codex device pairing against the loopback fake of OpenAI's device endpoints (real HTTP, real files)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from openclaw_onboard.core import store
from openclaw_onboard.core.config import load_config
from openclaw_onboard.core.models import OAuthCredential
from openclaw_onboard.core.oauth.device import CodexDeviceLogin, DeviceLoginUnavailable, DeviceProgress, DeviceTiming
from openclaw_onboard.core.oauth.errors import LoginCancelled, LoginError
from openclaw_onboard.core.oauth.login import CodexLoginSession

from tests.support.device_server import DeviceAuthFake
from tests.support.oauth_server import OAuthTestServer

FAST = DeviceTiming(default_interval_s=0.01, min_interval_s=0.0, deadline_s=20.0, request_timeout_s=10.0)


@pytest.fixture
def srv() -> Iterator[OAuthTestServer]:
    with OAuthTestServer() as server:
        server.configure(email="me@example.com", account_id="acc_dev_1")
        yield server


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path / "state"


def make_login(srv: OAuthTestServer, state: Path, timing: DeviceTiming = FAST,
               progress: list[DeviceProgress] | None = None) -> CodexDeviceLogin:
    return CodexDeviceLogin(state=state, env=srv.env(), timing=timing,
                            on_progress=progress.append if progress is not None else None)


def stored(state: Path, pid: str) -> OAuthCredential:
    cred = store.load(state=state).store.profiles[pid]
    assert isinstance(cred, OAuthCredential)
    return cred


async def test_grant_after_n_polls_stores_like_the_browser_login(srv: OAuthTestServer, state: Path) -> None:
    fake = DeviceAuthFake(srv, grant_after=4)
    progress: list[DeviceProgress] = []
    login = make_login(srv, state, progress=progress)
    code = await login.start()
    assert code.user_code == "ABCD-1234"
    assert code.verification_url == f"{srv.issuer}/codex/device"
    assert code.expires_in_s == 20.0
    result = await login.result()
    assert fake.polls == 4 and fake.usercode_calls == 1
    # exactly what OpenClaw sends
    assert fake.last_usercode == {"content_type": "application/json", "body": {"client_id": srv.client_id}}
    assert fake.last_poll["body"] == {"device_auth_id": fake.device_auth_id, "user_code": "ABCD-1234"}
    exchange = srv.stats()["last_token_request"]
    assert exchange["content_type"] == "application/x-www-form-urlencoded"
    assert exchange["fields"] == ["client_id", "code", "code_verifier", "grant_type", "redirect_uri"]
    # the server checked redirect_uri == {issuer}/deviceauth/callback and PKCE: the exchange succeeded
    assert result.profile_id == "openai-codex:me@example.com" and result.account_id == "acc_dev_1"
    cred = stored(state, result.profile_id)
    assert (cred.accountId, cred.email) == (None, "me@example.com") and srv.is_active_refresh(cred.refresh)
    assert load_config(state).auth.profiles[result.profile_id].model_dump(exclude_none=True) == {
        "provider": "openai-codex", "mode": "oauth", "email": "me@example.com"}
    stages = [p.stage for p in progress]
    assert stages[0] == "requesting" and stages[-2:] == ["exchanging", "saved"]
    assert [p.polls for p in progress if p.stage == "waiting"][-1] == 3


async def test_same_profile_as_a_browser_login(srv: OAuthTestServer, state: Path) -> None:
    DeviceAuthFake(srv)
    first = await (login := make_login(srv, state)).start() and await login.result()
    browser = CodexLoginSession(state=state, env=srv.login_env(browser=True), timeout_s=20)
    await browser.start()
    second = await browser.result()
    assert first.profile_id == second.profile_id
    assert list(store.load(state=state).store.profiles) == [first.profile_id]


async def test_usercode_spelling_and_string_interval(srv: OAuthTestServer, state: Path) -> None:
    DeviceAuthFake(srv, code_key="usercode", interval="7", user_code="WXYZ-9876")
    login = make_login(srv, state)
    code = await login.start()
    assert (code.user_code, code.interval_s) == ("WXYZ-9876", 7.0)
    await login.cancel()


@pytest.mark.parametrize(("interval", "expected"), [(0, 0.01), ("0", 0.01), ("abc", 0.01), (True, 0.01),
                                                    (-3, 0.01), ("2", 2.0), (1.5, 1.5)])
async def test_interval_parsing(srv: OAuthTestServer, state: Path, interval: object, expected: float) -> None:
    DeviceAuthFake(srv, interval=interval)
    login = make_login(srv, state)
    assert (await login.start()).interval_s == expected
    await login.cancel()


async def test_never_polls_faster_than_the_minimum(srv: OAuthTestServer, state: Path) -> None:
    fake = DeviceAuthFake(srv, grant_after=3, interval=0.001)
    timing = DeviceTiming(default_interval_s=5, min_interval_s=0.2, deadline_s=20, request_timeout_s=10)
    login = make_login(srv, state, timing)
    await login.start()
    t0 = time.monotonic()
    await login.result()
    assert fake.polls == 3
    assert time.monotonic() - t0 >= 0.4  # two waits of at least min_interval_s between three polls


async def test_denied(srv: OAuthTestServer, state: Path) -> None:
    DeviceAuthFake(srv, grant_after=2, outcome="deny")
    login = make_login(srv, state)
    await login.start()
    with pytest.raises(LoginError, match=r"OpenAI device authorization failed: access_denied \(The user declined"):
        await login.result()
    assert srv.token_calls == 0 and not store.load(state=state).store.profiles


async def test_expired_by_the_server(srv: OAuthTestServer, state: Path) -> None:
    DeviceAuthFake(srv, grant_after=2, outcome="expire")
    login = make_login(srv, state)
    await login.start()
    with pytest.raises(LoginError, match="expired_token"):
        await login.result()


async def test_our_deadline_ends_a_code_nobody_approves(srv: OAuthTestServer, state: Path) -> None:
    fake = DeviceAuthFake(srv, outcome="pending")
    timing = DeviceTiming(default_interval_s=0.05, min_interval_s=0.0, deadline_s=0.3, request_timeout_s=10)
    login = make_login(srv, state, timing)
    await login.start()
    t0 = time.monotonic()
    with pytest.raises(LoginError, match=r"timed out after 0.3 seconds"):
        await login.result()
    assert time.monotonic() - t0 < 5
    assert fake.polls >= 2


async def test_default_deadline_is_fifteen_minutes_and_says_so() -> None:
    assert DeviceTiming().deadline_s == 900 and DeviceTiming().min_interval_s == 1.0
    assert DeviceTiming().default_interval_s == 5.0
    from openclaw_onboard.core.oauth.device import _minutes
    assert _minutes(900) == "15 minutes"


async def test_slow_server_is_bounded_by_the_request_timeout_and_deadline(srv: OAuthTestServer, state: Path) -> None:
    fake = DeviceAuthFake(srv, delay_s=1.0, outcome="pending")
    progress: list[DeviceProgress] = []
    timing = DeviceTiming(default_interval_s=0.01, min_interval_s=0.0, deadline_s=0.6, request_timeout_s=0.2)
    login = make_login(srv, state, timing, progress)
    await login.start()
    t0 = time.monotonic()
    with pytest.raises(LoginError, match="timed out"):
        await login.result()
    assert time.monotonic() - t0 < 3  # not 1 s per poll
    assert fake.polls >= 2
    problems = [p.problem for p in progress if p.problem]
    assert problems and "no answer from" in problems[0] and "within 0.2s" in problems[0]


async def test_slow_server_then_grant_recovers(srv: OAuthTestServer, state: Path) -> None:
    # The code exchange after the grant shares request_timeout_s: 0.1 s was too short for a loopback
    # round trip on a loaded 2-core machine (a failure seen once in the suite), so polls time out at 0.5 s.
    fake = DeviceAuthFake(srv, delay_s=2.0, grant_after=2)
    timing = DeviceTiming(default_interval_s=0.01, min_interval_s=0.0, deadline_s=20, request_timeout_s=0.5)
    login = make_login(srv, state, timing)
    await login.start()
    while fake.polls < 2:  # the first (slow) polls time out on our side; then the server is fast again
        await asyncio.sleep(0.01)
    fake.configure(delay_s=0.0)
    assert (await login.result()).email == "me@example.com"


async def test_cancel_stops_polling_at_once(srv: OAuthTestServer, state: Path) -> None:
    fake = DeviceAuthFake(srv, outcome="pending", delay_s=2.0)
    login = make_login(srv, state)
    await login.start()
    while fake.polls < 1:
        await asyncio.sleep(0.01)
    t0 = time.monotonic()
    await login.cancel()
    assert time.monotonic() - t0 < 0.5  # not waiting for the slow answer
    with pytest.raises(LoginCancelled):
        await login.result()
    polls = fake.polls
    await asyncio.sleep(0.1)  # nothing is left polling (checked after the fact, not used to synchronise)
    assert fake.polls == polls
    await login.cancel()  # idempotent


async def test_404_on_the_first_call_means_not_enabled(srv: OAuthTestServer, state: Path) -> None:
    fake = DeviceAuthFake(srv, disabled=True)
    login = make_login(srv, state)
    with pytest.raises(DeviceLoginUnavailable, match=r"not enabled for this server.*browser login"):
        await login.start()
    assert fake.polls == 0


async def test_pending_is_403_and_404(srv: OAuthTestServer, state: Path) -> None:
    fake = DeviceAuthFake(srv, grant_after=5)  # polls 1-4 answer 403, 404, 403, 404
    login = make_login(srv, state)
    await login.start()
    await login.result()
    assert fake.polls == 5


HOSTILE_PIECES = ("\x1b", "\x07", "\x9b", "\u202e", "\n", "]52;", "]0;", "evil.example")


@pytest.mark.parametrize("where", ["usercode", "poll"])
async def test_hostile_error_text_is_cleaned(srv: OAuthTestServer, state: Path, where: str) -> None:
    DeviceAuthFake(srv, hostile=True, grant_after=1, outcome="deny")
    login = make_login(srv, state)
    if where == "usercode":
        # the fake refuses an unknown client id, with hostile text
        login = CodexDeviceLogin(state=state, env=srv.env(OPENCLAW_CODEX_CLIENT_ID="wrong"), timing=FAST)
        with pytest.raises(LoginError) as err:
            await login.start()
    else:
        await login.start()
        with pytest.raises(LoginError) as err:
            await login.result()
    message = str(err.value)
    assert "access_denied" in message or "invalid_client" in message
    for piece in HOSTILE_PIECES:
        assert piece not in message, piece
    assert message.isprintable()


async def test_hostile_plain_text_body(srv: OAuthTestServer, state: Path) -> None:
    DeviceAuthFake(srv)
    srv.fail_next_token(400, "\x1b]52;c;ZXZpbA==\x07bad\x1b[2J request\r\nX-Injected: 1", "text/plain")
    login = make_login(srv, state)
    await login.start()
    with pytest.raises(LoginError) as err:
        await login.result()
    message = str(err.value)
    assert message.startswith("OpenAI device token exchange failed") and message.isprintable()
    assert "\x1b" not in message and "]52" not in message


async def test_grant_without_exchange_code_is_an_error(srv: OAuthTestServer, state: Path) -> None:
    fake = DeviceAuthFake(srv)
    login = make_login(srv, state)

    def broken(handler: object, raw: bytes) -> None:
        handler._send(200, {"authorization_code": "x"})  # type: ignore[attr-defined]

    srv._server.state.post_routes["/api/accounts/deviceauth/token"] = broken  # type: ignore[union-attr]
    await login.start()
    with pytest.raises(LoginError, match="missing the exchange code"):
        await login.result()
    assert fake.polls == 0


async def test_unreachable_issuer_is_one_clear_error(state: Path) -> None:
    from tests.support.oauth_server import free_port

    env = {"OPENCLAW_CODEX_ISSUER": f"http://127.0.0.1:{free_port()}"}
    login = CodexDeviceLogin(state=state, env=env, timing=FAST)
    with pytest.raises(LoginError, match=r"device code request failed: could not reach 127\.0\.0\.1"):
        await login.start()
