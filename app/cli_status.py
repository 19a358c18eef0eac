"""`openclaw models status [--agent ID] [--json | --plain] [--check]`.

The cron path: imports core.status and nothing heavy (no pydantic unless --json, never httpx/Textual).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from openclaw_onboard.core.i18n import N_, _, ngettext
from openclaw_onboard.core.timefmt import describe_expiry, format_duration

if TYPE_CHECKING:
    import argparse

    from openclaw_onboard.core.status import AgentStatus, ProfileStatus, ProviderStatus


def cmd_status(args: argparse.Namespace) -> int:
    from openclaw_onboard.app.cli_common import resolve_agent
    from openclaw_onboard.core.sanitize import clean, clean_block, clean_lines
    from openclaw_onboard.core.status import agent_status, check_exit_code

    agent_id = resolve_agent(args.agent)
    probing = getattr(args, "probe", False)
    if probing and args.plain:
        from openclaw_onboard.core.errors import ValidationError

        raise ValidationError(_("--probe cannot be used with --plain output"))
    status = agent_status(agent_id)
    code = check_exit_code(status)
    for warning in status.warnings:  # on stderr in every mode: stdout may be a pipe a script parses
        print("openclaw: " + _("warning: {message}").format(message=clean(warning)), file=sys.stderr)
    summary = None
    if probing:
        from openclaw_onboard.app.cli_probe import run_probe

        summary = run_probe(args, agent_id)
    if args.json:
        from openclaw_onboard.app.cli_output import status_output

        if summary is None:
            sys.stdout.write(clean_block(status_output(status, code).json_text()) + "\n")
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
        sys.stdout.write(clean_lines(lines))
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


# ---- text (for people: translated, core/i18n.py; --json and --plain above never are)

# The status words of the table, translated for people (the --plain/--json values stay these English ids).
_STATUS_WORDS = {"ok": N_("ok"), "expiring": N_("expiring"), "expired": N_("expired"), "missing": N_("missing"),
                 "static": N_("static")}


def _missing_with_models(status: AgentStatus) -> list[str]:
    """Each provider without auth with the configured models that need it: `openai (for openai/gpt-5.5)`,
    so the line says what to log in for and why."""
    from openclaw_onboard.core.agentconfig import provider_of

    shown = []
    in_use = status.models.in_use if status.models is not None else []
    for provider in status.missing_providers:
        models = [ref for ref in in_use if provider_of(ref) == provider]
        shown.append(_("{provider} (for {models})").format(provider=provider, models=", ".join(models))
                     if models else provider)
    return shown


def _status_word(status: str) -> str:
    return _(_STATUS_WORDS[status]) if status in _STATUS_WORDS else status


def _expiry_text(p: ProfileStatus) -> str:
    """ProfileStatus.expiry_text (the --json field), in the reader's language."""
    if p.status == "static":
        return _status_word("static")
    if p.reason == "unresolved_ref":
        return _("ref does not resolve")
    if p.reason == "refresh_failed":  # OpenClaw 2026.9.x's refresh fences (core.fences)
        return _("refresh failed: log in again")
    if p.reason == "refresh_pending":
        return _("refresh in progress")
    if p.status == "missing" or p.remaining_ms is None:
        return _("no expiry recorded")
    return describe_expiry(p.remaining_ms)


def _profile_suffix(p: ProfileStatus, now_ms: int) -> str:
    if p.position is not None and not p.cooldown_until and p.source == "store" and p.reason != "unresolved_ref":
        return ""  # the common row: in order, ready, from this agent's store
    notes = []
    if p.reason == "unresolved_ref":
        notes.append(f"unresolved_ref: {p.ref}")
    if p.position is None:
        if p.reason_code != "ok":
            notes.append(_("not used: {reason}").format(reason=p.reason_code.replace("_", " ")))
        else:
            notes.append(_("not in order"))
    if p.in_cooldown:
        # `cooldown:rate_limit` / `disabled:billing` are OpenClaw's own words (its status prints them too)
        why = f":{p.unusable_reason}" if p.unusable_reason else ""
        notes.append(f"{p.unusable_kind or 'cooldown'}{why} {format_duration(p.cooldown_until - now_ms)}")
    if p.source == "legacy":
        notes.append(_("legacy file, imported on next write"))
    elif p.source == "main":
        notes.append(_("from main agent"))
    elif p.source != "store":
        notes.append(_("from {source}").format(source=p.source))
    return "  ({})".format(_(", ").join(notes)) if notes else ""


def _provider_header(ps: ProviderStatus) -> str:
    n = len(ps.profiles)
    count = ngettext("{n} profile", "{n} profiles", n).format(n=n) if n else "env"
    effective = ps.effective or _("none")
    return "  " + _("{provider} ({count}) -> effective: {effective}").format(
        provider=ps.provider, count=count, effective=effective)


