"""OpenAI Codex device pairing, as OpenClaw 2026.4.26 does it (`openai-codex-device-code`).

    login = CodexDeviceLogin(agent_id="main", on_progress=show)
    code = await login.start()        # DeviceCode: user_code, verification_url, expires_in_s
    ... show the code and the URL; the user approves on any device ...
    result = await login.result()     # LoginResult (stored like the browser login), or LoginError
    await login.cancel()              # stops polling at once (also fine after the result)

1. POST `{issuer}/api/accounts/deviceauth/usercode` `{"client_id"}` -> `device_auth_id`, `user_code`
   (or `usercode`), `interval` (seconds, number or digit string; default 5 s). A 404 here means the
   server has no device login (DeviceLoginUnavailable: offer the browser login).
2. Poll POST `{issuer}/api/accounts/deviceauth/token` `{"device_auth_id", "user_code"}`: 403/404 are
   "pending"; 200 carries `authorization_code` and `code_verifier`. Never faster than once a second,
   15-minute deadline.
3. Exchange at `{issuer}/oauth/token` with `redirect_uri={issuer}/deviceauth/callback`.

Every text from the server is cleaned (escape and control sequences removed) before it reaches a
message. Timing (`DeviceTiming`) is injectable so tests run in milliseconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from openclaw_onboard.core.errors import OpenClawError
from openclaw_onboard.core.oauth.errors import LoginError, TokenEndpointError, await_login
from openclaw_onboard.core.oauth.http_read import ACCEPT_ENCODING, BodyTooLarge, read_capped
from openclaw_onboard.core.oauth.jwt import ACCOUNT_ID_ERROR, account_id_from_tokens
from openclaw_onboard.core.oauth.login import LoginResult, save_codex_tokens
from openclaw_onboard.core.oauth.provider import CodexOAuthConfig, is_loopback_host
from openclaw_onboard.core.oauth.token_client import codex_exchange_code
from openclaw_onboard.core.sanitize import clean_prose as clean_text

if TYPE_CHECKING:
    import httpx

__all__ = ["CodexDeviceLogin", "DeviceCode", "DeviceLoginUnavailable", "DeviceProgress", "DeviceTiming"]

log = logging.getLogger(__name__)

DeviceStage = Literal["requesting", "waiting", "exchanging", "saved"]
NOT_ENABLED = ("OpenAI Codex device code login is not enabled for this server. "
               "Use the browser login (ChatGPT OAuth) instead.")
_MAX_BODY = 64 * 1024
_MAX_USER_CODE = 64


class DeviceLoginUnavailable(LoginError):
    """The server has no device login (404 on the first call): use the browser login."""


@dataclass(frozen=True)
class DeviceTiming:
    """OpenClaw's numbers; tests pass small ones."""

    default_interval_s: float = 5.0
    min_interval_s: float = 1.0
    deadline_s: float = 15 * 60.0
    request_timeout_s: float = 30.0  # one poll or the exchange, start to end
    usercode_timeout_s: float = 30.0  # the first call (a cold connection: DNS, TLS)


@dataclass(frozen=True)
class DeviceCode:
    user_code: str
    verification_url: str
    interval_s: float
    expires_in_s: float
    device_auth_id: str = field(repr=False, default="")


@dataclass(frozen=True)
class DeviceProgress:
    """One report for the UI: the stage, how many polls so far, seconds to the next one, the last
    transient problem (a slow or failing poll that will be retried), and seconds left."""

    stage: DeviceStage
    polls: int = 0
    next_poll_s: float | None = None
    remaining_s: float | None = None
    problem: str | None = None


