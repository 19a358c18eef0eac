"""Turn whatever the user pasted after a browser login into an authorization code.

Accepted: the full redirect URL, `code#state`, a query string containing `code=`,
or a bare code. A state that is present and differs from ours is an error (it
belongs to another login attempt, or to an attacker).
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import parse_qs, urlsplit

from openclaw_onboard.core.oauth.errors import PasteError
from openclaw_onboard.core.sanitize import clean

MAX_CODE_LEN = 4096
# Authorization codes are URL-safe tokens; anything else means we parsed the wrong thing.
_CODE_RE = re.compile(r"[A-Za-z0-9._~+/=-]+")
_QUOTES = (('"', '"'), ("'", "'"), ("<", ">"), ("`", "`"))


def _strip(text: str) -> str:
    s = text.strip()
    for first, last in _QUOTES:
        if len(s) >= 2 and s[0] == first and s[-1] == last:
            s = s[1:-1].strip()
    return s


def _first(params: dict[str, list[str]], key: str) -> str | None:
    values = params.get(key)
    return values[0] if values else None


def _from_params(params: dict[str, list[str]]) -> tuple[str | None, str | None]:
    error = _first(params, "error")
    if error:
        # Server text is untrusted: one line, no control/escape/bidi characters (issue 11.14 / 11.7).
        desc = _first(params, "error_description")
        detail = f" ({clean(desc, 200)})" if desc else ""
        raise PasteError(f"The authorization server returned an error instead of a code: {clean(error, 100)}{detail}")
    return _first(params, "code"), _first(params, "state")


def _split(s: str) -> tuple[str | None, str | None]:
    if "://" in s:
        try:
            parts = urlsplit(s)
        except ValueError:  # e.g. "Invalid IPv6 URL" for an unbalanced "[": not a redirect URL
            raise PasteError("That is not a valid URL; paste the full address the browser ended on") from None
        code, state = _from_params(parse_qs(parts.query))
        if code is None and "code=" in parts.fragment:
            code, state = _from_params(parse_qs(parts.fragment))
        if code is None:
            raise PasteError("The pasted URL has no `code` parameter; paste the full address the browser ended on")
        return code, state
    if "code=" in s or s.startswith("?"):
        # `localhost:1455/auth/callback?code=...`: browsers often hide the scheme when copied.
        query = s.split("?", 1)[1] if "?" in s else s
        return _from_params(parse_qs(query))
    if "#" in s:
        code, _, state = s.partition("#")
        return code, state
    return s, None


def parse_pasted(text: str, expected_state: str | None) -> str:
    """The authorization code from pasted text, or PasteError (its message never repeats the input)."""
    s = _strip(text or "")
    if not s:
        raise PasteError("Nothing was pasted; paste the redirect URL from your browser's address bar (or the code)")
    code, state = _split(s)
    if not code:
        raise PasteError("No authorization code found; paste the full redirect URL from your browser")
    if len(code) > MAX_CODE_LEN or not _CODE_RE.fullmatch(code):
        raise PasteError("That does not look like an authorization code; paste the full redirect URL from your browser")
    # surrogatepass: a lone surrogate in pasted text must be a mismatch, not a UnicodeEncodeError.
    if state and expected_state is not None and not secrets.compare_digest(
        state.encode("utf-8", "surrogatepass"), expected_state.encode("utf-8", "surrogatepass")
    ):
        raise PasteError(
            "The pasted URL belongs to a different login attempt (state mismatch); "
            "paste the URL from the login you just started"
        )
    return code
