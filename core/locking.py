"""Inter-process locks, one protocol with OpenClaw 2026.4.26 (plugin-sdk/file-lock acquireFileLock).

A lock on `X` is a sidecar *file* `X.lock`, created with O_CREAT|O_EXCL and holding
`{"pid": N, "createdAt": "<ISO>"}`; it is released by deleting it. A waiter judges a lock
stale, exactly as OpenClaw does, when its pid is dead (or a zombie), or its createdAt is
unreadable or older than the protocol's stale age, or its mtime is older than that age.
Stale ages: 30 s for an agent store, 180 s for the global OAuth refresh lock.

Where we are stricter than OpenClaw (so a live lock is never broken by us):
- a stale lock is taken over by renaming it aside and checking that what we moved is the
  file we judged; anything else is put back (OpenClaw's plain `rm -f` can delete a lock
  that a third process created a moment earlier);
- we release a lock only if the file is still ours (same inode and content);
- `HeldLock.ensure_fresh()` refuses to commit a write once we have held a lock for half
  its stale age, because past that age OpenClaw takes it over even from a live holder.

Re-entrant per thread (OpenClaw's is re-entrant per process; our workers are threads).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from openclaw_onboard.core.errors import LockLostError, LockTimeoutError
from openclaw_onboard.core.fsio import ensure_private_dir

STORE_STALE_S = 30.0
REFRESH_STALE_S = 180.0
# Kept for callers that speak of OpenClaw's store lock age.
OPENCLAW_LOCK_STALE_S = STORE_STALE_S
DEFAULT_TIMEOUT_S = 10.0
TIMEOUT_ENV = "OPENCLAW_LOCK_TIMEOUT_S"
LOCK_SUFFIX = ".lock"

_MIN_SLEEP_S = 0.005
_MAX_SLEEP_S = 0.1
_GAP_FACTOR = 2.0
_MIN_GAP_S = 0.005
_MAX_GAP_S = 0.5
_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def default_timeout() -> float:
    """`$OPENCLAW_LOCK_TIMEOUT_S` (a positive number of seconds), else 10 s."""
    try:
        value = float(os.environ.get(TIMEOUT_ENV, ""))
    except ValueError:
        return DEFAULT_TIMEOUT_S
    return value if 0 < value <= 3600 else DEFAULT_TIMEOUT_S


def _iso_now() -> str:
    """`new Date().toISOString()`: UTC, milliseconds, `Z`."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _payload() -> bytes:
    # JSON.stringify({pid, createdAt}, null, 2): two-space indent, no trailing newline.
    return json.dumps({"pid": os.getpid(), "createdAt": _iso_now()}, indent=2).encode()


def pid_alive(pid: int) -> bool:
    """OpenClaw's isPidAlive: kill(pid, 0) succeeds (EPERM counts as dead) and not a zombie."""
    if not isinstance(pid, int) or isinstance(pid, bool) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except (OSError, OverflowError):
        return False
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("State:"):
                    return line.split()[1:2] != ["Z"]
    except OSError:
        pass
    return True


def _parse_iso_ms(text: str) -> float | None:
    """createdAt in ms since the epoch, or None where JavaScript's Date.parse gives NaN. A date Python
    cannot place in local time or on its own epoch scale (year 1, an offset past its range) is never a
    crash: every writer and `doctor` read this file, which anyone who can write the lock dir may fill."""
    try:
        value = datetime.fromisoformat(text)
    except (ValueError, TypeError):
        return None
    try:
        if value.tzinfo is None:  # JavaScript reads a date-time without offset as local time
            try:
                value = value.astimezone()
            except (ValueError, OverflowError, OSError):
                value = value.replace(tzinfo=UTC)  # outside the local zone's range: hours do not matter there
        return value.timestamp() * 1000
    except (ValueError, OverflowError, OSError):
        # Before year 1 once the offset is applied: as old as a date gets, which Date.parse still reads.
        return float(datetime.min.replace(tzinfo=UTC).timestamp() * 1000)


def _loads_js(raw: bytes) -> object:
    """JSON.parse: NaN and Infinity are no JSON (Python's json would give a float that int() cannot take)."""
    def refuse(name: str) -> None:
        raise ValueError(name)

    return json.loads(raw.decode("utf-8"), parse_constant=refuse)


