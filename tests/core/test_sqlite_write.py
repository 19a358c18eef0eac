"""Writing OpenClaw 2026.9.x's stores (core.sqlite_write through core.store.update): where each change lands,
what is left byte for byte, what is refused and what is never created. tests/interop proves the same against
the real 9.6 (it reads our writes; its writer and ours lose nothing)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from openclaw_onboard.core import sqlite_write, store
from openclaw_onboard.core.era import SqliteEraError
from openclaw_onboard.core.errors import LockTimeoutError, StoreCorruptError
from openclaw_onboard.core.models import TokenCredential
from openclaw_onboard.core.sqlite_write import SqliteWriteRefused

from tests.support.sqlite_era import make_agent_db, make_sqlite_state, make_state_db, set_shared_state, tree

KEY = "sk-or-v1-" + "a" * 48
NEW = "sk-or-v1-" + "b" * 48
# A profile as 9.6 wrote it, with a field our model does not know and key order of its own: left byte for byte.
THEIRS = {"provider": "openrouter", "type": "token", "token": KEY, "displayName": "9.6's own"}


def _rows(db: Path, table: str = "config_machine_state") -> dict[str, tuple[str, int]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        if table == "config_machine_state":
            return {k: (v, t) for k, v, t in conn.execute("SELECT state_key, value_json, updated_at_ms FROM "
                                                          "config_machine_state")}
        return {k: (v, t) for k, v, t in conn.execute(f"SELECT * FROM {table}")}
    finally:
        conn.close()


def _doc(db: Path, key: str) -> dict:
    return json.loads(_rows(db)[key][0])


def _agent_doc(db: Path, kind: str) -> dict | None:
    rows = _rows(db, f"auth_profile_{kind}")
    return json.loads(rows["primary"][0]) if "primary" in rows else None


def _add(pid: str, token: str = NEW):
    def mutate(s):
        s.profiles[pid] = TokenCredential(provider="openrouter", token=token)
    return mutate


@pytest.fixture
def sqlite_dir(state_dir: Path) -> Path:
    return make_sqlite_state(state_dir, {"openrouter:manual": THEIRS})


def test_main_writes_the_shared_store_and_leaves_9_6_entries_byte_for_byte(sqlite_dir: Path) -> None:
    db = sqlite_dir / "state" / "openclaw.sqlite"
    before_text = _rows(db)["authProfiles.store"][0]
    before = tree(sqlite_dir)
    store.update(_add("openrouter:ours"), "main", sqlite_dir)
    text, at = _rows(db)["authProfiles.store"]
    doc = json.loads(text)
    assert doc["profiles"]["openrouter:ours"] == {"type": "token", "provider": "openrouter", "token": NEW}
    # 9.6's profile: the same JSON text for it inside the new document (keys, order, unknown fields).
    assert json.dumps(doc["profiles"]["openrouter:manual"], separators=(",", ":")) in text
    assert json.loads(before_text)["profiles"]["openrouter:manual"] == doc["profiles"]["openrouter:manual"]
    assert isinstance(at, int) and at > 1_700_000_000_000  # integer ms, as OpenClaw writes
    changed = {k for k, v in tree(sqlite_dir).items() if before.get(k) != v}
    assert changed <= {"state/openclaw.sqlite", "state/openclaw.sqlite-wal", "state/openclaw.sqlite-shm"}
    assert not list(sqlite_dir.rglob("*.json.lock")) and not list(sqlite_dir.rglob("auth-profiles.json"))
    loaded = store.load("main", sqlite_dir)
    assert set(loaded.store.profiles) == {"openrouter:manual", "openrouter:ours"}


def test_the_state_lifecycle_coordinator_is_9_6s_file_in_a_private_dir(sqlite_dir: Path) -> None:
    path = Path(sqlite_write.coordinator_path(str(sqlite_dir / "state" / "openclaw.sqlite")))
    assert path.parent == Path(f"/tmp/openclaw-state-locks-{os.geteuid()}")
    assert path.name.startswith("state-lifecycle.") and path.name.endswith(".lock.sqlite")
    store.update(_add("openrouter:ours"), "main", sqlite_dir)
    assert path.is_file() and path.stat().st_size == 0
    assert (path.parent.stat().st_mode & 0o777) == 0o700


def test_a_held_coordinator_makes_the_write_wait_and_then_say_who_holds_it(sqlite_dir: Path) -> None:
    path = sqlite_write.coordinator_path(str(sqlite_dir / "state" / "openclaw.sqlite"))
    store.update(_add("openrouter:first"), "main", sqlite_dir)  # makes the coordinator file
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3,sys; c=sqlite3.connect(sys.argv[1], isolation_level=None); "
        "c.execute('PRAGMA journal_mode=MEMORY'); c.execute('BEGIN EXCLUSIVE'); print('held', flush=True); "
        "sys.stdin.read()"), path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(LockTimeoutError) as err:
            store.update(_add("openrouter:second"), "main", sqlite_dir, timeout=0.3)
        assert "state-lifecycle" in str(err.value)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(10)
    assert "openrouter:second" not in _doc(sqlite_dir / "state" / "openclaw.sqlite", "authProfiles.store")["profiles"]
    store.update(_add("openrouter:second"), "main", sqlite_dir, timeout=5)
    assert "openrouter:second" in _doc(sqlite_dir / "state" / "openclaw.sqlite", "authProfiles.store")["profiles"]


def test_an_agent_writes_its_own_database_and_never_the_shared_store(sqlite_dir: Path) -> None:
    work = sqlite_dir / "agents" / "work" / "agent"
    make_agent_db(work, {}, agent_id="work")
    shared_before = _rows(sqlite_dir / "state" / "openclaw.sqlite")
    store.update(_add("openrouter:work"), "work", sqlite_dir)
    assert _agent_doc(work / "openclaw-agent.sqlite", "store")["profiles"] == {
        "openrouter:work": {"type": "token", "provider": "openrouter", "token": NEW}}
    assert _rows(sqlite_dir / "state" / "openclaw.sqlite") == shared_before


def test_an_agent_without_its_database_is_refused_with_how_openclaw_makes_it(sqlite_dir: Path) -> None:
    (sqlite_dir / "agents" / "work" / "agent").mkdir(parents=True)
    before = tree(sqlite_dir)
    with pytest.raises(SqliteWriteRefused) as err:
        store.update(_add("openrouter:work"), "work", sqlite_dir)
    assert "Nothing was changed" in str(err.value) and "openclaw models auth order set --agent work" in str(err.value)
    assert tree(sqlite_dir) == before


def test_main_order_goes_where_it_already_lives_and_new_entries_to_the_shared_store(sqlite_dir: Path) -> None:
    """9.6's `order set --agent main` writes main's own database; a later change of that entry must go there too,
    or main's own entry would keep winning over ours (the merged read)."""
    main = sqlite_dir / "agents" / "main" / "agent"
    make_agent_db(main, {}, {"order": {"openrouter": ["openrouter:manual"]}})
    set_shared_state(sqlite_dir, {"order": {"anthropic": ["anthropic:a"]}})

    def mutate(s):
        s.order = {**(s.order or {}), "openrouter": ["openrouter:ours", "openrouter:manual"],
                   "groq": ["groq:default"]}
        s.order.pop("anthropic")
    store.update(mutate, "main", sqlite_dir)
    assert _agent_doc(main / "openclaw-agent.sqlite", "state")["order"] == {
        "openrouter": ["openrouter:ours", "openrouter:manual"]}
    shared = _doc(sqlite_dir / "state" / "openclaw.sqlite", "authProfiles.state")
    assert shared["order"] == {"groq": ["groq:default"]}
    assert store.load("main", sqlite_dir).store.order == {"openrouter": ["openrouter:ours", "openrouter:manual"],
                                                          "groq": ["groq:default"]}


