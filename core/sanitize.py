"""One sanitiser for every untrusted string that reaches a terminal, and shell quoting for commands we print.

Untrusted: profile ids, providers, emails, agent dir names, file paths, server error text, anything read
from a store another tool (or another user) wrote. A terminal interprets C0/C1 control characters and
escape sequences (CSI, OSC: window title, clipboard writes via OSC 52), and bidi overrides reorder what
the reader sees; none of them ever reaches the screen through `clean()`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from openclaw_onboard.core.textwidth import truncate

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import TypeGuard

# ESC-introduced sequences first (so their parameters go with them), then any lone control character.
_ESCAPE_SEQ_PATTERN = (
    r"\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC ... BEL/ST (title, clipboard, hyperlinks)
    r"|\x1b[P^_X][^\x1b\x9c]*(?:\x1b\\|\x9c)?"  # DCS / PM / APC / SOS strings
    r"|\x1b\[[0-?]*[ -/]*[@-~]?"  # CSI
    r"|\x1b[ -/]*[0-~]?"  # two-byte escapes (and a bare ESC)
    r"|\x9b[0-?]*[ -/]*[@-~]?"  # 8-bit CSI
    r"|\x9d[^\x07\x9c]*(?:\x07|\x9c)?"  # 8-bit OSC
)
# C0 (except nothing: tab and newline are replaced too, one field = one line), DEL, C1, and the Unicode
# bidi controls and other invisible formatting characters that can disguise text (Trojan Source).
_CONTROL_PATTERN = (
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)

REPLACEMENT = "?"


def clean(text: object, max_len: int | None = None) -> str:
    """`text` as one printable line: escape sequences removed, other control/bidi characters shown as '?'.
    At most `max_len` terminal cells if given (an ellipsis marks a cut).

    Lone surrogates (JSON may carry them) become '?' too, so printing never raises UnicodeEncodeError.
    """
    s = text if isinstance(text, str) else str(text)
    if s.isprintable() and s.isascii():
        out = s  # the common case: nothing to do
    else:
        out = re.sub(_CONTROL_PATTERN, REPLACEMENT, re.sub(_ESCAPE_SEQ_PATTERN, REPLACEMENT, s))
        out = out.encode("utf-8", "replace").decode("utf-8", "replace") if _has_surrogate(out) else out
        out = "".join(c if c.isprintable() or c == " " else REPLACEMENT for c in out)
    if max_len is not None:
        out = truncate(out, max_len)  # in cells: a CJK name is cut where it shows, never mid-character
    return out


def clean_prose(value: object, limit: int = 300) -> str:
    """Server-supplied prose (an error description) as one line: escape sequences dropped, control and
    bidi characters turned into spaces and runs of spaces collapsed, as OpenClaw 4.26's device-code
    error sanitiser does; at most `limit` characters (an ellipsis marks a cut)."""
    text = value if isinstance(value, str) else str(value)
    text = re.sub(_CONTROL_PATTERN, " ", re.sub(_ESCAPE_SEQ_PATTERN, "", text))
    if _has_surrogate(text):
        text = text.encode("utf-8", "replace").decode("utf-8", "replace")
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    if len(text) > limit:
        text = text[: max(0, limit - 1)].rstrip() + "…"
    return text


def _has_surrogate(s: str) -> bool:
    return any("\ud800" <= c <= "\udfff" for c in s)


def is_clean(text: str) -> bool:
    return clean(text) == text


def quote(arg: object) -> str:
    """One shell word, safe to copy and paste: sanitised first, then shlex-quoted if it needs quoting."""
    import shlex  # only commands we print need quoting (shlex imports re)

    return shlex.quote(clean(arg))


def command(*words: object) -> str:
    """A command line for users to copy: every word quoted (our own fixed words pass through unchanged)."""
    return " ".join(quote(w) for w in words)


def clean_all(items: Iterable[object]) -> list[str]:
    """`clean()` of each item; a list of printable ASCII strings is checked by two C passes (table columns)."""
    texts = list(items)
    if _all_str(texts) and all(map(str.isascii, texts)) and all(map(str.isprintable, texts)):
        return texts
    return [clean(t) for t in texts]


def _all_str(texts: list[object]) -> TypeGuard[list[str]]:
    return all(type(t) is str for t in texts)


def clean_lines(lines: list[str]) -> str:
    """`lines` as text, each line cleaned as by `clean()` and ended by a newline (clean_all's C passes over
    printable ASCII: 100,000 status rows, issue #15)."""
    return "\n".join(clean_all(lines)) + "\n" if lines else ""


def clean_block(text: str) -> str:
    """Several lines (e.g. indented JSON): each line cleaned as by `clean()`, the line breaks kept."""
    return "\n".join(clean(line) for line in text.split("\n"))
