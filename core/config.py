"""`<state>/openclaw.json` (JSON5): we change only `auth` and `agents.list`, and keep every other byte.

Writes are edits applied to the original text (core.json5edit), so comments, unquoted keys,
`$include` and `${VAR}` survive, and OpenClaw's read-time guard (which restores its backup when a
file shrinks suspiciously or loses `meta`/`gateway.mode`) never undoes our change. As OpenClaw's own
writer does, the previous file is kept as `openclaw.json.bak` (older ones as `.bak.1`..`.bak.4`) and a
write that would shrink a file of 512 bytes or more to less than half is refused.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from openclaw_onboard.core import fsio
from openclaw_onboard.core.errors import OpenClawError, StoreCorruptError
from openclaw_onboard.core.models import AuthConfig, AuthProfileConfig
from openclaw_onboard.core.paths import config_lock_path, config_path

T = TypeVar("T")
BACKUPS = 4
SHRINK_GUARD_BYTES = 512


@dataclass
class LoadedConfig:
    path: Path
    raw: dict[str, Any]
    auth: AuthConfig
    exists: bool
    text: str = ""


def load_config(state: Path | None = None) -> LoadedConfig:
    path = config_path(state)
    raw_bytes = fsio.read_bytes_or_none(path)
    exists = raw_bytes is not None
    raw = fsio.parse_json_object(path, raw_bytes, json5=True) if raw_bytes is not None else {}
    auth_raw = raw.get("auth") or {}
    if isinstance(auth_raw, dict) and "$include" in auth_raw:
        auth_raw = {k: v for k, v in auth_raw.items() if k != "$include"}
    try:
        auth = AuthConfig.model_validate(auth_raw)
    except ValueError:
        raise StoreCorruptError(path, "the `auth` section has the wrong shape") from None
    text = raw_bytes.decode("utf-8-sig") if raw_bytes is not None else ""
    return LoadedConfig(path, raw, auth, exists, text)


def _edits(old: dict[str, Any], new: dict[str, Any], prefix: list[str], depth: int) -> list[tuple[list[str], Any]]:
    """(path, value) changes turning `old` into `new`; value `_DELETE` removes. Recurse `depth` levels."""
    out: list[tuple[list[str], Any]] = []
    for key in old:
        if key not in new:
            out.append(([*prefix, key], _DELETE))
    for key, value in new.items():
        if key in old and old[key] == value:
            continue
        if depth > 0 and isinstance(value, dict) and isinstance(old.get(key), dict):
            out += _edits(old[key], value, [*prefix, key], depth - 1)
        else:
            out.append(([*prefix, key], value))
    return out


_DELETE = object()


def write_edits(cfg: LoadedConfig, edits: list[tuple[list[str], Any]], expected: dict[str, Any]) -> None:
    """Apply `edits` to the file's text and write it (under the config lock, by the caller)."""
    if not edits:
        return
    if cfg.exists:
        text = edited_text(cfg, edits, expected)
        _rotate_backups(cfg.path, cfg.text.encode("utf-8"))
    else:
        text = json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    fsio.remove_stale_temps(cfg.path.parent, cfg.path.name)  # left by a killed writer
    fsio.atomic_write_bytes(cfg.path, text.encode("utf-8"))


def edited_text(cfg: LoadedConfig, edits: list[tuple[list[str], Any]], expected: dict[str, Any]) -> str:
    """The file's text with `edits` applied, checked to say exactly `expected` and not to halve the file;
    raises (writing nothing) when it cannot be. write_edits writes it; a use case's preflight only asks."""
    from openclaw_onboard.core import json5edit

    text = cfg.text
    if cfg.exists:
        try:
            for path, value in edits:
                text = json5edit.delete_key(text, path) if value is _DELETE else json5edit.set_value(text, path, value)
            import json5

            check = json5.loads(text)
        except (json5edit.Json5EditError, ValueError):
            raise StoreCorruptError(cfg.path, "could not be edited in place; change it by hand") from None
        if check != expected:  # never write a file that does not say exactly what we mean
            raise StoreCorruptError(cfg.path, "could not be edited in place; change it by hand")
        old_size = len(cfg.text.encode())
        if old_size >= SHRINK_GUARD_BYTES and len(text.encode()) < old_size / 2:
            raise OpenClawError(f"Refusing to write {cfg.path}: it would shrink from {old_size} bytes to "
                                f"{len(text.encode())} (OpenClaw's own guard); change it by hand")
    return text


