"""`openclaw doctor [--fix] [--json]`: report what will log a user out or leak a secret, with the exact fix."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from openclaw_onboard.core.i18n import N_, _, human, ngettext

if TYPE_CHECKING:
    import argparse

    from openclaw_onboard.core.doctor import Finding


# The text output's words for a finding's severity and check (--json keeps the ids).
SEVERITY_WORDS = {"error": N_("error"), "warning": N_("warning"), "info": N_("info")}
CHECK_WORDS = {"config": N_("config"), "credential": N_("credential"), "era": N_("era"), "legacy": N_("legacy"),
               "lock": N_("lock"), "permissions": N_("permissions"), "store": N_("store"),
               "temp-file": N_("temp-file"), "trust": N_("trust")}


def _word(words: dict[str, str], key: str) -> str:
    return _(words[key]) if key in words else key


def _print_findings(findings: list[Finding]) -> None:
    from openclaw_onboard.core.sanitize import clean
    from openclaw_onboard.core.textwidth import cells, pad

    if not findings:
        print(_("No problems found."))
        return
    counts = {sev: sum(f.severity == sev for f in findings) for sev in ("error", "warning", "info")}
    words = {"error": lambda n: ngettext("{n} error", "{n} errors", n),
             "warning": lambda n: ngettext("{n} warning", "{n} warnings", n),
             "info": lambda n: ngettext("{n} info", "{n} infos", n)}
    summary = _(", ").join(words[sev](n).format(n=n) for sev, n in counts.items() if n)
    print(ngettext("{n} finding ({summary}):", "{n} findings ({summary}):", len(findings)).format(
        n=len(findings), summary=summary))
    fix = _("fix: {command}")
    # Columns as wide as this language's words, in cells (a Korean word takes two a character).
    sev_width = max(8, *(cells(_word(SEVERITY_WORDS, f.severity)) + 1 for f in findings))
    check_width = max(12, *(cells(_word(CHECK_WORDS, f.check)) + 1 for f in findings))
    for f in findings:  # subjects and messages carry file names and ids: untrusted, sanitised
        print(f"  {pad(_word(SEVERITY_WORDS, f.severity), sev_width)}{pad(_word(CHECK_WORDS, f.check), check_width)}"
              f"{clean(f.subject)}: {clean(human(f.message))}")
        print("  " + " " * (sev_width + check_width) + fix.format(command=clean(f.fix)))
    fixable = sum(f.fixable for f in findings)
    if fixable:
        print(ngettext("Run `openclaw doctor --fix` to apply {n} safe fix.",
                       "Run `openclaw doctor --fix` to apply {n} safe fixes.", fixable).format(n=fixable))


def cmd_doctor(args: argparse.Namespace) -> int:
    from openclaw_onboard.core import doctor

    findings = doctor.run_checks()
    applied: list[tuple[Finding, str]] = []
    if args.fix:
        applied = doctor.apply_fixes(findings)
        findings = doctor.run_checks()
    from openclaw_onboard.core.sanitize import clean

    if args.json:
        code = doctor.exit_code(findings)
        doc = {
            "fixed": [{"check": f.check, "subject": f.subject, "result": r} for f, r in applied],
            "findings": [{"check": f.check, "severity": f.severity, "subject": f.subject, "message": f.message,
                          "fix": f.fix, "fixable": f.fixable} for f in findings],
            "exitCode": code,
        }
        print(json.dumps(doc, indent=2))
        return code
    for _finding, result in applied:
        print(_("fixed: {result}").format(result=clean(result)))
    _print_findings(findings)
    return doctor.exit_code(findings)
