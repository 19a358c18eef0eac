"""Typed errors with messages meant for users: one clear line, never a secret."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from os import PathLike

    StrPath = str | PathLike[str]


class OpenClawError(Exception):
    """Base class: `str(err)` is a complete, user-facing sentence."""


class StoreCorruptError(OpenClawError):
    """A store/config file exists but cannot be read or parsed. It is never overwritten."""

    def __init__(self, path: StrPath, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem} (the file was left untouched; fix or move it away)")


class LockTimeoutError(OpenClawError):
    def __init__(self, path: StrPath, seconds: float, detail: str | None = None) -> None:
        self.path = path
        super().__init__(
            f"Timed out after {seconds:.3g}s waiting for the lock {path}; "
            + (detail or "another openclaw process is writing. Try again.")
        )


class LockLostError(OpenClawError):
    """We held a lock so long that another process may have taken it over: nothing was written."""

    def __init__(self, path: StrPath, held_s: float) -> None:
        self.path = path
        super().__init__(
            f"Held the lock {path} for {held_s:.0f}s, long enough for another process to take it over; "
            "nothing was written. Try again."
        )


class UnsafePathError(OpenClawError):
    """A store that is a symlink to a file owned by someone else, or similar."""


class ValidationError(OpenClawError):
    """Bad user input (profile id, agent name, duration, order...)."""


class ProfileNotFoundError(ValidationError):
    pass
