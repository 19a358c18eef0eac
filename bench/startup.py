"""Time to first paint of `openclaw onboard`, next to `python -c "import textual.app"` measured in the same run.

Each sample is a fresh interpreter (no bytecode tricks), against an empty tmp state dir:
- terminal: `python -m openclaw_onboard.app.cli onboard` on a pseudo-terminal (80x24), timed by this
  process from fork until the first screen's text ("Add a new agent") has been written to the pty;
- headless: spawn until the child reports that the first wizard screen has been mounted and
  refreshed (OnboardApp.first_paint_hook, run headless at 80x24).
The baseline sample is spawn-to-exit of `python -c "import textual.app"`. Medians over --runs each,
interleaved so that machine noise hits all alike. Then `-X importtime`: the slowest imports of the
wizard that `import textual.app` does not already make.

    python bench/startup.py [--runs 10]
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import select
import signal
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


FIRST_SCREEN_TEXT = b"Add a new agent"


def time_terminal_paint(env: dict[str, str]) -> float:
    """Fork onto a pty sized 80x24; seconds until the first screen's text reaches the terminal."""
    import fcntl
    import struct
    import termios

    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child: size the terminal, then become `openclaw onboard`
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "openclaw_onboard.app.cli", "onboard"],
                  {**env, "TERM": "xterm-256color"})
    seen = b""
    try:
        while FIRST_SCREEN_TEXT not in seen:
            ready, _, _ = select.select([fd], [], [], 30)
            if not ready:
                raise SystemExit(f"no first screen on the terminal within 30 s: {seen[-300:]!r}")
            seen += os.read(fd, 65536)
        return time.perf_counter() - t0
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def import_times(env: dict[str, str], code: str) -> dict[str, int]:
    """module -> cumulative import microseconds (`python -X importtime`)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True, timeout=60)
    out: dict[str, int] = {}
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|(\s*)(\S+)", line)
        if m:
            out[m[3]] = int(m[1])
    return out


def time_import_textual(env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import textual.app"], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--top", type=int, default=15, help="how many -X importtime entries to show")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="openclaw-bench-") as tmp:
        home = Path(tmp) / "home"
        state = home / ".openclaw"
        state.mkdir(parents=True, mode=0o700)
        env = {**os.environ, "HOME": str(home), "OPENCLAW_STATE_DIR": str(state), "PYTHONPATH": str(ROOT)}
        env.pop("OPENCLAW_NOW_MS", None)
        time_first_paint(env)  # warm the OS file cache and __pycache__ once, like a second launch
        time_import_textual(env)
        time_terminal_paint(env)
        paints: list[float] = []
        terminal: list[float] = []
        imports: list[float] = []
        screen = ""
        for _ in range(args.runs):
            terminal.append(time_terminal_paint(env))
            elapsed, screen = time_first_paint(env)
            paints.append(elapsed)
            imports.append(time_import_textual(env))
        wizard = import_times(env, HARNESS)
        textual_only = import_times(env, "import textual.app")
    base = statistics.median(imports)
    rows = [("python -c 'import textual.app'", imports),
            ("openclaw onboard, first screen on a pty", terminal),
            (f"openclaw onboard, first paint headless ({screen})", paints)]
    print(f"python {sys.version.split()[0]}, {args.runs} runs each (median, min..max)")
    for label, samples in rows:
        print(f"  {label:<50} {statistics.median(samples) * 1000:6.0f} ms"
              f"  ({min(samples) * 1000:.0f}..{max(samples) * 1000:.0f})")
    for label, samples in rows[1:]:
        paint = statistics.median(samples)
        print(f"  ratio {label.split(', ', 1)[1]:<44} {paint / base:6.2f} x   (+{(paint - base) * 1000:.0f} ms)")
    extra = {m: us for m, us in wizard.items() if m not in textual_only}
    top = sorted(extra.items(), key=lambda kv: -kv[1])[:args.top]
    print(f"-X importtime, cumulative, modules the wizard imports beyond `import textual.app` (top {args.top}):")
    for module, us in top:
        print(f"  {us / 1000:7.1f} ms  {module}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
