"""One agent's auth-profiles.json: read, and change safely.

`load()` is a lock-free snapshot (atomic writes make that safe). `update()` is the
only way to change a store: it holds `auth-profiles.json.lock`, re-reads inside
the lock, applies the caller's mutation, and writes atomically, so concurrent
writers in any number of processes lose nothing. A corrupt store raises
StoreCorruptError and is never overwritten. In the SQLite era (OpenClaw 2026.9.x)
both go to the agent's databases instead, in OpenClaw's transactions (core.sqlite_store
reads, core.sqlite_write writes); no file-era file is ever made there.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from openclaw_onboard.core import fsio
from openclaw_onboard.core.era import detect as detect_era
from openclaw_onboard.core.era import refuse_file_era_write
from openclaw_onboard.core.errors import StoreCorruptError
from openclaw_onboard.core.models import AuthProfileStore, LoadProblem
from openclaw_onboard.core.paths import STORE_FILENAME, AgentPaths, agent_paths

T = TypeVar("T")


@dataclass
class LoadedStore:
    paths: AgentPaths
    store: AuthProfileStore
    problems: list[LoadProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    exists: bool = False
    # Profile ids that came from legacy files and are not yet written to the store.
    legacy_ids: list[str] = field(default_factory=list)
    # auth-state.json could not be parsed: it is never replaced (see _write).
    state_corrupt: bool = False
    state_at_read: dict | None = None
    legacy_state_keys: bool = False
    renamed: bool = False  # set once a file of this write was renamed into place


def _own_sqlite_stores(paths: AgentPaths) -> list[Any]:
    """The SQLite-era stores an agent owns, the shared one first (core.sqlite_store.agent_stores): main owns the
    shared store and main's own database; another agent sees the shared store but owns only its database."""
    from openclaw_onboard.core import sqlite_store

    shared, own, is_main = sqlite_store.agent_stores(str(paths.state), paths.agent_id, str(paths.agent_dir),
                                                     _main_dir(paths))
    return [shared if is_main else None, own]


def _sqlite_model(raws: list[Any]) -> tuple[AuthProfileStore, list[LoadProblem]]:
    """Our model of the merged documents of `raws` (core.sqlite_store.merged)."""
    from openclaw_onboard.core import authstate, sqlite_store

    profiles, state_doc = sqlite_store.merged(*raws)
    store, problems = AuthProfileStore.from_raw({"version": 1, "profiles": profiles}, sqlite_store.AGENT_DB)
    store.set_state(authstate.coerce_state(state_doc))
    return store, problems


def _read_sqlite(paths: AgentPaths) -> LoadedStore:
    """An agent's own store in the SQLite era (OpenClaw 2026.6.5+), read without a lock; `update` writes it
    through core.sqlite_write."""
    raws = _own_sqlite_stores(paths)
    store, problems = _sqlite_model(raws)
    exists = any(raw is not None and raw.store is not None for raw in raws)
    return LoadedStore(paths, store, problems, [], exists)


def _read(paths: AgentPaths, *, tighten: bool) -> LoadedStore:
    from openclaw_onboard.core import authstate, imports  # local: imports depends on store's models only

    if detect_era(paths.state).is_sqlite:
        return _read_sqlite(paths)

    warnings: list[str] = []
    if tighten and (warning := fsio.tighten_file_mode(paths.store)):
        warnings.append(warning)
    raw = fsio.read_json_object(paths.store)
    if raw is None:
        store, problems = AuthProfileStore(), list[LoadProblem]()
        legacy_ids = imports.merge_legacy(store, paths, problems)
        exists = False
    else:
        store, problems = AuthProfileStore.from_raw(raw, STORE_FILENAME)
        legacy_ids, exists = [], True
    state_problems: list[str] = []
    state = authstate.read_state(paths, raw, state_problems)
    store.set_state(state)
    problems += [LoadProblem(file=paths.auth_state.name, key="file", reason=p.split(": ", 2)[-1])
                 for p in state_problems]
    return LoadedStore(paths, store, problems, warnings, exists, legacy_ids,
                       state_corrupt=state["corrupt"], state_at_read=store.state_payload(),
                       legacy_state_keys=raw is not None and any(k in raw for k in authstate.STATE_KEYS))


