"""OpenClaw 2026.9.x's OAuth refresh lock (the SQLite era), one protocol with its `withOAuthProfileLock`.

The file era keeps 4.26's lock (`core.locking`); a SQLite-era state dir is locked the way 9.6 locks it:

- path: `<state>/locks/oauth-refresh/lock-<32 hex>.lock`, the hex a two-lane 64-bit FNV-1a-style digest of
  the UTF-8 bytes of `JSON.stringify([provider, profileId])` (path-resolve `oauthLockPathDigest`);
- content (fs-safe `serializeSidecarLockPayload`): `JSON.stringify({pid, createdAt, starttime}, null, 2)`,
  a newline, an ownership token (8 tabs then 128 tabs/spaces: 16 random bytes, a tab per 1 bit), a newline.
  `starttime` is field 22 of `/proc/<pid>/stat` (left out where it cannot be read);
- stale (stale-lock-file `shouldRemoveDeadOwnerOrExpiredLock`): with a pid (an integer > 0), only when that
  process is definitely gone: kill(pid, 0) fails with ESRCH (EPERM and every other error mean alive), or it
  is a zombie with one thread, or its `/proc` start time differs from `starttime`. A live holder is never
  taken over, however old. Without a pid, when `createdAt` is a string that is no date or is older than
  180 s. Without pid and createdAt (an empty, unparseable or foreign file): never;
- a stale lock is taken away under the reclaim guard `<lock>.reclaim` (a directory made with mkdir; while
  it exists nobody creates the lock), only if the file is still the one judged (identity and bytes);
- waiting: 20 retries, delays 100 ms doubling to 10 s, each times 1..2 (`OAUTH_REFRESH_LOCK_OPTIONS`);
  a symlink or any non-file at the lock path stops the acquisition at once (fs-safe's `not-file`).

Where we differ, on the safe side: the lock is created by hard-linking a private temp file that already
holds the payload (9.6 creates it empty and writes after, so a holder killed in between leaves an empty
lock that 9.6 never removes); a stale lock is renamed aside and checked before it is dropped; a caller or
`$OPENCLAW_REFRESH_LOCK_TIMEOUT_S` can bound the total wait. Linux only for `starttime` (as on 9.6, where
another platform's start time is not read from /proc).
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import random
import re
import secrets
import stat
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from openclaw_onboard.core.errors import LockLostError, LockTimeoutError, UnsafePathError
from openclaw_onboard.core.fsio import WriteError, ensure_private_dir
from openclaw_onboard.core.jsjson import js_stringify

LOCK_DIR = ("locks", "oauth-refresh")
LOCK_SUFFIX = ".lock"
RECLAIM_SUFFIX = ".reclaim"
STALE_S = 180.0  # only for a lock without a pid
RETRIES = 20
FACTOR = 2.0
MIN_DELAY_S = 0.1
MAX_DELAY_S = 10.0
TIMEOUT_ENV = "OPENCLAW_REFRESH_LOCK_TIMEOUT_S"
MAX_PAYLOAD_BYTES = 1024 * 1024  # fs-safe's MAX_LOCK_PAYLOAD_BYTES
TOKEN_PREFIX = "\t" * 8
TEMP_PREFIX = ".openclaw-lock-"

_FNV_OFFSET_LEFT = 14695981039346656037
_FNV_OFFSET_RIGHT = 11160318154034397263
_FNV_PRIME = 1099511628211
_RIGHT_SALT = 11400714819323198485
_MASK64 = (1 << 64) - 1
_PID_MAX_JS = 2**31 - 1  # Node's process.kill refuses a larger pid (ERR_INVALID_ARG_TYPE: not ESRCH, so alive)
_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK


class LockPathBlockedError(UnsafePathError):
    """Something that is not a regular file stands at the lock path: 9.6 stops there too; no holder removes it."""

    def __init__(self, path: Path, what: str) -> None:
        self.path = path
        super().__init__(f"{path}: {what} stands where OpenClaw's OAuth refresh lock belongs, and no lock holder "
                         "removes it; remove it by hand if no openclaw process is running.")


# --- the path ------------------------------------------------------------------------------------------

def lock_digest(provider: str, profile_id: str) -> str:
    """9.6's `oauthLockPathDigest(JSON.stringify([provider, profileId]))`: 32 lowercase hex digits."""
    if not isinstance(provider, str) or not isinstance(profile_id, str):
        raise TypeError("provider and profile id are strings")
    left, right = _FNV_OFFSET_LEFT, _FNV_OFFSET_RIGHT
    for octet in js_stringify([provider, profile_id]).encode("utf-8"):
        left = ((left ^ octet) * _FNV_PRIME) & _MASK64
        right = ((right ^ (octet + _RIGHT_SALT)) * _FNV_PRIME) & _MASK64
    return f"{left:016x}{right:016x}"


