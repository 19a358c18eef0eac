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


NON_ASCII_KEY = "sk-or-v1-SECRET\u00e9-" + "q" * 40


@pytest.mark.parametrize("debug", ["", "1"])
def test_a_non_ascii_key_is_reported_invalid_and_never_printed(cli, state_dir, openclaw_files, fake, debug):
    """Issue 24.3: httpx refuses the header with an error quoting it; with OPENCLAW_DEBUG=1 that error was
    printed with a traceback, without it the probe said 'total probe deadline reached'."""
    openclaw_files.write_store({"version": 1, "profiles": {"openrouter:odd": {
        "type": "api_key", "provider": "openrouter", "key": NON_ASCII_KEY}}})
    env = {"OPENCLAW_PROBE_BASE_URL_OPENROUTER": fake.url, "OPENCLAW_DEBUG": debug}
    res = cli("models", "status", "--json", "--probe", env=env)
    for text in (res.out, res.err):
        assert "SECRET" not in text and "Traceback" not in text and "never retrieved" not in text
    results = json.loads(res.out)["probes"]["results"]
    assert [(r["label"], r["status"], r["reasonCode"]) for r in results] == [("openrouter:odd", "auth", "invalid_key")]
    assert fake.requests == []


def test_debug_output_never_quotes_an_exceptions_message(monkeypatch, capsys, state_dir):
    """OPENCLAW_DEBUG=1 shows where a failure happened (frames), never what a third-party error quoted."""
    from openclaw_onboard.app import cli as cli_mod

    def boom(args):
        raise UnicodeEncodeError("ascii", "Bearer " + NON_ASCII_KEY, 22, 23, "ordinal not in range(128)")

    monkeypatch.setenv("OPENCLAW_DEBUG", "1")
    monkeypatch.setattr(cli_mod, "_run", boom)
    assert cli_mod.main(["doctor"]) == 1
    err = capsys.readouterr().err
    assert "UnicodeEncodeError" in err and "in boom" in err
    assert "SECRET" not in err


def test_probe_progress_on_a_terminal_never_writes_a_stored_escape_sequence(cli_env, state_dir, openclaw_files, fake):
    """Issue 24.6: the `Probing … (label)` line is redrawn on a real terminal; a profile id is file content."""
    from tests.support.hardening import OPENCLAW_CMD
    from tests.support.pty_run import run_in_pty

    hostile = "openrouter:\x1b]0;pwned\x07\x1b[2J\x9b31m"
    openclaw_files.write_store({"version": 1, "profiles": {hostile: {
        "type": "api_key", "provider": "openrouter", "key": GOOD}}})
    env = {**cli_env, "OPENCLAW_PROBE_BASE_URL_OPENROUTER": fake.url}
    rc, out = run_in_pty([*OPENCLAW_CMD, "models", "status", "--probe"], env, timeout=60)
    assert rc == 0, out[-2000:]
    assert b"Probing openrouter" in out  # the progress line was drawn
    for seq in (b"\x1b]0;", b"pwned\x07", b"\x1b[2J", b"\xc2\x9b", b"\x9b31m"):
        assert seq not in out, (seq, out[-2000:])
