"""Key mashing at bench scale: tests/tui/test_key_mashing.py with MASH_SCALE (default 5: 100,000 events).

    python bench/mashing.py [scale]
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    scale = sys.argv[1] if len(sys.argv) > 1 else "5"
    env = {**os.environ, "MASH_SCALE": scale}
    started = time.monotonic()
    code = subprocess.call([sys.executable, "-m", "pytest", "tests/tui/test_key_mashing.py", "-q", "-s",
                            "-p", "no:cacheprovider"], cwd=ROOT, env=env)
    print(f"mashing bench (scale {scale}): exit {code} in {time.monotonic() - started:.0f}s")
    return code


if __name__ == "__main__":
    raise SystemExit(main())