def test_removing_a_profile_leaves_every_store_and_an_empty_state_row_is_deleted(sqlite_dir: Path) -> None:
    set_shared_state(sqlite_dir, {"order": {"openrouter": ["openrouter:manual"]}})

    def remove(s):
        del s.profiles["openrouter:manual"]
        s.order = None
    store.update(remove, "main", sqlite_dir)
    rows = _rows(sqlite_dir / "state" / "openclaw.sqlite")
    assert json.loads(rows["authProfiles.store"][0])["profiles"] == {}
    assert "authProfiles.state" not in rows  # buildPersistedAuthProfileState: nothing left -> no row
    assert "auth.sharedStore" in rows


def test_a_failing_mutation_writes_nothing(sqlite_dir: Path) -> None:
    before = _rows(sqlite_dir / "state" / "openclaw.sqlite")

    def boom(s):
        s.profiles["openrouter:x"] = TokenCredential(provider="openrouter", token=NEW)
        raise RuntimeError("stop")
    with pytest.raises(RuntimeError):
        store.update(boom, "main", sqlite_dir)
    assert _rows(sqlite_dir / "state" / "openclaw.sqlite") == before


@pytest.mark.parametrize(("version", "words"), [(15, "written by OpenClaw 2026.8.1 before 2026.9.3"),
                                               (19, "written by OpenClaw 2026.10.1, newer than this tool writes")])
