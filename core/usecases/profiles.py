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


def _iso_ms(value: object) -> str | None:
    """OpenClaw's timestampMsToIsoString: an ISO time with milliseconds and Z, for a positive ms number."""
    import datetime

    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 8.64e15:
        return None
    moment = datetime.datetime.fromtimestamp(value / 1000, tz=datetime.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def list_profiles(agent_id: str = "main", provider: str | None = None,
                  state: Path | None = None) -> dict[str, object]:
    """`models auth list` as OpenClaw 2026.9.x answers it (auth-list.ts): the profiles the agent uses (its own over
    main's), sorted by
    provider then id, each with its type and, when set, its expiry, cooldown and disabled times (ISO). Secrets are
    never part of it."""
    from openclaw_onboard.core import store as store_mod
    from openclaw_onboard.core.provider_ids import normalize_provider_id

    loaded = store_mod.load_runtime(agent_id, state)  # main's profiles too, as the agent sees them
    wanted = normalize_provider_id(provider) if provider and provider.strip() else None
    usage = loaded.store.usageStats or {}
    rows: list[dict[str, object]] = []
    for pid, cred in loaded.store.profiles.items():
        prov = normalize_provider_id(cred.provider)
        if wanted is not None and prov != wanted:
            continue
        row: dict[str, object] = {"id": pid, "provider": prov, "type": cred.type, "label": pid}
        for key in ("email", "displayName"):
            if isinstance(value := getattr(cred, key, None), str) and value:
                row[key] = value
        if cred.type != "api_key" and (expires := _iso_ms(getattr(cred, "expires", None))):
            row["expiresAt"] = expires
        found = usage.get(pid)
        stats: dict[str, object] = found if isinstance(found, dict) else {}
        for key, out in (("cooldownUntil", "cooldownUntil"), ("disabledUntil", "disabledUntil")):
            if when := _iso_ms(stats.get(key)):
                row[out] = when
        for key in ("cooldownReason", "disabledReason"):
            if isinstance(reason := stats.get(key), str) and reason:
                row[key] = reason
        rows.append(row)
    rows.sort(key=lambda r: (str(r["provider"]), str(r["id"])))
    paths = loaded.paths
    state_path = (paths.agent_dir / "openclaw-agent.sqlite") if store_mod.detect_era(paths.state).is_sqlite \
        else paths.auth_state
    return {"agentId": agent_id, "agentDir": _home_short(str(paths.agent_dir)),
            "authStatePath": _home_short(str(state_path)), "provider": wanted, "profiles": rows}


def _home_short(path: str) -> str:
    """OpenClaw's shortenHomePath: `~` for the home directory at the start of a path."""
    import os

    home = os.environ.get("HOME", "").rstrip("/")
    if home and (path == home or path.startswith(home + "/")):
        return "~" + path[len(home):]
    return path
