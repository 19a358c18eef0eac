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

The refresh lock is OpenClaw 4.26's O_EXCL lock file (core.locking: a lock whose holder died is taken
over by its stale rules). In the SQLite era (OpenClaw 2026.9.x) it is 9.6's lock and fence protocol
instead (_ensure_fresh_sqlite, core.refresh_lock_sqlite, core.fences). httpx is imported only when a
refresh really happens.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from openclaw_onboard.core import clock, locking
from openclaw_onboard.core.era import refuse_file_era_write
from openclaw_onboard.core.errors import LockTimeoutError, ProfileNotFoundError
from openclaw_onboard.core.models import AnyCredential, AuthProfileStore, OAuthCredential, TokenCredential
from openclaw_onboard.core.oauth.errors import RefreshError, ReloginRequired, TokenEndpointError
from openclaw_onboard.core.oauth.expiry import expires_at_ms, safe_email
from openclaw_onboard.core.oauth.jwt import account_id_from_tokens, email_from
from openclaw_onboard.core.oauth.provider import CODEX_PROVIDER
from openclaw_onboard.core.paths import AgentPaths, agent_paths
from openclaw_onboard.core.sanitize import clean, command

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
# Waiters queue behind one token call, which ends by its total deadline (token_client.token_deadline_s(),
# 60 s by default), so a waiter waits that long plus the store write; a holder never blocks others beyond it.
# Losing the write after a successful rotation would log the user out: wait generously.
STORE_WRITE_TIMEOUT_S = 30.0
# The holder's worst case is the token deadline plus the store write; waiters wait a little longer than that
# (95 s by default, still below OpenClaw's 120 s per refresh and its 180 s stale refresh lock).
REFRESH_LOCK_MARGIN_S = STORE_WRITE_TIMEOUT_S + 5.0


def refresh_lock_timeout_s() -> float:
    from openclaw_onboard.core.oauth.token_client import token_deadline_s

    return token_deadline_s() + REFRESH_LOCK_MARGIN_S


# Kept for callers that read it: the default deadline's lock timeout.
REFRESH_LOCK_TIMEOUT_S = 60.0 + REFRESH_LOCK_MARGIN_S
DEFAULT_EXPIRES_S = 3600
ANTHROPIC_PROVIDER = "anthropic"
# OpenClaw 8.1+'s id for the ChatGPT/Codex OAuth login (its doctor rewrote `openai-codex:*` to `openai:*`); 9.6's
# openai plugin refreshes it at the Codex token endpoint, as `openai-codex` is refreshed in the file era.
OPENAI_PROVIDER = "openai"
OPENAI_PROFILE_CLAIM = "https://api.openai.com/profile"


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
    """Shell-quoted: a provider id read from a store may hold anything."""
    return command("openclaw", "models", "auth", "login", "--provider", provider, "--agent", agent_id)


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

    # 4.26's refresh lock is not 9.x's (another name and protocol): in the SQLite era the refresh follows 9.6's
    # own (its lock, then the fence claim -> token call -> settle), never 4.26's lock file.
    from openclaw_onboard.core.era import detect

    if detect(paths.state).is_sqlite:
        return _ensure_fresh_sqlite(paths, profile_id, seen, force, now)
    refuse_file_era_write(paths.state)
    try:
        # OpenClaw's global refresh lock (then, for the write, the store lock: the same nesting).
        with locking.hold(paths.refresh_lock(seen.provider, profile_id), refresh_lock_timeout_s(),
                          stale_s=locking.REFRESH_STALE_S):
            latest = _read(paths, profile_id)  # re-read: the process before us may have refreshed
            if not isinstance(latest, OAuthCredential):
                return _static(latest, profile_id, agent_id, now())
            changed = latest.access != seen.access
            if is_fresh(latest, now()) and (not force or changed):
                return RefreshResult(latest, False)
            if is_cli_managed(profile_id, latest):
                return _adopt_from_claude_cli(paths, profile_id, latest, now())
            return _refresh_locked(paths, profile_id, latest, now, retry=True)
    except LockTimeoutError as exc:
        raise RefreshError(f"Could not refresh {clean(profile_id)}: {exc}") from None


