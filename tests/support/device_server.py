"""A loopback fake of OpenAI's Codex device-pairing endpoints, on an OAuthTestServer (thread mode).

    with OAuthTestServer() as srv:
        fake = DeviceAuthFake(srv, grant_after=3)      # pending (403/404) twice, then grants
        env = srv.env()                                # OPENCLAW_CODEX_ISSUER -> this server
        ...  CodexDeviceLogin(env=env, timing=FAST) ...
        fake.polls, fake.usercode_calls, fake.last_poll

Behaviours (`fake.configure(...)` changes them between requests):
- `outcome="grant"`: the poll number `grant_after` answers 200 with `authorization_code` and
  `code_verifier`; the code is a real grant on the server's `/oauth/token` (PKCE S256, redirect_uri
  `{issuer}/deviceauth/callback`), so the exchange is checked like OpenAI's.
- `outcome="deny"`: that poll answers 400 `{"error": "access_denied", ...}`.
- `outcome="expire"`: that poll answers 410 `{"error": "expired_token", ...}`.
- `outcome="pending"`: never decided (the client's own deadline ends it).
- `disabled=True`: the usercode request answers 404 (device login not enabled for the server).
- `delay_s`: every poll answers only after that long (a slow server).
- `hostile=True`: error texts carry CSI/OSC escapes, OSC 52 clipboard writes, bidi overrides, newlines.
- `interval`: the `interval` value returned (number or digit string; default 0, i.e. "use yours").
- `code_key`: "user_code" (default) or "usercode", the older spelling OpenClaw also reads.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import threading
import time
from typing import Any

from tests.support.oauth_server import OAuthTestServer, _Grant, s256

USERCODE_PATH = "/api/accounts/deviceauth/usercode"
TOKEN_PATH = "/api/accounts/deviceauth/token"
HOSTILE = ("\x1b[2J\x1b[31mdenied\x1b[0m \x1b]52;c;ZXZpbA==\x07\x1b]0;pwned title\x07 by\u202e admin\n"
           "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\ \x9b31m\x07")


class DeviceAuthFake:
    def __init__(self, srv: OAuthTestServer, *, grant_after: int = 1, outcome: str = "grant", disabled: bool = False,
                 delay_s: float = 0.0, hostile: bool = False, interval: Any = 0, code_key: str = "user_code",
                 user_code: str = "ABCD-1234") -> None:
        if srv._server is None:
            raise RuntimeError("DeviceAuthFake needs an OAuthTestServer started in thread mode")
        self.srv = srv
        self._lock = threading.Lock()
        self.settings: dict[str, Any] = {}
        self.configure(grant_after=grant_after, outcome=outcome, disabled=disabled, delay_s=delay_s, hostile=hostile,
                       interval=interval, code_key=code_key, user_code=user_code)
        self.usercode_calls = 0
        self.polls = 0
        self.last_usercode: dict[str, Any] | None = None
        self.last_poll: dict[str, Any] | None = None
        self.device_auth_id = f"da_{secrets.token_urlsafe(12)}"
        state = srv._server.state
        state.post_routes[USERCODE_PATH] = self._usercode
        state.post_routes[TOKEN_PATH] = self._poll

    def configure(self, **settings: Any) -> None:
        with self._lock:
            self.settings.update(settings)

    # ---- routes (run in the server's request threads)

    @staticmethod
    def _json(raw: bytes) -> dict[str, Any] | None:
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    def _error_body(self, error: str, description: str) -> dict[str, str]:
        if self.settings["hostile"]:
            return {"error": f"{error} {HOSTILE}", "error_description": f"{description} {HOSTILE}"}
        return {"error": error, "error_description": description}

    def _usercode(self, handler: Any, raw: bytes) -> None:
        body = self._json(raw)
        with self._lock:
            self.usercode_calls += 1
            self.last_usercode = {"content_type": handler.headers.get("Content-Type"), "body": body}
            settings = dict(self.settings)
        if settings["disabled"]:
            handler._send(404, "Not Found")
            return
        if body is None or body.get("client_id") != self.srv.client_id:
            handler._send(400, self._error_body("invalid_client", "unknown client_id"))
            return
        handler._send(200, {"device_auth_id": self.device_auth_id, settings["code_key"]: settings["user_code"],
                            "interval": settings["interval"]})

    def _poll(self, handler: Any, raw: bytes) -> None:
        # The client may give up on a slow answer (its own timeout): expected with delay_s.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._answer_poll(handler, raw)

    def _answer_poll(self, handler: Any, raw: bytes) -> None:
        body = self._json(raw)
        with self._lock:
            self.polls += 1
            n = self.polls
            self.last_poll = {"content_type": handler.headers.get("Content-Type"), "body": body}
            settings = dict(self.settings)
        if settings["delay_s"]:
            time.sleep(settings["delay_s"])  # server-side latency knob, not test synchronisation
        if body is None or body.get("device_auth_id") != self.device_auth_id \
                or body.get("user_code") != settings["user_code"]:
            handler._send(400, self._error_body("invalid_request", "unknown device authorization"))
            return
        outcome = settings["outcome"]
        if outcome == "pending" or n < settings["grant_after"]:
            # OpenAI answers "not yet" with 403 or 404; both must mean pending.
            handler._send(403 if n % 2 else 404, self._error_body("authorization_pending", "not approved yet"))
        elif outcome == "deny":
            handler._send(400, self._error_body("access_denied", "The user declined the device login"))
        elif outcome == "expire":
            handler._send(410, self._error_body("expired_token", "The device code expired"))
        else:
            verifier = secrets.token_urlsafe(48)
            code = f"dc_{secrets.token_urlsafe(24)}"
            st = self.srv._server.state  # type: ignore[union-attr]
            with st.lock:
                st.codes[code] = _Grant(s256(verifier), f"{st.issuer}/deviceauth/callback", st.client_id)
            handler._send(200, {"authorization_code": code, "code_verifier": verifier,
                                "code_challenge": s256(verifier)})
