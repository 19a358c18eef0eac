"""Server-supplied text made safe for a terminal: one line, no escape or control sequences.

Like OpenClaw 4.26's device-code error sanitiser (OSC 8 links and CSI sequences removed, control
characters become spaces, whitespace collapsed), plus any OSC/DCS/APC string (title and clipboard
writes via OSC 52) and bidirectional overrides, which can make a message read differently.
"""

from __future__ import annotations

import re

# OSC / DCS / SOS / PM / APC strings: ESC ] ... (BEL or ESC \), also in their 8-bit forms.
_STRING_SEQ = re.compile(r"(?:\x1b[\]P^_X]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)", re.DOTALL)
_CSI = re.compile(r"(?:\x1b\[|\x9b)[\x20-\x3f]*[\x40-\x7e]")
_ESC_OTHER = re.compile(r"\x1b[\x20-\x7e]?")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_SPACES = re.compile(r"\s+")


def clean_text(value: object, limit: int = 300) -> str:
    """`value` as one printable line of at most `limit` characters (an ellipsis marks a cut)."""
    text = value if isinstance(value, str) else str(value)
    text = _STRING_SEQ.sub("", text)
    text = _CSI.sub("", text)
    text = _ESC_OTHER.sub("", text)
    text = _BIDI.sub("", text)
    text = _CONTROLS.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    if len(text) > limit:
        text = text[: max(0, limit - 1)].rstrip() + "…"
    return text
