"""Time to first paint of `openclaw onboard`, next to baselines measured in the same run, spawned the same way.

Every sample is a fresh interpreter forked onto a pseudo-terminal sized 80x24 (TERM=xterm-256color), against
an empty tmp state dir, timed by this process from fork until a marker text has been written to the pty:

- baseline: `python -c "import textual.app"`, until it prints a marker once imported (the target is <= 1.3x
  this); also until it has exited (interpreter teardown included: the whole command's time);
- minimal app: a Textual App with one Static, until its text is on the pty (what any Textual app pays on a
  real terminal: the driver's start, the first compositor frame);
- openclaw onboard: `python -m openclaw_onboard.app.cli onboard`, until the first screen's text
  ("Add a new agent") is on the pty;
- headless: spawn until the child reports that the first wizard screen has been mounted and refreshed
  (OnboardApp.first_paint_hook, run headless at 80x24), read from a pipe.

Medians over --runs each, interleaved so that machine noise hits all alike, with the CPU time each process
had used by then (read from /proc while it is stopped: other work on the machine hardly moves it). The
source is byte-compiled first (compileall), as an installed package is. Then `-X importtime`: the modules
the wizard imports that `import textual.app` does not, by their own (self) import time.

    python bench/startup.py [--runs 15] [--compare /path/to/a/checkout/of/main]
"""

from __future__ import annotations

import argparse
import compileall
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

IMPORT_MARKER = "textual.app imported"
IMPORT_ONLY = f"import textual.app; print({IMPORT_MARKER!r}, flush=True); import time; time.sleep(30)"

MINIMAL_MARKER = "Minimal app painted"
MINIMAL_APP = f"""
from textual.app import App
from textual.widgets import Static
class Minimal(App):
    def compose(self):
        yield Static({MINIMAL_MARKER!r})
Minimal().run()
"""

ONBOARD = ["-m", "openclaw_onboard.app.cli", "onboard"]
FIRST_SCREEN_TEXT = "Add a new agent"


def cpu_seconds(pid: int) -> float:
    """CPU time the (stopped) process `pid` has used, all its threads (/proc/<pid>/task/*/schedstat, in ns)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/schedstat") as f:
            total += int(f.read().split()[0])
    return total / 1e9


def time_on_pty(args: list[str], marker: str | None, env: dict[str, str], root: Path = ROOT) -> tuple[float, float]:
    """Fork `python *args` (in `root`) onto a pty sized 80x24; seconds until `marker` has been written to the
    terminal, or with no marker until the program has exited; and the CPU seconds the program used by then
    (stopped as soon as the marker is seen), a figure that other work on the machine hardly moves."""
    import fcntl
    import struct
    import termios

    needle = marker.encode() if marker is not None else None
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child: size the terminal, then become the program
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.chdir(root)
        os.execve(sys.executable, [sys.executable, *args],
                  {**env, "TERM": "xterm-256color", "PYTHONPATH": str(root)})
    seen = b""
    try:
        while True:
            ready, _, _ = select.select([fd], [], [], 30)
            if not ready:
                raise SystemExit(f"{marker!r} not on the terminal within 30 s: {seen[-300:]!r}")
            try:
                data = os.read(fd, 65536)
            except OSError:  # EIO: the child has exited and closed the terminal
                data = b""
            if not data:
                if needle is not None:
                    raise SystemExit(f"the program exited before {marker!r} was on the terminal: {seen[-300:]!r}")
                _, _, usage = os.wait4(pid, 0)
                pid = 0
                return time.perf_counter() - t0, usage.ru_utime + usage.ru_stime
            seen += data
            if needle is not None and needle in seen:
                elapsed = time.perf_counter() - t0
                os.kill(pid, signal.SIGSTOP)
                os.waitpid(pid, os.WUNTRACED)
                return elapsed, cpu_seconds(pid)
    finally:
        if pid:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)


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


def import_times(env: dict[str, str], code: str) -> dict[str, tuple[int, int]]:
    """module -> (self, cumulative) import microseconds (`python -X importtime`)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True, timeout=60)
    out: dict[str, tuple[int, int]] = {}
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|\s*(\S+)", line)
        if m:
            out[m[3]] = (int(m[1]), int(m[2]))
    return out


