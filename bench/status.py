#!/usr/bin/env python3
"""Benchmark: `openclaw models status --check` against a bare `python -c pass` of the same venv (issue #21).

1. Start-up: a state dir with 10 agents x 20 profiles (oauth, token, api_key; some expiring, some with
   expiry-less tokens, an order override, usage stats and an openclaw.json), run through the console script
   pip generated (`<venv>/bin/openclaw`, which imports `re` itself); every command runs ROUNDS times
   interleaved (so machine noise hits all alike); medians, the ratio to `python -c pass`, PASS/FAIL against
   100 ms and 4x. The top `-X importtime` entries follow.
2. Scale: one agent with 10,000 and 20,000 profiles (target: 20,000 <= 1 s); 4,000 and 8,000 providers with
   an order entry each (store and config); 500 and 1,000 agents. Each pair shows how the time grows when
   the input doubles: about 2x or less is linear (start-up is part of both), about 4x is quadratic.

`--compare DIR` runs every command a second time against another checkout of the project (the same venv,
`PYTHONPATH=DIR`, e.g. `git archive main | tar -x -C /tmp/base`), in the same rounds: before/after figures
from one run. It prints figures; it always exits 0.

    python bench/status.py [--rounds 20] [--compare DIR] [--no-scale] [--scale-rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 4.0
TARGET_MS = 100.0
PROFILES_TARGET_MS = {20_000: 1000.0}
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


Run = tuple[list[str], dict[str, str]]  # a command and the variables it adds to the environment


def timed(run: Run, env: dict[str, str]) -> tuple[float, float]:
    """(wall ms, CPU ms) of one run. CPU time (user + system of the child) hardly moves when other processes
    share the cores; wall time does, so both are shown."""
    cmd, extra = run
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, env={**env, **extra}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = (time.perf_counter() - t0) * 1000.0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000.0
    return wall, cpu


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


def build_providers_state(root: Path, count: int) -> Path:
    """One agent, `count` providers of one api_key profile each, each with an order entry in the store and
    in openclaw.json (the shape that was once quadratic)."""
    state = root / f"providers{count}"
    agent_dir = state / "agents" / "main" / "agent"
    agent_dir.mkdir(parents=True, mode=0o700)
    profiles = {f"prov{i}:p": {"type": "api_key", "provider": f"prov{i}", "key": _secret("sk-", 0, i % 100)}
                for i in range(count)}
    (agent_dir / "auth-profiles.json").write_text(json.dumps({"version": 1, "profiles": profiles}))
    (agent_dir / "auth-state.json").write_text(json.dumps({"version": 1, "order": {
        f"Prov{i}": [f"prov{i}:p"] for i in range(count)}}))
    config = {"auth": {"order": {f"prov{i}": [f"prov{i}:p"] for i in range(count)},
                       "profiles": {f"prov{i}:p": {"provider": f"prov{i}", "mode": "api_key"} for i in range(count)}}}
    (state / "openclaw.json").write_text(json.dumps(config))
    for f in agent_dir.iterdir():
        f.chmod(0o600)
    state.chmod(0o700)
    return state


def build_agents_state(root: Path, count: int) -> Path:
    """`count` agents listed in openclaw.json, each with a directory and a store of 2 profiles."""
    state = root / f"agents{count}"
    for i in range(count):
        agent = "main" if i == 0 else f"agent{i}"
        agent_dir = state / "agents" / agent / "agent"
        agent_dir.mkdir(parents=True, mode=0o700)
        store = {"version": 1, "profiles": {
            "anthropic:a": {"type": "token", "provider": "anthropic", "token": _secret("sk-ant-oat01-", 0, i % 100)},
            "openai:b": {"type": "api_key", "provider": "openai", "key": _secret("sk-", 0, i % 100)}}}
        path = agent_dir / "auth-profiles.json"
        path.write_text(json.dumps(store))
        path.chmod(0o600)
    agents = [{"id": "main" if i == 0 else f"agent{i}", **({"default": True} if i == 0 else {})} for i in range(count)]
    (state / "openclaw.json").write_text(json.dumps({"agents": {"list": agents}}))
    state.chmod(0o700)
    return state


def openclaw_script() -> list[str]:
    """The console script pip generated for this venv (`<venv>/bin/openclaw`)."""
    script = Path(sys.executable).with_name("openclaw")
    if not script.exists():
        raise SystemExit(f"no console script at {script}: install the project into this venv first")
    return [str(script)]


def interleaved(cmds: list[Run], env: dict[str, str], rounds: int) -> list[list[tuple[float, float]]]:
    for cmd in cmds:  # warm the page cache
        timed(cmd, env)
    out: list[list[tuple[float, float]]] = [[] for _ in cmds]
    for _ in range(rounds):
        for i, cmd in enumerate(cmds):
            out[i].append(timed(cmd, env))
    return out


def peak_rss_mb(run: Run, env: dict[str, str]) -> float:
    """Peak resident memory of one run (the kernel's accounting of a child of a fresh probe process)."""
    cmd, extra = run
    probe = [sys.executable, "-c", "import resource, subprocess, sys; subprocess.run(sys.argv[1:], "
             "stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)", *cmd]
    out = subprocess.run(probe, env={**env, **extra}, capture_output=True, text=True).stdout.strip()
    return int(out or 0) / 1024


def importtime_top(args: list[str], env: dict[str, str], cwd: Path, n: int = 10) -> list[str]:
    """The `n` largest cumulative import times of the console script's run (`-X importtime`; not `-m`,
    whose runpy the `openclaw` script never imports)."""
    script = "import sys; from openclaw_onboard.app.cli import main; sys.exit(main())"
    # `cwd`: not a checkout, whose package `-c` would import ahead of PYTHONPATH.
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", script, *args],
                          env=env, capture_output=True, text=True, cwd=cwd)
    rows = []
    for line in proc.stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if line.startswith("import time:") and len(fields) == 3 and fields[1].strip().isdigit():
            rows.append((int(fields[1]), fields[2].rstrip()))
    rows.sort(reverse=True)
    return [f"{us / 1000:6.1f} ms {name}" for us, name in rows[:n]]