@dataclass(frozen=True)
class LockInfo:
    """What a waiter sees of a lock file."""

    path: Path
    exists: bool
    is_dir: bool = False
    pid: int | None = None
    age_s: float | None = None  # from createdAt, else mtime
    stale: bool = False
    # Identity of the file judged: device, inode, mtime (ns) and content. Inode numbers are
    # reused at once on most filesystems, so the inode alone cannot tell two locks apart.
    identity: tuple[int, int, int, bytes] | None = None
    reason: str = ""
    future: bool = False  # createdAt or mtime more than the stale age ahead of our clock

    @property
    def live(self) -> bool:
        return self.exists and not self.stale


def inspect(path: Path, stale_s: float) -> LockInfo:
    """Judge the lock at `path` as OpenClaw's isStaleLock would."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except FileNotFoundError:
        return LockInfo(path, exists=False)
    except IsADirectoryError:
        return LockInfo(path, exists=True, is_dir=True, reason="a directory stands at the lock path")
    except OSError as exc:  # a symlink (ELOOP) or unreadable: never ours to judge stale
        return LockInfo(path, exists=True, reason=f"cannot read the lock: {exc.strerror}")
    try:
        st = os.fstat(fd)
        if not _is_regular(st.st_mode):
            return LockInfo(path, exists=True, is_dir=True, reason="not a regular file")
        raw = os.read(fd, 4096)
    finally:
        os.close(fd)
    identity = (st.st_dev, st.st_ino, st.st_mtime_ns, raw)
    now = time.time()
    pid: int | None = None
    created_ms = None
    try:
        data = _loads_js(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        data = None
    if isinstance(data, dict) and _js_number(data.get("pid")) and isinstance(data.get("createdAt"), str):
        number = data["pid"]
        pid = int(number) if float(number).is_integer() else None
        created_ms = _parse_iso_ms(data["createdAt"])
        if number and not pid_alive(pid if pid is not None else -1):
            return LockInfo(path, True, pid=pid, stale=True, identity=identity, reason=f"holder pid {number} is gone")
        if created_ms is None:
            return LockInfo(path, True, pid=pid, stale=True, identity=identity, reason="createdAt is unreadable")
        age = now - created_ms / 1000
        if age > stale_s:
            return LockInfo(path, True, pid=pid, age_s=age, stale=True, identity=identity,
                            reason=f"older than {stale_s:g}s")
    mtime_age = now - st.st_mtime
    age = now - created_ms / 1000 if created_ms is not None else mtime_age
    if mtime_age > stale_s:
        return LockInfo(path, True, pid=pid, age_s=age, stale=True, identity=identity,
                        reason=f"not touched for {mtime_age:.0f}s")
    # OpenClaw's isStaleLock never ages out a lock dated in the future (now - createdAt is negative), so
    # neither do we: a live holder whose clock was set back keeps it. But such a lock can also be planted
    # to lock every writer out; it is named as such, and `doctor` reports it.
    future = age < -stale_s or mtime_age < -stale_s
    return LockInfo(path, True, pid=pid, age_s=age, identity=identity, future=future,
                    reason="dated in the future" if future else "")


def _js_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_regular(mode: int) -> bool:
    import stat

    return stat.S_ISREG(mode)


def remove_if_stale(path: Path, stale_s: float) -> bool:
    """Take a stale lock away atomically; True if we removed one.

    Rename it aside, then check that the file we moved is the one we judged: a lock a
    live process created in between is put back where it was.
    """
    return _remove_judged(path, inspect(path, stale_s), lambda info: info.stale)


def remove_if_future(path: Path, stale_s: float) -> bool:
    """`doctor --fix` only, at the user's word: take away a lock dated in the future, which no waiter
    (OpenClaw's included) ever ages out. Same atomic rename-and-compare as a stale lock."""
    return _remove_judged(path, inspect(path, stale_s), lambda info: info.future and not info.stale)


def _remove_judged(path: Path, info: LockInfo, judged: Callable[[LockInfo], bool]) -> bool:
    if not judged(info) or info.identity is None:
        return False
    aside = path.with_name(f"{path.name}.stale-{uuid.uuid4().hex}")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return False  # someone else took it away first
    try:
        if _identity(aside) != info.identity:
            with contextlib.suppress(FileExistsError, FileNotFoundError):
                os.link(aside, path, follow_symlinks=False)  # put the live lock back (never over another)
            return False
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(aside)


def _identity(path: Path) -> tuple[int, int, int, bytes] | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        return (st.st_dev, st.st_ino, st.st_mtime_ns, os.read(fd, 4096))
    finally:
        os.close(fd)


class HeldLock:
    """A lock file we created; released only if it is still ours."""

    def __init__(self, path: Path, fd: int, stale_s: float, payload: bytes, queue: _Queue | None = None) -> None:
        self.path = path
        self._queue = queue
        self.stale_s = stale_s
        self._fd = fd
        self._payload = payload
        st = os.fstat(fd)
        self._inode = (st.st_dev, st.st_ino)
        self._acquired = time.monotonic()
        self.depth = 1

    @property
    def held_s(self) -> float:
        return time.monotonic() - self._acquired

    def is_ours(self) -> bool:
        """Same inode and our own pid/createdAt (inode numbers are reused at once)."""
        found = _identity(self.path)
        return found is not None and found[:2] == self._inode and found[3] == self._payload

    def ensure_fresh(self) -> None:
        """Call just before committing a write: past half the stale age OpenClaw may take the lock over."""
        if self.held_s > self.stale_s / 2 or not self.is_ours():
            raise LockLostError(self.path, self.held_s)

    def release(self) -> None:
        held = self.held_s
        try:
            if self.is_ours():
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self.path)
        finally:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            if self._queue is not None:
                self._queue.leave(held)