def short(label: str) -> str:
    return label.replace("python -c ", "").replace("openclaw ", "").replace(" Textual app (one Static)", " app")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--top", type=int, default=15, help="how many -X importtime entries to show")
    parser.add_argument("--compare", type=Path, metavar="DIR",
                        help="also time `openclaw onboard` of another checkout (e.g. main), in the same run")
    args = parser.parse_args(argv)
    roots = [ROOT] + ([args.compare.resolve()] if args.compare else [])
    # An installed package is byte-compiled; the sandbox may forbid writing bytecode: write it once here.
    for root in roots:
        for folder in ("core", "app", "screens", "openclaw_onboard"):
            compileall.compile_dir(root / folder, quiet=1)
    with tempfile.TemporaryDirectory(prefix="openclaw-bench-") as tmp:
        home = Path(tmp) / "home"
        state = home / ".openclaw"
        state.mkdir(parents=True, mode=0o700)
        env = {**os.environ, "HOME": str(home), "OPENCLAW_STATE_DIR": str(state), "PYTHONPATH": str(ROOT)}
        env.pop("OPENCLAW_NOW_MS", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # Textual's own cache of compiled bytecode stays usable
        base_label = "python -c 'import textual.app': imported"
        minimal_label = "minimal Textual app (one Static): painted"
        exit_label = "python -c 'import textual.app': exited"
        onboard_label = "openclaw onboard: first screen painted"
        cases: dict[str, tuple[list[str], str | None, Path]] = {
            base_label: (["-c", IMPORT_ONLY], IMPORT_MARKER, ROOT),
            exit_label: (["-c", "import textual.app"], None, ROOT),
            minimal_label: (["-c", MINIMAL_APP], MINIMAL_MARKER, ROOT),
            onboard_label: (ONBOARD, FIRST_SCREEN_TEXT, ROOT),
        }
        if args.compare:
            cases[f"openclaw onboard of {args.compare}: first screen painted"] = (ONBOARD, FIRST_SCREEN_TEXT, roots[1])
        for case_args, marker, root in cases.values():  # warm the OS file cache once, like a second launch
            time_on_pty(case_args, marker, env, root)
        time_first_paint(env)
        samples: dict[str, list[float]] = {label: [] for label in cases}
        cpu: dict[str, list[float]] = {label: [] for label in cases}
        paints: list[float] = []
        screen = ""
        for _ in range(args.runs):
            for label, (case_args, marker, root) in cases.items():
                wall, used = time_on_pty(case_args, marker, env, root)
                samples[label].append(wall)
                cpu[label].append(used)
            elapsed, screen = time_first_paint(env)
            paints.append(elapsed)
        wizard = import_times(env, HARNESS)
        textual_only = import_times(env, "import textual.app")
    samples[f"openclaw onboard headless on a pipe: {screen} painted"] = paints
    print(f"python {sys.version.split()[0]}, {args.runs} runs each, on a pty 80x24 unless said; medians "
          f"(min..max); CPU: the process's CPU time by then; load average {os.getloadavg()[0]:.1f}")
    for label, values in samples.items():
        used = f"   CPU {statistics.median(cpu[label]) * 1000:4.0f} ms" if label in cpu else ""
        print(f"  {label:<60} {statistics.median(values) * 1000:5.0f} ms"
              f"  ({min(values) * 1000:.0f}..{max(values) * 1000:.0f}){used}")
    ratios = [(label, base_label) for label in cases if label != base_label and "exited" not in label]
    ratios += [(label, exit_label) for label in cases if label not in (base_label, exit_label)]
    ratios.append((onboard_label, minimal_label))
    for label, against in ratios:
        paint, base = statistics.median(samples[label]), statistics.median(samples[against])
        paint_cpu, base_cpu = statistics.median(cpu[label]), statistics.median(cpu[against])
        print(f"  {short(label):<44} / {short(against):<28} {paint / base:5.2f} x ({(paint - base) * 1000:+4.0f} ms)"
              f"   CPU {paint_cpu / base_cpu:5.2f} x")
    extra = {m: t for m, t in wizard.items() if m not in textual_only}
    top = sorted(extra.items(), key=lambda kv: -kv[1][0])[:args.top]
    total = sum(t[0] for t in extra.values()) / 1000
    print(f"-X importtime: {len(extra)} modules beyond `import textual.app`, {total:.1f} ms of their own; "
          f"the top {args.top} (self, cumulative):")
    for module, (own, cumulative) in top:
        print(f"  {own / 1000:6.1f} ms {cumulative / 1000:7.1f} ms  {module}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
