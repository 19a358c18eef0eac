"""Which profile a Codex login is: the id OpenClaw 2026.4.26 gives the same account (`resolveCodexAuthIdentity`).

OpenClaw names a Codex login from its access token alone: `openai-codex:<email>` with the email of the
`https://api.openai.com/profile` claim, else `openai-codex:id-<base64url(stable subject)>` (the ChatGPT account
user id, else the user id, else `iss|sub`, else `sub`), else `openai-codex:default`. Computing it the same way
makes one account logged in through either tool one profile, not two (one of which would go stale when the
other rotates the refresh token).

One deliberate difference: the email names a profile, so only a plain address may (issue 11.7, no `/`, `;` or
control characters in an id); for any other the id falls back to the subject form, which is always plain.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from openclaw_onboard.core.oauth.expiry import safe_email
from openclaw_onboard.core.oauth.jwt import AUTH_CLAIM, decode_payload

PROFILE_CLAIM = "https://api.openai.com/profile"
# What JavaScript's String.prototype.trim() removes (WhiteSpace and LineTerminator): OpenClaw's
# normalizeOptionalString trims with it, and Python's str.strip() set differs (U+FEFF, U+001C-U+001F, U+0085).
_JS_WHITESPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
                 "\u2028\u2029\u202f\u205f\u3000\ufeff"


@dataclass(frozen=True)
class CodexIdentity:
    email: str | None
    profile_name: str | None

    def profile_id(self, provider: str) -> str:
        return f"{provider}:{self.profile_name or 'default'}"


def _trimmed(value: Any) -> str | None:
    """normalizeOptionalString: a string, trimmed as JavaScript trims, or None when empty or not a string."""
    if not isinstance(value, str):
        return None
    return value.strip(_JS_WHITESPACE) or None


def _stable_subject(payload: dict[str, Any] | None) -> str | None:
    """resolveCodexStableSubject."""
    payload = payload or {}
    auth = payload.get(AUTH_CLAIM)
    auth = auth if isinstance(auth, dict) else {}
    subject = (_trimmed(auth.get("chatgpt_account_user_id")) or _trimmed(auth.get("chatgpt_user_id"))
               or _trimmed(auth.get("user_id")))
    if subject:
        return subject
    iss, sub = _trimmed(payload.get("iss")), _trimmed(payload.get("sub"))
    return f"{iss}|{sub}" if iss and sub else sub


def codex_identity(access_token: str | None) -> CodexIdentity:
    """The email and profile name OpenClaw 4.26 derives from a Codex access token."""
    payload = decode_payload(access_token)
    profile = (payload or {}).get(PROFILE_CLAIM)
    email = _trimmed(profile.get("email")) if isinstance(profile, dict) else None
    if email and safe_email(email):
        return CodexIdentity(email=email, profile_name=email)
    subject = _stable_subject(payload)
    if not subject:
        return CodexIdentity(email=None, profile_name=None)
    # Buffer.from(subject).toString("base64url"): UTF-8 (a lone surrogate as U+FFFD), URL-safe, no padding.
    utf8 = subject.encode("utf-16", "surrogatepass").decode("utf-16", "replace").encode("utf-8")
    encoded = base64.urlsafe_b64encode(utf8).decode("ascii").rstrip("=")
    return CodexIdentity(email=None, profile_name=f"id-{encoded}")
