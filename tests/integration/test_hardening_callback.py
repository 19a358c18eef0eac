"""The OAuth callback server under attack, on 127.0.0.1 only.

A real CodexLoginSession listens on a free loopback port (never 1455/1457) against the loopback
OAuth test server. Raw-socket clients send malformed request lines, HTTP/0.9, binary garbage,
oversized headers and query strings, non-GET methods, path tricks, wrong/repeated/unicode
parameters, floods of connections and slowloris trickles. After each attack: the server answered
sensibly (or closed), it is still listening, the login did not end, and a final real browser round
trip (authorize -> 302 -> callback) still completes the login and saves the profile.

Attack clients run in worker threads (asyncio.to_thread) so the session keeps running on the
test's event loop; every wait has a deadline.
"""

from __future__ import annotations

import asyncio
import select
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from openclaw_onboard.core import store
from openclaw_onboard.core.oauth import callback_server
from openclaw_onboard.core.oauth.login import CodexLoginSession, LoginResult

from tests.support.follow_redirect import follow
from tests.support.hardening import RawReply, http_get, raw_request
from tests.support.oauth_server import OAuthTestServer, free_port

DEADLINE_S = 20.0
PID = "openai-codex:me@example.com"


@dataclass
class Login:
    session: CodexLoginSession
    url: str
    state: str  # the OAuth `state` of this login (public: it is in the authorize URL)
    port: int
    result: asyncio.Future[LoginResult]
    state_dir: Path
    srv: OAuthTestServer

    def assert_pending(self) -> None:
        assert not self.result.done(), "an attack ended the login"
        assert self.session._server is not None and self.session._server.listening, "server stopped listening"

    async def attack(self, payload: bytes, **kw) -> RawReply:  # type: ignore[no-untyped-def]
        return await asyncio.to_thread(raw_request, self.port, payload, **kw)

    async def get(self, target: str) -> RawReply:
        return await asyncio.to_thread(http_get, self.port, target)

    async def still_serving(self) -> None:
        reply = await self.get("/favicon.ico")
        assert reply.status == 404, reply
        self.assert_pending()

    async def complete(self) -> LoginResult:
        """A real browser round trip: authorize at the test server, follow the 302 to our callback."""
        before = self.srv.stats()["exchange_calls"]
        hops, status, body = await asyncio.to_thread(follow, self.url)
        assert status == 200 and "return to the terminal" in body, (hops, status)
        result = await asyncio.wait_for(self.result, DEADLINE_S)
        assert result.profile_id == PID
        assert PID in store.load(state=self.state_dir).store.profiles
        assert self.srv.stats()["exchange_calls"] == before + 1  # exactly the one good code was exchanged
        return result


@pytest.fixture
async def login(srv: OAuthTestServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Login]:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OPENCLAW_NOW_MS", raising=False)
    env = srv.login_env(port=free_port(), browser=False)
    state_dir = tmp_path / "state"
    session = CodexLoginSession(state=state_dir, env=env, open_browser=False, timeout_s=120)
    start = await session.start()
    assert start.mode == "callback" and start.listen_address
    port = int(start.listen_address.rsplit(":", 1)[1])
    assert port not in (1455, 1457)
    state = parse_qs(urlsplit(start.url).query)["state"][0]
    result = asyncio.ensure_future(session.result())
    try:
        yield Login(session, start.url, state, port, result, state_dir, srv)
    finally:
        await session.cancel()
        result.cancel()
        await asyncio.gather(result, return_exceptions=True)


def req(line: str | bytes, headers: bytes = b"Host: 127.0.0.1\r\n") -> bytes:
    raw = line.encode("latin-1") if isinstance(line, str) else line
    return raw + b"\r\n" + headers + b"\r\n"


CB = "/auth/callback"
GOOD = "c0de-ABC_123.xyz"

