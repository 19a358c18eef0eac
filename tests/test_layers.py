"""The layers, checked by import-linter (pyproject's [tool.importlinter]; `make check` and `make test` run it too):
app -> screens -> core, a lower layer never importing a higher one, and core never importing Textual.
tests/test_core_is_ui_free.py checks the last one at run time as well, where imports made inside third-party
packages show."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_import_contract_is_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint_imports), "--no-cache"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "Contracts: 2 kept, 0 broken." in proc.stdout
