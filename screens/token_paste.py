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
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from openclaw_onboard.core.clock import now_ms as default_clock
from openclaw_onboard.core.durations import parse_duration
from openclaw_onboard.core.envkeys import env_prefix
from openclaw_onboard.core.errors import OpenClawError
from openclaw_onboard.core.i18n import N_, _, ngettext
from openclaw_onboard.core.masking import mask_secret
from openclaw_onboard.core.paths import env_file_path, state_dir
from openclaw_onboard.core.profiles import default_profile_id, validate_profile_id, validate_provider
from openclaw_onboard.core.providers import catalog, key_shape_problem
from openclaw_onboard.core.textwidth import cells, pad
from openclaw_onboard.core.timefmt import format_duration as format_remaining  # 5h, 3일, 3日, 3天
from openclaw_onboard.core.tokens import validate_setup_token, validate_token
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
REF_KINDS = ("api-key", "paste-token")  # OpenClaw accepts keyRef/tokenRef on these, never on OAuth


class StorageButton(RadioButton):
    """A radio button readable without colour: ● when chosen, ○ when not."""

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = "●" if self.value else "○"
        return super()._button


@dataclass
class FieldCheck:
    ok: bool
    message: str
    pending: bool = False  # nothing entered yet: neither good nor bad


@dataclass
class FormState:
    provider: FieldCheck
    profile: FieldCheck
    secret: FieldCheck
    expiry: FieldCheck | None
    provider_id: str | None = None
    profile_id: str | None = None
    secret_value: str | None = None
    expires_in_ms: int | None = None
    plan: Any = None  # core.secrets.StoragePlan when the secret is stored as a ref

    @property
    def valid(self) -> bool:
        checks = [self.provider, self.profile, self.secret] + ([self.expiry] if self.expiry else [])
        return all(c.ok for c in checks)


