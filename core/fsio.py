"""Atomic, private file writes and careful reads.

Every write: temp file in the same directory (O_EXCL), fsync, fchmod 0600, rename over the
target, fsync the directory. Every path is checked by core.trust first (StrictModes), files are
opened with O_NOFOLLOW and modes change through descriptors. A reader therefore sees the old bytes or the new
bytes, never a torn or empty file, even if the writer is SIGKILLed.
"""

from __future__ import annotations

import json
import os
import stat
from typing import TYPE_CHECKING

from openclaw_onboard.core import trust
from openclaw_onboard.core.errors import OpenClawError, StoreCorruptError, ValidationError
from openclaw_onboard.core.sanitize import clean

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any

    StrPath = str | os.PathLike[str]

FILE_MODE = 0o600
DIR_MODE = 0o700
TEMP_PREFIX = ".openclaw-tmp-"
# A store larger than this is not a credential file; refuse instead of eating memory. 100,000 profiles
# (the largest store we promise to handle, issue #15) take 20-60 MB, depending on token lengths.
MAX_JSON_BYTES = 64 * 1024 * 1024


def ensure_private_dir(path: StrPath) -> None:
    """Refuse an untrusted `path` (core.trust), then create it and any missing parents with 0700, and
    tighten an existing leaf dir we own. Modes change through an open descriptor, never by path.

    `mkdir(parents=True)` would give the parents the umask's mode (often 0755), so the
    missing ones are created one by one.
    """
    from pathlib import Path

    path = Path(path)
    trust.check_dir(path)
    missing: list[Path] = []
    probe = path
    while not os.path.lexists(probe) and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for d in reversed(missing):
        try:
            d.mkdir(mode=DIR_MODE)
        except FileExistsError:
            pass
        except (FileNotFoundError, NotADirectoryError) as exc:  # a dangling link or a file where a dir should be
            raise WriteError(d, exc) from None
        _tighten_dir(d)  # in case the umask removed owner bits
    if missing:
        trust.check_dir(path)  # what we created, or what someone raced in: checked again
    _tighten_dir(path)


def _tighten_dir(path: Path) -> None:
    """0700 on a directory we own, through an O_NOFOLLOW descriptor (a symlinked dir is left as it is)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return
    try:
        st = os.fstat(fd)
        if st.st_uid == os.geteuid() and stat.S_IMODE(st.st_mode) != DIR_MODE:
            trust.fchmod_best_effort(fd, DIR_MODE)
    finally:
        os.close(fd)


def write_private_temp(directory: StrPath, name: str, data: bytes, mode: int = FILE_MODE) -> Path:
    """`data` in a new temp file for `name` in `directory` (O_EXCL, so never through a planted link),
    fsynced, mode 0600; the caller renames it into place. Nothing is left behind on failure."""
    import contextlib
    from pathlib import Path

    directory = Path(directory)
    ensure_private_dir(directory)
    target = directory / name
    try:
        import tempfile  # only writers pay for it (tempfile pulls in shutil, random)

        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX + name + ".", dir=directory)
    except OSError as exc:
        raise WriteError(target, exc) from None
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise WriteError(target, exc) from None
        raise
    return Path(tmp)


def atomic_write_bytes(path: StrPath, data: bytes, mode: int = FILE_MODE,
                       before_commit: Callable[[], None] | None = None) -> None:
    """Never through a symlink, never over another user's file (core.trust), never larger than a reader accepts.

    `before_commit()` runs after the temp file is on disk, right before the rename; if it raises,
    the target is left as it was (used to check, at the last moment, that we still hold the lock)."""
    if len(data) > MAX_JSON_BYTES:  # what read_bytes_or_none would refuse: never write a file we cannot read back
        raise ValidationError(f"{clean(path)}: refusing to write {len(data)} bytes, more than the {MAX_JSON_BYTES} "
                              "a reader accepts; nothing was written")
    import contextlib
    from pathlib import Path

    path = Path(path)
    ensure_private_dir(path.parent)
    trust.check_existing_file(path)
    tmp = write_private_temp(path.parent, path.name, data, mode)
    try:
        if before_commit is not None:
            before_commit()
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise WriteError(path, exc) from None
        raise
    fsync_dir(path.parent)


class WriteError(OpenClawError):
    """A write failed (disk full, read-only, ...): the old file is untouched. Names the file and the OS error."""

    def __init__(self, path: StrPath, exc: OSError) -> None:
        self.path = path
        self.errno = exc.errno
        self.strerror = exc.strerror or type(exc).__name__
        super().__init__(f"Could not write {clean(path)}: {self.strerror} (the previous version was kept)")


def _finite(value: Any) -> Any:
    """Infinity/NaN become null, as JavaScript's JSON.stringify writes them (`1e999` reads as inf)."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def atomic_write_json(path: StrPath, data: Any, mode: int = FILE_MODE,
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


def fsync_dir(path: StrPath) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temps(directory: StrPath, name: str) -> int:
    """Remove temp files a killed writer left behind for `name`. Call only under the lock."""
    import contextlib
    from pathlib import Path

    directory = Path(directory)
    removed = 0
    with contextlib.suppress(FileNotFoundError):
        for p in directory.glob(f"{TEMP_PREFIX}{name}.*"):
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
                removed += 1
    return removed


