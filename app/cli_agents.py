"""`openclaw onboard`, `openclaw agents list|add`, `openclaw channels list`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from openclaw_onboard.app.cli_common import resolve_agent
from openclaw_onboard.core.errors import OpenClawError
from openclaw_onboard.core.i18n import _, ngettext
from openclaw_onboard.core.sanitize import clean, clean_block
from openclaw_onboard.core.textwidth import cells, pad

if TYPE_CHECKING:
    import argparse


def _out(line: str = "") -> None:
    print(clean(line), flush=True)  # agent dir names and ids are untrusted: one clean line each (issue 11.7)


def _interactive() -> bool:
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def cmd_onboard(args: argparse.Namespace) -> int:
    agent_id = resolve_agent(args.agent) if args.agent else None  # None: the wizard offers its agent choice
    if not _interactive():
        raise OpenClawError(_("`openclaw onboard` needs an interactive terminal; in scripts use "
                              "`openclaw models auth paste-token|login|order` and `openclaw models status`"))
    try:
        from openclaw_onboard.app.tui import run_onboard
    except ImportError as exc:
        missing = getattr(exc, "name", None) or "openclaw_onboard.app.tui"
        raise OpenClawError(
            _("The onboarding wizard is not available in this installation ({module} is missing)").format(
                module=missing)
        ) from None
    return int(run_onboard(agent_id=agent_id, dashboard=args.dashboard) or 0)


# ---- agents

def cmd_agents_list(args: argparse.Namespace) -> int:
    from openclaw_onboard.core.agentconfig import default_agent_id
    from openclaw_onboard.core.agents import AgentSummary, agent_summaries
    from openclaw_onboard.core.clock import now_ms
    from openclaw_onboard.core.configfile import read_raw_cached
    from openclaw_onboard.core.paths import DEFAULT_AGENT_ID, agent_paths, state_dir

    default = default_agent_id(read_raw_cached(state_dir()))
    summaries = agent_summaries(None, now_ms())
    if not any(s.agent_id == DEFAULT_AGENT_ID for s in summaries):
        summaries.insert(0, AgentSummary(DEFAULT_AGENT_ID, 0, None))  # the default agent always exists
    if args.json:
        from openclaw_onboard.app.cli_output import AgentOut, AgentsOutput

        doc = AgentsOutput(agents=[
            AgentOut(id=s.agent_id, default=s.agent_id == default, profileCount=s.profile_count,
                     worstStatus=s.worst_status, storePath=s.store_path or str(agent_paths(s.agent_id).store),
                     error=s.error)
            for s in summaries
        ])
        print(clean_block(doc.json_text()), flush=True)
        return 0
    width = max(cells(s.agent_id) for s in summaries)  # cells: one rule with the other tables
    for s in summaries:
        label = " " + _("(default)") if s.agent_id == default else ""
        if s.error:
            _out(f"{pad(s.agent_id, width)}  " + _("error: {message}").format(message=s.error))
            continue
        n = s.profile_count
        worst = "  " + _("worst: {status}").format(status=s.worst_status) if s.worst_status else ""
        profiles = ngettext("{n} profile", "{n} profiles", n).format(n=n)
        _out(f"{pad(s.agent_id, width)}  " + profiles + worst + label)
    return 0


def cmd_agents_add(args: argparse.Namespace) -> int:
    from openclaw_onboard.app.cli_common import present
    from openclaw_onboard.core.usecases.agents import add_agent

    return present(add_agent(args.name, copy_auth_from=args.copy_auth_from))


# ---- channels

def _chat_channels(raw: dict[str, Any]) -> list[tuple[str, bool | None]]:
    """Chat channels configured in openclaw.json (`channels.<name>`), with their `enabled` flag if any."""
    channels = raw.get("channels")
    if not isinstance(channels, dict):
        return []
    out: list[tuple[str, bool | None]] = []
    for name, conf in channels.items():
        if name == "defaults":
            continue
        enabled = conf.get("enabled") if isinstance(conf, dict) else None
        out.append((str(name), enabled if isinstance(enabled, bool) else None))
    return out


def cmd_channels_list(args: argparse.Namespace) -> int:
    from openclaw_onboard.core import config as config_mod
    from openclaw_onboard.core import store as store_mod

    agent_id = resolve_agent(args.agent)
    chat = _chat_channels(config_mod.load_config().raw)
    profiles = store_mod.load(agent_id).store.profiles
    auth = [(pid, c.provider, c.type) for pid, c in profiles.items()]
    if args.json:
        from openclaw_onboard.app.cli_output import AuthProfileOut, ChannelsOutput, ChatChannelOut

        doc = ChannelsOutput(
            chat=[ChatChannelOut(id=name, enabled=enabled) for name, enabled in chat],
            auth=[AuthProfileOut(id=pid, provider=prov, type=kind) for pid, prov, kind in auth],
        )
        print(clean_block(doc.json_text()), flush=True)
        return 0
    if chat:
        _out(_("Chat channels:"))
        for name, enabled in chat:
            state = "" if enabled is None else " " + (_("(enabled)") if enabled else _("(disabled)"))
            _out(f"- {name}{state}")
        _out()
    _out(_("Auth providers (OAuth + API keys):"))
    if not auth:
        _out("  " + _("(none)"))
    for pid, _prov, kind in auth:
        _out(f"- {pid} ({kind})")
    return 0
