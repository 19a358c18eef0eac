"""Inter-process locks that also respect OpenClaw's own lock.

We lock with `filelock` (an OS flock: a lock held by a dead process is released by
the kernel). OpenClaw locks the same path with proper-lockfile, which makes a
*directory* `auth-profiles.json.lock`, stale after 30 s. Two rules keep both tools
mutually exclusive and keep OpenClaw working:

- while a lock directory exists and is fresh, we wait; a stale one is removed;
- we unlink our lock file before releasing it, so OpenClaw's `mkdir` succeeds
  afterwards (filelock retries when it wins a flock on an unlinked inode).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from core.errors import LockTimeoutError
from core.fsio import ensure_private_dir

OPENCLAW_LOCK_STALE_S = 30.0
DEFAULT_TIMEOUT_S = 10.0
TIMEOUT_ENV = "OPENCLAW_LOCK_TIMEOUT_S"


def default_timeout() -> float:
    """`$OPENCLAW_LOCK_TIMEOUT_S` (a positive number of seconds), else 10 s."""
    try:
        value = float(os.environ.get(TIMEOUT_ENV, ""))
    except ValueError:
        return DEFAULT_TIMEOUT_S
    return value if 0 < value <= 3600 else DEFAULT_TIMEOUT_S
_POLL_S = 0.02


def _foreign_dir_lock_is_fresh(path: Path) -> bool:
    """True while an OpenClaw (proper-lockfile) lock directory is held and not stale."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return False
    if not os.path.isdir(path):
        return False
    if time.time() - st.st_mtime > OPENCLAW_LOCK_STALE_S:
        try:
            path.rmdir()  # stale: its owner died without cleaning up, as proper-lockfile would judge
        except FileNotFoundError:
            return False
        except OSError:
            return True  # not empty, not ours: wait (and time out with a clear error) rather than spin
        return False
    return True


@contextlib.contextmanager
def hold(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on `path` (a lock file) for the duration of the block."""
    timeout = default_timeout() if timeout is None else timeout
    ensure_private_dir(path.parent)
    deadline = time.monotonic() + timeout
    lock = FileLock(path, mode=0o600, timeout=timeout)
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LockTimeoutError(path, timeout)
        if _foreign_dir_lock_is_fresh(path):
            time.sleep(min(0.1, remaining))
            continue
        try:
            lock.acquire(timeout=remaining, poll_interval=_POLL_S)
        except Timeout:
            raise LockTimeoutError(path, timeout) from None
        except IsADirectoryError:
            continue  # OpenClaw took it between our check and our open
        break
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        lock.release()
