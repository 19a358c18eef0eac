"""Step 3b: paste a setup-token, any provider's token, or an API key.

`TokenPasteScreen(agent_id, kind, state=None, clock=None, env=None)` with kind in
"setup-token" (provider fixed to anthropic), "paste-token" (any provider, optional expiry) or
"api-key" (any provider; optionally also written to `<state>/.env` for a gateway daemon).
Dismisses with a `screens.results.LoginResult`: LoginSaved(profile_id), or "cancelled" (back).

The secret is masked (ctrl+r reveals it) and a paste that the terminal wrapped over several lines
arrives whole (screens.widgets.PasteInput). Validation is live; nothing is saved until it passes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

from openclaw_onboard.core.clock import now_ms as default_clock
from openclaw_onboard.core.envkeys import env_prefix
from openclaw_onboard.core.errors import OpenClawError
from openclaw_onboard.core.i18n import N_, _
from openclaw_onboard.core.paths import env_file_path, state_dir
from openclaw_onboard.core.profiles import default_profile_id
from openclaw_onboard.core.providers import catalog
from openclaw_onboard.core.textwidth import cells, pad
from openclaw_onboard.core.usecases.credentials import (
    REF_KINDS,
    CredentialCheck,
    CredentialInput,
    RefInput,
    add_credential,
    check_credential,
    profile_kind,
)
from openclaw_onboard.core.usecases.outcome import Verdict
from openclaw_onboard.screens.agent_select import home_relative
from openclaw_onboard.screens.i18n import TranslatedBindings, tr
from openclaw_onboard.screens.results import LoginResult, LoginSaved
from openclaw_onboard.screens.widgets import FittingFooter, GuardedInput, SecretInput, WizardInput
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.markup import escape
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Header, Label, RadioButton, RadioSet, Static

KINDS = ("setup-token", "paste-token", "api-key")
def provider_suggestions() -> list[str]:
    """Completions for the provider field: every provider id of OpenClaw's catalog."""
    return sorted(catalog().providers)

# kind -> (title, sub-title, intro); msgids, translated where shown.
TITLES = {
    "setup-token": (N_("Anthropic setup-token"), N_("3 · Anthropic setup-token"),
                    N_("Run [b]claude setup-token[/] in another terminal and paste the token it prints.")),
    "paste-token": (N_("Paste a token"), N_("3 · Paste a token"),
                    N_("Any provider's bearer token; add an expiry if it has one.")),
    "api-key": (N_("Add an API key"), N_("3 · Add an API key"),
                N_("Stored as an api_key profile. For Anthropic this is the recommended way.")),
}


# "Store as" choices: (radio id, label msgid). plaintext keeps the secret in auth-profiles.json (0600).
STORAGE = (("store-plain", N_("plaintext")), ("store-env", N_("env var")), ("store-file", N_("file")),
           ("store-exec", N_("command")))


class StorageButton(RadioButton):
    """A radio button readable without colour: ● when chosen, ○ when not."""

    def render(self) -> Content:
        self.BUTTON_INNER = "●" if self.value else "○"  # read by RadioButton's render as it draws the button
        return super().render()


FIELD_LABEL_CELLS = 12  # the narrowest label column (token_paste.tcss .field-label); wider if a label needs it


