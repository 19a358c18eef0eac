"""Pasted tokens: terminals wrap long pastes, so whitespace is never part of a token."""

from __future__ import annotations

import re

from openclaw_onboard.core.errors import ValidationError
from openclaw_onboard.core.i18n import _

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
        raise ValidationError(_("That is far longer than any token (over {limit} characters); paste only the token")
                              .format(limit=MAX_PASTE_CHARS))
    token = normalize_token(token)
    if not token:
        raise ValidationError(_("No token was pasted"))
    if len(token) > MAX_TOKEN_LEN:
        raise ValidationError(_("Token is {length} characters, longer than any provider's token (at most {limit}); "
                                "paste only the token").format(length=len(token), limit=MAX_TOKEN_LEN))
    if not token.isascii() or not token.isprintable() or any(c in token for c in "\"'`"):
        raise ValidationError(_("Token contains characters that are not part of a token; paste only the token"))
    return token


def validate_setup_token(token: str) -> str:
    """Anthropic `claude setup-token` output: `sk-ant-oat01-...`, at least 80 characters."""
    token = validate_token(token)
    if not token.startswith(SETUP_TOKEN_PREFIX):
        raise ValidationError(_("Token should start with {prefix}; paste the output of `claude setup-token`").format(
            prefix=SETUP_TOKEN_PREFIX))
    if len(token) < SETUP_TOKEN_MIN_LEN:
        raise ValidationError("Token looks too short; paste the full setup-token")  # OpenClaw's documented line
    return token
