"""Agents: isolated credential sets (`openclaw agents add work`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openclaw_onboard.core import fsio
from openclaw_onboard.core.agentconfig import list_agents
from openclaw_onboard.core.agentconfig import normalize_agent_id as _openclaw_agent_id
from openclaw_onboard.core.errors import OpenClawError, StoreCorruptError, ValidationError
from openclaw_onboard.core.i18n import _
from openclaw_onboard.core.paths import DEFAULT_AGENT_ID, agent_paths, is_valid_agent_id, state_dir

if TYPE_CHECKING:
    from openclaw_onboard.core.models import AuthProfileStore

# core.store (and with it pydantic, ~150 ms) is imported by the functions that read a store, not at
# import: the wizard's first screen imports this module and, with no agent yet, never reads one.

def normalize_agent_id(name: str) -> str:
    return (name or "").strip().lower()


def validate_agent_id(name: str, *, for_new: bool = True) -> str:
    agent_id = normalize_agent_id(name)
    if not is_valid_agent_id(agent_id):
        raise ValidationError(
            _("Invalid agent name {name}: use a-z, 0-9, '-' and '_' (at most 64)").format(name=repr(name))
        )
    if for_new and agent_id == DEFAULT_AGENT_ID:
        raise ValidationError(_('"{agent}" is reserved for the default agent').format(agent=DEFAULT_AGENT_ID))
    return agent_id


def add_agent(name: str, copy_auth_from: str | None = None, state: Path | None = None) -> str:
    """Add an agent as `openclaw agents add` does: an `agents.list` entry in openclaw.json
    (`{id, name, workspace, agentDir}`, with `{id: "main"}` first when the list was empty) and its
    dir `<state>/agents/<id>/agent` (0700); optionally copy another agent's profiles. In the SQLite era an
    `agents.entries` entry instead (_register_entry), and no copy (it needs a database only OpenClaw makes)."""
    from openclaw_onboard.core import store as store_mod
    from openclaw_onboard.core.era import detect

    agent_id = validate_agent_id(name)
    base = state if state is not None else state_dir()
    era = detect(base)
    if era.is_sqlite and copy_auth_from:  # a copy needs the new agent's database, which only OpenClaw creates
        raise ValidationError(_("Nothing was changed: copying profiles into a new agent needs its OpenClaw database, "
                                "which OpenClaw creates on the agent's first auth change; add the agent without "
                                "--copy-auth-from, then add its credentials"))
    paths = agent_paths(agent_id, base)
    if paths.agent_dir.exists() or agent_id in list_agents(base):
        raise ValidationError(_('Agent "{agent}" already exists').format(agent=agent_id))
    if era.is_sqlite:
        _register_entry(agent_id, name.strip() or agent_id, paths.agent_dir, base)
        for d in (base, base / "agents", paths.agent_dir.parent, paths.agent_dir):
            fsio.ensure_private_dir(d)
        return agent_id
    source_store: AuthProfileStore | None = None
    if copy_auth_from:
        source_id = validate_agent_id(copy_auth_from, for_new=False)
        if source_id not in list_agents(base):
            raise ValidationError(_('Agent "{agent}" not found (see `openclaw agents list`)').format(agent=source_id))
        source_store = store_mod.load(source_id, base).store
    # openclaw.json first: if that write fails (a full disk), nothing half-made is left behind; an
    # agent listed there whose dir is not made yet is what OpenClaw itself creates on first use.
    _register_agent(agent_id, name.strip() or agent_id, paths.agent_dir, base)
    for d in (base, base / "agents", paths.agent_dir.parent, paths.agent_dir):
        fsio.ensure_private_dir(d)
    if source_store is not None:
        copied = source_store

        def mutate(s: AuthProfileStore) -> None:
            s.profiles.update(copied.profiles)
            s.model_fields_set.add("profiles")
            if copied.order:
                s.order = dict(copied.order)

        store_mod.update(mutate, agent_id, base)
    return agent_id


def _register_agent(agent_id: str, name: str, agent_dir: Path, state: Path) -> None:
    from openclaw_onboard.core import config

    def compute(raw: dict) -> None:
        agents = v if isinstance(v := raw.get("agents"), dict) else {}
        entries = [e for e in agents.get("list", []) if isinstance(e, dict)] if isinstance(
            agents.get("list"), list) else []
        if any(_openclaw_agent_id(e.get("id")) == agent_id for e in entries):
            return
        if not entries:
            entries = [{"id": DEFAULT_AGENT_ID}]  # OpenClaw keeps main listed once there is a list
        workspace = state / f"workspace-{agent_id}"  # OpenClaw's default for a non-default agent
        entries.append({"id": agent_id, "name": name, "workspace": str(workspace), "agentDir": str(agent_dir)})
        raw["agents"] = {**agents, "list": entries}

    config.update_config(compute, state)


def _register_entry(agent_id: str, name: str, agent_dir: Path, state: Path) -> None:
    """The SQLite era's roster (2026.8.1+, as 9.6's `agents add` writes it): `agents.entries.<id>` =
    `{name, workspace, agentDir, identity: {name}}`, `agents.ownership: "explicit"`, and main's entry when the
    map is new. No database: OpenClaw creates the agent's on its first auth change for it."""
    from openclaw_onboard.core import config

    def compute(raw: dict) -> None:
        agents = v if isinstance(v := raw.get("agents"), dict) else {}
        entries = dict(v) if isinstance(v := agents.get("entries"), dict) else {}
        if agent_id in entries:
            return
        if DEFAULT_AGENT_ID not in entries:
            entries[DEFAULT_AGENT_ID] = {"workspace": str(state / "workspace")}  # OpenClaw's default workspace
        entries[agent_id] = {"name": name, "workspace": str(state / f"workspace-{agent_id}"),
                             "agentDir": str(agent_dir), "identity": {"name": name}}
        raw["agents"] = {**agents, "ownership": "explicit", "entries": entries}

    config.update_config(compute, state)


