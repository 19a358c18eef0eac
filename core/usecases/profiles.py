"""Actions on stored profiles: remove one, set or clear a provider's order override, undo any of these,
refresh an OAuth login.

Remove, set and clear answer with an `Outcome` whose `undo` holds what `undo()` needs to put the change back
exactly (the dashboard keeps them; the CLI has no undo and ignores them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openclaw_onboard.core.errors import OpenClawError
from openclaw_onboard.core.i18n import _
from openclaw_onboard.core.usecases.credentials import CONFIG_FIX_COMMAND, describe_error
from openclaw_onboard.core.usecases.outcome import Outcome, Verdict, nothing_saved

if TYPE_CHECKING:  # pydantic (~90 ms to import) only when a credential is removed or restored
    from openclaw_onboard.core.models import AnyCredential


@dataclass(frozen=True)
class OrderChange:
    """Undo record: `provider`'s order override on `agent_id` was `previous` (None: no override)."""

    agent_id: str
    provider: str
    previous: list[str] | None
    moved: str | None = None  # the profile a K/J moved (the dashboard's); None: set by ids, or cleared


@dataclass(frozen=True)
class Removed:
    """Everything a removal took away, with its place: the credential and where it stood in the
    store's profiles, in the override orders, its usage stats and lastGood marks, and its
    `openclaw.json` entry and places (with no override OpenClaw orders by those)."""

    credential: AnyCredential
    store_index: int
    order_at: dict[str, int]  # store order key -> index
    usage: Any = None
    last_good: tuple[str, ...] = ()  # lastGood keys that named the profile
    config_entry: dict[str, Any] | None = None
    config_index: int = 0
    config_order_at: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Deletion:
    """Undo record: `profile_id` was removed; `removed` puts it back where it was."""

    agent_id: str
    provider: str
    profile_id: str
    removed: Removed


UndoRecord = OrderChange | Deletion


def remove_profile(profile_id: str, agent_id: str = "main", state: Path | None = None) -> Outcome:
    """Delete the profile (store: credential, order entries, usage, lastGood; then its openclaw.json entry).
    openclaw.json is checked first: a config we could not edit stops the removal before the store changes.
    `undo` is a `Deletion` (None when only an invalid entry was dropped)."""
    from openclaw_onboard.core import config as config_mod
    from openclaw_onboard.core import profiles

    profile_id = (profile_id or "").strip()
    try:
        config_mod.check_unregister_profile(profile_id, state)
        before = _where_it_stands(profile_id, agent_id, state)
        credential = profiles.forget_profile(profile_id, agent_id, state)
    except (OpenClawError, OSError) as exc:
        return nothing_saved(describe_error(exc), profile_id)
    undo = None if credential is None else Deletion(agent_id, credential.provider, profile_id,
                                                    Removed(credential, **before))
    try:
        config_mod.unregister_profile(profile_id, state)
    except (OpenClawError, OSError) as exc:
        return Outcome(Verdict.CONFIG_NOT_UPDATED, _(
            "Removed {profile_id}, but openclaw.json was not updated ({error}); fix it, then run `{command}`").format(
                profile_id=profile_id, error=describe_error(exc), command=CONFIG_FIX_COMMAND),
            profile_id, fix=CONFIG_FIX_COMMAND, undo=undo)
    return Outcome(Verdict.SAVED, _("Removed {profile_id} from agent {agent}.").format(
        profile_id=profile_id, agent=agent_id), profile_id, undo=undo)


def copy_profile(profile_id: str, from_agent: str, to_agent: str, state: Path | None = None) -> Outcome:
    """Copy a profile `to_agent` inherits from `from_agent` (main) into `to_agent`'s own store: from then on the
    sub-agent's copy is its own, to change or remove there (OpenClaw prefers the agent's own over main's).
    An OAuth copy stays in step as OpenClaw keeps it: a sub-agent adopts main's newer token, and mirrors its
    own refresh back into main. No undo record: removing the copy (d on the dashboard) shows main's again."""
    from openclaw_onboard.core import profiles
    from openclaw_onboard.core import store as store_mod

    profile_id = (profile_id or "").strip()
    try:
        credential = store_mod.load(from_agent, state).store.profiles.get(profile_id)
        if credential is None:
            return nothing_saved(f'Auth profile "{profile_id}" not found.', profile_id)
        if profile_id in store_mod.load(to_agent, state).store.profiles:
            return Outcome(Verdict.NOTHING_SAVED, _("Agent {agent} already has its own {profile_id}.").format(
                agent=to_agent, profile_id=profile_id), profile_id, changed=False)
        # openclaw.json's `auth.profiles` is shared by every agent: main's entry already routes this id.
        profiles.store_credential(profile_id, credential, to_agent, state)
    except (OpenClawError, OSError) as exc:
        return nothing_saved(describe_error(exc), profile_id)
    return Outcome(Verdict.SAVED, _("Copied {profile_id} from agent {source} into agent {agent}.").format(
        profile_id=profile_id, source=from_agent, agent=to_agent), profile_id)


