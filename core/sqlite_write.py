"""Writing OpenClaw 2026.9.x's credential stores (the SQLite era) in OpenClaw's own transactions.

The facts (../shared/docs/openclaw-9.6-internals.md, checked against the 9.6 package):
- the shared store (`<state>/state/openclaw.sqlite`, rows `authProfiles.store` / `authProfiles.state` of
  `config_machine_state`) is written under the state-lifecycle coordinator first: a zero-byte SQLite file
  `/tmp/openclaw-state-locks-<uid>/state-lifecycle.<sha256(realpath(db))[:8]>.lock.sqlite` held with
  `PRAGMA journal_mode=MEMORY; BEGIN EXCLUSIVE` (`/tmp` on every POSIX system, not `$TMPDIR`), then
  `BEGIN IMMEDIATE` on the state database (`runOpenClawStateWriteTransaction`);
- an agent's database (`<agentDir>/openclaw-agent.sqlite`, one `primary` row in `auth_profile_store` and
  `auth_profile_state`) with `BEGIN IMMEDIATE` alone (`runAuthProfileWriteTransaction`);
- each row is one JSON document written whole (`JSON.stringify`), `updated_at(_ms)` in integer ms, with
  `INSERT ... ON CONFLICT DO UPDATE`; a state document with no order, lastGood or usageStats is deleted
  (`buildPersistedAuthProfileState` returns null);
- busy_timeout 5000 ms, synchronous NORMAL, foreign_keys ON; the journal mode is the one OpenClaw set.

What is never done: create a database, a table or a schema (an agent without a database is refused with the
command that makes OpenClaw create it), write a database newer or older than the releases whose layout we
know (2026.9.3 to 9.6), or write a database that is not a regular file of ours in a trusted directory.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from openclaw_onboard.core import sqlite_store
from openclaw_onboard.core.errors import LockTimeoutError, OpenClawError, StoreCorruptError
from openclaw_onboard.core.i18n import _

if TYPE_CHECKING:
    import sqlite3

# `PRAGMA user_version` of the releases whose auth layout we write: state 16..18 (2026.9.3 .. 9.6), agent
# 19..23. 2026.8.x (state 15) and the 6.5-era agent-only layout are read, never written.
WRITABLE_STATE_SCHEMAS = range(16, sqlite_store.MAX_STATE_SCHEMA + 1)
WRITABLE_AGENT_SCHEMAS = range(19, sqlite_store.MAX_AGENT_SCHEMA + 1)
LOCKS_ROOT = "/tmp"  # resolveStateLifecycleRuntimeDirectory: a literal /tmp outside Windows
SHARED = "shared-state"
AGENT = "agent"
_STORE_ROW = {SHARED: ("config_machine_state", "state_key", "value_json", "updated_at_ms", "authProfiles.store"),
              AGENT: ("auth_profile_store", "store_key", "store_json", "updated_at", "primary")}
_STATE_ROW = {SHARED: ("config_machine_state", "state_key", "value_json", "updated_at_ms", "authProfiles.state"),
              AGENT: ("auth_profile_state", "state_key", "state_json", "updated_at", "primary")}
STATE_KEYS = ("order", "lastGood", "usageStats")


class SqliteWriteRefused(OpenClawError):
    """A write to a SQLite-era store that we do not make (an unknown release, no database for the agent)."""

    def __init__(self, message: str) -> None:
        super().__init__(_("Nothing was changed: {reason}").format(reason=message))


class NoAuthTablesError(SqliteWriteRefused):
    """A database without OpenClaw's auth tables (an agent database 9.x made for sessions only)."""


@dataclass
class Cell:
    """One database's two documents inside a write transaction. The documents hold secrets: no repr."""

    kind: str
    path: str
    conn: sqlite3.Connection = field(repr=False)
    store: dict[str, Any] | None = field(default=None, repr=False)
    state: dict[str, Any] | None = field(default=None, repr=False)
    store_changed: bool = False
    state_changed: bool = False

    def profiles(self) -> dict[str, Any]:
        found = (self.store or {}).get("profiles")
        return found if isinstance(found, dict) else {}

    def section(self, key: str) -> dict[str, Any]:
        found = (self.state or {}).get(key)
        return found if isinstance(found, dict) else {}


