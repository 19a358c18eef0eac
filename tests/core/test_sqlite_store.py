"""Reading OpenClaw 2026.9.x's SQLite stores (core.sqlite_store) and showing them in status (core.status):
the shared store, an agent's own database over it, refresh fences, and what is refused."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from openclaw_onboard.core import sqlite_store, status
from openclaw_onboard.core.errors import OpenClawError, StoreCorruptError
from openclaw_onboard.core.fences import fence_state
from openclaw_onboard.core.masking import mask_secret
from openclaw_onboard.core.paths import agent_paths

from tests.support.sqlite_era import fence, make_agent_db, make_sqlite_state, make_state_db, set_shared_state

NOW = 1_800_000_000_000
KEY = "sk-or-v1-" + "s" * 48
OWN = "sk-or-v1-" + "o" * 48


def _token(token: str, provider: str = "openrouter") -> dict:
    return {"type": "token", "provider": provider, "token": token}


def test_main_sees_the_shared_store(state_dir: Path) -> None:
    make_sqlite_state(state_dir, {"openrouter:manual": _token(KEY)})
    st = status.agent_status("main", state_dir, env={}, now_ms=NOW)
    assert [p.profile_id for p in st.profiles] == ["openrouter:manual"]
    assert st.store_path == str(state_dir / "state" / "openclaw.sqlite") and st.store_exists
    assert (st.era, st.era_release) == ("sqlite", "2026.9.6")


def test_an_agent_sees_the_shared_store_with_its_own_over_it(state_dir: Path) -> None:
    make_sqlite_state(state_dir, {"openrouter:manual": _token(KEY), "groq:a": _token("gsk_" + "g" * 40, "groq")})
    set_shared_state(state_dir, {"order": {"openrouter": ["openrouter:manual"], "groq": ["groq:a"]}})
    work = agent_paths("work", state_dir).agent_dir
    make_agent_db(work, {"openrouter:manual": _token(OWN), "openrouter:work": _token(OWN)},
                  {"order": {"openrouter": ["openrouter:work", "openrouter:manual"]}}, agent_id="work")
    st = status.agent_status("work", state_dir, env={}, now_ms=NOW)
    by_id = {p.profile_id: p for p in st.profiles}
    assert set(by_id) == {"openrouter:manual", "openrouter:work", "groq:a"}
    assert by_id["openrouter:manual"].masked == mask_secret(OWN) != mask_secret(KEY)  # the agent's own wins
    assert by_id["groq:a"].source == "main" and by_id["openrouter:work"].source == "store"
    assert st.inherits_main and st.store_path == str(work / "openclaw-agent.sqlite")
    openrouter = next(p for p in st.providers if p.provider == "openrouter")
    assert [p.profile_id for p in openrouter.profiles] == ["openrouter:work", "openrouter:manual"]  # its order


def test_without_a_state_db_store_the_shared_store_is_mains_database(state_dir: Path) -> None:
    make_state_db(state_dir)  # no auth.sharedStore row would mean legacy-main; this one says state-db
    import sqlite3

    conn = sqlite3.connect(state_dir / "state" / "openclaw.sqlite")
    conn.execute("DELETE FROM config_machine_state WHERE state_key = 'auth.sharedStore'")
    conn.commit()
    conn.close()
    make_agent_db(agent_paths("main", state_dir).agent_dir, {"openrouter:main": _token(KEY)})
    assert sqlite_store.shared_location(str(state_dir)) == "legacy-main"
    st = status.agent_status("work", state_dir, env={}, now_ms=NOW)
    assert [(p.profile_id, p.source) for p in st.profiles] == [("openrouter:main", "main")]


@pytest.mark.parametrize("failed", [False, True], ids=["pending", "failed"])
def test_a_fenced_profile_is_never_shown_as_a_token(state_dir: Path, failed: bool) -> None:
    make_sqlite_state(state_dir, {"openai-codex:me@example.com": fence(failed=failed)})
    st = status.agent_status("main", state_dir, env={}, now_ms=NOW)
    (row,) = st.profiles
    assert row.masked == "-" and "openclaw-oauth-refresh-fence" not in repr(row)
    assert row.status == "expired"  # OpenClaw's eligibility for a fence
    assert row.expiry_text == ("refresh failed: log in again" if failed else "refresh in progress")
    assert status.check_exit_code(st) == 1


@pytest.mark.parametrize(("change", "expected"), [
    ({}, "pending"), ({"failed": True}, "failed"), ({"expires": 2}, None), ({"type": "token"}, None),
    ({"claim_mismatch": True}, None), ({"state_mismatch": True}, None), ({"short": True}, None),
])
def test_fences_parse_as_openclaw_parses_them(change: dict, expected: str | None) -> None:
    cred = fence(failed=change.get("failed", False))
    if change.get("claim_mismatch"):
        cred["refresh"] = cred["refresh"].replace("c" * 32, "d" * 32)
    if change.get("state_mismatch"):
        cred["refresh"] = fence(failed=True)["refresh"]
    if change.get("short"):
        cred["access"] = cred["access"][:-1]
    assert fence_state(change.get("type", "oauth"), cred["access"], cred["refresh"],
                       change.get("expires", 1)) == expected


def test_a_database_newer_than_we_know_is_refused(state_dir: Path) -> None:
    make_state_db(state_dir, {"openrouter:manual": _token(KEY)}, user_version=19)
    with pytest.raises(StoreCorruptError, match="schema version 19"):
        sqlite_store.read_state_db(str(state_dir))


def test_a_linked_or_foreign_database_is_refused(state_dir: Path, tmp_path: Path) -> None:
    other = make_state_db(tmp_path / "other", {"openrouter:manual": _token(KEY)})
    (state_dir / "state").mkdir(parents=True)
    (state_dir / "state" / "openclaw.sqlite").symlink_to(other)
    with pytest.raises(OpenClawError):
        sqlite_store.read_state_db(str(state_dir))


def test_a_row_that_is_not_json_is_reported_not_guessed(state_dir: Path) -> None:
    import sqlite3

    db = make_state_db(state_dir)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE config_machine_state SET value_json = '{not json' WHERE state_key = 'authProfiles.store'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreCorruptError, match="not valid JSON"):
        sqlite_store.read_state_db(str(state_dir))


def test_no_secret_in_a_raw_store_repr(state_dir: Path) -> None:
    make_sqlite_state(state_dir, {"openrouter:manual": _token(KEY)})
    raw = sqlite_store.read_state_db(str(state_dir))
    assert raw is not None and KEY not in repr(raw) and KEY in str(raw.store)


def test_reading_writes_nothing_but_sqlites_own_sidecars(state_dir: Path) -> None:
    make_sqlite_state(state_dir, {"openrouter:manual": _token(KEY)})
    before = {p: p.stat().st_mtime_ns for p in state_dir.rglob("*") if p.is_file()}
    status.agent_status("main", state_dir, env={}, now_ms=NOW)
    after = {p: p.stat().st_mtime_ns for p in state_dir.rglob("*") if p.is_file()}
    assert {p: t for p, t in after.items() if p in before} == before
    assert {p.name for p in set(after) - set(before)} <= {"openclaw.sqlite-shm", "openclaw.sqlite-wal"}
    assert all(os.stat(p).st_mode & 0o077 == 0 for p in after)


# ---- found by an outside attacker pass


@pytest.mark.parametrize("damage", ["random", "malformed_page"])
def test_a_broken_state_database_is_an_error_never_no_credentials(state_dir: Path, damage: str) -> None:
    db = make_state_db(state_dir, {"openrouter:manual": _token(KEY)})
    if damage == "random":
        db.write_bytes(os.urandom(64 * 1024))
    else:
        data = bytearray(db.read_bytes())
        data[100:4096] = os.urandom(4096 - 100)  # the first page's schema, past the header
        db.write_bytes(bytes(data))
    with pytest.raises(StoreCorruptError, match="could not be read"):
        sqlite_store.read_shared(str(state_dir), str(agent_paths("main", state_dir).agent_dir))


def test_a_deeply_nested_row_is_reported_not_a_crash(state_dir: Path) -> None:
    import sqlite3

    db = make_state_db(state_dir)
    deep = '{"version":1,"profiles":{"p":{"type":"token","provider":"x","token":"t","x":' + "[" * 200_000 + \
        "]" * 200_000 + "}}}"
    conn = sqlite3.connect(db)
    conn.execute("UPDATE config_machine_state SET value_json = ? WHERE state_key = 'authProfiles.store'", (deep,))
    conn.commit()
    conn.close()
    with pytest.raises(StoreCorruptError, match="nested too deeply"):
        sqlite_store.read_state_db(str(state_dir))


def test_mains_own_database_beside_the_shared_store_is_read_too(state_dir: Path) -> None:
    """9.x writes `order set --agent main` into main's own database even when the shared store is the state DB."""
    from openclaw_onboard.core import store

    make_sqlite_state(state_dir, {"openrouter:manual": _token(KEY)})
    make_agent_db(agent_paths("main", state_dir).agent_dir, None, {"order": {"openrouter": ["openrouter:manual"]}})
    loaded = store.load("main", state_dir)
    assert loaded.store.order == {"openrouter": ["openrouter:manual"]}
    assert list(loaded.store.profiles) == ["openrouter:manual"]


@pytest.mark.parametrize("legacy", ["credentials/oauth.json", "agents/main/agent/auth.json"])
def test_legacy_files_beside_the_databases_are_a_mixed_dir(state_dir: Path, legacy: str) -> None:
    from openclaw_onboard.core import era

    make_sqlite_state(state_dir)
    path = state_dir / legacy
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}")
    assert era.detect(state_dir).mixed
