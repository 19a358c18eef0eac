"""core must never import Textual (harlequin's rule): checked in a fresh interpreter, where an import made inside a
third-party package shows too (the import-linter contract, tests/test_layers.py, sees only our own imports)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_importing_every_core_module_does_not_import_textual() -> None:
    code = (
        "import sys, pkgutil, importlib\n"
        "from openclaw_onboard import core\n"
        "mods = [m.name for m in pkgutil.walk_packages(core.__path__, 'openclaw_onboard.core.')]\n"
        "[importlib.import_module(m) for m in mods]\n"
        "assert len(mods) >= 5, mods\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(bad)\n"
        "raise SystemExit(1 if bad else 0)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