_held = threading.local()


def _held_map() -> dict[str, HeldLock]:
    table = getattr(_held, "locks", None)
    if table is None:
        table = _held.locks = {}
    return table


class _Queue:
    """Our own processes line up here before they contend for an OpenClaw lock.

    OpenClaw's waiters back off exponentially (100 ms doubling to 10 s, 10 tries for a store)
    and, when they never find the lock free, give up; some of its writers then save without the
    lock and a write is lost. Many of our processes polling the lock quickly would starve it.
    So only one of ours contends at a time (an flock on our own file: the kernel drops it when
    a process dies), and each leaves a gap of a few times the previous hold after the lock was
    released, so that OpenClaw's next try finds it free most of the time. The queue files live
    in `<state>/locks/onboard-queue/`, apart from OpenClaw's files.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def enter(self, deadline: float) -> bool:
        """Wait for our turn and the gap; False if the deadline passed first."""
        ensure_private_dir(self.path.parent)
        fd = open_queue_file(self.path)
        sleep = _MIN_SLEEP_S
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(min(sleep, max(0.0, deadline - time.monotonic())))
                sleep = min(0.05, sleep * 2)
        self._fd = fd
        try:
            released_at, hold_s = (float(x) for x in os.pread(fd, 64, 0).split())
        except ValueError:
            return True
        gap = min(_MAX_GAP_S, max(_MIN_GAP_S, _GAP_FACTOR * hold_s))
        wait = min(gap, released_at + gap - time.time(), deadline - time.monotonic())
        if wait > 0:
            time.sleep(wait)
        return True

    def leave(self, hold_s: float) -> None:
        if self._fd is None:
            return
        try:
            record = f"{time.time():.6f} {hold_s:.6f}".encode()
            os.ftruncate(self._fd, 0)
            os.pwrite(self._fd, record, 0)
        except OSError:
            pass  # a full disk must not stop a release
        finally:
            os.close(self._fd)  # closing drops the flock
            self._fd = None


def open_queue_file(path: Path) -> int:
    """Our queue file, opened read-write (created 0600 if absent). Anything else in its place (a directory,
    a symlink, a FIFO, a device, another user's file) is refused with a message that names it and the fix,
    instead of every write failing with "Is a directory", "Too many levels of symbolic links" or "Illegal
    seek". O_NONBLOCK: a FIFO there must not block the open."""
    from openclaw_onboard.core import trust

    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK | os.O_NOCTTY
    what = "openclaw-onboard's queue file"
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        if exc.errno in (errno.EISDIR, errno.ELOOP):
            kind = "a directory" if exc.errno == errno.EISDIR else "a symlink"
            raise trust.UntrustedPathError(path, f"is {kind} where {what} belongs",
                                           f"remove it (`openclaw doctor --fix` does, or `rm -r {path}`)") from None
        raise
    try:
        if not _is_regular(os.fstat(fd).st_mode):
            raise trust.UntrustedPathError(path, f"is not a regular file where {what} belongs",
                                           f"remove it (`openclaw doctor --fix` does, or `rm {path}`)")
        trust.check_fd(path, fd)  # ours or root's, not writable by others
    except BaseException:
        os.close(fd)
        raise
    os.set_blocking(fd, True)
    return fd


def queue_file_problem(path: Path) -> str | None:
    """For `doctor`: what stands in the queue file's place when it is not a regular file of ours, else None."""
    import stat

    try:
        st = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    if stat.S_ISREG(st.st_mode):
        return None
    kind = ("a directory" if stat.S_ISDIR(st.st_mode) else "a symlink" if stat.S_ISLNK(st.st_mode)
            else "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode)
            else "a device")
    return f"{kind} stands where openclaw-onboard's queue file belongs; every write fails on it"


def acquire(path: Path, *, stale_s: float = STORE_STALE_S, timeout: float | None = None,
            queue: Path | None = None) -> HeldLock:
    """Create the lock file `path`, waiting (with backoff) while a live holder has it.

    `queue`: a file of ours where our processes line up first (see _Queue); for locks whose
    OpenClaw waiters give up and then write without the lock (the agent store lock).
    """
    timeout = default_timeout() if timeout is None else timeout
    ensure_private_dir(path.parent)
    deadline = time.monotonic() + timeout
    line = _Queue(queue) if queue is not None else None
    if line is not None and not line.enter(deadline):
        raise LockTimeoutError(path, timeout, detail=_describe_holder(inspect(path, stale_s)))
    try:
        return _acquire_file(path, stale_s, timeout, deadline, line)
    except BaseException:
        if line is not None:
            line.leave(0.0)
        raise


LOCK_TEMP_PREFIX = ".openclaw-lock-"


def _acquire_file(path: Path, stale_s: float, timeout: float, deadline: float, queue: _Queue | None) -> HeldLock:
    """Create the lock with its payload already in it: write a private temp file, then hard-link it to
    the lock path (link, like O_EXCL, fails if the lock exists). A holder killed while acquiring thus
    never leaves an empty lock, which every waiter (OpenClaw's too) would have to age out for 30 s."""
    sleep = _MIN_SLEEP_S
    tmp = path.with_name(f"{LOCK_TEMP_PREFIX}{path.name}.{os.getpid()}.{uuid.uuid4().hex[:12]}")
    fd = os.open(tmp, _OPEN_FLAGS, 0o600)
    written_at = -1.0
    payload = b""
    try:
        while True:
            if time.monotonic() - written_at > 0.5:  # createdAt stays the moment the lock appears
                payload = _payload()
                try:
                    os.ftruncate(fd, 0)
                    os.pwrite(fd, payload, 0)
                except OSError as exc:
                    if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                        raise
                    # A full disk: an empty lock still excludes everyone (judged by its mtime, as
                    # OpenClaw does for a holder that has not written yet); the write that follows
                    # fails with a clear message.
                    payload = b""
                written_at = time.monotonic()
            try:
                os.link(tmp, path, follow_symlinks=False)
            except FileExistsError:
                if remove_if_stale(path, stale_s):
                    continue
            else:
                held = HeldLock(path, fd, stale_s, payload, queue)
                fd = -1  # the lock owns it now
                return held
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LockTimeoutError(path, timeout, detail=_describe_holder(inspect(path, stale_s)))
            time.sleep(min(remaining, sleep * (1 + random.random())))
            sleep = min(_MAX_SLEEP_S, sleep * 2)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if fd >= 0:
            os.close(fd)


def _describe_holder(info: LockInfo) -> str:
    if info.is_dir:
        return f"{info.reason}, which no lock holder removes: remove it by hand if no openclaw process is running."
    if info.future:
        return ("the lock is dated in the future (a clock set back, or a planted lock), so no waiter ever "
                "takes it over: if no openclaw process is running, `openclaw doctor --fix` removes it.")
    holder = f"process {info.pid}" if info.pid else "another process"
    age = f" for {info.age_s:.0f}s" if info.age_s is not None and info.age_s >= 0 else ""
    return f"{holder} has held it{age} (OpenClaw or openclaw-onboard). Try again."


@contextlib.contextmanager
def hold(path: Path, timeout: float | None = None, *, stale_s: float = STORE_STALE_S,
         queue: Path | None = None) -> Iterator[HeldLock]:
    """Hold the lock file `path` for the block (re-entrant within one thread)."""
    key = os.path.abspath(path)
    table = _held_map()
    current = table.get(key)
    if current is not None:
        current.depth += 1
        try:
            yield current
        finally:
            current.depth -= 1
        return
    lock = acquire(path, stale_s=stale_s, timeout=timeout, queue=queue)
    table[key] = lock
    try:
        yield lock
    finally:
        del table[key]
        lock.release()


def lock_path_for(target: Path) -> Path:
    """OpenClaw locks `<realpath(dir)>/<name>.lock`."""
    try:
        directory = Path(os.path.realpath(target.parent))
    except OSError:
        directory = target.parent
    return directory / (target.name + LOCK_SUFFIX)