def _where_it_stands(profile_id: str, agent_id: str, state: Path | None) -> dict[str, Any]:
    """`Removed`'s places of `profile_id`, read just before it is removed."""
    from openclaw_onboard.core import config as config_mod
    from openclaw_onboard.core import store as store_mod

    store = store_mod.load(agent_id, state).store
    config = config_mod.load_config(state).raw.get("auth")
    config = config if isinstance(config, dict) else {}
    config_profiles = p if isinstance(p := config.get("profiles"), dict) else {}
    config_order = o if isinstance(o := config.get("order"), dict) else {}
    ids = list(store.profiles)
    return {
        "store_index": ids.index(profile_id) if profile_id in ids else len(ids),
        "order_at": {key: lst.index(profile_id) for key, lst in (store.order or {}).items() if profile_id in lst},
        "usage": (store.usageStats or {}).get(profile_id),
        "last_good": tuple(key for key, pid in (store.lastGood or {}).items() if pid == profile_id),
        "config_entry": config_profiles.get(profile_id),
        "config_index": list(config_profiles).index(profile_id) if profile_id in config_profiles else 0,
        "config_order_at": {key: lst.index(profile_id) for key, lst in config_order.items()
                            if isinstance(lst, list) and profile_id in lst}}


def _current_override(provider: str, agent_id: str, state: Path | None) -> list[str] | None:
    from openclaw_onboard.core import order as order_mod
    from openclaw_onboard.core import store as store_mod

    return order_mod.override_order(store_mod.load(agent_id, state).store, provider)


def set_order(provider: str, ids: list[str], agent_id: str = "main", state: Path | None = None) -> Outcome:
    """The order override of `provider`: each id must exist (here or, for a sub-agent, in main) and belong to it."""
    from openclaw_onboard.core import order as order_mod
    from openclaw_onboard.core.profiles import validate_provider

    try:
        provider = validate_provider(provider)
        previous = _current_override(provider, agent_id, state)
        saved = order_mod.set_order(provider, [i.strip() for i in ids], agent_id, state)
    except (OpenClawError, OSError) as exc:
        return nothing_saved(describe_error(exc))
    return Outcome(Verdict.SAVED, _("Order override for {provider} (agent {agent}): {ids}").format(
        provider=provider, agent=agent_id, ids=", ".join(saved)), undo=OrderChange(agent_id, provider, previous))


def clear_order(provider: str, agent_id: str = "main", state: Path | None = None) -> Outcome:
    """Remove the order override of `provider`; `changed` is False when there was none."""
    from openclaw_onboard.core import order as order_mod
    from openclaw_onboard.core.profiles import validate_provider

    try:
        provider = validate_provider(provider)
        previous = _current_override(provider, agent_id, state)
        cleared = order_mod.clear_order(provider, agent_id, state)
    except (OpenClawError, OSError) as exc:
        return nothing_saved(describe_error(exc))
    if not cleared:
        return Outcome(Verdict.SAVED, _("No order override for {provider} (agent {agent}); nothing to clear.").format(
            provider=provider, agent=agent_id), changed=False)
    return Outcome(Verdict.SAVED, _("Cleared the order override for {provider} (agent {agent}).").format(
        provider=provider, agent=agent_id), undo=OrderChange(agent_id, provider, previous))


def undo(record: UndoRecord, state: Path | None = None) -> Outcome:
    """Put back what the action that made `record` changed: a removed profile at its exact places (store order,
    override orders, usage, lastGood, its openclaw.json entry and places), or the order override it replaced.
    What others changed meanwhile is kept: a place since filled, an id since removed."""
    from openclaw_onboard.core import order as order_mod
    from openclaw_onboard.core import store as store_mod

    try:
        if isinstance(record, Deletion):
            _restore(record, state)
            return Outcome(Verdict.SAVED, _("Put {profile_id} back on agent {agent}.").format(
                profile_id=record.profile_id, agent=record.agent_id), record.profile_id)
        agent_id, provider = record.agent_id, record.provider
        # Only ids that still exist for the provider (another process may have removed one).
        existing = set(store_mod.load(agent_id, state).store.profiles_for(provider))
        restored = [pid for pid in record.previous or [] if pid in existing]
        if restored:
            order_mod.set_order(provider, restored, agent_id, state)
        else:
            order_mod.clear_order(provider, agent_id, state)
    except (OpenClawError, OSError) as exc:
        return nothing_saved(describe_error(exc), record.profile_id if isinstance(record, Deletion) else None)
    return Outcome(Verdict.SAVED, _("Order of {provider} on agent {agent} put back.").format(
        provider=record.provider, agent=record.agent_id))


def _restore(record: Deletion, state: Path | None) -> None:
    from openclaw_onboard.core import config as config_mod
    from openclaw_onboard.core import profiles as profiles_mod
    from openclaw_onboard.core import store as store_mod

    profile_id, removed = record.profile_id, record.removed
    profiles_mod.check_credential_size(removed.credential)

    def mutate(s: Any) -> None:  # may run twice (core.store.update): sets, never adds twice
        if profile_id not in s.profiles:
            items = list(s.profiles.items())
            items.insert(min(removed.store_index, len(items)), (profile_id, removed.credential))
            s.profiles = dict(items)
            s.model_fields_set.add("profiles")
        order = dict(s.order or {})
        for key, at in removed.order_at.items():
            ids = list(order.get(key) or [])
            if profile_id not in ids:
                ids.insert(min(at, len(ids)), profile_id)
            order[key] = ids
        s.order = order or None
        if removed.usage is not None:
            s.usageStats = {**(s.usageStats or {}), profile_id: removed.usage}
        if removed.last_good:
            s.lastGood = {**{key: profile_id for key in removed.last_good}, **(s.lastGood or {})}

    store_mod.update(mutate, record.agent_id, state)
    config_mod.reinsert_profile(profile_id, removed.config_entry, removed.config_index, removed.config_order_at,
                                state)


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
