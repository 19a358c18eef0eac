"""OpenClaw 2026.9.4+'s OAuth refresh fences: parsed so a fenced profile is never shown as a token, and built
exactly as 9.6 builds them for a refresh in the SQLite era (the pure credential transforms are below).

Before its token call, a 9.x refresher durably replaces the profile's `access`/`refresh` with markers
`openclaw-oauth-refresh-fence:v1:<claimId>:access:<sha256>` / `...:refresh:<sha256>` and `expires: 1`; it
settles them with the new tokens afterwards. A refresh that failed leaves `...:<claimId>:failed:access:...`:
the refresh token is gone and only a new login helps (credential-state `parseOAuthRefreshFence`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from openclaw_onboard.core.errors import OpenClawError

# The reading side lives in core.fence_marks (the status path imports only that); re-exported here.
from openclaw_onboard.core.fence_marks import _MARKER, PREFIX, FenceState, fence_state
from openclaw_onboard.core.jsjson import js_stringify
from openclaw_onboard.core.sanitize import clean

# --- writing fences: the claim -> token call -> settle protocol of 9.6 (oauth-refresh-marker.ts) -----------

GENERATION_TAG = "openclaw.oauth-refresh-generation"
# What createOAuthRefreshFence drops from the credential before it builds the fence.
_DROPPED = ("access", "refresh", "expires", "idToken", "oauthRef", "copyToAgents")
# How long, and how often, a waiter re-reads a pending fence (OAUTH_REFRESH_CALL_TIMEOUT_MS, its 25 ms poll).
OBSERVE_TIMEOUT_S = 120.0
OBSERVE_POLL_S = 0.025


@dataclass(frozen=True)
class Fence:
    """A parsed fence (parseOAuthRefreshFence)."""

    claim_id: str
    access_digest: str
    refresh_digest: str
    state: FenceState


def parse_fence(credential: Any) -> Fence | None:
    """9.6's parseOAuthRefreshFence on a credential dict; None when it holds no fence."""
    if not isinstance(credential, Mapping):
        return None
    access, refresh = credential.get("access"), credential.get("refresh")
    state = fence_state(credential.get("type"), access, refresh, credential.get("expires"))
    if state is None or not isinstance(access, str) or not isinstance(refresh, str):
        return None
    a, r = _MARKER.fullmatch(access), _MARKER.fullmatch(refresh)
    if a is None or r is None:  # never: fence_state matched both markers when it named a state
        return None
    return Fence(a[1], a[4], r[4], state)


def secret_digest(profile_id: Any, provider: Any, kind: str, secret: Any) -> str:
    """buildOAuthRefreshSecretDigest: sha256 hex of JSON.stringify([tag, 1, profileId, provider, kind, secret])
    (a missing value is null, as JavaScript's undefined in an array)."""
    text = js_stringify([GENERATION_TAG, 1, profile_id, provider, kind, secret])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_claim_id() -> str:
    """randomBytes(16).toString("hex")."""
    return secrets.token_hex(16)


def create_fence(profile_id: str, credential: Mapping[str, Any], claim_id: str | None = None) -> dict[str, Any]:
    """createOAuthRefreshFence: the credential without access/refresh/expires/idToken/oauthRef/copyToAgents,
    `type: "oauth"`, its provider, then the two pending markers and `expires: 1`, in 9.6's key order."""
    claim_id = new_claim_id() if claim_id is None else claim_id
    if not re.fullmatch(r"[a-f0-9]{32}", claim_id):
        raise ValueError("a claim id is 32 lowercase hex digits")
    provider = credential.get("provider")
    fence = {key: value for key, value in credential.items() if key not in _DROPPED}
    fence["type"] = "oauth"
    if "provider" in credential:  # `provider: undefined` is left out of JSON, as a missing key is here
        fence["provider"] = provider
    for kind in ("access", "refresh"):
        fence[kind] = f"{PREFIX}{claim_id}:{kind}:{secret_digest(profile_id, provider, kind, credential.get(kind))}"
    fence["expires"] = 1
    return fence