def is_cli_managed(profile_id: str, cred: AnyCredential) -> bool:
    """The Claude CLI login stays Claude Code's: re-read from its file, never refreshed from a copy."""
    from openclaw_onboard.core.cli_imports import CLAUDE_CLI_ID, CLAUDE_CLI_PROVIDER

    return profile_id == CLAUDE_CLI_ID or cred.provider == CLAUDE_CLI_PROVIDER


def _adopt_from_claude_cli(paths: AgentPaths, profile_id: str, cred: OAuthCredential, at_ms: int) -> RefreshResult:
    """Take the Claude CLI's current login if it is usable (as OpenClaw 4.26 re-reads it); spending the
    copied refresh token would log Claude Code out, the very thing the token sink prevents."""
    from openclaw_onboard.core.cli_imports import claude_cli_credential

    fresh = claude_cli_credential()
    if isinstance(fresh, OAuthCredential) and is_fresh(fresh, at_ms):
        updates = {"access": fresh.access, "refresh": fresh.refresh, "expires": fresh.expires}
        return RefreshResult(_persist(paths, profile_id, cred, updates), True)
    raise ReloginRequired(
        f"The Claude CLI login behind {clean(profile_id)} has expired; run `claude` once so Claude Code "
        "renews it (openclaw then uses it as it is; it never spends Claude Code's refresh token)",
        profile_id=profile_id, provider=cred.provider, agent_id=paths.agent_id, reason="expired",
    )


def _read(paths: AgentPaths, profile_id: str) -> AnyCredential:
    from openclaw_onboard.core import store

    cred = store.load(paths=paths).store.profiles.get(profile_id)
    if cred is None:
        raise ProfileNotFoundError(f'Auth profile "{clean(profile_id)}" not found.')
    return cred


def _static(cred: AnyCredential, profile_id: str, agent_id: str, at_ms: int) -> RefreshResult:
    """api_key and token credentials have nothing to refresh; an expired token needs a new paste."""
    if isinstance(cred, TokenCredential):
        exp = cred.expires_ms
        if exp is not None and exp <= at_ms:
            raise ReloginRequired(
                f"The token for {clean(profile_id)} has expired and cannot be refreshed; paste a new one: "
                + command("openclaw", "models", "auth", "paste-token", "--provider", cred.provider,
                          "--agent", agent_id),
                profile_id=profile_id, provider=cred.provider, agent_id=agent_id, reason="expired",
            )
    return RefreshResult(cred, False)


def _relogin(profile_id: str, cred: OAuthCredential, agent_id: str, reason: str, what: str) -> ReloginRequired:
    return ReloginRequired(
        f"{what}; log in again: {login_command(cred.provider, agent_id)}",
        profile_id=profile_id, provider=cred.provider, agent_id=agent_id, reason=reason,
    )


