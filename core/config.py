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
    from openclaw_onboard.core import json5edit

    if not edits:
        return
    if cfg.exists:
        text = cfg.text
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
        _rotate_backups(cfg.path, cfg.text.encode("utf-8"))
    else:
        text = json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    fsio.remove_stale_temps(cfg.path.parent, cfg.path.name)  # left by a killed writer
    fsio.atomic_write_bytes(cfg.path, text.encode("utf-8"))


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
            if isinstance(cfg.raw.get("auth"), dict) and "$include" in cfg.raw["auth"]:
                raise OpenClawError(f"{cfg.path}: `auth` comes from an $include; edit that file instead")
            write_edits(cfg, _edits(cfg.raw, new_raw, [], 3), new_raw)
        return result


def update_auth(mutate: Callable[[AuthConfig], T], state: Path | None = None) -> T:
    """Lock openclaw.json, re-read, mutate its `auth` part, write the change in place if there is one."""

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

    return update_config(compute, state)


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
            ids.insert(0, profile_id)  # OpenClaw's applyAuthProfileConfig: a new login goes first

    update_auth(mutate, state)


def unregister_profile(profile_id: str, state: Path | None = None) -> None:
    def mutate(auth: AuthConfig) -> None:
        auth.profiles.pop(profile_id, None)
        for ids in auth.order.values():
            while profile_id in ids:
                ids.remove(profile_id)

    if config_path(state).exists():
        update_auth(mutate, state)


def reinsert_profile(profile_id: str, entry: dict[str, Any] | None, index: int, order_at: dict[str, int],
                     state: Path | None = None) -> None:
    """Put back what `unregister_profile` removed: the `auth.profiles` entry at its former place
    (`index`) and the id at its former places in `auth.order` (`order_at`: provider -> index). An
    undone delete must give back the exact order, and with no override OpenClaw orders by
    `auth.profiles`. The editor appends new keys, so the entries that stood after it are written again
    after it (their values unchanged; a comment inside one of them is not kept)."""
    import copy

    from openclaw_onboard.core import locking

    if entry is None and not order_at:
        return
    with locking.hold(config_lock_path(state)):
        cfg = load_config(state)
        if isinstance(cfg.raw.get("auth"), dict) and "$include" in cfg.raw["auth"]:
            raise OpenClawError(f"{cfg.path}: `auth` comes from an $include; edit that file instead")
        new_raw = copy.deepcopy(cfg.raw)
        auth = new_raw.setdefault("auth", {})
        edits: list[tuple[list[str], Any]] = []
        if entry is not None and profile_id not in (auth.get("profiles") or {}):
            profiles = auth.get("profiles")
            if not isinstance(profiles, dict) or not profiles:
                auth["profiles"] = {profile_id: entry}
                edits.append((["auth", "profiles", profile_id], entry))
            else:
                keys = list(profiles)
                tail = keys[min(index, len(keys)):]
                auth["profiles"] = {**{k: profiles[k] for k in keys[:index]}, profile_id: entry,
                                    **{k: profiles[k] for k in tail}}
                edits += [(["auth", "profiles", k], _DELETE) for k in tail]
                edits += [(["auth", "profiles", k], v) for k, v in list(auth["profiles"].items())[index:]]
        order = auth.get("order")
        for provider, at in order_at.items():
            ids = order.get(provider) if isinstance(order, dict) else None
            if isinstance(ids, list) and profile_id not in ids:
                ids.insert(min(at, len(ids)), profile_id)
                edits.append((["auth", "order", provider], ids))
        write_edits(cfg, edits, new_raw)
