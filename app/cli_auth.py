"""`openclaw models auth ...`: order, paste-token, setup-token, remove, refresh (login: app.cli_login)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from openclaw_onboard.app.cli_common import confirm, present, read_secret, resolve_agent
from openclaw_onboard.core.errors import ValidationError
from openclaw_onboard.core.i18n import _
from openclaw_onboard.core.sanitize import clean, clean_block

if TYPE_CHECKING:
    import argparse

    from openclaw_onboard.core.models import AuthConfig
    from openclaw_onboard.core.store import LoadedStore
    from openclaw_onboard.core.usecases.credentials import RefInput


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
    from openclaw_onboard.core.usecases.profiles import set_order

    return present(set_order(args.provider, list(args.ids), resolve_agent(args.agent)))


def cmd_order_clear(args: argparse.Namespace) -> int:
    from openclaw_onboard.core.usecases.profiles import clear_order

    return present(clear_order(args.provider, resolve_agent(args.agent)))


# ---- credentials: paste-token, setup-token, api-key (checked and saved by core.usecases.credentials)

def _ref_input(args: argparse.Namespace) -> RefInput | None:
    """--ref / --ref-env / --ref-file / --ref-exec as a core RefInput, or None: the secret is pasted."""
    from openclaw_onboard.core.usecases.credentials import DEFAULT_PASS_ENV, RefInput

    resolve_now = not getattr(args, "no_preflight", False)
    if getattr(args, "ref", None) is not None:
        return RefInput("ref", spec=args.ref, resolve_now=resolve_now)
    if getattr(args, "ref_env", None) is not None:
        return RefInput("env", env_var=args.ref_env, resolve_now=resolve_now)
    if getattr(args, "ref_file", None) is not None:
        return RefInput("file", file_path=args.ref_file, file_pointer=args.ref_pointer or "", resolve_now=resolve_now)
    if getattr(args, "ref_exec", None) is not None:
        pass_env = DEFAULT_PASS_ENV if args.ref_pass_env is None else args.ref_pass_env
        return RefInput("exec", command=args.ref_exec, args=args.ref_args or "", pass_env=pass_env,
                        resolve_now=resolve_now)
    return None


def _add_credential(args: argparse.Namespace, kind: str, prompt: str, what: str, example: str) -> int:
    from openclaw_onboard.core.clock import now_ms
    from openclaw_onboard.core.usecases import credentials as uc
    from openclaw_onboard.core.usecases.outcome import Verdict, nothing_saved

    agent_id = resolve_agent(args.agent)
    inp = uc.CredentialInput(kind, args.provider or "", profile=args.profile_id or "",
                             expires_in=getattr(args, "expires_in", None) or "", ref=_ref_input(args),
                             write_env=bool(getattr(args, "write_env", False)))
    # Everything that can be checked is checked before the user pastes anything.
    checked = uc.check_credential(inp, uc.existing_types(agent_id, None), None, now_ms())
    early = [c for c in checked.fields if not c.ok and c is not checked.secret]
    if early:
        return present(nothing_saved(early[0].reason or early[0].message, checked.profile_id, checked.notes))
    if inp.ref is None:
        if kind == "setup-token":
            _info(_("Run `claude setup-token` on this machine (it needs an interactive terminal and a Claude "
                    "Pro/Max plan);"))
            _info(_("it prints a long-lived token starting with sk-ant-oat01-. Paste that token here."))
        from dataclasses import replace

        inp = replace(inp, secret=read_secret(prompt.format(provider=checked.provider_id,
                                                            profile_id=checked.profile_id), what=what,
                                              example=example.format(provider=checked.provider_id)))
    outcome = uc.add_credential(inp, agent_id, now_ms=now_ms())
    frame = None
    if outcome.verdict is Verdict.NOTHING_SAVED and inp.ref is not None and inp.ref.resolve_now and checked.valid:
        frame = _("{problem}. Nothing saved (fix it, or pass --no-preflight to store the ref anyway)")
    code = present(outcome, frame=frame)
    if kind != "api-key" and inp.ref is None:
        from openclaw_onboard.core.paths import config_path

        _out(_('Updated auth.profiles["{profile_id}"] in {path}').format(profile_id=outcome.profile_id,
                                                                         path=config_path()))
    return code


def cmd_paste_token(args: argparse.Namespace) -> int:
    return _add_credential(args, "paste-token",
                           _("Paste the {provider} token for {profile_id} (input hidden), then press Enter: "),
                           _("token"), "pbpaste | openclaw models auth paste-token --provider {provider}")


def cmd_setup_token(args: argparse.Namespace) -> int:
    return _add_credential(args, "setup-token", _("Paste the setup-token (input hidden), then press Enter: "),
                           "setup-token", "pbpaste | openclaw models auth setup-token --provider anthropic")


def cmd_paste_api_key(args: argparse.Namespace) -> int:
    """OpenClaw 2026.9.x's `paste-api-key`: an API key from the hidden prompt or stdin, `<provider>:manual` by
    default (api-key's default is 4.26's `<provider>:default`)."""
    import argparse as argparse_mod

    values = {"ref": None, "ref_env": None, "ref_file": None, "ref_exec": None, "ref_pointer": None,
              "ref_args": None, "ref_pass_env": None, "no_preflight": False, "write_env": False, **vars(args)}
    if not values.get("profile_id"):
        values["profile_id"] = f"{(args.provider or '').strip()}:manual"
    return cmd_api_key(argparse_mod.Namespace(**values))


def cmd_list(args: argparse.Namespace) -> int:
    """`models auth list` with OpenClaw 2026.9.x's JSON and text (core.usecases.profiles.list_profiles)."""
    import json

    from openclaw_onboard.core.usecases.profiles import list_profiles

    listed = list_profiles(resolve_agent(args.agent), args.provider)
    if args.json:
        _out_json(json.dumps(listed, indent=2, ensure_ascii=False))
        return 0
    _out(_("Agent: {agent}").format(agent=listed["agentId"]))
    _out(_("Auth state store: {path}").format(path=listed["authStatePath"]))
    if listed["provider"]:
        _out(_("Provider: {provider}").format(provider=listed["provider"]))
    profiles = listed["profiles"]
    assert isinstance(profiles, list)
    if not profiles:
        _out(_("Profiles: (none)"))
        return 0
    _out(_("Profiles:"))
    for row in profiles:
        details = [f"{row['provider']}/{row['type']}"]
        if "expiresAt" in row:
            details.append(_("expires {when}").format(when=row["expiresAt"]))
        if "cooldownUntil" in row:
            details.append(_("cooldown until {when}").format(when=row["cooldownUntil"]))
        if "disabledUntil" in row:
            details.append(_("disabled until {when}").format(when=row["disabledUntil"]))
        _out(f"- {row['label']} [{'; '.join(details)}]")
    return 0