def _call_provider(provider: str, refresh_token: str, *, sqlite_era: bool = False) -> Any:
    from openclaw_onboard.core.oauth import token_client
    from openclaw_onboard.core.oauth.provider import AnthropicOAuthConfig, CodexOAuthConfig

    # `openai` OAuth profiles exist only since 8.1 (the SQLite era): the file era keeps 4.26's providers.
    if provider == CODEX_PROVIDER or (sqlite_era and provider == OPENAI_PROVIDER):
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
                       f"{clean(profile_id)} has no refresh token and its access token is expired")
    try:
        tokens = _call_provider(cred.provider, refresh_token)
    except TokenEndpointError as exc:
        if exc.error_code not in RELOGIN_ERROR_CODES:
            raise RefreshError(f"Could not refresh {clean(profile_id)}: {exc}") from None
        # Rejected: a writer outside our lock (OpenClaw) may already hold the rotated token.
        latest = _read(paths, profile_id)
        if isinstance(latest, OAuthCredential) and latest.refresh and latest.refresh != refresh_token:
            if is_fresh(latest, now()):
                log.info("refresh of %s rejected (%s); adopting the credential another process wrote",
                         profile_id, exc.error_code)
                return RefreshResult(latest, False)
            if retry:
                return _refresh_locked(paths, profile_id, latest, now, retry=False)
        code = clean(exc.error_code or "", 80)
        raise _relogin(profile_id, cred, agent_id, exc.error_code or "rejected",
                       f"Refresh token for {clean(profile_id)} was rejected ({code})") from None

    # From here on the server has answered: the old refresh token may be spent. Whatever goes wrong now,
    # the new tokens are saved, or the user is told plainly that the login may be consumed (issue 11.3).
    try:
        updates = _updates_from(cred, tokens, now())
        _check_same_account(profile_id, cred, updates, agent_id)
        new = _persist(paths, profile_id, cred, updates)
    except (ProfileRemovedError, AccountMismatchError):
        raise
    except Exception as exc:  # ENOSPC, a lock timeout, anything: never a traceback, never silence
        log.info("refreshed %s but could not save the new tokens: %s", profile_id, type(exc).__name__)
        raise _consumed(profile_id, cred, agent_id, exc) from None
    log.info("refreshed %s", profile_id)
    return RefreshResult(new, True)


class ProfileRemovedError(RefreshError):
    """The profile was removed while its refresh was in flight; it is not brought back."""


class AccountMismatchError(ReloginRequired):
    """The token endpoint answered for another account than the profile's: nothing is saved."""


def _updates_from(cred: OAuthCredential, tokens: Any, at: int) -> dict[str, Any]:
    """The credential fields a refresh owns, from the response. `expires_in` / the JWT's `exp` are used
    only when finite and sane; else the token gets a default hour (refreshed early, never lost)."""
    updates: dict[str, Any] = {"access": tokens.access_token,
                               "expires": expires_at_ms(tokens.expires_in, tokens.access_token, at)}
    if tokens.refresh_token:  # rotation; a response without one keeps the old refresh token
        updates["refresh"] = tokens.refresh_token
    if cred.provider == OPENAI_PROVIDER:
        updates.update(_openai_identity(cred, tokens.access_token))
    elif cred.provider == CODEX_PROVIDER:
        if tokens.id_token:
            updates["idToken"] = tokens.id_token
        account_id = account_id_from_tokens(tokens.access_token, tokens.id_token)
        if account_id:
            updates["accountId"] = account_id
        email = safe_email(email_from(tokens.id_token))
        if email and not cred.email:
            updates["email"] = email
    return updates


def _openai_identity(cred: OAuthCredential, access_token: str) -> dict[str, Any]:
    """What 9.6's openai plugin (refreshOpenAICodexOAuthCredential) writes beside the tokens, read from the new
    access token only: `accountId` and `chatgptPlanType` from its auth claim, `email` from its profile claim
    (else the stored one). It leaves any stored idToken as it was, so ours does too."""
    from openclaw_onboard.core.oauth.jwt import AUTH_CLAIM, decode_payload

    payload = decode_payload(access_token) or {}

    def text(claim: str, name: str) -> str | None:
        group = payload.get(claim)
        value = group.get(name) if isinstance(group, dict) else None
        return value.strip() if isinstance(value, str) and value.strip() else None

    out: dict[str, Any] = {}
    email = text(OPENAI_PROFILE_CLAIM, "email")
    if email and email != cred.email:
        out["email"] = email
    for key, name in (("accountId", "chatgpt_account_id"), ("chatgptPlanType", "chatgpt_plan_type")):
        value = text(AUTH_CLAIM, name)
        if value:
            out[key] = value
    return out


