"""What the CLI shows of a SQLite-era state dir (OpenClaw 2026.9.x): its profiles, read-only, with the era named;
refresh fences as what they mean; and a doctor that never applies 4.26's fixes there."""

from __future__ import annotations

import json

from tests.support.sqlite_era import fence, make_sqlite_state

KEY = "sk-or-v1-" + "RecognisablePastedSecret0123456789" * 2


def test_status_lists_the_sqlite_profiles_and_names_the_era(cli, state_dir) -> None:
    make_sqlite_state(state_dir, {"openrouter:manual": {"type": "token", "provider": "openrouter", "token": KEY}})
    res = cli("models", "status")
    assert res.rc == 0, res.err
    assert f"Auth store: {state_dir}/state/openclaw.sqlite (OpenClaw 2026.9.6 SQLite store)" in res.out
    assert "openrouter:manual" in res.out and KEY not in res.out
    doc = json.loads(cli("models", "status", "--json").out)
    assert doc["era"] == {"kind": "sqlite", "release": "2026.9.6"}
    assert [p["id"] for prov in doc["providers"] for p in prov["profiles"]] == ["openrouter:manual"]


def test_a_failed_refresh_fence_says_log_in_again_and_fails_check(cli, state_dir) -> None:
    make_sqlite_state(state_dir, {"openai-codex:me@example.com": fence(failed=True)})
    res = cli("models", "status")
    assert "refresh failed: log in again" in res.out and "openclaw-oauth-refresh-fence" not in res.out
    assert cli("models", "status", "--check").rc == 1


def test_doctor_fix_leaves_a_sqlite_era_config_alone(cli, state_dir, openclaw_files) -> None:
    """The config's auth.profiles names profiles that live in SQLite: 4.26's doctor would call them dangling
    and --fix would remove them from openclaw.json."""
    make_sqlite_state(state_dir, {"openrouter:manual": {"type": "token", "provider": "openrouter", "token": KEY},
                                  "openai-codex:me@example.com": fence(failed=True)})
    config = (state_dir / "openclaw.json").read_bytes()
    res = cli("doctor", "--fix", one_line=False)
    assert (state_dir / "openclaw.json").read_bytes() == config
    assert "SQLite era" in res.out and "refresh failed: log in again" in res.out
    assert "dangling" not in res.out and res.rc == 1


def test_a_file_era_store_beside_sqlite_is_reported_with_openclaws_fix(cli, state_dir, openclaw_files) -> None:
    make_sqlite_state(state_dir)
    openclaw_files.write_store()
    res = cli("doctor", one_line=False)
    assert "AUTH_PROFILE_MIGRATION_REQUIRED" in res.out and "openclaw doctor --fix" in res.out and res.rc == 1
    status = cli("models", "status", one_line=False)
    assert "openclaw doctor --fix" in status.out + status.err


def test_order_get_and_agents_list_read_the_databases(cli, state_dir) -> None:
    from tests.support.sqlite_era import make_agent_db, set_shared_state

    make_sqlite_state(state_dir, {"openrouter:manual": {"type": "token", "provider": "openrouter", "token": KEY}})
    set_shared_state(state_dir, {"order": {"openrouter": ["openrouter:manual"]}})
    make_agent_db(state_dir / "agents" / "work" / "agent",
                  {"openrouter:work": {"type": "token", "provider": "openrouter", "token": KEY}},
                  {"order": {"openrouter": ["openrouter:work"]}}, agent_id="work")
    main = json.loads(cli("models", "auth", "order", "get", "--provider", "openrouter", "--json").out)
    work = json.loads(cli("models", "auth", "order", "get", "--provider", "openrouter", "--agent", "work",
                          "--json").out)
    assert (main["override"], work["override"]) == (["openrouter:manual"], ["openrouter:work"])
    listed = cli("agents", "list").out
    assert "main  1 profile" in listed and "work  1 profile" in listed


def test_a_broken_shared_database_fails_in_one_line(cli, state_dir) -> None:
    make_sqlite_state(state_dir)
    (state_dir / "state" / "openclaw.sqlite").write_bytes(b"\x00garbage" * 4096)
    res = cli("models", "status")
    assert res.rc == 1 and "openclaw.sqlite" in res.err and "could not be read" in res.err


def test_doctor_fix_reports_loose_modes_in_a_sqlite_era_dir_and_changes_none(cli, state_dir) -> None:
    import os

    make_sqlite_state(state_dir)
    db = state_dir / "state" / "openclaw.sqlite"
    os.chmod(db, 0o644)
    os.chmod(state_dir / "openclaw.json", 0o644)
    res = cli("doctor", "--fix", one_line=False)
    assert f"chmod 600 {db}" in res.out
    assert (db.stat().st_mode & 0o777, (state_dir / "openclaw.json").stat().st_mode & 0o777) == (0o644, 0o644)
    assert "fixed" not in res.out


def _with_model(state_dir, model: str) -> None:
    cfg = json.loads((state_dir / "openclaw.json").read_text())
    cfg["agents"] = {"defaults": {"model": {"primary": model}}}
    (state_dir / "openclaw.json").write_text(json.dumps(cfg))


GOOD = {"type": "token", "provider": "openrouter", "token": KEY}
OLD = {"type": "token", "provider": "openrouter", "token": KEY, "expires": 1000}  # expired in 1970
STALE_GROQ = {"type": "token", "provider": "groq", "token": "gsk_" + "g" * 48, "expires": 1000}


def test_check_judges_only_the_profile_each_route_selects_in_the_sqlite_era(cli, state_dir) -> None:
    """9.4+: an expired profile no route selects no longer fails `--check` (4.26 counted every profile)."""
    make_sqlite_state(state_dir, {"openrouter:manual": GOOD, "openrouter:old": OLD, "groq:old": STALE_GROQ})
    _with_model(state_dir, "openrouter/auto")
    assert cli("models", "status", "--check").rc == 0
    (state_dir / "state" / "openclaw.sqlite").unlink()
    make_sqlite_state(state_dir, {"openrouter:old": OLD, "groq:old": STALE_GROQ})  # the route's only profile
    _with_model(state_dir, "openrouter/auto")
    assert cli("models", "status", "--check").rc == 1
    _with_model(state_dir, "anthropic/claude-opus-4-6")  # a route with no auth at all
    assert cli("models", "status", "--check").rc == 1


def test_check_keeps_4_26s_meaning_in_the_file_era(cli, state_dir) -> None:
    agent = state_dir / "agents" / "main" / "agent"
    agent.mkdir(parents=True)
    (agent / "auth-profiles.json").write_text(json.dumps(
        {"version": 1, "profiles": {"openrouter:manual": GOOD, "openrouter:old": OLD}}))
    (state_dir / "openclaw.json").write_text(json.dumps({"agents": {"defaults": {"model": {
        "primary": "openrouter/auto"}}}}))
    assert cli("models", "status", "--check").rc == 1


def test_the_sqlite_era_default_model_is_9_6s(cli, state_dir) -> None:
    make_sqlite_state(state_dir, {"openrouter:manual": GOOD})
    assert json.loads(cli("models", "status", "--json").out)["models"]["defaultModel"] == "openai/gpt-6-astra"