def cmd_logout(args: argparse.Namespace) -> int:
    """OpenClaw 2026.9.x's `logout <id>`: `remove --profile-id <id>`."""
    args.profile_id = args.profile
    return cmd_remove(args)


def cmd_api_key(args: argparse.Namespace) -> int:
    return _add_credential(args, "api-key",
                           _("Paste the {provider} API key for {profile_id} (input hidden), then press Enter: "),
                           _("API key"), "pbpaste | openclaw models auth api-key --provider {provider}")


# ---- remove

def cmd_remove(args: argparse.Namespace) -> int:
    from openclaw_onboard.core import store as store_mod
    from openclaw_onboard.core.masking import mask_secret
    from openclaw_onboard.core.usecases.profiles import remove_profile

    agent_id = resolve_agent(args.agent)
    profile_id = (args.profile_id or "").strip()
    if not args.yes:
        loaded = store_mod.load(agent_id)
        cred = loaded.store.profiles.get(profile_id)
        # An id that is not there needs no question: the use case says it is not found.
        if cred is not None or profile_id in loaded.store.invalid_profile_ids:
            what = f"{cred.type} {mask_secret(cred.secret) or _('(no secret)')}" if cred else _("unreadable entry")
            if not confirm(_("Remove auth profile {profile_id} ({what}) from agent {agent}?").format(
                               profile_id=profile_id, what=what, agent=agent_id),
                           refuse_hint=_("pass --yes to remove the profile")):
                _info(_("Nothing removed."))
                return 1
    return present(remove_profile(profile_id, agent_id))


# ---- refresh

def cmd_refresh(args: argparse.Namespace) -> int:
    from openclaw_onboard.core.usecases.outcome import Verdict
    from openclaw_onboard.core.usecases.profiles import oauth_profile_ids, refresh_profile

    agent_id = resolve_agent(args.agent)
    if args.profile_id:
        return present(refresh_profile(args.profile_id, agent_id, force=args.force))
    targets = oauth_profile_ids(agent_id)
    if not targets:  # nothing failed: a script refreshing every agent must not stop here
        _out(_("Nothing to refresh: agent {agent} has no OAuth profiles.").format(agent=agent_id))
        return 0
    failures = 0
    for pid in targets:  # one failing profile never stops the others (issue 11.3)
        try:
            outcome = refresh_profile(pid, agent_id, force=args.force)
        except Exception as exc:  # a bug must not hide the other profiles' results, nor show a traceback
            failures += 1
            print(f"openclaw: {clean(pid)}: " + _("unexpected error ({kind}); run with OPENCLAW_DEBUG=1 for details")
                  .format(kind=type(exc).__name__), file=sys.stderr, flush=True)
            if os.environ.get("OPENCLAW_DEBUG", "") not in ("", "0"):
                raise
            continue
        if outcome.verdict is Verdict.SAVED:
            _out(outcome.message)
        else:
            failures += 1
            print(f"openclaw: {clean(outcome.message)}", file=sys.stderr, flush=True)
    return 1 if failures else 0
