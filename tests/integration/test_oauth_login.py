"""The Codex PKCE login against a real loopback OAuth server (real HTTP, real sockets, real files)."""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from openclaw_onboard.core import store
from openclaw_onboard.core.config import load_config
from openclaw_onboard.core.models import OAuthCredential
from openclaw_onboard.core.oauth import jwt
from openclaw_onboard.core.oauth.callback_server import CallbackServer
from openclaw_onboard.core.oauth.errors import OAuthConfigError
from openclaw_onboard.core.oauth.login import CodexLoginSession, LoginCancelled, LoginError, PasteError

from tests.support.follow_redirect import fetch
from tests.support.oauth_server import AUTH_CLAIM, OAuthTestServer, free_port, read_browser_log

DEADLINE_S = 20.0


@pytest.fixture(autouse=True)
def _fresh_server(srv: OAuthTestServer) -> None:
    srv.reset_counters()
    srv.configure(email="me@example.com", account_id="acc_test_123", account_in_access=True, token_lifetime_s=3600)


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OPENCLAW_NOW_MS", raising=False)
    return tmp_path / "state"


async def http_raw(port: int, data: bytes, host: str = "127.0.0.1") -> tuple[int, str]:
    """Send raw bytes to a server on the test's own loop and return (status, body)."""
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(data)
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), DEADLINE_S)
    writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body.decode("utf-8", "replace")


