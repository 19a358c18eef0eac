"""Calls to OAuth token endpoints (code exchange and refresh).

httpx is imported inside the functions: `import core.refresh` / `core.oauth.login`
must stay cheap for the CLI paths that never touch the network. Every failure
becomes a TokenEndpointError whose message never contains a secret.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.oauth.errors import TokenEndpointError
from core.oauth.provider import AnthropicOAuthConfig, CodexOAuthConfig, is_loopback_host

if TYPE_CHECKING:
    import httpx

CONNECT_TIMEOUT_S = 10.0
TOTAL_TIMEOUT_S = 30.0
_MAX_DETAIL = 200


class TokenResponse(BaseModel):
    """The token endpoint's JSON; secret fields are hidden from repr."""

    model_config = ConfigDict(extra="ignore")

    access_token: str = Field(min_length=1, repr=False)
    refresh_token: str | None = Field(default=None, repr=False)
    id_token: str | None = Field(default=None, repr=False)
    expires_in: int | None = None
    token_type: str | None = None
    scope: str | None = None

    @field_validator("expires_in", mode="before")
    @classmethod
    def _lenient_expires_in(cls, value: Any) -> int | None:
        if value is None or isinstance(value, bool):
            return None
        try:
            seconds = int(float(value))
        except (TypeError, ValueError):
            return None
        return seconds if seconds > 0 else None

    @field_validator("refresh_token", "id_token", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value


def _timeout(total: float) -> httpx.Timeout:
    import httpx

    return httpx.Timeout(total, connect=min(CONNECT_TIMEOUT_S, total))


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
    return text[:_MAX_DETAIL]


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
    except (ValueError, UnicodeDecodeError):
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
    try:
        return TokenResponse.model_validate(body)
    except ValueError:
        raise TokenEndpointError("bad_response", f"The token endpoint {host} answered without an access token",
                                 status=status) from None


def _request_args(url: str, fields: Mapping[str, str], json_body: bool) -> dict[str, Any]:
    headers = {"Accept": "application/json"}
    if json_body:
        return {"url": url, "json": dict(fields), "headers": headers}
    return {"url": url, "data": dict(fields), "headers": headers}


def _transport_error(url: str, exc: Exception, timeout_s: float) -> TokenEndpointError:
    import httpx

    host = _host(url)
    if isinstance(exc, httpx.TimeoutException):
        return TokenEndpointError("timeout", f"Timed out after {timeout_s:g}s waiting for the token endpoint {host}")
    # httpx transport errors name the address and the OS error, never the request body.
    reason = str(exc).strip()[:_MAX_DETAIL] or type(exc).__name__
    return TokenEndpointError("network", f"Could not reach the token endpoint {host}: {reason}")


def _trust_env(url: str) -> bool:
    # A proxy from the environment must never see loopback traffic (tests, local issuers).
    return not is_loopback_host(urlsplit(url).hostname)


def post_token(url: str, fields: Mapping[str, str], *, json_body: bool = False,
               timeout_s: float = TOTAL_TIMEOUT_S) -> TokenResponse:
    """Blocking POST to a token endpoint (used by refresh, which runs in plain sync code)."""
    import httpx

    secret_values = [v for k, v in fields.items() if k in ("code", "code_verifier", "refresh_token")]
    try:
        with httpx.Client(timeout=_timeout(timeout_s), trust_env=_trust_env(url), follow_redirects=False) as client:
            resp = client.post(**_request_args(url, fields, json_body))
    except httpx.HTTPError as exc:
        raise _transport_error(url, exc, timeout_s) from None
    return parse_token_response(url, resp.status_code, resp.content, secret_values)


async def post_token_async(url: str, fields: Mapping[str, str], *, json_body: bool = False,
                           timeout_s: float = TOTAL_TIMEOUT_S) -> TokenResponse:
    """Non-blocking POST to a token endpoint (used by the login session on the UI's event loop)."""
    import httpx

    secret_values = [v for k, v in fields.items() if k in ("code", "code_verifier", "refresh_token")]
    try:
        async with httpx.AsyncClient(timeout=_timeout(timeout_s), trust_env=_trust_env(url),
                                     follow_redirects=False) as client:
            resp = await client.post(**_request_args(url, fields, json_body))
    except httpx.HTTPError as exc:
        raise _transport_error(url, exc, timeout_s) from None
    return parse_token_response(url, resp.status_code, resp.content, secret_values)


async def codex_exchange_code(config: CodexOAuthConfig, *, code: str, verifier: str, redirect_uri: str,
                              timeout_s: float = TOTAL_TIMEOUT_S) -> TokenResponse:
    fields = {
        "grant_type": "authorization_code",
        "client_id": config.client_id,
        "code": code,
        "code_verifier": verifier,
        "redirect_uri": redirect_uri,
    }
    return await post_token_async(config.token_url, fields, timeout_s=timeout_s)


def codex_refresh(config: CodexOAuthConfig, refresh_token: str, *, timeout_s: float = TOTAL_TIMEOUT_S) -> TokenResponse:
    fields = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": config.client_id}
    return post_token(config.token_url, fields, timeout_s=timeout_s)


def anthropic_refresh(config: AnthropicOAuthConfig, refresh_token: str, *,
                      timeout_s: float = TOTAL_TIMEOUT_S) -> TokenResponse:
    # Anthropic's endpoint takes JSON and no scope (the Claude CLI refreshes the same way).
    fields = {"grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": config.client_id}
    return post_token(config.token_url, fields, json_body=True, timeout_s=timeout_s)