def lock_dir(state_dir: str | os.PathLike[str]) -> Path:
    return Path(state_dir).joinpath(*LOCK_DIR)


def lock_path(state_dir: str | os.PathLike[str], provider: str, profile_id: str) -> Path:
    """`<state>/locks/oauth-refresh/lock-<digest>.lock`, the file 9.6's withOAuthProfileLock creates."""
    return lock_dir(state_dir) / f"lock-{lock_digest(provider, profile_id)}{LOCK_SUFFIX}"


# --- the payload ---------------------------------------------------------------------------------------

def process_starttime(pid: int) -> int | None:
    """Field 22 of `/proc/<pid>/stat` (clock ticks after boot), as 9.6's getProcessStartTime; None if unreadable."""
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return None
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            text = fh.read(4096).decode("utf-8", "replace")
    except (OSError, ValueError):
        return None
    end = text.rfind(")")
    if end < 0:
        return None
    fields = text[end + 1:].split()
    try:
        value = int(fields[19])
    except (IndexError, ValueError):
        return None
    return value if value >= 0 else None


def iso_now(now: datetime | None = None) -> str:
    """`new Date().toISOString()`: UTC, milliseconds, `Z`."""
    now = now or datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def new_ownership_token() -> str:
    """fs-safe's createSidecarLockOwnershipToken: 8 tabs, then a tab for each 1 bit of 16 random bytes."""
    bits = "".join(f"{byte:08b}" for byte in secrets.token_bytes(16))
    return TOKEN_PREFIX + bits.replace("1", "\t").replace("0", " ")


def serialize_payload(pid: int, created_at: str, starttime: int | None, token: str) -> bytes:
    """The lock file's bytes as 9.6 writes them: pretty JSON (2 spaces), newline, token, newline."""
    payload: dict[str, Any] = {"pid": pid, "createdAt": created_at}
    if starttime is not None:
        payload["starttime"] = starttime
    return f"{json.dumps(payload, indent=2, ensure_ascii=False)}\n{token}\n".encode()


def own_payload() -> bytes:
    return serialize_payload(os.getpid(), iso_now(), process_starttime(os.getpid()), new_ownership_token())


# --- staleness -----------------------------------------------------------------------------------------

