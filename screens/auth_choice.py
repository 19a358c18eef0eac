"""Step 2: how to log in. A searchable, grouped picker: type to filter, arrows to move, Enter to choose.

`AuthChoiceScreen(agent_id, env=None, state=None)` dismisses with a `screens.results.AuthChoiceResult`:
an `AuthChosen(choice)` whose choice is
- a wizard flow of WIZARD_CHOICES ("codex", "setup-token", "paste-token", "api-key", "codex-cli",
  "claude-cli", ...): adding a flow is one `Choice(...)` line in that list (plus its handler in app.tui);
- `api-key:<provider>` for a provider of OpenClaw's catalog (core.providers) that takes an API key;
- or "back", "skip", "quit".

The logins the agent's profiles came from come first ("Recently used": the API-key row of a provider for an
api_key profile, the setup-token for an Anthropic token...), most recently used first. Typing ranks every row
by how well the query matches its label, then its aliases; recent use only breaks ties.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from openclaw_onboard.core.cli_imports import claude_cli_available, codex_cli_available
from openclaw_onboard.core.i18n import N_, _, ngettext
from openclaw_onboard.core.paths import claude_cli_credentials_path, codex_cli_auth_path
from openclaw_onboard.screens.agent_select import home_relative
from openclaw_onboard.screens.i18n import TranslatedBindings, tr
from openclaw_onboard.screens.results import AuthChoiceResult, AuthChosen
from openclaw_onboard.screens.widgets import FittingFooter, WizardInput, WizardOptionList
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

API_KEY_PREFIX = "api-key:"
OPENCLAW_PREFIX = "openclaw:"  # an OpenClaw auth choice this wizard does not run: we say how to run it
# OpenClaw choices the wizard's own flows already cover (API-key choices are covered by the key form).
COVERED_CHOICES = frozenset({"openai-codex", "openai-codex-device-code", "anthropic-cli", "setup-token",
                             "github-copilot"})


# Group headings (msgids: an item's group is also its identity; translated where shown).
SIGN_IN = N_("Sign in")
RECENT = N_("Recently used")
API_KEYS = N_("API key for a provider")
OTHER_LOGINS = N_("Other logins (run in OpenClaw)")


@dataclass(frozen=True)
class Choice:
    id: str
    title: str  # msgid, translated where shown
    description: str  # msgid with {fields}
    group: str = SIGN_IN
    # When the choice is offered, and the {fields} of its description (None: never, e.g. file absent).
    available: Callable[[Mapping[str, str] | None], dict[str, str] | None] = lambda env: {}
    keywords: str = ""


def _codex_cli(env: Mapping[str, str] | None) -> dict[str, str] | None:
    return {"path": home_relative(codex_cli_auth_path(env), env)} if codex_cli_available(env) else None


def _claude_cli(env: Mapping[str, str] | None) -> dict[str, str] | None:
    return {"path": home_relative(claude_cli_credentials_path(env), env)} if claude_cli_available(env) else None


CODEX = Choice("codex", N_("OpenAI Codex (ChatGPT login)"),
               N_("Sign in with your ChatGPT account in the browser (OAuth, auto-refresh)"),
               keywords="openai-codex oauth")
CODEX_DEVICE = Choice("codex-device", N_("OpenAI Codex device pairing"),
                      N_("Type a short code on any device (a phone works); best over SSH"),
                      keywords="openai-codex device code ssh")
COPILOT = Choice("copilot", N_("GitHub Copilot (device login)"),
                 N_("Enter a code at github.com on any device (a phone works)"),
                 keywords="github-copilot github copilot device code")
SETUP_TOKEN = Choice("setup-token", N_("Anthropic setup-token"),
                     N_("Paste the one-year token printed by `claude setup-token`"), keywords="claude anthropic")
PASTE_TOKEN = Choice("paste-token", N_("Paste a token (any provider)"),
                     N_("Store a bearer token you already have, optionally with an expiry"))
API_KEY = Choice("api-key", N_("API key (any provider)"),
                 N_("Recommended for Anthropic; can also go to .env for a gateway daemon"), keywords="anthropic")
CODEX_CLI = Choice("codex-cli", N_("Reuse Codex CLI login"), N_("Seed openai-codex:default from {path}"),
                   available=_codex_cli, keywords="openai-codex")
CLAUDE_CLI = Choice("claude-cli", N_("Reuse Claude CLI login"), N_("Import {path} as anthropic:claude-cli"),
                    available=_claude_cli, keywords="anthropic")
BACK = Choice("back", N_("← Back"), N_("Choose another agent"), group="")
BACK_TO_DASHBOARD = Choice("back", N_("← Back"), N_("Back to the dashboard"), group="")
SKIP = Choice("skip", N_("Skip for now"), N_("Go straight to the dashboard without adding a login"), group="")

# The wizard's own flows, in display order. One line per flow.
WIZARD_CHOICES: list[Choice] = [CODEX, CODEX_DEVICE, COPILOT, SETUP_TOKEN, PASTE_TOKEN, API_KEY, CODEX_CLI,
                                CLAUDE_CLI]


def recommended_codex(env: Mapping[str, str] | None) -> tuple[str, str]:
    """The Codex login that fits this machine and why: browser on a desktop or wherever BROWSER names one
    (the login opens it, as core.oauth.login.browser_plan says), pairing elsewhere."""
    import os

    from openclaw_onboard.core.oauth.login import detect_remote

    env = os.environ if env is None else env
    if (env.get("BROWSER") or "").strip():
        return CODEX.id, _("Suggested: the browser login (BROWSER is set); device pairing is one ↓ away.")
    remote = detect_remote(env)
    if remote is not None:
        if "SSH" in remote:
            return CODEX_DEVICE.id, _("Suggested: device pairing (SSH session); the browser login is one ↑ away.")
        return CODEX_DEVICE.id, _("Suggested: device pairing (no display here); the browser login is one ↑ away.")
    return CODEX.id, _("Suggested: the browser login (a desktop); device pairing is one ↓ away.")


def choice_prompt(choice: Choice, **fmt: str) -> str:
    description = escape(_(choice.description).format(**fmt))
    return f"[b]{escape(_(choice.title))}[/]\n  [$text-muted]{description}[/]"


def choice_search(choice: Choice, **fmt: str) -> str:
    """What the filter matches: the English words and the current language's (either finds it)."""
    words = dict.fromkeys((choice.title, _(choice.title), choice.description, _(choice.description)))
    return f"{' '.join(words)} {choice.keywords} {choice.id}".lower()


