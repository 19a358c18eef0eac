"""SQLite-era state dirs shaped as OpenClaw 2026.9.6 leaves them (../shared/docs/openclaw-9.6-internals.md):
the shared state database with its `schema_meta` and `config_machine_state` rows, and a config stamped by
9.6. Only the parts our era detection and guard read; tests/interop proves the same against the real 9.6."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

STATE_SCHEMA_9_6 = 18


def _make_db(db: Path, user_version: int, statements: list[tuple[str, tuple[Any, ...]]]) -> Path:
    """A new WAL database (0600 in a 0700 dir) made by `statements`, stamped with `user_version`."""
    db.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        for sql, args in statements:
            conn.execute(sql, args)
        conn.execute(f"PRAGMA user_version = {int(user_version)}")
        conn.commit()
    finally:
        conn.close()
    os.chmod(db, 0o600)
    return db


def make_state_db(state: Path, profiles: dict[str, Any] | None = None, *, app_version: str | None = "2026.9.6",
                  user_version: int = STATE_SCHEMA_9_6) -> Path:
    statements: list[tuple[str, tuple[Any, ...]]] = [
        ("CREATE TABLE schema_meta (meta_key TEXT NOT NULL PRIMARY KEY, role TEXT NOT NULL, schema_version "
         "INTEGER NOT NULL, agent_id TEXT, app_version TEXT, created_at INTEGER NOT NULL, updated_at INTEGER "
         "NOT NULL) STRICT", ()),
        ("CREATE TABLE config_machine_state (state_key TEXT NOT NULL PRIMARY KEY, value_json TEXT NOT "
         "NULL, updated_at_ms INTEGER NOT NULL) STRICT", ()),
    ]
    if app_version is not None:
        statements.append(("INSERT INTO schema_meta VALUES ('primary', 'global', ?, NULL, ?, 1, 1)",
                           (user_version, app_version)))
    rows = {"auth.sharedStore": {"location": "state-db"},
            "authProfiles.store": {"version": 1, "profiles": profiles or {}}}
    statements += [("INSERT INTO config_machine_state VALUES (?, ?, 1)", (k, json.dumps(v))) for k, v in rows.items()]
    return _make_db(state / "state" / "openclaw.sqlite", user_version, statements)


def make_sqlite_state(state: Path, profiles: dict[str, Any] | None = None) -> Path:
    """A state dir as 9.6's `paste-token` leaves it: the state DB and a config stamped by 9.6."""
    state.mkdir(parents=True, exist_ok=True, mode=0o700)
    cfg = {"auth": {"profiles": {pid: {"provider": p.get("provider"), "mode": "token"}
                                 for pid, p in (profiles or {}).items()}},
           "meta": {"lastTouchedVersion": "2026.9.6"}}
    (state / "openclaw.json").write_text(json.dumps(cfg, indent=2) + "\n")
    os.chmod(state / "openclaw.json", 0o600)
    make_state_db(state, profiles)
    return state


def tree(root: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every entry under `root` with its mode and content (files), to prove nothing was written."""
    out: dict[str, tuple[int, bytes | None]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            st = path.lstat()
            out[str(path.relative_to(root))] = (st.st_mode, path.read_bytes() if path.is_file() else None)
    return out


def make_agent_db(agent_dir: Path, profiles: dict[str, Any] | None = None, state: dict[str, Any] | None = None,
                  *, user_version: int = 23, agent_id: str = "main") -> Path:
    """An agent's `openclaw-agent.sqlite` with the two auth tables as 9.6 has them (the rest of 9.6's agent schema
    is not needed to read them)."""
    statements: list[tuple[str, tuple[Any, ...]]] = [
        (f"CREATE TABLE auth_profile_{kind} ({kind}_key TEXT NOT NULL PRIMARY KEY, {kind}_json TEXT NOT NULL, "
         "updated_at INTEGER NOT NULL) STRICT", ()) for kind in ("store", "state")]
    statements += [  # 9.6 records the owning agent; it refuses a database that names another one
        ("CREATE TABLE schema_meta (meta_key TEXT NOT NULL PRIMARY KEY, role TEXT NOT NULL, schema_version "
         "INTEGER NOT NULL, agent_id TEXT, app_version TEXT, created_at INTEGER NOT NULL, updated_at INTEGER "
         "NOT NULL) STRICT", ()),
        ("INSERT INTO schema_meta VALUES ('primary', 'agent', ?, ?, '2026.9.6', 1, 1)", (user_version, agent_id))]
    if profiles is not None:
        statements.append(("INSERT INTO auth_profile_store VALUES ('primary', ?, 1)",
                           (json.dumps({"version": 1, "profiles": profiles}),)))
    if state is not None:
        statements.append(("INSERT INTO auth_profile_state VALUES ('primary', ?, 1)",
                           (json.dumps({"version": 1, **state}),)))
    return _make_db(agent_dir / "openclaw-agent.sqlite", user_version, statements)


def set_shared_state(state: Path, doc: dict[str, Any]) -> None:
    """The shared store's `authProfiles.state` row (order, lastGood, usageStats)."""
    conn = sqlite3.connect(state / "state" / "openclaw.sqlite")
    try:
        conn.execute("INSERT OR REPLACE INTO config_machine_state VALUES ('authProfiles.state', ?, 2)",
                     (json.dumps({"version": 1, **doc}),))
        conn.commit()
    finally:
        conn.close()


def fence(claim: str = "c" * 32, failed: bool = False) -> dict[str, Any]:
    """An oauth profile as 9.x leaves it during (or after a failed) refresh: markers, never tokens."""
    state = "failed:" if failed else ""
    return {"type": "oauth", "provider": "openai-codex", "expires": 1, "email": "me@example.com",
            "access": f"openclaw-oauth-refresh-fence:v1:{claim}:{state}access:{'a' * 64}",
            "refresh": f"openclaw-oauth-refresh-fence:v1:{claim}:{state}refresh:{'b' * 64}"}


def shared_store(state: Path) -> dict[str, Any]:
    """The shared store's `authProfiles.store` document as it is in the state database (read-only)."""
    conn = sqlite3.connect(f"file:{state / 'state' / 'openclaw.sqlite'}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT value_json FROM config_machine_state "
                           "WHERE state_key = 'authProfiles.store'").fetchone()
    finally:
        conn.close()
    doc: dict[str, Any] = json.loads(row[0])
    return doc
