"""Pasted tokens: terminals wrap long pastes, so whitespace is never part of a token."""

from __future__ import annotations

import re

from openclaw_onboard.core.errors import ValidationError

SETUP_TOKEN_PREFIX = "sk-ant-oat01-"
SETUP_TOKEN_MIN_LEN = 80
# Longer than any provider's token or key (JWT access tokens are a few KB). A bigger paste is refused before
# anything is written, so a store always stays loadable and `remove` always works (issue 11.6).
MAX_TOKEN_LEN = 16 * 1024
# What is read from a pipe at most (whitespace of wrapped pastes included) before refusing.
MAX_PASTE_CHARS = 1024 * 1024
_WHITESPACE = re.compile(r"\s+")


def normalize_token(raw: str) -> str:
    """Remove all whitespace (line wraps, indentation, trailing newline)."""
    return _WHITESPACE.sub("", raw or "")


def validate_token(token: str) -> str:
    """Any provider: non-empty, printable ASCII, no quotes or control characters."""
    if len(token or "") > MAX_PASTE_CHARS:
        raise ValidationError(f"That is far longer than any token (over {MAX_PASTE_CHARS} characters); "
                              "paste only the token")
    token = normalize_token(token)
    if not token:
        raise ValidationError("No token was pasted")
    if len(token) > MAX_TOKEN_LEN:
        raise ValidationError(f"Token is {len(token)} characters, longer than any provider's token "
                              f"(at most {MAX_TOKEN_LEN}); paste only the token")
    if not token.isascii() or not token.isprintable() or any(c in token for c in "\"'`"):
        raise ValidationError("Token contains characters that are not part of a token; paste only the token")
    return token


def validate_setup_token(token: str) -> str:
    """Anthropic `claude setup-token` output: `sk-ant-oat01-...`, at least 80 characters."""
    token = validate_token(token)
    if not token.startswith(SETUP_TOKEN_PREFIX):
        raise ValidationError(f"Token should start with {SETUP_TOKEN_PREFIX}; paste the output of `claude setup-token`")
    if len(token) < SETUP_TOKEN_MIN_LEN:
        raise ValidationError("Token looks too short; paste the full setup-token")
    return token
