"""core.i18n: which language is spoken (OPENCLAW_LANG, then POSIX LC_ALL > LC_MESSAGES > LANG), and
core.timefmt's durations in each language (UTC dates unchanged)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from openclaw_onboard.core import i18n
from openclaw_onboard.core.timefmt import describe_expiry, format_countdown, format_duration, format_utc

from tests.cli.conftest import ROOT


@pytest.mark.parametrize(("env", "lang"), [
    ({}, "en"),
    ({"OPENCLAW_LANG": "ko"}, "ko"),
    ({"OPENCLAW_LANG": "ja", "LC_ALL": "ko_KR.UTF-8"}, "ja"),  # ours first
    ({"OPENCLAW_LANG": "zh-TW"}, "zh_TW"),
    ({"OPENCLAW_LANG": "xx", "LANG": "ja_JP.UTF-8"}, "ja"),  # an unknown choice falls through
    ({"LC_ALL": "ko_KR.UTF-8", "LC_MESSAGES": "ja_JP.UTF-8", "LANG": "zh_TW.UTF-8"}, "ko"),
    ({"LC_MESSAGES": "ja_JP.UTF-8", "LANG": "zh_TW.UTF-8"}, "ja"),
    ({"LANG": "zh_TW.UTF-8"}, "zh_TW"),
    ({"LANG": "zh_HK.UTF-8"}, "zh_TW"),
    ({"LANG": "zh_Hant_TW"}, "zh_TW"),
    ({"LANG": "zh_CN.UTF-8"}, "en"),  # Simplified Chinese is not shipped
    ({"LC_ALL": "C", "LANG": "ko_KR.UTF-8"}, "en"),  # LC_ALL=C means English
    ({"LC_ALL": "POSIX"}, "en"),
    ({"LC_ALL": "C.UTF-8", "LANG": "ja_JP.UTF-8"}, "en"),
    ({"LC_ALL": "fr_FR.UTF-8", "LANG": "ko_KR.UTF-8"}, "en"),  # the first set decides, shipped or not
    ({"LC_ALL": "", "LANG": "ko_KR.UTF-8"}, "ko"),  # empty is unset
    ({"LANG": "ko"}, "ko"),
    ({"LANG": "ja_JP.eucJP@euro"}, "ja"),
])
def test_detect_language(env: dict[str, str], lang: str) -> None:
    assert i18n.detect_language(env) == lang


@pytest.fixture
def speak():
    def use(lang: str) -> None:
        i18n.set_language(lang)

    yield use
    i18n.set_language("en")


@pytest.mark.parametrize(("lang", "days", "hms", "expires", "expired"), [
    ("en", "3d 04h", "4h 05m 09s", "expires in 5h", "expired 3d ago"),
    ("ko", "3일 04시간", "4시간 05분 09초", "5시간 후 만료", "3일 전에 만료됨"),
    ("ja", "3日 04時間", "4時間 05分 09秒", "あと 5時間 で期限切れ", "3日前に期限切れ"),
    ("zh_TW", "3天 04小時", "4小時 05分 09秒", "5小時後過期", "3天前已過期"),
])
def test_durations_per_language(speak, lang, days, hms, expires, expired) -> None:
    speak(lang)
    hour = 3_600_000
    assert format_countdown(3 * 24 * hour + 4 * hour) == days
    assert format_countdown(-(3 * 24 * hour + 4 * hour)) == "-" + days
    assert format_countdown(4 * hour + 5 * 60_000 + 9_000) == hms
    assert describe_expiry(5 * hour + 1) == expires
    assert describe_expiry(-3 * 24 * hour) == expired
    assert format_utc(1767225600000) == "2026-01-01 00:00 UTC"  # the UTC label in every language
    assert format_duration(90 * 60_000) in ("1h", "1시간", "1時間", "1小時")


def test_english_needs_no_catalog_and_no_gettext() -> None:
    """The cron path (`--check`, `--json`) in English loads nothing; a translation loads on first use."""
    code = (
        "import sys\n"
        "from openclaw_onboard.core import i18n\n"
        "assert i18n._('Problems:') == 'Problems:' and 'gettext' not in sys.modules\n"
        "i18n.set_language('ko')\n"
        "assert i18n._('Problems:') == '문제:', i18n._('Problems:')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={"PATH": "/usr/bin:/bin", "OPENCLAW_LANG": "en"}, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_deferred_text_is_english_for_machines_translated_for_people(speak) -> None:
    import json

    from openclaw_onboard.core.i18n import Deferred, human

    text = Deferred(i18n.N_("file is {mode}: other users can read it"), mode="644")
    speak("ko")
    assert text == "file is 644: other users can read it"
    assert json.dumps({"message": text}) == '{"message": "file is 644: other users can read it"}'
    assert human(text) == "파일 권한이 644입니다. 다른 사용자가 읽을 수 있습니다"
    assert human("plain") == "plain"
