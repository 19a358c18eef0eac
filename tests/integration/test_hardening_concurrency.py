"""Everything at once on one agent: dashboard reorders, CLI paste-token, CLI order set, CLI refresh.

Per round, at the same moment on agent `main`:
- 2 processes emulating the dashboard's reorder: core.order.set_order in a loop (random
  permutations of the anthropic profiles; each prints the order it wrote);
- 1 thread running `openclaw models auth order set` repeatedly;
- 6 `openclaw models auth paste-token --provider anthropic` (different profile ids, token on stdin);
- 4 `openclaw models auth refresh --profile-id <the expired oauth profile>` against the loopback
  OAuth server (which rotates refresh tokens and rejects a reused one);
- 1 thread reading `openclaw models status --json` in a loop.

Afterwards: every process succeeded; every pasted profile is there with its token; the order
override is one of the values some writer wrote (plus profiles pasted after it, which paste-token
appends) and names only existing profiles; the oauth profile holds the new token, the server saw
exactly one token call and nobody was logged out; no temp or lock file is left.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from openclaw_onboard.core import store
from openclaw_onboard.core.models import OAuthCredential, TokenCredential
from openclaw_onboard.core.paths import agent_paths

from tests.support.hardening import ROOT, cli_env, popen_cli, run_cli, temp_files
from tests.support.oauth_server import OAuthTestServer

pytestmark = pytest.mark.slow

ROUNDS = 3
PASTERS = 6
DASHBOARDS = 2
DASHBOARD_WRITES = 40
CLI_ORDER_SETS = 4
REFRESHERS = 4
SEEDED = [f"anthropic:s{i}" for i in range(4)]
TIMEOUT_S = 60.0


def _token(round_no: int, i: int) -> str:
    return f"sk-ant-oat01-round{round_no}-paster{i}-" + "x" * 70  # OpenClaw's rule: sk-ant-oat01-, 80+


def _collect(proc: subprocess.Popen) -> tuple[int, str, str]:  # type: ignore[type-arg]
    out, err = proc.communicate(timeout=TIMEOUT_S)
    return proc.returncode, out, err


def test_dashboard_reorder_paste_and_refresh_at_once(srv: OAuthTestServer, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    state = tmp_path / "state"
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    paths = agent_paths("main", state)
    env = cli_env(state, home, srv.env())

    def seed(s):  # type: ignore[no-untyped-def]
        for pid in SEEDED:
            s.profiles[pid] = TokenCredential(provider="anthropic", token=f"sk-ant-api03-{pid}-" + "s" * 40)
        s.order = {"anthropic": list(SEEDED)}

    store.update(seed, state=state)
    oauth_pid = srv.write_expired_profile(state)
    pasted: dict[str, str] = {}
    began = time.monotonic()

    for round_no in range(ROUNDS):
        srv.reset_counters()
        if round_no:
            srv.expire_profile(state, oauth_pid)
        before = store.load(state=state).store.profiles[oauth_pid]
        assert isinstance(before, OAuthCredential)

        # Dashboard emulators: import everything, report ready, wait for "go".
        dashboards = [subprocess.Popen(
            [sys.executable, "-m", "tests.support.hardening", "order-loop", str(state), "main", "anthropic",
             str(DASHBOARD_WRITES), str(round_no * 100 + d), *SEEDED],
            cwd=ROOT, env=env, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        ) for d in range(DASHBOARDS)]
        for d in dashboards:
            assert d.stdout is not None and d.stdout.readline().strip() == "ready"

        written: list[list[str]] = []
        failures: list[str] = []

        def cli_order_loop(round_no: int = round_no, written: list = written, failures: list = failures) -> None:
            for k in range(CLI_ORDER_SETS):
                perm = SEEDED[k % 4:] + SEEDED[:k % 4]
                perm = perm[: 2 + (k + round_no) % 3]
                res = run_cli(["models", "auth", "order", "set", "--provider", "anthropic", *perm], env)
                if res.rc != 0:
                    failures.append(f"order set: {res.err}")
                written.append(perm)

        status_reads: list[int] = []

        def status_loop(failures: list = failures, status_reads: list = status_reads) -> None:
            for _ in range(6):
                res = run_cli(["models", "status", "--json"], env)
                if res.rc != 0 or "Traceback" in res.err:
                    failures.append(f"status: rc={res.rc} {res.err}")
                else:
                    json.loads(res.out)  # a reader never sees a torn store
                    status_reads.append(1)

        pids = {f"anthropic:r{round_no}p{i}": _token(round_no, i) for i in range(PASTERS)}
        pasters = [popen_cli(["models", "auth", "paste-token", "--provider", "anthropic", "--profile-id", pid],
                             env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for pid in pids]
        refreshers = [popen_cli(["models", "auth", "refresh", "--profile-id", oauth_pid], env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                      for _ in range(REFRESHERS)]
        threads = [threading.Thread(target=cli_order_loop), threading.Thread(target=status_loop)]
        for t in threads:
            t.start()
        for d in dashboards:
            assert d.stdin is not None
            d.stdin.write("go\n")
            d.stdin.flush()
        for p, token in zip(pasters, pids.values(), strict=True):
            assert p.stdin is not None
            p.stdin.write(token)
            p.stdin.close()
            p.stdin = None  # communicate() must not flush a closed pipe

        for p in pasters:
            rc, out, err = _collect(p)
            assert rc == 0 and "Traceback" not in err, (rc, err)
        refresh_out = []
        for p in refreshers:
            rc, out, err = _collect(p)
            assert rc == 0 and "Traceback" not in err, (rc, err)
            refresh_out.append(out)
        for d in dashboards:
            rc, out, err = _collect(d)
            assert rc == 0, err
            lines = [json.loads(line) for line in out.splitlines() if line.strip()]
            assert len(lines) == DASHBOARD_WRITES
            written.extend(lines)
        for t in threads:
            t.join(TIMEOUT_S)
        assert not failures, failures
        assert status_reads

        raw = json.loads(paths.store.read_bytes())
        profiles = raw["profiles"]
        pasted.update(pids)
        # Nothing lost: every token pasted in any round, the seeded ones, the oauth profile.
        for pid, token in pasted.items():
            assert profiles[pid]["token"] == token, pid
        for pid in SEEDED:
            assert profiles[pid]["token"] == f"sk-ant-api03-{pid}-" + "s" * 40
        # The order is what some writer wrote, after profiles pasted later (paste-token puts a new
        # profile first in an existing override, as OpenClaw does for auth.order).
        order = json.loads(paths.auth_state.read_bytes())["order"]["anthropic"]
        assert all(pid in profiles and profiles[pid]["provider"] == "anthropic" for pid in order), order
        assert len(order) == len(set(order)), order
        tails = [w for w in written if order[len(order) - len(w):] == w]
        assert tails, f"order {order} is not a value any writer wrote"
        assert any(set(order[: len(order) - len(w)]) <= set(pids) for w in tails), order
        # Exactly one refresh, and the stored credential is the new, live one.
        after = store.load(state=state).store.profiles[oauth_pid]
        assert isinstance(after, OAuthCredential)
        stats = srv.stats()
        assert stats["token_calls"] == 1, stats
        assert stats["reused_rejections"] == 0 and stats["rejected_calls"] == 0, stats
        assert after.access != before.access and after.refresh != before.refresh
        assert srv.is_active_refresh(after.refresh) and not srv.is_active_refresh(before.refresh)
        assert after.expires_ms is not None and after.expires_ms > time.time() * 1000 + 50 * 60_000
        assert sum("refreshed" in o for o in refresh_out) == 1, refresh_out
        assert sum("still valid" in o for o in refresh_out) == REFRESHERS - 1, refresh_out
        # No debris.
        assert temp_files(paths.agent_dir) == [] and temp_files(state) == []
        assert not paths.lock.exists()

    elapsed = time.monotonic() - began
    print(f"{ROUNDS} rounds x ({PASTERS} paste-token + {DASHBOARDS}x{DASHBOARD_WRITES} set_order + "
          f"{CLI_ORDER_SETS} order set + {REFRESHERS} refresh + 6 status) in {elapsed:.1f}s")