def _interval_s(value: Any) -> float | None:
    """`interval` as OpenClaw reads it: a finite positive number, or a string of digits (seconds)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and math.isfinite(value) and value > 0:
        return float(value)
    if isinstance(value, str) and value.strip().isdigit():
        seconds = int(value.strip())
        return float(seconds) if seconds > 0 else None
    return None


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _json_object(content: bytes) -> dict[str, Any] | None:
    try:
        body = json.loads(content.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def format_device_error(prefix: str, status: int, content: bytes) -> str:
    """`prefix: error (description)` from an OAuth error body, else `prefix: HTTP status body`; cleaned."""
    body = _json_object(content)
    error = _text(body.get("error")) if body else None
    description = _text(body.get("error_description")) if body else None
    safe_error = clean_text(error, 100) if error else ""
    safe_desc = clean_text(description, 200) if description else ""
    if safe_error and safe_desc:
        return f"{prefix}: {safe_error} ({safe_desc})"
    if safe_error:
        return f"{prefix}: {safe_error}"
    text = clean_text(content[:_MAX_BODY].decode("utf-8", "replace"), 200)
    return f"{prefix}: HTTP {status} {text}" if text else f"{prefix}: HTTP {status}"


def _minutes(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        n = int(seconds // 60)
        return f"{n} minute{'s' if n != 1 else ''}"
    return f"{seconds:g} seconds"


class CodexDeviceLogin:
    def __init__(
        self,
        agent_id: str = "main",
        state: Path | None = None,
        env: Mapping[str, str] | None = None,
        config: CodexOAuthConfig | None = None,
        timing: DeviceTiming | None = None,
        on_progress: Callable[[DeviceProgress], Any] | None = None,
    ) -> None:
        from openclaw_onboard.core.era import refuse_file_era_write
        from openclaw_onboard.core.paths import state_dir

        self.agent_id = agent_id
        self._env: Mapping[str, str] = os.environ if env is None else env
        self.state = state if state is not None else state_dir(self._env)
        # Before any browser or code: a login whose result could not be saved must not start at all.
        refuse_file_era_write(self.state)
        self.config = config or CodexOAuthConfig.from_env(self._env, callback=False)
        self.timing = timing or DeviceTiming()
        self._on_progress = on_progress
        self._client: httpx.AsyncClient | None = None
        self._code: DeviceCode | None = None
        self._task: asyncio.Task[LoginResult] | None = None
        self._deadline = 0.0
        self.polls = 0

    def __repr__(self) -> str:  # never the device_auth_id
        return f"CodexDeviceLogin(agent_id={self.agent_id!r}, polls={self.polls})"

    # ---- public API

    async def start(self) -> DeviceCode:
        """Ask for a user code; polling starts at once. LoginError (or DeviceLoginUnavailable) on failure."""
        if self._code is not None:
            return self._code
        import httpx

        loop = asyncio.get_running_loop()
        host = urlsplit(self.config.issuer).hostname
        self._client = httpx.AsyncClient(trust_env=not is_loopback_host(host), follow_redirects=False,
                                         headers={"Accept": "application/json", "Accept-Encoding": ACCEPT_ENCODING})
        self._progress(DeviceProgress("requesting"))
        try:
            code = await self._request_code()
        except BaseException:
            await self._close_client()
            raise
        self._code = code
        self._deadline = loop.time() + self.timing.deadline_s
        self._task = loop.create_task(self._run(code), name="openclaw-codex-device-login")
        self._task.add_done_callback(_retrieve)
        return code

    async def result(self) -> LoginResult:
        return await await_login(self._task, "CodexDeviceLogin")

    async def cancel(self) -> None:
        """Stop polling now. Idempotent; harmless after a result."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._close_client()

    def remaining_s(self) -> float:
        if not self._deadline:
            return self.timing.deadline_s
        return max(0.0, self._deadline - asyncio.get_running_loop().time())

    # ---- the protocol

    async def _post(self, url: str, payload: dict[str, str], timeout_s: float) -> tuple[int, bytes]:
        import httpx

        assert self._client is not None
        timeout = httpx.Timeout(timeout_s, connect=min(10.0, timeout_s))
        try:
            # A total deadline per request: httpx's read timeout alone would let a byte-a-second server hang us.
            async with asyncio.timeout(timeout_s), self._client.stream("POST", url, json=payload,
                                                                       timeout=timeout) as resp:
                # Streamed under a cap: `resp.content` would hold 3 GB of whitespace, or an inflated gzip
                # bomb, in memory before any size check.
                return resp.status_code, await read_capped(resp, _MAX_BODY)
        except BodyTooLarge as exc:
            raise _Transient(f"{_host(url)} sent {exc.why}") from None
        except TimeoutError:
            raise _Transient(f"no answer from {_host(url)} within {timeout_s:g}s") from None
        except httpx.TimeoutException:
            raise _Transient(f"no answer from {_host(url)} within {timeout_s:g}s") from None
        except httpx.HTTPError as exc:
            raise _Transient(f"could not reach {_host(url)}: {clean_text(str(exc) or type(exc).__name__, 150)}") \
                from None

    async def _request_code(self) -> DeviceCode:
        url = self.config.device_usercode_url
        try:
            status, content = await self._post(url, {"client_id": self.config.client_id},
                                               self.timing.usercode_timeout_s)
        except _Transient as exc:
            raise LoginError(f"OpenAI device code request failed: {exc}") from None
        if status == 404:
            raise DeviceLoginUnavailable(NOT_ENABLED)
        if not 200 <= status < 300:
            raise LoginError(format_device_error("OpenAI device code request failed", status, content))
        body = _json_object(content) or {}
        device_auth_id = _text(body.get("device_auth_id"))
        user_code = _text(body.get("user_code")) or _text(body.get("usercode"))
        if not device_auth_id or not user_code:
            raise LoginError("OpenAI device code response was missing the device code or user code.")
        if len(user_code) > _MAX_USER_CODE or clean_text(user_code, _MAX_USER_CODE) != user_code:
            raise LoginError("OpenAI device code response carried an unreadable user code.")
        interval = _interval_s(body.get("interval")) or self.timing.default_interval_s
        return DeviceCode(user_code=user_code, verification_url=self.config.device_verification_url,
                          interval_s=interval, expires_in_s=self.timing.deadline_s, device_auth_id=device_auth_id)

    async def _poll(self, code: DeviceCode) -> tuple[str, str]:
        loop = asyncio.get_running_loop()
        delay_s = max(code.interval_s, self.timing.min_interval_s)
        problem: str | None = None
        while (remaining := self._deadline - loop.time()) > 0:
            self.polls += 1
            try:
                status, content = await self._post(
                    self.config.device_token_url, {"device_auth_id": code.device_auth_id, "user_code": code.user_code},
                    min(self.timing.request_timeout_s, remaining))
            except _Transient as exc:
                # A flaky network over SSH is no reason to give up on a code the user may be typing right now.
                problem = str(exc)
            else:
                if 200 <= status < 300:
                    body = _json_object(content) or {}
                    auth_code = _text(body.get("authorization_code"))
                    verifier = _text(body.get("code_verifier"))
                    if not auth_code or not verifier:
                        raise LoginError("OpenAI device authorization response was missing the exchange code.")
                    return auth_code, verifier
                if status not in (403, 404):
                    raise LoginError(format_device_error("OpenAI device authorization failed", status, content))
                problem = None
            remaining = self._deadline - loop.time()
            wait = min(delay_s, max(0.0, remaining))
            self._progress(DeviceProgress("waiting", self.polls, wait, remaining, problem))
            if wait <= 0:
                break
            await asyncio.sleep(wait)  # the poll interval itself (OpenClaw: max(interval, 1 s))
        raise LoginError(f"OpenAI device authorization timed out after {_minutes(self.timing.deadline_s)}. "
                         "Run the login again for a new code.")

    async def _run(self, code: DeviceCode) -> LoginResult:
        try:
            self._progress(DeviceProgress("waiting", 0, 0.0, self.timing.deadline_s))
            auth_code, verifier = await self._poll(code)
            self._progress(DeviceProgress("exchanging", self.polls))
            try:
                tokens = await codex_exchange_code(self.config, code=auth_code, verifier=verifier,
                                                   redirect_uri=self.config.device_redirect_uri,
                                                   timeout_s=self.timing.request_timeout_s)
            except TokenEndpointError as exc:
                raise LoginError(clean_text(f"OpenAI device token exchange failed: {exc}", 300)) from None
        finally:
            await self._close_client()
        account_id = account_id_from_tokens(tokens.access_token, tokens.id_token)
        if not account_id:
            raise LoginError(ACCOUNT_ID_ERROR)
        try:
            result = await asyncio.to_thread(save_codex_tokens, tokens, account_id, agent_id=self.agent_id,
                                             state=self.state)
        except OpenClawError as exc:
            raise LoginError(f"The login worked but could not be saved: {exc}") from None
        self._progress(DeviceProgress("saved", self.polls))
        return result

    async def _close_client(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                await client.aclose()

    def _progress(self, progress: DeviceProgress) -> None:
        if self._on_progress is None:
            return
        try:
            self._on_progress(progress)
        except Exception as exc:  # the UI's callback must not break the login
            # Its type only: an exception's message, args or traceback locals may quote a token.
            log.warning("on_progress failed (%s)", type(exc).__name__)


class _Transient(Exception):
    """A poll that may work next time (timeout, connection refused); its text is already clean."""


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _retrieve(task: asyncio.Task[Any]) -> None:
    if not task.cancelled():
        task.exception()