async def http_get(port: int, target: str) -> tuple[int, str]:
    return await http_raw(port, f"GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())


async def approve(url: str) -> str:
    """What a user's browser does at the issuer: returns the redirect Location (not followed)."""
    status, location, _ = await asyncio.to_thread(fetch, url)
    assert status == 302 and location
    return location


def port_is_free(port: int) -> bool:
    """Could a new callback server listen here? (SO_REUSEADDR as asyncio uses: TIME_WAIT is no obstacle.)"""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            s.listen()
        except OSError:
            return False
    return True


def stored(state: Path, pid: str) -> OAuthCredential:
    cred = store.load(state=state).store.profiles[pid]
    assert isinstance(cred, OAuthCredential)
    return cred


# ---- full logins

async def test_full_login_through_a_browser_script(srv: OAuthTestServer, state: Path, tmp_path: Path) -> None:
    log = tmp_path / "browser.jsonl"
    port = free_port()
    stages: list[str] = []
    session = CodexLoginSession(state=state, env=srv.login_env(port, browser_log=log),
                                timeout_s=DEADLINE_S, on_progress=stages.append)
    start = await session.start()
    assert (start.mode, start.listen_address, start.reason) == ("callback", f"127.0.0.1:{port}", None)
    assert start.url.startswith(srv.authorize_url + "?")
    t0 = time.monotonic()
    result = await session.result()
    assert time.monotonic() - t0 < DEADLINE_S

    assert result.profile_id == "openai-codex:me@example.com"
    assert (result.email, result.account_id) == ("me@example.com", "acc_test_123")
    cred = stored(state, result.profile_id)
    assert cred.provider == "openai-codex" and cred.type == "oauth"
    assert jwt.account_id_from(cred.access) == "acc_test_123"
    # The fields OpenClaw 4.26's Codex login stores (buildOauthProviderAuthResult): no accountId, no idToken.
    raw = json.loads((state / "agents" / "main" / "agent" / "auth-profiles.json").read_text())
    assert sorted(raw["profiles"][result.profile_id]) == ["access", "email", "expires", "provider", "refresh", "type"]
    assert cred.email == "me@example.com"
    assert srv.is_active_refresh(cred.refresh)
    assert cred.expires == result.expires_ms
    assert abs(cred.expires - (time.time() * 1000 + 3600_000)) < 60_000
    assert load_config(state).auth.profiles[result.profile_id].model_dump(exclude_none=True) == {
        "provider": "openai-codex", "mode": "oauth", "email": "me@example.com"}
    assert stages == ["waiting", "exchanging", "saved"]

    stats = srv.stats()
    assert stats["token_calls"] == 1 and stats["exchange_calls"] == 1
    assert stats["last_token_request"]["content_type"] == "application/x-www-form-urlencoded"
    assert stats["last_token_request"]["fields"] == ["client_id", "code", "code_verifier", "grant_type",
                                                     "redirect_uri"]
    assert stats["last_authorize_params"]["redirect_uri"] == f"http://localhost:{port}/auth/callback"
    assert stats["last_authorize_params"]["originator"] == "openclaw"  # OpenClaw 4.26's, not pi-ai's "pi"
    visit = (await asyncio.to_thread(read_browser_log, log))[-1]
    # launcher (one-time loopback address) -> authorize -> callback
    assert [h[0] for h in visit["hops"]] == [302, 302, 200]
    assert visit["hops"][0][1].startswith(f"http://127.0.0.1:{port}/start/")
    assert "state=" not in visit["hops"][0][1] and "challenge" not in visit["hops"][0][1]
    assert start.browser_opened and start.browser_note is None
    assert "return to the terminal" in visit["body"]
    assert port_is_free(port)  # single use: closed after success
    await session.cancel()  # harmless after a result


@pytest.mark.parametrize(("remote_env", "reason"), [
    ({"SSH_CONNECTION": "10.0.0.2 50000 10.0.0.1 22", "DISPLAY": ":0"}, "remote session (SSH)"),
    pytest.param({"DISPLAY": ""}, "no display",
                 marks=pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux headless rule")),
])
async def test_remote_or_headless_still_listens_and_paste_still_works(
        srv: OAuthTestServer, state: Path, remote_env: dict[str, str], reason: str) -> None:
    port = free_port()
    env = srv.login_env(port, browser=False, **remote_env)
    session = CodexLoginSession(state=state, env=env, timeout_s=DEADLINE_S)
    start = await session.start()
    # Listening even here (a forwarded port brings the redirect), but no browser without BROWSER.
    assert (start.mode, start.listen_address, start.remote) == ("callback", f"127.0.0.1:{port}", reason)
    assert not start.browser_opened and reason in (start.browser_note or "")
    assert not port_is_free(port)
    location = await approve(start.url)
    with pytest.raises(PasteError):
        session.submit_paste("not a code at all")
    session.submit_paste(location)
    result = await session.result()
    assert result.profile_id == "openai-codex:me@example.com"
    assert srv.is_active_refresh(stored(state, result.profile_id).refresh)
    assert port_is_free(port)


async def test_paste_of_code_hash_state_from_another_thread(srv: OAuthTestServer, state: Path) -> None:
    session = CodexLoginSession(state=state, env=srv.login_env(free_port(), browser=False, SSH_TTY="/dev/pts/0"),
                                timeout_s=DEADLINE_S)
    start = await session.start()
    q = dict(p.split("=", 1) for p in urlsplit(await approve(start.url)).query.split("&"))
    # A CLI reads stdin in a worker thread and hands the line over from there.
    await asyncio.to_thread(session.submit_paste, f"{q['code']}#{q['state']}")
    assert (await session.result()).account_id == "acc_test_123"


async def test_wrong_state_is_rejected_and_the_login_keeps_waiting(srv: OAuthTestServer, state: Path) -> None:
    port = free_port()
    session = CodexLoginSession(state=state, env=srv.login_env(port), open_browser=False, timeout_s=DEADLINE_S)
    start = await session.start()
    location = await approve(start.url)
    code = dict(p.split("=", 1) for p in urlsplit(location).query.split("&"))["code"]

    status, body = await http_get(port, f"/auth/callback?code={code}&state=forged")
    assert status == 400 and "State mismatch" in body
    status, _ = await http_get(port, f"/auth/callback?code={code}")
    assert status == 400
    with pytest.raises(PasteError, match="state mismatch"):
        session.submit_paste(f"http://localhost:{port}/auth/callback?code={code}&state=forged")
    # Every rejected request above was fully answered, so had one been accepted it would show by now.
    assert session._inbox.empty() and srv.token_calls == 0  # type: ignore[union-attr]

    status, body = await http_get(port, urlsplit(location).path + "?" + urlsplit(location).query)
    assert status == 200 and "return to the terminal" in body
    assert (await session.result()).profile_id == "openai-codex:me@example.com"


async def test_busy_callback_port_falls_back_to_paste(srv: OAuthTestServer, state: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        opened: list[str] = []
        session = CodexLoginSession(state=state, env=srv.login_env(port), open_browser=opened.append,
                                    timeout_s=DEADLINE_S)
        start = await session.start()
        assert (start.mode, start.listen_address, start.reason) == ("paste", None, f"port {port} is busy")
        # The busy port belongs to another program: no browser is sent to it, and we say what to do.
        assert not start.browser_opened and "not ours" in (start.browser_note or "")
        assert f"Port {port} is busy" in (start.port_note or "")
        assert f"ss -ltnp 'sport = :{port}'" in (start.port_note or "")
        assert "OPENCLAW_OAUTH_CALLBACK_PORT=1455" in (start.port_note or "")
        session.submit_paste(await approve(start.url))
        result = await session.result()
    assert result.email == "me@example.com"
    assert opened == []


async def test_access_denied_is_reported(srv: OAuthTestServer, state: Path, tmp_path: Path) -> None:
    log = tmp_path / "browser.jsonl"
    srv.set_next_authorize_error("access_denied", "The user declined")
    session = CodexLoginSession(state=state, env=srv.login_env(browser_log=log), timeout_s=DEADLINE_S)
    await session.start()
    with pytest.raises(LoginError, match="access_denied") as err:
        await session.result()
    assert "The user declined" in str(err.value)
    visit = (await asyncio.to_thread(read_browser_log, log))[-1]
    assert visit["status"] == 200 and "access_denied" in visit["body"] and "Login failed" in visit["body"]
    assert srv.token_calls == 0
    assert not store.load(state=state).store.profiles


async def test_cancel_frees_the_port(srv: OAuthTestServer, state: Path) -> None:
    port = free_port()
    session = CodexLoginSession(state=state, env=srv.login_env(port), open_browser=False, timeout_s=DEADLINE_S)
    assert (await session.start()).mode == "callback"
    assert not port_is_free(port)
    await session.cancel()
    assert port_is_free(port)
    with pytest.raises(LoginCancelled):
        await session.result()
    await session.cancel()  # idempotent


async def test_timeout_is_a_login_error_and_frees_the_port(srv: OAuthTestServer, state: Path) -> None:
    port = free_port()
    session = CodexLoginSession(state=state, env=srv.login_env(port), open_browser=False, timeout_s=0.2)
    await session.start()
    with pytest.raises(LoginError, match="Timed out"):
        await session.result()
    assert port_is_free(port)


async def test_first_of_paste_or_callback_wins(srv: OAuthTestServer, state: Path) -> None:
    port = free_port()
    session = CodexLoginSession(state=state, env=srv.login_env(port), open_browser=False, timeout_s=DEADLINE_S)
    start = await session.start()
    session.submit_paste(await approve(start.url))
    session.submit_paste(await approve(start.url))  # later input is ignored
    await session.result()
    assert srv.stats()["exchange_calls"] == 1
    assert port_is_free(port)


async def test_a_refused_paste_does_not_end_the_attempt(srv: OAuthTestServer, state: Path) -> None:
    port = free_port()
    notices: list[str] = []
    srv.fail_next_token(503, "upstream down")
    session = CodexLoginSession(state=state, env=srv.login_env(port), open_browser=False, timeout_s=DEADLINE_S,
                                on_notice=notices.append)
    start = await session.start()
    session.submit_paste(await approve(start.url))
    deadline = time.monotonic() + DEADLINE_S
    while not notices and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    assert notices and "Token exchange failed" in notices[0] and "HTTP 503" in notices[0]
    assert "finish the login in the browser" in notices[0]
    assert not port_is_free(port)  # still listening: the callback can still arrive
    location = await approve(start.url)
    status, _ = await http_get(port, urlsplit(location).path + "?" + urlsplit(location).query)
    assert status == 200
    assert (await session.result()).profile_id == "openai-codex:me@example.com"


async def test_a_refused_callback_code_ends_the_attempt(srv: OAuthTestServer, state: Path) -> None:
    srv.fail_next_token(503, "upstream down")
    session = CodexLoginSession(state=state, env=srv.login_env(), timeout_s=DEADLINE_S)
    await session.start()  # the browser script completes the callback
    with pytest.raises(LoginError, match=r"Token exchange failed.*HTTP 503"):
        await session.result()
    assert not store.load(state=state).store.profiles


async def test_paste_only_and_input_ended_after_a_refused_paste(srv: OAuthTestServer, state: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        srv.fail_next_token(400, '{"error": "invalid_grant"}', "application/json")
        session = CodexLoginSession(state=state, env=srv.login_env(port), timeout_s=DEADLINE_S)
        start = await session.start()
        session.submit_paste(await approve(start.url))
        session.finish_input()
        with pytest.raises(LoginError, match="invalid_grant"):
            await session.result()


async def test_account_id_from_id_token_and_subject_profile_without_email(srv: OAuthTestServer, state: Path) -> None:
    srv.configure(account_in_access=False, email=None, account_id="acc_from_id")
    session = CodexLoginSession(state=state, env=srv.login_env(), timeout_s=DEADLINE_S)
    await session.start()
    result = await session.result()
    # OpenClaw's name for a login without an email: id-<base64url(iss|sub)> of the access token.
    subject = base64.urlsafe_b64encode(f"{srv.issuer}|user-acc_from_id".encode()).decode().rstrip("=")
    assert (result.profile_id, result.email, result.account_id) == (f"openai-codex:id-{subject}", None, "acc_from_id")
    assert stored(state, result.profile_id).email is None


async def test_the_access_tokens_email_names_the_profile_not_the_id_tokens(srv: OAuthTestServer,
                                                                           state: Path) -> None:
    """OpenClaw reads the email of the access token's profile claim only: an id_token email alone names nothing."""
    srv.configure(email_in_access=False, access_extra={AUTH_CLAIM: {"chatgpt_user_id": "user-42"}})
    session = CodexLoginSession(state=state, env=srv.login_env(), timeout_s=DEADLINE_S)
    await session.start()
    result = await session.result()
    assert (result.profile_id, result.email) == ("openai-codex:id-dXNlci00Mg", None)
    assert load_config(state).auth.profiles[result.profile_id].model_dump(exclude_none=True) == {
        "provider": "openai-codex", "mode": "oauth"}


async def test_logging_in_again_replaces_the_profile(srv: OAuthTestServer, state: Path) -> None:
    first = CodexLoginSession(state=state, env=srv.login_env(), timeout_s=DEADLINE_S)
    await first.start()
    pid = (await first.result()).profile_id
    old = stored(state, pid)
    second = CodexLoginSession(state=state, env=srv.login_env(), timeout_s=DEADLINE_S)
    await second.start()
    assert (await second.result()).profile_id == pid
    new = stored(state, pid)
    assert new.access != old.access and list(store.load(state=state).store.profiles) == [pid]


def test_non_loopback_callback_host_is_refused_before_listening(srv: OAuthTestServer, state: Path) -> None:
    with pytest.raises(OAuthConfigError, match="loopback"):
        CodexLoginSession(state=state, env=srv.login_env(OPENCLAW_OAUTH_CALLBACK_HOST="0.0.0.0"))


def test_session_works_under_plain_asyncio_run(srv: OAuthTestServer, state: Path) -> None:
    """The CLI drives the session with asyncio.run (the other tests run on pytest-asyncio's loop)."""

    async def cli() -> str:
        session = CodexLoginSession(state=state, env=srv.login_env(), timeout_s=DEADLINE_S)
        await session.start()
        return (await session.result()).profile_id

    assert asyncio.run(cli()) == "openai-codex:me@example.com"


# ---- the callback server on its own

async def test_callback_server_survives_bad_requests_and_is_single_use() -> None:
    server = CallbackServer(host="127.0.0.1", port=0, expected_state="S" * 64)
    await server.start()
    port = server.port
    try:
        assert (await http_get(port, "/"))[0] == 404
        assert (await http_get(port, "/favicon.ico"))[0] == 404
        assert (await http_get(port, "/auth/callback/x?code=a&state=" + "S" * 64))[0] == 404
        assert (await http_raw(port, b"garbage\r\n\r\n"))[0] == 400
        assert (await http_raw(port, b"GET /auth/callback\r\n\r\n"))[0] == 400
        assert (await http_raw(port, b"GET /auth/callback?code=a HTTP/1.1\r\n" + b"X: y\r\n" * 200 + b"\r\n"))[0] \
            == 400
        assert (await http_raw(port, b"POST /auth/callback HTTP/1.1\r\nContent-Length: 0\r\n\r\n"))[0] == 405
        assert (await http_get(port, "/auth/callback?state=" + "S" * 64))[0] == 400
        assert (await http_get(port, "/auth/callback?code=abc&state=" + "T" * 64))[0] == 400
        # A client that connects and sends half a request, then hangs up.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /auth/cal")
        writer.write_eof()
        assert (await asyncio.wait_for(reader.read(), DEADLINE_S)).startswith(b"HTTP/1.1 400")
        writer.close()
        assert server.listening

        status, body = await http_get(port, "/auth/callback?code=the-code&state=" + "S" * 64)
        assert status == 200 and "return to the terminal" in body
        outcome = await asyncio.wait_for(server.wait(), DEADLINE_S)
        assert outcome.code == "the-code" and outcome.error is None
        assert not server.listening
        with pytest.raises(OSError):
            await http_get(port, "/auth/callback?code=again&state=" + "S" * 64)
    finally:
        await server.close()
    assert port_is_free(port)


async def test_callback_server_reports_provider_errors() -> None:
    server = CallbackServer(host="127.0.0.1", port=0, expected_state="st")
    await server.start()
    try:
        status, body = await http_get(server.port, "/auth/callback?error=access_denied&error_description=No%3Cb%3E"
                                                   "&state=st")
        assert status == 200 and "access_denied" in body and "<b>" not in body  # escaped, readable
        outcome = await server.wait()
        assert (outcome.error, outcome.error_description, outcome.code) == ("access_denied", "No<b>", None)
    finally:
        await server.close()


async def test_callback_server_on_ipv6_loopback() -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    server = CallbackServer(host="::1", port=0, expected_state="st")
    try:
        await server.start()
    except OSError:
        pytest.skip("::1 not available here")
    try:
        assert server.address == f"[::1]:{server.port}"
        assert (await http_raw(server.port, b"GET /auth/callback?code=c&state=st HTTP/1.1\r\n\r\n", host="::1"))[0] \
            == 200
        assert (await server.wait()).code == "c"
    finally:
        await server.close()


# ---- the one-time launcher (issue 11 item 4: no state or challenge in any argv)

async def test_browser_argv_never_holds_state_or_challenge(srv: OAuthTestServer, state: Path) -> None:
    port = free_port()
    opened: list[str] = []
    session = CodexLoginSession(state=state, env=srv.login_env(port, browser=False), open_browser=opened.append,
                                timeout_s=DEADLINE_S)
    start = await session.start()
    deadline = time.monotonic() + DEADLINE_S
    while not opened and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    [launch] = opened
    authorize_query = urlsplit(start.url).query
    state_value = dict(p.split("=", 1) for p in authorize_query.split("&"))["state"]
    challenge = dict(p.split("=", 1) for p in authorize_query.split("&"))["code_challenge"]
    assert state_value not in launch and challenge not in launch and "authorize" not in launch
    status, location, _ = await asyncio.to_thread(fetch, launch)
    assert status == 302 and location == start.url
    # the browser goes on as usual
    location = await approve(location)
    status, _ = await http_get(port, urlsplit(location).path + "?" + urlsplit(location).query)
    assert status == 200
    assert (await session.result()).email == "me@example.com"


async def test_a_second_use_of_the_launcher_aborts_the_attempt(srv: OAuthTestServer, state: Path) -> None:
    port = free_port()
    opened: list[str] = []
    session = CodexLoginSession(state=state, env=srv.login_env(port, browser=False), open_browser=opened.append,
                                timeout_s=DEADLINE_S)
    await session.start()
    deadline = time.monotonic() + DEADLINE_S
    while not opened and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    target = urlsplit(opened[0]).path
    first, _ = await http_get(port, target)  # whoever read the argv first (another user, or the browser)
    assert first == 302
    status, body = await http_get(port, target)
    assert status == 410 and "opened twice" in body
    with pytest.raises(LoginError, match="opened twice"):
        await session.result()
    assert port_is_free(port) and srv.token_calls == 0
    assert not store.load(state=state).store.profiles


async def test_wrong_launcher_token_is_404_and_harmless(srv: OAuthTestServer, state: Path) -> None:
    port = free_port()
    session = CodexLoginSession(state=state, env=srv.login_env(port, browser=False), open_browser=lambda url: None,
                                timeout_s=DEADLINE_S)
    start = await session.start()
    for target in ("/start/guess", "/start/", "/start/%00"):
        status, _ = await http_get(port, target)
        assert status == 404
    session.submit_paste(await approve(start.url))
    assert (await session.result()).email == "me@example.com"


@pytest.mark.parametrize("extra", [{"DISPLAY": ""}, {"DISPLAY": "", "SSH_CONNECTION": "10.0.0.2 5 10.0.0.1 22"}],
                         ids=["headless", "ssh"])
async def test_explicit_browser_counts_without_a_display(srv: OAuthTestServer, state: Path, tmp_path: Path,
                                                         extra: dict[str, str]) -> None:
    log = tmp_path / "browser.jsonl"
    port = free_port()
    session = CodexLoginSession(state=state, env=srv.login_env(port, browser_log=log, **extra), timeout_s=DEADLINE_S)
    start = await session.start()
    assert start.mode == "callback" and start.browser_opened and start.remote
    result = await session.result()  # the BROWSER script followed the launcher: the callback won
    assert result.email == "me@example.com"
    visit = (await asyncio.to_thread(read_browser_log, log))[-1]
    assert visit["hops"][0][1].startswith(f"http://127.0.0.1:{port}/start/") and visit["status"] == 200
    assert (start.ssh_hint is not None) == ("SSH_CONNECTION" in extra)


def test_ssh_forward_hint_is_exact_and_never_shell_text() -> None:
    from openclaw_onboard.core.oauth.login import ssh_forward_hint

    env = {"SSH_CONNECTION": "10.1.2.3 50000 10.9.8.7 22", "USER": "alice"}
    assert ssh_forward_hint(env, 1455) == "ssh -L 1455:127.0.0.1:1455 alice@10.9.8.7"
    env = {"SSH_CONNECTION": "fe80::1 50000 2001:db8::5 2222", "USER": "bob"}
    assert ssh_forward_hint(env, 1457) == "ssh -L 1457:127.0.0.1:1457 -p 2222 bob@2001:db8::5"
    hostile = {"SSH_CONNECTION": "1.2.3.4 5 $(touch /tmp/x) 22", "USER": "x;rm -rf ~"}
    assert ssh_forward_hint(hostile, 1455) == "ssh -L 1455:127.0.0.1:1455 <user>@<this-host>"
    assert ssh_forward_hint({"SSH_TTY": "/dev/pts/1"}, 1455) == "ssh -L 1455:127.0.0.1:1455 <user>@<this-host>"


async def test_the_callback_port_is_held_on_ipv6_loopback_too() -> None:
    """Found by the hostile-machine pass: the redirect says `localhost`, which may resolve to ::1 first, and
    only 127.0.0.1 was bound, so another local user could listen on [::1]:port and be handed the code."""
    import asyncio
    import errno
    import socket

    from openclaw_onboard.core.oauth.callback_server import CallbackServer

    from tests.support.oauth_server import free_port

    port = free_port()
    server = CallbackServer(host="127.0.0.1", port=port, expected_state="s")
    await server.start()
    try:
        squatter = socket.socket(socket.AF_INET6)
        with pytest.raises(OSError) as err:
            squatter.bind(("::1", port))
        assert err.value.errno == errno.EADDRINUSE
        squatter.close()
        _reader, writer = await asyncio.open_connection("::1", port)  # a browser trying ::1 reaches us
        writer.close()
        await writer.wait_closed()
    finally:
        await server.close()
    squatter = socket.socket(socket.AF_INET6)
    squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past our test connection's TIME_WAIT
    squatter.bind(("::1", port))
    squatter.listen()
    try:
        with pytest.raises(OSError) as busy:  # someone on [::1]:port: the port is busy, as on 127.0.0.1
            await CallbackServer(host="127.0.0.1", port=port, expected_state="s").start()
        assert busy.value.errno == errno.EADDRINUSE
    finally:
        squatter.close()
