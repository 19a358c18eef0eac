"""Step 3b: OpenAI Codex device pairing, live (works over SSH, in containers, anywhere).

Shows the user code large and copyable (`c`), the verification URL (`u` copies it; an OSC 8 link),
a QR code of that URL for a phone (segno, drawn with half blocks in black on white so it scans in
dark themes too), a countdown to the 15-minute limit (a warning in the last minute) and live
progress (checks so far, the next check, a slow or failing server). Esc stops polling at once.
`b` switches to the browser login (also offered when the server has no device login); `r` asks for
a new code after a failure.

`DeviceLoginScreen(agent_id, state=None, env=None, clock=None, open_browser=True, timing=None,
login_factory=None)` dismisses with a `screens.results.LoginResult`: LoginSaved(profile_id), "cancelled", or
`SwitchLogin("codex")`. The login itself is `core.oauth.device.CodexDeviceLogin`.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from openclaw_onboard.core.clock import now_ms as default_clock
from openclaw_onboard.core.errors import OpenClawError
from openclaw_onboard.core.i18n import N_, _, ngettext
from openclaw_onboard.core.paths import state_dir
from openclaw_onboard.screens.codex_login import UrlBox, _fmt_date, format_elapsed
from openclaw_onboard.screens.i18n import TranslatedBindings, tr
from openclaw_onboard.screens.login_actions import LoginActions
from openclaw_onboard.screens.results import LoginResult, SwitchLogin
from openclaw_onboard.screens.widgets import FittingFooter
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.markup import escape
from textual.screen import Screen
from textual.style import Style
from textual.widgets import Header, Static

WARN_REMAINING_MS = 60_000
QR_BORDER = 2  # modules of quiet zone; half the standard 4, enough for phone cameras on a white block


def qr_lines(data: str) -> list[str]:
    """`data` as a QR code, two modules per character cell ("▀": top module = foreground)."""
    import segno

    matrix = [list(row) for row in segno.make(data, error="l", micro=False).matrix_iter(border=QR_BORDER)]
    if len(matrix) % 2:
        matrix.append([0] * len(matrix[0]))
    chars = {(0, 0): " ", (1, 0): "▀", (0, 1): "▄", (1, 1): "█"}
    return ["".join(chars[(bool(top), bool(bottom))] for top, bottom in zip(upper, lower, strict=True))
            for upper, lower in zip(matrix[::2], matrix[1::2], strict=True)]


class QrCode(Static):
    """A QR code drawn in black on white whatever the theme (dark modules must be dark to scan)."""

    def show(self, data: str) -> None:
        text = "\n".join(qr_lines(data))
        self.update(Content(text).stylize(Style.parse("#000000 on #ffffff")))


class CodeBox(Static, can_focus=True):
    """The user code, large: bold, spaced by padding (not inside the code, so a copy is exact)."""


class DeviceLoginScreen(TranslatedBindings, LoginActions, Screen[LoginResult]):
    WORKER_GROUP = "device-login"
    CSS_PATH = "device_login.tcss"
    TITLE = N_("OpenClaw onboarding")
    SUB_TITLE = N_("3 · OpenAI Codex device pairing")
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("escape", "continue", N_("Done")),
        Binding("c", "copy_code", N_("Copy code")),
        Binding("u", "copy_url", N_("Copy URL")),
        Binding("r", "retry", N_("New code")),
        Binding("b", "browser", N_("Browser login")),
        Binding("enter", "continue", N_("Continue"), show=True),
    ]

    # What differs between the device logins this screen runs (the Codex pairing; GitHub Copilot's subclass).
    PAIR_TITLE = N_("Pair with your ChatGPT account for agent {agent_id}")
    ASKING = N_("Asking OpenAI for a code…")
    HAS_BROWSER_LOGIN = True

    def __init__(self, agent_id: str, state: Path | None = None, env: Mapping[str, str] | None = None,
                 clock: Callable[[], int] | None = None, open_browser: bool | Callable[[str], Any] = True,
                 timing: Any = None, login_factory: Callable[..., Any] | None = None) -> None:
        super().__init__()
        self.agent_id = agent_id
        self.state = state if state is not None else state_dir(env)
        self.env = env
        self.clock = clock or default_clock
        self.open_browser = open_browser
        self.timing = timing
        self.login_factory = login_factory
        self.login: Any = None
        self.phase = "starting"  # starting|waiting|exchanging|saved|error|unavailable|cancelled
        self.code: Any = None
        self.deadline_ms = 0
        self.polls = 0
        self.next_poll_ms: int | None = None
        self.problem: str | None = None
        self.profile_id: str | None = None
        self.error: str | None = None
        self.result: Any = None
        self._warned = False

    # -- layout -------------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Vertical(id="device-body"):
            yield tr(Static(classes="title"), lambda: _(self.PAIR_TITLE).format(
                agent_id=f"[b]{escape(self.agent_id)}[/]"))
            with Horizontal(id="device-main"):
                with Vertical(id="device-steps"):
                    yield tr(Static(classes="step"), lambda: _("1. On any device (a phone works) open:"))
                    yield tr(UrlBox(id="device-url"), lambda: "[dim]{}[/]".format(_("asking for a code…"))
                             if self.code is None else Content(self.code.verification_url).stylize(
                                 Style(link=self.code.verification_url)))
                    yield tr(Static(classes="step"), lambda: _("2. Sign in and enter this code:"))
                    yield CodeBox("", id="user-code")
                    yield Static("", id="device-status")
                    yield Static("", id="device-countdown")
                    yield Static("", id="device-message")
                qr = QrCode("", id="qr")
                qr.display = False  # shown once there is a URL (set here: mashing can close us before mount)
                yield qr
        yield FittingFooter()

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)
        self.start_login()

    # -- the login ------------------------------------------------------------------------------------------
    def _new_login(self) -> Any:
        if self.login_factory is not None:
            factory = self.login_factory
        else:
            from openclaw_onboard.core.oauth.device import CodexDeviceLogin as factory
        kwargs: dict[str, Any] = {"agent_id": self.agent_id, "state": self.state, "env": self.env,
                                  "on_progress": self.on_progress}
        if self.timing is not None:
            kwargs["timing"] = self.timing
        return factory(**kwargs)

    @work(exclusive=True, group=WORKER_GROUP)
    async def start_login(self) -> None:
        try:
            await self._run_login()
        except NoMatches:
            if self.is_attached:
                raise  # a real defect: our own widget is missing
            # else: the screen was closed (Esc, a mashed key) while the login was starting: nothing to show

    async def _run_login(self) -> None:
        from openclaw_onboard.core.oauth.device import DeviceLoginUnavailable
        from openclaw_onboard.core.oauth.errors import LoginCancelled

        self.phase, self.error, self.code, self.polls, self.problem = "starting", None, None, 0, None
        self._warned = False
        self.set_message("")
        self.query_one("#device-status", Static).update("[b $accent]●[/] " + _(self.ASKING))
        self.refresh_bindings()
        try:
            login = self.login = self._new_login()  # inside: a bad endpoint override is shown, not a crash
            code = await login.start()
        except DeviceLoginUnavailable as exc:
            self.fail(str(exc), unavailable=True)
            return
        except OpenClawError as exc:
            self.fail(str(exc))
            return
        if login is not self.login:
            return
        self.show_code(code)
        try:
            result = await login.result()
        except LoginCancelled:
            return
        except OpenClawError as exc:
            if login is self.login:
                self.fail(str(exc))
            return
        if login is self.login:
            self.succeed(result)

    def show_code(self, code: Any) -> None:
        self.code = code
        self.phase = "waiting"
        self.deadline_ms = self.clock() + int(code.expires_in_s * 1000)
        self.query_one("#device-url", UrlBox).show_url(code.verification_url)
        self.query_one("#user-code", CodeBox).update(escape(code.user_code))
        qr = self.query_one("#qr", QrCode)
        qr.show(code.verification_url)
        qr.display = True
        self.query_one("#user-code", CodeBox).focus()
        self._maybe_open_browser(code.verification_url)
        self.render_status()
        self.refresh_bindings()

    def _maybe_open_browser(self, url: str) -> None:
        """Locally the verification page can open by itself (it carries no secret, so argv is fine)."""
        from openclaw_onboard.core.oauth.login import browser_plan, open_url

        env = os.environ if self.env is None else self.env
        can_open, _ = browser_plan(env, self.open_browser)
        if not can_open:
            return
        target = self.open_browser if callable(self.open_browser) else (lambda u: open_url(u, env))
        threading.Thread(target=lambda: _quietly(target, url), name="openclaw-open-browser", daemon=True).start()

    def on_progress(self, progress: Any) -> None:
        """Called by the login on the app's loop."""
        if self.phase in ("saved", "error", "unavailable", "cancelled"):
            return
        if progress.stage == "waiting":
            self.polls = progress.polls
            self.problem = progress.problem
            self.next_poll_ms = (self.clock() + int(progress.next_poll_s * 1000)
                                 if progress.next_poll_s is not None else None)
        elif progress.stage == "exchanging":
            self.phase = "exchanging"
        self.render_status()

    # -- display ----------------------------------------------------------------------------------------------
    def tick(self) -> None:
        if self.phase in ("waiting", "exchanging"):
            self.render_status()

    def render_status(self) -> None:
        status = self.query_one("#device-status", Static)
        if self.phase == "exchanging":
            status.update("[b $accent]●[/] " + _("Approved; exchanging the code for tokens…"))
        elif self.phase == "waiting":
            checks = (ngettext("{n} check", "{n} checks", self.polls).format(n=self.polls) if self.polls
                      else _("checking"))
            nxt = ""
            if self.next_poll_ms is not None:
                seconds = -(-max(0, self.next_poll_ms - self.clock()) // 1000)
                nxt = " · " + _("next in {seconds}s").format(seconds=seconds)
            line = "[b $accent]●[/] " + _("Awaiting approval") + f" · {checks}{nxt}"
            if self.problem:
                line += "\n[$warning]▲[/] " + _("{problem}; still trying").format(problem=escape(self.problem))
            status.update(line)
        self.render_countdown()

    def render_countdown(self) -> None:
        box = self.query_one("#device-countdown", Static)
        if self.phase != "waiting" or not self.deadline_ms:
            box.update("")
            box.set_class(False, "-warning")
            return
        remaining = max(0, self.deadline_ms - self.clock())
        total = int(self.code.expires_in_s * 1000) if self.code else 0
        warn = remaining <= min(WARN_REMAINING_MS, total // 2)
        box.set_class(warn, "-warning")
        text = _("Code expires in {remaining}. Never share it.").format(remaining=format_elapsed(remaining))
        box.update(f"▲ {text}" if warn else text)
        if warn and not self._warned and total >= 2 * WARN_REMAINING_MS:
            self._warned = True
            self.notify(_("The code expires in {remaining}; r gets a new one afterwards.").format(
                remaining=format_elapsed(remaining)), title=_("Code about to expire"), severity="warning", timeout=8)

    def set_message(self, text: str, kind: str = "info") -> None:
        style = {"error": "$error", "ok": "$success", "info": "$text-muted"}[kind]
        self.query_one("#device-message", Static).update(f"[{style}]{escape(text)}[/]" if text else "")

    def retranslate(self) -> None:
        super().retranslate()
        if self.phase in ("error", "unavailable") and self.error is not None:
            self._show_failed(self.error)
        elif self.phase == "saved" and self.result is not None:
            self._show_saved(self.result)
        elif self.phase == "starting":
            self.query_one("#device-status", Static).update("[b $accent]●[/] " + _(self.ASKING))
        self.render_status()

    def fail(self, message: str, unavailable: bool = False) -> None:
        self.phase = "unavailable" if unavailable else "error"
        self.error = message
        self._show_failed(message)
        self.query_one("#user-code", CodeBox).update("[dim]—[/]")
        self.query_one("#qr", QrCode).display = False
        self.render_countdown()
        self.refresh_bindings()

    def _show_failed(self, message: str) -> None:
        self.query_one("#device-status", Static).update("[$error]✗[/] " + _("Stopped."))
        if not self.HAS_BROWSER_LOGIN:
            self.set_message("✗ " + _("{error} Press r for a new code, or Esc.").format(error=message), "error")
        elif self.phase == "unavailable":
            self.set_message("✗ " + _("{error} Press b for the browser login.").format(error=message), "error")
        else:
            self.set_message("✗ " + _("{error} Press r for a new code, b for the browser login, or Esc.").format(
                error=message), "error")

    def succeed(self, result: Any) -> None:
        self.phase = "saved"
        self.profile_id = result.profile_id
        self.result = result
        self._show_saved(result)
        self.query_one("#qr", QrCode).display = False
        self.render_countdown()
        self.refresh_bindings()

    def _show_saved(self, result: Any) -> None:
        self.query_one("#device-status", Static).update("[$success]✓[/] " + _("Paired; no longer checking."))
        lines = ["✓ " + _("Saved as {profile_id}. Press Enter to continue.").format(profile_id=result.profile_id),
                 "{}   {}".format(_("Account"), result.email or _("(no email in the token)"))]
        if result.account_id:
            lines.append(f"accountId {result.account_id}")
        if result.expires_ms:
            lines.append("{}   {}".format(_("Expires"), _("{date} (refreshed automatically)").format(
                date=_fmt_date(result.expires_ms))))
        self.query_one("#device-message", Static).update(
            "[$success]" + escape(lines[0]) + "[/]\n" + "\n".join(escape(line) for line in lines[1:]))

    # -- actions ------------------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "continue":
            return self.phase == "saved"
        if action == "cancel":
            return self.phase != "saved"
        if action in ("copy_code", "copy_url"):
            if self.phase in ("saved", "error", "unavailable"):
                return False  # nothing to copy any more: not even a greyed-out key
            return self.phase == "waiting" or None
        if action == "retry":
            return self.phase == "error"
        if action == "browser":
            return self.HAS_BROWSER_LOGIN and self.phase != "saved"
        return True

    def action_copy_code(self) -> None:
        if self.code is not None:
            self.app.copy_to_clipboard(self.code.user_code)
            # OSC 52 asks the terminal to copy; nothing says whether it did (tmux or a terminal may refuse).
            self.notify(_("Code sent to the terminal (OSC 52); if your terminal blocks it, select the code on "
                          "screen."), timeout=6)

    def action_copy_url(self) -> None:
        if self.code is not None:
            self.app.copy_to_clipboard(self.code.verification_url)
            self.notify(_("URL sent to the terminal (OSC 52); if your terminal blocks it, select the URL on "
                          "screen."), timeout=6)

    async def action_retry(self) -> None:
        if self.phase != "error":
            return
        await self._close_login()
        self.start_login()

    async def action_browser(self) -> None:
        if self.HAS_BROWSER_LOGIN and self.phase != "saved":
            await self._leave(SwitchLogin("codex"))

    def _take_flow(self) -> Any:
        login, self.login = self.login, None
        return login

    async def _close_login(self) -> None:
        await self._close_flow()

    async def on_unmount(self) -> None:
        await self._close_login()  # jumped away (command palette): never leave it polling


def _quietly(target: Callable[[str], Any], url: str) -> None:
    with contextlib.suppress(Exception):  # a failing browser must not matter: the URL is on screen
        target(url)
