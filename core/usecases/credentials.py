"""Adding a credential: a pasted token, an Anthropic setup-token, an API key, or a SecretRef with the
`secrets.providers` entry it needs. The rules live here once; the wizard shows `check_credential`'s
verdicts field by field while the user types, the CLI shows the first one that fails, and both save
through `add_credential`.

The rules, in order:
- provider: OpenClaw's id syntax; a provider outside OpenClaw's catalog is saved anyway (plugins add
  providers) but said out loud with a "did you mean" (`opnerouter` -> openrouter).
- profile: `name` or `provider:name`, empty for OpenClaw's default (`P:manual` for pasted tokens,
  `P:default` otherwise); a default id that already holds another kind of credential is refused
  (the user would overwrite a login without having named it); OpenClaw refuses a SecretRef on an OAuth
  profile.
- secret: whitespace removed (terminals wrap long pastes), printable ASCII, at most MAX_TOKEN_LEN; the
  catalog's prefix and length for the provider (`sk-or-`, 40 characters for OpenRouter); and for an
  Anthropic setup-token, or any token pasted for `anthropic`, OpenClaw 4.26's own rule: `sk-ant-oat01-`
  and at least 80 characters (dist provider-auth-token validateAnthropicSetupToken, used by
  `models auth paste-token` when the provider is anthropic).
- a ref is resolved before anything is written and the value must pass the same secret rules.

`add_credential` is one transaction: it checks that openclaw.json can take the change (preflight)
before the credential is written, then writes the secrets provider, the store and the config entry.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openclaw_onboard.core.errors import OpenClawError
from openclaw_onboard.core.i18n import _, ngettext
from openclaw_onboard.core.usecases.outcome import Outcome, Verdict, nothing_saved

if TYPE_CHECKING:
    from openclaw_onboard.core.secrets import StoragePlan

KINDS = ("setup-token", "paste-token", "api-key")
REF_KINDS = ("api-key", "paste-token")  # OpenClaw accepts keyRef/tokenRef on these, never on OAuth
STORE_AS = ("ref", "env", "file", "exec")  # a configured provider's ref, or a new env / file / exec ref
DEFAULT_PASS_ENV = "HOME"  # what a command may see unless told otherwise (the wizard pre-fills it)
# The command that puts a stored profile into openclaw.json once the file can be edited again.
CONFIG_FIX_COMMAND = "openclaw doctor --fix"


@dataclass(frozen=True)
class FieldCheck:
    ok: bool
    message: str
    pending: bool = False  # nothing entered yet: neither good nor bad
    reason: str | None = None  # what a refusal says when it differs from the field's line (no masked secret)


@dataclass(frozen=True)
class RefInput:
    """Where the secret stays instead of auth-profiles.json, as a face collected it.

    `store_as` "ref": an existing `SOURCE:PROVIDER:ID` (`spec`) of a configured secrets provider;
    "env": an environment variable (`env_var`, empty: the provider's usual variable);
    "file": a secrets file (`file_path`, `file_pointer`: a JSON pointer, empty for the whole file);
    "exec": a command (`command`, `args` as a shell would split them, `pass_env` names).
    `resolve_now` False stores the ref without resolving it first (the CLI's --no-preflight).
    """

    store_as: str
    spec: str = ""
    env_var: str = ""
    file_path: str = ""
    file_pointer: str = ""
    command: str = ""
    args: str = ""
    pass_env: str = DEFAULT_PASS_ENV
    resolve_now: bool = True


@dataclass(frozen=True)
class CredentialInput:
    kind: str  # one of KINDS
    provider: str
    profile: str = ""  # name, provider:name, or empty for the default id
    secret: str = ""  # the pasted secret (unused with `ref`)
    expires_in: str = ""  # tokens only: "365d", "12h", "" for none
    ref: RefInput | None = None
    write_env: bool = False  # api-key: also `<PREFIX>_API_KEY=` in <state>/.env for a gateway daemon


@dataclass(frozen=True)
class CredentialCheck:
    provider: FieldCheck
    profile: FieldCheck
    secret: FieldCheck
    expiry: FieldCheck | None
    provider_id: str | None = None
    profile_id: str | None = None
    secret_value: str | None = field(default=None, repr=False)
    expires_in_ms: int | None = None
    plan: StoragePlan | None = None  # when the secret is stored as a ref
    notes: tuple[str, ...] = ()

    @property
    def fields(self) -> list[FieldCheck]:
        return [self.provider, self.profile, self.secret] + ([self.expiry] if self.expiry else [])

    @property
    def valid(self) -> bool:
        return all(c.ok for c in self.fields)

    @property
    def problem(self) -> str | None:
        """The first failing field's message (a pending one says what is missing)."""
        return next((c.reason or c.message for c in self.fields if not c.ok), None)


def profile_kind(kind: str) -> str:
    """core.profiles.default_profile_id's kinds: setup-token and API keys are P:default, pasted tokens P:manual."""
    return {"api-key": "api_key", "setup-token": "setup-token"}.get(kind, "token")


def default_env_var(provider_id: str) -> str:
    """The variable an env ref reads by default: the catalog's API-key variable of the provider."""
    from openclaw_onboard.core.envkeys import env_prefix
    from openclaw_onboard.core.providers import catalog

    entry = catalog().get(provider_id)
    names = sorted(entry.env, key=lambda n: "KEY" not in n) if entry else []
    return names[0] if names else f"{env_prefix(provider_id)}_API_KEY"


# ---- the checks (pure: the caller passes what is on disk)

def check_provider(raw: str, kind: str) -> tuple[FieldCheck, str | None, tuple[str, ...]]:
    """(verdict, provider id, notes to say out loud)."""
    from openclaw_onboard.core.profiles import validate_provider
    from openclaw_onboard.core.providers import catalog

    if kind == "setup-token":
        raw = raw or "anthropic"
    if not (raw or "").strip():
        return FieldCheck(False, _("choose or type a provider"), pending=True), None, ()
    try:
        provider_id = validate_provider(raw)
    except OpenClawError as exc:
        return FieldCheck(False, str(exc)), None, ()
    if kind == "setup-token" and provider_id != "anthropic":
        return FieldCheck(False, _("setup-token is for anthropic only; use `openclaw models auth paste-token "
                                   "--provider {provider}`").format(provider=provider_id)), None, ()
    entry = catalog().get(provider_id)
    if entry is not None:
        return FieldCheck(True, f"{provider_id} ({entry.label})"), provider_id, ()
    hints = catalog().suggest(provider_id)
    if hints:
        text = _("{provider}: not in OpenClaw's catalog, saved anyway; did you mean {suggestions}?").format(
            provider=provider_id, suggestions=_(" or ").join(hints))
    else:
        text = _("{provider}: not in OpenClaw's catalog, saved anyway").format(provider=provider_id)
    return FieldCheck(True, text), provider_id, (text,)


def check_profile(raw: str, provider_id: str, kind: str, existing: Mapping[str, str],
                  as_ref: bool = False) -> tuple[FieldCheck, str | None]:
    """`existing` maps the agent's profile ids to their credential type."""
    from openclaw_onboard.core.profiles import default_profile_id, validate_profile_id

    raw = (raw or "").strip()
    candidate = default_profile_id(provider_id, profile_kind(kind)) if not raw else (
        raw if ":" in raw else f"{provider_id}:{raw}")
    try:
        profile_id = validate_profile_id(candidate, provider_id)
    except OpenClawError as exc:
        return FieldCheck(False, str(exc)), None
    held = existing.get(profile_id)
    if held is None:
        return FieldCheck(True, _("{profile_id} (default)").format(profile_id=profile_id) if not raw
                          else profile_id), profile_id
    if as_ref and held == "oauth":
        return FieldCheck(False, _("{profile_id} is an OAuth profile; OpenClaw does not accept SecretRefs on OAuth "
                                   "profiles. Use another profile id.").format(profile_id=profile_id)), profile_id
    want = "api_key" if kind == "api-key" else "token"
    if not raw and held != want:
        held_texts = {"oauth": _("{profile_id} already holds an OAuth login; type another profile name"),
                      "token": _("{profile_id} already holds a token; type another profile name"),
                      "api_key": _("{profile_id} already holds an API key; type another profile name")}
        text = held_texts.get(held) or _("{profile_id} already holds {kind}; type another profile name")
        return FieldCheck(False, text.format(profile_id=profile_id, kind=held)), profile_id
    return FieldCheck(True, _("{profile_id} (exists: saving replaces it)").format(profile_id=profile_id)), profile_id


def secret_problem(kind: str, provider_id: str | None, secret: str) -> str | None:
    """Why `secret` (already whitespace-free) cannot be this kind's secret for the provider, or None."""
    from openclaw_onboard.core.providers import key_shape_problem
    from openclaw_onboard.core.tokens import validate_setup_token

    if kind == "setup-token" or (kind == "paste-token" and provider_id == "anthropic"):
        try:
            validate_setup_token(secret)  # OpenClaw's rule for Anthropic tokens, pasted either way
        except OpenClawError as exc:
            return str(exc)
    return key_shape_problem(provider_id, secret) if provider_id else None


def check_secret(raw: str, kind: str, provider_id: str | None) -> tuple[FieldCheck, str | None]:
    from openclaw_onboard.core.masking import mask_secret
    from openclaw_onboard.core.tokens import validate_token

    if not (raw or "").strip():
        what = {"setup-token": _("paste the setup-token"), "api-key": _("paste the API key")}.get(
            kind, _("paste the token"))
        return FieldCheck(False, what, pending=True), None
    try:
        value = validate_token(raw)
    except OpenClawError as exc:
        return FieldCheck(False, str(exc)), None
    problem = secret_problem(kind, provider_id, value)
    if problem:
        return FieldCheck(False, f"{problem}: {mask_secret(value)}", reason=problem), None
    n = len(value)
    return FieldCheck(True, ngettext("{n} character, {masked}", "{n} characters, {masked}", n).format(
        n=n, masked=mask_secret(value))), value


def check_expiry(raw: str, now_ms: int) -> tuple[FieldCheck, int | None]:
    from datetime import UTC, datetime

    from openclaw_onboard.core.durations import parse_duration
    from openclaw_onboard.core.timefmt import format_duration

    raw = (raw or "").strip()
    if not raw:
        return FieldCheck(True, _("no expiry (static token)")), None
    try:
        expires_in_ms = parse_duration(raw)
    except OpenClawError as exc:
        return FieldCheck(False, str(exc)), None
    date = datetime.fromtimestamp((now_ms + expires_in_ms) / 1000, tz=UTC).strftime("%Y-%m-%d")
    return FieldCheck(True, _("expires in {remaining} ({date})").format(
        remaining=format_duration(expires_in_ms), date=date)), expires_in_ms


def check_ref(ref: RefInput, provider_id: str | None,
              raw_config: Mapping[str, Any] | None) -> tuple[FieldCheck, StoragePlan | None]:
    """The ref the input describes, validated; resolving waits for the save (a command may be slow)."""
    from openclaw_onboard.core import secrets

    try:
        if ref.store_as == "ref":
            plan = secrets.StoragePlan(secrets.parse_ref_spec(ref.spec))
        elif ref.store_as == "env":
            if provider_id is None:
                return FieldCheck(False, _("needs a provider first"), pending=True), None
            plan = secrets.plan_env(ref.env_var.strip() or default_env_var(provider_id))
        elif ref.store_as == "file":
            if not ref.file_path.strip():
                return FieldCheck(False, _("type the secrets file's path"), pending=True), None
            plan = secrets.plan_file(ref.file_path, ref.file_pointer, raw_config)
        elif ref.store_as == "exec":
            if not ref.command.strip():
                return FieldCheck(False, _("type the command's absolute path"), pending=True), None
            plan = secrets.plan_exec(ref.command, ref.args, "value", ref.pass_env, raw_config)
        else:
            raise ValueError(f"unknown store_as {ref.store_as!r}")
    except OpenClawError as exc:
        return FieldCheck(False, str(exc)), None
    return FieldCheck(True, _("ref {ref}: checked when you save").format(ref=plan.ref.label)), plan


def check_credential(inp: CredentialInput, existing: Mapping[str, str], raw_config: Mapping[str, Any] | None,
                     now_ms: int) -> CredentialCheck:
    """Every field's verdict. Pure: `existing` (profile id -> type) and `raw_config` come from the caller."""
    if inp.kind not in KINDS:
        raise ValueError(f"unknown kind {inp.kind!r}")
    if inp.ref is not None and inp.kind not in REF_KINDS:
        raise ValueError(f"{inp.kind} cannot be stored as a ref")
    provider, provider_id, notes = check_provider(inp.provider, inp.kind)
    profile_id: str | None = None
    if provider_id is None:
        profile = FieldCheck(False, _("needs a provider first"), pending=True)
    else:
        profile, profile_id = check_profile(inp.profile, provider_id, inp.kind, existing, as_ref=inp.ref is not None)
    secret_value: str | None = None
    plan: StoragePlan | None = None
    if inp.ref is not None:
        secret, plan = check_ref(inp.ref, provider_id, raw_config)
    else:
        secret, secret_value = check_secret(inp.secret, inp.kind, provider_id)
    expiry: FieldCheck | None = None
    expires_in_ms: int | None = None
    if inp.kind != "api-key":
        expiry, expires_in_ms = check_expiry(inp.expires_in, now_ms)
    return CredentialCheck(provider, profile, secret, expiry, provider_id, profile_id, secret_value, expires_in_ms,
                           plan, notes)


# ---- the action

def existing_types(agent_id: str, state: Path | None) -> dict[str, str]:
    """The agent's profile ids and their credential types (what check_profile compares against)."""
    from openclaw_onboard.core import store

    return {pid: c.type for pid, c in store.load(agent_id, state).store.profiles.items()}


def _merged_env(state: Path | None, env: Mapping[str, str] | None) -> dict[str, str]:
    from openclaw_onboard.core.envkeys import read_env_file

    return {**read_env_file(state), **(os.environ if env is None else env)}  # as the gateway: the shell wins


def _provider_entry(alias: str, cfg: Mapping[str, Any]) -> Callable[[dict[str, Any]], None]:
    def compute(raw: dict[str, Any]) -> None:
        section = dict(raw.get("secrets") or {})
        providers = dict(section.get("providers") or {})
        if providers.get(alias) != dict(cfg):
            providers[alias] = dict(cfg)
            section["providers"] = providers
            raw["secrets"] = section

    return compute


def add_credential(inp: CredentialInput, agent_id: str = "main", state: Path | None = None,
                   env: Mapping[str, str] | None = None, now_ms: int | None = None) -> Outcome:
    """Check `inp` once more against the files as they are now, then save it in one transaction."""
    from openclaw_onboard.core import config as config_mod
    from openclaw_onboard.core import profiles, secrets
    from openclaw_onboard.core.clock import now_ms as clock_now
    from openclaw_onboard.core.models import AnyCredential, ApiKeyCredential, SecretRef, TokenCredential

    now = clock_now() if now_ms is None else now_ms
    try:
        existing = existing_types(agent_id, state)
        raw_config = config_mod.load_config(state).raw
    except (OpenClawError, OSError) as exc:
        return nothing_saved(describe_error(exc))
    checked = check_credential(inp, existing, raw_config, now)
    if not checked.valid:
        return nothing_saved(checked.problem or "", checked.profile_id, checked.notes)
    provider, pid = checked.provider_id, checked.profile_id
    assert provider is not None and pid is not None
    plan = checked.plan
    if plan is not None and inp.ref is not None and inp.ref.resolve_now:
        try:
            value = secrets.preflight(plan, raw_config, _merged_env(state, env))
            problem = secret_problem(inp.kind, provider, value.strip())
            del value  # checked, never kept
        except OpenClawError as exc:
            return nothing_saved(_exec_protocol_hint(str(exc), plan), pid, checked.notes)
        if problem:
            return nothing_saved(_("it resolves, but {problem}").format(problem=problem), pid, checked.notes)

    cred: AnyCredential
    mode = "api_key" if inp.kind == "api-key" else "token"
    if plan is not None:
        stored = SecretRef(**plan.ref.to_json())
        cred = (ApiKeyCredential(provider=provider, keyRef=stored) if mode == "api_key"
                else TokenCredential(provider=provider, tokenRef=stored))
    elif mode == "api_key":
        assert checked.secret_value is not None
        cred = ApiKeyCredential(provider=provider, key=checked.secret_value)
    else:
        assert checked.secret_value is not None
        cred = TokenCredential(provider=provider, token=checked.secret_value)
        if checked.expires_in_ms is not None:
            cred.expires = now + checked.expires_in_ms

    # Preflight: openclaw.json must be able to take both of its changes before anything is written.
    try:
        profiles.check_credential_size(cred)
        if plan is not None and plan.provider_config is not None:
            config_mod.check_update_config(_provider_entry(plan.ref.provider, plan.provider_config), state)
        config_mod.check_register_profile(pid, provider, mode, None, state)
    except (OpenClawError, OSError) as exc:
        return nothing_saved(describe_error(exc), pid, checked.notes)

    try:
        if plan is not None:
            secrets.save_plan(plan, state)
        profiles.store_credential(pid, cred, agent_id, state)
    except (OpenClawError, OSError) as exc:
        return nothing_saved(describe_error(exc), pid, checked.notes)
    replaced = pid in existing
    notes = checked.notes
    if inp.write_env and plan is None and checked.secret_value is not None:
        from openclaw_onboard.core.envkeys import env_prefix, write_env_var

        try:
            write_env_var(f"{env_prefix(provider)}_API_KEY", checked.secret_value, state)
        except (OpenClawError, OSError) as exc:
            notes = (*notes, describe_error(exc))
    message = _saved_message(inp.kind, pid, agent_id, replaced, plan, checked)
    try:
        config_mod.register_profile(pid, provider, mode, None, state)
    except (OpenClawError, OSError) as exc:
        return Outcome(Verdict.CONFIG_NOT_UPDATED, config_not_updated(pid, exc), pid, notes,
                       fix=CONFIG_FIX_COMMAND, replaced=replaced)
    return Outcome(Verdict.SAVED, message, pid, notes, replaced=replaced)


def _exec_protocol_hint(message: str, plan: StoragePlan) -> str:
    """`message`, plus what a command without arguments must print when it printed something else: such a
    command speaks OpenClaw's exec protocol (`jsonOnly`), and "returned invalid JSON" alone did not say so
    (a `getkey.sh` printing the bare key)."""
    cfg = plan.provider_config or {}
    if cfg.get("source") != "exec" or cfg.get("jsonOnly") is False or not any(
            word in message for word in ("JSON", "must be an object", "protocolVersion", "values")):
        return message
    example = json.dumps({"protocolVersion": 1, "values": {plan.ref.id: "<secret>"}}, separators=(",", ":"))
    return _("{problem}. Without arguments the command must print OpenClaw's exec protocol, {example}; a "
             "command that prints the bare secret needs its arguments (as `op read op://...` has)").format(
        problem=message.rstrip("."), example=example)


def describe_error(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return _("Could not write: {error}").format(error=exc.strerror or exc)
    return str(exc)


def config_not_updated(profile_id: str, exc: BaseException) -> str:
    return _("Saved {profile_id}, but openclaw.json was not updated ({error}); fix it, then run `{command}`").format(
        profile_id=profile_id, error=describe_error(exc), command=CONFIG_FIX_COMMAND)


def _saved_message(kind: str, pid: str, agent_id: str, replaced: bool, plan: StoragePlan | None,
                   checked: CredentialCheck) -> str:
    from openclaw_onboard.core.masking import mask_secret
    from openclaw_onboard.core.timefmt import describe_expiry

    if plan is not None:
        return _("Saved {profile_id} for agent {agent}: key from {ref} (not stored in the file)").format(
            profile_id=pid, agent=agent_id, ref=plan.ref.label)
    masked = mask_secret(checked.secret_value)
    if kind == "api-key":
        done = (_("Replaced {profile_id} for agent {agent}: key {masked}") if replaced
                else _("Saved {profile_id} for agent {agent}: key {masked}"))
        return done.format(profile_id=pid, agent=agent_id, masked=masked)
    expiry = _("no expiry") if checked.expires_in_ms is None else describe_expiry(checked.expires_in_ms)
    done = (_("Replaced {profile_id} for agent {agent}: token {masked}, {expiry}") if replaced
            else _("Saved {profile_id} for agent {agent}: token {masked}, {expiry}"))
    return done.format(profile_id=pid, agent=agent_id, masked=masked, expiry=expiry)
