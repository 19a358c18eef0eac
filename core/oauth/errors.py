"""Typed OAuth errors. Every `str()` is one user-facing sentence and never contains a secret."""

from __future__ import annotations

import asyncio
from typing import TypeVar

from openclaw_onboard.core.errors import OpenClawError, ValidationError

T = TypeVar("T")


class OAuthError(OpenClawError):
    """Base class of every OAuth login/refresh failure."""


class OAuthConfigError(ValidationError):
    """A bad override (non-loopback callback host, port out of range, ...)."""


class PasteError(ValidationError):
    """Pasted text is not a usable authorization code (or its state does not match)."""


class LoginError(OAuthError):
    """The login failed: denied, timed out, or the token exchange failed."""


class LoginCancelled(OAuthError):
    def __init__(self, message: str = "Login cancelled.") -> None:
        super().__init__(message)


async def await_login(task: asyncio.Task[T] | None, what: str) -> T:
    """The result of a login's background task: LoginCancelled if the login itself was cancelled;
    our caller being cancelled stays a CancelledError (the task is shielded and goes on)."""
    if task is None:
        raise RuntimeError(f"{what}.start() must be awaited before result()")
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        if task.cancelled():
            raise LoginCancelled() from None
        raise


class TokenEndpointError(OAuthError):
    """A token endpoint call failed.

    `kind` is one of: "oauth_error" (4xx with an OAuth error body), "http" (other 4xx),
    "server" (5xx), "bad_response" (not JSON / missing fields), "network", "timeout".
    `error_code` is the OAuth `error` value when there is one (e.g. "invalid_grant").
    """

    def __init__(self, kind: str, message: str, *, status: int | None = None, error_code: str | None = None) -> None:
        self.kind = kind
        self.status = status
        self.error_code = error_code
        super().__init__(message)


class RefreshError(OAuthError):
    """A refresh failed for a reason that a retry may fix (network, server error, ...)."""


class ReloginRequired(RefreshError):
    """The refresh token is no longer usable; the message names the exact login command."""

    def __init__(self, message: str, *, profile_id: str, provider: str, agent_id: str, reason: str) -> None:
        self.profile_id = profile_id
        self.provider = provider
        self.agent_id = agent_id
        self.reason = reason
        super().__init__(message)