def coordinator_path(state_db: str, uid: int | None = None) -> str:
    """Where 9.6's state-lifecycle coordinator for `state_db` lives (resolveLifecycleCoordinatorPath)."""
    real = os.path.realpath(os.path.abspath(state_db))
    digest = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:8]
    owner = os.geteuid() if uid is None else uid
    return os.path.join(LOCKS_ROOT, f"openclaw-state-locks-{owner}", f"state-lifecycle.{digest}.lock.sqlite")


def _private_dir(path: str) -> None:
    """ensurePrivateSqliteCoordinatorDirectory: a real directory of ours, mode 0700 (made so through its fd)."""
    with contextlib.suppress(FileExistsError):
        os.mkdir(path, 0o700)
    st = os.lstat(path)
    if not stat.S_ISDIR(st.st_mode):
        raise StoreCorruptError(path, "must be a real directory (the OpenClaw state-lifecycle lock directory)")
    if st.st_uid != os.geteuid():
        raise StoreCorruptError(path, "belongs to another user (the OpenClaw state-lifecycle lock directory)")
    if stat.S_IMODE(st.st_mode) & 0o077:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
        try:
            os.fchmod(fd, 0o700)
        finally:
            os.close(fd)


def _coordinator_file(path: str) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
            raise StoreCorruptError(path, "is not a regular file of ours (the OpenClaw state-lifecycle lock)") from None
        return
    os.close(fd)


def _remaining(deadline: float) -> float:
    return max(0.0, deadline - time.monotonic())


@contextlib.contextmanager
def _coordinator(state_db: str, deadline: float) -> Iterator[None]:
    import sqlite3

    path = coordinator_path(state_db)
    _private_dir(os.path.dirname(path))
    _coordinator_file(path)
    waited_from = time.monotonic()
    conn = sqlite3.connect(path, timeout=_remaining(deadline), isolation_level=None)
    try:
        try:
            conn.execute("PRAGMA journal_mode = MEMORY")
            conn.execute("BEGIN EXCLUSIVE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise LockTimeoutError(path, time.monotonic() - waited_from,
                                       _("another OpenClaw process owns state-lifecycle")) from None
            raise StoreCorruptError(path, f"could not be locked ({type(exc).__name__})") from None
        except sqlite3.Error as exc:  # not a database at all
            raise StoreCorruptError(path, f"could not be locked ({type(exc).__name__})") from None
        yield
    finally:
        with contextlib.suppress(sqlite3.Error):
            conn.rollback()
        conn.close()


