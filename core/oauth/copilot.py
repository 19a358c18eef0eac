"""GitHub Copilot's device login, as OpenClaw 2026.4.26 does it (extensions/github-copilot/login.ts).

    login = CopilotDeviceLogin()
    code = await login.start()           # CopilotCode: user_code, verification_uri (shown to the user)
    token = await login.result()         # the GitHub access token, or LoginError
    await login.cancel()                 # stops polling at once

1. POST `https://github.com/login/device/code` (form: `client_id=Iv1.b507a08c87ecfe98`, `scope=read:user`,
   `Accept: application/json`) -> `device_code`, `user_code`, `verification_uri`, `expires_in`, `interval`.
2. Poll POST `https://github.com/login/oauth/access_token` (form: `client_id`, `device_code`,
   `grant_type=urn:ietf:params:oauth:grant-type:device_code`) every `max(1 s, interval)`: `access_token` ends
   it; `authorization_pending` waits; `slow_down` waits 2 s more; `expired_token` and `access_denied` end it
   with OpenClaw's messages; anything else is an error. A non-2xx answer is an error ("HTTP <status>").
3. The token is stored as OpenClaw stores it: profile `github-copilot:github`, `{type: "token", provider:
   "github-copilot", token}` and `auth.profiles` mode token (core.usecases.cli_logins.login_github_copilot).

The endpoints can be pointed elsewhere for tests (OPENCLAW_GITHUB_DEVICE_CODE_URL,
OPENCLAW_GITHUB_ACCESS_TOKEN_URL): https, or http on loopback only, so a token is never sent in clear to
another host. Bodies are read under a cap (core.oauth.http_read); every server text is cleaned before it is
shown; the verification URI must be https (or loopback in tests) so the user is never sent elsewhere.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from openclaw_onboard.core.oauth.errors import LoginError
from openclaw_onboard.core.oauth.http_read import ACCEPT_ENCODING, BodyTooLarge, read_capped
from openclaw_onboard.core.oauth.provider import is_loopback_host
from openclaw_onboard.core.sanitize import clean_prose as clean_text

if TYPE_CHECKING:
    pass

CLIENT_ID = "Iv1.b507a08c87ecfe98"
DEVICE_CODE_URL = "https://github.com/login/device/code"
ACCESS_TOKEN_URL = "https://github.com/login/oauth/access_token"
SCOPE = "read:user"
PROVIDER = "github-copilot"
DEFAULT_PROFILE_ID = "github-copilot:github"
DEVICE_CODE_URL_ENV = "OPENCLAW_GITHUB_DEVICE_CODE_URL"
ACCESS_TOKEN_URL_ENV = "OPENCLAW_GITHUB_ACCESS_TOKEN_URL"
_MAX_BODY = 64 * 1024
_MAX_CODE = 64
_MAX_TOKEN = 4096
_REQUEST_TIMEOUT_S = 30.0
_SLOW_DOWN_S = 2.0
# Bounds on what the server may ask for: GitHub's codes live 15 minutes and its interval is 5 s.
MAX_EXPIRES_S = 30 * 60.0
MAX_INTERVAL_S = 60.0


@dataclass(frozen=True)
class CopilotCode:
    user_code: str
    verification_uri: str
    expires_in_s: float
    interval_s: float
    device_code: str = field(repr=False, default="")


def _https_or_loopback(url: str) -> bool:
    """https to a named host, or plain http only on this machine (tests): nothing secret goes out in clear."""
    parts = urlsplit(url)
    return bool(parts.hostname) and (parts.scheme == "https" or
                                     (parts.scheme == "http" and is_loopback_host(parts.hostname)))


def _endpoint(env: Mapping[str, str], var: str, default: str) -> str:
    raw = (env.get(var) or "").strip()
    if not raw:
        return default
    if _https_or_loopback(raw):
        return raw
    raise LoginError(f"{var} must be an https URL (or http on 127.0.0.1 / localhost / ::1)")


def _json(content: bytes) -> dict[str, Any]:
    try:
        body = json.loads(content.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise LoginError("Unexpected response from GitHub") from None
    if not isinstance(body, dict):
        raise LoginError("Unexpected response from GitHub")
    return body


def _seconds(value: Any, default: float, most: float) -> float:
    """A server's number of seconds, sane: a positive finite number up to `most`, else `default` (a hostile
    `interval: 1e12` or `expires_in: -5` must not make the login sleep or poll forever)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        return default
    return float(min(value, most))


def _safe_uri(value: Any) -> str | None:
    """The page the user is sent to: https (loopback http in tests), clean, short."""
    if not isinstance(value, str) or len(value) > 512 or clean_text(value, 512) != value:
        return None
    return value if _https_or_loopback(value) else None


