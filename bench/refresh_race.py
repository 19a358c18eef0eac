"""Benchmark: N processes find the same expired OAuth token at once.

Starts the loopback OAuth server (tests/support/oauth_server.py), writes an expired
openai-codex profile into a temp state dir, starts N worker processes that each call
core.refresh.ensure_fresh on it when released together, and reports per round:
processes, token-endpoint calls (must be 1), distinct access tokens returned (must be 1)
and wall time. Between rounds the stored token is expired again.

    .venv/bin/python bench/refresh_race.py [--processes 16,64] [--rounds 3] [--server thread|process]

Each process count in --processes is its own race (16 as always, and a 64-process round, issue #15).

Exit status 1 if any round made more than one token call, returned differing tokens
or had a worker fail.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.oauth_server import OAuthTestServer, RefreshRace  # noqa: E402


def _race(processes: int, rounds: int, server: str) -> bool:
    ok = True
    with tempfile.TemporaryDirectory(prefix="openclaw-bench-") as tmp, OAuthTestServer(mode=server) as srv:
        state = Path(tmp) / "state"
        pid = srv.write_expired_profile(state)
        race = RefreshRace(srv, state, pid, processes=processes)
        t0 = time.monotonic()
        race.start()
        print(f"started {processes} worker processes in {race.spawn_s:.2f}s (server: {server})")
        print(f"{'round':>5} {'processes':>9} {'token_calls':>11} {'distinct_tokens':>15} {'errors':>6} {'wall_s':>7}")
        try:
            for n in range(1, rounds + 1):
                rnd = race.run_round()
                distinct = len(set(rnd.access_fingerprints))
                print(f"{n:>5} {rnd.processes:>9} {rnd.token_calls:>11} {distinct:>15} {len(rnd.errors):>6} "
                      f"{rnd.wall_s:>7.3f}")
                for err in rnd.errors:
                    print(f"      worker error: {err}")
                ok = ok and rnd.token_calls == 1 and distinct == 1 and not rnd.errors
                srv.expire_profile(state, pid)
        finally:
            race.close()
        stats = srv.stats()
        print(f"total: token_calls={stats['token_calls']} reused_rejections={stats['reused_rejections']} "
              f"wall={time.monotonic() - t0:.2f}s -> {'OK' if ok else 'FAILED'}")
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--processes", default="16,64", help="comma-separated process counts, one race each")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--server", choices=("thread", "process"), default="thread")
    args = ap.parse_args(argv)
    results = [_race(int(n), args.rounds, args.server) for n in args.processes.split(",")]
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