def parse_payload(raw: bytes) -> dict[str, Any] | None:
    """fs-safe's parseSidecarLockPayload: the JSON object in the file (the token line is JSON whitespace),
    None for anything else (not JSON, an array, NaN, a BOM...)."""
    text = raw.decode("utf-8", "replace")

    def no_constants(name: str) -> Any:
        raise ValueError(name)  # JSON.parse knows no NaN / Infinity

    try:
        data = json.loads(text, parse_constant=no_constants)
    except (ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _js_integer(value: Any) -> int | None:
    """The value as JS's Number.isInteger sees it (5.0 is 5); None when it is not an integral number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def pid_definitely_dead(pid: int) -> bool:
    """9.6's isPidDefinitelyDead: ESRCH, or a zombie with one thread left. EPERM (another user's live
    process) and a pid Node cannot signal count as alive."""
    if pid <= 0:
        return True
    if pid > _PID_MAX_JS:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            status = fh.read(16384).decode("utf-8", "replace")
    except OSError:
        return False
    state = threads = None
    for line in status.splitlines():
        if line.startswith("State:"):
            parts = line[6:].split()
            state = parts[0][:1] if parts else None
        elif line.startswith("Threads:"):
            threads = line[8:]
    return state == "Z" and threads is not None and threads[:1] in (" ", "\t") and threads.strip(" \t") == "1"


_ISO = re.compile(
    r"([+-]\d{6}|\d{4})(?:-(\d{2})(?:-(\d{2}))?)?"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?([Zz]|[+-]\d{2}:?\d{2})?)?")


def js_date_parse_ms(text: str) -> float | None:
    """`Date.parse(text)` for the ECMAScript date-time format (V8's leniencies included: a space or `t`
    for `T`, `z`, `+hhmm`, day overflow, 24:00); None where Date.parse gives NaN. V8's legacy parser also
    reads free-form dates ("Jan 1 2024"): those are None here (only a lock neither tool writes has them)."""
    m = _ISO.fullmatch(text)
    if not m:
        return None
    year_s, month_s, day_s, hour_s, minute_s, second_s, frac_s, zone = m.groups()
    if year_s == "-000000":
        return None
    year, month, day = int(year_s), int(month_s or 1), int(day_s or 1)
    hour, minute, second = int(hour_s or 0), int(minute_s or 0), int(second_s or 0)
    millis = int((frac_s or "0")[:3].ljust(3, "0"))
    if not (1 <= month <= 12 and 1 <= day <= 31 and minute <= 59 and second <= 59):
        return None
    if hour > 24 or (hour == 24 and (minute or second or millis)):
        return None
    days = _days_from_civil(year, month, 1) + day - 1
    ms = ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis
    if zone and zone not in ("Z", "z"):
        digits = zone[1:].replace(":", "")
        offset = (int(digits[:2]) * 60 + int(digits[2:])) * 60_000
        ms -= offset if zone[0] == "+" else -offset
    elif hour_s is not None and not zone:
        ms -= _local_offset_ms(ms)  # a date-time without offset is local time; a date alone is UTC
    return float(ms) if abs(ms) <= 8.64e15 else None


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (any year)."""
    year -= month <= 2
    era = (year if year >= 0 else year - 399) // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _local_offset_ms(local_ms: int) -> int:
    try:
        guess = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=local_ms)
        offset = guess.astimezone().utcoffset() or timedelta(0)
    except (OverflowError, OSError, ValueError):
        return 0
    return int(offset / timedelta(milliseconds=1))


@dataclass(frozen=True)
class Verdict:
    stale: bool
    reason: str
    pid: int | None = None


def judge(payload: dict[str, Any] | None, now_ms: float | None = None) -> Verdict:
    """9.6's shouldRemoveDeadOwnerOrExpiredLock (staleMs 180 000) on a parsed payload."""
    if payload is None:
        return Verdict(False, "its contents name no process (OpenClaw never takes such a lock over)")
    pid = _js_integer(payload.get("pid"))
    if pid is not None and pid > 0:
        recorded = _js_integer(payload.get("starttime"))
        if recorded is not None and recorded >= 0:
            observed = process_starttime(pid) if pid <= _PID_MAX_JS else None
            if observed is not None and observed != recorded:
                return Verdict(True, f"process {pid} is another process than the one that took it", pid)
        if pid_definitely_dead(pid):
            return Verdict(True, f"holder pid {pid} is gone", pid)
        return Verdict(False, f"process {pid} holds it", pid)
    created = payload.get("createdAt")
    if not isinstance(created, str):
        return Verdict(False, "its contents name no process (OpenClaw never takes such a lock over)")
    created_ms = js_date_parse_ms(created)
    now_ms = time.time() * 1000 if now_ms is None else now_ms
    if created_ms is None:
        return Verdict(True, "it names no process and its createdAt is no date")
    if now_ms - created_ms > STALE_S * 1000:
        return Verdict(True, f"it names no process and is older than {STALE_S:g}s")
    return Verdict(False, "it names no process and is younger than 180s")


@dataclass(frozen=True)
class LockInfo:
    """What a waiter sees at the lock path."""

    path: Path
    exists: bool
    pid: int | None = None
    stale: bool = False
    reason: str = ""
    # (device, inode, bytes) of the file judged: a take-over removes only that very file.
    identity: tuple[int, int, bytes] | None = None

    @property
    def live(self) -> bool:
        return self.exists and not self.stale


