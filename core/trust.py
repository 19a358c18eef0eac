"""Path trust, as OpenSSH's StrictModes: a credential file is used only if nobody else could have put it there.

Rules (issue 11.1):

- every directory from the file up to `/`, on the path as written and on the path its symlinks lead to,
  is owned by us or root and is not writable by group/other (a sticky world-writable dir such as /tmp
  is fine: nobody else can rename our entries in it);
- a symlinked directory is followed only if the link itself is owned by us or root (so
  `~/.openclaw -> /data/openclaw` that the user made stays fine);
- credential files (store, auth-state, .env, openclaw.json, locks, temps) are never symlinks: they are
  opened with O_NOFOLLOW and checked on the open descriptor (owner us or root, a regular file, not
  writable by group/other), and their modes are changed with fchmod on that descriptor, never by path.

Every refusal is an `UntrustedPathError` that names the path, its owner and mode, and the fix.
`core.locking` (lock files) calls `check_dir(lock.parent)` before creating its lock with O_NOFOLLOW.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from openclaw_onboard.core.errors import UnsafePathError

if TYPE_CHECKING:
    StrPath = str | os.PathLike[str]  # as core.fsio: every function here goes through os.fspath

_MAX_LINKS = 40  # as the kernel's ELOOP limit: a symlink loop is refused, not followed forever


class UntrustedPathError(UnsafePathError):
    """A path another user could have written: refused, with its owner, mode and the fix."""

    def __init__(self, path: StrPath, problem: str, fix: str, st: os.stat_result | None = None) -> None:
        from openclaw_onboard.core.sanitize import clean

        self.path = Path(path)
        self.problem = problem
        self.fix = fix
        self.owner = owner_name(st.st_uid) if st is not None else None
        link = st is not None and stat.S_ISLNK(st.st_mode)
        self.mode = stat.S_IMODE(st.st_mode) if st is not None and not link else None  # a link's mode means nothing
        facts = "" if st is None else f" (owner {self.owner})" if self.mode is None else \
            f" (owner {self.owner}, mode {self.mode:o})"
        super().__init__(f"{clean(path)}{facts} {problem}; refusing to use it. Fix: {fix}")


def owner_name(uid: int) -> str:
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (KeyError, ImportError):
        return f"uid {uid}"


def _me() -> int:
    return os.geteuid()


def trusted_owner(uid: int) -> bool:
    return uid in (_me(), 0)


def _quote(path: StrPath) -> str:
    from openclaw_onboard.core.sanitize import quote

    return quote(str(path))


def _who_fix(path: StrPath, st: os.stat_result) -> str:
    me = owner_name(_me()).split(" ")[0]
    return (f"make sure its contents are yours, then `chown {me} {_quote(path)}`; or run openclaw as "
            f"{owner_name(st.st_uid).split(' ')[0]}")


def _move_away(path: StrPath, st: os.stat_result | None) -> str:
    """The fix for something in a credential file's or directory's place. A device or a system path
    (OPENCLAW_STATE_DIR=/dev/null by mistake) must never be moved: the setting that names it is wrong."""
    system = str(path).startswith(("/dev/", "/proc/", "/sys/")) or str(path) in ("/dev", "/proc", "/sys")
    if system or (st is not None and (stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode))):
        return "point the setting that names it (OPENCLAW_STATE_DIR, agentDir) at a directory of your own"
    return f"move {_quote(path)} away"


def _check_dir_stat(path: StrPath, st: os.stat_result) -> None:
    if not stat.S_ISDIR(st.st_mode):
        raise UntrustedPathError(path, "is not a directory", _move_away(path, st), st)
    if not trusted_owner(st.st_uid):
        raise UntrustedPathError(path, "is a directory owned by another user", _who_fix(path, st), st)
    if st.st_mode & 0o022 and not st.st_mode & stat.S_ISVTX:
        raise UntrustedPathError(path, "is a directory other users can write to",
                                 f"check what is in it, then `chmod go-w {_quote(path)}`", st)


def parent_dir(path: StrPath) -> str:
    """The directory holding `path`, as a string."""
    return str(Path(path).parent)


def _refuse_nul(path: StrPath) -> None:
    """A path with a NUL character (JSON can hold one, say in an agentDir) names no file: refused, not a crash."""
    if "\0" in os.fspath(path):
        raise UntrustedPathError(path, "contains a NUL character", "correct the path where it is configured")


def _from_root(directory: StrPath) -> list[str]:
    """`/`, `/a`, `/a/b`, ... down to `directory` made absolute. Empty and `.` parts are dropped, but never
    `..` (pathlib keeps it): `link/..` must be judged as the kernel resolves it (not as abspath would)."""
    d = Path(directory).absolute()
    return [str(p) for p in reversed([d, *d.parents])]


def check_dir(directory: StrPath, _depth: int = 0) -> None:
    """Refuse unless `directory` and every ancestor (through symlinks too) is trusted. Missing parts are fine
    (they will be created by us, 0700); the deepest existing one and all above it are checked."""
    if _depth > _MAX_LINKS:
        raise UntrustedPathError(directory, "is inside a symlink loop", "remove the loop")
    _refuse_nul(directory)
    for comp in _from_root(directory):  # from / down: report the outermost problem
        try:
            st = os.lstat(comp)
        except FileNotFoundError:
            return  # the rest does not exist yet
        except NotADirectoryError:
            raise UntrustedPathError(comp, "has a file where a directory belongs", _move_away(comp, None)) \
                from None
        if stat.S_ISLNK(st.st_mode):
            if not trusted_owner(st.st_uid):
                raise UntrustedPathError(
                    comp, "is a symlink owned by another user", f"remove the link (`rm {_quote(comp)}`) and create "
                    f"the directory yourself; or run openclaw as {owner_name(st.st_uid).split(' ')[0]}", st)
            real = os.path.realpath(comp)
            check_dir(real, _depth + 1)
            continue
        _check_dir_stat(comp, st)


def check_fd(path: StrPath, fd: int, *, writable_ok: bool = False) -> os.stat_result:
    """Checks on an open descriptor (no race with a swap): ours or root's, a regular file, not writable by others."""
    st = os.fstat(fd)
    if stat.S_ISDIR(st.st_mode):
        return st  # the caller reports "is a directory" as a corrupt store
    if not stat.S_ISREG(st.st_mode):
        raise UntrustedPathError(path, "is not a regular file", _move_away(path, st), st)
    if not trusted_owner(st.st_uid):
        raise UntrustedPathError(path, "is owned by another user", _who_fix(path, st), st)
    if st.st_mode & 0o022 and not writable_ok:
        raise UntrustedPathError(path, "is writable by other users, who could have put their own credentials in it",
                                 f"check its contents, then `chmod 600 {_quote(path)}`", st)
    return st


