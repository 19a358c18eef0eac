"""The real OpenClaw for every command this CLI does not implement (`openclaw gateway`, `openclaw channels status`).

Installed first on PATH, our `openclaw` would otherwise hide OpenClaw's own CLI. app.cli decides, from argv alone
and without importing anything, that a command is not ours; then this module finds OpenClaw's `openclaw` —
`$OPENCLAW_BIN` if set, else the next `openclaw` on PATH that is not this program — and *execs* it with the same
argv and environment: the terminal, the process id, signals and the exit status are then the real one's, not a
child's relayed by us.

Never ourselves, never a loop: a candidate that is one of our console scripts (ours in another venv, a symlink to
us) is skipped by its content, and every program we exec is named in `OPENCLAW_ONBOARD_PASSTHROUGH`, so a wrapper
script that calls us back (`exec openclaw-onboard "$@"`) is skipped on the way back: each hop adds a name, and the
names are finite.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Mapping, Sequence

from openclaw_onboard.core.i18n import _

ENV_BIN = "OPENCLAW_BIN"
ENV_MARKER = "OPENCLAW_ONBOARD_PASSTHROUGH"
_NAME = "openclaw"
# Our console scripts say `from openclaw_onboard.app.cli import main` in their first few hundred bytes.
_OUR_SIGNATURE = b"openclaw_onboard"
_HEAD_BYTES = 4096


def _real(path: str) -> str:
    return os.path.realpath(path)


def _is_ours(path: str, self_paths: frozenset[str]) -> bool:
    real = _real(path)
    if real in self_paths:
        return True
    try:
        with open(real, "rb") as f:
            return _OUR_SIGNATURE in f.read(_HEAD_BYTES)
    except OSError:
        return False


def _executable_file(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def visited(env: Mapping[str, str]) -> list[str]:
    """The programs this chain of passthroughs already ran (real paths)."""
    return [p for p in env.get(ENV_MARKER, "").split(os.pathsep) if p]


def _self_paths() -> frozenset[str]:
    argv0 = sys.argv[0] if sys.argv and sys.argv[0] else ""
    return frozenset({_real(argv0)} if argv0 and os.path.exists(argv0) else set())


def find_real_openclaw(env: Mapping[str, str], self_paths: frozenset[str] | None = None) -> tuple[str | None, bool]:
    """(OpenClaw's `openclaw`, or None; and whether one was passed over because it leads back to us)."""
    self_paths = _self_paths() if self_paths is None else self_paths
    seen = set(visited(env))
    explicit = env.get(ENV_BIN, "").strip()
    if explicit:
        if _real(explicit) in seen or (_executable_file(explicit) and _is_ours(explicit, self_paths)):
            return None, True
        return explicit, False  # as given: a missing or unrunnable file is reported by exec
    looped = False
    checked: set[str] = set()
    # An empty PATH entry means the current directory to a shell; never run a `./openclaw` from there.
    for folder in (d for d in env.get("PATH", os.defpath).split(os.pathsep) if d):
        candidate = os.path.join(folder, _NAME)
        if not _executable_file(candidate):
            continue
        real = _real(candidate)
        if real in checked:
            continue
        checked.add(real)
        if real in seen:
            looped = True
            continue
        if not _is_ours(candidate, self_paths):
            return candidate, False
    return None, looped


def _reset_signals_for_exec() -> None:
    """Python ignores SIGPIPE and SIGXFSZ at startup, and an ignored signal stays ignored across exec: give the
    real OpenClaw the dispositions its own shell would have."""
    for name in ("SIGPIPE", "SIGXFSZ"):
        sig = getattr(signal, name, None)
        if sig is not None:
            signal.signal(sig, signal.SIG_DFL)


def run(args: Sequence[str], env: Mapping[str, str] | None = None) -> int:
    """Exec OpenClaw's `openclaw` with `args`; returns (an exit status, after one line on stderr) only when there is
    none to run."""
    environ = dict(os.environ if env is None else env)
    target, looped = find_real_openclaw(environ)
    # The command as the user knows it: its first word, not an option of OpenClaw's before it (`--profile dev`).
    command = " ".join([_NAME, *[a for a in args if not a.startswith("-")][:1]])
    if target is None:
        if looped:
            message = _("openclaw: every other `openclaw` found leads back to this one (openclaw-onboard); set "
                        "{var} to OpenClaw's own `openclaw` to run `{command}`").format(var=ENV_BIN, command=command)
        else:
            message = _("openclaw: `{command}` is OpenClaw's own command, and OpenClaw is not installed: install it "
                        "with `npm install -g openclaw` (or set {var})").format(command=command, var=ENV_BIN)
        _say(message)
        return 1
    environ[ENV_MARKER] = os.pathsep.join([*visited(environ), _real(target)])
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed stream has nothing to flush
            stream.flush()
    _reset_signals_for_exec()
    try:
        os.execve(target, [target, *args], environ)
    except OSError as exc:
        _say(_("openclaw: cannot run {path}: {reason}").format(path=target, reason=exc.strerror or exc))
        # What a shell answers for a command it cannot find (127) or cannot execute (126).
        return 127 if isinstance(exc, FileNotFoundError) else 126
    return 1  # not reached: execve returns only by raising


def _say(message: str) -> None:
    from openclaw_onboard.core.sanitize import clean

    with contextlib.suppress(OSError, ValueError):  # stderr closed: nothing better to do
        print(clean(message), file=sys.stderr, flush=True)