def _read_identity(path: Path) -> tuple[int, int, bytes] | str | None:
    """(dev, ino, bytes) of the regular file at `path`; None if absent; a word naming what else is there."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symlink"
        if exc.errno == errno.EISDIR:
            return "a directory"
        return f"a file we cannot read ({exc.strerror})"
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return "a directory" if stat.S_ISDIR(st.st_mode) else "a special file"
        chunks, total = [], 0
        while total <= MAX_PAYLOAD_BYTES and (chunk := os.read(fd, MAX_PAYLOAD_BYTES + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
        return (st.st_dev, st.st_ino, b"".join(chunks))
    finally:
        os.close(fd)


def inspect(path: Path, now_ms: float | None = None) -> LockInfo:
    """Judge the lock at `path` as 9.6 would. LockPathBlockedError for a non-file (9.6 stops there too)."""
    found = _read_identity(path)
    if found is None:
        return LockInfo(path, exists=False)
    if isinstance(found, str):
        raise LockPathBlockedError(path, found)
    raw = found[2]
    payload = parse_payload(raw) if len(raw) <= MAX_PAYLOAD_BYTES else None
    verdict = judge(payload, now_ms)
    return LockInfo(path, True, pid=verdict.pid, stale=verdict.stale, reason=verdict.reason, identity=found)


# --- taking it -----------------------------------------------------------------------------------------

def retry_delay_s(attempt: int) -> float:
    """fs-safe's computeSidecarLockDelayMs with 9.6's refresh options (randomize: times 1..2, capped)."""
    base = min(MAX_DELAY_S * 1000, max(MIN_DELAY_S * 1000, MIN_DELAY_S * 1000 * FACTOR ** attempt))
    return min(MAX_DELAY_S * 1000, math.floor(base * (1 + random.random()) + 0.5)) / 1000  # Math.round


def default_timeout() -> float | None:
    """`$OPENCLAW_REFRESH_LOCK_TIMEOUT_S` (seconds, 0 < s <= 3600) or None (9.6's 20 retries bound the wait)."""
    try:
        value = float(os.environ.get(TIMEOUT_ENV, ""))
    except ValueError:
        return None
    return value if 0 < value <= 3600 else None


class HeldRefreshLock:
    """The refresh lock file we created; released only while it is still ours (same inode, same bytes)."""

    def __init__(self, path: Path, dev_ino: tuple[int, int], payload: bytes) -> None:
        self.path = path
        self.payload = payload
        self._dev_ino = dev_ino
        self.depth = 1
        self.released = False

    def is_ours(self) -> bool:
        found = _read_identity(self.path)
        return isinstance(found, tuple) and found[:2] == self._dev_ino and found[2] == self.payload

    def ensure_held(self) -> None:
        """Call before a write that needs the lock: LockLostError if the file is no longer ours."""
        if self.released or not self.is_ours():
            raise LockLostError(self.path, 0.0)

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        if self.is_ours():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)


def _guard_exists(guard: Path) -> bool:
    return os.path.lexists(guard)


def _take_over(path: Path, judged: LockInfo) -> bool:
    """Remove the stale lock `judged` under the reclaim guard; True if it is gone (the guard is then ours
    and still held: the caller creates its lock, then drops the guard, as 9.6 does)."""
    guard = path.with_name(path.name + RECLAIM_SUFFIX)
    try:
        os.mkdir(guard, 0o700)
    except FileExistsError:
        return False
    removed = False
    try:
        again = inspect(path)
        if not again.stale or again.identity != judged.identity:
            return False
        aside = path.with_name(f"{path.name}.stale-{uuid.uuid4().hex}")
        try:
            os.rename(path, aside)
        except FileNotFoundError:
            return False
        try:
            moved = _read_identity(aside)
            if moved != judged.identity:
                with contextlib.suppress(FileExistsError, FileNotFoundError):
                    os.link(aside, path, follow_symlinks=False)  # not what we judged: put it back
                return False
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(aside)
        removed = True
        return True
    finally:
        if not removed:
            with contextlib.suppress(OSError):
                os.rmdir(guard)


