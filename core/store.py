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
from core.models import AuthProfileStore, AuthState, LoadProblem
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
    state: AuthState | None = None


def _read(paths: AgentPaths, *, tighten: bool) -> LoadedStore:
    from core import imports  # local: imports depends on store's models only

    warnings: list[str] = []
    if tighten and (warning := fsio.tighten_file_mode(paths.store)):
        warnings.append(warning)
    raw = fsio.read_json_object(paths.store)
    if raw is None:
        store, problems = AuthProfileStore(), []
        legacy_ids = imports.merge_legacy(store, paths, problems)
        exists = False
    else:
        store, problems = AuthProfileStore.from_raw(raw, STORE_FILENAME)
        legacy_ids, exists = [], True
    state = _read_state(paths, problems)
    if state is not None and state.order is not None:
        store.order = dict(state.order)  # auth-state.json's order wins on read
    return LoadedStore(paths, store, problems, warnings, exists, legacy_ids, state)


def _read_state(paths: AgentPaths, problems: list[LoadProblem]) -> AuthState | None:
    try:
        raw = fsio.read_json_object(paths.auth_state)
    except StoreCorruptError as exc:
        problems.append(LoadProblem(file=paths.auth_state.name, key="file", reason=exc.problem))
        return None
    if raw is None:
        return None
    try:
        return AuthState.model_validate(raw)
    except ValueError:
        problems.append(LoadProblem(file=paths.auth_state.name, key="file", reason="wrong shape, ignored"))
        return None


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

    `mutate` may raise to abort: nothing is written then. `timeout` defaults to
    `$OPENCLAW_LOCK_TIMEOUT_S`, else 10 s.
    """
    from core import locking  # lazy: filelock costs ~40 ms and reads never lock

    p = paths or agent_paths(agent_id, state)
    with locking.hold(p.lock, timeout):
        loaded = _read(p, tighten=True)
        before = _canonical(loaded.store)
        result = mutate(loaded.store)
        if _canonical(loaded.store) != before or loaded.legacy_ids:
            _write(loaded)
        return result


def _canonical(store: AuthProfileStore) -> str:
    return json.dumps(store.to_raw(), sort_keys=True)


def _write(loaded: LoadedStore) -> None:
    """Write under the lock: store, then auth-state.json's order, then legacy clean-up."""
    from core import imports

    p = loaded.paths
    fsio.remove_stale_temps(p.agent_dir, STORE_FILENAME)
    fsio.atomic_write_json(p.store, loaded.store.to_raw())
    if loaded.state is not None and p.auth_state.exists():
        state = loaded.state
        new_order = loaded.store.order or None
        if state.order != new_order:
            state.order = new_order
            raw = state.dump()
            if new_order is None:
                raw.pop("order", None)
            fsio.remove_stale_temps(p.agent_dir, p.auth_state.name)
            fsio.atomic_write_json(p.auth_state, raw)
    # Only now that the new store is safely on disk may legacy files change.
    imports.after_store_written(p, loaded.legacy_ids)


def remove_files(paths: AgentPaths) -> None:
    """Used by tests and `agents` tooling: drop a store (under its lock)."""
    from core import locking

    with locking.hold(paths.lock), contextlib.suppress(FileNotFoundError):
        os.unlink(paths.store)
