"""Reading OpenClaw 2026.9.x's credential stores (the SQLite era), read-only.

Where they live (../shared/docs/openclaw-9.6-internals.md):
- the shared store: `<state>/state/openclaw.sqlite`, table `config_machine_state`, rows `authProfiles.store`
  (`{"version": 1, "profiles": {...}}`, the same profile objects as auth-profiles.json) and
  `authProfiles.state` (`{"version": 1, "order", "lastGood", "usageStats"}`, as auth-state.json), when its
  `auth.sharedStore` row says `{"location": "state-db"}`; otherwise the shared store is main's agent database;
- an agent's own store: `<agentDir>/openclaw-agent.sqlite`, tables `auth_profile_store` / `auth_profile_state`,
  one row each under the key `primary`.
An agent sees the shared store with its own over it (`mergeAuthProfileStores`, the agent winning); nothing is
copied. Writes are core.sqlite_write's (OpenClaw's transactions and coordinator lock).

Each database is opened read-only (`mode=ro`) only when it is a regular file of ours in a trusted directory,
with a short busy timeout; a database newer than the release we know is refused, as 9.6 refuses one newer
than itself. The rows are JSON documents read with a size bound.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from openclaw_onboard.core.errors import StoreCorruptError

if TYPE_CHECKING:
    import sqlite3

STATE_DB = os.path.join("state", "openclaw.sqlite")
AGENT_DB = "openclaw-agent.sqlite"
# The newest schema versions we know (9.6: state 18, agent 23); a newer database is refused, not guessed at.
MAX_STATE_SCHEMA = 18
MAX_AGENT_SCHEMA = 23
MAX_ROW_BYTES = 64 * 1024 * 1024  # a store row larger than this is not a credential store
BUSY_TIMEOUT_S = 5.0  # OpenClaw's busy_timeout (5000 ms): a writer's transaction is short


@dataclass(frozen=True)
class RawStore:
    """One store's two documents as OpenClaw keeps them, and where they came from."""

    path: str
    # The documents hold secrets: never in a repr (a traceback, a log line).
    store: dict[str, Any] | None = field(repr=False)  # {"version", "profiles"}; None when the row is absent
    state: dict[str, Any] | None = field(repr=False)  # {"version", "order", "lastGood", "usageStats"}


def state_db_path(state: str) -> str:
    return os.path.join(state, STATE_DB)


def agent_db_path(agent_dir: str) -> str:
    return os.path.join(agent_dir, AGENT_DB)


def connect_ro(path: str) -> sqlite3.Connection | None:
    import sqlite3
    from urllib.parse import quote

    from openclaw_onboard.core import trust

    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if not stat.S_ISREG(st.st_mode):
        raise StoreCorruptError(path, "is not a regular file")
    trust.check_dir(os.path.dirname(path) or ".")
    if st.st_uid not in (os.geteuid(), 0):
        raise StoreCorruptError(path, "belongs to another user")
    check_sidecars(path)
    try:
        conn = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise StoreCorruptError(path, f"cannot be opened ({type(exc).__name__})") from None
    return conn


SIDECARS = ("-journal", "-wal", "-shm")


def check_sidecars(path: str) -> None:
    """SQLite opens `<db>-journal`, `-wal` and `-shm` by name: a FIFO there would hang every command (cron's
    `--check` included), a link would be written through. Each must be absent or a regular file of ours."""
    for suffix in SIDECARS:
        side = path + suffix
        try:
            st = os.lstat(side)
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(st.st_mode):
            raise StoreCorruptError(side, "is not a regular file (SQLite would open it with the database)")
        if st.st_uid not in (os.geteuid(), 0):
            raise StoreCorruptError(side, "belongs to another user")


def _no_constant(name: str) -> Any:
    raise ValueError(name)  # JSON.parse rejects NaN and Infinity: so do we (they could never be written back)


