"""Step 3a: OpenAI Codex (ChatGPT OAuth) login in the browser, live.

Shows the authorize URL (unpadded and one OSC 8 link, so a selection or a click gets it whole; `c`
copies it through the terminal clipboard), whether the loopback callback server listens (over SSH
with the exact `ssh -L` line; a busy port is named with how to free it), a countdown that turns into
a warning in the last minute, a paste input that races the callback (a paste anywhere on the screen
goes to it; a refused paste leaves the attempt running), progress (waiting → exchanging → saved) and
the saved account. Errors are shown inline; `r` retries (the paste field is disabled then, so `r` is
never typed into it). `d` switches to device pairing. Esc cancels and frees the port.

`CodexLoginScreen(agent_id, state=None, env=None, clock=None, open_browser=True, timeout_s=300.0)`
dismisses with a `screens.results.LoginResult`: LoginSaved(profile_id), "cancelled", or
`SwitchLogin("codex-device")`. The login itself is `core.oauth.login.CodexLoginSession`, driven from an
asyncio worker on the app's loop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openclaw_onboard.core.clock import now_ms as default_clock
from openclaw_onboard.core.errors import OpenClawError
from openclaw_onboard.core.i18n import N_, _
from openclaw_onboard.core.paths import state_dir
from openclaw_onboard.core.timefmt import format_duration as format_remaining  # 5h, 3일, 3日, 3天
from openclaw_onboard.screens.i18n import TranslatedBindings, tr
from openclaw_onboard.screens.login_actions import LoginActions
from openclaw_onboard.screens.results import LoginResult, SwitchLogin
from openclaw_onboard.screens.widgets import FittingFooter, PasteInput
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.markup import escape
from textual.screen import Screen
from textual.style import Style
from textual.widgets import Header, Label, Static

__all__ = ["CodexLoginScreen", "SwitchLogin", "UrlBox"]

STAGES = ("waiting", "exchanging", "saved")
STAGE_LABELS = {"waiting": N_("waiting"), "exchanging": N_("exchanging"), "saved": N_("saved")}
WARN_REMAINING_MS = 60_000  # the countdown turns into a warning this long before the limit


class UrlBox(Static, can_focus=True):
    """A URL: focusable (so `c` copies it), mouse-selectable, one OSC 8 link, no padding (a wrapped
    line never starts with indentation that a copy would pick up)."""

    def show_url(self, url: str) -> None:
        self.update(Content(url).stylize(Style(link=url)))


def format_elapsed(ms: int) -> str:
    seconds = max(0, ms) // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


def _fmt_date(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


class CodexLoginScreen(TranslatedBindings, LoginActions, Screen[LoginResult]):
    WORKER_GROUP = "codex-login"
    CSS_PATH = "codex_login.tcss"
    TITLE = N_("OpenClaw onboarding")
    SUB_TITLE = N_("3 · OpenAI Codex login")
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("escape", "continue", N_("Done")),  # after success: the same key, an honest label
        Binding("c", "copy_url", N_("Copy URL")),
        Binding("p", "focus_paste", N_("Paste")),
        Binding("r", "retry", N_("Retry")),
        Binding("d", "device", N_("Device code")),
        Binding("enter", "continue", N_("Continue"), show=True),
    ]

    def __init__(self, agent_id: str, state: Path | None = None, env: Mapping[str, str] | None = None,
                 clock: Callable[[], int] | None = None, open_browser: bool | Callable[[str], Any] = True,
                 timeout_s: float = 300.0, session_factory: Callable[..., Any] | None = None) -> None:
        super().__init__()
        self.agent_id = agent_id
        self.state = state if state is not None else state_dir(env)
        self.env = env
        self.clock = clock or default_clock
        self.open_browser = open_browser
        self.timeout_s = timeout_s
        self.session_factory = session_factory
        self.session: Any = None
        self.url: str | None = None
        self.phase = "starting"  # starting|waiting|exchanging|saved|error|cancelled
        self.started_ms = self.clock()
        self.profile_id: str | None = None
        self.result: Any = None
        self.error: str | None = None
        self._thread = threading.get_ident()
        self._warned = False
        self._start: Any = None  # the session's start info, shown again after a language switch
        self._message: Callable[[], tuple[str, str]] | None = None  # (text, kind), made in the current language

    # -- layout -------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Vertical(id="codex-body"):
            yield tr(Static(classes="title"), lambda: _(
                "Log in with OpenAI Codex (ChatGPT) for agent {agent_id}").format(
                agent_id=f"[b]{escape(self.agent_id)}[/]"))
            yield tr(Label(id="url-label"), lambda: _("Open this URL in your browser {hint}:").format(
                hint="[dim]{}[/]".format(_("(c copies it, or select it with the mouse)"))))
            yield tr(UrlBox(id="url"), lambda: "[dim]{}[/]".format(_("starting the login…")) if not self.url
                     else Content(self.url).stylize(Style(link=self.url)))
            yield Static("", id="listen")
            yield Static("", id="hint")
            with Horizontal(id="progress-row"):
                yield Static("", id="progress")
                yield Static("", id="elapsed")
            yield tr(Label(id="paste-label"), lambda: _("Or paste the redirect URL or the code {hint}:").format(
                hint="[dim]{}[/]".format(_("(p, or paste anywhere)"))))
            yield PasteInput(placeholder="http://localhost:1455/auth/callback?code=…&state=…", id="paste",
                             compact=True)
            yield Static("", id="message")
            yield Static("", id="account")
        yield FittingFooter()

    def on_mount(self) -> None:
        self._thread = threading.get_ident()
        try:
            self.render_progress()
            self.query_one("#url", UrlBox).focus()
        except NoMatches:
            if self.is_attached:
                raise  # a real defect: our own widget is missing
            return  # closed before it was up (a mashed key under load; seed 1207 in Japanese): nothing to start
        self.set_interval(1.0, self.tick)
        self.start_login()

    # -- display --------------------------------------------------------------------------------------
    def tick(self) -> None:
        if self.phase in ("starting", "waiting", "exchanging"):
            self.render_elapsed()

    def render_elapsed(self) -> None:
        elapsed = self.clock() - self.started_ms
        limit = int(self.timeout_s * 1000)
        remaining = max(0, limit - elapsed)
        box = self.query_one("#elapsed", Static)
        if self.phase not in ("starting", "waiting", "exchanging"):
            box.update("")
            return
        warn = self.phase == "waiting" and remaining <= min(WARN_REMAINING_MS, limit // 2)
        box.set_class(warn, "-warning")
        text = _("{remaining} left of {limit}").format(remaining=format_elapsed(remaining),
                                                        limit=format_elapsed(limit))
        box.update(f"▲ {text}" if warn else text)
        if warn and not self._warned and limit >= 2 * WARN_REMAINING_MS:
            self._warned = True  # once per attempt; very short test limits do not nag
            self.notify(_("The login stops in {remaining}; finish it in the browser or paste now. "
                          "r starts a fresh one afterwards.").format(remaining=format_elapsed(remaining)),
                        title=_("Login time running out"), severity="warning", timeout=8)

    def render_progress(self) -> None:
        parts = []
        current = STAGES.index(self.phase) if self.phase in STAGES else -1
        for i, stage_id in enumerate(STAGES):
            stage = escape(_(STAGE_LABELS[stage_id]))
            if self.phase == "error" and i == 0:
                parts.append(f"[$error]✗ {stage}[/]")
            elif i < current or self.phase == "saved":
                parts.append(f"[$success]✓ {stage}[/]")
            elif i == current:
                parts.append(f"[b $accent]● {stage}…[/]")
            else:
                parts.append(f"[$text-muted]○ {stage}[/]")
        self.query_one("#progress", Static).update("  →  ".join(parts))
        self.render_elapsed()
        self.refresh_bindings()

    def set_message(self, text: str | Callable[[], str], kind: str = "info") -> None:
        """The message line; a callable `text` is made again after a language switch."""
        make = text if callable(text) else (lambda: text)
        self._message = lambda: (make(), kind)
        self._show_message()

    def _show_message(self) -> None:
        text, kind = self._message() if self._message is not None else ("", "info")
        style = {"error": "$error", "ok": "$success", "info": "$text-muted"}[kind]
        self.query_one("#message", Static).update(f"[{style}]{escape(text)}[/]" if text else "")

    def retranslate(self) -> None:
        super().retranslate()
        self._show_message()
        self.render_progress()
        if self._start is not None:
            self.show_start(self._start)
        if self.phase == "error":
            self._show_failed()
        elif self.phase == "saved" and self.result is not None:
            self._show_saved(self.result)

    def on_progress(self, stage: str) -> None:
        """Called by the session; may come from another thread."""
        if threading.get_ident() != self._thread:
            self.app.call_from_thread(self.on_progress, stage)
            return
        if self.phase in ("error", "cancelled", "saved") or stage not in STAGES:
            return
        self.phase = stage
        if stage == "exchanging":
            self.set_message(lambda: _("Code received; exchanging it for tokens…"))
        self.render_progress()

    # -- the login --------------------------------------------------------------------------------------
    def _new_session(self) -> Any:
        if self.session_factory is not None:
            factory = self.session_factory
        else:
            from openclaw_onboard.core.oauth.login import CodexLoginSession as factory
        return factory(agent_id=self.agent_id, state=self.state, env=self.env, open_browser=self.open_browser,
                       timeout_s=self.timeout_s, on_progress=self.on_progress, on_notice=self.on_notice)

    @work(exclusive=True, group=WORKER_GROUP)
    async def start_login(self) -> None:
        from openclaw_onboard.core.oauth.errors import LoginCancelled

        self.phase, self.error, self.started_ms = "starting", None, self.clock()
        self._warned = False
        self.query_one("#account", Static).update("")
        self.query_one("#hint", Static).update("")
        self.set_paste_enabled(True)
        self.render_progress()
        try:
            # Made inside the try: a bad OPENCLAW_OAUTH_CALLBACK_* override is refused right here, and must
            # be shown on the screen like any other failed start, not end the wizard.
            session = self.session = self._new_session()
            start = await session.start()
        except OpenClawError as exc:
            self.fail(str(exc))
            return
        self.url = start.url
        self.query_one("#url", UrlBox).show_url(start.url)
        self._show_redirect_example(start.url)
        self.show_start(start)
        if self.phase == "starting":
            self.phase = "waiting"
        self.render_progress()
        try:
            result = await session.result()
        except LoginCancelled:
            self.phase = "cancelled"
            return
        except OpenClawError as exc:
            if session is self.session:
                self.fail(str(exc))
            return
        if session is not self.session:
            return
        self.succeed(result)

    def show_start(self, start: Any) -> None:
        self._start = start
        listen = self.query_one("#listen", Static)
        browser_note = getattr(start, "browser_note", None)
        if start.mode == "callback" and start.listen_address:
            opened = " [dim]{}[/]".format(_("(browser opened)")) if getattr(start, "browser_opened", False) else ""
            listen.update("[$success]●[/] " + _("Listening on {address} for the browser's redirect").format(
                address=f"[b]{escape(start.listen_address)}[/]") + opened)
        elif getattr(start, "port_note", None):  # the note below names the busy port and the fix
            listen.update("[$warning]▲[/] " + _("Paste-only: open the URL anywhere, then paste the address the "
                                                 "browser ends on."))
        else:
            reason = start.reason or _("the callback server is not available")
            listen.update("[$warning]▲[/] " + _("Paste-only: {reason}. Open the URL anywhere, then paste the "
                                                 "address the browser ends on.").format(reason=escape(reason)))
        hints = []
        if getattr(start, "port_note", None):
            hints.append(f"[$warning]▲[/] {escape(start.port_note)}")
        if getattr(start, "ssh_hint", None):
            hints.append(_("Browser on your own computer? Run this there first:") +
                         f"\n  [b]{escape(start.ssh_hint)}[/]")
        elif browser_note and start.mode == "callback":
            hints.append("[dim]{}[/]".format(_("No browser opened ({reason}).").format(reason=escape(browser_note))))
        self.query_one("#hint", Static).update("\n".join(hints))

    def set_paste_enabled(self, enabled: bool) -> None:
        """The paste field is disabled when nothing can be pasted (error, saved): keys like `r` then
        reach the screen instead of being typed into it."""
        paste = self.query_one("#paste", PasteInput)
        if paste.has_focus and not enabled:
            self.query_one("#url", UrlBox).focus()
        paste.disabled = not enabled
        paste.display = enabled  # hidden too: no "paste here" invitation when nothing can be pasted
        self.query_one("#paste-label", Label).display = enabled

    def on_notice(self, message: str) -> None:
        """A refused paste (the attempt goes on); may come from another thread."""
        if threading.get_ident() != self._thread:
            self.app.call_from_thread(self.on_notice, message)
            return
        if self.phase in ("waiting", "exchanging"):
            self.phase = "waiting"
            self.set_message(f"✗ {message}", "error")
            self.render_progress()

    def fail(self, message: str) -> None:
        self.phase = "error"
        self.error = message
        self.set_paste_enabled(False)
        self._show_failed()
        self.set_message(lambda: "✗ " + _("{error}  Press r to retry, d for device pairing, or Esc to go back.").format(
            error=message), "error")
        self.render_progress()

    def _show_failed(self) -> None:
        self.query_one("#listen", Static).update("[$text-muted]○ {}[/]".format(_("Not listening (the attempt ended)")))

    def succeed(self, result: Any) -> None:
        self.phase = "saved"
        self.result = result
        self.profile_id = result.profile_id
        self.set_paste_enabled(False)
        self.set_message(lambda: "✓ " + _("Saved as {profile_id}. Press Enter to continue.").format(
            profile_id=result.profile_id), "ok")
        self._show_saved(result)
        self.render_progress()

    def _show_saved(self, result: Any) -> None:
        self.query_one("#listen", Static).update(
            "[$success]✓[/] " + _("Login complete; the callback server is closed."))
        self.query_one("#hint", Static).update("")
        lines = ["[b]{}[/]   {}".format(_("Account"), escape(result.email or _("(no email in the token)")))]
        if result.account_id:
            lines.append(f"[b]accountId[/] {escape(result.account_id)}")
        if result.expires_ms:
            remaining = result.expires_ms - self.clock()
            when = _("{date} (in {remaining}; refreshed automatically)").format(
                date=_fmt_date(result.expires_ms), remaining=format_remaining(remaining))
            lines.append("[b]{}[/]   {}".format(_("Expires"), when))
        self.query_one("#account", Static).update("\n".join(lines))

    # -- input --------------------------------------------------------------------------------------------
    @on(PasteInput.Submitted, "#paste")
    def _paste_submitted(self, event: PasteInput.Submitted) -> None:
        event.stop()
        self.submit_paste(event.value)

    def on_paste(self, event: events.Paste) -> None:
        """A paste anywhere on the screen (not into the input) is treated as the redirect URL."""
        event.stop()
        self.submit_paste(event.text)

    def submit_paste(self, text: str) -> None:
        from openclaw_onboard.core.oauth.errors import PasteError

        if self.phase == "saved":
            return
        if self.session is None or self.phase in ("starting", "error", "cancelled"):
            if self.phase == "error":
                self.set_message(lambda: _("The login is not waiting for a code right now; press r to start again."),
                                 "error")
            else:
                self.set_message(lambda: _("The login is not waiting for a code right now."), "error")
            return
        try:
            self.session.submit_paste(text)
        except PasteError as exc:
            self.set_message(f"✗ {exc}", "error")
            return
        self.query_one("#paste", PasteInput).value = ""
        self.set_message(lambda: _("Code accepted; exchanging it for tokens…"))

    # -- actions ------------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return self.phase == "error"
        if action == "continue":
            return self.phase == "saved"
        if action == "cancel":
            return self.phase != "saved"
        if action == "focus_paste":
            return self.phase in ("starting", "waiting")
        if action == "device":
            return self.phase != "saved"
        if action == "copy_url":
            return self.url is not None or None
        return True

    def _show_redirect_example(self, url: str) -> None:
        """The paste hint names the redirect this login really uses (the port may not be 1455)."""
        from urllib.parse import parse_qs, urlsplit

        redirect = (parse_qs(urlsplit(url).query).get("redirect_uri") or [""])[0]
        if redirect:
            self.query_one("#paste", PasteInput).placeholder = f"{redirect}?code=…&state=…"

    def action_copy_url(self) -> None:
        if self.url:
            self.app.copy_to_clipboard(self.url)
            # OSC 52 asks the terminal to copy; nothing says whether it did (tmux or a terminal may refuse).
            self.notify(_("Login URL sent to the terminal (OSC 52); if your terminal blocks it, select the URL "
                          "on screen."), timeout=6)

    def action_focus_paste(self) -> None:
        self.query_one("#paste", PasteInput).focus()

    async def action_retry(self) -> None:
        if self.phase != "error":
            return
        await self._close_session()
        self.set_message("")
        self.start_login()

    async def action_device(self) -> None:
        if self.phase != "saved":
            await self._leave(SwitchLogin("codex-device"))

    def _take_flow(self) -> Any:
        session, self.session = self.session, None
        return session

    async def _close_session(self) -> None:
        await self._close_flow()

    async def on_unmount(self) -> None:
        # Jumped away (command palette) without Esc: never leave the port bound.
        await self._close_session()
