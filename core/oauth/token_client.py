"""Calls to OAuth token endpoints (code exchange and refresh).

httpx is imported inside the functions: importing `core.refresh` or `core.oauth.login`
must stay cheap for the CLI paths that never touch the network. Every failure
becomes a TokenEndpointError whose message never contains a secret.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from openclaw_onboard.core.oauth.errors import TokenEndpointError
from openclaw_onboard.core.oauth.provider import AnthropicOAuthConfig, CodexOAuthConfig, is_loopback_host
from openclaw_onboard.core.sanitize import clean
from pydantic import BaseModel, ConfigDict, Field, field_validator

if TYPE_CHECKING:
    import httpx

CONNECT_TIMEOUT_S = 10.0
# httpx's timeouts are per operation: a server sending one byte a second never trips them. Every token call
# therefore also runs under one total deadline (issue 11.5). OpenClaw gives a whole refresh 120 s and treats
# its refresh lock as stale after 180 s, so ours stays well below both; `$OPENCLAW_TOKEN_DEADLINE_S` changes it.
DEADLINE_ENV = "OPENCLAW_TOKEN_DEADLINE_S"
DEFAULT_DEADLINE_S = 60.0
MAX_DEADLINE_S = 80.0  # + the store write and margin (35 s) stays below OpenClaw's 120 s
TOTAL_TIMEOUT_S = DEFAULT_DEADLINE_S  # kept for callers that pass it explicitly
# A token response is a few KB; anything bigger is hostile and is not read into memory (issue 11.6).
MAX_RESPONSE_BYTES = 256 * 1024
MAX_TOKEN_CHARS = 64 * 1024
_MAX_DETAIL = 200


def token_deadline_s() -> float:
    """`$OPENCLAW_TOKEN_DEADLINE_S` (0 < s <= 80), else 60 s: the most one token call may take, in total."""
    import math
    import os

    try:
        value = float(os.environ.get(DEADLINE_ENV, ""))
    except ValueError:
        return DEFAULT_DEADLINE_S
    return value if math.isfinite(value) and 0 < value <= MAX_DEADLINE_S else DEFAULT_DEADLINE_S


MAX_EXPIRES_IN_S = 10 * 366 * 24 * 3600
_VSCHAR = re.compile(r"[\x20-\x7e]+")


class TokenResponse(BaseModel):
    """The token endpoint's JSON; secret fields are hidden from repr."""

    model_config = ConfigDict(extra="ignore")

    access_token: str = Field(min_length=1, max_length=MAX_TOKEN_CHARS, repr=False)
    refresh_token: str | None = Field(default=None, max_length=MAX_TOKEN_CHARS, repr=False)
    id_token: str | None = Field(default=None, max_length=MAX_TOKEN_CHARS, repr=False)
    expires_in: int | None = None
    token_type: str | None = None
    scope: str | None = None

    @field_validator("expires_in", mode="before")
    @classmethod
    def _lenient_expires_in(cls, value: Any) -> int | None:
        """Seconds, or None when absent or not a sane lifetime (`1e400`, NaN, negative, > 10 years): the
        caller then falls back to the JWT's exp or a default, and the tokens are kept (issue 11.3)."""
        import math

        if value is None or isinstance(value, bool):
            return None
        try:
            seconds = float(value)
        except (TypeError, ValueError, OverflowError):
            return None
        if not math.isfinite(seconds) or seconds <= 0 or seconds > MAX_EXPIRES_IN_S:
            return None
        return int(seconds)

    @field_validator("refresh_token", "id_token", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("access_token", "refresh_token", "id_token")
    @classmethod
    def _vschar(cls, value: str | None) -> str | None:
        """RFC 6749 Appendix A: tokens are printable ASCII (%x20-7E). Anything else (ESC, NUL, surrogates) is
        no token: refused rather than stored and later sent in headers or shown (issue 11.7)."""
        if value is not None and not _VSCHAR.fullmatch(value):
            raise ValueError("not printable ASCII")
        return value


def _timeout(total: float) -> httpx.Timeout:
    import httpx

    return httpx.Timeout(total, connect=min(CONNECT_TIMEOUT_S, total))


def _deadline(timeout_s: float | None) -> float:
    limit = token_deadline_s()
    return limit if timeout_s is None else min(timeout_s, limit)


_ECHO_WINDOW = 8


def _quotes_part_of(text: str, secret: str) -> bool:
    """True if `text` contains any 8-character piece of `secret` (a server may quote a truncated token)."""
    if len(secret) < _ECHO_WINDOW:
        return bool(secret) and secret in text
    return any(secret[i:i + _ECHO_WINDOW] in text for i in range(len(secret) - _ECHO_WINDOW + 1))


def _redact(text: str, secrets: Iterable[str]) -> str:
    """Server text may echo what we sent, whole or in part; then it is withheld entirely."""
    if any(s and _quotes_part_of(text, s) for s in secrets):
        return "[details withheld: the server's message quoted a secret]"
    return clean(text, _MAX_DETAIL)  # untrusted: no escape sequences, one line


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _error_from_body(body: Any) -> tuple[str | None, str | None]:
    """OAuth (`{"error": "x", "error_description": ...}`) and OpenAI (`{"error": {"code", "message"}}`)."""
    if not isinstance(body, dict):
        return None, None
    err = body.get("error")
    if isinstance(err, str) and err:
        desc = body.get("error_description")
        return err, desc if isinstance(desc, str) else None
    if isinstance(err, dict):
        code = err.get("code") or err.get("type")
        msg = err.get("message")
        return (code if isinstance(code, str) and code else None), (msg if isinstance(msg, str) else None)
    return None, None


def parse_token_response(url: str, status: int, content: bytes, secrets: Iterable[str] = ()) -> TokenResponse:
    """Map an HTTP response to TokenResponse or a typed TokenEndpointError."""
    secrets = list(secrets)
    host = _host(url)
    if status >= 500:
        raise TokenEndpointError("server", f"The token endpoint {host} failed with HTTP {status}; try again later",
                                 status=status)
    try:
        body: Any = json.loads(content.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):  # `[[[[...` nested 100k deep is not JSON we want
        body = None
    if status >= 400:
        code, desc = _error_from_body(body)
        if code:
            detail = f" ({_redact(desc, secrets)})" if desc else ""
            raise TokenEndpointError("oauth_error", f"The token endpoint rejected the request: "
                                     f"{_redact(code, secrets)[:80]}{detail}", status=status, error_code=code)
        raise TokenEndpointError("http", f"The token endpoint {host} answered HTTP {status}", status=status)
    if status >= 300 or status < 200:
        raise TokenEndpointError("http", f"The token endpoint {host} answered HTTP {status}", status=status)
    if not isinstance(body, dict):
        raise TokenEndpointError("bad_response", f"The token endpoint {host} did not answer with a JSON object",
                                 status=status)
    too_long = [k for k in ("access_token", "refresh_token", "id_token")
                if isinstance(body.get(k), str) and len(body[k]) > MAX_TOKEN_CHARS]
    if too_long:
        raise TokenEndpointError("bad_response", f"The token endpoint {host} sent a {too_long[0]} longer than "
                                 f"{MAX_TOKEN_CHARS} characters; refusing it", status=status)
    try:
        return TokenResponse.model_validate(body)
    except ValueError:
        raise TokenEndpointError("bad_response", f"The token endpoint {host} answered without an access token "
                                 "(or with a token that is not printable ASCII)", status=status) from None


def _request_args(url: str, fields: Mapping[str, str], json_body: bool) -> dict[str, Any]:
    from openclaw_onboard.core.oauth.http_read import ACCEPT_ENCODING

    headers = {"Accept": "application/json", "Accept-Encoding": ACCEPT_ENCODING}
    if json_body:
        return {"url": url, "json": dict(fields), "headers": headers}
    return {"url": url, "data": dict(fields), "headers": headers}


def _transport_error(url: str, exc: Exception, timeout_s: float) -> TokenEndpointError:
    import httpx

    host = _host(url)
    if isinstance(exc, httpx.TimeoutException):
        return TokenEndpointError("timeout", f"Timed out after {timeout_s:g}s waiting for the token endpoint {host}")
    # httpx transport errors name the address and the OS error, never the request body.
    reason = clean(str(exc).strip(), _MAX_DETAIL) or type(exc).__name__
    return TokenEndpointError("network", f"Could not reach the token endpoint {host}: {reason}")


def _trust_env(url: str) -> bool:
    # A proxy from the environment must never see loopback traffic (tests, local issuers).
    return not is_loopback_host(urlsplit(url).hostname)


def post_token(url: str, fields: Mapping[str, str], *, json_body: bool = False,
               timeout_s: float | None = None) -> TokenResponse:
    """Blocking POST to a token endpoint (used by refresh, which runs in plain sync code).

    Runs the async client under one total deadline: asyncio cancellation interrupts a read that a
    slow-drip server keeps alive, which httpx's per-read timeouts cannot. From a thread that already
    runs an event loop, the call goes to a helper thread with its own loop.
    """
    import asyncio

    coro = post_token_async(url, fields, json_body=json_body, timeout_s=timeout_s)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _read_capped(resp: httpx.Response, host: str) -> bytes:
    from openclaw_onboard.core.oauth.http_read import BodyTooLarge, read_capped

    try:
        return await read_capped(resp, MAX_RESPONSE_BYTES)
    except BodyTooLarge as exc:
        raise TokenEndpointError("bad_response", f"The token endpoint {host} sent {exc.why}; refusing it",
                                 status=resp.status_code) from None


async def post_token_async(url: str, fields: Mapping[str, str], *, json_body: bool = False,
                           timeout_s: float | None = None) -> TokenResponse:
    """Non-blocking POST to a token endpoint, the whole call (connect, send, headers, body) under one
    deadline of at most `token_deadline_s()`. The body is read up to MAX_RESPONSE_BYTES."""
    import asyncio

    import httpx

    total = _deadline(timeout_s)
    secret_values = [v for k, v in fields.items() if k in ("code", "code_verifier", "refresh_token")]
    try:
        async with asyncio.timeout(total):
            client = httpx.AsyncClient(timeout=_timeout(total), trust_env=_trust_env(url), follow_redirects=False)
            async with client, client.stream("POST", **_request_args(url, fields, json_body)) as resp:
                content = await _read_capped(resp, _host(url))
                status = resp.status_code
    except TimeoutError:
        raise TokenEndpointError("timeout", f"The token endpoint {_host(url)} did not answer within {total:g}s "
                                 f"(set {DEADLINE_ENV} to change this limit)") from None
    except httpx.HTTPError as exc:
        raise _transport_error(url, exc, total) from None
    return parse_token_response(url, status, content, secret_values)


async def codex_exchange_code(config: CodexOAuthConfig, *, code: str, verifier: str, redirect_uri: str,
                              timeout_s: float | None = None) -> TokenResponse:
    fields = {
        "grant_type": "authorization_code",
        "client_id": config.client_id,
        "code": code,
        "code_verifier": verifier,
        "redirect_uri": redirect_uri,
    }
    return await post_token_async(config.token_url, fields, timeout_s=timeout_s)


def codex_refresh(config: CodexOAuthConfig, refresh_token: str, *, timeout_s: float | None = None) -> TokenResponse:
    fields = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": config.client_id}
    return post_token(config.token_url, fields, timeout_s=timeout_s)


def anthropic_refresh(config: AnthropicOAuthConfig, refresh_token: str, *,
                      timeout_s: float | None = None) -> TokenResponse:
    # Anthropic's endpoint takes JSON and no scope (the Claude CLI refreshes the same way).
    fields = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": config.client_id}
    return post_token(config.token_url, fields, json_body=True, timeout_s=timeout_s)
