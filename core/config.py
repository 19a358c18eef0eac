"""`<state>/openclaw.json` (JSON5): only the `auth` part is ours; the rest is kept as is.

Note: a rewrite is plain JSON (valid JSON5), so comments in the file do not
survive a change we make; we therefore only rewrite when the auth part changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from core import fsio
from core.errors import StoreCorruptError
from core.models import AuthConfig, AuthProfileConfig
from core.paths import config_lock_path, config_path

T = TypeVar("T")


@dataclass
class LoadedConfig:
    path: Path
    raw: dict[str, Any]
    auth: AuthConfig
    exists: bool


def load_config(state: Path | None = None) -> LoadedConfig:
    path = config_path(state)
    raw = fsio.read_json_object(path, json5=True)
    exists = raw is not None
    raw = raw or {}
    auth_raw = raw.get("auth") or {}
    try:
        auth = AuthConfig.model_validate(auth_raw)
    except ValueError:
        raise StoreCorruptError(path, "the `auth` section has the wrong shape") from None
    return LoadedConfig(path, raw, auth, exists)


def update_auth(mutate: Callable[[AuthConfig], T], state: Path | None = None) -> T:
    """Lock openclaw.json, re-read, mutate its `auth` part, write atomically if changed."""
    from core import locking

    with locking.hold(config_lock_path(state)):
        cfg = load_config(state)
        before = json.dumps(cfg.auth.dump(), sort_keys=True)
        result = mutate(cfg.auth)
        after_dump = cfg.auth.dump()
        if json.dumps(after_dump, sort_keys=True) != before:
            new_raw = dict(cfg.raw)
            new_raw["auth"] = after_dump
            fsio.remove_stale_temps(cfg.path.parent, cfg.path.name)  # left by a killed writer
            fsio.atomic_write_json(cfg.path, new_raw)
        return result


def register_profile(profile_id: str, provider: str, mode: str, email: str | None = None,
                     state: Path | None = None) -> None:
    """Record routing metadata (never secrets) for a profile in `auth.profiles`."""

    def mutate(auth: AuthConfig) -> None:
        entry = AuthProfileConfig(provider=provider, mode=mode)
        if email:
            entry.email = email
        auth.profiles[profile_id] = entry
        auth.model_fields_set.add("profiles")
        ids = auth.order.get(provider)
        if ids is not None and profile_id not in ids:
            ids.append(profile_id)  # same reason as core.profiles: an order is an allow-list

    update_auth(mutate, state)


def unregister_profile(profile_id: str, state: Path | None = None) -> None:
    def mutate(auth: AuthConfig) -> None:
        auth.profiles.pop(profile_id, None)
        for ids in auth.order.values():
            while profile_id in ids:
                ids.remove(profile_id)

    if config_path(state).exists():
        update_auth(mutate, state)