def _check_same_account(profile_id: str, cred: OAuthCredential, updates: dict[str, Any], agent_id: str) -> None:
    new_account = updates.get("accountId")
    if cred.accountId and new_account and new_account != cred.accountId:
        raise AccountMismatchError(
            f"The token endpoint answered the refresh of {clean(profile_id)} for a different account; nothing "
            f"was saved and the old refresh token may be spent: log in again: {login_command(cred.provider, agent_id)}",
            profile_id=profile_id, provider=cred.provider, agent_id=agent_id, reason="account mismatch")


def _consumed(profile_id: str, cred: OAuthCredential, agent_id: str, exc: BaseException) -> ReloginRequired:
    from openclaw_onboard.core.errors import OpenClawError

    if isinstance(exc, OSError):
        why = exc.strerror or type(exc).__name__
    elif isinstance(exc, OpenClawError):
        why = str(exc)
    else:
        why = type(exc).__name__
    return ReloginRequired(
        f"{clean(profile_id)} was refreshed but the new tokens could not be saved ({clean(why, 300)}); the login may "
        f"have been consumed: log in again: {login_command(cred.provider, agent_id)}",
        profile_id=profile_id, provider=cred.provider, agent_id=agent_id, reason="save failed")


def _persist(paths: AgentPaths, profile_id: str, used: OAuthCredential, updates: dict[str, Any]) -> OAuthCredential:
    """Apply only the fields a refresh owns to the credential as it is *now* on disk (issue 11.11): a
    concurrent change to other fields is kept; a profile removed meanwhile is not resurrected."""
    from openclaw_onboard.core import store

    def mutate(s: AuthProfileStore) -> OAuthCredential:
        current = s.profiles.get(profile_id)
        if not isinstance(current, OAuthCredential) or current.provider != used.provider:
            raise ProfileRemovedError(
                f"{clean(profile_id)} was removed (or replaced) while it was being refreshed; it was not brought "
                "back and the new tokens were discarded")
        merged = current.model_copy(update=updates)
        s.profiles[profile_id] = merged
        return merged

    return store.update(mutate, paths=paths, timeout=STORE_WRITE_TIMEOUT_S)


# --- the SQLite era (OpenClaw 2026.9.4+): 9.6's refresh lock and fences -----------------------------------

def _claim_if_unchanged(stored: Any, *, fence: dict[str, Any], original: dict[str, Any]) -> Any:
    """The fence to write in place of `original`, or None (nothing written) if the stored login changed."""
    from openclaw_onboard.core import fences

    return fence if fences.same_credential(stored, original) else None


