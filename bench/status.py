#!/usr/bin/env python3
"""Benchmark: `openclaw models status --check` against a bare `python -c pass`.

Builds a state dir with 10 agents x 20 profiles (oauth, token, api_key; some expiring, some with
expiry-less tokens, an order override, usage stats and an openclaw.json) in a temp dir, runs both
commands ROUNDS times interleaved (so machine noise hits both alike), and prints the medians, their
ratio, and PASS/FAIL against the 120 ms target. It prints figures; it always exits 0.

    python bench/status.py [--rounds 20]
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

TARGET_MS = 120.0
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds

    with tempfile.TemporaryDirectory(prefix="openclaw-bench-") as tmp:
        root = Path(tmp)
        state = build_state(root)
        (root / "home").mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith("OPENCLAW_") and "_API_KEY" not in k}
        env.update(OPENCLAW_STATE_DIR=str(state), HOME=str(root / "home"), OPENCLAW_NOW_MS=str(NOW_MS))
        status_cmd = [*openclaw_command(), "models", "status", "--check"]
        pass_cmd = [sys.executable, "-c", "pass"]

        for _ in range(2):  # warm the page cache and .pyc files
            timed(status_cmd, env)
            timed(pass_cmd, env)
        status_ms: list[float] = []
        pass_ms: list[float] = []
        codes: set[int] = set()
        for _ in range(rounds):
            ms, rc = timed(status_cmd, env)
            status_ms.append(ms)
            codes.add(rc)
            pass_ms.append(timed(pass_cmd, env)[0])

    s_med = statistics.median(status_ms)
    p_med = statistics.median(pass_ms)
    print(f"state: {AGENTS} agents x {PROFILES_PER_AGENT} profiles; {rounds} interleaved rounds; "
          f"{os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
    print(f"openclaw models status --check  median {s_med:7.1f} ms  (min {min(status_ms):.1f}, "
          f"max {max(status_ms):.1f}; exit codes {sorted(codes)})")
    print(f"python -c pass                  median {p_med:7.1f} ms  (min {min(pass_ms):.1f}, max {max(pass_ms):.1f})")
    print(f"ratio status / python startup   {s_med / p_med:.1f}x")
    verdict = "PASS" if s_med < TARGET_MS else "FAIL"
    print(f"{verdict}: median {s_med:.1f} ms vs target {TARGET_MS:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
