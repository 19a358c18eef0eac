"""`openclaw onboard`: the full-screen onboarding wizard.

Flow (each screen reports with `dismiss(result)`; this module decides what comes next):

    AgentSelect --agent--> AuthChoice --codex--------> CodexLogin --profile id--> Dashboard(highlight)
        ^                     |  ^     --setup-token/paste-token/api-key--> TokenPaste --profile id--^
        +-------back----------+  |     --codex-cli/claude-cli--> confirm + core.cli_imports ---------^
                                 +------------- ("add", agent) from the Dashboard --------------------+

`--agent ID` starts at AuthChoice, `--dashboard` at the Dashboard. Screens are imported lazily so
the first one paints fast. `create_app()` is the factory that `openclaw onboard` and every TUI test share.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from openclaw_onboard.app.crash import CrashSafeApp
from openclaw_onboard.app.terminal_safe import TerminalSafe
from openclaw_onboard.core.clock import now_ms as default_clock
from openclaw_onboard.core.i18n import LANGUAGE_NAMES, LANGUAGES, N_, _, current_language, detect_language, set_language
from openclaw_onboard.core.paths import DEFAULT_AGENT_ID, state_dir
from openclaw_onboard.screens.base import css_paths, guard_dismiss
from openclaw_onboard.screens.i18n import retranslate_tree
from openclaw_onboard.screens.results import (
    AddCredential,
    AgentChosen,
    AgentSelectResult,
    AuthChoiceResult,
    AuthChosen,
    DashboardResult,
    LoginResult,
    LoginSaved,
    SwitchLogin,
)
from openclaw_onboard.screens.textual_compat import CrashHooksApp, SafeCommandPalette, event_clock
from textual import constants as textual_constants
from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.css.query import NoMatches
from textual.filter import LineFilter
from textual.screen import Screen
from textual.worker import WorkerFailed, active_worker

# Longest a screen switch may swallow keys if the new screen never runs (it was replaced at once).
SWITCH_GRACE_S = 0.5
DARK_THEME = "textual-dark"
_TERMINAL_SAFE = TerminalSafe()
LIGHT_THEME = "textual-light"
APP_TITLE = N_("OpenClaw onboarding")
# The palette finds a language by its English name too ("korean"), whatever language is shown.
ENGLISH_LANGUAGE_NAMES = {"en": "English", "ko": "Korean", "ja": "Japanese", "zh_TW": "Traditional Chinese"}
# Textual's own palette commands, translated where they are shown (their msgids are Textual's English).
SYSTEM_COMMAND_TEXTS = (
    N_("Quit"), N_("Quit the application as soon as possible"), N_("Keys"),
    N_("Hide the keys and widget help panel"), N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"), N_("Minimize the widget and restore to normal size"), N_("Maximize"),
    N_("Maximize the focused widget"), N_("Screenshot"), N_("Save an SVG 'screenshot' of the current screen"),
)


class OnboardCommands(Provider):
    """The wizard's main actions in the command palette (ctrl+p)."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        app = self.app
        assert isinstance(app, OnboardApp)
        return [
            (_("Log in with OpenAI Codex"), _("ChatGPT OAuth login in the browser"), partial(app.goto, "codex")),
            (_("Pair OpenAI Codex with a code"), _("device pairing: works over SSH"),
             partial(app.goto, "codex-device")),
            (_("Paste a token"), _("Store any provider's token"), partial(app.goto, "paste-token")),
            (_("Paste an Anthropic setup-token"), _("Output of `claude setup-token`"),
             partial(app.goto, "setup-token")),
            (_("Add an API key"), _("Any provider; optionally written to .env"), partial(app.goto, "api-key")),
            (_("Open dashboard"), _("All credentials of the current agent"), partial(app.goto, "dashboard")),
            (_("Switch agent"), _("Choose another agent or add one"), partial(app.goto, "agents")),
            (_("Toggle light/dark theme"), _("Switch between the light and the dark theme"),
             app.action_toggle_theme),
            *self._language_commands(),
        ]

    def _language_commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        """One command per other language, named in the current language and in its own, so a reader
        stuck in a language they cannot read finds theirs by typing its name (or "language")."""
        app = self.app
        assert isinstance(app, OnboardApp)
        return [(_("Language: {name}").format(name=LANGUAGE_NAMES[lang]),
                 _("Show the wizard in {name}").format(name=LANGUAGE_NAMES[lang]),
                 partial(app.switch_language, lang))
                for lang in LANGUAGES if lang != current_language()]

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app = self.app
        assert isinstance(app, OnboardApp)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            switch = isinstance(callback, partial) and callback.func == app.switch_language
            lang = callback.args[0] if isinstance(callback, partial) and switch else None
            if score <= 0 and lang is not None:  # "language", "korean"... find it whatever language is shown
                score = matcher.match(f"language {ENGLISH_LANGUAGE_NAMES[lang]} {name}") * 0.9
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class OnboardCommandPalette(SafeCommandPalette):
    """The wizard's command palette (one at a time: `OnboardApp.action_command_palette`)."""