def load(agent_id: str = "main", state: Path | None = None, *, paths: AgentPaths | None = None) -> LoadedStore:
    """A consistent snapshot of one agent's store (no lock needed to read)."""
    p = paths or agent_paths(agent_id, state)
    return _read(p, tighten=True)


def load_runtime(agent_id: str = "main", state: Path | None = None) -> LoadedStore:
    """What OpenClaw's runtime sees for an agent: a sub-agent's store over main's (profiles by id,
    order/lastGood/usageStats per entry; the agent wins). For main, just its store. Read-only view."""
    from openclaw_onboard.core import authstate
    from openclaw_onboard.core.paths import DEFAULT_AGENT_ID

    loaded = load(agent_id, state)
    if agent_id == DEFAULT_AGENT_ID:
        return loaded
    main = load(DEFAULT_AGENT_ID, state)
    if main.paths.agent_dir == loaded.paths.agent_dir or not (main.store.profiles or main.store.order):
        return loaded
    merged = loaded.store.model_copy(deep=True)
    merged.profiles = {**main.store.profiles, **loaded.store.profiles}
    state_main = {k: getattr(main.store, k) for k in authstate.STATE_KEYS}
    state_agent = {k: getattr(loaded.store, k) for k in authstate.STATE_KEYS}
    merged.set_state(authstate.merge_state(state_main, state_agent))
    return LoadedStore(loaded.paths, merged, loaded.problems + main.problems, loaded.warnings, loaded.exists,
                       loaded.legacy_ids)


def update(
    mutate: Callable[[AuthProfileStore], T],
    agent_id: str = "main",
    state: Path | None = None,
    *,
    paths: AgentPaths | None = None,
    timeout: float | None = None,
) -> T:
    """Lock, re-read, `mutate(store)`, write atomically if anything changed; return its result.

    The lock is OpenClaw's own store lock (core.locking), so a running gateway and this tool
    never interleave read-modify-write cycles. `mutate` may raise to abort: nothing is written
    then. `mutate` may also run more than once (when OpenClaw takes the lock from under us, the
    cycle is redone on a fresh read), so it must set values, never add to them; the result of
    its first successful run is returned. `timeout` defaults to `$OPENCLAW_LOCK_TIMEOUT_S`, else 10 s.
    """
    import time

    from openclaw_onboard.core import locking
    from openclaw_onboard.core.errors import LockLostError, OpenClawError

    p = paths or agent_paths(agent_id, state)
    wait = locking.default_timeout() if timeout is None else timeout
    if detect_era(p.state).is_sqlite:  # before any lock or dir is made: a SQLite-era dir gets no file-era file
        return _update_sqlite(p, mutate, wait)
    deadline = time.monotonic() + wait
    committed = False
    results: list[T] = []  # mutate's result in each pass up to the commit (a list: T itself may be None)
    while True:
        try:
            with locking.hold(p.lock, max(0.0, deadline - time.monotonic()), queue=p.lock_queue) as lock:
                loaded = _read(p, tighten=True)
                before = _canonical(loaded.store)
                try:
                    outcome = mutate(loaded.store)
                except OpenClawError:
                    if committed:  # the pass that checks our committed change: nothing left to apply
                        return results[-1]
                    raise
                if not committed:
                    results.append(outcome)
                if _canonical(loaded.store) != before or loaded.legacy_ids:
                    try:
                        _write(loaded, lock.ensure_fresh)
                    finally:
                        committed = committed or loaded.renamed
                if lock.is_ours():
                    return results[-1]
                # Our lock was removed after our last check: a waiter of OpenClaw's may have read
                # the store before our rename and will write over it. Apply the change again.
                raise LockLostError(p.lock, lock.held_s)
        except LockLostError:
            # OpenClaw's waiters can remove a lock created a moment earlier (their stale check treats
            # a lock that was just released as stale and `rm -f`s whatever stands there then). Redo
            # the cycle: `mutate` runs again on a fresh read, so it must be idempotent (set, not add).
            if committed:
                deadline = max(deadline, time.monotonic() + wait)  # the check pass gets its own time
            if time.monotonic() >= deadline:
                raise


def _main_dir(paths: AgentPaths) -> str:
    from openclaw_onboard.core.paths import DEFAULT_AGENT_ID

    return str(agent_paths(DEFAULT_AGENT_ID, paths.state).agent_dir)