@dataclass(frozen=True)
class Item:
    """One selectable row: its id, its prompt markup, the text a filter matches, its group, and what a query
    is ranked against: the label (as shown, and in English) and its aliases (ids, keywords, other names)."""

    id: str
    prompt: str
    search: str
    group: str
    label: str = ""
    aliases: str = ""


def choice_item(choice: Choice, group: str, **fmt: str) -> Item:
    labels = "\n".join(dict.fromkeys((choice.title, _(choice.title))))  # English and as shown
    return Item(choice.id, choice_prompt(choice, **fmt), choice_search(choice, **fmt), group, labels,
                f"{choice.keywords} {choice.id}")


def provider_items() -> list[Item]:
    from openclaw_onboard.core.providers import catalog

    items = []
    for entry in sorted(catalog().providers.values(), key=lambda p: p.label.lower()):
        if not entry.takes_api_key or not entry.choices:
            continue  # image-only keys and providers without an API-key login
        extra = f" · {entry.group_label}" if entry.group_label.lower() != entry.label.lower() else ""
        keys = sorted(entry.env, key=lambda name: "KEY" not in name)  # the API-key variable, not an OAuth one
        env = f"  [$text-muted]{escape(keys[0])}[/]" if keys else ""
        prompt = f"{escape(entry.label)} [$text-muted]({escape(entry.id)}){escape(extra)}[/]{env}"
        search = f"{entry.search_text} {' '.join(entry.env).lower()} api key"
        items.append(Item(API_KEY_PREFIX + entry.id, prompt, search, API_KEYS, entry.label,
                          f"{entry.id} {entry.search_text} {' '.join(entry.env)}"))
    return items


def other_openclaw_items() -> list[Item]:
    """OpenClaw's other logins (device codes, OAuth, local servers): listed so nothing is missing,
    chosen to learn the `openclaw onboard --auth-choice` command that performs them."""
    from openclaw_onboard.core.providers import catalog

    items = []
    for entry in sorted(catalog().providers.values(), key=lambda p: p.label.lower()):
        for choice in entry.choices:
            if choice.kind == "api_key" or choice.id in COVERED_CHOICES:
                continue
            hint = f" · {choice.hint}" if choice.hint else ""
            prompt = f"{escape(choice.label)} [$text-muted]({escape(choice.kind)}{escape(hint)})[/]"
            search = f"{entry.search_text} {choice.label.lower()} {choice.kind} {choice.hint.lower()}"
            items.append(Item(OPENCLAW_PREFIX + choice.id, prompt, search, OTHER_LOGINS, choice.label,
                              f"{choice.id} {entry.search_text}"))
    return items


