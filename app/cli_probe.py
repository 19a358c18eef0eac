"""`openclaw models status --probe`: flags as OpenClaw 2026.4.26 takes them, progress, the text table."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from openclaw_onboard.core.errors import ValidationError
from openclaw_onboard.core.i18n import N_, _, ngettext

if TYPE_CHECKING:
    import argparse

    from openclaw_onboard.core.probe import ProbeSummary


def _positive(value: str | None, default: int, flag: str, words: str) -> int:
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1
    if not number > 0 or number != number or number == float("inf"):
        raise ValidationError(_("{flag} must be {requirement}").format(flag=flag, requirement=_(words)))
    return int(number)


def run_probe(args: argparse.Namespace, agent_id: str) -> ProbeSummary:
    from openclaw_onboard.core.probe import DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, parse_profile_filter, probe

    timeout_ms = _positive(args.probe_timeout, DEFAULT_TIMEOUT_MS, "--probe-timeout", N_("a positive number (ms)"))
    concurrency = _positive(args.probe_concurrency, DEFAULT_CONCURRENCY, "--probe-concurrency", "> 0")
    from openclaw_onboard.core.sanitize import clean

    show = sys.stderr.isatty()

    def progress(done: int, total: int, label: str) -> None:
        if show:  # one line redrawn in place, on stderr so stdout stays parseable
            sys.stderr.write(f"\r\x1b[K{done}/{total} {clean(label, 150)}")
            sys.stderr.flush()

    from openclaw_onboard.core.profiles import validate_provider

    provider = validate_provider(args.probe_provider) if args.probe_provider else None  # refuses garbage
    summary = probe(agent_id, provider=provider, profile_ids=parse_profile_filter(args.probe_profile),
                    timeout_ms=timeout_ms, concurrency=concurrency, on_progress=progress)
    if show:
        sys.stderr.write("\r\x1b[K")
    return summary


def probe_lines(summary: ProbeSummary) -> list[str]:
    from openclaw_onboard.core.secrets import printable
    from openclaw_onboard.core.textwidth import cells, pad

    lines = ["", _("Auth probes")]
    if not summary.results:
        return [*lines, "- " + _("none")]
    width = max(cells(printable(r.label, 80)) for r in summary.results)  # cells: labels may be CJK
    for r in summary.results:
        latency = f"{r.latencyMs}ms" if r.latencyMs is not None else "-"
        detail = f"  ↳ {printable(r.error, 200)}" if r.error else ""
        who = f"{pad(printable(r.provider, 40), 14)} {pad(printable(r.label, 80), width)}"
        lines.append(f"  {who}  {r.status:<10} {r.reasonCode:<22} {latency}{detail}".rstrip())
    n = summary.totalTargets
    lines.append(ngettext("Probed {n} target in {ms}ms", "Probed {n} targets in {ms}ms", n).format(
        n=n, ms=summary.durationMs))
    return lines