def claim(profile_id: str, credential: Mapping[str, Any], claim_id: str | None = None) -> tuple[dict[str, Any], str]:
    """The claim: the fenced credential to write (durably, in place of `credential`, under the refresh lock,
    and only if the stored credential still equals `credential`) and its claim id."""
    fence = create_fence(profile_id, credential, claim_id)
    return fence, fence["access"][len(PREFIX):len(PREFIX) + 32]


def failed_fence(credential: Mapping[str, Any]) -> dict[str, Any]:
    """createFailedOAuthRefreshFence: a pending fence turned terminal (`...:<claim>:failed:access:...`), the
    rest unchanged; any other credential is returned as it is."""
    fence = parse_fence(credential)
    if fence is None or fence.state == "failed":
        return dict(credential)
    out = dict(credential)
    out["access"] = f"{PREFIX}{fence.claim_id}:failed:access:{fence.access_digest}"
    out["refresh"] = f"{PREFIX}{fence.claim_id}:failed:refresh:{fence.refresh_digest}"
    return out


def same_credential(left: Any, right: Any) -> bool:
    """isDeepStrictEqual on JSON values: like ==, except that true is not 1 (JavaScript's strictness)."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return left.keys() == right.keys() and all(same_credential(left[k], right[k]) for k in left)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(same_credential(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    return type(left) is type(right) and left == right


def settle_success(current: Any, fence: Mapping[str, Any], claimed: Mapping[str, Any],
                   refreshed: Mapping[str, Any]) -> dict[str, Any] | None:
    """settleOAuthRefreshClaim: the credential to write after a successful token call, `{...claimed,
    ...refreshed, type: "oauth"}`, only while the stored credential is still exactly our fence; None when
    it is not (someone settled or replaced it: write nothing)."""
    if not same_credential(current, fence):
        return None
    rotated = {**claimed, **refreshed}
    rotated["type"] = "oauth"
    return rotated


def settle_failure(current: Any, fence: Mapping[str, Any]) -> dict[str, Any] | None:
    """markOAuthRefreshClaimFailed: the terminal fence to write after a failed token call, only while the
    stored credential is still exactly our fence (the refresh token is spent: only a new login helps)."""
    return failed_fence(fence) if same_credential(current, fence) else None


def rollback(current: Any, fence: Mapping[str, Any], original: Mapping[str, Any]) -> dict[str, Any] | None:
    """rollbackOAuthRefreshOwnerClaim: the original credential back, when the token call was never made,
    only while the stored credential is still exactly our fence."""
    return dict(original) if same_credential(current, fence) else None


def must_wait(credential: Any, own_claim_id: str | None = None) -> bool:
    """Someone else's pending fence: wait for it to settle (re-read every OBSERVE_POLL_S, at most
    OBSERVE_TIMEOUT_S), never refresh over it. A failed fence means "log in again", not wait."""
    fence = parse_fence(credential)
    return fence is not None and fence.state == "pending" and fence.claim_id != own_claim_id


class RefreshStillPendingError(OpenClawError):
    """Another process's refresh claim did not settle in time (9.6's observer gives up after 120 s too)."""

    def __init__(self, profile_id: str, waited_s: float) -> None:
        self.profile_id = profile_id
        super().__init__(f"Another process is still refreshing {clean(profile_id)} after {waited_s:.0f}s; "
                         "nothing was changed. Try again.")


def wait_for_settlement(read: Callable[[], Any], profile_id: str, *, own_claim_id: str | None = None,
                        timeout: float = OBSERVE_TIMEOUT_S, poll: float = OBSERVE_POLL_S) -> Any:
    """observeOAuthRefreshFenceSettlement: re-read the credential (`read()`, without holding any lock)
    until it is no longer someone else's pending fence, and return what was read last (new tokens, a
    failed fence, or whatever replaced it: the caller judges it). RefreshStillPendingError after `timeout`."""
    started = time.monotonic()
    while True:
        credential = read()
        if not must_wait(credential, own_claim_id):
            return credential
        waited = time.monotonic() - started
        if waited >= timeout:
            raise RefreshStillPendingError(profile_id, waited)
        time.sleep(min(poll, timeout - waited))
