"""Typed results of the wizard's screens (what `dismiss` hands to the app), instead of bare strings/tuples."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class AddCredential:
    """Dashboard `a`: go to the auth choice of `agent_id`."""

    agent_id: str


# Dashboard: "quit" (q), "agents" (esc: back to the agent list), or AddCredential.
DashboardResult = AddCredential | Literal["quit", "agents"]


@dataclass(frozen=True)
class AgentChosen:
    """AgentSelect: the agent that gets the next credential."""

    agent_id: str


# AgentSelect: an AgentChosen, or "quit".
AgentSelectResult = AgentChosen | Literal["quit"]