def test_a_release_we_do_not_write_is_refused_naming_it(state_dir: Path, version: int, words: str) -> None:
    make_state_db(state_dir, {"openrouter:manual": THEIRS}, user_version=version,
                  app_version="2026.8.1" if version == 15 else "2026.10.1")
    before = tree(state_dir)
    with pytest.raises(SqliteWriteRefused) as err:
        store.update(_add("openrouter:ours"), "main", state_dir)
    assert words in str(err.value) and "Nothing was changed" in str(err.value)
    with pytest.raises(SqliteWriteRefused):
        store.check_writable("main", state_dir)
    assert tree(state_dir) == before


def test_an_agent_only_dir_of_6_5_to_8_0_is_refused(state_dir: Path) -> None:
    make_agent_db(state_dir / "agents" / "main" / "agent", {"openrouter:manual": THEIRS}, user_version=19)
    with pytest.raises(SqliteWriteRefused) as err:
        store.update(_add("openrouter:ours"), "main", state_dir)
    assert "before 2026.8.1" in str(err.value)


def test_a_newer_agent_database_is_refused(sqlite_dir: Path) -> None:
    make_agent_db(sqlite_dir / "agents" / "work" / "agent", {}, user_version=24, agent_id="work")
    with pytest.raises(SqliteWriteRefused) as err:
        store.update(_add("openrouter:w"), "work", sqlite_dir)
    assert "newer" in str(err.value)


def test_another_agents_database_in_this_agents_place_is_refused(sqlite_dir: Path) -> None:
    make_agent_db(sqlite_dir / "agents" / "work" / "agent", {}, agent_id="ops")
    with pytest.raises(SqliteWriteRefused) as err:
        store.update(_add("openrouter:w"), "work", sqlite_dir)
    assert "belongs to agent ops" in str(err.value)


def test_a_mixed_dir_is_refused_with_openclaws_fix(sqlite_dir: Path) -> None:
    main = sqlite_dir / "agents" / "main" / "agent"
    main.mkdir(parents=True)
    (main / "auth-profiles.json").write_text('{"version": 1, "profiles": {}}')
    with pytest.raises(SqliteEraError):
        store.update(_add("openrouter:ours"), "main", sqlite_dir)


def test_a_symlinked_database_is_never_written(sqlite_dir: Path, tmp_path: Path) -> None:
    db = sqlite_dir / "state" / "openclaw.sqlite"
    real = tmp_path / "elsewhere.sqlite"
    db.rename(real)
    db.symlink_to(real)
    before = real.read_bytes()
    with pytest.raises(StoreCorruptError):
        store.update(_add("openrouter:ours"), "main", sqlite_dir)
    assert real.read_bytes() == before


def test_a_coordinator_dir_that_is_not_ours_is_refused(sqlite_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    monkeypatch.setattr(sqlite_write, "LOCKS_ROOT", str(tmp_path))
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / f"openclaw-state-locks-{os.geteuid()}").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(StoreCorruptError) as err:
        store.update(_add("openrouter:ours"), "main", sqlite_dir)
    assert "real directory" in str(err.value)
    assert not list((tmp_path / "elsewhere").iterdir())


WRITER = """
import sys
from pathlib import Path
from openclaw_onboard.core import store
from openclaw_onboard.core.models import TokenCredential
pid = sys.argv[2]
def mutate(s):
    s.profiles[pid] = TokenCredential(provider="openrouter", token="sk-or-v1-" + "c" * 48)
    s.order = {**(s.order or {}), pid: [pid]}
store.update(mutate, "main", Path(sys.argv[1]), timeout=60)
"""


@pytest.mark.slow
def test_sixty_concurrent_writer_processes_lose_nothing(sqlite_dir: Path) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(sqlite_dir), f"openrouter:p{i}"],
                              stderr=subprocess.PIPE, text=True) for i in range(60)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert all(p.returncode == 0 for p in procs), [e for e in errors if e][:3]
    doc = _doc(sqlite_dir / "state" / "openclaw.sqlite", "authProfiles.store")
    state = _doc(sqlite_dir / "state" / "openclaw.sqlite", "authProfiles.state")
    ids = {f"openrouter:p{i}" for i in range(60)}
    assert ids <= set(doc["profiles"]) and ids <= set(state["order"])
    assert doc["profiles"]["openrouter:manual"] == THEIRS


def test_mains_own_database_without_auth_tables_leaves_every_change_to_the_shared_store(sqlite_dir: Path) -> None:
    """9.x makes an agent database for sessions too; without auth tables it holds nothing of main's auth."""
    main = sqlite_dir / "agents" / "main" / "agent"
    main.mkdir(parents=True)
    conn = sqlite3.connect(main / "openclaw-agent.sqlite")
    conn.execute("CREATE TABLE sessions (id TEXT PRIMARY KEY) STRICT")
    conn.execute("PRAGMA user_version = 23")
    conn.commit()
    conn.close()
    store.update(_add("openrouter:ours"), "main", sqlite_dir)
    assert "openrouter:ours" in _doc(sqlite_dir / "state" / "openclaw.sqlite", "authProfiles.store")["profiles"]