class OnboardApp(CrashSafeApp, CrashHooksApp[int]):  # CrashSafeApp: one line + a private report, never locals
    CSS_PATH = "tui.tcss"
    TITLE = APP_TITLE
    COMMANDS = App.COMMANDS | {OnboardCommands}
    BINDINGS = [
        Binding("question_mark", "help", N_("Help"), key_display="?"),
        # F1 is priority: it also opens the help over modal screens (details, confirmations), which
        # hide the app's other bindings. Nobody types F1 into a field.
        Binding("f1", "help", N_("Help"), show=False, priority=True),
        Binding("ctrl+t", "toggle_theme", N_("Light/dark"), show=False),
        # A terminal user expects ctrl+c to stop the program, in every field too (Textual's default only
        # says "press ctrl+q"). It asks first; a second ctrl+c, or y/enter, quits.
        Binding("ctrl+c", "request_quit", N_("Quit"), show=False, priority=True, tooltip=N_("Quit (asks first)")),
    ]

    def __init__(self, agent_id: str | None = None, dashboard: bool = False, state: Path | None = None,
                 clock: Callable[[], int] | None = None, env: Mapping[str, str] | None = None,
                 open_browser: bool | Callable[[str], Any] = True, login_timeout_s: float = 300.0,
                 cursor_blink: bool = True, theme: str | None = None,
                 login_session_factory: Callable[..., Any] | None = None, device_timing: Any = None,
                 device_login_factory: Callable[..., Any] | None = None) -> None:
        super().__init__()
        # The language: OPENCLAW_LANG, else LC_ALL/LC_MESSAGES/LANG of `env` (the palette can switch it).
        set_language(detect_language(env))
        self.title = _(APP_TITLE)
        self.login_session_factory = login_session_factory  # tests: a scripted CodexLoginSession
        self.device_timing = device_timing  # tests: core.oauth.device.DeviceTiming with short intervals
        self.device_login_factory = device_login_factory  # tests: a scripted CodexDeviceLogin
        self.env = env
        self.state = state if state is not None else state_dir(env)
        self._era_text: str | None = None  # the header's era tag, told from the state dir once (_era_tag)
        self.clock: Callable[[], int] = clock or default_clock
        self.open_browser = open_browser
        self.login_timeout_s = login_timeout_s
        self.initial_agent = agent_id
        self.start_on_dashboard = dashboard
        self.current_agent: str | None = agent_id
        self.agent_was_chosen = agent_id is None  # Back from AuthChoice returns to AgentSelect
        # Where Back (esc) on the login picker leads: the screen the picker was opened from.
        self.picker_back_to_dashboard = False
        self.input_cursor_blink = cursor_blink  # read by screens.widgets inputs
        self.first_paint_hook: Callable[[], Any] | None = None
        self.saved_profiles: list[str] = []  # what this run saved, in order (for tests and the exit message)
        self.theme = theme or DARK_THEME
        # The first screen's stylesheet is read with the app's own, before the first frame: a screen
        # that brings a stylesheet Textual has not read yet makes it parse every stylesheet again.
        self.css_path = [*self.css_path, *css_paths(self._first_screen_class())]
        # Keys created before this moment are dropped (see _show); inf while a screen is being replaced.
        self._keys_valid_after = -math.inf
        self._switch_id = 0
        # Keys and pastes typed behind a key a text field is still handling (see on_event); None: none held.
        self._held_input: list[events.Key | events.Paste] | None = None
        self._hold_id = 0

    def get_line_filters(self) -> Sequence[LineFilter]:
        return [*super().get_line_filters(), _TERMINAL_SAFE]  # untrusted text never drives the terminal

    # -- start ------------------------------------------------------------------------------------------
    def _first_screen_class(self) -> type[Screen[Any]]:
        """The class of the screen `on_mount` shows first (imported: it is needed right away)."""
        if self.start_on_dashboard:
            from openclaw_onboard.screens.dashboard import DashboardScreen

            return DashboardScreen
        if self.initial_agent:
            from openclaw_onboard.screens.auth_choice import AuthChoiceScreen

            return AuthChoiceScreen
        from openclaw_onboard.screens.agent_select import AgentSelectScreen

        return AgentSelectScreen

    def on_mount(self) -> None:
        if self.start_on_dashboard:
            self.show_dashboard(self.initial_agent or DEFAULT_AGENT_ID)
        elif self.initial_agent:
            self.show_auth_choice(self.initial_agent)
        else:
            self.show_agent_select()

    def _show(self, screen: Screen[Any], callback: Callable[[Any], Any] | None) -> None:
        """Replace whatever wizard screens are open with `screen`.

        Keys and pastes typed before the new screen was up are dropped: they were meant for the old
        screen (a double tap, Enter mashed during start-up) and must not act on a screen nobody has
        seen yet. Keys typed after it is up pass, however soon.
        """
        self._switch_id += 1
        self._keys_valid_after = math.inf
        self._held_input = None  # typed at the screen that is going away: dropped like the keys below
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(screen, callback)
        # Runs on the new screen's own queue, after its compose and mount.
        screen.call_next(self._switched, self._switch_id)
        # Safety net: a screen replaced before it ever ran never calls back.
        self.set_timer(SWITCH_GRACE_S, partial(self._switched, self._switch_id))
        if self.first_paint_hook is not None:
            hook, self.first_paint_hook = self.first_paint_hook, None
            screen.call_after_refresh(hook)

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        # Every screen, Textual's own too (the command palette dismisses itself on Enter, and a second
        # Enter dismisses it again: ScreenStackError), acts on its first dismiss only.
        if isinstance(screen, Screen):
            guard_dismiss(screen)
        return super().push_screen(screen, *args, **kwargs)

    def exception_is_harmless(self, error: Exception) -> bool:
        # A worker of a screen that has already left (Esc or a mashed key during a login step) may still
        # look up one of that screen's widgets: NoMatches. Nothing is lost, nothing is shown: not a crash.
        if isinstance(error, WorkerFailed) and isinstance(error.error, NoMatches):
            worker = active_worker.get(None)
            node = worker.node if worker is not None else None
            try:
                screen = node if node is None or isinstance(node, Screen) else node.screen
            except Exception:  # no node, or detached from every screen
                screen = None
            if node is not None and (screen is None or screen not in self.screen_stack):
                self.log.warning(f"ignored {type(error.error).__name__} from a worker of a screen that was closed")
                return True
        return False

    def _switched(self, switch_id: int) -> None:
        if switch_id == self._switch_id and self._keys_valid_after == math.inf:
            self._keys_valid_after = event_clock()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent | events.Paste) and not self.screen_stack:
            return  # quitting: keys typed behind the quitting key have no screen left (Textual would raise)
        if isinstance(event, events.Key | events.Paste) and self._typed_at(event) < self._keys_valid_after:
            return  # typed at the screen that is going away
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            if self._held_input is not None:
                self._held_input.append(event)
                return
            await super().on_event(event)
            if isinstance(event, events.Key) and event.is_forwarded and not event.is_printable:
                self._hold_typed_input(event)
            return
        await super().on_event(event)

    def _hold_typed_input(self, key: events.Key) -> None:
        """Hold the keys typed behind `key`, just handed to a text field, until it has acted on it.

        The app hands every key of a burst to the focused widget before that widget handles the first:
        `openrouter` Enter Enter `sk-...` typed ahead put the token into the provider field, in clear,
        because the Enter that moves the focus on had not acted yet. A text field answers every
        non-printable key with WizardInput.KeyDone, behind whatever the key caused (a Submitted, the
        focus moving on); the keys held until then go where the focus is then.
        """
        from openclaw_onboard.screens.widgets import WizardInput

        if not isinstance(self.focused, WizardInput):
            return
        self._held_input = []
        self._hold_id += 1
        # Safety net: a field removed before it answered (its screen closed) never does.
        self.set_timer(SWITCH_GRACE_S, partial(self._release_input, self._hold_id))

    async def on_wizard_input_key_done(self, message: Any) -> None:
        await self._release_input(self._hold_id)

    async def _release_input(self, hold_id: int) -> None:
        if hold_id != self._hold_id or self._held_input is None:
            return
        held, self._held_input = self._held_input, None
        screen = self.screen
        for index, event in enumerate(held):  # in typing order; one of them may hold the rest again
            if self.screen is not screen or self._held_input is not None:
                # A key opened or closed a screen (or held the rest again): the others go back on the app's
                # queue, handled after that screen has mounted. Dispatched on in this loop, a held ctrl+c then
                # Esc closed the quit question before it had mounted (NoMatches, mashing seeds 1202, 1204).
                for later in held[index:]:
                    self.post_message(later)
                return
            await self.on_event(event)

    def _typed_at(self, event: events.Key | events.Paste) -> float:
        # A terminal's lone Esc reaches us ESCAPE_DELAY after it was typed (the parser waits to see
        # whether an escape sequence follows), so Esc Esc could land on the next screen. Headless
        # (tests) there is no parser and no delay.
        if isinstance(event, events.Key) and event.key == "escape" and not self.is_headless:
            return event.time - textual_constants.ESCAPE_DELAY
        return event.time

    # -- steps --------------------------------------------------------------------------------------------
    def show_agent_select(self) -> None:
        from openclaw_onboard.screens.agent_select import AgentSelectScreen

        self.agent_was_chosen = True
        self._show(AgentSelectScreen(state=self.state, clock=self.clock, env=self.env), self._agent_selected)

    def _agent_selected(self, result: AgentSelectResult | None) -> None:
        if isinstance(result, AgentChosen):
            self.picker_back_to_dashboard = False
            self.show_auth_choice(result.agent_id)
        else:
            self.exit(0)

    def show_auth_choice(self, agent_id: str) -> None:
        from openclaw_onboard.screens.auth_choice import AuthChoiceScreen

        self.current_agent = agent_id
        self._show(AuthChoiceScreen(agent_id, env=self.env, state=self.state,
                                    back_to_dashboard=self.picker_back_to_dashboard),
                   partial(self._auth_chosen, agent_id))

    def _auth_chosen(self, agent_id: str, result: AuthChoiceResult | None) -> None:
        if result is None or result == "quit":
            self.exit(0)
        elif result == "back" and self.picker_back_to_dashboard:
            self.show_dashboard(agent_id)  # opened with `a` from the dashboard: back there
        elif result == "back":
            self.show_agent_select()
        elif result == "skip":
            self.show_dashboard(agent_id)
        elif isinstance(result, AuthChosen):
            self._start_login(agent_id, result.choice)

    def _start_login(self, agent_id: str, choice: str) -> None:
        """Open the screen of the login `choice` (an AuthChosen's id)."""
        if not choice.startswith("openclaw:") and (refusal := self._write_refusal(agent_id, choice)) is not None:
            # A SQLite-era state dir: said before a form asks for a secret or a login starts, not after.
            self.show_auth_choice(agent_id)
            # After the switch: a toast raised while the new screen is being pushed would not be shown on it.
            self.call_after_refresh(self.notify, refusal, title=_("Read-only state dir"), severity="error",
                                    timeout=15)
            return
        if choice == "codex":
            self.show_codex(agent_id)
        elif choice == "codex-device":
            self.show_device(agent_id)
        elif choice == "copilot":
            self.show_copilot(agent_id)
        elif choice in ("setup-token", "paste-token", "api-key"):
            self.show_token(agent_id, choice)
        elif choice.startswith("api-key:"):  # a provider picked from OpenClaw's catalog
            self.show_token(agent_id, "api-key", provider=choice.partition(":")[2])
        elif choice.startswith("openclaw:"):  # a login only OpenClaw itself performs
            self.notify(_("Run it with OpenClaw: {command}").format(
                command=f"openclaw onboard --auth-choice {choice.partition(':')[2]}"),
                title=_("Not in this wizard"), timeout=10)
            self.show_auth_choice(agent_id)
        elif choice == "codex-cli":
            self.reuse_codex_cli(agent_id)
        elif choice == "claude-cli":
            self.reuse_claude_cli(agent_id)
        else:  # pragma: no cover - AuthChoiceScreen only offers the above
            self.show_auth_choice(agent_id)

    def show_codex(self, agent_id: str) -> None:
        from openclaw_onboard.screens.codex_login import CodexLoginScreen

        self.current_agent = agent_id
        screen = CodexLoginScreen(agent_id, state=self.state, env=self.env, clock=self.clock,
                                  open_browser=self.open_browser, timeout_s=self.login_timeout_s,
                                  session_factory=self.login_session_factory)
        self._show(screen, partial(self._login_done, agent_id))

    def show_device(self, agent_id: str) -> None:
        from openclaw_onboard.screens.device_login import DeviceLoginScreen

        self.current_agent = agent_id
        screen = DeviceLoginScreen(agent_id, state=self.state, env=self.env, clock=self.clock,
                                   open_browser=self.open_browser, timing=self.device_timing,
                                   login_factory=self.device_login_factory)
        self._show(screen, partial(self._login_done, agent_id))

    def show_copilot(self, agent_id: str) -> None:
        from openclaw_onboard.screens.copilot_login import CopilotLoginScreen

        self.current_agent = agent_id
        screen = CopilotLoginScreen(agent_id, state=self.state, env=self.env, clock=self.clock,
                                    open_browser=self.open_browser)
        self._show(screen, partial(self._login_done, agent_id))

    def show_token(self, agent_id: str, kind: str, provider: str | None = None) -> None:
        from openclaw_onboard.screens.token_paste import TokenPasteScreen

        self.current_agent = agent_id
        screen = TokenPasteScreen(agent_id, kind, state=self.state, clock=self.clock, env=self.env,
                                  provider=provider)
        self._show(screen, partial(self._login_done, agent_id))

    def _login_done(self, agent_id: str, result: LoginResult | None) -> None:
        if isinstance(result, SwitchLogin):  # the other Codex login, one key away
            self._start_login(agent_id, result.target)
            return
        if not isinstance(result, LoginSaved):  # cancelled / back
            self.show_auth_choice(agent_id)
            return
        profile_id = result.profile_id
        self.saved_profiles.append(profile_id)
        self.notify(_("Saved {profile_id} for agent {agent_id}").format(profile_id=profile_id, agent_id=agent_id),
                    title=_("Login saved"), timeout=4)
        self.show_dashboard(agent_id, highlight=profile_id)

    def show_dashboard(self, agent_id: str, highlight: str | None = None) -> None:
        from openclaw_onboard.screens.dashboard import DashboardScreen

        self.current_agent = agent_id
        screen = DashboardScreen(agent_id, state=self.state, clock=self.clock, highlight=highlight, env=self.env)
        self._show(screen, self._dashboard_done)

    def _dashboard_done(self, result: DashboardResult | None) -> None:
        if isinstance(result, AddCredential):
            self.picker_back_to_dashboard = True
            self.show_auth_choice(result.agent_id)
        elif result == "agents":
            self.show_agent_select()
        else:
            self.exit(0)

    # -- reuse of other CLIs' logins ----------------------------------------------------------------------
    def reuse_codex_cli(self, agent_id: str) -> None:
        from openclaw_onboard.core.paths import codex_cli_auth_path
        from openclaw_onboard.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self._import_cli(agent_id, "codex-cli")
            else:
                self.show_auth_choice(agent_id)

        source = codex_cli_auth_path(self.env)
        self.push_screen(ConfirmScreen(
            lambda: _("Copy the Codex CLI login into openai-codex:default for agent {agent_id}?").format(
                agent_id=agent_id),
            detail=lambda: _("From {path}. Only an empty openai-codex:default is seeded: once OpenClaw has its own "
                             "login, its refresh token wins.").format(path=source),
            yes=lambda: _("Copy"), no=lambda: _("Back")), answered)

    def reuse_claude_cli(self, agent_id: str) -> None:
        from openclaw_onboard.core.paths import claude_cli_credentials_path
        from openclaw_onboard.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self._import_cli(agent_id, "claude-cli")
            else:
                self.show_auth_choice(agent_id)

        source = claude_cli_credentials_path(self.env)
        self.push_screen(ConfirmScreen(
            lambda: _("Import the Claude CLI login as anthropic:claude-cli for agent {agent_id}?").format(
                agent_id=agent_id),
            detail=lambda: _("From {path}. An existing anthropic:claude-cli profile is replaced.").format(
                path=source),
            yes=lambda: _("Import"), no=lambda: _("Back")), answered)

    @work(thread=True, exclusive=True, group="cli-import")
    def _import_cli(self, agent_id: str, which: str) -> None:
        """core.usecases.cli_logins does the reuse; this shows its outcome."""
        from openclaw_onboard.core.usecases import cli_logins
        from openclaw_onboard.core.usecases.outcome import Verdict

        reuse = cli_logins.reuse_codex_cli if which == "codex-cli" else cli_logins.reuse_claude_cli
        outcome = reuse(agent_id, self.state, self.env)
        if outcome.verdict is Verdict.NOTHING_SAVED:
            kept = outcome.profile_id is not None and not outcome.changed  # a local login that wins
            self.call_from_thread(self.notify, outcome.message, severity="warning" if kept else "error",
                                  timeout=6 if kept else 8)
            if kept:
                self.call_from_thread(self.show_dashboard, agent_id, outcome.profile_id)
            else:
                self.call_from_thread(self.show_auth_choice, agent_id)
            return
        if outcome.verdict is Verdict.CONFIG_NOT_UPDATED:
            self.call_from_thread(self.notify, outcome.message, severity="warning", timeout=10)
        assert outcome.profile_id is not None
        self.call_from_thread(self._login_done, agent_id, LoginSaved(outcome.profile_id))

    # -- command palette / global actions -----------------------------------------------------------------
    def goto(self, target: str) -> None:
        agent = self.current_agent or DEFAULT_AGENT_ID
        if target == "agents":
            self.show_agent_select()
        elif target == "codex":
            self.show_codex(agent)
        elif target == "codex-device":
            self.show_device(agent)
        elif target in ("paste-token", "setup-token", "api-key"):
            self.show_token(agent, target)
        elif target == "dashboard":
            self.show_dashboard(agent)
        else:
            raise ValueError(f"unknown target {target!r}")

    def format_title(self, title: str, sub_title: str) -> Content:
        # Textual dims the sub-title (4.4:1 in the light theme); an italic one reads as secondary.
        title = self._era_tag() or title  # a SQLite-era dir: the title says so (and fits 80 columns with the step)
        if not sub_title:
            return Content(title)
        return Content.assemble(title, " — ", (sub_title, "italic"))

    def _write_refusal(self, agent_id: str, choice: str) -> str | None:
        """Why the login `choice` cannot be saved in this state dir, or None when it can. In the SQLite era
        (core.era) a token or key goes to OpenClaw 2026.9.x's databases when the store can take it
        (core.store.check_writable); a browser login or another CLI's reuse still writes only the file era."""
        from openclaw_onboard.core.era import refuse_file_era_write
        from openclaw_onboard.core.errors import OpenClawError
        from openclaw_onboard.core.store import check_writable

        try:
            if choice in ("setup-token", "paste-token", "api-key", "copilot") or choice.startswith("api-key:"):
                check_writable(agent_id, self.state)
            else:
                refuse_file_era_write(self.state)
        except OpenClawError as exc:
            return str(exc)
        return None

    def _era_tag(self) -> str:
        """'OpenClaw 2026.9.6 · SQLite' on a SQLite-era state dir (core.era), whose stores are OpenClaw's
        databases: said once in the header of every screen rather than discovered at the first save."""
        if self._era_text is None:
            from openclaw_onboard.core.era import describe, detect
            from openclaw_onboard.core.errors import OpenClawError

            try:
                found = describe(detect(self.state))
            except OpenClawError:
                found = None
            self._era_text = "" if found is None or not found.is_sqlite else _(
                "OpenClaw {release} · SQLite").format(release=found.release or "2026.6.5+")
        return self._era_text

    def action_command_palette(self) -> None:
        # One palette at a time, also while one is covered (help over it) or still closing; no fixed id
        # (Textual's: a second ctrl+p during the close raised DuplicateIds).
        if self.use_command_palette and not any(isinstance(s, CommandPalette) for s in self.screen_stack):
            self.push_screen(OnboardCommandPalette(placeholder=_("Search for commands…")))

    def action_help(self) -> None:
        from openclaw_onboard.screens.help import HelpScreen, help_title

        screen = self.screen
        if isinstance(screen, HelpScreen):
            screen.dismiss(None)  # F1 again closes it
            return
        self.push_screen(HelpScreen(screen, help_title(screen, self)))

    def action_request_quit(self) -> None:
        from openclaw_onboard.screens.confirm import QuitConfirm
        from textual.widgets import Input

        if isinstance(self.screen, QuitConfirm):
            self.exit(0)
            return
        focused = self.focused
        if isinstance(focused, Input) and not focused.password and not focused.selection.is_empty:
            focused.action_copy()  # ctrl+c over selected text still copies it
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit(0)

        self.push_screen(QuitConfirm(lambda: _("Quit the onboarding wizard?"),
                                     detail=lambda: _("What was already saved stays saved; a login in progress is "
                                                      "cancelled. ctrl+c again quits."),
                                     yes=lambda: _("Quit"), no=lambda: _("Stay")),
                         answered)

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.theme == DARK_THEME else DARK_THEME

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[Any]:
        # Our own "Toggle light/dark theme" replaces Textual's theme picker (it offers dozens).
        for command in super().get_system_commands(screen):
            if command.title != "Theme":
                yield SystemCommand(_(command.title), _(command.help), partial(self._unless_quitting, command.callback),
                                    command.discover)

    def _unless_quitting(self, callback: Callable[[], Any]) -> Any:
        """Run a palette command, unless the app began to quit meanwhile (Esc or q typed behind the palette's
        Enter): its screen is gone, and "Keys" mounting a panel on it raised MountError (found by key mashing)."""
        if self.screen_stack and self.screen.is_attached:
            return callback()
        return None

    # -- language -------------------------------------------------------------------------------------------
    async def switch_language(self, lang: str) -> None:
        """Speak `lang` from now on, on every open screen at once: titles, texts, footer and help."""
        set_language(lang)
        self._era_text = None  # said again in the new language
        self.title = _(APP_TITLE)
        for screen in list(self.screen_stack):
            result = retranslate_tree(screen)
            if result is not None:
                await result
            screen.refresh_bindings()  # the Footer recomposes with the translated bindings


