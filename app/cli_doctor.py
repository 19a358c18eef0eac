"""`openclaw doctor [--fix] [--json]`: report what will log a user out or leak a secret, with the exact fix."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from openclaw_onboard.core.doctor import Finding


def _print_findings(findings: list[Finding]) -> None:
    from openclaw_onboard.core.sanitize import clean

    if not findings:
        print("No problems found.")
        return
    counts = {sev: sum(f.severity == sev for f in findings) for sev in ("error", "warning", "info")}
    summary = ", ".join(f"{n} {sev}{'s' if n != 1 else ''}" for sev, n in counts.items() if n)
    print(f"{len(findings)} finding{'s' if len(findings) != 1 else ''} ({summary}):")
    for f in findings:  # subjects and messages carry file names and ids: untrusted, sanitised
        print(f"  {f.severity:<8}{f.check:<12}{clean(f.subject)}: {clean(f.message)}")
        print(f"  {'':<20}fix: {clean(f.fix)}")
    fixable = sum(f.fixable for f in findings)
    if fixable:
        print(f"Run `openclaw doctor --fix` to apply {fixable} safe fix{'es' if fixable != 1 else ''}.")


def cmd_doctor(args: argparse.Namespace) -> int:
    from openclaw_onboard.core import doctor

    findings = doctor.run_checks()
    applied: list[tuple[Finding, str]] = []
    if args.fix:
        applied = doctor.apply_fixes(findings)
        findings = doctor.run_checks()
    from openclaw_onboard.core.sanitize import clean

    if args.json:
        doc = {
            "fixed": [{"check": f.check, "subject": f.subject, "result": r} for f, r in applied],
            "findings": [{"check": f.check, "severity": f.severity, "subject": f.subject, "message": f.message,
                          "fix": f.fix, "fixable": f.fixable} for f in findings],
            "exitCode": doctor.exit_code(findings),
        }
        print(json.dumps(doc, indent=2))
        return doc["exitCode"]
    for _, result in applied:
        print(f"fixed: {clean(result)}")
    _print_findings(findings)
    return doctor.exit_code(findings)
