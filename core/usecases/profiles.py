"""Actions on stored profiles: remove one, set or clear a provider's order override, refresh an OAuth login."""

from __future__ import annotations

from pathlib import Path

from openclaw_onboard.core.errors import OpenClawError
from openclaw_onboard.core.i18n import _
from openclaw_onboard.core.usecases.credentials import CONFIG_FIX_COMMAND, describe_error
from openclaw_onboard.core.usecases.outcome import Outcome, Verdict, nothing_saved


def remove_profile(profile_id: str, agent_id: str = "main", state: Path | None = None) -> Outcome:
    """Delete the profile (store: credential, order entries, usage, lastGood; then its openclaw.json entry).
    openclaw.json is checked first: a config we could not edit stops the removal before the store changes."""
    from openclaw_onboard.core import config as config_mod
    from openclaw_onboard.core import profiles

    profile_id = (profile_id or "").strip()
    try:
        config_mod.check_unregister_profile(profile_id, state)
        profiles.forget_profile(profile_id, agent_id, state)
    except (OpenClawError, OSError) as exc:
        return nothing_saved(describe_error(exc), profile_id)
    try:
        config_mod.unregister_profile(profile_id, state)
    except (OpenClawError, OSError) as exc:
        return Outcome(Verdict.CONFIG_NOT_UPDATED, _(
            "Removed {profile_id}, but openclaw.json was not updated ({error}); fix it, then run `{command}`").format(
                profile_id=profile_id, error=describe_error(exc), command=CONFIG_FIX_COMMAND),
            profile_id, fix=CONFIG_FIX_COMMAND)
    return Outcome(Verdict.SAVED, _("Removed {profile_id} from agent {agent}.").format(
        profile_id=profile_id, agent=agent_id), profile_id)


def set_order(provider: str, ids: list[str], agent_id: str = "main", state: Path | None = None) -> Outcome:
    """The order override of `provider`: each id must exist (here or, for a sub-agent, in main) and belong to it."""
    from openclaw_onboard.core import order as order_mod
    from openclaw_onboard.core.profiles import validate_provider

    try:
        provider = validate_provider(provider)
        saved = order_mod.set_order(provider, [i.strip() for i in ids], agent_id, state)
    except (OpenClawError, OSError) as exc:
        return nothing_saved(describe_error(exc))
    return Outcome(Verdict.SAVED, _("Order override for {provider} (agent {agent}): {ids}").format(
        provider=provider, agent=agent_id, ids=", ".join(saved)))


def clear_order(provider: str, agent_id: str = "main", state: Path | None = None) -> Outcome:
    """Remove the order override of `provider`; `changed` is False when there was none."""
    from openclaw_onboard.core import order as order_mod
    from openclaw_onboard.core.profiles import validate_provider

    try:
        provider = validate_provider(provider)
        cleared = order_mod.clear_order(provider, agent_id, state)
    except (OpenClawError, OSError) as exc:
        return nothing_saved(describe_error(exc))
    if not cleared:
        return Outcome(Verdict.SAVED, _("No order override for {provider} (agent {agent}); nothing to clear.").format(
            provider=provider, agent=agent_id), changed=False)
    return Outcome(Verdict.SAVED, _("Cleared the order override for {provider} (agent {agent}).").format(
        provider=provider, agent=agent_id))


def oauth_profile_ids(agent_id: str = "main", state: Path | None = None) -> list[str]:
    """The agent's OAuth profiles (what "refresh everything" refreshes)."""
    from openclaw_onboard.core import store as store_mod

    return [pid for pid, c in store_mod.load(agent_id, state).store.profiles.items() if c.type == "oauth"]


def refresh_profile(profile_id: str, agent_id: str = "main", state: Path | None = None, force: bool = False,
                    now_ms: int | None = None) -> Outcome:
    """A usable access token for an OAuth profile (core.refresh: refreshed once across processes when stale).
    `changed` says whether it was refreshed."""
    from openclaw_onboard.core import store as store_mod
    from openclaw_onboard.core.clock import now_ms as clock_now
    from openclaw_onboard.core.sanitize import command
    from openclaw_onboard.core.timefmt import describe_expiry

    pid = (profile_id or "").strip()
    try:
        cred = store_mod.load(agent_id, state).store.profiles.get(pid)
        if cred is None:
            return nothing_saved(f'Auth profile "{pid}" not found.', pid)
        if cred.type != "oauth":
            return nothing_saved(_(
                "{profile_id} is a {kind} profile; only OAuth profiles can be refreshed (store a new one with "
                "`{command}`)").format(profile_id=pid, kind=cred.type, command=command(
                    "openclaw", "models", "auth", "paste-token", "--provider", cred.provider)), pid)
    except OpenClawError as exc:
        return nothing_saved(str(exc), pid)
    from openclaw_onboard.core.refresh import ensure_fresh  # imports the OAuth client only now

    try:
        result = ensure_fresh(pid, agent_id, state, force=force, now_ms=now_ms)
    except OpenClawError as exc:  # which of several profiles failed: its id leads the line
        return nothing_saved(f"{pid}: {exc}", pid)
    now = clock_now() if now_ms is None else now_ms
    expires = result.credential.expires_ms
    expiry = _("no expiry") if expires is None else describe_expiry(expires - now)
    done = _("{profile_id}: refreshed, {expiry}") if result.refreshed else _("{profile_id}: still valid, {expiry}")
    return Outcome(Verdict.SAVED, done.format(profile_id=pid, expiry=expiry), pid, changed=result.refreshed)
