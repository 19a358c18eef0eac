"""Issue 7's race with the real dashboard: keyboard reorders (Pilot) while CLI processes paste
tokens and refresh one expired OAuth profile on the same agent. Nothing lost, every order
override names only existing profiles, exactly one refresh, no temp files."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from openclaw_onboard.core import order as order_mod
from openclaw_onboard.core import store as store_mod

from tests.tui.test_dashboard import ROOT, dash, host, profile_keys, three_anthropic_store, wait_for

PASTERS = 6
REFRESHERS = 4


def _start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "openclaw_onboard.app.cli", *args], cwd=ROOT, env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


async def test_dashboard_reorder_races_cli_paste_token_and_refresh(state_dir: Path, make_agent, srv) -> None:
    make_agent("main", store=three_anthropic_store())
    pid = srv.write_expired_profile(state_dir)
    env = {**os.environ, **srv.env(), "OPENCLAW_STATE_DIR": str(state_dir)}
    app = host(state_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0, what="rows")
        assert screen.current_key() == "anthropic:a"
        procs = [_start(["models", "auth", "refresh", "--profile-id", pid], env) for _ in range(REFRESHERS)]
        pasters = [_start(["models", "auth", "paste-token", "--provider", "openrouter", "--profile-id",
                           f"openrouter:p{i}"], env) for i in range(PASTERS)]
        for i, proc in enumerate(pasters):
            assert proc.stdin is not None
            proc.stdin.write(f"sk-or-v1-RACE{i}" + "x" * 40)
            proc.stdin.close()
        procs += pasters
        moves = 0
        deadline = time.monotonic() + 60
        while (any(p.poll() is None for p in procs) or moves < 12) and time.monotonic() < deadline:
            await pilot.press("J" if moves % 3 != 2 else "K")  # each press persists an override
            moves += 1
        assert all(p.poll() is not None for p in procs), "CLI processes did not finish in 60 s"
        await wait_for(pilot, lambda: len([k for k in profile_keys(screen) if k.startswith("openrouter:")])
                       == PASTERS, what="pasted profiles shown")
    outputs = [(p.returncode, p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    token_calls = srv.token_calls
    assert [rc for rc, _, _ in outputs] == [0] * (REFRESHERS + PASTERS), outputs
    assert sum("refreshed" in out for _, out, _ in outputs[:REFRESHERS]) == 1, outputs[:REFRESHERS]
    assert token_calls == 1
    store = store_mod.load("main", state_dir).store
    assert {f"openrouter:p{i}" for i in range(PASTERS)} <= set(store.profiles)
    assert store.profiles[pid].expires_ms > int(time.time() * 1000)
    anthropic = order_mod.override_order(store, "anthropic")
    assert anthropic is not None and sorted(anthropic) == ["anthropic:a", "anthropic:b", "anthropic:c"]
    for provider, ids in (store.order or {}).items():
        assert all(store.profiles[i].provider == provider for i in ids), (provider, ids)
    agent_dir = state_dir / "agents" / "main" / "agent"
    assert not list(agent_dir.glob(".openclaw-tmp-*")) and not list(state_dir.glob(".openclaw-tmp-*"))
    assert moves >= 12
