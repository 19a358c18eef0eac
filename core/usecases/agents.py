"""Adding an agent, as `openclaw agents add` does (core.agents holds how)."""

from __future__ import annotations

from pathlib import Path

from openclaw_onboard.core.errors import OpenClawError
from openclaw_onboard.core.i18n import _, ngettext
from openclaw_onboard.core.usecases.credentials import describe_error
from openclaw_onboard.core.usecases.outcome import Outcome, Verdict, nothing_saved


def add_agent(name: str, copy_auth_from: str | None = None, state: Path | None = None) -> Outcome:
    """An `agents.list` entry in openclaw.json and the agent's dir; optionally a copy of another agent's
    profiles. The outcome's `agent_id` names the agent made."""
    from openclaw_onboard.core import agents
    from openclaw_onboard.core import store as store_mod
    from openclaw_onboard.core.paths import agent_paths

    try:
        source = agents.validate_agent_id(copy_auth_from, for_new=False) if copy_auth_from else None
        agent_id = agents.add_agent(name, copy_auth_from=source, state=state)
    except (OpenClawError, OSError) as exc:
        return nothing_saved(describe_error(exc))
    details: tuple[str, ...] = ()
    if source:
        n = len(store_mod.load(agent_id, state).store.profiles)
        copied = ngettext("Copied {n} auth profile from {agent}.", "Copied {n} auth profiles from {agent}.", n)
        details = (copied.format(n=n, agent=source),)
    return Outcome(Verdict.SAVED, _("Added agent {agent}: {path}").format(
        agent=agent_id, path=agent_paths(agent_id, state).agent_dir), details=details, agent_id=agent_id)

