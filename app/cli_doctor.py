"""`openclaw doctor [--fix] [--json]`: report what will log a user out or leak a secret, with the exact fix."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from openclaw_onboard.core.i18n import _, human, ngettext

if TYPE_CHECKING:
    import argparse

    from openclaw_onboard.core.doctor import Finding


def _print_findings(findings: list[Finding]) -> None:
    from openclaw_onboard.core.sanitize import clean

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
    for f in findings:  # subjects and messages carry file names and ids: untrusted, sanitised
        # severity and check are ids (as in --json); the check's own message is core's text
        print(f"  {f.severity:<8}{f.check:<12}{clean(f.subject)}: {clean(human(f.message))}")
        print(f"  {'':<20}" + fix.format(command=clean(f.fix)))
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