def read_bytes_or_none(path: StrPath) -> bytes | None:
    """The file's bytes, None if absent; UntrustedPathError if another user could have written it
    (core.trust); a clear StoreCorruptError if unreadable or larger than MAX_JSON_BYTES."""
    trust.check_dir(trust.parent_dir(path))
    try:
        fd = trust.open_nofollow(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise StoreCorruptError(path, f"cannot open: {exc.strerror}") from None
    try:
        st = trust.check_fd(path, fd)
        if stat.S_ISDIR(st.st_mode):
            raise StoreCorruptError(path, "is a directory, expected a JSON file")
        if st.st_size > MAX_JSON_BYTES:
            raise StoreCorruptError(path, f"file is {st.st_size} bytes, larger than the {MAX_JSON_BYTES} allowed")
        chunks: list[bytes] = []
        total = 0
        size = st.st_size + 1  # the whole file in one read (no join copy of a 20 MB store); more if it grew
        while chunk := os.read(fd, size):
            size = 1 << 20
            chunks.append(chunk)
            total += len(chunk)
            if total > MAX_JSON_BYTES:  # grew while we read
                raise StoreCorruptError(path, f"file is larger than the {MAX_JSON_BYTES} bytes allowed")
        return b"".join(chunks)
    except OSError as exc:
        raise StoreCorruptError(path, f"cannot read: {exc.strerror}") from None
    finally:
        os.close(fd)


class _NonStandardJSON(ValueError):
    pass


def _reject_constant(name: str) -> None:
    """NaN/Infinity: Python's json accepts them, JavaScript's JSON.parse (OpenClaw) does not."""
    raise _NonStandardJSON(name)


def loads_plain(raw: bytes | str) -> Any:
    """`json.loads(raw)`; ValueError when it is no JSON, or nested too deeply for Python
    (callers fall back to the JSON5 reader, whose errors name the file)."""
    try:
        return json.loads(raw)
    except RecursionError:
        raise ValueError("JSON is nested too deeply") from None


def parse_json_object(path: StrPath, raw: bytes, *, json5: bool = False, top_level_object: bool = True) -> Any:
    """Parse bytes to a JSON object (any value with top_level_object=False) or raise StoreCorruptError
    naming the file and problem. json5: the compiled pyjson5 reads the whole JSON5 spec."""
    if not json5 and raw.startswith(b"\xef\xbb\xbf"):
        # OpenClaw reads its JSON files with readFileSync(utf8) + JSON.parse, which refuses the mark: to it
        # the file holds nothing, so showing its profiles here would promise what the gateway does not use.
        raise StoreCorruptError(path, "starts with a UTF-8 byte-order mark, which OpenClaw cannot read (it sees "
                                      "no data): remove the first 3 bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StoreCorruptError(path, f"not UTF-8 text (byte {exc.start})") from None
    if not text or text.isspace():  # not text.strip(): no copy of a large store to learn it is not blank
        raise StoreCorruptError(path, "file is empty")
    try:
        if json5:
            import pyjson5  # lazy: only openclaw.json needs it

            try:
                data = pyjson5.loads(text)
            except pyjson5.Json5NestingTooDeep:  # deeper than 32 levels, where json took 1000
                raise RecursionError from None
            except pyjson5.Json5Exception as exc:  # not a ValueError
                raise ValueError(str(exc.args[0] if exc.args else exc)) from None
        else:
            data = json.loads(text, parse_constant=_reject_constant)
    except _NonStandardJSON as exc:
        raise StoreCorruptError(path, f"invalid JSON: {exc} is not allowed (OpenClaw could not read it)") from None
    except RecursionError:
        raise StoreCorruptError(path, "JSON is nested too deeply") from None
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise StoreCorruptError(path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") \
                from None
        raise StoreCorruptError(path, f"invalid JSON5: {str(exc)[:200]}") from None
    if top_level_object and not isinstance(data, dict):
        raise StoreCorruptError(path, f"expected a JSON object at the top level, found {type(data).__name__}")
    return data


def read_json_object(path: StrPath, *, json5: bool = False) -> dict[str, Any] | None:
    raw = read_bytes_or_none(path)
    return None if raw is None else parse_json_object(path, raw, json5=json5)


def tighten_file_mode(path: StrPath) -> str | None:
    """Make an existing file of ours 0600 if group/world can read it, through the open file (never by
    path). Returns a warning for the user, or None. Best-effort: on a read-only mount it only warns
    (issue 11.9). A file another user could have written raises UntrustedPathError (core.trust)."""
    trust.check_dir(trust.parent_dir(path))
    try:
        fd = trust.open_nofollow(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:
        return None  # unreadable: the read that follows reports it
    try:
        st = trust.check_fd(path, fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or not stat.S_IMODE(st.st_mode) & 0o077:
            return None  # a directory in the store's place is reported as corrupt, never changed
        why = trust.fchmod_best_effort(fd, FILE_MODE)
    finally:
        os.close(fd)
    if why is None:
        return f"{clean(path)} was readable by other users; its mode is now 0600"
    return (f"{clean(path)} is readable by other users and its mode could not be changed ({why}); "
            f"make it 0600 where it is mounted from")
