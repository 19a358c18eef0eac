#!/usr/bin/env python3
"""Benchmark: `openclaw models status --check` against a bare `python -c pass` (issue #15).

1. Start-up: a state dir with 10 agents x 20 profiles (oauth, token, api_key; some expiring, some with
   expiry-less tokens, an order override, usage stats and an openclaw.json); both commands run ROUNDS
   times interleaved (so machine noise hits both alike); medians, their ratio, PASS/FAIL against 2.5x.
   From the checkout (byte-compiled first: PYTHONDONTWRITEBYTECODE would make every run compile our
   sources) and from an installed, byte-compiled wheel. The top `-X importtime` entries follow.
2. Scale: one agent with 20,000 and 100,000 profiles: median time and peak RSS against the targets
   (300 ms, 1.5 s), and the bare start-up of the same run for reference.
It prints figures; it always exits 0.

    python bench/status.py [--rounds 20] [--no-wheel] [--no-scale]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 2.5
SCALE_TARGETS_MS = {20_000: 300.0, 100_000: 1500.0}
AGENTS = 10
PROFILES_PER_AGENT = 20
PROVIDERS = ("anthropic", "openai-codex", "openrouter", "openai", "google")
NOW_MS = 1_767_225_600_000
HOUR_MS = 3_600_000


def _secret(prefix: str, i: int, j: int) -> str:
    return f"{prefix}{i:02d}{j:02d}" + "x" * 80 + f"{i:02d}{j:02d}end"


def build_state(root: Path) -> Path:
    state = root / "state"
    config_profiles: dict[str, dict[str, str]] = {}
    for i in range(AGENTS):
        agent = "main" if i == 0 else f"agent{i}"
        agent_dir = state / "agents" / agent / "agent"
        agent_dir.mkdir(parents=True, mode=0o700)
        profiles: dict[str, dict] = {}
        usage: dict[str, dict] = {}
        for j in range(PROFILES_PER_AGENT):
            provider = PROVIDERS[j % len(PROVIDERS)]
            pid = f"{provider}:p{j}"
            kind = j % 3
            if kind == 0:
                profiles[pid] = {"type": "oauth", "provider": provider, "access": _secret("eyJ", i, j),
                                 "refresh": _secret("rt_", i, j), "expires": NOW_MS + (j + 1) * 6 * HOUR_MS,
                                 "accountId": f"acc_{i}_{j}", "email": f"u{j}@example.com"}
            elif kind == 1:
                entry = {"type": "token", "provider": provider, "token": _secret("sk-ant-oat01-", i, j)}
                if j % 2:
                    entry["expires"] = NOW_MS + 200 * 24 * HOUR_MS
                profiles[pid] = entry
            else:
                profiles[pid] = {"type": "api_key", "provider": provider, "key": _secret("sk-", i, j)}
            usage[pid] = {"lastUsed": NOW_MS - j * 1000, "errorCount": 0}
            if i == 0:
                config_profiles[pid] = {"provider": provider, "mode": profiles[pid]["type"]}
        store = {"version": 1, "profiles": profiles,
                 "order": {"anthropic": [p for p in profiles if p.startswith("anthropic:")][::-1]},
                 "lastGood": {"anthropic": "anthropic:p0"}, "usageStats": usage}
        path = agent_dir / "auth-profiles.json"
        path.write_text(json.dumps(store, indent=2) + "\n")
        path.chmod(0o600)
    config = {"gateway": {"port": 18789}, "auth": {"profiles": config_profiles,
                                                    "order": {"openrouter": ["openrouter:p2", "openrouter:p7"]}}}
    (state / "openclaw.json").write_text(json.dumps(config, indent=2) + "\n")
    (state / ".env").write_text("GROQ_API_KEY=gsk_bench_0123456789\n")
    return state


def openclaw_command() -> list[str]:
    script = Path(sys.executable).with_name("openclaw")
    return [str(script)] if script.exists() else [sys.executable, "-m", "openclaw_onboard.app.cli"]


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - t0) * 1000.0, proc.returncode


def build_big_state(root: Path, count: int) -> Path:
    """One agent, `count` profiles across five providers (a third each oauth, token, api_key)."""
    state = root / f"state{count}"
    agent_dir = state / "agents" / "main" / "agent"
    agent_dir.mkdir(parents=True, mode=0o700)
    profiles: dict[str, dict] = {}
    for j in range(count):
        provider = PROVIDERS[j % len(PROVIDERS)]
        kind = j % 3
        if kind == 0:
            profiles[f"{provider}:u{j}"] = {"type": "oauth", "provider": provider, "access": _secret("eyJ", 0, j % 100),
                                            "refresh": _secret("rt_", 0, j % 100), "expires": NOW_MS + j * 60_000,
                                            "email": f"u{j}@example.com"}
        elif kind == 1:
            profiles[f"{provider}:u{j}"] = {"type": "token", "provider": provider,
                                            "token": _secret("sk-ant-oat01-", 0, j % 100)}
        else:
            profiles[f"{provider}:u{j}"] = {"type": "api_key", "provider": provider, "key": _secret("sk-", 0, j % 100)}
    path = agent_dir / "auth-profiles.json"
    path.write_text(json.dumps({"version": 1, "profiles": profiles}))
    path.chmod(0o600)
    state.chmod(0o700)
    return state


def installed_wheel(root: Path) -> Path | None:
    """Build the wheel, install it (no dependencies: they are this venv's) and byte-compile it."""
    repo = Path(__file__).resolve().parents[1]
    dist, site = root / "dist", root / "site"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(repo)],
                           capture_output=True, text=True)
    wheels = list(dist.glob("*.whl"))
    if build.returncode != 0 or not wheels:
        print(f"(wheel build failed: {build.stderr.strip()[-300:]})")
        return None
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheels[0])],
                   check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(site)], check=True, capture_output=True)
    return site