def recent_choices(agent_id: str, state: Path | None) -> list[str]:
    """The picker rows the agent's profiles were made with, most recently used first (usageStats.lastUsed):
    an api_key profile's provider row, `setup-token` for an Anthropic token, `paste-token` for another token,
    the Codex or Claude CLI login for an OAuth one."""
    from openclaw_onboard.core import views
    from openclaw_onboard.core.paths import agent_paths

    try:
        snap = views.read_store(agent_paths(agent_id, state))
    except Exception:  # a broken store is reported elsewhere; the picker still works
        return []
    usage = snap.store.usageStats or {}
    last: dict[str, float] = {}
    for pid, cred in snap.store.profiles.items():
        row = _made_with(cred.type, cred.provider)
        if row is not None:
            used = getattr(usage.get(pid), "lastUsed", None) or 0
            last[row] = max(last.get(row, 0), used)
    return sorted(last, key=lambda p: -last[p])


def _made_with(kind: str, provider: str) -> str | None:
    if kind == "api_key":
        return API_KEY_PREFIX + provider
    if kind == "token":
        return SETUP_TOKEN.id if provider == "anthropic" else PASTE_TOKEN.id
    if kind == "oauth":
        return {"openai-codex": CODEX.id, "anthropic": CLAUDE_CLI.id}.get(provider)
    return None


def matches(item: Item, query: str) -> bool:
    return all(word in item.search for word in query.lower().split())


_WORD = re.compile(r"\w+")


def rank(item: Item, query: str) -> int:
    """How well `query` names the row (0 best): the label or id itself, then what the label starts with,
    then every query word starting a label word (`claude cli` -> "Reuse Claude CLI login"), then an alias's
    word, then a part of the label or aliases; a row that only matched its description comes last."""
    q = query.lower().strip()
    if not q:
        return 0
    label, aliases = item.label.lower(), item.aliases.lower()
    ident = item.id.partition(":")[2] if item.id.startswith((API_KEY_PREFIX, OPENCLAW_PREFIX)) else item.id
    labels = label.split("\n")
    if q == ident or q in labels:
        return 0
    if ident.startswith(q) or any(text.startswith(q) for text in labels):
        return 1
    words = _WORD.findall(q)
    label_words = _WORD.findall(label)
    if words and all(any(w.startswith(qw) for w in label_words) for qw in words):
        return 2
    alias_words = label_words + _WORD.findall(f"{ident} {aliases}")
    if words and all(any(w.startswith(qw) for w in alias_words) for qw in words):
        return 3
    if all(qw in f"{label} {aliases}" for qw in words):
        return 4
    return 5


def choice_result(option_id: str) -> AuthChoiceResult:
    """The picker's "Back" and "Skip" rows answer like esc and F2; every other row is a login."""
    if option_id == "back":
        return "back"
    if option_id == "skip":
        return "skip"
    return AuthChosen(option_id)