def check_writable(agent_id: str = "main", state: Path | None = None) -> None:
    """Raise, before a face prompts for anything, when `update` could not write this agent's store: a SQLite-era
    state dir of a release we do not write, holding a file-era store beside its databases, or an agent without
    its database (core.sqlite_write). Nothing is locked or created."""
    p = agent_paths(agent_id, state)
    if detect_era(p.state).is_sqlite:
        from openclaw_onboard.core import sqlite_write

        sqlite_write.check_writable(str(p.state), p.agent_id, str(p.agent_dir), _main_dir(p))


def _update_sqlite(p: AgentPaths, mutate: Callable[[AuthProfileStore], T], timeout: float) -> T:
    """`update` in the SQLite era: the agent's databases in OpenClaw's write transactions (core.sqlite_write);
    `mutate` sees the agent's own store as `load` shows it, and only the entries it changed are written back,
    each to the database that holds it."""
    import copy

    from openclaw_onboard.core import sqlite_store, sqlite_write

    with sqlite_write.transaction(str(p.state), p.agent_id, str(p.agent_dir), _main_dir(p),
                                  timeout=timeout) as cells:
        # Copies: `mutate` must not change the cells' documents, which `place` compares against.
        store, _problems = _sqlite_model([sqlite_store.RawStore(c.path, copy.deepcopy(c.store),
                                                                copy.deepcopy(c.state)) for c in cells])
        before = (copy.deepcopy(store.to_raw()["profiles"]), copy.deepcopy(store.state_payload() or {}))
        result = mutate(store)
        sqlite_write.place(cells, before, (store.to_raw()["profiles"], store.state_payload() or {}))
    return result


def raw_profile(paths: AgentPaths, profile_id: str) -> Any:
    """SQLite era: one profile as the agent's own store holds it (the JSON OpenClaw wrote, not our model), read
    without a lock; None when absent. The refresh fences are compared on these exact values."""
    from openclaw_onboard.core import sqlite_store

    profiles, _state = sqlite_store.merged(*_own_sqlite_stores(paths))
    return profiles.get(profile_id)


def update_raw_profile(paths: AgentPaths, profile_id: str, change: Callable[[Any], Any], *,
                       timeout: float) -> tuple[Any, Any]:
    """SQLite era: in one write transaction, `change(current)` (the profile's JSON as stored, None when absent)
    returns the profile to write, or None to write nothing; the profile stays in the database that holds it.
    Returns (what was stored before, what was written or None)."""
    import copy

    from openclaw_onboard.core import sqlite_write

    with sqlite_write.transaction(str(paths.state), paths.agent_id, str(paths.agent_dir), _main_dir(paths),
                                  timeout=timeout) as cells:
        holders = [c for c in cells if profile_id in c.profiles()]
        current = copy.deepcopy(holders[-1].profiles()[profile_id]) if holders else None
        new = change(copy.deepcopy(current))
        if new is not None and holders:
            holders[-1].profiles()[profile_id] = new
            holders[-1].store_changed = True
        return current, new if holders else None


def _canonical(store: AuthProfileStore) -> str:
    return json.dumps([store.to_raw(), store.state_payload()], sort_keys=True, default=str)


def _write(loaded: LoadedStore, before_commit: Callable[[], None] | None = None) -> None:
    """Write under the lock as OpenClaw does: auth-profiles.json, then auth-state.json; then legacy clean-up."""
    from openclaw_onboard.core import authstate, imports

    p = loaded.paths
    state = loaded.store.state_payload()
    if loaded.state_corrupt and (state != loaded.state_at_read or loaded.legacy_state_keys):
        raise StoreCorruptError(p.auth_state, "cannot be parsed, and this change needs to rewrite it")
    def check_then_mark() -> None:
        if before_commit is not None:
            before_commit()
        loaded.renamed = True

    fsio.remove_stale_temps(p.agent_dir, STORE_FILENAME)
    fsio.atomic_write_json(p.store, loaded.store.to_raw(), before_commit=check_then_mark)
    if not loaded.state_corrupt:
        authstate.write_state(p, state, before_commit)
    # Only now that the new store is safely on disk may legacy files change.
    imports.after_store_written(p, loaded.legacy_ids)


def remove_files(paths: AgentPaths) -> None:
    """Used by tests and `agents` tooling: drop a store (under its lock)."""
    from openclaw_onboard.core import locking

    refuse_file_era_write(paths.state)
    with locking.hold(paths.lock):
        for path in (paths.store, paths.auth_state):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
