"""GitHub Copilot's device login (core.oauth.copilot) against GitHub's endpoints on loopback: OpenClaw 4.26's
requests, waits and messages, its stored profile, and nothing unsafe shown or sent."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from openclaw_onboard.core import store
from openclaw_onboard.core.oauth.copilot import CopilotDeviceLogin
from openclaw_onboard.core.oauth.errors import LoginError
from openclaw_onboard.core.usecases.cli_logins import login_github_copilot
from openclaw_onboard.core.usecases.outcome import Verdict

from tests.support.github_device_server import GitHubDeviceServer
from tests.support.sqlite_era import make_sqlite_state, shared_store

TOKEN = "gho_" + "T0kenValue" * 4


def _run(login: CopilotDeviceLogin) -> str:
    async def go() -> str:
        await login.start()
        return await login.result()
    return asyncio.run(go())


def test_pending_and_slow_down_wait_as_openclaw_waits() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    polls = [{"error": "authorization_pending"}, {"error": "slow_down"}, {"access_token": TOKEN}]
    with GitHubDeviceServer(device={"device_code": "d", "user_code": "U-1", "verification_uri":
                                    "https://github.com/login/device", "expires_in": 900, "interval": 5},
                            polls=polls) as gh:
        login = CopilotDeviceLogin(gh.env(), sleep=sleep)
        assert _run(login) == TOKEN
    assert waits == [5.0, 7.0] and login.polls == 3  # interval, then interval + 2 s after slow_down


@pytest.mark.parametrize(("answer", "message"), [
    ({"error": "expired_token"}, "GitHub device code expired; run login again"),
    ({"error": "access_denied"}, "GitHub login cancelled"),
    ({"error": "\x1b]0;owned\x07bad_thing"}, "GitHub device flow error: bad_thing"),
    ((500, {"error": "boom"}), "GitHub device token failed: HTTP 500"),
    ((200, b"[1, 2]"), "Unexpected response from GitHub"),
    ({"access_token": "gho_with space"}, "GitHub sent an unusable access token"),
])
def test_how_a_login_ends(answer, message) -> None:
    with GitHubDeviceServer(polls=[answer]) as gh, pytest.raises(LoginError) as err:
        _run(CopilotDeviceLogin(gh.env(), sleep=lambda s: asyncio.sleep(0)))
    assert str(err.value) == message


@pytest.mark.parametrize("device", [
    {"device_code": "d", "user_code": "AB\x1b[2JCD", "verification_uri": "https://github.com/login/device"},
    {"device_code": "d", "user_code": "ABCD", "verification_uri": "http://evil.example/login/device"},
    {"device_code": "d", "user_code": "ABCD", "verification_uri": "javascript:alert(1)"},
])
def test_a_code_or_address_that_cannot_be_shown_safely_is_refused(device) -> None:
    with GitHubDeviceServer(device=device) as gh, pytest.raises(LoginError) as err:
        asyncio.run(CopilotDeviceLogin(gh.env()).start())
    assert "unusable code or address" in str(err.value)
    assert "\x1b" not in str(err.value)


def test_an_endpoint_override_in_clear_to_another_host_is_refused() -> None:
    with pytest.raises(LoginError) as err:
        CopilotDeviceLogin({"OPENCLAW_GITHUB_ACCESS_TOKEN_URL": "http://example.com/token"})
    assert "OPENCLAW_GITHUB_ACCESS_TOKEN_URL must be an https URL" in str(err.value)


def test_a_huge_answer_is_cut_at_the_cap() -> None:
    with GitHubDeviceServer(polls=[(200, b" " * (2 * 1024 * 1024))]) as gh, pytest.raises(LoginError) as err:
        _run(CopilotDeviceLogin(gh.env(), sleep=lambda s: asyncio.sleep(0)))
    assert "more than 64 KB" in str(err.value)


def test_in_the_sqlite_era_the_token_goes_to_9_6s_shared_store(state_dir: Path) -> None:
    make_sqlite_state(state_dir)
    with GitHubDeviceServer(polls=[{"access_token": TOKEN}]) as gh:
        outcome = asyncio.run(login_github_copilot("main", state_dir, on_code=lambda code: None,
                                                   login=CopilotDeviceLogin(gh.env())))
    assert outcome.verdict == Verdict.SAVED, outcome.message
    assert shared_store(state_dir)["profiles"]["github-copilot:github"]["token"] == TOKEN
    assert not list(state_dir.rglob("auth-profiles.json"))
    assert "github-copilot:github" in store.load("main", state_dir).store.profiles


@pytest.mark.parametrize("device", [
    {"device_code": "d", "user_code": "U-1", "verification_uri": "https://github.com/login/device",
     "expires_in": 60, "interval": 10 ** 12},
    {"device_code": "d", "user_code": "U-1", "verification_uri": "https://github.com/login/device",
     "expires_in": -5, "interval": 1},
    {"device_code": "d", "user_code": "U-1", "verification_uri": "https://github.com/login/device",
     "expires_in": 10 ** 11, "interval": 30},
])
def test_a_hostile_interval_or_lifetime_never_makes_the_login_wait_forever(device) -> None:
    """Found by the attacker pass: interval 10**12 slept for ever, expires_in -5 polled for ever."""
    clock = [0.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:  # a virtual clock: the waits asked for, without waiting them
        waits.append(seconds)
        clock[0] += seconds

    with GitHubDeviceServer(device=device, polls=[{"error": "authorization_pending"}] * 10_000) as gh:
        login = CopilotDeviceLogin(gh.env(), sleep=sleep, clock=lambda: clock[0])
        with pytest.raises(LoginError) as err:
            _run(login)
    assert "expired" in str(err.value)
    assert max(waits, default=0) <= 60 and clock[0] <= 30 * 60 + 60  # bounded interval, bounded life
