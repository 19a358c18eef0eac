"""A Textual line filter that keeps untrusted text from driving the terminal (issue 11.7).

Textual writes a segment's text to the terminal as it is: an ESC in a profile id, an email or a server's
error text becomes a live escape sequence (window title, OSC 52 clipboard writes, cursor moves). Every
line the app renders passes through `TerminalSafe`, which drops C0/C1 control characters and bidi/invisible
formatting characters from segment text. Those have no width, so the layout does not move; Textual's own
escape codes come from styles, after this filter, and are untouched.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]"
)


@lru_cache(4096)
def _safe(text: str) -> str:
    return _UNSAFE.sub("", text)


class TerminalSafe(LineFilter):
    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        out = segments
        for i, seg in enumerate(segments):
            text = seg.text
            if text.isprintable() or seg.control:  # the common case costs one str method per segment
                continue
            if out is segments:
                out = list(segments)
            out[i] = Segment(_safe(text), seg.style, seg.control)
        return out
