"""A single-use asyncio HTTP server for the OAuth redirect on loopback.

It answers exactly one good callback (then stops listening) and survives
everything else: wrong paths get 404, a wrong or missing state 400 (so another
page cannot inject a code or abort the login), malformed requests 400. The code
is only ever handed to the caller through `wait()`.

The launcher (`enable_launcher(authorize_url)`): the browser is opened on a one-time
`http://127.0.0.1:<port>/start/<random>` address that answers 302 to the authorize URL,
so `state` and the PKCE challenge never appear in a process's argv (readable by every
local user). A second use of that address means someone else read it: the attempt is
aborted (the outcome is an error) instead of racing them.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from openclaw_onboard.core.oauth.provider import CALLBACK_PATH

log = logging.getLogger(__name__)

_REQUEST_TIMEOUT_S = 10.0  # a half-open browser connection must not pin a handler forever
_MAX_HEADERS = 100
# Hardening limits (tests/integration/test_hardening_callback.py). A browser's callback request is
# a few hundred bytes; anything near these limits is an attack or a bug, answered and closed.
_MAX_REQUEST_LINE = 8 * 1024  # longer: 414
_MAX_HEADER_BYTES = 32 * 1024  # all header lines together; more: 431
_STREAM_LIMIT = 64 * 1024  # StreamReader buffer per line: a 1 MB header line never sits in memory whole
# Open connections at once. Idle sockets beyond this would eat the wizard's file descriptors;
# the oldest is dropped for a new one (a browser's real callback arrives and finishes at once).
_MAX_CONNECTIONS = 64
_MAX_CODE_LEN = 4096
LAUNCH_PREFIX = "/start/"
LAUNCHER_REUSED = "login_link_reused"
_REASONS = {200: "OK", 302: "Found", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
            408: "Request Timeout", 410: "Gone", 414: "URI Too Long", 431: "Request Header Fields Too Large"}


@dataclass(frozen=True)
class CallbackOutcome:
    """What the redirect carried: a code, or the provider's error."""

    code: str | None = field(default=None, repr=False)
    error: str | None = None
    error_description: str | None = None

    @property
    def launcher_reused(self) -> bool:
        return self.error == LAUNCHER_REUSED


def _page(title: str, message: str) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>OpenClaw login</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:36em;margin:4em auto;padding:0 1em}</style>"
        f"</head><body><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>"
    )


SUCCESS_PAGE = _page(
    "Login complete", "OpenClaw received your login. You can close this tab and return to the terminal."
)


