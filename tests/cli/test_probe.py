"""`openclaw models status --probe` flags, text and JSON, against a loopback fake provider."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from openclaw_onboard.core import profiles

from tests.support.fake_provider import BAD, GOOD, LIMITED, SLOW, FakeProvider


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    f = FakeProvider()
    yield f
    f.close()


def _seed() -> None:
    for name, key in (("good", GOOD), ("bad", BAD), ("limited", LIMITED), ("slow", SLOW)):
        profiles.add_api_key("openrouter", key, f"openrouter:{name}")


def test_cli_probe_flags_text_and_json(cli, state_dir, fake):
    _seed()
    env = {"OPENCLAW_PROBE_BASE_URL_OPENROUTER": fake.url}
    res = cli("models", "status", "--probe", "--probe-timeout", "300", "--probe-concurrency", "4", env=env)
    assert res.rc == 0, res.err
    assert "Auth probes" in res.out and "auth_failed" in res.out and "rate_limited" in res.out
    assert "Probed 4 targets" in res.out and GOOD not in res.out
    res = cli("models", "status", "--json", "--probe", "--probe-profile", "openrouter:good",
              "--probe-profile", "openrouter:bad,openrouter:limited", env=env)
    data = json.loads(res.out)
    assert [(r["label"], r["reasonCode"]) for r in data["probes"]["results"]] == [
        ("openrouter:bad", "auth_failed"), ("openrouter:good", "ok"), ("openrouter:limited", "rate_limited")]
    assert data["probes"]["options"] == {"timeoutMs": 8000, "concurrency": 2}
    bad = cli("models", "status", "--probe", "--probe-timeout", "-5")
    assert bad.rc == 1 and "--probe-timeout must be a positive number (ms)" in bad.err
    bad = cli("models", "status", "--probe", "--probe-concurrency", "0")
    assert bad.rc == 1 and "--probe-concurrency must be > 0" in bad.err
    bad = cli("models", "status", "--probe", "--plain")
    assert bad.rc == 1 and "--probe cannot be used with --plain" in bad.err


def test_probe_provider_that_is_no_provider_id_is_refused(cli, state_dir):
    res = cli("models", "status", "--probe", "--probe-provider", "\x1b]0;pwned\x07")
    assert res.rc != 0 and "Invalid provider" in res.err and "\x1b" not in res.err
