"""core.durations: what users type (365d/12h/30m/45s) and OpenClaw's human form (Nm/Nh/Nd)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openclaw_onboard.core.durations import (
    DAY_MS,
    HOUR_MS,
    MINUTE_MS,
    describe_expiry,
    format_remaining,
    parse_duration,
)
from openclaw_onboard.core.errors import ValidationError


@pytest.mark.parametrize(
    ("text", "ms"),
    [("365d", 365 * DAY_MS), ("12h", 12 * HOUR_MS), ("30m", 30 * MINUTE_MS), ("45s", 45_000),
     ("2w", 14 * DAY_MS), (" 7D ", 7 * DAY_MS), ("1 h", HOUR_MS), ("3660d", 3660 * DAY_MS)],
)
def test_parse_duration(text, ms):
    assert parse_duration(text) == ms


@pytest.mark.parametrize("text", ["", "d", "12", "12x", "-5m", "1.5h", "0m", "0d", "3661d", "1y", "12hours",
                                  "1h30m", "٣d", None])
def test_parse_duration_rejects(text):
    with pytest.raises(ValidationError) as err:
        parse_duration(text)
    assert "duration" in str(err.value).lower()


@pytest.mark.parametrize(
    ("ms", "text"),
    [(0, "0m"), (59_999, "0m"), (MINUTE_MS, "1m"), (59 * MINUTE_MS, "59m"), (HOUR_MS - 1, "59m"),
     (HOUR_MS, "1h"), (47 * HOUR_MS, "47h"), (48 * HOUR_MS - 1, "47h"), (48 * HOUR_MS, "2d"),
     (3 * DAY_MS - 1, "2d"), (365 * DAY_MS, "365d"), (-59 * MINUTE_MS, "59m"), (-48 * HOUR_MS, "2d")],
)
def test_format_remaining_boundaries(ms, text):
    assert format_remaining(ms) == text


def test_describe_expiry():
    assert describe_expiry(5 * HOUR_MS) == "expires in 5h"
    assert describe_expiry(-3 * DAY_MS) == "expired 3d ago"
    assert describe_expiry(0) == "expired 0m ago"


@given(st.integers(1, 3660 * 24), st.sampled_from(["h"]))
def test_property_hours_round_trip(n, unit):
    ms = parse_duration(f"{n}{unit}")
    assert ms == n * HOUR_MS
    human = format_remaining(ms)
    expected = f"{n}h" if n < 48 else f"{n // 24}d"
    assert human == expected


@given(st.integers(-(10**13), 10**13))
def test_property_format_is_floor_in_one_unit(ms):
    text = format_remaining(ms)
    value, unit = int(text[:-1]), text[-1]
    size = {"m": MINUTE_MS, "h": HOUR_MS, "d": DAY_MS}[unit]
    assert value * size <= abs(ms) < (value + 1) * size
    assert (unit == "m") == (abs(ms) < HOUR_MS)
    assert (unit == "d") == (abs(ms) >= 48 * HOUR_MS)


@given(st.text(max_size=12))
def test_property_parse_duration_accepts_only_number_unit(text):
    try:
        ms = parse_duration(text)
    except ValidationError:
        return
    assert 0 < ms <= 3660 * DAY_MS
    stripped = text.strip().lower().replace(" ", "")
    assert stripped[-1] in "smhdw" and stripped[:-1].isdigit()
