"""Nothing lost, both directions: OpenClaw 2026.4.26 writing in loops beside 90 of our writer processes.

OpenClaw's own writers (markAuthProfileFailure, setAuthProfileOrder, upsertAuthProfileWithLock)
take turns in one loop of one node process against the same state dir while 60 `openclaw models auth paste-token` and
30 `openclaw models auth order set` processes of ours run at once. Every write of both sides must
be on disk at the end: the 60 new profiles, the 50 OpenClaw added, and all 100 failure counts.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openclaw_onboard.core.paths import agent_paths

from tests.conftest import EXAMPLE_STORE, write_json
from tests.interop.conftest import OpenClawPeer, Ours

OURS_PASTE = 60
OURS_ORDER = 30
OC_FAILURES = 100
OC_UPSERTS = 50
OC_ORDERS = 50


def _token(i: int) -> str:
    return f"sk-or-v1-{i:04d}" + "0123456789abcdef" * 4


@pytest.mark.slow
def test_nothing_lost_with_openclaw_writing_beside_ninety_of_our_writers(
        openclaw_peer: OpenClawPeer, ours: Ours, state_dir: Path) -> None:
    paths = agent_paths("main", state_dir)
    write_json(paths.store, {"version": 1, "profiles": EXAMPLE_STORE["profiles"]})
    write_json(paths.store.parent / "auth-state.json", {"version": 1, "order": {"openai": ["openai:default"]}})

    gateway = openclaw_peer.start("writers", "-", str(OC_FAILURES), str(OC_UPSERTS), str(OC_ORDERS))
    assert gateway.read(timeout=60) == {"ready": True}

    # 90 CLI processes on a 2-core machine queue for each lock for longer than the default 10 s.
    ours.env["OPENCLAW_LOCK_TIMEOUT_S"] = "240"
    procs = [ours.popen("models", "auth", "paste-token", "--provider", "openrouter", "--profile-id",
                        f"openrouter:w{i}", input=_token(i)) for i in range(OURS_PASTE)]
    procs += [ours.popen("models", "auth", "order", "set", "--provider", "openai", "openai:default")
              for _ in range(OURS_ORDER)]
    results = [(p.wait(300), p.stderr.read() if p.stderr else "") for p in procs]
    assert [rc for rc, _ in results] == [0] * len(procs), [err for rc, err in results if rc][:3]

    assert gateway.read(timeout=300) == {"failures": OC_FAILURES, "upserts": OC_UPSERTS, "orders": OC_ORDERS,
                                         "failed": {"upserts": 0, "orders": 0}}
    assert gateway.finish() == 0

    profiles = json.loads(paths.store.read_text())["profiles"]
    state = json.loads(paths.auth_state.read_text())
    ours_added = {pid for pid in profiles if pid.startswith("openrouter:w")}
    assert ours_added == {f"openrouter:w{i}" for i in range(OURS_PASTE)}, f"we lost {OURS_PASTE - len(ours_added)}"
    theirs_added = {pid for pid in profiles if pid.startswith("ocw:")}
    assert len(theirs_added) == OC_UPSERTS
    stats = state["usageStats"]["openai:default"]
    assert stats["failureCounts"]["billing"] == OC_FAILURES, "OpenClaw failure counts were lost"
    assert stats["errorCount"] == OC_FAILURES
    assert stats["disabledReason"] == "billing"
    assert state["order"]["openai"] == ["openai:default"]
    assert state["order"]["anthropic"] == ["anthropic:work"]
    # And OpenClaw reads the result as one consistent store.
    [loaded] = openclaw_peer.bridge("load", "-")
    assert set(loaded["profiles"]) == set(profiles)
    assert not paths.lock.exists()