# (id, payload(state) -> bytes, allowed statuses; None = closed without a status line)
ATTACKS: list[tuple[str, Callable[[str], bytes], set[int | None]]] = [
    ("empty-then-eof", lambda s: b"", {400, None}),
    ("blank-lines", lambda s: b"\r\n\r\n\r\n", {400}),
    ("garbage-line", lambda s: b"garbage\r\n\r\n", {400}),
    ("binary-garbage", lambda s: bytes(range(256)) * 8 + b"\r\n\r\n", {400, 414, None}),
    ("nul-bytes-in-line", lambda s: req(f"GET {CB}?code={GOOD}\0&state={s} HTTP/1.1"), {400}),
    ("http-0.9-right-state", lambda s: f"GET {CB}?code={GOOD}&state={s}\r\n\r\n".encode(), {400}),
    ("method-only", lambda s: b"GET\r\n\r\n", {400}),
    ("four-part-line", lambda s: req(f"GET {CB}?code={GOOD}&state={s} HTTP/1.1 extra"), {400}),
    ("not-http-version", lambda s: req(f"GET {CB}?code={GOOD}&state={s} SPDY/3"), {400}),
    ("tls-client-hello", lambda s: bytes.fromhex("160301020001") + b"\x00" * 512, {400, None}),
    ("header-1MB", lambda s: req(f"GET {CB}?code={GOOD}&state={s} HTTP/1.1",
                                 b"X-Big: " + b"a" * (1 << 20) + b"\r\n"), {431, 400, None}),
    ("headers-64KB-in-small-lines", lambda s: req(f"GET {CB}?code={GOOD}&state={s} HTTP/1.1",
                                                   b"".join(b"X-%d: %s\r\n" % (i, b"b" * 900) for i in range(70))),
     {431, 400, None}),
    ("header-count-1000", lambda s: req(f"GET {CB}?code={GOOD}&state={s} HTTP/1.1", b"X: y\r\n" * 1000),
     {400, 431, None}),
    ("query-100KB", lambda s: req(f"GET {CB}?code={'q' * 100_000}&state={s} HTTP/1.1"), {414, 400, None}),
    ("query-9KB", lambda s: req(f"GET {CB}?code={'q' * 9000}&state={s} HTTP/1.1"), {414}),
    ("code-5000-chars", lambda s: req(f"GET {CB}?state={s}&code={'k' * 5000} HTTP/1.1"), {400}),
    ("POST-right-state", lambda s: req(f"POST {CB}?code={GOOD}&state={s} HTTP/1.1",
                                       b"Content-Length: 5\r\n") + b"hello", {405}),
    ("PUT", lambda s: req(f"PUT {CB}?code={GOOD}&state={s} HTTP/1.1"), {405}),
    ("DELETE", lambda s: req(f"DELETE {CB}?code={GOOD}&state={s} HTTP/1.1"), {405}),
    ("OPTIONS", lambda s: req(f"OPTIONS {CB}?code={GOOD}&state={s} HTTP/1.1"), {405}),
    ("HEAD", lambda s: req(f"HEAD {CB}?code={GOOD}&state={s} HTTP/1.1"), {405}),
    ("PATCH", lambda s: req(f"PATCH {CB}?code={GOOD}&state={s} HTTP/1.1"), {405}),
    ("TRACE", lambda s: req(f"TRACE {CB}?code={GOOD}&state={s} HTTP/1.1"), {405}),
    ("OPTIONS-star", lambda s: req("OPTIONS * HTTP/1.1"), {404, 405}),
    ("CONNECT", lambda s: req("CONNECT 127.0.0.1:443 HTTP/1.1"), {404, 405}),
    ("dotdot-to-callback", lambda s: req(f"GET /auth/../auth/callback?code={GOOD}&state={s} HTTP/1.1"), {404}),
    ("dotdot-etc-passwd", lambda s: req("GET /../../../../etc/passwd HTTP/1.1"), {404}),
    ("encoded-dotdot", lambda s: req(f"GET /%2e%2e/auth/callback?code={GOOD}&state={s} HTTP/1.1"), {404}),
    ("double-slash", lambda s: req(f"GET //auth/callback?code={GOOD}&state={s} HTTP/1.1"), {404}),
    ("callback-subpath", lambda s: req(f"GET /auth/callback/..?code={GOOD}&state={s} HTTP/1.1"), {404}),
    ("backslash-path", lambda s: req(f"GET \\auth\\callback?code={GOOD}&state={s} HTTP/1.1"), {404}),
    ("wrong-state", lambda s: req(f"GET {CB}?code={GOOD}&state={'0' * len(s)} HTTP/1.1"), {400}),
    ("state-prefix", lambda s: req(f"GET {CB}?code={GOOD}&state={s[:-1]} HTTP/1.1"), {400}),
    ("state-plus-extra", lambda s: req(f"GET {CB}?code={GOOD}&state={s}x HTTP/1.1"), {400}),
    ("empty-state", lambda s: req(f"GET {CB}?code={GOOD}&state= HTTP/1.1"), {400}),
    ("no-state", lambda s: req(f"GET {CB}?code={GOOD} HTTP/1.1"), {400}),
    ("state-in-fragment", lambda s: req(f"GET {CB}?code={GOOD}#state={s} HTTP/1.1"), {400}),
    ("no-code", lambda s: req(f"GET {CB}?state={s} HTTP/1.1"), {400}),
    ("empty-code", lambda s: req(f"GET {CB}?code=&state={s} HTTP/1.1"), {400}),
    ("repeated-code", lambda s: req(f"GET {CB}?code={GOOD}&code=evil&state={s} HTTP/1.1"), {400}),
    ("repeated-state-wrong-first", lambda s: req(f"GET {CB}?code={GOOD}&state=bad&state={s} HTTP/1.1"), {400}),
    ("repeated-state-right-first", lambda s: req(f"GET {CB}?code={GOOD}&state={s}&state=bad HTTP/1.1"), {400}),
    ("repeated-error", lambda s: req(f"GET {CB}?error=a&error=b&state={s}&code={GOOD} HTTP/1.1"), {400}),
    ("unicode-state-raw-utf8", lambda s: req(f"GET {CB}?code={GOOD}&state={s}é HTTP/1.1".encode()), {400}),
    ("unicode-state-encoded", lambda s: req(f"GET {CB}?code={GOOD}&state={quote(s + '💥')} HTTP/1.1"), {400}),
    ("unicode-code-raw", lambda s: req(f"GET {CB}?code=caf\u00e9&state={s} HTTP/1.1".encode()), {400}),
    ("unicode-code-encoded", lambda s: req(f"GET {CB}?code=%F0%9F%92%A9&state={s} HTTP/1.1"), {400}),
    ("code-with-newline", lambda s: req(f"GET {CB}?code=a%0D%0AInjected:%20x&state={s} HTTP/1.1"), {400}),
    ("code-with-space", lambda s: req(f"GET {CB}?code=a+b&state={s} HTTP/1.1"), {400}),
    ("invalid-percent", lambda s: req(f"GET {CB}?code=%zz%&state={s}%zz HTTP/1.1"), {400}),
    ("unicode-path", lambda s: req(f"GET /auth/callbäck?code={GOOD}&state={s} HTTP/1.1".encode()), {404}),
    ("header-without-colon", lambda s: req("GET / HTTP/1.1", b"no colon here\r\n\x01\x02\r\n"), {404}),
    ("pipelined-second-is-good", lambda s: req("GET /x HTTP/1.1") + req(f"GET {CB}?code={GOOD}&state={s} HTTP/1.1"),
     {404}),
    ("lf-only", lambda s: b"GET /nothing HTTP/1.1\nHost: x\n\n", {404}),
]


