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


@dataclass(frozen=True)
class AuthChosen:
    """AuthChoice: the login picked: a wizard flow ("codex", "codex-device", "setup-token", "paste-token",
    "api-key", "codex-cli", "claude-cli"), `api-key:<provider>` or `openclaw:<auth-choice>`."""

    choice: str


# AuthChoice: an AuthChosen, "back" (esc: to the agent list), "skip" (F2: to the dashboard) or "quit" (F10).
AuthChoiceResult = AuthChosen | Literal["back", "skip", "quit"]


@dataclass(frozen=True)
class LoginSaved:
    """A login screen (Codex, device code, token paste): the credential was saved as `profile_id`."""

    profile_id: str


@dataclass(frozen=True)
class SwitchLogin:
    """A login screen's result: go to the other Codex login instead ("codex" or "codex-device")."""

    target: Literal["codex", "codex-device"]


# Codex login, device login, token paste: LoginSaved, SwitchLogin, or "cancelled" (back to the auth choice).
LoginResult = LoginSaved | SwitchLogin | Literal["cancelled"]