def create_app(agent_id: str | None = None, dashboard: bool = False, state: Path | None = None,
               clock: Callable[[], int] | None = None, env: Mapping[str, str] | None = None,
               open_browser: bool | Callable[[str], Any] = True, login_timeout_s: float = 300.0, *,
               cursor_blink: bool | None = None, theme: str | None = None,
               login_session_factory: Callable[..., Any] | None = None, device_timing: Any = None,
               device_login_factory: Callable[..., Any] | None = None) -> OnboardApp:
    """The app `openclaw onboard` runs and every TUI test drives.

    `clock` returns now in ms (frozen in snapshots). `cursor_blink=None` blinks unless the clock is frozen
    with OPENCLAW_NOW_MS (tests, snapshots, tmux runs), so screenshots are stable.
    `login_session_factory` replaces core.oauth.login.CodexLoginSession (same constructor keywords).
    """
    if cursor_blink is None:
        source = os.environ if env is None else env
        cursor_blink = not source.get("OPENCLAW_NOW_MS", "").strip()
    return OnboardApp(agent_id=agent_id, dashboard=dashboard, state=state, clock=clock, env=env,
                      open_browser=open_browser, login_timeout_s=login_timeout_s, cursor_blink=cursor_blink,
                      theme=theme, login_session_factory=login_session_factory, device_timing=device_timing,
                      device_login_factory=device_login_factory)


