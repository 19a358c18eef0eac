"""The one place dates and countdowns are formatted for people (dashboard, details, CLI).

`format_utc(ms)` -> `2026-01-01 00:00 UTC`; `format_countdown(remaining_ms)` -> `4h 05m 09s`;
`format_duration(ms)` -> `5h`; `describe_expiry(remaining_ms)` -> `expires in 5h`. All take epoch/duration
milliseconds as OpenClaw stores them and never raise on a hostile value (a float, a bool, a
year-30000 timestamp): what cannot be a date is shown as it is.

Durations speak the current language (`3d 04h`, `3일 04시간`, `3日 04時間`, `3天 04小時`; core/i18n.py);
dates stay ISO-ordered `YYYY-MM-DD HH:MM` with the `UTC` label in every language (read the same in
all four). Machine output never comes from here: `--json`/`--plain` use core.durations' fixed
English forms (OpenClaw's), whatever the language.
"""

from __future__ import annotations

from openclaw_onboard.core.durations import DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS
from openclaw_onboard.core.i18n import _, current_language


def format_utc(ms: int | float | None, *, suffix: bool = True, date_only: bool = False) -> str:
    """`2026-01-01 00:00 UTC` (or without ` UTC`, or the date alone); "" for nothing, zero or a bool."""
    if not ms or isinstance(ms, bool):
        return ""
    try:
        from datetime import UTC, datetime  # only when a date is shown: `--check` rarely needs one

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
        return sign + _("{days}d {hours:02d}h").format(days=ms // DAY_MS, hours=(ms % DAY_MS) // HOUR_MS)
    s = ms // SECOND_MS
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    if h:
        return sign + _("{hours}h {minutes:02d}m {seconds:02d}s").format(hours=h, minutes=m, seconds=sec)
    return sign + _("{minutes}m {seconds:02d}s").format(minutes=m, seconds=sec)


def _coarse(ms: int) -> tuple[str, int]:
    """("m" | "h" | "d", count): under 60 min minutes, under 48 h hours, else days (floor, sign dropped)."""
    ms = abs(int(ms))
    if ms < HOUR_MS:
        return "m", ms // MINUTE_MS
    if ms < 48 * HOUR_MS:
        return "h", ms // HOUR_MS
    return "d", ms // DAY_MS


def format_duration(ms: int) -> str:
    """OpenClaw's coarse form for people (`12m`, `5h`, `3d`; `3일`, `3日`, `3天`): under 60 min minutes,
    under 48 h hours, else days (floor). The sign is dropped (say "ago" around it)."""
    unit, count = _coarse(ms)
    if unit == "m":
        return _("{minutes}m").format(minutes=count)
    if unit == "h":
        return _("{hours}h").format(hours=count)
    return _("{days}d").format(days=count)


# describe_expiry's texts by (language, future?, unit, count): a status of 100,000 profiles asks for a
# few hundred distinct ones (issue #15). Cleared when large, so hostile expiries cannot grow it unbounded.
_expiry_texts: dict[tuple[str, bool, str, int], str] = {}


def describe_expiry(remaining_ms: int) -> str:
    """`expires in 5h` / `expired 3d ago`, for people (core.durations.describe_expiry is the fixed
    English form of --json)."""
    key = (current_language(), remaining_ms > 0, *_coarse(remaining_ms))
    text = _expiry_texts.get(key)
    if text is None:
        if len(_expiry_texts) >= 4096:
            _expiry_texts.clear()
        template = _("expires in {duration}") if remaining_ms > 0 else _("expired {duration} ago")
        text = _expiry_texts[key] = template.format(duration=format_duration(remaining_ms))
    return text