class AuthChoiceScreen(TranslatedBindings, Screen[AuthChoiceResult]):
    CSS_PATH = "auth_choice.tcss"
    TITLE = N_("OpenClaw onboarding")
    SUB_TITLE = N_("2 · Choose how to log in")
    BINDINGS = [
        Binding("escape", "back", N_("Back")),
        Binding("up", "move(-1)", N_("Move"), show=False),
        Binding("down", "move(1)", N_("Move"), show=False),
        Binding("pageup", "move(-8)", show=False),
        Binding("pagedown", "move(8)", show=False),
        # Letters go to the filter, so Skip and Quit sit on keys that never type.
        Binding("f2", "skip", N_("Skip")),
        Binding("f10", "quit_wizard", N_("Quit")),
        Binding("ctrl+u", "clear_filter", N_("Clear filter"), show=False),
    ]

    def __init__(self, agent_id: str, env: Mapping[str, str] | None = None, state: Path | None = None,
                 back_to_dashboard: bool = False) -> None:
        super().__init__()
        self.agent_id = agent_id
        self.back = BACK_TO_DASHBOARD if back_to_dashboard else BACK  # where "back" (esc) leads, as the app routes it
        self.env = env
        self.state = state
        self.items: list[Item] = []
        self.choices: list[Choice] = []

    def available_choices(self) -> list[tuple[Choice, dict[str, str]]]:
        offered = []
        for choice in WIZARD_CHOICES:
            fmt = choice.available(self.env)
            if fmt is not None:
                offered.append((choice, fmt))
        return offered

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Vertical(id="choice-body"):
            yield tr(Static(id="choice-title", classes="title"),
                     lambda: _("How should agent {agent_id} log in?").format(agent_id=f"[b]{escape(self.agent_id)}[/]"))
            yield tr(Static(id="choice-why", classes="hint"), self.hint)
            # WizardInput: follows the app's cursor-blink setting (a blinking cursor makes snapshots flaky).
            yield tr(WizardInput(id="filter", compact=True),
                     lambda: _("type to filter: provider, e.g. openrouter, kimi, z.ai…"))
            yield WizardOptionList(id="choices")  # page up/down that cannot raise (key mashing)
            yield Static("", id="choice-count", classes="hint")
        yield FittingFooter()

    def hint(self) -> str:
        """The suggestion line. Its "one ↑ away" is about the cursor: with recently used rows first (the
        cursor starts on them) it names the suggested Codex login instead."""
        suggested, why = recommended_codex(self.env)
        if any(i.group == RECENT for i in self.items):
            login = _(CODEX.title) if suggested == CODEX.id else _(CODEX_DEVICE.title)
            return escape(_("Recently used first. Suggested Codex login: {login}.").format(login=login))
        return escape(why)

    def on_mount(self) -> None:
        self.build_items()
        self.query_one("#choice-why", Static).update(self.hint())
        self.refilter("")
        self.query_one("#filter", Input).focus()

    def retranslate(self) -> None:
        super().retranslate()
        choices = self.query_one("#choices", OptionList)
        highlighted = choices.highlighted
        self.build_items()
        self.refilter(self.query_one("#filter", Input).value)
        choices.highlighted = highlighted

    def build_items(self) -> None:
        wizard = [(c, fmt) for c, fmt in self.available_choices()]
        self.choices = [c for c, _fmt in wizard] + [self.back, SKIP]
        flows = [choice_item(c, c.group, **fmt) for c, fmt in wizard]
        providers = provider_items()
        by_id = {i.id: i for i in [*flows, *providers]}
        recent = [replace(by_id[row], group=RECENT) for row in recent_choices(self.agent_id, self.state)
                  if row in by_id]
        used = {r.id for r in recent}
        tail = [choice_item(c, "") for c in (self.back, SKIP)]
        self.items = [*recent, *(i for i in [*flows, *providers] if i.id not in used), *other_openclaw_items(),
                      *tail]

    def refilter(self, query: str) -> None:
        choices = self.query_one("#choices", OptionList)
        shown = [i for i in self.items if i.group == "" or matches(i, query)]
        if query.strip():
            # Best matches first, across groups: a group goes as high as its best row, and within it the
            # best rows first (`openr` -> OpenRouter, not Arcee's proxy). On a tie the list's order stands,
            # so "Recently used" wins ties only. Back and Skip stay last.
            ranks = {i.id: rank(i, query) for i in shown}
            groups = list(dict.fromkeys(i.group for i in shown if i.group))
            best = {g: min(ranks[i.id] for i in shown if i.group == g) for g in groups}
            shown = [*(i for g in sorted(groups, key=lambda g: best[g])
                       for i in sorted((x for x in shown if x.group == g), key=lambda x: ranks[x.id])),
                     *(i for i in shown if not i.group)]
        options: list[Option | None] = []
        group = None
        for item in shown:
            if item.group != group:
                if item.group:
                    options.append(Option(f"[b $text-accent]{escape(_(item.group))}[/]", id=f"group:{item.group}",
                                          disabled=True))
                else:
                    options.append(None)
                group = item.group
            options.append(Option(item.prompt, id=item.id))
        choices.clear_options()
        choices.add_options(options)
        first = next((n for n, o in enumerate(options) if o is not None and not o.disabled), None)
        if not query.strip() and not any(i.group == RECENT for i in shown):
            # Nothing typed and nothing used yet: the Codex login that fits this machine.
            suggested = recommended_codex(self.env)[0]
            first = next((n for n, o in enumerate(options) if o is not None and o.id == suggested), first)
        choices.highlighted = first
        picked = len([i for i in shown if i.group])
        self.query_one("#choice-count", Static).update(
            ngettext("{n} match · ↑↓ move · Enter choose", "{n} matches · ↑↓ move · Enter choose",
                     picked).format(n=picked) if query.strip() else
            _("Type to filter · ↑↓ move · Enter choose · Esc back"))

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.refilter(event.value)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        choices = self.query_one("#choices", OptionList)
        if choices.highlighted is not None:
            option = choices.get_option_at_index(choices.highlighted)
            if not option.disabled and option.id:
                self.dismiss(choice_result(option.id))

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.dismiss(choice_result(event.option.id))

    def action_move(self, step: int) -> None:
        choices = self.query_one("#choices", OptionList)  # the filter keeps focus; the list follows
        for _step in range(abs(step)):
            (choices.action_cursor_up if step < 0 else choices.action_cursor_down)()

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""

    def action_back(self) -> None:
        self.dismiss("back")

    def action_skip(self) -> None:
        self.dismiss("skip")

    def action_quit_wizard(self) -> None:
        self.dismiss("quit")