def _open(path: str, kind: str, deadline: float, *, begin: bool = True) -> sqlite3.Connection:
    """A read-write connection to an existing database of a release we write, in BEGIN IMMEDIATE (`begin`)."""
    import sqlite3
    from urllib.parse import quote

    from openclaw_onboard.core import trust

    st = os.lstat(path)  # FileNotFoundError is the caller's to word
    if not stat.S_ISREG(st.st_mode):
        raise StoreCorruptError(path, "is not a regular file")
    if st.st_uid != os.geteuid():
        raise StoreCorruptError(path, "belongs to another user")
    trust.check_dir(os.path.dirname(path) or ".")
    sqlite_store.check_sidecars(path)
    busy = min(sqlite_store.BUSY_TIMEOUT_S, _remaining(deadline)) if deadline else sqlite_store.BUSY_TIMEOUT_S
    try:
        conn = sqlite3.connect(f"file:{quote(path)}?mode=rw", uri=True, timeout=max(busy, 0.05),
                               isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreCorruptError(path, f"cannot be opened ({type(exc).__name__})") from None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        allowed = WRITABLE_STATE_SCHEMAS if kind == SHARED else WRITABLE_AGENT_SCHEMAS
        if version not in allowed:
            raise SqliteWriteRefused(_schema_refusal(path, version, allowed, conn))
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        needed = {_STORE_ROW[kind][0], _STATE_ROW[kind][0]}
        if not needed <= tables:
            raise NoAuthTablesError(_("{path} has no auth tables; OpenClaw creates them, and this tool never "
                                       "creates OpenClaw's schema").format(path=path))
        if begin:
            conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        conn.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise LockTimeoutError(path, busy, _("another process holds a write transaction")) from None
        if "full" in str(exc):
            raise StoreCorruptError(path, "could not be written: the disk is full") from None
        raise StoreCorruptError(path, f"could not be written ({type(exc).__name__})") from None
    except BaseException:
        conn.close()
        raise
    return conn


def _schema_refusal(path: str, version: Any, allowed: range, conn: sqlite3.Connection | None = None) -> str:
    if not version:
        return _("{path} has no OpenClaw schema (schema version 0); OpenClaw creates it, and this tool never "
                 "creates OpenClaw's schema").format(path=path)
    release = _release_of(conn) if conn is not None else None
    written_by = _("OpenClaw {release}").format(release=release) if release else _("an OpenClaw release")
    if isinstance(version, int) and version > allowed[-1]:
        return _("{path} has schema version {version}, written by {who}, newer than this tool writes; update "
                 "openclaw-onboard").format(path=path, version=version, who=written_by)
    return _("{path} has schema version {version}, written by {who} before 2026.9.3, whose stores this tool "
             "reads but does not write; use that release's own CLI, or update OpenClaw").format(
        path=path, version=version, who=written_by)


def _release_of(conn: sqlite3.Connection) -> str | None:
    """The release that stamped the database (`schema_meta.app_version`), when it says one."""
    import sqlite3

    try:
        row = conn.execute("SELECT app_version FROM schema_meta WHERE role IN ('global', 'agent') "
                           "ORDER BY role = 'global' DESC LIMIT 1").fetchone()
    except sqlite3.Error:
        return None
    value = row[0] if row else None
    return value[:32] if isinstance(value, str) and value.strip() else None


def _read_cell(cell: Cell) -> None:
    import sqlite3

    for which, spec in (("store", _STORE_ROW[cell.kind]), ("state", _STATE_ROW[cell.kind])):
        table, key_col, value_col, _at, key = spec
        try:
            row = cell.conn.execute(f"SELECT {value_col} FROM {table} WHERE {key_col} = ?", (key,)).fetchone()
        except sqlite3.Error as exc:  # e.g. a row that is not UTF-8 text
            raise StoreCorruptError(cell.path, f"holds an auth row that cannot be read ({type(exc).__name__})") \
                from None
        setattr(cell, which, sqlite_store.document(cell.path, row[0] if row else None))


def _write_cell(cell: Cell) -> None:
    now = int(time.time() * 1000)
    for which, changed, spec in (("store", cell.store_changed, _STORE_ROW[cell.kind]),
                                 ("state", cell.state_changed, _STATE_ROW[cell.kind])):
        if not changed:
            continue
        table, key_col, value_col, at_col, key = spec
        doc = getattr(cell, which)
        if which == "state" and not any(doc and doc.get(k) for k in STATE_KEYS):
            cell.conn.execute(f"DELETE FROM {table} WHERE {key_col} = ?", (key,))
            continue
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        cell.conn.execute(f"INSERT INTO {table} ({key_col}, {value_col}, {at_col}) VALUES (?, ?, ?) "
                          f"ON CONFLICT({key_col}) DO UPDATE SET {value_col} = excluded.{value_col}, "
                          f"{at_col} = excluded.{at_col}", (key, text, now))


def _no_agent_db(agent_id: str, path: str) -> SqliteWriteRefused:
    return SqliteWriteRefused(_(
        "agent {agent} has no OpenClaw database yet ({path}); OpenClaw creates it on the agent's first auth "
        "change (e.g. `openclaw models auth order set --agent {agent} --provider <provider> <profile>` then "
        "`openclaw models auth order clear --agent {agent} --provider <provider>`), and this tool never creates "
        "OpenClaw's schema").format(agent=agent_id, path=path))


def check_writable(state: str, agent_id: str, agent_dir: str, main_dir: str) -> None:
    """Raise what `transaction` would raise before it locks anything: an unknown release, a state dir holding a
    file-era store beside the databases, no database for the agent. Read-only; for a face to ask before it
    prompts for a secret."""
    with transaction(state, agent_id, agent_dir, main_dir, timeout=sqlite_store.BUSY_TIMEOUT_S, dry_run=True):
        pass


@contextlib.contextmanager
def transaction(state: str, agent_id: str, agent_dir: str, main_dir: str, *, timeout: float,
                dry_run: bool = False) -> Iterator[list[Cell]]:
    """The databases an agent's change goes to, each in its write transaction, their documents read inside it.
    The first cell is where new profiles and state go: the shared store for main, the agent's own database
    otherwise; main's own database (when the shared store is the state database) follows, for entries it
    already holds. The caller changes the documents and flags `store_changed` / `state_changed`; leaving the
    block commits every cell, an exception rolls every one back. `dry_run` checks and reads without locking."""
    import sqlite3

    from openclaw_onboard.core.era import SqliteEraError, describe, detect

    era = detect(state)
    if era.mixed:
        raise SqliteEraError(describe(era))
    state_db = sqlite_store.state_db_path(state)
    if not os.path.lexists(state_db):
        raise SqliteWriteRefused(_("{state} has no shared state database ({db}): an OpenClaw release before "
                                   "2026.8.1 keeps it; this tool writes the stores of 2026.9.3 and later").format(
            state=state, db=state_db))
    is_main = agent_id == "main" or os.path.normpath(agent_dir) == os.path.normpath(main_dir)
    specs: list[tuple[str, str]] = []
    optional = ""  # main's own database beside the shared store: written only when it holds auth tables
    if is_main:
        if sqlite_store.shared_location(state) == "state-db":
            specs.append((SHARED, state_db))
            own = sqlite_store.agent_db_path(main_dir)
            if os.path.lexists(own):
                specs.append((AGENT, own))
                optional = own
        else:
            own = sqlite_store.agent_db_path(main_dir)
            if not os.path.lexists(own):
                raise _no_agent_db(agent_id, own)
            specs.append((AGENT, own))
    else:
        own = sqlite_store.agent_db_path(agent_dir)
        if not os.path.lexists(own):
            raise _no_agent_db(agent_id, own)
        specs.append((AGENT, own))
    deadline = time.monotonic() + timeout
    with contextlib.ExitStack() as stack:
        # The state database's release decides, even for a change that only touches an agent's database.
        if not any(kind == SHARED for kind, _p in specs):
            stack.enter_context(_checked_state_db(state_db))
        elif not dry_run:
            stack.enter_context(_coordinator(state_db, deadline))
        cells: list[Cell] = []
        for kind, path in specs:
            try:
                conn = _open(path, kind, deadline, begin=not dry_run)
            except NoAuthTablesError:
                if path == optional:
                    continue  # nothing of main's is in it: the shared store takes every change
                raise
            stack.callback(conn.close)
            cell = Cell(kind, path, conn)
            cells.append(cell)
            stack.callback(_rollback_quietly, conn)  # runs first on the way out: a no-op after a commit
            if kind == AGENT:
                _check_agent_owner(conn, path, agent_id if not is_main else "main")
            _read_cell(cell)
        yield cells
        if dry_run:
            return
        for cell in cells:
            try:
                _write_cell(cell)
                cell.conn.commit()
            except sqlite3.Error as exc:  # rolled back (the stack's callbacks): nothing of this cell is written
                why = "the disk is full" if "full" in str(exc) else type(exc).__name__
                raise StoreCorruptError(cell.path, f"could not be written ({why}); nothing was changed in it") \
                    from None


def _rollback_quietly(conn: sqlite3.Connection) -> None:
    import sqlite3

    with contextlib.suppress(sqlite3.Error):
        if conn.in_transaction:
            conn.rollback()


@contextlib.contextmanager
def _checked_state_db(path: str) -> Iterator[None]:
    """The state database's release, read-only (no write transaction on it)."""
    import sqlite3

    conn = sqlite_store.connect_ro(path)
    if conn is None:
        raise SqliteWriteRefused(_("{db} is missing").format(db=path))
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version not in WRITABLE_STATE_SCHEMAS:
            raise SqliteWriteRefused(_schema_refusal(path, version, WRITABLE_STATE_SCHEMAS, conn))
    except sqlite3.Error as exc:
        raise StoreCorruptError(path, f"could not be read ({type(exc).__name__})") from None
    finally:
        conn.close()
    yield


def _check_agent_owner(conn: sqlite3.Connection, path: str, agent_id: str) -> None:
    """9.6 refuses an agent database whose schema_meta names another agent (assertExistingAgentSchemaOwner)."""
    import sqlite3

    try:
        row = conn.execute("SELECT agent_id FROM schema_meta WHERE role = 'agent' LIMIT 1").fetchone()
    except sqlite3.OperationalError:
        return  # no schema_meta: nothing recorded to disagree with
    owner = row[0] if row else None
    if isinstance(owner, str) and owner and owner != agent_id:
        raise SqliteWriteRefused(_("{path} belongs to agent {owner}, not {agent}").format(
            path=path, owner=owner[:64], agent=agent_id))


def place(cells: list[Cell], before: tuple[dict[str, Any], dict[str, Any]],
          after: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """Put a change of the merged view back into the cells, entry by entry: a changed entry goes to the cell
    that holds it (else the first), a removed one leaves every cell. Entries nobody changed stay byte for byte
    as OpenClaw wrote them (even ones our model would normalise)."""
    profiles_before, state_before = before
    profiles_after, state_after = after
    for pid in set(profiles_before) | set(profiles_after):
        if profiles_before.get(pid) == profiles_after.get(pid):
            continue
        holders = [c for c in cells if pid in c.profiles()]
        if pid in profiles_after:
            target = holders[-1] if holders else cells[0]
            _profiles_for_write(target)[pid] = profiles_after[pid]
            target.store_changed = True
        else:
            for cell in holders:
                del _profiles_for_write(cell)[pid]
                cell.store_changed = True
    for key in STATE_KEYS:
        old = state_before.get(key) or {}
        new = state_after.get(key) or {}
        for sub in set(old) | set(new):
            if old.get(sub) == new.get(sub):
                continue
            holders = [c for c in cells if sub in c.section(key)]
            if sub in new:
                target = holders[-1] if holders else cells[0]
                _section_for_write(target, key)[sub] = new[sub]
                target.state_changed = True
            else:
                for cell in holders:
                    section = _section_for_write(cell, key)
                    del section[sub]
                    if not section and isinstance(cell.state, dict):  # _section_for_write made it a dict
                        del cell.state[key]
                    cell.state_changed = True


def _profiles_for_write(cell: Cell) -> dict[str, Any]:
    if not isinstance(cell.store, dict):
        cell.store = {"version": 1, "profiles": {}}
    if not isinstance(cell.store.get("profiles"), dict):
        cell.store["profiles"] = {}
    profiles: dict[str, Any] = cell.store["profiles"]
    return profiles


def _section_for_write(cell: Cell, key: str) -> dict[str, Any]:
    if not isinstance(cell.state, dict):
        cell.state = {"version": 1}
    if not isinstance(cell.state.get(key), dict):
        cell.state[key] = {}
    section: dict[str, Any] = cell.state[key]
    return section