def text_lines(status: AgentStatus) -> list[str]:
    # Bound once: per-call imports through cli_common doubled the time of 20,000 rows.
    from openclaw_onboard.core.sanitize import clean_all
    from openclaw_onboard.core.textwidth import pad_column

    none = _("none")
    lines = [_("Agent: {agent}").format(agent=status.agent_id)]
    m = status.models
    if m is not None:  # as OpenClaw's status begins: what the agent runs, hence which providers need auth
        shown = m.resolved if m.default == m.resolved else _("{model} (from {default})").format(
            model=m.resolved, default=m.default)
        lines.append(_("Default: {model}").format(model=shown))
        lines.append(_("Fallbacks ({count}): {models}").format(count=len(m.fallbacks),
                                                               models=", ".join(m.fallbacks) or "-"))
        lines.append(_("Image model: {model}").format(model=m.image or "-"))
        lines.append(_("Image fallbacks ({count}): {models}").format(count=len(m.image_fallbacks),
                                                                     models=", ".join(m.image_fallbacks) or "-"))
    if status.era == "sqlite":  # OpenClaw 2026.6.5+ owns the dir: say so where the store is named
        lines.append(_("Auth store: {path} (OpenClaw {release} SQLite store)").format(
            path=status.store_path, release=status.era_release or _("2026.6.5 or later")))
    elif status.store_exists:
        lines.append(_("Auth store: {path}").format(path=status.store_path))
    else:
        lines.append(_("Auth store: {path} (not created yet)").format(path=status.store_path))
    if status.inherits_main:
        lines.append(_("Also uses: main agent's profiles (this agent's own win)"))

    shell = [(k.var, ps.provider) for ps in status.providers for k in ps.env if k.source == "shell"]
    dotenv = [(k.var, ps.provider) for ps in status.providers for k in ps.env if k.source == ".env"]
    if shell:
        lines += [_("Shell env: {var} -> {provider}").format(var=name, provider=prov) for name, prov in shell]
    else:
        lines.append(_("Shell env: none"))
    if dotenv:
        from openclaw_onboard.core.paths import env_file_path

        path = env_file_path()
        lines += [_("State .env: {var} -> {provider} ({path})").format(var=name, provider=prov, path=path)
                  for name, prov in dotenv]

    # One table across providers, built column by column (widths in cells: ids may be CJK).
    listed = [p for ps in status.providers for p in ps.profiles]
    expiry_texts = {p.profile_id: _expiry_text(p) for p in listed if p.status != "static"}  # used twice
    words = {kind: _status_word(kind) for kind in {p.status for p in listed}}
    # Untrusted columns cleaned before they are measured: an escape sequence clean() drops later would
    # otherwise have been counted in the width, and the row would fall out of line.
    cols = zip(pad_column(clean_all(p.profile_id for p in listed)), pad_column(clean_all(p.type for p in listed)),
               pad_column(clean_all(p.masked or "-" for p in listed)), pad_column([words[p.status] for p in listed]),
               strict=True)
    if status.providers:
        lines.append(_("Providers:"))
    else:
        lines.append(_("Providers: none (add one with `openclaw onboard` or "
                       "`openclaw models auth paste-token --provider <P>`)"))
    for ps in status.providers:
        lines.append(_provider_header(ps))
        for p in ps.profiles:
            pos = f"{p.position}." if p.position is not None else "-."
            expiry = "" if p.status == "static" else f"  {expiry_texts.get(p.profile_id) or _expiry_text(p)}"
            profile_id, kind, masked, word = next(cols)
            lines.append(f"    {pos} {profile_id}  {kind}  {masked}  {word}{expiry}"
                         f"{_profile_suffix(p, status.now_ms)}".rstrip())
        for key in ps.env:
            lines.append(f"    env: {key.var} ({key.source})")

    missing = ", ".join(_missing_with_models(status)) if status.missing_providers else none
    lines.append(_("Missing auth: {providers}").format(providers=missing))

    timed = [p for p in status.profiles if p.type in ("oauth", "token")]
    lines.append(_("OAuth/token status:") if timed else _("OAuth/token status: none"))
    no_expiry = _("no expiry")
    for p, profile_id, word in zip(timed, pad_column(clean_all(p.profile_id for p in timed)),
                                   pad_column([words[p.status] for p in timed], 8), strict=True):
        detail = no_expiry if p.status == "static" else expiry_texts.get(p.profile_id) or _expiry_text(p)
        lines.append(f"  {profile_id}  {word}  {detail}")

    if status.problems:
        lines.append(_("Problems:"))
        lines += [f"  - {problem}" for problem in status.problems]
    return lines

