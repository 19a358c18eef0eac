"""Store lock and refresh lock, against the real OpenClaw 2026.4.26's own acquireFileLock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from openclaw_onboard.core import locking, store
from openclaw_onboard.core.errors import LockTimeoutError
from openclaw_onboard.core.paths import agent_paths

from tests.cli.conftest import OPENCLAW_CMD, ROOT
from tests.interop.conftest import OpenClawPeer, Ours

TOKEN = "sk-or-v1-" + "0123456789abcdef" * 4


def _seed(state: Path) -> Path:
    from tests.conftest import EXAMPLE_STORE, write_json

    return write_json(agent_paths("main", state).store, {"version": 1, "profiles": EXAMPLE_STORE["profiles"]})


def _hold_ours(lock: Path, stale: str = "store") -> subprocess.Popen[str]:
    """Our lock held by another process of ours until its stdin closes."""
    stale_s = "locking.REFRESH_STALE_S" if stale == "refresh" else "locking.STORE_STALE_S"
    code = ("import sys; from pathlib import Path; from openclaw_onboard.core import locking\n"
            f"with locking.hold(Path(sys.argv[1]), stale_s={stale_s}):\n"
            "    print('held', flush=True); sys.stdin.read()\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(lock)], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    return proc


def test_live_openclaw_store_lock_makes_our_cli_wait_then_fail_clearly(openclaw_peer: OpenClawPeer, ours: Ours,
                                                                       state_dir: Path) -> None:
    path = _seed(state_dir)
    before = path.read_bytes()
    holder = openclaw_peer.start("hold-lock", str(path), "store")
    held = holder.read()
    assert held["held"] == str(agent_paths("main", state_dir).lock)
    env_timeout = {**ours.env, "OPENCLAW_LOCK_TIMEOUT_S": "1.5"}
    started = time.monotonic()
    res = subprocess.run([*OPENCLAW_CMD, "models", "auth", "order", "set", "--provider", "openai", "openai:default"],
                         capture_output=True, text=True, env=env_timeout, cwd=ROOT, timeout=60)
    waited = time.monotonic() - started
    assert res.returncode != 0 and waited >= 1.5
    assert "Timed out" in res.stderr and f"process {held['pid']}" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
    assert path.read_bytes() == before
    assert agent_paths("main", state_dir).lock.exists()  # a live lock is never broken
    assert holder.finish() == 0
    res = ours("models", "auth", "order", "set", "--provider", "openai", "openai:default")
    assert res.returncode == 0, res.stderr


def test_our_store_lock_makes_openclaw_wait(openclaw_peer: OpenClawPeer, state_dir: Path) -> None:
    path = _seed(state_dir)
    holder = _hold_ours(agent_paths("main", state_dir).lock)
    try:
        # OpenClaw with 3 retries (about 1.5 s of backoff) cannot get in while we hold it.
        [busy] = openclaw_peer.bridge("try-lock", str(path), "3", "30000")
        assert busy["acquired"] is False and busy["code"] == "file_lock_timeout"
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        assert holder.wait(10) == 0
    [free] = openclaw_peer.bridge("try-lock", str(path), "0", "30000")
    assert free["acquired"] is True


def test_openclaw_store_lock_of_a_killed_gateway_is_taken_over(openclaw_peer: OpenClawPeer, ours: Ours,
                                                                state_dir: Path) -> None:
    path = _seed(state_dir)
    holder = openclaw_peer.start("hold-lock", str(path), "store")
    holder.read()
    os.kill(holder.proc.pid, signal.SIGKILL)  # dies holding it: the lock file stays behind
    holder.proc.wait(10)
    assert agent_paths("main", state_dir).lock.exists()
    started = time.monotonic()
    res = ours("models", "auth", "order", "set", "--provider", "openai", "openai:default")
    assert res.returncode == 0, res.stderr
    assert time.monotonic() - started < 10  # its pid is dead: stale at once, not after 30 s
    assert not agent_paths("main", state_dir).lock.exists()


def test_doctor_leaves_a_live_openclaw_lock_alone(openclaw_peer: OpenClawPeer, ours: Ours, state_dir: Path) -> None:
    path = _seed(state_dir)
    holder = openclaw_peer.start("hold-lock", str(path), "store")
    holder.read()
    lock = agent_paths("main", state_dir).lock
    content = lock.read_bytes()
    report = ours("doctor", "--fix")
    assert str(lock) not in report.stdout + report.stderr
    assert lock.read_bytes() == content
    assert holder.finish() == 0


def test_refresh_lock_is_the_same_file_as_openclaws(openclaw_peer: OpenClawPeer, state_dir: Path) -> None:
    for provider, pid in (("openai-codex", "openai-codex:default"), ("openai-codex", "openai-codex:me@example.com"),
                          ("anthropic", "anthropic:claude-cli"), ("Z.AI", "zai:ünïcode")):
        [theirs] = openclaw_peer.bridge("refresh-lock-path", provider, pid)
        assert Path(theirs["path"]) == agent_paths("main", state_dir).refresh_lock(provider, pid)


def test_openclaw_refresh_lock_blocks_our_refresh_and_ours_blocks_theirs(
        openclaw_peer: OpenClawPeer, state_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openclaw_onboard.core.refresh

    from tests.support.oauth_server import OAuthTestServer

    with OAuthTestServer() as srv:
        for key, value in srv.env().items():
            monkeypatch.setenv(key, value)
        pid = srv.write_expired_profile(state_dir)
        lock = agent_paths("main", state_dir).refresh_lock("openai-codex", pid)
        holder = openclaw_peer.start("hold-lock", str(lock)[: -len(".lock")], "refresh")
        assert holder.read()["held"] == str(lock)
        # OpenClaw is refreshing: we wait (and, given a short deadline, give up) without a token call.
        monkeypatch.setattr(openclaw_onboard.core.refresh, "refresh_lock_timeout_s", lambda: 0.5)
        with pytest.raises(openclaw_onboard.core.refresh.RefreshError, match="Timed out"):
            openclaw_onboard.core.refresh.ensure_fresh(pid, state=state_dir)
        assert srv.token_calls == 0
        # Its refresh lock is live for 180 s: 100 s would be stale for a store lock, not for this one.
        monkeypatch.setattr(openclaw_onboard.core.refresh, "refresh_lock_timeout_s", lambda: 30.0)
        done = threading.Event()
        refresh = openclaw_onboard.core.refresh
        waiter = threading.Thread(target=lambda: (refresh.ensure_fresh(pid, state=state_dir), done.set()))
        waiter.start()
        assert not done.wait(1.0)  # still queued behind OpenClaw (the event loop of a real waiter)
        assert holder.finish() == 0
        waiter.join(30)
        assert done.is_set() and srv.token_calls == 1
        # And the other way round: while we hold it, OpenClaw's refresh cannot start.
        ours = _hold_ours(lock, "refresh")
        try:
            [busy] = openclaw_peer.bridge("try-lock", str(lock)[: -len(".lock")], "2", "180000")
            assert busy["acquired"] is False
        finally:
            assert ours.stdin is not None
            ours.stdin.close()
            ours.wait(10)


def test_openclaw_and_our_locks_exclude_each_other_in_process(openclaw_peer: OpenClawPeer, state_dir: Path) -> None:
    """In-process view of the same rule: our `hold` times out on OpenClaw's live lock."""
    path = _seed(state_dir)
    holder = openclaw_peer.start("hold-lock", str(path), "store")
    holder.read()
    with pytest.raises(LockTimeoutError):
        store.update(lambda s: None, state=state_dir, timeout=0.3)
    with pytest.raises(LockTimeoutError), locking.hold(agent_paths("main", state_dir).lock, 0.3):
        pass
    assert holder.finish() == 0