@pytest.mark.parametrize(("payload", "allowed"), [pytest.param(p, a, id=i) for i, p, a in ATTACKS])
async def test_attack_is_answered_or_closed_and_login_still_completes(
    login: Login, payload: Callable[[str], bytes], allowed: set[int | None]
) -> None:
    for _ in range(2):  # twice: the first attack must not change how the second is handled
        reply = await login.attack(payload(login.state))
        assert reply.status in allowed, (reply.status, reply.data[:200], reply.error)
        if reply.status == 405:
            assert b"\r\nAllow: GET\r\n" in reply.data
        login.assert_pending()
    await login.still_serving()
    await login.complete()


async def test_error_pages_never_reflect_markup_or_the_code(login: Login) -> None:
    reply = await login.get(f"{CB}?code=<script>alert(1)</script>&state=%3Cimg%3E")
    assert reply.status == 400 and b"<script>" not in reply.data and b"<img>" not in reply.data
    reply = await login.get(f"{CB}?code=SECRETCODE0123456789&state=wrong")
    assert reply.status == 400 and b"SECRETCODE0123456789" not in reply.data
    for r in (reply,):
        assert b"Cache-Control: no-store" in r.data and b"Referrer-Policy: no-referrer" in r.data
    await login.complete()


async def test_five_hundred_bad_requests_in_a_row(login: Login) -> None:
    big = ("header-1MB", "query-100KB", "headers-64KB-in-small-lines")
    payloads = [p for name, p, _ in ATTACKS if name not in big]

    def hammer() -> list[int | None]:
        return [raw_request(login.port, payloads[i % len(payloads)](login.state)).status for i in range(500)]

    statuses = await asyncio.to_thread(hammer)
    assert len(statuses) == 500 and set(statuses) <= {400, 404, 405, 414, 431, None}
    assert statuses.count(None) <= 50  # almost every request gets a real answer
    await login.still_serving()
    await login.complete()


