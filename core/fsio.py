"""Atomic, private file writes and careful reads.

Every write: temp file in the same directory, fsync, chmod 0600, rename over the
target, fsync the directory. A reader therefore sees the old bytes or the new
bytes, never a torn or empty file, even if the writer is SIGKILLed.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.errors import StoreCorruptError, UnsafePathError

FILE_MODE = 0o600
DIR_MODE = 0o700
TEMP_PREFIX = ".openclaw-tmp-"
# A store larger than this is not a credential file; refuse instead of eating memory.
MAX_JSON_BYTES = 16 * 1024 * 1024


def ensure_private_dir(path: Path) -> None:
    """Create `path` and any missing parents with 0700; tighten an existing leaf dir we own.

    `mkdir(parents=True)` would give the parents the umask's mode (often 0755), so the
    missing ones are created one by one.
    """
    missing: list[Path] = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for d in reversed(missing):
        with contextlib.suppress(FileExistsError):
            d.mkdir(mode=DIR_MODE)
            d.chmod(DIR_MODE)  # in case the umask removed owner bits
    with contextlib.suppress(OSError):
        st = path.stat()
        if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) & 0o077:
            path.chmod(DIR_MODE)


def check_not_foreign_symlink(path: Path) -> None:
    """Refuse a store that is a symlink to a file owned by another user."""
    if not path.is_symlink():
        return
    try:
        target_uid = path.stat().st_uid
    except FileNotFoundError:
        raise UnsafePathError(f"{path} is a dangling symlink; refusing to use it") from None
    if target_uid != os.getuid():
        raise UnsafePathError(
            f"{path} is a symlink to a file owned by another user (uid {target_uid}); refusing to use it"
        )


def atomic_write_bytes(path: Path, data: bytes, mode: int = FILE_MODE,
                       before_commit: Callable[[], None] | None = None) -> None:
    """`before_commit()` runs after the temp file is on disk, right before the rename; if it raises,
    the target is left as it was (used to check, at the last moment, that we still hold the lock)."""
    ensure_private_dir(path.parent)
    check_not_foreign_symlink(path)
    # Write through a symlink we own to its target, so the link survives.
    target = path.resolve() if path.is_symlink() else path
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX + target.name + ".", dir=target.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if before_commit is not None:
            before_commit()
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(target.parent)


def _finite(value: Any) -> Any:
    """Infinity/NaN become null, as JavaScript's JSON.stringify writes them (`1e999` reads as inf)."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def atomic_write_json(path: Path, data: Any, mode: int = FILE_MODE,
                      before_commit: Callable[[], None] | None = None) -> None:
    try:
        text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    except ValueError:  # a non-finite float: never write `Infinity`, which OpenClaw cannot parse
        text = json.dumps(_finite(data), indent=2, ensure_ascii=False)
    try:
        raw = (text + "\n").encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (`"\ud800"`, which JavaScript writes happily) has no UTF-8 form:
        # keep it as a \u escape, which OpenClaw reads back as the same string.
        raw = (json.dumps(_finite(data), indent=2, ensure_ascii=True) + "\n").encode("ascii")
    atomic_write_bytes(path, raw, mode, before_commit)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temps(directory: Path, name: str) -> int:
    """Remove temp files a killed writer left behind for `name`. Call only under the lock."""
    removed = 0
    with contextlib.suppress(FileNotFoundError):
        for p in directory.glob(f"{TEMP_PREFIX}{name}.*"):
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
                removed += 1
    return removed


def read_bytes_or_none(path: Path) -> bytes | None:
    """The file's bytes, None if absent; a clear StoreCorruptError if unreadable."""
    check_not_foreign_symlink(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreCorruptError(path, f"cannot stat: {exc.strerror}") from None
    if size > MAX_JSON_BYTES:
        raise StoreCorruptError(path, f"file is {size} bytes, larger than the {MAX_JSON_BYTES} allowed")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise StoreCorruptError(path, "is a directory, expected a JSON file") from None
    except OSError as exc:
        raise StoreCorruptError(path, f"cannot read: {exc.strerror}") from None


class _NonStandardJSON(ValueError):
    pass


def _reject_constant(name: str) -> None:
    """NaN/Infinity: Python's json accepts them, JavaScript's JSON.parse (OpenClaw) does not."""
    raise _NonStandardJSON(name)


def parse_json_object(path: Path, raw: bytes, *, json5: bool = False) -> dict[str, Any]:
    """Parse bytes to a JSON object or raise StoreCorruptError naming the file and problem."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StoreCorruptError(path, f"not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise StoreCorruptError(path, "file is empty")
    try:
        if json5:
            import json5 as _json5  # lazy: only openclaw.json needs it

            data = _json5.loads(text)
        else:
            data = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise StoreCorruptError(path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except _NonStandardJSON as exc:
        raise StoreCorruptError(path, f"invalid JSON: {exc} is not allowed (OpenClaw could not read it)") from None
    except RecursionError:
        raise StoreCorruptError(path, "JSON is nested too deeply") from None
    except ValueError as exc:  # json5 raises ValueError
        raise StoreCorruptError(path, f"invalid JSON5: {str(exc)[:200]}") from None
    if not isinstance(data, dict):
        raise StoreCorruptError(path, f"expected a JSON object at the top level, found {type(data).__name__}")
    return data


def read_json_object(path: Path, *, json5: bool = False) -> dict[str, Any] | None:
    raw = read_bytes_or_none(path)
    return None if raw is None else parse_json_object(path, raw, json5=json5)


def tighten_file_mode(path: Path) -> bool:
    """Make an existing file 0600 if group/world can read it. True if it changed."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(st.st_mode):
        return False  # a directory in the store's place is reported as corrupt, never changed
    if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) & 0o077:
        path.chmod(FILE_MODE)
        return True
    return False