class CopilotDeviceLogin:
    """One device login. `sleep` and `clock` are injectable so tests poll in milliseconds."""

    def __init__(self, env: Mapping[str, str] | None = None, *,
                 sleep: Callable[[float], Any] | None = None, clock: Callable[[], float] = time.monotonic,
                 min_interval_s: float = 1.0) -> None:
        source = os.environ if env is None else env
        self.device_code_url = _endpoint(source, DEVICE_CODE_URL_ENV, DEVICE_CODE_URL)
        self.access_token_url = _endpoint(source, ACCESS_TOKEN_URL_ENV, ACCESS_TOKEN_URL)
        self._sleep = sleep or asyncio.sleep
        self._clock = clock
        self._min_interval_s = min_interval_s
        self._code: CopilotCode | None = None
        self._cancelled = asyncio.Event()
        self.polls = 0

    def __repr__(self) -> str:
        return f"CopilotDeviceLogin(device_code_url={self.device_code_url!r})"

    async def _post(self, url: str, form: dict[str, str]) -> tuple[int, bytes]:
        import httpx

        headers = {"Accept": "application/json", "Accept-Encoding": ACCEPT_ENCODING}
        host = urlsplit(url).hostname or "?"
        try:
            async with httpx.AsyncClient(follow_redirects=False, trust_env=False) as client, \
                    asyncio.timeout(_REQUEST_TIMEOUT_S), \
                    client.stream("POST", url, data=form, headers=headers, timeout=_REQUEST_TIMEOUT_S) as resp:
                return resp.status_code, await read_capped(resp, _MAX_BODY)
        except BodyTooLarge as exc:
            raise LoginError(f"GitHub ({clean_text(host, 100)}) sent {exc.why}") from None
        except (TimeoutError, httpx.TimeoutException):
            raise LoginError(f"No answer from {clean_text(host, 100)} within {_REQUEST_TIMEOUT_S:g}s") from None
        except httpx.HTTPError as exc:
            raise LoginError(f"Could not reach {clean_text(host, 100)} ({type(exc).__name__})") from None

    async def start(self) -> CopilotCode:
        status, content = await self._post(self.device_code_url, {"client_id": CLIENT_ID, "scope": SCOPE})
        if not 200 <= status < 300:
            raise LoginError(f"GitHub device code failed: HTTP {status}")
        body = _json(content)
        device_code, user_code = body.get("device_code"), body.get("user_code")
        uri = _safe_uri(body.get("verification_uri"))
        if not isinstance(device_code, str) or not device_code or not isinstance(user_code, str) or not user_code \
                or body.get("verification_uri") is None:
            raise LoginError("GitHub device code response missing fields")
        if uri is None or len(user_code) > _MAX_CODE or clean_text(user_code, _MAX_CODE) != user_code \
                or len(device_code) > 1024:
            raise LoginError("GitHub device code response carried an unusable code or address")
        expires = body.get("expires_in")
        # As OpenClaw's `Date.now() + expires_in * 1000`: a code already past its life (0, -5) ends the wait at once.
        lifetime = 0.0 if isinstance(expires, int | float) and not isinstance(expires, bool) and expires <= 0 \
            else _seconds(expires, 900.0, MAX_EXPIRES_S)
        self._code = CopilotCode(user_code, uri, lifetime,
                                 max(self._min_interval_s, _seconds(body.get("interval"), 5.0, MAX_INTERVAL_S)),
                                 device_code)
        return self._code

    async def cancel(self) -> None:
        self._cancelled.set()

    async def _wait(self, seconds: float) -> None:
        sleeper = asyncio.ensure_future(self._sleep(seconds))
        stopper = asyncio.ensure_future(self._cancelled.wait())
        _done, pending = await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        if self._cancelled.is_set():
            raise LoginError("GitHub login cancelled")

    async def result(self) -> str:
        """Poll until GitHub answers with a token (returned: keep it secret) or ends the login."""
        code = self._code
        if code is None:
            raise LoginError("start() first")
        deadline = self._clock() + code.expires_in_s
        form = {"client_id": CLIENT_ID, "device_code": code.device_code,
                "grant_type": "urn:ietf:params:oauth:grant-type:device_code"}
        interval = code.interval_s
        while self._clock() < deadline:
            if self._cancelled.is_set():
                raise LoginError("GitHub login cancelled")
            status, content = await self._post(self.access_token_url, form)
            self.polls += 1
            if not 200 <= status < 300:
                raise LoginError(f"GitHub device token failed: HTTP {status}")
            body = _json(content)
            token = body.get("access_token")
            if isinstance(token, str):
                if not token or len(token) > _MAX_TOKEN or not token.isascii() or not token.isprintable() \
                        or any(c.isspace() for c in token):
                    raise LoginError("GitHub sent an unusable access token")
                return token
            error = body.get("error") if isinstance(body.get("error"), str) else "unknown"
            if error in ("authorization_pending", "slow_down"):
                pause = interval + (_SLOW_DOWN_S if error == "slow_down" else 0.0)
                await self._wait(min(pause, max(0.0, deadline - self._clock())))  # never past the code's life
                continue
            if error == "expired_token":
                raise LoginError("GitHub device code expired; run login again")
            if error == "access_denied":
                raise LoginError("GitHub login cancelled")
            raise LoginError(f"GitHub device flow error: {clean_text(error, 100)}")
        raise LoginError("GitHub device code expired; run login again")