async def test_two_hundred_simultaneous_requests(login: Login) -> None:
    """200 clients connect at the same moment and each sends a bad request."""
    n = 200
    barrier = threading.Barrier(n)
    replies: list[RawReply | BaseException] = [RuntimeError("not run")] * n

    def client(i: int) -> None:
        try:
            barrier.wait(timeout=DEADLINE_S)
            target = f"{CB}?code=x&state=wrong{i}" if i % 2 else f"/nothing/{i}"
            replies[i] = http_get(login.port, target, timeout=DEADLINE_S)
        except BaseException as exc:
            replies[i] = exc

    def run_all() -> None:
        threads = [threading.Thread(target=client, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(DEADLINE_S + 5)

    await asyncio.to_thread(run_all)
    errors = [r for r in replies if isinstance(r, BaseException)]
    assert not errors, errors[:3]
    statuses = [r.status for r in replies if isinstance(r, RawReply)]
    assert set(statuses) <= {400, 404, None}
    assert sum(s is not None for s in statuses) >= callback_server._MAX_CONNECTIONS // 2
    await login.still_serving()
    await login.complete()


async def test_two_hundred_idle_connections_do_not_block_the_login(login: Login) -> None:
    """Idle half-requests beyond the connection cap are dropped oldest-first; the real callback still works."""
    n = 200
    cap = callback_server._MAX_CONNECTIONS
    assert cap < n
    socks: list[socket.socket] = []

    def open_idle() -> None:
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", login.port), timeout=DEADLINE_S)
            s.sendall(b"GET /auth/cal")  # never finished
            socks.append(s)

    def closed_by_server() -> int:
        ready, _, _ = select.select(socks, [], [], 0)
        count = 0
        for s in ready:
            try:
                s.setblocking(False)
                data = s.recv(65536, socket.MSG_PEEK)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                count += 1
                continue
            if data == b"" or data.startswith(b"HTTP/1.1"):
                count += 1
        return count

    try:
        await asyncio.to_thread(open_idle)
        deadline = time.monotonic() + DEADLINE_S
        while (dropped := await asyncio.to_thread(closed_by_server)) < n - cap:
            assert time.monotonic() < deadline, f"only {dropped} of {n} idle connections dropped (cap {cap})"
            await asyncio.sleep(0.02)  # lets the server's loop run (not synchronisation: the loop polls a condition)
        assert dropped <= n - cap + 8  # the newest ones are kept, not all of them thrown away
        login.assert_pending()
        await login.complete()
        # After the login every connection is closed by the server (no leaked handlers).
        deadline = time.monotonic() + DEADLINE_S
        while (dropped := await asyncio.to_thread(closed_by_server)) < n:
            assert time.monotonic() < deadline, f"{n - dropped} connections still open after the login"
            await asyncio.sleep(0.02)
    finally:
        for s in socks:
            s.close()


async def test_slowloris_clients_do_not_block_others_and_are_timed_out(
    login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Clients that send one byte per 50 ms and never finish: others are served at once, and the
    server gives up on them after its request timeout (shortened to 3 s here) with a 408."""
    monkeypatch.setattr(callback_server, "_REQUEST_TIMEOUT_S", 3.0)
    n = 20
    trickle = f"GET {CB}?code={GOOD}&state={login.state}&pad=".encode() + b"p" * 10_000
    started = threading.Event()
    outcomes: list[tuple[int | None, float, int] | BaseException] = [RuntimeError("not run")] * n

    def slow(i: int) -> None:
        try:
            t0 = time.monotonic()
            sent = 0
            with socket.create_connection(("127.0.0.1", login.port), timeout=DEADLINE_S) as s:
                s.setblocking(False)
                got = b""
                while time.monotonic() - t0 < 12.0:
                    try:
                        s.send(trickle[sent:sent + 1])
                        sent += 1
                    except (BlockingIOError, InterruptedError):
                        pass
                    except (BrokenPipeError, ConnectionResetError):
                        break
                    if sent >= 3:
                        started.set()
                    r, _, _ = select.select([s], [], [], 0.05)  # one byte per 50 ms
                    if r:
                        try:
                            chunk = s.recv(65536)
                        except (ConnectionResetError, BlockingIOError):
                            chunk = b""
                        got += chunk
                        if not chunk:
                            break
                from tests.support.hardening import parse_status

                outcomes[i] = (parse_status(got), time.monotonic() - t0, sent)
        except BaseException as exc:
            outcomes[i] = exc

    threads = [threading.Thread(target=slow, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    try:
        assert await asyncio.to_thread(started.wait, DEADLINE_S)
        # While 20 slow clients trickle, a normal client is answered at once.
        t0 = time.monotonic()
        await login.still_serving()
        assert time.monotonic() - t0 < 2.5, "a slow client blocked the server"
    finally:
        await asyncio.to_thread(lambda: [t.join(DEADLINE_S) for t in threads])
    for o in outcomes:
        assert not isinstance(o, BaseException), o
        status, elapsed, sent = o
        assert status == 408, o
        assert 2.9 <= elapsed < 8.0, o  # cut off by the 3 s request timeout, not by the client giving up
        assert 30 <= sent < 200, o  # it really was trickling when it was cut off
    login.assert_pending()  # the trickled request carried the right state and a code: still no login
    await login.complete()


async def test_a_client_that_never_reads_does_not_block_the_login(login: Login) -> None:
    """Requests sent, responses never read, sockets kept open."""
    socks = []
    try:
        for i in range(30):
            s = socket.create_connection(("127.0.0.1", login.port), timeout=DEADLINE_S)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
            s.sendall(req(f"GET /x{i} HTTP/1.1"))
            socks.append(s)
        await login.still_serving()
        await login.complete()
    finally:
        for s in socks:
            s.close()


async def test_resets_mid_request_are_harmless(login: Login) -> None:
    import struct

    def reset_clients() -> None:
        for i in range(50):
            s = socket.create_connection(("127.0.0.1", login.port), timeout=DEADLINE_S)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close = RST
            if i % 2:
                s.sendall(f"GET {CB}?code=x&sta".encode())
            s.close()

    await asyncio.to_thread(reset_clients)
    await login.still_serving()
    await login.complete()


async def test_second_good_callback_after_success_is_refused(login: Login) -> None:
    await login.complete()
    # Single use: the port is closed now (connection refused) - a replayed callback cannot change anything.
    with pytest.raises(OSError):
        await asyncio.to_thread(http_get, login.port, f"{CB}?code={GOOD}&state={login.state}", 2.0)
