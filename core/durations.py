"""Durations as users type them (`365d`, `12h`, `30m`) and as OpenClaw prints them."""

from __future__ import annotations

import re

from openclaw_onboard.core.errors import ValidationError
from openclaw_onboard.core.i18n import _

SECOND_MS = 1000
MINUTE_MS = 60 * SECOND_MS
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS
_UNITS = {"s": SECOND_MS, "m": MINUTE_MS, "h": HOUR_MS, "d": DAY_MS, "w": 7 * DAY_MS}
_PATTERN = r"(?ia)^\s*([0-9]{1,7})\s*([smhdw])\s*$"
# Beyond ten years an expiry is a typo, not a plan.
MAX_DURATION_MS = 3660 * DAY_MS


# Longer input is not echoed whole in errors: a misplaced paste (a token in --expires-in) would leak.
_ECHO_MAX = 16


def _shown(text: str) -> str:
    if len(text) <= _ECHO_MAX:
        return repr(text)
    from openclaw_onboard.core.masking import mask_secret

    return repr(mask_secret(text))


def parse_duration(text: str) -> int:
    """`365d` -> ms. Units: s, m, h, d, w. Raises ValidationError with the accepted forms."""
    match = re.match(_PATTERN, text or "")
    if not match:
        raise ValidationError(_("Invalid duration {value}: use a number and a unit, like 365d, 12h or 30m").format(
            value=_shown(text or "")))
    value, unit = int(match.group(1)), match.group(2).lower()
    ms = value * _UNITS[unit]
    if ms <= 0:
        raise ValidationError(_("Invalid duration {value}: it must be longer than zero").format(value=_shown(text)))
    if ms > MAX_DURATION_MS:
        raise ValidationError(_("Invalid duration {value}: at most {limit}").format(value=_shown(text), limit="3660d"))
    return ms


def format_remaining(ms: int) -> str:
    """OpenClaw's human form: under 60 min `Nm`, under 48 h `Nh`, else `Nd` (floor)."""
    ms = abs(int(ms))
    if ms < HOUR_MS:
        return f"{ms // MINUTE_MS}m"
    if ms < 48 * HOUR_MS:
        return f"{ms // HOUR_MS}h"
    return f"{ms // DAY_MS}d"


def describe_expiry(remaining_ms: int) -> str:
    """`expires in 5h` / `expired 3d ago`."""
    if remaining_ms > 0:
        return f"expires in {format_remaining(remaining_ms)}"
    return f"expired {format_remaining(remaining_ms)} ago"