class CallbackServer:
    def __init__(self, *, host: str, port: int, expected_state: str, path: str = CALLBACK_PATH) -> None:
        self.host = host
        self.port = port
        self.path = path
        self._expected_state = expected_state
        self._server: asyncio.base_events.Server | None = None
        self._outcome: asyncio.Future[CallbackOutcome] | None = None
        # Open connections, oldest first (a dict keeps insertion order; values unused).
        self._writers: dict[asyncio.StreamWriter, None] = {}
        self._launch_token: str | None = None
        self._launch_target: str | None = None
        self._launch_uses = 0

    def __repr__(self) -> str:  # never the state
        return f"CallbackServer({self.address!r}, listening={self.listening})"

    @property
    def address(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def listening(self) -> bool:
        return self._server is not None and self._server.is_serving()

    async def start(self) -> None:
        """Bind and listen; raises OSError (e.g. EADDRINUSE) when the port cannot be bound."""
        import errno

        loop = asyncio.get_running_loop()
        self._outcome = loop.create_future()
        hosts = [self.host]
        if self.host == "127.0.0.1" and self.port:
            # The redirect URI says `localhost`, which a browser may try as ::1 first: bind that too, so no other
            # local user can listen on [::1]:port and be handed the code (PKCE stops them redeeming it, not the
            # hung or faked login). Taken there too is "busy", as on 127.0.0.1; a host without IPv6 binds one.
            hosts.append("::1")
        try:
            self._server = await asyncio.start_server(self._handle, host=hosts, port=self.port, limit=_STREAM_LIMIT)
        except OSError as exc:
            if len(hosts) == 1 or exc.errno not in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT):
                raise
            self._server = await asyncio.start_server(self._handle, host=self.host, port=self.port,
                                                      limit=_STREAM_LIMIT)
        if self.port == 0:  # only tests ask for an ephemeral port
            self.port = self._server.sockets[0].getsockname()[1]

    def enable_launcher(self, target_url: str) -> str:
        """Serve a one-time address that redirects to `target_url`; returns that address."""
        self._launch_token = secrets.token_urlsafe(18)
        self._launch_target = target_url
        self._launch_uses = 0
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{LAUNCH_PREFIX}{self._launch_token}"

    @property
    def launcher_used(self) -> bool:
        return self._launch_uses > 0

    async def wait(self) -> CallbackOutcome:
        if self._outcome is None:
            raise RuntimeError("CallbackServer.start() was not called")
        return await asyncio.shield(self._outcome)

    async def close(self) -> None:
        """Stop listening and drop open connections; idempotent. Frees the port."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for writer in list(self._writers):
            with contextlib.suppress(Exception):
                writer.close()
        if server is not None:
            with contextlib.suppress(Exception):
                await server.wait_closed()
        if self._outcome is not None and not self._outcome.done():
            self._outcome.cancel()

    # ---- one connection

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if len(self._writers) >= _MAX_CONNECTIONS:
            # Connection cap: drop the oldest (most likely an idle or slow client), never the new one.
            oldest = next(iter(self._writers))
            self._writers.pop(oldest, None)
            with contextlib.suppress(Exception):
                oldest.transport.abort()
        self._writers[writer] = None
        outcome: CallbackOutcome | None = None
        headers: dict[str, str] = {}
        try:
            try:
                status, body, outcome, headers = await asyncio.wait_for(self._respond(reader), _REQUEST_TIMEOUT_S)
            except TimeoutError:  # slow or stalled client (slowloris): it must not hold a handler forever
                status, body = 408, _page("Request timeout", "The request took too long.")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, UnicodeDecodeError):
                status, body = 400, _page("Bad request", "This request could not be understood.")
            if outcome is not None and (self._outcome is None or self._outcome.done()):
                outcome = None  # single use: a second good callback changes nothing
                status, body = 410, _page("Already done", "This login has already finished.")
            await self._send(writer, status, body, headers)
        except (ConnectionError, OSError) as exc:
            log.debug("callback connection dropped: %s", type(exc).__name__)
        finally:
            self._writers.pop(writer, None)
            with contextlib.suppress(Exception):
                writer.close()
        # Report only after the browser has its page, then stop listening (single use).
        if outcome is not None and self._outcome is not None and not self._outcome.done():
            self._outcome.set_result(outcome)
            if self._server is not None:
                self._server.close()

    async def _respond(self, reader: asyncio.StreamReader) -> tuple[int, str, CallbackOutcome | None, dict[str, str]]:
        status, body, outcome = await self._respond_inner(reader)
        if isinstance(body, tuple):  # a redirect: (page, Location)
            return status, body[0], outcome, {"Location": body[1]}
        return status, body, outcome, {}

    async def _respond_inner(self, reader: asyncio.StreamReader) -> tuple[int, str | tuple[str, str],
                                                                           CallbackOutcome | None]:
        try:
            raw_line = await reader.readline()
        except ValueError:  # longer than the stream limit
            raw_line = b"x" * (_MAX_REQUEST_LINE + 1)
        if len(raw_line) > _MAX_REQUEST_LINE:
            return 414, _page("Request too long", "The address is too long."), None
        request_line = raw_line.decode("latin-1").strip()
        header_bytes = 0
        for _ in range(_MAX_HEADERS):
            try:
                line = await reader.readline()
            except ValueError:  # one header line longer than the stream limit
                return 431, _page("Headers too large", "The request headers are too large."), None
            header_bytes += len(line)
            if header_bytes > _MAX_HEADER_BYTES:
                return 431, _page("Headers too large", "The request headers are too large."), None
            if line in (b"\r\n", b"\n", b""):
                break
        else:
            return 400, _page("Bad request", "Too many headers."), None
        parts = request_line.split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            return 400, _page("Bad request", "This request could not be understood."), None
        method, target = parts[0], parts[1]
        url = urlsplit(target)
        if url.path.startswith(LAUNCH_PREFIX) and self._launch_token is not None:
            return self._launch(method, url.path[len(LAUNCH_PREFIX):])
        if url.path != self.path:
            return 404, _page("Not found", "Nothing here. Return to the terminal."), None
        if method != "GET":
            return 405, _page("Method not allowed", "Use GET."), None
        params = parse_qs(url.query)
        if any(len(params.get(key, ())) > 1 for key in ("code", "state", "error")):
            # RFC 6749 3.1: parameters MUST NOT repeat. Which copy would be the real one is a guess.
            return 400, _page("Login not accepted", "The redirect repeated a parameter."), None
        state = (params.get("state") or [""])[0]
        # surrogatepass: a lone surrogate must be a mismatch, not a UnicodeEncodeError.
        if not state or not secrets.compare_digest(state.encode("utf-8", "surrogatepass"),
                                                   self._expected_state.encode("utf-8", "surrogatepass")):
            return 400, _page("Login not accepted", "State mismatch: this page belongs to another login attempt. "
                              "Start the login again from the terminal."), None
        error = (params.get("error") or [""])[0]
        if error:
            desc = (params.get("error_description") or [""])[0][:300] or None
            message = f"The provider reported: {error[:100]}" + (f" ({desc})" if desc else "")
            return 200, _page("Login failed", message + ". Return to the terminal."), CallbackOutcome(
                error=error[:100], error_description=desc)
        code = (params.get("code") or [""])[0]
        if not code:
            return 400, _page("Login not accepted", "The redirect carried no authorization code."), None
        if len(code) > _MAX_CODE_LEN or not code.isascii() or not code.isprintable() or " " in code:
            # Whitespace, control or non-ASCII characters cannot be part of a code: refuse it here
            # (the login keeps waiting) instead of failing the whole login at the token exchange.
            return 400, _page("Login not accepted", "The redirect carried an invalid authorization code."), None
        return 200, SUCCESS_PAGE, CallbackOutcome(code=code)

    def _launch(self, method: str, token: str) -> tuple[int, str | tuple[str, str], CallbackOutcome | None]:
        assert self._launch_token is not None
        if not secrets.compare_digest(token.encode("utf-8", "surrogatepass"), self._launch_token.encode("ascii")):
            return 404, _page("Not found", "Nothing here. Return to the terminal."), None
        if method != "GET":
            return 405, _page("Method not allowed", "Use GET."), None
        self._launch_uses += 1
        if self._launch_uses == 1 and self._launch_target is not None:
            return 302, (_page("Redirecting", "Continuing to the login page."), self._launch_target), None
        # Only the browser we started should ever open this address, once. A second visit means another
        # program read it (e.g. from the browser's argv): stop this attempt rather than race it.
        return 410, _page("Login stopped", "This one-time login link was opened twice, so the login was stopped "
                          "for safety. Start the login again from the terminal."), CallbackOutcome(
            error=LAUNCHER_REUSED, error_description="the one-time login link was opened twice")

    @staticmethod
    async def _send(writer: asyncio.StreamWriter, status: int, body: str,
                    headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8")
        allow = "Allow: GET\r\n" if status == 405 else ""  # RFC 9110: a 405 names the allowed methods
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        head = (
            f"HTTP/1.1 {status} {_REASONS.get(status, 'Error')}\r\n{allow}{extra}"
            "Content-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(data)}\r\n"
            # The URL carries the code: never cache it, never leak it as a Referer.
            "Cache-Control: no-store\r\n"
            "Referrer-Policy: no-referrer\r\n"
            "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n"
            "Connection: close\r\n\r\n"
        ).encode("ascii")
        writer.write(head + data)
        await writer.drain()