def _rotate_backups(path: Path, current: bytes) -> None:
    """As OpenClaw: `.bak.3`->`.bak.4` ... `.bak`->`.bak.1`, and the current file as the new `.bak`.

    The new backup is written first, to a fresh O_EXCL temp file (never through a link someone
    planted), so a full disk fails before any backup was moved.
    """
    bak = path.with_name(path.name + ".bak")
    tmp = fsio.write_private_temp(path.parent, bak.name, current)
    try:
        for n in range(BACKUPS - 1, 0, -1):
            src = path.with_name(f"{path.name}.bak.{n}")
            if src.exists() and not src.is_symlink():
                os.replace(src, path.with_name(f"{path.name}.bak.{n + 1}"))
        if bak.exists() and not bak.is_symlink():
            os.replace(bak, path.with_name(path.name + ".bak.1"))
        os.replace(tmp, bak)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def update_config(compute: Callable[[dict[str, Any]], T], state: Path | None = None) -> T:
    """Lock openclaw.json, re-read, let `compute(raw)` change a copy of it, write the difference."""
    import copy

    from openclaw_onboard.core import locking

    with locking.hold(config_lock_path(state)):
        cfg = load_config(state)
        new_raw = copy.deepcopy(cfg.raw)
        result = compute(new_raw)
        if new_raw != cfg.raw:
            _refuse_included_auth(cfg)
            write_edits(cfg, _edits(cfg.raw, new_raw, [], 3), new_raw)
        return result


def _refuse_included_auth(cfg: LoadedConfig) -> None:
    if isinstance(cfg.raw.get("auth"), dict) and "$include" in cfg.raw["auth"]:
        raise OpenClawError(f"{cfg.path}: `auth` comes from an $include; edit that file instead")


def check_update_config(compute: Callable[[dict[str, Any]], object], state: Path | None = None) -> None:
    """Raise what `update_config(compute, state)` would raise about the file, writing nothing. A use case
    asks this before it writes the store, so a config it cannot edit stops the action before any write."""
    import copy

    cfg = load_config(state)
    new_raw = copy.deepcopy(cfg.raw)
    compute(new_raw)
    if new_raw != cfg.raw:
        _refuse_included_auth(cfg)
        edited_text(cfg, _edits(cfg.raw, new_raw, [], 3), new_raw)


def update_auth(mutate: Callable[[AuthConfig], T], state: Path | None = None) -> T:
    """Lock openclaw.json, re-read, mutate its `auth` part, write the change in place if there is one."""
    return update_config(_auth_compute(mutate), state)


def _auth_compute(mutate: Callable[[AuthConfig], T]) -> Callable[[dict[str, Any]], T]:
    def compute(raw: dict[str, Any]) -> T:
        auth_raw = raw.get("auth") if isinstance(raw.get("auth"), dict) else {}
        auth = AuthConfig.model_validate(auth_raw)
        before = json.dumps(auth.dump(), sort_keys=True)
        result = mutate(auth)
        after = auth.dump()
        if json.dumps(after, sort_keys=True) != before:
            raw["auth"] = {**auth_raw, **after}
            for key in ("profiles", "order"):
                if key not in after and key in auth_raw:
                    raw["auth"].pop(key, None)
        return result

    return compute


def register_profile(profile_id: str, provider: str, mode: str, email: str | None = None,
                     state: Path | None = None) -> None:
    """Record routing metadata (never secrets) for a profile in `auth.profiles`."""
    update_auth(_register(profile_id, provider, mode, email), state)


def check_register_profile(profile_id: str, provider: str, mode: str, email: str | None = None,
                           state: Path | None = None) -> None:
    """Raise what `register_profile` would raise about openclaw.json, writing nothing (a preflight)."""
    check_update_config(_auth_compute(_register(profile_id, provider, mode, email)), state)


def _register(profile_id: str, provider: str, mode: str, email: str | None) -> Callable[[AuthConfig], None]:
    def mutate(auth: AuthConfig) -> None:
        entry = AuthProfileConfig(provider=provider, mode=mode)
        if email:
            entry.email = email
        auth.profiles[profile_id] = entry
        auth.model_fields_set.add("profiles")
        ids = auth.order.get(provider)
        if ids is not None and profile_id not in ids:
            ids.insert(0, profile_id)  # OpenClaw's applyAuthProfileConfig: a new login goes first

    return mutate


def unregister_profile(profile_id: str, state: Path | None = None) -> None:
    if config_path(state).exists():
        update_auth(_unregister(profile_id), state)


def check_unregister_profile(profile_id: str, state: Path | None = None) -> None:
    """Raise what `unregister_profile` would raise about openclaw.json, writing nothing (a preflight)."""
    if config_path(state).exists():
        check_update_config(_auth_compute(_unregister(profile_id)), state)


def _unregister(profile_id: str) -> Callable[[AuthConfig], None]:
    def mutate(auth: AuthConfig) -> None:
        auth.profiles.pop(profile_id, None)
        for ids in auth.order.values():
            while profile_id in ids:
                ids.remove(profile_id)

    return mutate