def _ms(values: list[float]) -> str:
    return f"median {statistics.median(values):7.1f} ms (min {min(values):7.1f}, max {max(values):7.1f})"


def _medians(samples: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _ in samples), statistics.median(c for _, c in samples)


def _verdict(wall: float, cpu: float, base: tuple[float, float]) -> str:
    ratios = (wall / base[0], cpu / base[1])
    ok = wall <= TARGET_MS and max(ratios) <= TARGET_RATIO
    return (f"{ratios[0]:.2f}x wall, {ratios[1]:.2f}x CPU  {'PASS' if ok else 'FAIL'} "
            f"(target <= {TARGET_MS:.0f} ms and <= {TARGET_RATIO:.0f}x)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--compare", type=Path, metavar="DIR", help="another checkout to run as the baseline")
    parser.add_argument("--no-scale", action="store_true")
    parser.add_argument("--scale-rounds", type=int, default=5)
    args = parser.parse_args()
    repo = Path(__file__).resolve().parents[1]
    checkouts = {"this checkout": repo}
    if args.compare:
        checkouts["baseline " + str(args.compare)] = args.compare.resolve()
    for root in checkouts.values():  # byte-compiled first, as an installed package is
        subprocess.run([sys.executable, "-m", "compileall", "-q",
                        *(str(root / d) for d in ("openclaw_onboard", "core", "app", "screens"))], check=True)
    script = openclaw_script()
    # This checkout through its editable install; a baseline first on sys.path (before the install's .pth entry).
    status: dict[str, Run] = {name: ([*script, "models", "status", "--check"],
                                     {} if root == repo else {"PYTHONPATH": str(root)})
                              for name, root in checkouts.items()}

    with tempfile.TemporaryDirectory(prefix="openclaw-bench-") as tmp:
        root = Path(tmp)
        state = build_state(root)
        (root / "home").mkdir()
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("OPENCLAW_") and "_API_KEY" not in k and k != "PYTHONPATH"}
        env.update(OPENCLAW_STATE_DIR=str(state), HOME=str(root / "home"), OPENCLAW_NOW_MS=str(NOW_MS))
        cmds: dict[str, Run] = {"python -c pass": ([sys.executable, "-c", "pass"], {}), **status}
        times = dict(zip(cmds, interleaved(list(cmds.values()), env, args.rounds), strict=True))
        base = _medians(times["python -c pass"])
        print(f"start-up: {AGENTS} agents x {PROFILES_PER_AGENT} profiles, `{script[0]} models status --check`; "
              f"{args.rounds} interleaved rounds; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
        for name, samples in times.items():
            wall, cpu = _medians(samples)
            verdict = "" if name.startswith("python") else "  " + _verdict(wall, cpu, base)
            print(f"  {name:40} wall {_ms([w for w, _ in samples])}, CPU median {cpu:6.1f} ms{verdict}")
        for name, (cmd, extra) in status.items():
            print(f"  top imports of {name} (-X importtime, cumulative):")
            for line in importtime_top(cmd[1:], {**env, **extra}, root):
                print(f"    {line}")

        if not args.no_scale:
            scales = [("profiles in one agent", build_big_state, (10_000, 20_000)),
                      ("providers with an order each", build_providers_state, (4_000, 8_000)),
                      ("agents", build_agents_state, (500, 1_000))]
            for label, build, counts in scales:
                print(f"scale: {label}")
                states = {count: build(root, count) for count in counts}
                for name, run in status.items():
                    medians = []
                    for count, big in states.items():
                        big_env = {**env, "OPENCLAW_STATE_DIR": str(big)}
                        samples = interleaved([run], big_env, args.scale_rounds)[0]
                        values = [w for w, _ in samples]
                        med, cpu = _medians(samples)
                        medians.append(cpu)  # growth in CPU time: wall time moves with the machine's load
                        target = PROFILES_TARGET_MS.get(count) if build is build_big_state else None
                        verdict = f"  {'PASS' if med <= target else 'FAIL'} (target {target:.0f} ms)" if target else ""
                        print(f"  {name:40} {count:>7,}  wall {_ms(values)}, CPU {cpu:7.1f} ms  peak RSS "
                              f"{peak_rss_mb(run, big_env):5.0f} MB{verdict}")
                    print(f"  {name:40} x{counts[1] / counts[0]:.0f} input: x{medians[1] / medians[0]:.2f} CPU time "
                          f"(linear: about x2 or less)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
