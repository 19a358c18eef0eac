"""Token lifetimes from untrusted responses: `expires_in` and the JWT `exp`, used only when sane.

A token endpoint may answer `expires_in: 1e400` (infinity), NaN, a negative number or a JWT whose `exp`
is absurd. None of that may crash a save after the tokens were issued (issue 11.3): an unusable lifetime
falls back to the next source, and finally to one hour (refreshed early rather than never).
"""

from __future__ import annotations

import math
import re

from openclaw_onboard.core.oauth.jwt import expiry_ms_from

DEFAULT_EXPIRES_S = 3600
MAX_LIFETIME_MS = 10 * 366 * 24 * 3600 * 1000
# `openai-codex:<email>`: the email comes from the id_token, so it is validated before it names anything.
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63}){0,8}\Z")


def sane_expiry(expires_ms: int | float | None, at_ms: int) -> int | None:
    """An absolute expiry in ms if it is finite and within (now, now + 10 years], else None."""
    if expires_ms is None or isinstance(expires_ms, bool):
        return None
    try:
        if not math.isfinite(expires_ms):
            return None
        value = int(expires_ms)
    except (TypeError, ValueError, OverflowError):
        return None
    return value if at_ms < value <= at_ms + MAX_LIFETIME_MS else None


def jwt_expiry_ms(token: str | None) -> int | None:
    try:
        return expiry_ms_from(token)
    except (OverflowError, ValueError):  # `"exp": 1e400` reads as infinity
        return None


def expires_at_ms(expires_in: int | None, access_token: str | None, at_ms: int) -> int:
    """`expires_in`, else the access token's `exp`, else one hour; each only when sane."""
    from_response = sane_expiry(at_ms + expires_in * 1000, at_ms) if expires_in else None
    return from_response or sane_expiry(jwt_expiry_ms(access_token), at_ms) or at_ms + DEFAULT_EXPIRES_S * 1000


def safe_email(email: str | None) -> str | None:
    """The id_token's email if it is a plain address fit to be part of a profile id, else None."""
    if email and len(email) <= 254 and _EMAIL.match(email):
        return email
    return None
