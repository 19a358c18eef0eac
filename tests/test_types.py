"""mypy runs over core/, screens/ and app/ in `make check` and `make test` (pyproject's [tool.mypy]: it reports
ignores without a code, and unused ones). What mypy cannot check: each remaining ignore says why, on its line
or in the comment line above it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IGNORE = re.compile(r"#\s*type:\s*ignore(\[[a-z-]+(?:,\s*[a-z-]+)*\])?(.*)$")


def test_every_type_ignore_names_its_code_and_says_why() -> None:
    unexplained = []
    for path in sorted(p for d in ("core", "screens", "app") for p in (ROOT / d).rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        lines = path.read_text("utf-8").splitlines()
        for i, line in enumerate(lines):
            if not (m := IGNORE.search(line)):
                continue
            above = lines[i - 1].strip() if i else ""
            if not m[1] or not (m[2].strip().startswith("#") or above.startswith("#")):
                unexplained.append(f"{name}:{i + 1}: {line.strip()}")
    assert unexplained == []
