"""Plain code (issue 21): no private CPython module, no exec/eval-made code, no hand-made TYPE_CHECKING.

The status path once drove `_json.make_scanner`, generated `__init__`s with `exec` and set
`_thread._excepthook` to save imports; the standard library's public API is what the code uses now.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for d in ("core", "app", "screens") for p in (ROOT / d).rglob("*.py"))


def _problems(path: Path) -> list[str]:
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            found += [f"line {node.lineno}: imports {n}" for n in names if n.startswith("_") and n != "__future__"]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("exec", "eval"):
            found.append(f"line {node.lineno}: calls {node.func.id}()")
        elif isinstance(node, ast.Attribute) and node.attr == "_excepthook":
            found.append(f"line {node.lineno}: uses a private hook")
        elif (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "TYPE_CHECKING"
                                                   for t in node.targets)):
            found.append(f"line {node.lineno}: defines its own TYPE_CHECKING (use typing's)")
    return found


def test_the_sources_are_found() -> None:
    assert len(SOURCES) > 50 and any(p.name == "status.py" for p in SOURCES)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_cpython_api_no_exec_no_hand_made_type_checking(path: Path) -> None:
    assert _problems(path) == []
