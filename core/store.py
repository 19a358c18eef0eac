"""One agent's auth-profiles.json: read, and change safely.

`load()` is a lock-free snapshot (atomic writes make that safe). `update()` is the
only way to change a store: it holds `auth-profiles.json.lock`, re-reads inside
the lock, applies the caller's mutation, and writes atomically, so concurrent
writers in any number of processes lose nothing. A corrupt store raises
StoreCorruptError and is never overwritten.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from core import fsio
from core.errors import StoreCorruptError
from core.models import AuthProfileStore, LoadProblem
from core.paths import STORE_FILENAME, AgentPaths, agent_paths

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


def _read(paths: AgentPaths, *, tighten: bool) -> LoadedStore:
    from core import authstate, imports  # local: imports depends on store's models only

    warnings: list[str] = []
    if tighten and fsio.tighten_file_mode(paths.store):
        warnings.append(f"{paths.store} was readable by other users; its mode is now 0600")
    raw = fsio.read_json_object(paths.store)
    if raw is None:
        store, problems = AuthProfileStore(), []
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
    then. `timeout` defaults to `$OPENCLAW_LOCK_TIMEOUT_S`, else 10 s.
    """
    from core import locking

    p = paths or agent_paths(agent_id, state)
    with locking.hold(p.lock, timeout) as lock:
        loaded = _read(p, tighten=True)
        before = _canonical(loaded.store)
        result = mutate(loaded.store)
        if _canonical(loaded.store) != before or loaded.legacy_ids:
            lock.ensure_fresh()
            _write(loaded)
        return result


def _canonical(store: AuthProfileStore) -> str:
    return json.dumps([store.to_raw(), store.state_payload()], sort_keys=True, default=str)


def _write(loaded: LoadedStore) -> None:
    """Write under the lock as OpenClaw does: auth-profiles.json, then auth-state.json; then legacy clean-up."""
    from core import authstate, imports

    p = loaded.paths
    state = loaded.store.state_payload()
    if loaded.state_corrupt and (state != loaded.state_at_read or loaded.legacy_state_keys):
        raise StoreCorruptError(p.auth_state, "cannot be parsed, and this change needs to rewrite it")
    fsio.remove_stale_temps(p.agent_dir, STORE_FILENAME)
    fsio.atomic_write_json(p.store, loaded.store.to_raw())
    if not loaded.state_corrupt:
        authstate.write_state(p, state)
    # Only now that the new store is safely on disk may legacy files change.
    imports.after_store_written(p, loaded.legacy_ids)


def remove_files(paths: AgentPaths) -> None:
    """Used by tests and `agents` tooling: drop a store (under its lock)."""
    from core import locking

    with locking.hold(paths.lock):
        for path in (paths.store, paths.auth_state):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
