"""Read claims from JWTs we just received from the token endpoint.

No signature check on purpose: the tokens came straight from the issuer over
TLS and we only read routing metadata (account id, email, exp) from them; the
provider's API verifies them for real.
"""

from __future__ import annotations

import base64
import json
from typing import Any

AUTH_CLAIM = "https://api.openai.com/auth"
ACCOUNT_ID_FIELD = "chatgpt_account_id"
ACCOUNT_ID_ERROR = "Failed to extract accountId from token"


def decode_payload(token: str | None) -> dict[str, Any] | None:
    """The payload of a JWT as a dict, None when it is not a decodable JWT."""
    if not token or not isinstance(token, str):
        return None
    parts = token.split(".")
    if len(parts) != 3 or not parts[1]:
        return None
    segment = parts[1]
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))  # re-pad
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def account_id_from(token: str | None) -> str | None:
    payload = decode_payload(token)
    if payload is None:
        return None
    claim = payload.get(AUTH_CLAIM)
    if not isinstance(claim, dict):
        return None
    value = claim.get(ACCOUNT_ID_FIELD)
    return value if isinstance(value, str) and value else None


def account_id_from_tokens(access_token: str | None, id_token: str | None = None) -> str | None:
    """`chatgpt_account_id` from the access token, else from the id_token."""
    return account_id_from(access_token) or account_id_from(id_token)


def email_from(id_token: str | None) -> str | None:
    payload = decode_payload(id_token)
    if payload is None:
        return None
    value = payload.get("email")
    return value.strip() if isinstance(value, str) and value.strip() else None


def expiry_ms_from(token: str | None) -> int | None:
    """The `exp` claim in milliseconds, if present."""
    payload = decode_payload(token)
    exp = None if payload is None else payload.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, int | float) or exp <= 0:
        return None
    return int(exp * 1000)