def _fmt_date(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d")


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
        self._profile_kind = {"api-key": "api_key", "setup-token": "setup-token"}.get(kind, "token")
        self.state = state if state is not None else state_dir(env)
        self.clock = clock or default_clock
        self.env = env
        self.initial_provider = "anthropic" if kind == "setup-token" else (
            provider if provider is not None else ("anthropic" if kind == "api-key" else ""))
        self.sub_title = _(TITLES[kind][1])
        self.saving = False
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

    def _default_env_var(self, provider_id: str) -> str:
        from openclaw_onboard.core.providers import catalog

        entry = catalog().get(provider_id)
        names = sorted(entry.env, key=lambda n: "KEY" not in n) if entry else []
        return names[0] if names else f"{env_prefix(provider_id)}_API_KEY"

    def _plan(self, provider_id: str | None) -> tuple[FieldCheck, Any]:
        """The ref the form describes, validated (resolution waits for Save: a command may be slow)."""
        from openclaw_onboard.core import secrets

        storage = self.storage
        try:
            if storage == "store-env":
                if provider_id is None:
                    return FieldCheck(False, _("needs a provider first"), pending=True), None
                plan = secrets.plan_env(self._value("#ref-env").strip() or self._default_env_var(provider_id))
            elif storage == "store-file":
                if not self._value("#ref-file-path").strip():
                    return FieldCheck(False, _("type the secrets file's path"), pending=True), None
                plan = secrets.plan_file(self._value("#ref-file-path"), self._value("#ref-file-id"), self._raw_config)
            else:
                if not self._value("#ref-cmd").strip():
                    return FieldCheck(False, _("type the command's absolute path"), pending=True), None
                plan = secrets.plan_exec(self._value("#ref-cmd"), self._value("#ref-args"), "value",
                                         self._value("#ref-pass-env"), self._raw_config)
        except OpenClawError as exc:
            return FieldCheck(False, str(exc)), None
        return FieldCheck(True, _("ref {ref}: checked when you save").format(ref=plan.ref.label)), plan

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
        first = "#secret" if self.kind == "setup-token" or self.initial_provider else "#provider"
        self.query_one(first).focus()

    # -- validation ---------------------------------------------------------------------------------
    def _value(self, selector: str) -> str:
        matches = self.query(selector)
        return matches.first(WizardInput).value if matches else ""

    def check(self) -> FormState:
        raw_provider = self.initial_provider if self.kind == "setup-token" else self._value("#provider")
        provider_id: str | None = None
        if not raw_provider.strip():
            provider = FieldCheck(False, _("choose or type a provider"), pending=True)
        else:
            try:
                provider_id = validate_provider(raw_provider)
                entry = catalog().get(provider_id)
                if entry is not None:
                    provider = FieldCheck(True, f"{provider_id} ({entry.label})")
                else:
                    hints = catalog().suggest(provider_id)
                    if hints:
                        text = _("{provider}: not in OpenClaw's catalog, saved anyway; did you mean {suggestions}?")
                        text = text.format(provider=provider_id, suggestions=_(" or ").join(hints))
                    else:
                        text = _("{provider}: not in OpenClaw's catalog, saved anyway").format(provider=provider_id)
                    provider = FieldCheck(True, text)
            except OpenClawError as exc:
                provider = FieldCheck(False, str(exc))

        profile_id: str | None = None
        raw_profile = self._value("#profile").strip()
        if provider_id is None:
            profile = FieldCheck(False, _("needs a provider first"), pending=True)
        else:
            default = default_profile_id(provider_id, self._profile_kind)
            candidate = default if not raw_profile else (
                raw_profile if ":" in raw_profile else f"{provider_id}:{raw_profile}")
            try:
                profile_id = validate_profile_id(candidate, provider_id)
                profile = self._profile_check(profile_id, defaulted=not raw_profile)
            except OpenClawError as exc:
                profile = FieldCheck(False, str(exc))

        secret_value: str | None = None
        plan: Any = None
        raw_secret = self._value("#secret")
        if self.kind in REF_KINDS and self.storage != "store-plain":
            secret, plan = self._plan(provider_id)
        elif not raw_secret.strip():
            what = {"setup-token": _("paste the setup-token"), "api-key": _("paste the API key")}.get(
                self.kind, _("paste the token"))
            secret = FieldCheck(False, what, pending=True)
        else:
            try:
                secret_value = (validate_setup_token if self.kind == "setup-token" else validate_token)(raw_secret)
                shape = key_shape_problem(provider_id, secret_value) if provider_id else None
                if shape:
                    secret = FieldCheck(False, f"{shape}: {mask_secret(secret_value)}")
                else:
                    n = len(secret_value)
                    secret = FieldCheck(True, ngettext("{n} character, {masked}", "{n} characters, {masked}",
                                                       n).format(n=n, masked=mask_secret(secret_value)))
            except OpenClawError as exc:
                secret = FieldCheck(False, str(exc))

        expiry: FieldCheck | None = None
        expires_in_ms: int | None = None
        if self.kind != "api-key":
            raw_expiry = self._value("#expires").strip()
            if not raw_expiry:
                expiry = FieldCheck(True, _("no expiry (static token)"))
            else:
                try:
                    expires_in_ms = parse_duration(raw_expiry)
                    at = self.clock() + expires_in_ms
                    expiry = FieldCheck(True, _("expires in {remaining} ({date})").format(
                        remaining=format_remaining(expires_in_ms), date=_fmt_date(at)))
                except OpenClawError as exc:
                    expiry = FieldCheck(False, str(exc))
        return FormState(provider, profile, secret, expiry, provider_id, profile_id, secret_value, expires_in_ms, plan)

    def _profile_check(self, profile_id: str, *, defaulted: bool) -> FieldCheck:
        """A pre-filled id that already holds another kind of credential is not silently offered."""
        held = self._existing.get(profile_id)
        want = {"api-key": "api_key"}.get(self.kind, "token")
        if held is None:
            return FieldCheck(True, _("{profile_id} (default)").format(profile_id=profile_id) if defaulted
                              else profile_id)
        if defaulted and held != want:
            held_texts = {"oauth": _("{profile_id} already holds an OAuth login; type another profile name"),
                          "token": _("{profile_id} already holds a token; type another profile name"),
                          "api_key": _("{profile_id} already holds an API key; type another profile name")}
            text = held_texts.get(held) or _("{profile_id} already holds {kind}; type another profile name")
            return FieldCheck(False, text.format(profile_id=profile_id, kind=held))
        return FieldCheck(True, _("{profile_id} (exists: saving replaces it)").format(profile_id=profile_id))

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

    def revalidate(self) -> FormState:
        form = self.check()
        lines = []
        names = [(_("provider"), form.provider), (_("profile"), form.profile),
                 (_("key") if self.kind == "api-key" else _("token"), form.secret)]
        if form.expiry is not None:
            names.append((_("expiry"), form.expiry))
        label_width = max(8, *(cells(name) for name, _chk in names))  # cells: translated labels may be CJK
        for name, chk in names:
            mark = "[$text-muted]·[/]" if chk.pending else ("[$success]✓[/]" if chk.ok else "[$error]✗[/]")
            style = "$text-muted" if chk.pending else ("$text" if chk.ok else "$error")
            lines.append(f"{mark} {pad(name, label_width)} [{style}]{escape(chk.message)}[/]")
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

    def _start_save(self, form: FormState) -> None:
        self.saving = True
        self.query_one("#save", Button).disabled = True
        self.query_one("#save-error", Static).update(_("Saving…"))
        write_env = self.kind == "api-key" and self.query_one("#write-env", Checkbox).value
        if form.plan is not None:
            self.query_one("#save-error", Static).update(_("Checking {what}…").format(what=form.plan.describe()))
            self._save_ref(form)
            return
        self._save(form, write_env)

    @work(thread=True, exclusive=True, group="save")
    def _save_ref(self, form: FormState) -> None:
        """Preflight: resolve the ref before anything is written; on failure say why and keep the form."""
        import os

        from openclaw_onboard.core import profiles, secrets
        from openclaw_onboard.core.envkeys import read_env_file

        assert form.provider_id and form.profile_id and form.plan is not None
        env = {**read_env_file(self.state), **(os.environ if self.env is None else self.env)}
        try:
            value = secrets.preflight(form.plan, self._config(), env)
            shape = key_shape_problem(form.provider_id, value.strip())
            del value  # checked, never kept
            if shape:
                raise secrets.SecretRefError(_("it resolves, but {problem}").format(problem=shape))
            secrets.save_plan(form.plan, self.state)
            pid = profiles.add_secret_ref(form.provider_id, form.plan.ref, form.profile_id,
                                          "api_key" if self.kind == "api-key" else "token",
                                          agent_id=self.agent_id, state=self.state)
        except OpenClawError as exc:
            self.app.call_from_thread(self._save_failed,
                                      "✗ " + _("Not saved: {error}. Fix it and save again.").format(error=exc))
            return
        except OSError as exc:
            self.app.call_from_thread(self._save_failed,
                                      _("Could not write: {error}").format(error=exc.strerror or exc))
            return
        self.app.call_from_thread(self.dismiss, LoginSaved(pid))

    @work(thread=True, exclusive=True, group="save")
    def _save(self, form: FormState, write_env: bool) -> None:
        from openclaw_onboard.core import profiles
        from openclaw_onboard.core.envkeys import write_env_var

        assert form.provider_id and form.profile_id and form.secret_value
        try:
            if self.kind == "api-key":
                pid = profiles.add_api_key(form.provider_id, form.secret_value, form.profile_id,
                                           agent_id=self.agent_id, state=self.state)
                if write_env:
                    write_env_var(f"{env_prefix(form.provider_id)}_API_KEY", form.secret_value, self.state)
            else:
                pid = profiles.add_token(form.provider_id, form.secret_value, form.profile_id,
                                         expires_in_ms=form.expires_in_ms, agent_id=self.agent_id,
                                         state=self.state, now_ms=self.clock())
        except OpenClawError as exc:
            self.app.call_from_thread(self._save_failed, str(exc))
            return
        except OSError as exc:
            self.app.call_from_thread(self._save_failed,
                                      _("Could not write: {error}").format(error=exc.strerror or exc))
            return
        self.app.call_from_thread(self.dismiss, LoginSaved(pid))

    def _save_failed(self, message: str) -> None:
        self.saving = False
        self.query_one("#save-error", Static).update(escape(message))
        self.revalidate()

