"""Helpers shared by the CLI commands: agent ids, secret input, confirmation.

Import-light on purpose (core.paths, core.errors, core.tokens only): `models status` uses it.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from openclaw_onboard.core.agentconfig import list_agents
from openclaw_onboard.core.errors import OpenClawError, ValidationError
from openclaw_onboard.core.i18n import _
from openclaw_onboard.core.paths import DEFAULT_AGENT_ID, agent_paths, is_valid_agent_id, state_dir

if TYPE_CHECKING:
    from openclaw_onboard.core.usecases.outcome import Outcome

# A multi-line paste arrives at once; lines that follow the first within this window belong to it.
PASTE_CONTINUATION_S = 0.15


def resolve_agent(agent: str | None, *, must_exist: bool = True) -> str:
    """`--agent` value -> agent id. `main` may not exist yet; any other agent must."""
    agent_id = (agent or DEFAULT_AGENT_ID).strip().lower()
    if not is_valid_agent_id(agent_id):
        raise ValidationError(_("Invalid agent id {agent}: use 1-64 lowercase letters, digits, '-' or '_'").format(
            agent=repr(agent)))
    if must_exist and agent_id != DEFAULT_AGENT_ID and agent_id not in list_agents(state_dir()) \
            and not os.path.isdir(agent_paths(agent_id, state_dir()).agent_dir):
        raise ValidationError(_('Agent "{agent}" not found (see `openclaw agents list`; '
                                "create it with `openclaw agents add {agent}`)").format(agent=agent_id))
    return agent_id


def stdin_is_tty() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False


PASTE_START, PASTE_END = b"\x1b[200~", b"\x1b[201~"  # a bracketed paste, as the terminal marks it


def _read_tty_hidden(prompt: str) -> str:
    """Read a secret from the terminal without echo. A paste that the terminal delivers as several
    lines (wrapped output copied with its line breaks) is read whole.

    The terminal is asked for bracketed paste, so it marks where a paste begins and ends: every line up to
    the end mark is the paste, however the lines arrive (the last line of a paste without a final line
    break only arrives with the Enter that follows). A terminal that does not mark pastes: lines that
    arrive right after the first one are part of the same paste.
    """
    try:
        import select
        import termios
    except ImportError:  # not POSIX
        import getpass

        return getpass.getpass(prompt, stream=sys.stderr)
    fd = sys.stdin.fileno()
    old = termios.tcgetattr(fd)
    new = termios.tcgetattr(fd)
    new[3] &= ~termios.ECHO
    chunks: list[bytes] = []
    bracketed = _stderr_is_tty()
    try:
        termios.tcsetattr(fd, termios.TCSAFLUSH, new)  # echo off before the prompt invites the paste
        sys.stderr.write(prompt + ("\x1b[?2004h" if bracketed else ""))
        sys.stderr.flush()
        data = os.read(fd, 65536)  # canonical mode: one line per read
        if data:
            chunks.append(data)
            if PASTE_START in data:
                while PASTE_END not in b"".join(chunks) and (data := os.read(fd, 65536)):
                    chunks.append(data)
            else:
                while select.select([fd], [], [], PASTE_CONTINUATION_S)[0]:
                    data = os.read(fd, 65536)
                    if not data.strip():
                        break
                    chunks.append(data)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)
        sys.stderr.write(("\x1b[?2004l" if bracketed else "") + "\n")
        sys.stderr.flush()
    return b"".join(chunks).replace(PASTE_START, b"").replace(PASTE_END, b"").decode("utf-8", "replace")


def _stderr_is_tty() -> bool:
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (ValueError, OSError):
        return False


def read_secret(prompt: str, *, what: str | None = None, example: str = "") -> str:
    """A secret from a hidden prompt (stdin is a terminal) or all of stdin (piped); whitespace removed.

    Never from argv. Empty input is a user error with a clear message.
    """
    from openclaw_onboard.core.tokens import MAX_PASTE_CHARS, normalize_token

    what = what or _("token")  # a noun phrase: "token", "setup-token", "API key"
    if sys.stdin is None:
        raise OpenClawError(_("No stdin to read the {what} from; pipe it in or run this in a terminal").format(
            what=what))
    if stdin_is_tty():
        raw = _read_tty_hidden(prompt)
        if not normalize_token(raw):
            raise ValidationError(_("No {what} was pasted").format(what=what))
    else:
        raw = sys.stdin.read(MAX_PASTE_CHARS + 1)  # never the whole of a huge pipe into memory
        if len(raw) > MAX_PASTE_CHARS:
            raise ValidationError(_("More than {limit} characters on stdin: that is not a {what}; pipe only the "
                                    "{what}").format(limit=MAX_PASTE_CHARS, what=what))
        if not normalize_token(raw):
            if example:
                message = _("No {what} on stdin: pipe it in (e.g. `{example}`), or run this in a terminal to be "
                            "prompted").format(what=what, example=example)
            else:
                message = _("No {what} on stdin: pipe it in, or run this in a terminal to be prompted").format(
                    what=what)
            raise ValidationError(message)
    return normalize_token(raw)


def confirm(question: str, *, refuse_hint: str) -> bool:
    """Ask y/N on the terminal. Without a terminal: a user error that says how to skip the question."""
    if not stdin_is_tty():
        raise ValidationError(_("Not asking for confirmation without a terminal: {hint}").format(hint=refuse_hint))
    sys.stderr.write(f"{question} [y/N] ")  # y/yes answers in every language: the keys stay Latin
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def describe_expiry(expires_ms: int | None, now_ms: int) -> str:
    """`expires in 5h` / `expired 3d ago` / `no expiry`, in the reader's language."""
    from openclaw_onboard.core.timefmt import describe_expiry as _describe

    if expires_ms is None:
        return _("no expiry")
    return _describe(expires_ms - now_ms)


def present(outcome: Outcome, *, frame: str | None = None) -> int:
    """A core.usecases Outcome on the terminal: notes on stderr, what was done on stdout (exit 0); nothing
    done, or saved with openclaw.json not updated: one stderr line (exit 1) with the notes folded into it.
    `frame` ("...{problem}...") words a nothing-saved reason for this command."""
    from openclaw_onboard.core.sanitize import clean
    from openclaw_onboard.core.usecases.outcome import Verdict

    if outcome.verdict is Verdict.SAVED:
        for note in outcome.notes:
            print(clean(_("Note: {note}").format(note=note)), file=sys.stderr, flush=True)
        for line in (outcome.message, *outcome.details):
            print(clean(line), flush=True)
        return 0
    line = outcome.message
    if frame and outcome.verdict is Verdict.NOTHING_SAVED:
        line = frame.format(problem=line)
    raise OpenClawError(" ".join([line, *outcome.notes]))
