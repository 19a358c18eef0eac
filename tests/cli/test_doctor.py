"""`openclaw doctor` end to end: findings with exact fixes, --fix, --json, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import ROOT


def _doctor(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "openclaw_onboard.app.cli", "doctor", *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)


def _paste(env: dict[str, str], token: str, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "openclaw_onboard.app.cli", "models", "auth", "paste-token", *args],
                   input=token, capture_output=True, text=True, env=env, cwd=ROOT, timeout=60, check=True)


def test_clean_state_has_no_findings(cli_env: dict[str, str]) -> None:
    _paste(cli_env, "sk-or-v1-" + "x" * 40, "--provider", "openrouter")
    proc = _doctor(cli_env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "No problems found."


def test_findings_fix_and_json(cli_env: dict[str, str]) -> None:
    secret = "sk-or-v1-DOCTORSECRET" + "y" * 30
    _paste(cli_env, secret, "--provider", "openrouter", "--expires-in", "1h")
    state = Path(cli_env["OPENCLAW_STATE_DIR"])
    store = state / "agents" / "main" / "agent" / "auth-profiles.json"
    store.chmod(0o644)
    (store.parent / ".openclaw-tmp-auth-profiles.json.zz").write_text("{")
    # `models status` would tighten the mode itself; doctor reports first.
    proc = _doctor(cli_env)
    assert proc.returncode == 1
    assert f"chmod 600 {store}" in proc.stdout
    assert "expires within 24h" in proc.stdout
    assert "openclaw models auth paste-token --provider openrouter --profile-id openrouter:manual" in proc.stdout
    assert "Run `openclaw doctor --fix` to apply 2 safe fixes." in proc.stdout
    fixed = _doctor(cli_env, "--fix", "--json")
    doc = json.loads(fixed.stdout)
    assert {f["check"] for f in doc["fixed"]} == {"permissions", "temp-file"}
    assert [f["check"] for f in doc["findings"]] == ["credential"]  # only the expiring token remains
    assert doc["exitCode"] == fixed.returncode == 0  # a warning only
    assert os.stat(store).st_mode & 0o777 == 0o600
    for out in (proc.stdout, proc.stderr, fixed.stdout, fixed.stderr):
        assert "DOCTORSECRET" not in out


def test_a_shared_state_dir_is_reported_never_chmodded(cli_env: dict[str, str], tmp_path: Path) -> None:
    # OPENCLAW_STATE_DIR pointed at a shared sticky directory holding another user's file: closing it
    # (chmod 700) would lock that user out. An outside attacker pass found `doctor --fix` doing it.
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    theirs = shared / "theirs"
    theirs.write_text("x")
    os.chown(theirs, 65534, 65534)
    env = {**cli_env, "OPENCLAW_STATE_DIR": str(shared)}
    doc = json.loads(_doctor(env, "--json").stdout)
    finding = next(f for f in doc["findings"] if f["subject"] == str(shared))
    assert finding["severity"] == "warning" and not finding["fixable"], finding
    _doctor(env, "--fix")
    assert shared.stat().st_mode & 0o7777 == 0o1777
    # The state dir OpenClaw made for itself is still tightened.
    own = tmp_path / "own"
    (own / "agents").mkdir(parents=True)
    own.chmod(0o755)
    _doctor({**cli_env, "OPENCLAW_STATE_DIR": str(own)}, "--fix")
    assert own.stat().st_mode & 0o777 == 0o700


def test_a_legacy_oauth_file_is_called_imported_only_once_a_store_holds_its_entries(
        cli_env: dict[str, str]) -> None:
    # An outside attacker pass: doctor said "imported" (and advised removing the file) with no store at all.
    state = Path(cli_env["OPENCLAW_STATE_DIR"])
    (state / "agents" / "main" / "agent").mkdir(parents=True, mode=0o700)
    legacy = state / "credentials" / "oauth.json"
    legacy.parent.mkdir(mode=0o700)
    legacy.write_text(json.dumps({"openai-codex": {"access": "acc-LEGACY-" + "1" * 20, "refresh": "r",
                                                   "expires": 1895294150111}}))
    legacy.chmod(0o600)
    finding = next(f for f in json.loads(_doctor(cli_env, "--json").stdout)["findings"] if f["check"] == "legacy")
    assert "not imported yet" in finding["message"] and "remove" not in finding["fix"], finding
    _paste(cli_env, "sk-or-v1-" + "x" * 40, "--provider", "openrouter")  # a write imports the legacy entries
    finding = next(f for f in json.loads(_doctor(cli_env, "--json").stdout)["findings"] if f["check"] == "legacy")
    assert "were imported" in finding["message"] and "remove" in finding["fix"], finding


def test_finding_lines_speak_the_readers_language(cli_env: dict[str, str]) -> None:
    """The severity and check words of the text output are translated (they said "warning credential" in
    Korean too); --json keeps the ids."""
    _paste(cli_env, "sk-or-v1-" + "x" * 40, "--provider", "openrouter", "--expires-in", "1h")
    proc = _doctor({**cli_env, "OPENCLAW_LANG": "ko"})
    line = next(line for line in proc.stdout.splitlines() if "openrouter:manual" in line)
    assert line.split()[:3] == ["경고", "자격", "증명"], proc.stdout
    assert "warning" not in proc.stdout and "credential" not in proc.stdout
    doc = json.loads(_doctor({**cli_env, "OPENCLAW_LANG": "ko"}, "--json").stdout)
    assert [(f["severity"], f["check"]) for f in doc["findings"]] == [("warning", "credential")]