@dataclass(frozen=True)
class AgentSummary:
    agent_id: str
    profile_count: int  # its own (in its store)
    worst_status: str | None  # of every profile it uses: its own and those it inherits
    error: str | None = None
    store_path: str | None = None  # where its profiles are (a database in the SQLite era); None: auth-profiles.json
    inherited_count: int = 0  # main's profiles it uses too (OpenClaw merges main's store under a sub-agent's)


def agent_summaries(state: Path | None = None, now_ms: int = 0) -> list[AgentSummary]:
    from openclaw_onboard.core.era import detect

    out: list[AgentSummary] = []
    agent_ids = list_agents(state)
    sqlite_era = detect(state).is_sqlite
    if sqlite_era and DEFAULT_AGENT_ID not in agent_ids:  # main's profiles are the shared store: main always is
        agent_ids = [DEFAULT_AGENT_ID, *agent_ids]
    if not agent_ids:
        return out
    from openclaw_onboard.core import store as store_mod
    from openclaw_onboard.core import views
    from openclaw_onboard.core.status import classify, worst_status

    main_profiles: dict[str, Any] | None = None
    for agent_id in agent_ids:
        inherited: dict[str, Any] = {}
        try:
            if sqlite_era:  # OpenClaw 2026.6.5+: the agent's own profiles in its databases (core.sqlite_store)
                snap, from_main, where = views.read_sqlite_store(agent_paths(agent_id, state))
                profiles: dict[str, Any] = {pid: c for pid, c in snap.store.profiles.items() if pid not in from_main}
                inherited = {pid: c for pid, c in snap.store.profiles.items() if pid in from_main}
            else:
                where = None
                profiles = dict(store_mod.load(agent_id, state).store.profiles)
                if agent_id != DEFAULT_AGENT_ID:
                    if main_profiles is None:
                        main_profiles = dict(store_mod.load(DEFAULT_AGENT_ID, state).store.profiles)
                    inherited = {pid: c for pid, c in main_profiles.items() if pid not in profiles}
        except (StoreCorruptError, OpenClawError) as exc:
            out.append(AgentSummary(agent_id, 0, None, str(exc)))
            continue
        used = [*profiles.values(), *inherited.values()]
        out.append(AgentSummary(agent_id, len(profiles), worst_status(classify(c, now_ms)[0] for c in used),
                                inherited_count=len(inherited), store_path=str(where) if where else None))
    return out
