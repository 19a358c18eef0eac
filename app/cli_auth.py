"""`openclaw models auth ...`: order, paste-token, setup-token, remove, refresh (login: app.cli_login)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from openclaw_onboard.app.cli_common import confirm, describe_expiry, read_secret, resolve_agent
from openclaw_onboard.core.errors import OpenClawError, ProfileNotFoundError, ValidationError
from openclaw_onboard.core.i18n import _
from openclaw_onboard.core.sanitize import clean, clean_block, command

if TYPE_CHECKING:
    import argparse

    from openclaw_onboard.core.models import AuthConfig
    from openclaw_onboard.core.store import LoadedStore


def _out(line: str = "") -> None:
    print(clean(line), flush=True)  # ids, providers, paths come from files: one clean line each (issue 11.7)


def _out_json(text: str) -> None:
    print(clean_block(text), flush=True)


def _info(line: str) -> None:
    print(clean(line), file=sys.stderr, flush=True)


# ---- order

def _provider_known(loaded: LoadedStore, auth: AuthConfig | None, provider: str) -> bool:
    store = loaded.store
    in_config = auth is not None and (
        provider in auth.order or any(p.provider == provider for p in auth.profiles.values())
    )
    return bool(store.profiles_for(provider) or (store.order and provider in store.order) or in_config)


def _load_with_config(agent_id: str) -> tuple[LoadedStore, AuthConfig]:
    from openclaw_onboard.core import config as config_mod
    from openclaw_onboard.core import store as store_mod

    loaded = store_mod.load_runtime(agent_id)  # a sub-agent sees main's profiles too, as in OpenClaw
    auth = config_mod.load_config().auth
    return loaded, auth


def cmd_order_get(args: argparse.Namespace) -> int:
    from openclaw_onboard.core import order as order_mod
    from openclaw_onboard.core.clock import now_ms
    from openclaw_onboard.core.profiles import validate_provider

    agent_id = resolve_agent(args.agent)
    provider = validate_provider(args.provider)
    loaded, auth = _load_with_config(agent_id)
    if not _provider_known(loaded, auth, provider):
        raise ValidationError(_('Unknown provider "{provider}": agent {agent} has no auth profiles for it').format(
            provider=provider, agent=agent_id))
    override = order_mod.override_order(loaded.store, provider)
    effective = order_mod.effective_order(loaded.store, provider, auth, now_ms())
    source = order_mod.order_source(loaded.store, provider, auth)
    if args.json:
        from openclaw_onboard.app.cli_output import OrderOutput

        doc = OrderOutput(agent=agent_id, provider=provider, override=override, effective=effective, source=source)
        _out_json(doc.json_text())
        return 0
    if override is None:
        _out(_("No order override for {provider} (agent {agent}).").format(provider=provider, agent=agent_id))
    else:
        _out(_("Order override for {provider} (agent {agent}): {ids}").format(
            provider=provider, agent=agent_id, ids=", ".join(override)))
    _out(_("Effective order ({source}): {ids}").format(source=source, ids=", ".join(effective) or _("none")))
    return 0


def cmd_order_set(args: argparse.Namespace) -> int:
    from openclaw_onboard.core import order as order_mod
    from openclaw_onboard.core.profiles import validate_provider

    agent_id = resolve_agent(args.agent)
    provider = validate_provider(args.provider)
    ids = [i.strip() for i in args.ids]
    saved = order_mod.set_order(provider, ids, agent_id)
    _out(_("Order override for {provider} (agent {agent}): {ids}").format(
        provider=provider, agent=agent_id, ids=", ".join(saved)))
    return 0


def cmd_order_clear(args: argparse.Namespace) -> int:
    from openclaw_onboard.core import order as order_mod
    from openclaw_onboard.core.profiles import validate_provider

    agent_id = resolve_agent(args.agent)
    provider = validate_provider(args.provider)
    if order_mod.clear_order(provider, agent_id):
        _out(_("Cleared the order override for {provider} (agent {agent}).").format(provider=provider, agent=agent_id))
    else:
        _out(_("No order override for {provider} (agent {agent}); nothing to clear.").format(
            provider=provider, agent=agent_id))
    return 0


# ---- tokens

def _expires_in(text: str | None) -> int | None:
    from openclaw_onboard.core.durations import parse_duration

    return parse_duration(text) if text else None


def _save_token(provider: str, token: str, profile_id: str, expires_in_ms: int | None, agent_id: str) -> None:
    from openclaw_onboard.core import store as store_mod
    from openclaw_onboard.core.clock import now_ms
    from openclaw_onboard.core.masking import mask_secret
    from openclaw_onboard.core.paths import config_path
    from openclaw_onboard.core.profiles import add_token

    existed = profile_id in store_mod.load(agent_id).store.profiles
    now = now_ms()
    pid = add_token(provider, token, profile_id, expires_in_ms, agent_id, now_ms=now)
    expiry = describe_expiry(None if expires_in_ms is None else now + expires_in_ms, now)
    done = (_("Replaced {profile_id} for agent {agent}: token {masked}, {expiry}") if existed
            else _("Saved {profile_id} for agent {agent}: token {masked}, {expiry}"))
    _out(done.format(profile_id=pid, agent=agent_id, masked=mask_secret(token), expiry=expiry))
    _out(_('Updated auth.profiles["{profile_id}"] in {path}').format(profile_id=pid, path=config_path()))


def cmd_paste_token(args: argparse.Namespace) -> int:
    from openclaw_onboard.core.profiles import default_profile_id, validate_profile_id, validate_provider
    from openclaw_onboard.core.tokens import SETUP_TOKEN_PREFIX, validate_setup_token, validate_token

    # Everything that can be checked is checked before the user pastes anything.
    provider = validate_provider(args.provider)
    profile_id = validate_profile_id(args.profile_id or default_profile_id(provider, "token"), provider)
    expires_in_ms = _expires_in(args.expires_in)
    agent_id = resolve_agent(args.agent)
    token = validate_token(read_secret(
        _("Paste the {provider} token for {profile_id} (input hidden), then press Enter: ").format(
            provider=provider, profile_id=profile_id),
        example=f"pbpaste | openclaw models auth paste-token --provider {provider}",
    ))
    if provider == "anthropic" and token.startswith(SETUP_TOKEN_PREFIX):
        token = validate_setup_token(token)  # a cut-off setup-token is the usual mistake
    _save_token(provider, token, profile_id, expires_in_ms, agent_id)
    return 0


def cmd_setup_token(args: argparse.Namespace) -> int:
    from openclaw_onboard.core.profiles import default_profile_id, validate_profile_id, validate_provider
    from openclaw_onboard.core.tokens import validate_setup_token

    provider = validate_provider(args.provider)
    if provider != "anthropic":
        raise ValidationError(
            _("setup-token is for anthropic only; use `openclaw models auth paste-token --provider {provider}`")
            .format(provider=provider)
        )
    profile_id = validate_profile_id(args.profile_id or default_profile_id(provider, "setup-token"), provider)
    expires_in_ms = _expires_in(args.expires_in)
    agent_id = resolve_agent(args.agent)
    _info(_("Run `claude setup-token` on this machine (it needs an interactive terminal and a Claude Pro/Max plan);"))
    _info(_("it prints a long-lived token starting with sk-ant-oat01-. Paste that token here."))
    token = validate_setup_token(read_secret(
        _("Paste the setup-token (input hidden), then press Enter: "), what="setup-token",
        example="pbpaste | openclaw models auth setup-token --provider anthropic",
    ))
    _save_token(provider, token, profile_id, expires_in_ms, agent_id)
    return 0


# ---- api-key

def _provider_note(provider: str, kind: str) -> None:
    """Catalog check: an unknown provider is allowed (plugins add providers) but said out loud."""
    from openclaw_onboard.core.providers import catalog, unknown_provider_note

    entry = catalog().get(provider)
    if entry is None:
        _info(_("Note: {note}").format(note=unknown_provider_note(provider)))
    elif kind not in entry.kinds and entry.kinds:
        _info(_("Note: OpenClaw offers {provider} as {kinds}; storing an {kind} profile anyway.").format(
            provider=entry.label, kinds=", ".join(entry.kinds), kind=kind))


def _merged_env() -> dict[str, str]:
    import os

    from openclaw_onboard.core.envkeys import read_env_file

    return {**read_env_file(), **os.environ}  # as the gateway sees it: the shell wins over <state>/.env


def cmd_api_key(args: argparse.Namespace) -> int:
    from openclaw_onboard.core.masking import mask_secret
    from openclaw_onboard.core.profiles import (
        add_api_key,
        add_secret_ref,
        default_profile_id,
        validate_profile_id,
        validate_provider,
    )
    from openclaw_onboard.core.providers import key_shape_problem
    from openclaw_onboard.core.tokens import validate_token

    provider = validate_provider(args.provider)
    profile_id = validate_profile_id(args.profile_id or default_profile_id(provider, "api_key"), provider)
    agent_id = resolve_agent(args.agent)
    _provider_note(provider, "api_key")
    if args.ref:
        from openclaw_onboard.core import config as config_mod
        from openclaw_onboard.core import secrets

        ref = secrets.parse_ref_spec(args.ref)
        if not args.no_preflight:
            why = secrets.check(ref, config_mod.load_config().raw, _merged_env())
            if why:
                raise ValidationError(_("{problem}. Nothing saved (fix it, or pass --no-preflight to store the ref "
                                        "anyway)").format(problem=why))
        pid = add_secret_ref(provider, ref, profile_id, "api_key", agent_id)
        _out(_("Saved {profile_id} for agent {agent}: key from {ref} (not stored in the file)").format(
            profile_id=pid, agent=agent_id, ref=ref.label))
        return 0
    key = validate_token(read_secret(
        _("Paste the {provider} API key for {profile_id} (input hidden), then press Enter: ").format(
            provider=provider, profile_id=profile_id), what=_("API key"),
        example=f"pbpaste | openclaw models auth api-key --provider {provider}",
    ))
    problem = key_shape_problem(provider, key)
    if problem:
        raise ValidationError(_("{problem}; nothing saved").format(problem=problem))
    from openclaw_onboard.core import store as store_mod

    existed = profile_id in store_mod.load(agent_id).store.profiles
    pid = add_api_key(provider, key, profile_id, agent_id)
    done = (_("Replaced {profile_id} for agent {agent}: key {masked}") if existed
            else _("Saved {profile_id} for agent {agent}: key {masked}"))
    _out(done.format(profile_id=pid, agent=agent_id, masked=mask_secret(key)))
    return 0


# ---- remove

def cmd_remove(args: argparse.Namespace) -> int:
    from openclaw_onboard.core import store as store_mod
    from openclaw_onboard.core.masking import mask_secret
    from openclaw_onboard.core.profiles import remove_profile

    agent_id = resolve_agent(args.agent)
    profile_id = (args.profile_id or "").strip()
    loaded = store_mod.load(agent_id)
    cred = loaded.store.profiles.get(profile_id)
    if cred is None and profile_id not in loaded.store.invalid_profile_ids:
        raise ProfileNotFoundError(f'Auth profile "{profile_id}" not found.')
    if not args.yes:
        what = f"{cred.type} {mask_secret(cred.secret) or _('(no secret)')}" if cred else _("unreadable entry")
        if not confirm(_("Remove auth profile {profile_id} ({what}) from agent {agent}?").format(
                           profile_id=profile_id, what=what, agent=agent_id),
                       refuse_hint=_("pass --yes to remove the profile")):
            _info(_("Nothing removed."))
            return 1
    remove_profile(profile_id, agent_id)
    _out(_("Removed {profile_id} from agent {agent}.").format(profile_id=profile_id, agent=agent_id))
    return 0


# ---- refresh

def cmd_refresh(args: argparse.Namespace) -> int:
    from openclaw_onboard.core import store as store_mod
    from openclaw_onboard.core.clock import now_ms

    agent_id = resolve_agent(args.agent)
    profiles = store_mod.load(agent_id).store.profiles
    if args.profile_id:
        pid = args.profile_id.strip()
        cred = profiles.get(pid)
        if cred is None:
            raise ProfileNotFoundError(f'Auth profile "{pid}" not found.')
        if cred.type != "oauth":
            raise ValidationError(
                _("{profile_id} is a {kind} profile; only OAuth profiles can be refreshed (store a new one with "
                  "`{command}`)").format(profile_id=pid, kind=cred.type, command=command(
                      "openclaw", "models", "auth", "paste-token", "--provider", cred.provider))
            )
        targets = [pid]
    else:
        targets = [pid for pid, c in profiles.items() if c.type == "oauth"]
        if not targets:
            raise ValidationError(_("Agent {agent} has no OAuth profiles to refresh").format(agent=agent_id))

    from openclaw_onboard.core.refresh import ensure_fresh  # imports the OAuth client only now

    failures = 0
    for pid in targets:  # one failing profile never stops the others (issue 11.3)
        try:
            result = ensure_fresh(pid, agent_id, force=args.force)
        except OpenClawError as exc:
            failures += 1
            print(f"openclaw: {clean(pid)}: {clean(exc)}", file=sys.stderr, flush=True)
            continue
        except Exception as exc:  # a bug must not hide the other profiles' results, nor show a traceback
            failures += 1
            print(f"openclaw: {clean(pid)}: " + _("unexpected error ({kind}); run with OPENCLAW_DEBUG=1 for details")
                  .format(kind=type(exc).__name__), file=sys.stderr, flush=True)
            if os.environ.get("OPENCLAW_DEBUG", "") not in ("", "0"):
                raise
            continue
        expiry = describe_expiry(result.credential.expires_ms, now_ms())
        done = _("{profile_id}: refreshed, {expiry}") if result.refreshed else _("{profile_id}: still valid, {expiry}")
        _out(done.format(profile_id=clean(pid), expiry=expiry))
    return 1 if failures else 0
