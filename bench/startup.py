"""Time to first paint of `openclaw onboard`, next to `python -c "import textual.app"` measured in the same run.

Each sample is a fresh interpreter (`python -X importtime` off, no bytecode tricks), timed by this
process from spawn until the child reports that the first wizard screen has been mounted and
refreshed (OnboardApp.first_paint_hook, run headless at 80x24 against an empty tmp state dir).
The baseline sample is spawn-to-exit of `python -c "import textual.app"`. Medians over --runs each,
interleaved so that machine noise hits both alike.

    python bench/startup.py [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HARNESS = """
from openclaw_onboard.app.tui import create_app
app = create_app(open_browser=False)
def painted():
    print("PAINTED " + type(app.screen).__name__, flush=True)
    app.exit()
app.first_paint_hook = painted
app.run(headless=True, size=(80, 24))
"""


def time_first_paint(env: dict[str, str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", HARNESS], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - t0
    _, err = proc.communicate(timeout=30)
    if not line.startswith("PAINTED"):
        raise SystemExit(f"the app did not report a first paint: {line!r}\n{err}")
    return elapsed, line.split()[1]


def time_import_textual(env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import textual.app"], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="openclaw-bench-") as tmp:
        home = Path(tmp) / "home"
        state = home / ".openclaw"
        state.mkdir(parents=True, mode=0o700)
        env = {**os.environ, "HOME": str(home), "OPENCLAW_STATE_DIR": str(state), "PYTHONPATH": str(ROOT)}
        env.pop("OPENCLAW_NOW_MS", None)
        time_first_paint(env)  # warm the OS file cache and __pycache__ once, like a second launch
        time_import_textual(env)
        paints: list[float] = []
        imports: list[float] = []
        screen = ""
        for _ in range(args.runs):
            elapsed, screen = time_first_paint(env)
            paints.append(elapsed)
            imports.append(time_import_textual(env))
    paint, base = statistics.median(paints), statistics.median(imports)
    rows = [("python -c 'import textual.app'", imports), (f"openclaw onboard, first paint ({screen})", paints)]
    print(f"python {sys.version.split()[0]}, {args.runs} runs each (median, min..max)")
    for label, samples in rows:
        print(f"  {label:<50} {statistics.median(samples) * 1000:6.0f} ms"
              f"  ({min(samples) * 1000:.0f}..{max(samples) * 1000:.0f})")
    print(f"  {'ratio first paint / import textual.app':<50} {paint / base:6.2f} x   (+{(paint - base) * 1000:.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