def _ensure_fresh_sqlite(paths: AgentPaths, profile_id: str, seen: OAuthCredential, force: bool,
                         now: Callable[[], int]) -> RefreshResult:
    """9.6's refreshOAuthTokenWithLock: under its refresh lock (core.refresh_lock_sqlite) re-read the profile;
    when it still needs a refresh, durably replace its tokens with a fence (core.fences.claim), release the
    lock, make the token call, then re-take the lock and settle: the new tokens if the fence is still ours, a
    failed fence if the refresh token was rejected, the original back if the call never reached the server.
    Another process's pending fence is waited for (never refreshed over); a failed one means a new login."""
    from openclaw_onboard.core import fences, store
    from openclaw_onboard.core import refresh_lock_sqlite as rl
    from openclaw_onboard.core.models import parse_credential

    agent_id = paths.agent_id
    # A store we cannot write (a mixed dir, a release we do not write): said before any lock file is made.
    store.check_writable(agent_id, Path(paths.state))

    def read() -> Any:
        raw = store.raw_profile(paths, profile_id)
        if raw is None:
            raise ProfileNotFoundError(f'Auth profile "{clean(profile_id)}" not found.')
        return raw

    def usable(raw: Any) -> OAuthCredential | None:
        fence = fences.parse_fence(raw)
        if fence is not None and fence.state == "failed":
            raise _relogin(profile_id, seen, agent_id, "refresh failed",
                           f"The last refresh of {clean(profile_id)} failed and its refresh token is gone")
        if fence is not None:
            return None
        cred = parse_credential(raw)
        return cred if isinstance(cred, OAuthCredential) else None

    def write(change: Callable[[Any], Any]) -> tuple[Any, Any]:
        return store.update_raw_profile(paths, profile_id, change, timeout=STORE_WRITE_TIMEOUT_S)

    lock_timeout = refresh_lock_timeout_s()
    deadline = time.monotonic() + lock_timeout
    try:
        while True:
            # Someone else's refresh in flight: its result is ours too (9.6's observer), waited for outside the
            # lock, which its owner needs back to settle.
            fences.wait_for_settlement(read, profile_id, timeout=max(0.0, deadline - time.monotonic()))
            with rl.hold(paths.state, seen.provider, profile_id, timeout=max(0.1, deadline - time.monotonic())):
                current = read()
                if fences.must_wait(current):
                    continue  # claimed between our look and our lock: release it and wait again
                latest = usable(current)
                if latest is None:
                    raise RefreshError(f"Could not refresh {clean(profile_id)}: it is not an OAuth login")
                changed = latest.access != seen.access
                if is_fresh(latest, now()) and (not force or changed):
                    return RefreshResult(latest, False)
                if is_cli_managed(profile_id, latest):
                    return _adopt_from_claude_cli(paths, profile_id, latest, now())
                if not latest.refresh:
                    raise _relogin(profile_id, latest, agent_id, "no refresh token",
                                   f"{clean(profile_id)} has no refresh token and its access token is expired")
                original = dict(current)
                fence, _claim_id = fences.claim(profile_id, original)
                claimed, _fenced = write(partial(_claim_if_unchanged, fence=fence, original=original))
                if not fences.same_credential(claimed, original):  # changed under us (a writer without our lock)
                    raise RefreshError(f"Could not refresh {clean(profile_id)}: it changed while being claimed; "
                                       "try again")
                break
    except (LockTimeoutError, fences.RefreshStillPendingError) as exc:
        raise RefreshError(f"Could not refresh {clean(profile_id)}: {exc}") from None

    # The lock is released during the token call (9.6): others see the pending fence and wait for it.
    def settle(change: Callable[[Any], Any]) -> tuple[Any, Any]:
        with rl.hold(paths.state, latest.provider, profile_id, timeout=lock_timeout):
            return write(change)

    try:
        tokens = _call_provider(latest.provider, latest.refresh, sqlite_era=True)
    except TokenEndpointError as exc:
        if exc.error_code in RELOGIN_ERROR_CODES:
            settle(lambda stored: fences.settle_failure(stored, fence))
            code = clean(exc.error_code or "", 80)
            raise _relogin(profile_id, latest, agent_id, exc.error_code or "rejected",
                           f"Refresh token for {clean(profile_id)} was rejected ({code})") from None
        settle(lambda stored: fences.rollback(stored, fence, original))
        raise RefreshError(f"Could not refresh {clean(profile_id)}: {exc}") from None
    except BaseException:
        settle(lambda stored: fences.rollback(stored, fence, original))
        raise
    try:
        updates = _updates_from(latest, tokens, now())
        _check_same_account(profile_id, latest, updates, agent_id)
    except AccountMismatchError:
        settle(lambda stored: fences.settle_failure(stored, fence))
        raise
    try:
        _fenced, settled = settle(lambda stored: fences.settle_success(stored, fence, original, updates))
    except Exception as exc:  # the server rotated the token: never a traceback, never silence
        raise _consumed(profile_id, latest, agent_id, exc) from None
    if settled is not None:
        log.info("refreshed %s", profile_id)
        new = parse_credential(settled)
        assert isinstance(new, OAuthCredential)
        return RefreshResult(new, True)
    # Someone replaced our fence meanwhile (a new login, a removal): theirs stands, our tokens are dropped.
    raise ProfileRemovedError(f"{clean(profile_id)} was replaced while it was being refreshed; the new tokens "
                              "were discarded")
