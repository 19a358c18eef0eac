"""PKCE (RFC 7636, S256) and the OAuth `state`."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field


def b64url(data: bytes) -> str:
    """base64url without padding, as PKCE and JWTs use it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def challenge_for(verifier: str) -> str:
    """S256 challenge: base64url(SHA-256(verifier))."""
    return b64url(hashlib.sha256(verifier.encode("ascii")).digest())


@dataclass(frozen=True)
class PkcePair:
    # repr=False: the verifier is a secret until the exchange is done.
    verifier: str = field(repr=False)
    challenge: str
    method: str = "S256"


def generate_pkce() -> PkcePair:
    """Verifier from 32 random bytes (43 chars), as the Codex clients make it."""
    verifier = b64url(secrets.token_bytes(32))
    return PkcePair(verifier=verifier, challenge=challenge_for(verifier))


def generate_state() -> str:
    """32 random bytes as hex: unguessable, and safe in a URL and in `code#state` pastes."""
    return secrets.token_hex(32)
