#!/usr/bin/env python3
"""Benchmark: `openclaw models status --check` with a 64 KB openclaw.json holding one `//` comment,
against the same file as strict JSON (issue 21: <= 1.5x).

Both states are identical but for the comment; the two commands run ROUNDS times interleaved (machine
noise hits both alike); medians, their ratio, PASS/FAIL. Then the parse alone, in process: json,
pyjson5, core.configfile.parse and, when installed, the pure-Python json5 it replaced.
`--repo DIR` runs another checkout's code (e.g. an export of main) for a same-run baseline.
It prints figures; it always exits 0.

    python bench/config_json5.py [--rounds 15] [--repo /tmp/old-checkout]
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

TARGET_RATIO = 1.5
SIZE = 64 * 1024


def big_config() -> dict:
    """About 64 KB: gateway, a few auth profiles and many model entries (what grows in real configs)."""
    models = {}
    n = 0
    config = {"gateway": {"mode": "local", "port": 18789},
              "auth": {"profiles": {"openrouter:manual": {"provider": "openrouter", "mode": "token"}}},
              "agents": {"defaults": {"model": "openrouter/anthropic/claude-sonnet-4", "models": models}}}
    while len(json.dumps(config, indent=2)) < SIZE:
        models[f"openrouter/vendor{n}/model-{n}"] = {"alias": f"m{n}",
                                                     "params": {"temperature": 0.2, "maxTokens": 4096}}
        n += 1
    return config


def build_state(root: Path, name: str, text: str) -> Path:
    state = root / name
    agent_dir = state / "agents" / "main" / "agent"
    agent_dir.mkdir(parents=True, mode=0o700)
    state.chmod(0o700)
    store = {"version": 1, "profiles": {"openrouter:manual": {"type": "token", "provider": "openrouter",
                                                              "token": "sk-or-v1-" + "0" * 64}}}
    (agent_dir / "auth-profiles.json").write_text(json.dumps(store, indent=2) + "\n")
    (agent_dir / "auth-profiles.json").chmod(0o600)
    (state / "openclaw.json").write_text(text)
    (state / "openclaw.json").chmod(0o600)
    return state


def command(repo: str | None) -> list[str]:
    if repo:
        return [sys.executable, "-m", "openclaw_onboard.app.cli", "models", "status", "--check"]
    script = Path(sys.executable).with_name("openclaw")
    base = [str(script)] if script.exists() else [sys.executable, "-m", "openclaw_onboard.app.cli"]
    return [*base, "models", "status", "--check"]


def timed(cmd: list[str], env: dict[str, str], cwd: str | None) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - t0) * 1000.0


def parse_times(strict: str, commented: str) -> None:
    import pyjson5
    from openclaw_onboard.core import configfile

    readers = [("json (strict file)", json.loads, strict), ("pyjson5 (commented)", pyjson5.loads, commented),
               ("core.configfile (commented)", lambda t: configfile.parse("openclaw.json", t.encode()), commented)]
    try:
        import json5

        readers.append(("json5, pure Python (commented)", json5.loads, commented))
    except ImportError:
        pass
    for name, loads, text in readers:
        runs = []
        for _ in range(3 if "pure" in name else 20):
            t0 = time.perf_counter()
            loads(text)
            runs.append((time.perf_counter() - t0) * 1000.0)
        print(f"  parse with {name:32} {statistics.median(runs):9.2f} ms")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--repo", help="run this checkout's code instead of the installed one")
    args = ap.parse_args()
    strict = json.dumps(big_config(), indent=2) + "\n"
    commented = "// kept by hand\n" + strict
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        states = {"strict JSON": build_state(root, "strict", strict),
                  "one comment": build_state(root, "json5", commented)}
        cmd = command(args.repo)
        times: dict[str, list[float]] = {name: [] for name in states}
        for _ in range(args.rounds):
            for name, state in states.items():
                env = {**os.environ, "OPENCLAW_STATE_DIR": str(state), "HOME": str(root)}
                if args.repo:
                    env["PYTHONPATH"] = args.repo
                times[name].append(timed(cmd, env, args.repo))  # `-m` puts the cwd first on sys.path
        print(f"models status --check, openclaw.json of {len(strict.encode())} bytes, {args.rounds} rounds"
              + (f" (code: {args.repo})" if args.repo else ""))
        medians = {name: statistics.median(t) for name, t in times.items()}
        for name, ms in medians.items():
            print(f"  {name:12} {ms:8.1f} ms (median)")
        ratio = medians["one comment"] / medians["strict JSON"]
        print(f"  ratio {ratio:.2f}x, target <= {TARGET_RATIO}x: {'PASS' if ratio <= TARGET_RATIO else 'FAIL'}")
    parse_times(strict, commented)
    return 0


if __name__ == "__main__":
    sys.exit(main())
