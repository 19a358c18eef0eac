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

from openclaw_onboard.core import configfile, fsio
from openclaw_onboard.core.errors import OpenClawError, StoreCorruptError
from openclaw_onboard.core.models import AuthConfig, AuthProfileConfig
from openclaw_onboard.core.paths import config_lock_path, config_path

T = TypeVar("T")
BACKUPS = 4
SHRINK_GUARD_BYTES = 512


@dataclass
class LoadedConfig:
    path: Path
    raw: dict[str, Any]  # includes resolved (core.configfile)
    auth: AuthConfig
    exists: bool
    text: str = ""
    source: configfile.ConfigFile | None = None


def load_config(state: Path | None = None) -> LoadedConfig:
    try:
        cfg = configfile.read(state)
    except StoreCorruptError as exc:  # core.configfile names files by str; our callers expect a Path
        raise StoreCorruptError(Path(exc.path), exc.problem) from None
    path = Path(cfg.path)
    auth_raw = cfg.raw.get("auth") or {}
    try:
        auth = AuthConfig.model_validate(auth_raw)
    except ValueError:
        raise StoreCorruptError(path, "the `auth` section has the wrong shape") from None
    return LoadedConfig(path, cfg.raw, auth, cfg.exists, cfg.text, cfg)


def _edits(old: dict[str, Any], new: dict[str, Any], prefix: list[str], depth: int) -> list[tuple[list[str], Any]]:
    """(path, value) changes turning `old` into `new`; value `_DELETE` removes. Recurse `depth` levels."""
    out: list[tuple[list[str], Any]] = []
    for key in old:
        if key not in new:
            out.append(([*prefix, key], _DELETE))
    for key, value in new.items():
        if key in old and same(old[key], value):
            continue
        if depth > 0 and isinstance(value, dict) and isinstance(old.get(key), dict):
            out += _edits(old[key], value, [*prefix, key], depth - 1)
        else:
            out.append(([*prefix, key], value))
    return out


_DELETE = object()


