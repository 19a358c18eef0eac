"""The token sink's refresh: a valid credential for a profile, refreshing at most once.

Many processes (gateway workers, CLIs) may find the same expired token at the same
moment. Providers rotate refresh tokens and reject a reused one, so a second refresh
with the old token would log the user out. Therefore:

1. fresh (expires more than 5 minutes away) -> use it, no lock;
2. stale -> take the profile's own refresh lock (other profiles never wait), re-read
   the store, and refresh only if it is *still* stale: whoever waited behind the
   winner finds the new token and uses it;
3. persist through `core.store.update` (store lock, atomic write), keeping the old
   refresh token when the response has none;
4. on `refresh_token_reused` / `invalid_grant` (...) re-read once more: a writer that
   does not share our lock (OpenClaw itself) may hold the rotated token already.

The refresh lock is an OS flock (core.locking), so a lock held by a process that died
is released by the kernel. httpx is imported only when a refresh really happens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core import clock, locking
from core.errors import LockTimeoutError, ProfileNotFoundError
from core.models import AnyCredential, AuthProfileStore, OAuthCredential, TokenCredential
from core.oauth.errors import RefreshError, ReloginRequired, TokenEndpointError
from core.oauth.jwt import account_id_from_tokens, email_from, expiry_ms_from
from core.oauth.provider import CODEX_PROVIDER
from core.paths import AgentPaths, agent_paths

__all__ = [
    "EXPIRY_MARGIN_MS",
    "RELOGIN_ERROR_CODES",
    "RefreshError",
    "RefreshResult",
    "ReloginRequired",
    "ensure_fresh",
    "is_fresh",
    "login_command",
    "now_ms",
]

log = logging.getLogger(__name__)

EXPIRY_MARGIN_MS = 5 * 60 * 1000  # OpenClaw treats a token as unusable 5 minutes early
RELOGIN_ERROR_CODES = frozenset(
    {"invalid_grant", "refresh_token_reused", "refresh_token_expired", "refresh_token_invalidated"}
)
# Waiters queue behind one token call (HTTP timeout 30 s), so wait longer than that.
REFRESH_LOCK_TIMEOUT_S = 60.0
# Losing the write after a successful rotation would log the user out: wait generously.
STORE_WRITE_TIMEOUT_S = 30.0
DEFAULT_EXPIRES_S = 3600
ANTHROPIC_PROVIDER = "anthropic"


def now_ms() -> int:
    """`core.clock.now_ms()`: honours OPENCLAW_NOW_MS (tests, snapshots)."""
    return clock.now_ms()


@dataclass(frozen=True)
class RefreshResult:
    credential: AnyCredential
    refreshed: bool

    def __repr__(self) -> str:  # the credential's repr would show tokens
        return f"RefreshResult(provider={self.credential.provider!r}, refreshed={self.refreshed})"


def login_command(provider: str, agent_id: str) -> str:
    return f"openclaw models auth login --provider {provider} --agent {agent_id}"


def is_fresh(cred: OAuthCredential, at_ms: int, margin_ms: int = EXPIRY_MARGIN_MS) -> bool:
    exp = cred.expires_ms
    return bool(cred.access) and exp is not None and exp - margin_ms > at_ms


def ensure_fresh(
    profile_id: str,
    agent_id: str = "main",
    state: Path | None = None,
    force: bool = False,
    now_ms: int | None = None,
) -> RefreshResult:
    """A usable credential for `profile_id`, refreshed (once, across processes) when stale.

    Raises ProfileNotFoundError, ReloginRequired (message names the login command) or
    RefreshError (network, server error: retrying later may work).
    """
    paths = agent_paths(agent_id, state)

    def now() -> int:  # re-evaluated: waiting for the lock takes time
        return now_ms if now_ms is not None else clock.now_ms()

    seen = _read(paths, profile_id)
    if not isinstance(seen, OAuthCredential):
        return _static(seen, profile_id, agent_id, now())
    if not force and is_fresh(seen, now()):
        return RefreshResult(seen, False)

    try:
        # OpenClaw's global refresh lock (then, for the write, the store lock: the same nesting).
        with locking.hold(paths.refresh_lock(seen.provider, profile_id), REFRESH_LOCK_TIMEOUT_S,
                          stale_s=locking.REFRESH_STALE_S):
            latest = _read(paths, profile_id)  # re-read: the process before us may have refreshed
            if not isinstance(latest, OAuthCredential):
                return _static(latest, profile_id, agent_id, now())
            changed = latest.access != seen.access
            if is_fresh(latest, now()) and (not force or changed):
                return RefreshResult(latest, False)
            return _refresh_locked(paths, profile_id, latest, now, retry=True)
    except LockTimeoutError as exc:
        raise RefreshError(f"Could not refresh {profile_id}: {exc}") from None


def _read(paths: AgentPaths, profile_id: str) -> AnyCredential:
    from core import store

    cred = store.load(paths=paths).store.profiles.get(profile_id)
    if cred is None:
        raise ProfileNotFoundError(f'Auth profile "{profile_id}" not found.')
    return cred


def _static(cred: AnyCredential, profile_id: str, agent_id: str, at_ms: int) -> RefreshResult:
    """api_key and token credentials have nothing to refresh; an expired token needs a new paste."""
    if isinstance(cred, TokenCredential):
        exp = cred.expires_ms
        if exp is not None and exp <= at_ms:
            raise ReloginRequired(
                f"The token for {profile_id} has expired and cannot be refreshed; paste a new one: "
                f"openclaw models auth paste-token --provider {cred.provider} --agent {agent_id}",
                profile_id=profile_id, provider=cred.provider, agent_id=agent_id, reason="expired",
            )
    return RefreshResult(cred, False)


def _relogin(profile_id: str, cred: OAuthCredential, agent_id: str, reason: str, what: str) -> ReloginRequired:
    return ReloginRequired(
        f"{what}; log in again: {login_command(cred.provider, agent_id)}",
        profile_id=profile_id, provider=cred.provider, agent_id=agent_id, reason=reason,
    )


def _call_provider(provider: str, refresh_token: str) -> Any:
    from core.oauth import token_client
    from core.oauth.provider import AnthropicOAuthConfig, CodexOAuthConfig

    if provider == CODEX_PROVIDER:
        return token_client.codex_refresh(CodexOAuthConfig.from_env(callback=False), refresh_token)
    if provider == ANTHROPIC_PROVIDER:
        return token_client.anthropic_refresh(AnthropicOAuthConfig.from_env(), refresh_token)
    raise RefreshError(f"Refreshing {provider} OAuth profiles is not supported by openclaw-onboard")


def _refresh_locked(paths: AgentPaths, profile_id: str, cred: OAuthCredential, now: Callable[[], int], *,
                    retry: bool) -> RefreshResult:
    agent_id = paths.agent_id
    refresh_token = cred.refresh
    if not refresh_token:
        raise _relogin(profile_id, cred, agent_id, "no refresh token",
                       f"{profile_id} has no refresh token and its access token is expired")
    try:
        tokens = _call_provider(cred.provider, refresh_token)
    except TokenEndpointError as exc:
        if exc.error_code not in RELOGIN_ERROR_CODES:
            raise RefreshError(f"Could not refresh {profile_id}: {exc}") from None
        # Rejected: a writer outside our lock (OpenClaw) may already hold the rotated token.
        latest = _read(paths, profile_id)
        if isinstance(latest, OAuthCredential) and latest.refresh and latest.refresh != refresh_token:
            if is_fresh(latest, now()):
                log.info("refresh of %s rejected (%s); adopting the credential another process wrote",
                         profile_id, exc.error_code)
                return RefreshResult(latest, False)
            if retry:
                return _refresh_locked(paths, profile_id, latest, now, retry=False)
        raise _relogin(profile_id, cred, agent_id, exc.error_code or "rejected",
                       f"Refresh token for {profile_id} was rejected ({exc.error_code})") from None

    at = now()
    if tokens.expires_in:
        expires = at + tokens.expires_in * 1000
    else:
        expires = expiry_ms_from(tokens.access_token) or at + DEFAULT_EXPIRES_S * 1000
    updates: dict[str, Any] = {"access": tokens.access_token, "expires": expires}
    if tokens.refresh_token:  # rotation; a response without one keeps the old refresh token
        updates["refresh"] = tokens.refresh_token
    if cred.provider == CODEX_PROVIDER:
        if tokens.id_token:
            updates["idToken"] = tokens.id_token
        account_id = account_id_from_tokens(tokens.access_token, tokens.id_token)
        if account_id:
            updates["accountId"] = account_id
        if not cred.email and (email := email_from(tokens.id_token)):
            updates["email"] = email
    new = cred.model_copy(update=updates)
    _persist(paths, profile_id, new)
    log.info("refreshed %s", profile_id)
    return RefreshResult(new, True)


def _persist(paths: AgentPaths, profile_id: str, cred: OAuthCredential) -> None:
    from core import store

    def mutate(s: AuthProfileStore) -> None:
        if profile_id in s.profiles:  # removed meanwhile (logout): do not resurrect it
            s.profiles[profile_id] = cred

    store.update(mutate, paths=paths, timeout=STORE_WRITE_TIMEOUT_S)