def _collect_from_now_on() -> None:
    """Garbage collection back on, for what the wizard makes from now on. What start-up made is frozen
    (never scanned again): nearly all of it (modules, classes, the app) lives as long as the process, and
    the first scan of it all, on the next allocation, cost ~15 ms right as the first frame was written.
    The price: the first screen's widgets are never collected (reference cycles) once it is replaced."""
    import gc

    gc.freeze()
    gc.enable()


def run_onboard(agent_id: str | None = None, dashboard: bool = False) -> int:
    """`openclaw onboard [--agent ID] [--dashboard]`."""
    import gc

    if agent_id is not None:
        from openclaw_onboard.core.agents import validate_agent_id

        agent_id = validate_agent_id(agent_id, for_new=False)
    app = create_app(agent_id=agent_id, dashboard=dashboard)
    # No cyclic garbage collection until the first screen is up (the CLI may have turned it off already, for
    # the imports): start-up makes ~45,000 objects and frees few, and the collector's passes over them would
    # delay the first paint (issue #15).
    gc.disable()
    app.first_paint_hook = _collect_from_now_on
    try:
        result = app.run()
    finally:
        gc.enable()
    for profile_id in app.saved_profiles:
        print(_("Saved {profile_id}").format(profile_id=profile_id))
    return int(result or app.return_code or 0)