def same(a: Any, b: Any) -> bool:
    """Equal as JSON values: NaN equals NaN (a config may hold one), 1 and 1.0 and True stay apart."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(v, b[k]) for k, v in a.items())
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return type(a) is type(b) and a == b


def _owned_by_include(files: list[str], key_path: list[str]) -> OpenClawError:
    names = " and ".join(files)
    return OpenClawError(f"`{'.'.join(key_path)}` in openclaw.json comes from $include {names}; "
                         f"change it there by hand")


def _has_key(src: configfile.ConfigFile, file: str, node: Any, key: str, root_dir: str) -> bool:
    if not isinstance(node, dict):
        return False
    if key in node:
        return True
    if configfile.INCLUDE_KEY in node:
        return any(_has_key(src, t, src.files[t].raw, key, root_dir)
                   for t in configfile.include_targets(file, node[configfile.INCLUDE_KEY], root_dir))
    return False


def _contains_include(node: Any) -> bool:
    if isinstance(node, dict):
        return configfile.INCLUDE_KEY in node or any(_contains_include(v) for v in node.values())
    if isinstance(node, list):
        return any(_contains_include(v) for v in node)
    return False


def _locate(src: configfile.ConfigFile, path: list[str], value: Any, old: Any) -> list[tuple[str, list[str], Any]]:
    """Where the edit (path, value) goes: [(file, path in that file, value)]. A key an `$include` brings
    in is edited in the included file; a key both an include and the including file give (OpenClaw
    merges them) is refused with a message naming the files, as is replacing a value built by includes."""
    root_dir = os.path.dirname(src.path)
    rel: list[str] = []  # the key path inside `file`
    file, node, i = src.path, src.files[src.path].raw, 0
    while i < len(path):
        key = path[i]
        if isinstance(node, dict) and configfile.INCLUDE_KEY in node:
            targets = configfile.include_targets(file, node[configfile.INCLUDE_KEY], root_dir)
            owners = [t for t in targets if _has_key(src, t, src.files[t].raw, key, root_dir)]
            if (key in node and owners) or len(owners) > 1:
                raise _owned_by_include(owners, path[:i + 1])
            if key not in node:
                if not owners and len(targets) > 1:
                    return [(file, [*rel, *path[i:]], value)]  # nobody has it: beside the includes
                file = owners[0] if owners else targets[0]
                node, rel = src.files[file].raw, []
                continue
        if isinstance(node, dict) and key in node:
            node, rel, i = node[key], [*rel, key], i + 1
            continue
        return [(file, [*rel, *path[i:]], value)]  # created here, with any missing parents
    if value is not _DELETE and _contains_include(node):
        if isinstance(value, dict) and isinstance(old, dict):  # edit inside, member by member
            out = []
            for sub_path, sub_value in _edits(old, value, [], 0):
                out += _locate(src, [*path, *sub_path], sub_value, old.get(sub_path[0]))
            return out
        raise _owned_by_include([_include_names(node)], path)
    return [(file, rel, value)]


def _include_names(node: Any) -> str:
    if isinstance(node, dict):
        if configfile.INCLUDE_KEY in node:
            return str(node[configfile.INCLUDE_KEY])
        return next(_include_names(v) for v in node.values() if _contains_include(v))
    return next(_include_names(v) for v in node if _contains_include(v))


def write_edits(cfg: LoadedConfig, edits: list[tuple[list[str], Any]], expected: dict[str, Any]) -> None:
    """Write the files `edits` change (under the config lock, by the caller): see edited_texts."""
    src = cfg.source if cfg.exists else None
    for name, text in edited_texts(cfg, edits, expected).items():
        target = Path(name)
        if src is not None:
            _rotate_backups(target, src.files[name].text.encode("utf-8"))
        fsio.remove_stale_temps(target.parent, target.name)  # left by a killed writer
        fsio.atomic_write_bytes(target, text.encode("utf-8"))


def edited_texts(cfg: LoadedConfig, edits: list[tuple[list[str], Any]], expected: dict[str, Any]) -> dict[str, str]:
    """{file: new text} for each file that owns an edit (openclaw.json or an `$include`d file), checked to read
    back, as OpenClaw reads them, exactly as `expected`, and not to halve any file. Raises, writing nothing,
    when that cannot be. write_edits writes the texts; a use case's preflight only asks (check_update_config)."""
    from openclaw_onboard.core import json5edit

    if not edits:
        return {}
    if not cfg.exists or cfg.source is None:
        return {str(cfg.path): json.dumps(expected, indent=2, ensure_ascii=False) + "\n"}
    src = cfg.source
    texts = {name: f.text for name, f in src.files.items()}
    try:
        for path, value in edits:
            old = _get(cfg.raw, path)
            for file, file_path, file_value in _locate(src, path, value, old):
                text = texts[file]
                texts[file] = (json5edit.delete_key(text, file_path) if file_value is _DELETE
                               else json5edit.set_value(text, file_path, file_value))
        changed = {name: text for name, text in texts.items() if text != src.files[name].text}
        reparsed = {name: configfile.SourceFile(name, text, configfile.parse(name, text.encode()))
                    for name, text in texts.items()}
        check = configfile.resolve_includes(reparsed[src.path].raw, src.path, reparsed.__getitem__)
    except (json5edit.Json5EditError, StoreCorruptError):
        raise StoreCorruptError(cfg.path, "could not be edited in place; change it by hand") from None
    if not same(check, expected):  # never write a file that does not say exactly what we mean
        raise StoreCorruptError(cfg.path, "could not be edited in place; change it by hand")
    for name, text in changed.items():
        old_size = len(src.files[name].text.encode())
        if old_size >= SHRINK_GUARD_BYTES and len(text.encode()) < old_size / 2:
            raise OpenClawError(f"Refusing to write {name}: it would shrink from {old_size} bytes to "
                                f"{len(text.encode())} (OpenClaw's own guard); change it by hand")
    return changed


def _get(raw: Any, path: list[str]) -> Any:
    for key in path:
        raw = raw.get(key) if isinstance(raw, dict) else None
    return raw


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
        if not same(new_raw, cfg.raw):
            write_edits(cfg, _edits(cfg.raw, new_raw, [], 3), new_raw)
        return result


def check_update_config(compute: Callable[[dict[str, Any]], object], state: Path | None = None) -> None:
    """Raise what `update_config(compute, state)` would raise about the file, writing nothing. A use case
    asks this before it writes the store, so a config it cannot edit stops the action before any write."""
    import copy

    cfg = load_config(state)
    new_raw = copy.deepcopy(cfg.raw)
    compute(new_raw)
    if not same(new_raw, cfg.raw):
        edited_texts(cfg, _edits(cfg.raw, new_raw, [], 3), new_raw)


def update_auth(mutate: Callable[[AuthConfig], T], state: Path | None = None) -> T:
    """Lock openclaw.json, re-read, mutate its `auth` part, write the change in place if there is one."""
    return update_config(_auth_compute(mutate), state)


def _auth_compute(mutate: Callable[[AuthConfig], T]) -> Callable[[dict[str, Any]], T]:
    def compute(raw: dict[str, Any]) -> T:
        auth_raw = v if isinstance(v := raw.get("auth"), dict) else {}
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
