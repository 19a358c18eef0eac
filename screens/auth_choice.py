"""Step 2: how to log in. One line of description under each choice.

`AuthChoiceScreen(agent_id, env=None)` dismisses with one of CHOICES' ids ("codex", "codex-device",
"setup-token", "paste-token", "api-key", "codex-cli", "claude-cli", "back", "skip") or None (quit).
The highlighted default is the Codex login that fits this machine (`recommended_codex`), with why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from core.cli_imports import claude_cli_available, codex_cli_available
from core.paths import claude_cli_credentials_path, codex_cli_auth_path
from screens.agent_select import home_relative


@dataclass(frozen=True)
class Choice:
    id: str
    title: str
    description: str


CODEX = Choice("codex", "OpenAI Codex (ChatGPT login)",
               "Sign in with your ChatGPT account in the browser (OAuth, auto-refresh)")
CODEX_DEVICE = Choice("codex-device", "OpenAI Codex device pairing",
                      "Type a short code on any device (a phone works); best over SSH")
SETUP_TOKEN = Choice("setup-token", "Anthropic setup-token",
                     "Paste the one-year token printed by `claude setup-token`")
PASTE_TOKEN = Choice("paste-token", "Paste a token (any provider)",
                     "Store a bearer token you already have, optionally with an expiry")
API_KEY = Choice("api-key", "API key (any provider)",
                 "Recommended for Anthropic; can also go to .env for a gateway daemon")
CODEX_CLI = Choice("codex-cli", "Reuse Codex CLI login",
                   "Seed openai-codex:default from {path}")
CLAUDE_CLI = Choice("claude-cli", "Reuse Claude CLI login",
                    "Import {path} as anthropic:claude-cli")
BACK = Choice("back", "← Back", "Choose another agent")
SKIP = Choice("skip", "Skip for now", "Go straight to the dashboard without adding a login")


def choice_prompt(choice: Choice, **fmt: str) -> str:
    description = escape(choice.description.format(**fmt))
    return f"[b]{escape(choice.title)}[/]\n  [$text-muted]{description}[/]"


def recommended_codex(env: Mapping[str, str] | None) -> tuple[str, str]:
    """The Codex login that fits this machine and why: browser on a desktop, pairing elsewhere."""
    import os

    from core.oauth.login import detect_remote

    remote = detect_remote(os.environ if env is None else env)
    if remote is not None:
        why = "SSH session" if "SSH" in remote else "no display here"
        return CODEX_DEVICE.id, f"Suggested: device pairing ({why}); the browser login is one ↑ away."
    return CODEX.id, "Suggested: the browser login (a desktop); device pairing is one ↓ away."


class AuthChoiceScreen(Screen[str | None]):
    CSS_PATH = "auth_choice.tcss"
    TITLE = "OpenClaw onboarding"
    SUB_TITLE = "2 · Choose how to log in"
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("s", "skip", "Skip"),
        Binding("q", "quit_wizard", "Quit"),
    ]

    def __init__(self, agent_id: str, env: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.agent_id = agent_id
        self.env = env
        self.choices: list[Choice] = []

    def available_choices(self) -> list[tuple[Choice, dict[str, str]]]:
        items: list[tuple[Choice, dict[str, str]]] = [(CODEX, {}), (CODEX_DEVICE, {}), (SETUP_TOKEN, {}),
                                                      (PASTE_TOKEN, {}), (API_KEY, {})]
        if codex_cli_available(self.env):
            items.append((CODEX_CLI, {"path": home_relative(codex_cli_auth_path(self.env), self.env)}))
        if claude_cli_available(self.env):
            items.append((CLAUDE_CLI, {"path": home_relative(claude_cli_credentials_path(self.env), self.env)}))
        return items

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Vertical(id="choice-body"):
            yield Static(f"How should agent [b]{escape(self.agent_id)}[/] log in?", id="choice-title",
                         classes="title")
            yield Static(escape(recommended_codex(self.env)[1]), id="choice-why")
            yield OptionList(id="choices")
        yield Footer()

    def on_mount(self) -> None:
        options: list[Option | None] = []
        self.choices = []
        for choice, fmt in self.available_choices():
            options.append(Option(choice_prompt(choice, **fmt), id=choice.id))
            self.choices.append(choice)
        options.append(None)
        for choice in (BACK, SKIP):
            options.append(Option(choice_prompt(choice), id=choice.id))
            self.choices.append(choice)
        choices = self.query_one("#choices", OptionList)
        choices.add_options(options)
        default = recommended_codex(self.env)[0]
        choices.highlighted = next((i for i, c in enumerate(self.choices) if c.id == default), 0)
        choices.focus()

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_back(self) -> None:
        self.dismiss("back")

    def action_skip(self) -> None:
        self.dismiss("skip")

    def action_quit_wizard(self) -> None:
        self.dismiss(None)

