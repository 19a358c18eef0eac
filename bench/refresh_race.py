"""Benchmark: N processes find the same expired OAuth token at once.

Starts the loopback OAuth server (tests/support/oauth_server.py), writes an expired
openai-codex profile into a temp state dir, starts N worker processes that each call
core.refresh.ensure_fresh on it when released together, and reports per round:
processes, token-endpoint calls (must be 1), distinct access tokens returned (must be 1)
and wall time. Between rounds the stored token is expired again.

    .venv/bin/python bench/refresh_race.py [--processes 16] [--rounds 3] [--server thread|process]

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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--processes", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--server", choices=("thread", "process"), default="thread")
    args = ap.parse_args(argv)

    ok = True
    with tempfile.TemporaryDirectory(prefix="openclaw-bench-") as tmp, OAuthTestServer(mode=args.server) as srv:
        state = Path(tmp) / "state"
        pid = srv.write_expired_profile(state)
        race = RefreshRace(srv, state, pid, processes=args.processes)
        t0 = time.monotonic()
        race.start()
        print(f"started {args.processes} worker processes in {race.spawn_s:.2f}s (server: {args.server})")
        print(f"{'round':>5} {'processes':>9} {'token_calls':>11} {'distinct_tokens':>15} {'errors':>6} {'wall_s':>7}")
        try:
            for n in range(1, args.rounds + 1):
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
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