def _drop_guard(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.rmdir(path.with_name(path.name + RECLAIM_SUFFIX))


def _describe(info: LockInfo | None, guard_busy: bool, path: Path) -> str:
    if guard_busy:
        return (f"another process is taking a stale lock over ({path.name}{RECLAIM_SUFFIX}); if none is running, "
                "that directory is left from an interrupted take-over: remove it by hand.")
    if info is None or not info.exists:
        return "another openclaw process is refreshing this profile. Try again."
    if info.pid:
        return f"process {info.pid} (OpenClaw or openclaw-onboard) is refreshing this profile. Try again."
    return f"{info.reason}; remove it by hand if no openclaw process is running."


def acquire(path: Path, *, timeout: float | None = None,
            on_wait: Callable[[LockInfo | None], None] | None = None) -> HeldRefreshLock:
    """Create the refresh lock `path`, waiting on 9.6's schedule while a live holder (or a take-over) has it.

    Wait bound: `$OPENCLAW_REFRESH_LOCK_TIMEOUT_S` if set, else `timeout` if given, and in any case at most
    9.6's 20 retries (about 2.5 minutes). `on_wait(info)` is called once, the first time we have to wait
    (`info` is the holder as judged, None while a take-over guard stands). Raises LockTimeoutError,
    LockPathBlockedError (a non-file at the path), UntrustedPathError (an unsafe lock dir).
    """
    env_timeout = default_timeout()
    timeout = env_timeout if env_timeout is not None else timeout
    ensure_private_dir(path.parent)
    _remove_dead_temps(path)
    started = time.monotonic()
    deadline = None if timeout is None else started + timeout
    tmp = path.with_name(f"{TEMP_PREFIX}{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}")
    try:
        fd = os.open(tmp, _OPEN_FLAGS, 0o600)
    except OSError as exc:
        raise WriteError(tmp, exc) from None
    attempt = 0
    waited = False
    guard_held = False
    try:
        while True:
            info: LockInfo | None = None
            guard_busy = not guard_held and _guard_exists(path.with_name(path.name + RECLAIM_SUFFIX))
            if not guard_busy:
                payload = own_payload()
                try:
                    os.ftruncate(fd, 0)
                    if os.pwrite(fd, payload, 0) != len(payload):
                        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                except OSError as exc:
                    # Never link a short payload (a full disk): 9.6 never takes an unreadable lock over.
                    raise WriteError(tmp, exc) from None
                try:
                    os.link(tmp, path, follow_symlinks=False)
                except FileExistsError:
                    info = inspect(path)
                    if guard_held:
                        _drop_guard(path)
                        guard_held = False
                    elif info.stale and _take_over(path, info):
                        guard_held = True
                        continue  # taken away: try again at once, guard held (fs-safe's "removed")
                else:
                    st = os.fstat(fd)
                    held = HeldRefreshLock(path, (st.st_dev, st.st_ino), payload)
                    return held
            now = time.monotonic()
            if attempt >= RETRIES or (deadline is not None and now >= deadline):
                waited_s = now - started
                raise LockTimeoutError(path, waited_s, detail=_describe(info, guard_busy, path))
            if not waited and on_wait is not None:
                on_wait(info)
            waited = True
            delay = retry_delay_s(attempt)
            if deadline is not None:
                delay = min(delay, max(0.0, deadline - now))
            attempt += 1
            time.sleep(delay)
    finally:
        if guard_held:
            _drop_guard(path)
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _remove_dead_temps(path: Path) -> None:
    """Temp files of ours that a killed process left beside this lock (`<prefix><lock>.<pid>.<rand>`): gone
    once their pid is. Never a lock: only our own temp names are looked at."""
    prefix = f"{TEMP_PREFIX}{path.name}."
    with contextlib.suppress(OSError), os.scandir(path.parent) as entries:
        for entry in entries:
            if not entry.name.startswith(prefix):
                continue
            pid_text = entry.name[len(prefix):].split(".", 1)[0]
            if pid_text.isdigit() and int(pid_text) != os.getpid() and pid_definitely_dead(int(pid_text)):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


_held = threading.local()


@contextlib.contextmanager
def hold(state_dir: str | os.PathLike[str], provider: str, profile_id: str, *, timeout: float | None = None,
         on_wait: Callable[[LockInfo | None], None] | None = None) -> Iterator[HeldRefreshLock]:
    """Hold 9.6's refresh lock of (provider, profile_id) for the block; re-entrant within one thread."""
    path = lock_path(state_dir, provider, profile_id)
    key = os.path.abspath(path)
    table: dict[str, HeldRefreshLock] | None = getattr(_held, "locks", None)
    if table is None:
        table = _held.locks = {}
    current = table.get(key)
    if current is not None:
        current.depth += 1
        try:
            yield current
        finally:
            current.depth -= 1
        return
    lock = acquire(path, timeout=timeout, on_wait=on_wait)
    table[key] = lock
    try:
        yield lock
    finally:
        del table[key]
        lock.release()