def test_the_sidecar_files_our_write_makes_are_private(sqlite_dir: Path) -> None:
    db = sqlite_dir / "state" / "openclaw.sqlite"
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)  # keeps the WAL from being folded away at close
    try:
        reader.execute("SELECT count(*) FROM config_machine_state").fetchone()
        store.update(_add("openrouter:ours"), "main", sqlite_dir)
        made = [Path(f"{db}{suffix}") for suffix in ("-wal", "-shm") if Path(f"{db}{suffix}").exists()]
        assert made, "a WAL database keeps its sidecars while a reader is open"
        for path in made:
            st = path.stat()
            assert (st.st_mode & 0o777) == 0o600 and st.st_uid == os.geteuid(), path
    finally:
        reader.close()


# ---- found by the attacker pass on the SQLite era: each a clean one-line refusal, never a hang or a crash

def test_a_fifo_beside_the_database_never_hangs_a_read_or_a_write(sqlite_dir: Path) -> None:
    from openclaw_onboard.core.status import agent_status

    db = sqlite_dir / "state" / "openclaw.sqlite"
    os.mkfifo(f"{db}-journal")
    with pytest.raises(StoreCorruptError) as err:
        store.update(_add("openrouter:ours"), "main", sqlite_dir)
    assert "openclaw.sqlite-journal" in str(err.value) and "not a regular file" in str(err.value)
    with pytest.raises(StoreCorruptError) as read_err:  # the cron path: answers at once, naming the file
        agent_status("main", sqlite_dir, env={})
    assert "openclaw.sqlite-journal" in str(read_err.value)


def test_nan_in_a_stored_row_is_a_corrupt_store_not_a_crash(sqlite_dir: Path) -> None:
    conn = sqlite3.connect(sqlite_dir / "state" / "openclaw.sqlite")
    conn.execute("UPDATE config_machine_state SET value_json = ? WHERE state_key = 'authProfiles.store'",
                 ('{"version": 1, "profiles": {"x:y": {"type": "token", "provider": "x", "token": "t", '
                  '"expires": NaN}}}',))
    conn.commit()
    conn.close()
    with pytest.raises(StoreCorruptError) as err:
        store.update(_add("openrouter:ours"), "main", sqlite_dir)
    assert "not valid JSON" in str(err.value)


def test_a_row_that_is_not_utf8_is_a_corrupt_store_not_a_crash(sqlite_dir: Path) -> None:
    conn = sqlite3.connect(sqlite_dir / "state" / "openclaw.sqlite")
    conn.execute("UPDATE config_machine_state SET value_json = CAST(? AS TEXT) WHERE state_key = "
                 "'authProfiles.store'", (b'{"version": 1, "profiles": {"\xff": 1}}',))
    conn.commit()
    conn.close()
    with pytest.raises(StoreCorruptError):
        store.update(_add("openrouter:ours"), "main", sqlite_dir)


def test_a_coordinator_file_that_is_not_sqlite_is_refused(sqlite_dir: Path) -> None:
    path = Path(sqlite_write.coordinator_path(str(sqlite_dir / "state" / "openclaw.sqlite")))
    path.parent.mkdir(mode=0o700, exist_ok=True)
    path.write_bytes(b"this is not a database, it is garbage " * 200)
    try:
        with pytest.raises(StoreCorruptError) as err:
            store.update(_add("openrouter:ours"), "main", sqlite_dir)
        assert "could not be locked" in str(err.value)
    finally:
        path.unlink()


def test_the_lock_timeout_says_how_long_it_waited(sqlite_dir: Path) -> None:
    path = sqlite_write.coordinator_path(str(sqlite_dir / "state" / "openclaw.sqlite"))
    store.update(_add("openrouter:first"), "main", sqlite_dir)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode=MEMORY")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(LockTimeoutError) as err:
            store.update(_add("openrouter:second"), "main", sqlite_dir, timeout=0.5)
    finally:
        holder.rollback()
        holder.close()
    assert "after 0s" not in str(err.value) and "state-lifecycle" in str(err.value)


def test_a_database_with_no_schema_is_named_so(state_dir: Path) -> None:
    make_state_db(state_dir, {}, user_version=0, app_version="2026.9.6")
    with pytest.raises(SqliteWriteRefused) as err:
        store.update(_add("openrouter:ours"), "main", state_dir)
    assert "no OpenClaw schema" in str(err.value) and "before 2026.9.3" not in str(err.value)
