"""Step 3a: OpenAI Codex (ChatGPT OAuth) login, live.

Shows the authorize URL (selectable; `c` copies it through the terminal clipboard), whether the
loopback callback server listens (or why the login is paste-only), elapsed time against the
timeout, a paste input that is always available and races the callback (a paste anywhere on the
screen goes to it), progress (waiting → exchanging → saved) and the resulting account.
Errors are shown inline; `r` retries. Esc cancels the login and frees the port.

`CodexLoginScreen(agent_id, state=None, env=None, clock=None, open_browser=True, timeout_s=300.0)`
dismisses with the saved profile id, or None when cancelled. The login itself is
`core.oauth.login.CodexLoginSession`, driven from an asyncio worker on the app's loop.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static

from core.clock import now_ms as default_clock
from core.durations import format_remaining
from core.errors import OpenClawError
from core.paths import state_dir
from screens.widgets import PasteInput

STAGES = ("waiting", "exchanging", "saved")


class UrlBox(Static, can_focus=True):
    """The authorize URL: focusable (so `c` copies it) and mouse-selectable."""


def format_elapsed(ms: int) -> str:
    seconds = max(0, ms) // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


def _fmt_date(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


class CodexLoginScreen(Screen[str | None]):
    CSS_PATH = "codex_login.tcss"
    TITLE = "OpenClaw onboarding"
    SUB_TITLE = "3 · OpenAI Codex login"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("c", "copy_url", "Copy URL"),
        Binding("p", "focus_paste", "Paste code"),
        Binding("r", "retry", "Retry"),
        Binding("enter", "continue", "Continue", show=True),
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

    # -- layout -------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Vertical(id="codex-body"):
            yield Static(f"Log in with OpenAI Codex (ChatGPT) for agent [b]{escape(self.agent_id)}[/]",
                         classes="title")
            yield Label("Open this URL in your browser [dim](c copies it, or select it with the mouse)[/]:",
                        id="url-label")
            yield UrlBox("[dim]starting the login…[/]", id="url")
            yield Static("", id="listen")
            with Horizontal(id="progress-row"):
                yield Static("", id="progress")
                yield Static("", id="elapsed")
            yield Label("Or paste the redirect URL or the code [dim](p, or paste anywhere)[/]:",
                        id="paste-label")
            yield PasteInput(placeholder="http://localhost:1455/auth/callback?code=…&state=…", id="paste",
                             compact=True)
            yield Static("", id="message")
            yield Static("", id="account")
        yield Footer()

    def on_mount(self) -> None:
        self._thread = threading.get_ident()
        self.render_progress()
        self.query_one("#url", UrlBox).focus()
        self.set_interval(1.0, self.tick)
        self.start_login()

    # -- display --------------------------------------------------------------------------------------
    def tick(self) -> None:
        if self.phase in ("starting", "waiting", "exchanging"):
            self.render_elapsed()

    def render_elapsed(self) -> None:
        elapsed = self.clock() - self.started_ms
        self.query_one("#elapsed", Static).update(
            f"elapsed {format_elapsed(elapsed)} of {format_elapsed(int(self.timeout_s * 1000))}")

    def render_progress(self) -> None:
        parts = []
        current = STAGES.index(self.phase) if self.phase in STAGES else -1
        for i, stage in enumerate(STAGES):
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

    def set_message(self, text: str, kind: str = "info") -> None:
        style = {"error": "$error", "ok": "$success", "info": "$text-muted"}[kind]
        self.query_one("#message", Static).update(f"[{style}]{escape(text)}[/]" if text else "")

    def on_progress(self, stage: str) -> None:
        """Called by the session; may come from another thread."""
        if threading.get_ident() != self._thread:
            self.app.call_from_thread(self.on_progress, stage)
            return
        if self.phase in ("error", "cancelled", "saved") or stage not in STAGES:
            return
        self.phase = stage
        if stage == "exchanging":
            self.set_message("Code received; exchanging it for tokens…")
        self.render_progress()

    # -- the login --------------------------------------------------------------------------------------
    def _new_session(self) -> Any:
        if self.session_factory is not None:
            factory = self.session_factory
        else:
            from core.oauth.login import CodexLoginSession as factory
        return factory(agent_id=self.agent_id, state=self.state, env=self.env, open_browser=self.open_browser,
                       timeout_s=self.timeout_s, on_progress=self.on_progress)

    @work(exclusive=True, group="codex-login")
    async def start_login(self) -> None:
        from core.oauth.errors import LoginCancelled

        self.phase, self.error, self.started_ms = "starting", None, self.clock()
        self.query_one("#account", Static).update("")
        self.render_progress()
        session = self.session = self._new_session()
        try:
            start = await session.start()
        except OpenClawError as exc:
            self.fail(str(exc))
            return
        self.url = start.url
        self.query_one("#url", UrlBox).update(escape(start.url))
        self._show_redirect_example(start.url)
        if start.mode == "callback" and start.listen_address:
            self.query_one("#listen", Static).update(
                f"[$success]●[/] Listening on [b]{escape(start.listen_address)}[/] for the browser's redirect"
                + (" [dim](browser opened)[/]" if self.open_browser else ""))
        else:
            reason = start.reason or "the callback server is not available"
            self.query_one("#listen", Static).update(
                f"[$warning]▲[/] Paste-only: {escape(reason)}. Open the URL anywhere, then paste the address "
                "the browser ends on.")
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

    def fail(self, message: str) -> None:
        self.phase = "error"
        self.error = message
        self.set_message(f"✗ {message}  Press r to retry or Esc to go back.", "error")
        self.render_progress()

    def succeed(self, result: Any) -> None:
        self.phase = "saved"
        self.result = result
        self.profile_id = result.profile_id
        self.set_message(f"✓ Saved as {result.profile_id}. Press Enter to continue.", "ok")
        lines = [f"[b]Account[/]   {escape(result.email or '(no email in the token)')}"]
        if result.account_id:
            lines.append(f"[b]accountId[/] {escape(result.account_id)}")
        if result.expires_ms:
            remaining = result.expires_ms - self.clock()
            lines.append(f"[b]Expires[/]   {_fmt_date(result.expires_ms)} (in {format_remaining(remaining)}; "
                         "refreshed automatically)")
        self.query_one("#account", Static).update("\n".join(lines))
        self.render_progress()

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
        from core.oauth.errors import PasteError

        if self.phase == "saved":
            return
        if self.session is None or self.phase in ("starting", "error", "cancelled"):
            self.set_message("The login is not waiting for a code right now" +
                             ("; press r to start again." if self.phase == "error" else "."), "error")
            return
        try:
            self.session.submit_paste(text)
        except PasteError as exc:
            self.set_message(f"✗ {exc}", "error")
            return
        self.query_one("#paste", PasteInput).value = ""
        self.set_message("Code accepted; exchanging it for tokens…")

    # -- actions ------------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return self.phase == "error"
        if action == "continue":
            return self.phase == "saved"
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
            self.notify("Login URL copied to the clipboard (OSC 52)", timeout=3)

    def action_focus_paste(self) -> None:
        self.query_one("#paste", PasteInput).focus()

    async def action_retry(self) -> None:
        if self.phase != "error":
            return
        await self._close_session()
        self.set_message("")
        self.start_login()

    def action_continue(self) -> None:
        if self.phase == "saved":
            self.dismiss(self.profile_id)

    async def action_cancel(self) -> None:
        if self.phase == "saved":
            self.dismiss(self.profile_id)
            return
        self.phase = "cancelled"
        self.workers.cancel_group(self, "codex-login")
        await self._close_session()
        self.dismiss(None)

    async def _close_session(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            with contextlib.suppress(OpenClawError):
                await session.cancel()

    async def on_unmount(self) -> None:
        # Jumped away (command palette) without Esc: never leave the port bound.
        await self._close_session()
