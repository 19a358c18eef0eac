"""The dashboard's `t` key: probe one profile (core.probe) in a worker thread, report on the status line.

Kept out of screens/dashboard.py so the dashboard only binds the key and calls `probe_profile`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from openclaw_onboard.core.i18n import N_, _

VERDICT = {  # msgids, translated when said
    "ok": (N_("✓ {pid} works (HTTP {http}, {ms} ms)."), "bold green"),
    "auth_failed": (N_("✗ {pid} was refused by the provider ({error}): replace the key (a)."), "bold red"),
    "rate_limited": (N_("! {pid} is rate limited right now ({error}); the key itself was accepted."), "yellow"),
}
OTHER_VERDICT = N_("✗ {pid}: {reason} ({error}).")


def probe_profile(screen: Any, agent_id: str, profile_id: str, state: Path | None,
                  env: Mapping[str, str] | None, timeout_ms: int = 8_000) -> None:
    """Start the probe; `screen` needs `say(text, style)` and `run_worker` (a Textual Screen)."""
    screen.say(lambda: "⟳ " + _("Testing {profile_id}…").format(profile_id=profile_id), "bold cyan")

    def work() -> None:
        from openclaw_onboard.core.probe import probe

        try:
            summary = probe(agent_id, state, env, profile_ids=[profile_id], timeout_ms=timeout_ms, concurrency=1)
            result = summary.results[0] if summary.results else None
            error = None
        except Exception as exc:  # a broken store or config: said on the status line, never a crash
            result, error = None, exc
        screen.app.call_from_thread(_done, screen, profile_id, result, error)

    screen.run_worker(work, thread=True, group="dashboard-probe", exit_on_error=False)


def describe(profile_id: str, result: Any) -> tuple[str, str]:
    """(status line, style) for one probe result: plain text (say() shows it as a Text, not markup)."""
    from openclaw_onboard.core.secrets import printable

    fmt, style = VERDICT.get(result.reasonCode, (OTHER_VERDICT, "bold red"))
    text = _(fmt).format(pid=profile_id, http=result.httpStatus, ms=result.latencyMs, reason=result.reasonCode,
                      error=printable(result.error or result.status, 120))
    return text, style


def _done(screen: Any, profile_id: str, result: Any, error: BaseException | None) -> None:
    if not screen.is_attached:
        return
    if error is not None or result is None:
        reason = str(error) if error is not None else _("not found")
        screen.say(lambda: "✗ " + _("Could not test {profile_id}: {error}").format(profile_id=profile_id,
                                                                                    error=reason), "bold red")
        return
    style = describe(profile_id, result)[1]
    screen.say(lambda: describe(profile_id, result)[0], style)
