"""openclaw doctor: each problem is found with the exact fix, and --fix makes it go away."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from openclaw_onboard.core import doctor, profiles
from openclaw_onboard.core.paths import agent_paths

NOW = 1_800_000_000_000
HOUR = 3_600_000


def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def _by_check(findings: list[doctor.Finding], check: str) -> list[doctor.Finding]:
    return [f for f in findings if f.check == check]


def test_new_dirs_and_files_are_private(tmp_path: Path) -> None:
    state = tmp_path / "deep" / "state"
    profiles.add_token("openrouter", "sk-or-v1-" + "a" * 30, state=state)
    paths = agent_paths("main", state)
    for d in (state, state / "agents", paths.agent_dir.parent, paths.agent_dir):
        assert _mode(d) == 0o700, d
    assert _mode(paths.store) == 0o600
    assert _mode(state / "openclaw.json") == 0o600
    assert doctor.run_checks(state, env={}, now_ms=NOW) == []


def test_loose_permissions_found_and_fixed(tmp_path: Path) -> None:
    profiles.add_token("openrouter", "sk-or-v1-" + "a" * 30, state=tmp_path)
    paths = agent_paths("main", tmp_path)
    paths.store.chmod(0o644)
    paths.agent_dir.chmod(0o755)
    found = _by_check(doctor.run_checks(tmp_path, env={}, now_ms=NOW), "permissions")
    assert {f.subject for f in found} == {str(paths.store), str(paths.agent_dir)}
    assert all(f.severity == "error" and f.fix.startswith("chmod ") for f in found)
    assert doctor.exit_code(found) == 1
    doctor.apply_fixes(found)
    assert _mode(paths.store) == 0o600 and _mode(paths.agent_dir) == 0o700
    assert _by_check(doctor.run_checks(tmp_path, env={}, now_ms=NOW), "permissions") == []


def _iso_ago(seconds: float) -> str:
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) - timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_stale_lock_and_temp_files_removed_but_held_lock_kept(tmp_path: Path) -> None:
    from openclaw_onboard.core import locking

    profiles.add_token("openrouter", "sk-or-v1-" + "a" * 30, state=tmp_path)
    paths = agent_paths("main", tmp_path)
    stale = paths.agent_dir / "auth-profiles.json.refresh-0123456789abcdef.lock"
    stale.write_text("")
    os.utime(stale, (0, 0))  # an empty lock file untouched for ages: its writer is long gone
    dead = paths.agent_dir / "dead.lock"
    dead.write_text('{\n  "pid": 999999999,\n  "createdAt": "2099-01-01T00:00:00.000Z"\n}')
    live_refresh = tmp_path / "locks" / "oauth-refresh" / "sha256-live.lock"
    live_refresh.parent.mkdir(parents=True)
    # OpenClaw refreshing right now (a live pid, 100 s in): stale for a store lock, not for a refresh lock.
    live_refresh.write_text(json.dumps({"pid": os.getppid(), "createdAt": _iso_ago(100)}))
    old_refresh = tmp_path / "locks" / "oauth-refresh" / "sha256-old.lock"
    old_refresh.write_text(json.dumps({"pid": os.getppid(), "createdAt": _iso_ago(200)}))
    tmp = paths.agent_dir / ".openclaw-tmp-auth-profiles.json.abc123"
    tmp.write_text('{"half": ')
    old_dir_lock = paths.lock
    old_dir_lock.mkdir()
    os.utime(old_dir_lock, (0, 0))
    held = paths.agent_dir / "held.lock"
    with locking.hold(held):
        held.touch()  # hold() creates it; make sure it exists while held
        found = doctor.run_checks(tmp_path, env={}, now_ms=NOW)
        subjects = {f.subject for f in _by_check(found, "lock") + _by_check(found, "temp-file")}
        assert subjects == {str(stale), str(dead), str(old_refresh), str(tmp), str(old_dir_lock)}
        doctor.apply_fixes(found)
        assert held.exists()  # a lock we hold is live: never reported, never removed
    assert not stale.exists() and not tmp.exists() and not old_dir_lock.exists() and not dead.exists()
    assert live_refresh.exists() and not old_refresh.exists()


def test_expiring_and_expired_credentials_name_the_exact_command(tmp_path: Path) -> None:
    profiles.add_token("openrouter", "sk-or-v1-" + "a" * 30, expires_in_ms=HOUR, state=tmp_path, now_ms=NOW)
    profiles.add_token("anthropic", "sk-ant-oat01-" + "b" * 80, profile_id="anthropic:work",
                       expires_in_ms=HOUR, state=tmp_path, now_ms=NOW - 2 * HOUR)
    found = {f.subject: f for f in _by_check(doctor.run_checks(tmp_path, env={}, now_ms=NOW), "credential")}
    assert found["main/openrouter:manual"].severity == "warning"
    assert found["main/openrouter:manual"].fix == (
        "openclaw models auth paste-token --provider openrouter --profile-id openrouter:manual --agent main")
    assert found["main/anthropic:work"].severity == "error"
    assert "openclaw models auth setup-token --provider anthropic" in found["main/anthropic:work"].fix
    assert not any(f.fixable for f in found.values())  # doctor never fakes a credential


def test_config_drift_found_and_fixed(tmp_path: Path) -> None:
    profiles.add_api_key("openai", "sk-" + "c" * 40, state=tmp_path)
    (tmp_path / "openclaw.json").write_text(
        '// mine\n{gateway: {port: 18789}, auth: {profiles: {"gone:x": {provider: "gone", mode: "token"}}},}')
    found = _by_check(doctor.run_checks(tmp_path, env={}, now_ms=NOW), "config")
    assert {f.subject for f in found} == {"openai:default", "gone:x"}
    doctor.apply_fixes(found)
    import json5

    text = (tmp_path / "openclaw.json").read_text()
    assert text.startswith("// mine\n{gateway: {port: 18789}")  # edited in place: the rest is as written
    cfg = json5.loads(text)
    assert cfg["gateway"] == {"port": 18789}
    assert cfg["auth"]["profiles"] == {"openai:default": {"provider": "openai", "mode": "api_key"}}


def test_legacy_auth_json_static_keys_scrubbed(tmp_path: Path) -> None:
    profiles.add_api_key("openai", "sk-" + "c" * 40, state=tmp_path)
    paths = agent_paths("main", tmp_path)
    paths.legacy_auth.write_text(json.dumps({
        "openai": {"type": "api_key", "key": "sk-legacy"},
        "x": {"type": "oauth", "provider": "x", "access": "a", "refresh": "r", "expires": NOW},
    }))
    paths.legacy_auth.chmod(0o600)
    found = _by_check(doctor.run_checks(tmp_path, env={}, now_ms=NOW), "legacy")
    assert len(found) == 1 and "openai" in found[0].message
    doctor.apply_fixes(found)
    assert json.loads(paths.legacy_auth.read_text()) == {
        "x": {"type": "oauth", "provider": "x", "access": "a", "refresh": "r", "expires": NOW}}


def test_unimported_legacy_auth_json_is_migrated(tmp_path: Path) -> None:
    paths = agent_paths("main", tmp_path)
    paths.agent_dir.mkdir(parents=True, mode=0o700)
    for d in (tmp_path / "agents", paths.agent_dir.parent):
        d.chmod(0o700)
    paths.legacy_auth.write_text(json.dumps({"anthropic": {"type": "token", "token": "sk-ant-old"}}))
    paths.legacy_auth.chmod(0o600)
    found = _by_check(doctor.run_checks(tmp_path, env={}, now_ms=NOW), "legacy")
    assert len(found) == 1 and found[0].fixable
    doctor.apply_fixes(found)
    assert not paths.legacy_auth.exists()
    assert json.loads(paths.store.read_text())["profiles"]["anthropic:default"]["token"] == "sk-ant-old"


def test_corrupt_store_reported_not_touched(tmp_path: Path) -> None:
    paths = agent_paths("main", tmp_path)
    profiles.add_api_key("openai", "sk-" + "c" * 40, state=tmp_path)
    paths.store.write_text('{"version": 1, "profiles": {')
    before = paths.store.read_bytes()
    doctor.apply_fixes(doctor.run_checks(tmp_path, env={}, now_ms=NOW))
    found = _by_check(doctor.run_checks(tmp_path, env={}, now_ms=NOW), "store")
    assert len(found) == 1 and "invalid JSON" in found[0].message and found[0].severity == "error"
    assert paths.store.read_bytes() == before