def _cli(site: Path | None) -> list[str]:
    if site is None:
        return openclaw_command()
    # What the console script does, with the installed copy first on sys.path.
    return [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(site)!r}); "
            "from openclaw_onboard.app.cli import main; sys.exit(main())"]


def interleaved(cmds: list[list[str]], env: dict[str, str], rounds: int) -> list[list[float]]:
    for cmd in cmds:  # warm the page cache
        timed(cmd, env)
    out: list[list[float]] = [[] for _ in cmds]
    for _ in range(rounds):
        for i, cmd in enumerate(cmds):
            out[i].append(timed(cmd, env)[0])
    return out


def peak_rss_mb(cmd: list[str], env: dict[str, str]) -> float:
    """Peak resident memory of one run (the kernel's accounting of a child of a fresh probe process)."""
    probe = [sys.executable, "-c", "import resource, subprocess, sys; subprocess.run(sys.argv[1:], "
             "stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)", *cmd]
    out = subprocess.run(probe, env=env, capture_output=True, text=True).stdout.strip()
    return int(out or 0) / 1024


def importtime_top(args: list[str], env: dict[str, str], n: int = 8) -> list[str]:
    """The `n` largest cumulative import times of the console script's run (`-X importtime`; not `-m`,
    whose runpy the `openclaw` script never imports)."""
    script = "import sys; from openclaw_onboard.app.cli import main; sys.exit(main())"
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", script, *args],
                          env=env, capture_output=True, text=True)
    rows = []
    for line in proc.stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if line.startswith("import time:") and len(fields) == 3 and fields[1].strip().isdigit():
            rows.append((int(fields[1]), fields[2].rstrip()))
    rows.sort(reverse=True)
    return [f"{us / 1000:6.1f} ms {name}" for us, name in rows[:n]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--no-wheel", action="store_true")
    parser.add_argument("--no-scale", action="store_true")
    args = parser.parse_args()
    repo = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *(str(repo / d) for d in ("openclaw_onboard", "core",
                                                                                          "app", "screens"))],
                   check=True)

    with tempfile.TemporaryDirectory(prefix="openclaw-bench-") as tmp:
        root = Path(tmp)
        state = build_state(root)
        (root / "home").mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith("OPENCLAW_") and "_API_KEY" not in k}
        env.update(OPENCLAW_STATE_DIR=str(state), HOME=str(root / "home"), OPENCLAW_NOW_MS=str(NOW_MS))
        site = None if args.no_wheel else installed_wheel(root)
        cmds = {"python -c pass": [sys.executable, "-c", "pass"],
                "status --check (checkout)": [*_cli(None), "models", "status", "--check"]}
        if site is not None:
            cmds["status --check (installed wheel)"] = [*_cli(site), "models", "status", "--check"]
        times = dict(zip(cmds, interleaved(list(cmds.values()), env, args.rounds), strict=True))
        base = statistics.median(times["python -c pass"])
        print(f"start-up: {AGENTS} agents x {PROFILES_PER_AGENT} profiles; {args.rounds} interleaved rounds; "
              f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
        for name, values in times.items():
            med = statistics.median(values)
            ratio = med / base
            verdict = "" if name.startswith("python") else (
                f"  {ratio:.1f}x  {'PASS' if ratio <= TARGET_RATIO else 'FAIL'} (target {TARGET_RATIO}x)")
            print(f"  {name:34} median {med:6.1f} ms (min {min(values):.1f}, max {max(values):.1f}){verdict}")
        print("  top imports (-X importtime, cumulative):")
        for line in importtime_top(["models", "status", "--check"], env):
            print(f"    {line}")

        if not args.no_scale:
            print("scale: one agent")
            for count, target in SCALE_TARGETS_MS.items():
                big = build_big_state(root, count)
                big_env = {**env, "OPENCLAW_STATE_DIR": str(big)}
                cmd = [*_cli(None), "models", "status", "--check"]
                values = interleaved([cmd], big_env, 3)[0]
                med = statistics.median(values)
                size_mb = (big / "agents/main/agent/auth-profiles.json").stat().st_size / 1e6
                print(f"  {count:>7,} profiles ({size_mb:.0f} MB)  median {med:7.0f} ms  peak RSS "
                      f"{peak_rss_mb(cmd, big_env):6.0f} MB  {'PASS' if med <= target else 'FAIL'} "
                      f"(target {target:.0f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
