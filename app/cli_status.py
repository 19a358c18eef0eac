"""`openclaw models status [--agent ID] [--json | --plain] [--check]`.

The cron path: imports core.status and nothing heavy (no pydantic unless --json, never httpx/Textual).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from openclaw_onboard.core.status import AgentStatus, ProfileStatus, ProviderStatus


def cmd_status(args: argparse.Namespace) -> int:
    from openclaw_onboard.app.cli_common import resolve_agent
    from openclaw_onboard.core.sanitize import clean, clean_block
    from openclaw_onboard.core.status import agent_status, check_exit_code

    agent_id = resolve_agent(args.agent)
    probing = getattr(args, "probe", False)
    if probing and args.plain:
        from openclaw_onboard.core.errors import ValidationError

        raise ValidationError("--probe cannot be used with --plain output")
    status = agent_status(agent_id)
    code = check_exit_code(status)
    for warning in status.warnings:  # on stderr in every mode: stdout may be a pipe a script parses
        print(f"openclaw: warning: {clean(warning)}", file=sys.stderr)
    summary = None
    if probing:
        from openclaw_onboard.app.cli_probe import run_probe

        summary = run_probe(args, agent_id)
    if args.json:
        from openclaw_onboard.app.cli_output import status_output

        if summary is None:
            sys.stdout.write(clean_block(status_output(status, code).model_dump_json(indent=2)) + "\n")
        else:
            import json

            doc = status_output(status, code).model_dump(mode="json")
            doc["probes"] = summary.to_json()
            sys.stdout.write(clean_block(json.dumps(doc, indent=2)) + "\n")
    elif args.plain:
        sys.stdout.write("".join(line + "\n" for line in plain_lines(status)))
    else:
        lines = text_lines(status)
        if summary is not None:
            from openclaw_onboard.app.cli_probe import probe_lines

            lines += probe_lines(summary)
        sys.stdout.write("".join(clean(line) + "\n" for line in lines))
    sys.stdout.flush()
    return code if args.check else 0


# ---- --plain

def _signed_remaining(p: ProfileStatus) -> str:
    if p.remaining_ms is None or p.remaining_human is None:
        return "-"
    return f"-{p.remaining_human}" if p.remaining_ms <= 0 else p.remaining_human


def plain_lines(status: AgentStatus) -> list[str]:
    """agent, profile id, provider, type, status, expires_ms, remaining -- tab-separated, '-' for none."""
    from openclaw_onboard.core.sanitize import clean

    rows = [
        (status.agent_id, p.profile_id, p.provider, p.type, p.status,
         str(p.expires_ms) if p.expires_ms is not None else "-", _signed_remaining(p))
        for p in status.profiles
    ]
    rows += [(status.agent_id, "-", prov, "-", "missing", "-", "-") for prov in status.missing_providers]
    return ["\t".join(clean(field) for field in row) for row in rows]  # a tab or newline in an id stays inside


# ---- text

def _profile_suffix(p: ProfileStatus, now_ms: int) -> str:
    from openclaw_onboard.core.durations import format_remaining

    notes = []
    if p.reason == "unresolved_ref":
        notes.append(f"unresolved_ref: {p.ref}")
    if p.position is None:
        notes.append("not used: " + p.reason_code.replace("_", " ") if p.reason_code != "ok" else "not in order")
    if p.in_cooldown:
        why = f":{p.unusable_reason}" if p.unusable_reason else ""
        notes.append(f"{p.unusable_kind or 'cooldown'}{why} {format_remaining(p.cooldown_until - now_ms)}")
    if p.source == "legacy":
        notes.append("legacy file, imported on next write")
    elif p.source == "main":
        notes.append("from main agent")
    elif p.source != "store":
        notes.append(f"from {p.source}")
    return f"  ({', '.join(notes)})" if notes else ""


def _provider_header(ps: ProviderStatus) -> str:
    n = len(ps.profiles)
    count = f"{n} profile{'s' if n != 1 else ''}" if n else "env"
    effective = ps.effective or "none"
    return f"  {ps.provider} ({count}) -> effective: {effective}"


def text_lines(status: AgentStatus) -> list[str]:
    from openclaw_onboard.core.textwidth import cells, pad

    lines = [f"Agent: {status.agent_id}"]
    m = status.models
    if m is not None:  # as OpenClaw's status begins: what the agent runs, hence which providers need auth
        shown = m.resolved if m.default == m.resolved else f"{m.resolved} (from {m.default})"
        lines.append(f"Default: {shown}")
        lines.append(f"Fallbacks ({len(m.fallbacks)}): {', '.join(m.fallbacks) or '-'}")
        lines.append(f"Image model: {m.image or '-'}")
        lines.append(f"Image fallbacks ({len(m.image_fallbacks)}): {', '.join(m.image_fallbacks) or '-'}")
    lines.append(f"Auth store: {status.store_path}" + ("" if status.store_exists else " (not created yet)"))
    if status.inherits_main:
        lines.append("Also uses: main agent's profiles (this agent's own win)")

    shell = [(k.var, ps.provider) for ps in status.providers for k in ps.env if k.source == "shell"]
    dotenv = [(k.var, ps.provider) for ps in status.providers for k in ps.env if k.source == ".env"]
    if shell:
        lines += [f"Shell env: {name} -> {prov}" for name, prov in shell]
    else:
        lines.append("Shell env: none")
    if dotenv:
        from openclaw_onboard.core.paths import env_file_path

        path = env_file_path()
        lines += [f"State .env: {name} -> {prov} ({path})" for name, prov in dotenv]

    rows = [(ps, p) for ps in status.providers for p in ps.profiles]
    width_id = max((cells(p.profile_id) for _, p in rows), default=0)  # cells: ids may be CJK
    width_type = max((cells(p.type) for _, p in rows), default=0)
    width_mask = max((cells(p.masked) for _, p in rows), default=0)
    width_status = max((cells(p.status) for _, p in rows), default=0)
    if status.providers:
        lines.append("Providers:")
    else:
        lines.append("Providers: none (add one with `openclaw onboard` or "
                     "`openclaw models auth paste-token --provider <P>`)")
    for ps in status.providers:
        lines.append(_provider_header(ps))
        for p in ps.profiles:
            pos = f"{p.position}." if p.position is not None else "-."
            expiry = "" if p.status == "static" else f"  {p.expiry_text}"
            lines.append(
                f"    {pos} {pad(p.profile_id, width_id)}  {pad(p.type, width_type)}  "
                f"{pad(p.masked or '-', width_mask)}  {pad(p.status, width_status)}{expiry}"
                f"{_profile_suffix(p, status.now_ms)}".rstrip()
            )
        for key in ps.env:
            lines.append(f"    env: {key.var} ({key.source})")

    lines.append(f"Missing auth: {', '.join(status.missing_providers) if status.missing_providers else 'none'}")

    timed = [p for p in status.profiles if p.type in ("oauth", "token")]
    lines.append("OAuth/token status:" if timed else "OAuth/token status: none")
    width = max((cells(p.profile_id) for p in timed), default=0)
    for p in timed:
        kind = "static" if p.status == "static" else p.status
        detail = "no expiry" if p.status == "static" else p.expiry_text
        lines.append(f"  {pad(p.profile_id, width)}  {pad(kind, 8)}  {detail}")

    if status.problems:
        lines.append("Problems:")
        lines += [f"  - {problem}" for problem in status.problems]
    return lines
