"""Crashes without leaks: one line on the terminal, a private report on disk (issue 11.2).

Textual's own crash screen prints a traceback *with local variables*, and locals of token code are tokens:
refresh tokens, auth codes, PKCE verifiers. Python's default hooks print tracebacks too. Here instead:

- `write_report(exc)` writes `<state>/crash-reports/crash-<time>-<pid>.txt`, 0600, created with
  O_EXCL|O_NOFOLLOW in a 0700 directory: exception types, files, lines and function names. No locals, and no
  exception messages except our own OpenClawError ones (a message such as `invalid literal: 'sk-...'` may
  quote a secret);
- `one_line(exc, path)` is the single line the user sees, naming the report;
- `CrashSafeApp` is the mixin for the Textual App (Textual's side: `screens.textual_compat.CrashHooksApp`);
  `install_hooks()` covers sys/threading for the CLI,
  `install_logging_handler()` logging.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import logging
    from pathlib import Path
    from types import TracebackType
    from typing import Any

REPORT_DIR = "crash-reports"
_MAX_FRAMES = 60


def _safe_message(exc: BaseException) -> str:
    from openclaw_onboard.core.errors import OpenClawError
    from openclaw_onboard.core.sanitize import clean

    if isinstance(exc, OpenClawError):  # our messages never contain a secret
        return clean(str(exc), 500)
    if isinstance(exc, OSError):  # errno text and file name only: never the data
        return clean(f"[Errno {exc.errno}] {exc.strerror or ''} {exc.filename or ''}".strip(), 500)
    return "(message withheld: it may quote a secret)"


def report_text(exc: BaseException) -> str:
    import platform
    import traceback

    from openclaw_onboard.core.sanitize import clean

    try:
        from openclaw_onboard.app.cli import version

        ver = version()
    except Exception:
        ver = "?"
    lines = [
        "openclaw-onboard crash report (no local variables, no secrets; safe to share)",
        f"time: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}",
        f"version: {ver}; python {platform.python_version()}; {platform.system()} {platform.release()}",
        "",
    ]
    seen: set[int] = set()
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(chain) < 10:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
    for i, item in enumerate(reversed(chain)):
        if i:
            lines.append("which led to:")
        lines.append(f"{type(item).__module__}.{type(item).__qualname__}: {_safe_message(item)}")
        frames = traceback.extract_tb(item.__traceback__)[-_MAX_FRAMES:]
        for fr in frames:  # file, line, function and the code line itself (code, not data)
            lines.append(f"  {clean(fr.filename)}:{fr.lineno} in {clean(fr.name)}")
            if fr.line:
                lines.append(f"      {clean(fr.line.strip(), 200)}")
        lines.append("")
    return "\n".join(lines) + "\n"


def _report_dir(state: Path | str | None) -> Path:
    from pathlib import Path

    from openclaw_onboard.core.paths import state_dir

    return (Path(state) if state is not None else state_dir()) / REPORT_DIR


def write_report(exc: BaseException, state: Path | None = None) -> Path | None:
    """The report's path, or None if it could not be written (a full disk may be why we crashed)."""
    from openclaw_onboard.core import fsio

    try:
        directory = _report_dir(state)
        fsio.ensure_private_dir(directory)
        path = directory / f"crash-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{os.getpid()}.txt"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, report_text(exc).encode("utf-8", "replace"))
        finally:
            os.close(fd)
        return path
    except Exception:
        return None


def one_line(exc: BaseException, path: Path | None, what: str = "openclaw") -> str:
    from openclaw_onboard.core.sanitize import clean

    try:  # the crash path must never fail on a catalog: English if anything goes wrong
        from openclaw_onboard.core.i18n import _
    except Exception:
        def _(message: str) -> str:
            return message
    try:
        if path:
            text = _("unexpected error ({kind}); a report without secrets is in {path}").format(
                kind=type(exc).__name__, path=clean(path))
        else:
            text = _("unexpected error ({kind}); no report could be written").format(kind=type(exc).__name__)
    except Exception:
        where = f"a report without secrets is in {clean(path)}" if path else "no report could be written"
        text = f"unexpected error ({type(exc).__name__}); {where}"
    return f"{what}: {text}"


def handle(exc: BaseException, state: Path | None = None, what: str = "openclaw") -> str:
    return one_line(exc, write_report(exc, state), what)


class CrashSafeApp:
    """Mixin for the wizard's App (before `screens.textual_compat.CrashHooksApp` in the bases, which routes
    Textual's unhandled exceptions here): one line, printed once the terminal is restored, and a private
    report, instead of Textual's crash output (a traceback with locals).

    Tests that drive the app with `run_test()` still get the exception re-raised."""

    crash_report_path: Path | None = None

    def crash_report(self, error: Exception) -> str | None:
        self.crash_report_path = write_report(error, getattr(self, "state", None))
        return one_line(error, self.crash_report_path, "openclaw onboard")


def _stderr_line(line: str) -> None:
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except Exception:
        pass


_ONE_LINE_HANDLER = "openclaw-one-line"  # its name: installed once however often install_hooks runs


def _one_line_handler() -> logging.Handler:
    import logging

    class OneLineHandler(logging.Handler):
        """Warnings from any logger as one clean line, never with a traceback or an exception's repr."""

        def emit(self, record: logging.LogRecord) -> None:
            from openclaw_onboard.core.sanitize import clean

            try:
                msg = record.getMessage().split("\n", 1)[0]
            except Exception:
                msg = "?"
            if record.name.startswith("asyncio"):
                msg = msg.split(":", 1)[0]  # "Task exception was never retrieved": the repr may quote a secret
            if record.exc_info and record.exc_info[0] is not None:
                msg = f"{msg} ({record.exc_info[0].__name__})"
            _stderr_line(f"openclaw: {record.levelname.lower()}: {clean(msg, 300)}")

    return OneLineHandler(logging.WARNING)


def install_hooks(state: Path | None = None) -> None:
    """For the CLI process: no path by which Python would print a traceback remains (log records: see
    install_logging_handler)."""

    def excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            _stderr_line("openclaw: cancelled")
            return
        _stderr_line(handle(exc, state))

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or isinstance(args.exc_value, SystemExit):
            return
        _stderr_line(handle(args.exc_value, state))

    def unraisable_hook(args: Any) -> None:
        if args.exc_value is not None:
            _stderr_line(handle(args.exc_value, state))

    sys.excepthook = excepthook
    sys.unraisablehook = unraisable_hook
    threading.excepthook = thread_hook


def install_logging_handler() -> None:
    """Log records (httpx, Textual, asyncio warnings) as one clean line each. Not for `models status`, which
    imports nothing that logs: importing logging would cost it a tenth of its time."""
    import logging

    root = logging.getLogger()
    if not any(h.name == _ONE_LINE_HANDLER for h in root.handlers):
        handler = _one_line_handler()
        handler.name = _ONE_LINE_HANDLER
        root.addHandler(handler)