def _symlink_error(path: StrPath) -> UntrustedPathError:
    try:
        target_st = os.stat(path)
        whose = "" if trusted_owner(target_st.st_uid) else \
            f" to a file owned by another user ({owner_name(target_st.st_uid)})"
    except OSError:
        whose = " that is dangling"
    return UntrustedPathError(path, f"is a symlink{whose}; credential files are never opened through a symlink",
                              "replace the link with a copy of the file it points to, if that file is yours")


def open_nofollow(path: StrPath, flags: int = os.O_RDONLY, mode: int = 0o600) -> int:
    """os.open with O_NOFOLLOW (and O_NONBLOCK so a FIFO in the store's place cannot hang us);
    a symlink becomes an UntrustedPathError that says what the link points at."""
    _refuse_nul(path)
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, mode)
    except OSError as exc:
        if exc.errno == 40:  # ELOOP: the last component is a symlink
            raise _symlink_error(path) from None
        raise
    try:  # noqa: SIM105 - contextlib costs the status path an import
        os.set_blocking(fd, True)
    except OSError:
        pass
    return fd


def check_existing_file(path: StrPath) -> os.stat_result | None:
    """Before replacing `path`: refuse a symlink or a file of another user there. None if absent."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        raise _symlink_error(path)
    if not trusted_owner(st.st_uid):
        raise UntrustedPathError(path, "is owned by another user", _who_fix(path, st), st)
    return st


def fchmod_best_effort(fd: int, mode: int) -> str | None:
    """Change a mode through the open file. None on success, else why not (read-only mount, ...)."""
    try:
        os.fchmod(fd, mode)
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return None


def check_file(path: StrPath) -> None:
    """The whole check for one credential file, for `doctor`: its directories, no symlink, owner, mode."""
    check_dir(parent_dir(path))
    try:
        fd = open_nofollow(path)
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return
    try:
        check_fd(path, fd)
    finally:
        os.close(fd)


def chmod_nofollow(path: StrPath, mode: int) -> None:
    """chmod through an O_NOFOLLOW descriptor: a symlink swapped in meanwhile is refused, never followed."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    fd = os.open(path, flags)
    try:
        os.fchmod(fd, mode)
    finally:
        os.close(fd)