class TokenPasteScreen(TranslatedBindings, Screen[LoginResult]):
    CSS_PATH = "token_paste.tcss"
    TITLE = N_("OpenClaw onboarding")
    BINDINGS = [
        Binding("escape", "back", N_("Back")),
        Binding("ctrl+s", "save", N_("Save")),
    ]

    def __init__(self, agent_id: str, kind: str, state: Path | None = None, clock: Callable[[], int] | None = None,
                 env: Mapping[str, str] | None = None, provider: str | None = None) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}")
        super().__init__()
        self.agent_id = agent_id
        self.kind = kind
        # core.profiles.default_profile_id's kinds: setup-token and API keys are P:default, pasted tokens P:manual
        self._profile_kind = profile_kind(kind)
        self.state = state if state is not None else state_dir(env)
        self.clock = clock or default_clock
        self.env = env
        self.initial_provider = "anthropic" if kind == "setup-token" else (
            provider if provider is not None else ("anthropic" if kind == "api-key" else ""))
        self.sub_title = _(TITLES[kind][1])
        self.saving = False
        self.save_tried = False  # once Save was refused, a field still empty is marked ✗, not "to do"
        self._existing: dict[str, str] = {}  # profile id -> credential type, read once on mount
        self._raw_config: dict[str, Any] = {}  # openclaw.json, read once on mount (and again when saving)

    # -- layout -------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        title, _sub_title, intro = TITLES[self.kind]
        yield Header(icon="◆")
        with VerticalScroll(id="paste-body"):
            yield tr(Static(classes="title"), lambda: _("{title} for agent {agent_id}").format(
                title=_(title), agent_id=f"[b]{escape(self.agent_id)}[/]"))
            yield tr(Static(classes="help"), lambda: _(intro))
            with Horizontal(classes="row"):
                yield tr(Label(classes="field-label"), lambda: _("Provider"))
                if self.kind == "setup-token":
                    yield tr(Static(id="provider-fixed", classes="fixed"),
                             lambda: "[b]anthropic[/] [dim]{}[/]".format(_("(fixed)")))
                else:
                    yield tr(GuardedInput(self.initial_provider, id="provider",
                                          suggester=SuggestFromList(provider_suggestions(), case_sensitive=False),
                                          compact=True), lambda: _("e.g. openrouter"))
            with Horizontal(classes="row"):
                yield tr(Label(classes="field-label"), lambda: _("Profile"))
                yield GuardedInput(placeholder="", id="profile", compact=True)
            if self.kind in REF_KINDS:
                with Horizontal(classes="row", id="store-row"):
                    yield tr(Label(classes="field-label"), lambda: _("Store as"))
                    with RadioSet(id="store-as", compact=True):
                        for n, (rid, label) in enumerate(STORAGE):
                            yield tr(StorageButton(id=rid, value=n == 0, compact=True),
                                     partial(_, label))
            with Horizontal(classes="row store-plain"):
                yield tr(Label(classes="field-label"),
                         lambda: _("API key") if self.kind == "api-key" else _("Token"))
                yield tr(SecretInput(id="secret", compact=True), lambda: _("paste here (ctrl+r reveals)"))
            if self.kind in REF_KINDS:
                yield from self._ref_rows()
            if self.kind != "api-key":
                with Horizontal(classes="row"):
                    yield tr(Label(classes="field-label"), lambda: _("Expires in"))
                    yield tr(GuardedInput(id="expires", compact=True), lambda: _("optional, e.g. 365d, 12h, 30m"))
            else:
                yield tr(Checkbox(id="write-env", compact=True, classes="store-plain"),
                         lambda: _("Also write it to .env for a gateway daemon"))
            yield Static("", id="validation")
            yield Static("", id="save-error", classes="error")
            with Horizontal(id="paste-buttons"):
                yield tr(Button(id="save", variant="primary", disabled=True, compact=True),
                         lambda: _("Save (ctrl+s)"))
                yield tr(Button(id="back", compact=True), lambda: _("Back (esc)"))
        yield FittingFooter()

    def _ref_rows(self) -> ComposeResult:
        rows = (
            ("store-env", N_("Variable"), "ref-env", N_("e.g. OPENROUTER_API_KEY (must be set for the gateway)")),
            ("store-file", N_("File"), "ref-file-path",
             N_("absolute path, e.g. ~/.openclaw/secrets.json (mode 0600)")),
            ("store-file", N_("Pointer"), "ref-file-id", N_("/providers/openrouter/apiKey, or empty: whole file")),
            ("store-exec", N_("Command"), "ref-cmd", N_("absolute path, e.g. /usr/bin/op (no shell)")),
            ("store-exec", N_("Arguments"), "ref-args", N_("e.g. read op://Private/OpenRouter/credential")),
            ("store-exec", N_("Pass env"), "ref-pass-env", N_("variables the command may see, e.g. HOME")),
        )
        for cls, label, wid, placeholder in rows:
            with Horizontal(classes=f"row {cls}"):
                yield tr(Label(classes="field-label"), partial(_, label))
                yield tr(GuardedInput("HOME" if wid == "ref-pass-env" else "", id=wid, compact=True),
                         partial(_, placeholder))

    @property
    def storage(self) -> str:
        matches = self.query("#store-as")
        pressed = matches.first(RadioSet).pressed_button if matches else None
        return pressed.id if pressed is not None and pressed.id else "store-plain"

    @on(RadioSet.Changed, "#store-as")
    def _storage_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        for rid, _label in STORAGE:
            self.set_class(self.storage == rid, f"-{rid}")
        self.query_one("#save-error", Static).update("")
        self.revalidate()
        self.call_after_refresh(self.fit_rows)  # the chosen storage's rows are laid out by then

    def fit_rows(self) -> None:
        """Drop the blank line between the rows when the form would not fit the terminal otherwise (the
        command rows at 80x24 pushed Save off screen), and give it back when there is room again."""
        bodies = self.query("#paste-body")
        if not self.is_attached or not bodies:
            return  # called after a refresh: the screen may have left meanwhile (a mashed Esc)
        body = bodies.first()
        if body.has_class("-tight"):
            rows = sum(1 for row in body.query(".row") if row.display)
            used = max((child.virtual_region_with_margin.bottom for child in body.children if child.display),
                       default=0)
            room = body.scrollable_content_region.height - used
            if body.max_scroll_y == 0 and room >= rows:
                body.remove_class("-tight")
        elif body.max_scroll_y > 0:
            body.add_class("-tight")

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit_rows)

    def _ref_input(self) -> RefInput | None:
        """The "store as" rows as core's RefInput; None while "plaintext" is chosen."""
        storage = self.storage
        if self.kind not in REF_KINDS or storage == "store-plain":
            return None
        return RefInput(storage.removeprefix("store-"), env_var=self._value("#ref-env"),
                        file_path=self._value("#ref-file-path"), file_pointer=self._value("#ref-file-id"),
                        command=self._value("#ref-cmd"), args=self._value("#ref-args"),
                        pass_env=self._value("#ref-pass-env"))

    def _input(self) -> CredentialInput:
        return CredentialInput(
            self.kind, self.initial_provider if self.kind == "setup-token" else self._value("#provider"),
            profile=self._value("#profile"), secret=self._value("#secret"),
            expires_in=self._value("#expires") if self.kind != "api-key" else "", ref=self._ref_input(),
            write_env=self.kind == "api-key" and bool(self.query("#write-env"))
            and self.query_one("#write-env", Checkbox).value)

    def _config(self) -> dict[str, Any]:
        from openclaw_onboard.core import config as config_mod

        try:
            return config_mod.load_config(self.state).raw
        except OpenClawError:
            return {}

    def on_mount(self) -> None:
        self._existing = self._existing_types()
        self._raw_config = self._config() if self.kind in REF_KINDS else {}
        self.fit_field_labels()
        self.revalidate()
        self.call_after_refresh(self.fit_rows)
        first = "#secret" if self.kind == "setup-token" or self.initial_provider else "#provider"
        self.query_one(first).focus()

    # -- validation ---------------------------------------------------------------------------------
    def _value(self, selector: str) -> str:
        matches = self.query(selector)
        return matches.first(WizardInput).value if matches else ""

    def check(self) -> CredentialCheck:
        """Every field's verdict by core's rules (core.usecases.credentials), against what was read on mount."""
        return check_credential(self._input(), self._existing, self._raw_config, self.clock())

    def _existing_types(self) -> dict[str, str]:
        from openclaw_onboard.core import store

        try:
            return {pid: c.type for pid, c in store.load(self.agent_id, self.state).store.profiles.items()}
        except OpenClawError:
            return {}

    @on(WizardInput.Blurred, "#provider")
    def _provider_left(self, event: WizardInput.Blurred) -> None:
        """Leaving the provider field (Tab) takes the one provider its text can only mean: `openr` -> openrouter."""
        field = self.query_one("#provider", WizardInput)
        full = catalog().complete(field.value)
        if full is not None:
            field.value = full

    def revalidate(self) -> CredentialCheck:
        form = self.check()
        lines = []
        names = [(_("provider"), form.provider, "#provider"), (_("profile"), form.profile, "#profile"),
                 (_("key") if self.kind == "api-key" else _("token"), form.secret, "#secret")]
        if form.expiry is not None:
            names.append((_("expiry"), form.expiry, "#expires"))
        label_width = max(8, *(cells(name) for name, _chk, _field in names))  # cells: translated labels may be CJK
        for name, chk, field in names:
            pending = chk.pending and not self.save_tried  # "to do" until Save was refused for it
            mark = "[$text-muted]·[/]" if pending else ("[$success]✓[/]" if chk.ok else "[$error]✗[/]")
            style = "$text-muted" if pending else ("$text" if chk.ok else "$error")
            lines.append(f"{mark} {pad(name, label_width)} [{style}]{escape(chk.message)}[/]")
            if self.save_tried:  # the field itself, as Textual marks one (a setup-token's provider is fixed text)
                for widget in self.query(field):
                    widget.set_class(not chk.ok, "-invalid")
        self.query_one("#validation", Static).update("\n".join(lines))
        if form.provider_id:
            self.query_one("#profile", WizardInput).placeholder = default_profile_id(form.provider_id,
                                                                                     self._profile_kind)
            if self.kind == "api-key":
                var = f"{env_prefix(form.provider_id)}_API_KEY"
                where = home_relative(env_file_path(self.state), self.env)
                self.query_one("#write-env", Checkbox).label = _(
                    "Also write {variable} to {path} (gateway daemon)").format(variable=var, path=where)
        self.query_one("#save", Button).disabled = not form.valid or self.saving
        return form

    def retranslate(self) -> None:
        super().retranslate()
        self.sub_title = _(TITLES[self.kind][1])
        self.fit_field_labels()
        self.revalidate()

    def fit_field_labels(self) -> None:
        """One label column as wide as this language's longest label (in cells), so the inputs line up
        and a longer translation ("전달할 환경 변수") is not cut by its one-line row."""
        labels = list(self.query(".field-label").results(Label))
        width = max([FIELD_LABEL_CELLS, *(cells(str(label.content)) + 1 for label in labels)])
        for label in labels:
            label.styles.width = width

    @on(WizardInput.Changed)
    def _changed(self, event: WizardInput.Changed) -> None:
        self.query_one("#save-error", Static).update("")
        self.revalidate()

    @on(WizardInput.Submitted)
    def _submitted(self, event: WizardInput.Submitted) -> None:
        event.stop()
        fields = ("#provider", "#profile", "#secret", "#ref-env", "#ref-file-path", "#ref-file-id", "#ref-cmd",
                  "#ref-args", "#ref-pass-env", "#expires")
        # Only the fields on show: the rows of the other "store as" choices are hidden.
        order = [w for w in fields if self.query(w) and (row := self.query_one(w).parent) is not None
                 and row.styles.display != "none"]
        current = f"#{event.input.id}"
        form = self.revalidate()
        if form.valid:
            self.action_save()
        elif current in order and current != order[-1]:
            self.query_one(order[order.index(current) + 1]).focus()

    @on(GuardedInput.SecretPasted)
    def _secret_pasted(self, event: GuardedInput.SecretPasted) -> None:
        """A token pasted into the wrong field goes where it belongs (masked), never shown in clear."""
        event.stop()
        secret = self.query_one("#secret", SecretInput)
        secret.value = ""
        secret.focus()
        secret.post_message(events.Paste(event.text))
        self.notify(_("That looked like a token: it went into the masked token field."), timeout=4)

    # -- actions ------------------------------------------------------------------------------------
    @on(Button.Pressed, "#save")
    def _save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#back")
    def _back_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_back()

    def action_back(self) -> None:
        if not self.saving:
            self.dismiss("cancelled")

    def action_save(self) -> None:
        form = self.revalidate()
        if self.saving:
            return
        if not form.valid:
            self.save_tried = True
            self.revalidate()  # an empty field is now marked ✗ too, as the message says
            self.query_one("#save-error", Static).update(_("Fix the fields marked ✗ first."))
            return
        assert form.profile_id is not None
        if self._profile_exists(form.profile_id):
            from openclaw_onboard.screens.confirm import ConfirmScreen

            def answered(replace: bool | None) -> None:
                if replace:
                    self._start_save(form)

            profile_id, agent_id = form.profile_id, self.agent_id
            self.app.push_screen(ConfirmScreen(
                lambda: _("{profile_id} already exists for agent {agent_id}. Replace it?").format(
                    profile_id=profile_id, agent_id=agent_id),
                detail=lambda: _("The stored credential is overwritten; other profiles are kept."), default=False),
                answered)
            return
        self._start_save(form)

    def _profile_exists(self, profile_id: str) -> bool:
        from openclaw_onboard.core import store

        try:
            return profile_id in store.load(self.agent_id, self.state).store.profiles
        except OpenClawError:
            return False

    def _start_save(self, form: CredentialCheck) -> None:
        self.saving = True
        self.query_one("#save", Button).disabled = True
        self.query_one("#save-error", Static).update(_("Saving…"))
        if form.plan is not None:
            self.query_one("#save-error", Static).update(_("Checking {what}…").format(what=form.plan.describe()))
        self._save(self._input())

    @work(thread=True, exclusive=True, group="save")
    def _save(self, inp: CredentialInput) -> None:
        """core.usecases.credentials.add_credential: checked again, a ref resolved first, one transaction."""
        outcome = add_credential(inp, self.agent_id, self.state, self.env, self.clock())
        if outcome.verdict is Verdict.NOTHING_SAVED:
            message = outcome.message
            if inp.ref is not None:
                message = "✗ " + _("Not saved: {error}. Fix it and save again.").format(error=message)
            self.app.call_from_thread(self._save_failed, message)
            return
        if outcome.verdict is Verdict.CONFIG_NOT_UPDATED:  # saved: said where the user looks next
            self.app.call_from_thread(self.app.notify, outcome.message, severity="warning", timeout=10)
        for note in outcome.notes:
            self.app.call_from_thread(self.app.notify, note, severity="warning", timeout=6)
        assert outcome.profile_id is not None
        self.app.call_from_thread(self.dismiss, LoginSaved(outcome.profile_id))

    def _save_failed(self, message: str) -> None:
        self.saving = False
        self.query_one("#save-error", Static).update(escape(message))
        self.revalidate()

