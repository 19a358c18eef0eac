"""The one place dates and countdowns are formatted for people (dashboard, details, CLI).

`format_utc(ms)` -> `2026-01-01 00:00 UTC`; `format_countdown(remaining_ms)` -> `4h 05m 09s`.
Both take epoch/duration milliseconds as OpenClaw stores them and never raise on a hostile value
(a float, a bool, a year-30000 timestamp): what cannot be a date is shown as it is.
"""

from __future__ import annotations

from datetime import UTC, datetime

from openclaw_onboard.core.durations import DAY_MS, HOUR_MS, SECOND_MS


def format_utc(ms: int | float | None, *, suffix: bool = True, date_only: bool = False) -> str:
    """`2026-01-01 00:00 UTC` (or without ` UTC`, or the date alone); "" for nothing, zero or a bool."""
    if not ms or isinstance(ms, bool):
        return ""
    try:
        when = datetime.fromtimestamp(float(ms) / 1000, UTC)
    except (OverflowError, OSError, ValueError, TypeError):
        return str(ms)
    text = when.strftime("%Y-%m-%d" if date_only else "%Y-%m-%d %H:%M")
    return f"{text} UTC" if suffix and not date_only else text


def format_countdown(remaining_ms: int | None) -> str:
    """A countdown that changes every second close to expiry: `4h 05m 09s`, `12m 03s`, `3d 04h`.

    Past expiry: `-12m 03s`. None (no expiry) gives "".
    """
    if remaining_ms is None:
        return ""
    sign = "-" if remaining_ms <= 0 else ""
    ms = abs(int(remaining_ms))
    if ms >= 2 * DAY_MS:
        return f"{sign}{ms // DAY_MS}d {(ms % DAY_MS) // HOUR_MS:02d}h"
    s = ms // SECOND_MS
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    if h:
        return f"{sign}{h}h {m:02d}m {sec:02d}s"
    return f"{sign}{m}m {sec:02d}s"
