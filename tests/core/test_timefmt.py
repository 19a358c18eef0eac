"""core.timefmt: one formatter for dates and countdowns."""

from __future__ import annotations

import pytest
from openclaw_onboard.core.timefmt import format_countdown, format_utc

JAN_1_2026 = 1767225600000


def test_format_utc_forms() -> None:
    assert format_utc(JAN_1_2026) == "2026-01-01 00:00 UTC"
    assert format_utc(JAN_1_2026, suffix=False) == "2026-01-01 00:00"
    assert format_utc(JAN_1_2026, date_only=True) == "2026-01-01"
    assert format_utc(float(JAN_1_2026) + 0.5) == "2026-01-01 00:00 UTC"


@pytest.mark.parametrize("value", [None, 0, False, True])
def test_format_utc_nothing(value) -> None:
    assert format_utc(value) == ""


@pytest.mark.parametrize("value", [10**30, float("inf"), float("nan"), -(10**30)])
def test_format_utc_never_raises(value) -> None:
    assert format_utc(value) == str(value)


def test_format_countdown() -> None:
    assert format_countdown(None) == ""
    assert format_countdown(65_000) == "1m 05s"
    assert format_countdown(-65_000) == "-1m 05s"
    assert format_countdown(3 * 86_400_000 + 4 * 3_600_000) == "3d 04h"
