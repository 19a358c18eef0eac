"""Reading OpenClaw 2026.9.4+'s refresh fences: the markers and what they say (no writing here, and nothing
heavy imported: `models status` reads every profile through `fence_state`; core.fences builds fences)."""

from __future__ import annotations

import re
from typing import Any, Literal

PREFIX = "openclaw-oauth-refresh-fence:v1:"
_MARKER = re.compile(r"openclaw-oauth-refresh-fence:v1:([a-f0-9]{32}):(failed:)?(access|refresh):([a-f0-9]{64})")

FenceState = Literal["pending", "failed"]


def fence_state(cred_type: Any, access: Any, refresh: Any, expires: Any) -> FenceState | None:
    """"pending" (a refresh is under way), "failed" (log in again) or None (no fence), exactly as OpenClaw
    parses it: an oauth credential with `expires == 1` whose two markers share the claim and the state."""
    if cred_type != "oauth" or expires != 1 or isinstance(expires, bool):  # JS: true !== 1
        return None
    if not isinstance(access, str) or not access.startswith(PREFIX):
        return None
    a = _MARKER.fullmatch(access)
    r = _MARKER.fullmatch(refresh) if isinstance(refresh, str) else None
    if not a or not r or a[3] != "access" or r[3] != "refresh" or a[1] != r[1] or a[2] != r[2]:
        return None
    return "failed" if a[2] else "pending"