def document(path: str, value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise StoreCorruptError(path, "holds a store row that is not JSON text")
    if len(value) > MAX_ROW_BYTES:
        raise StoreCorruptError(path, f"holds a store row larger than {MAX_ROW_BYTES // (1024 * 1024)} MiB")
    try:
        doc = json.loads(value, parse_constant=_no_constant)
    except ValueError:
        raise StoreCorruptError(path, "holds a store row that is not valid JSON") from None
    except RecursionError:  # json's C parser recurses per nesting level: a hostile row must not crash us
        raise StoreCorruptError(path, "holds a store row nested too deeply") from None
    if not isinstance(doc, dict):
        raise StoreCorruptError(path, "holds a store row that is not a JSON object")
    return doc


def _check_version(conn: Any, path: str, newest: int) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if isinstance(version, int) and version > newest:
        raise StoreCorruptError(path, f"has schema version {version}, newer than the {newest} this tool knows "
                                      "(a newer OpenClaw wrote it); update openclaw-onboard")


def _read(path: str, newest: int, query_store: str, query_state: str) -> RawStore | None:
    import sqlite3

    conn = connect_ro(path)
    if conn is None:
        return None
    try:
        _check_version(conn, path, newest)
        # One read transaction: the two rows as one writer left them, never half of a later write.
        conn.execute("BEGIN")
        try:
            store_row = conn.execute(query_store).fetchone()
            state_row = conn.execute(query_state).fetchone()
        finally:
            conn.rollback()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return RawStore(path, None, None)  # a database with no auth tables yet: no profiles
        raise StoreCorruptError(path, f"could not be read ({type(exc).__name__})") from None
    except sqlite3.Error as exc:
        raise StoreCorruptError(path, f"could not be read ({type(exc).__name__})") from None
    finally:
        conn.close()
    return RawStore(path, document(path, store_row[0] if store_row else None),
                    document(path, state_row[0] if state_row else None))


def shared_location(state: str) -> str:
    """`state-db` when the shared store is the state database, else `legacy-main` (main's agent database)."""
    import sqlite3

    path = state_db_path(state)
    conn = connect_ro(path)
    if conn is None:
        return "legacy-main"
    try:
        row = conn.execute("SELECT value_json FROM config_machine_state "
                           "WHERE state_key = 'auth.sharedStore'").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return "legacy-main"  # a state database without the key-value table: main's database is shared
        raise StoreCorruptError(path, f"could not be read ({type(exc).__name__})") from None
    except sqlite3.Error as exc:  # not a database, malformed, an unreadable WAL: never "no credentials"
        raise StoreCorruptError(path, f"could not be read ({type(exc).__name__})") from None
    finally:
        conn.close()
    doc = document(path, row[0] if row else None) or {}
    return "state-db" if doc.get("location") == "state-db" else "legacy-main"


def read_state_db(state: str) -> RawStore | None:
    return _read(state_db_path(state), MAX_STATE_SCHEMA,
                 "SELECT value_json FROM config_machine_state WHERE state_key = 'authProfiles.store'",
                 "SELECT value_json FROM config_machine_state WHERE state_key = 'authProfiles.state'")


def read_agent_db(agent_dir: str) -> RawStore | None:
    return _read(agent_db_path(agent_dir), MAX_AGENT_SCHEMA,
                 "SELECT store_json FROM auth_profile_store WHERE store_key = 'primary'",
                 "SELECT state_json FROM auth_profile_state WHERE state_key = 'primary'")


def read_shared(state: str, main_agent_dir: str) -> RawStore | None:
    """The shared store, wherever `auth.sharedStore` puts it."""
    if shared_location(state) == "state-db":
        return read_state_db(state)
    return read_agent_db(main_agent_dir)


def agent_stores(state: str, agent_id: str, agent_dir: str,
                 main_dir: str) -> tuple[RawStore | None, RawStore | None, bool]:
    """(shared, own, is_main): the stores behind one agent. Main (or an agent living in main's dir) owns the
    shared store and main's own database, which 9.x also writes (`order set --agent main`) when the shared
    store is the state database; another agent sees the shared store and owns its own database."""
    shared = read_shared(state, main_dir)
    is_main = agent_id == "main" or os.path.normpath(agent_dir) == os.path.normpath(main_dir)
    if is_main and shared is not None and shared.path == agent_db_path(main_dir):
        return shared, None, True  # main's database is the shared store: read once
    return shared, read_agent_db(agent_dir), is_main


def profiles_of(raw: RawStore | None) -> dict[str, Any]:
    profiles = (raw.store or {}).get("profiles") if raw else None
    return profiles if isinstance(profiles, dict) else {}


def merged(*stores: RawStore | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(profiles, state) an agent sees: each store over the ones before it (the shared store first, the
    agent's own over it), per profile and per state record (order and lastGood per provider, usageStats per
    profile), as mergeAuthProfileStores."""
    profiles: dict[str, Any] = {}
    state: dict[str, Any] = {}
    for raw in stores:
        profiles.update(profiles_of(raw))
        for key in ("order", "lastGood", "usageStats"):
            part = (raw.state or {}).get(key) if raw else None
            if isinstance(part, dict):
                state.setdefault(key, {}).update(part)
    return profiles, state
