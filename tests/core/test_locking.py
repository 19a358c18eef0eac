"""Our lock coexists with OpenClaw's proper-lockfile lock: a directory `auth-profiles.json.lock`."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from core import locking, store
from core.errors import LockTimeoutError
from core.models import ApiKeyCredential

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _add(pid="openai:new"):
    def mutate(s):
        s.profiles[pid] = ApiKeyCredential(provider=pid.split(":")[0], key="sk-new")
        return pid

    return mutate


def _age(path, seconds: float) -> None:
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_fresh_openclaw_lock_dir_makes_update_wait_then_time_out(openclaw_files):
    path = openclaw_files.write_store()
    before = path.read_bytes()
    lock = openclaw_files.paths().lock
    lock.mkdir()
    _age(lock, 25)  # held by OpenClaw for 25 s: not stale yet
    started = time.monotonic()
    with pytest.raises(LockTimeoutError) as err:
        store.update(_add(), timeout=0.4)
    assert time.monotonic() - started >= 0.4
    assert str(lock) in str(err.value)
    assert lock.is_dir()  # a fresh lock is never broken
    assert path.read_bytes() == before


def test_stale_openclaw_lock_dir_is_removed_and_update_proceeds(openclaw_files):
    openclaw_files.write_store()
    lock = openclaw_files.paths().lock
    lock.mkdir()
    _age(lock, 31)
    assert store.update(_add(), timeout=2) == "openai:new"
    assert "openai:new" in openclaw_files.read_store()["profiles"]
    assert not os.path.lexists(lock)


def test_update_proceeds_once_openclaw_releases_its_lock(openclaw_files):
    openclaw_files.write_store()
    lock = openclaw_files.paths().lock
    lock.mkdir()
    outcome = {}

    def run():
        try:
            outcome["result"] = store.update(_add(), timeout=10)
        except Exception as exc:  # reported below
            outcome["error"] = exc

    t = threading.Thread(target=run)
    t.start()
    t.join(0.3)
    assert t.is_alive(), outcome  # still waiting on OpenClaw's lock
    assert "openai:new" not in openclaw_files.read_store()["profiles"]
    lock.rmdir()  # OpenClaw releases (proper-lockfile removes its directory)
    t.join(10)
    assert not t.is_alive()
    assert outcome == {"result": "openai:new"}
    assert not os.path.lexists(lock)


def test_after_our_update_openclaw_can_take_its_lock(openclaw_files):
    openclaw_files.write_store()
    lock = openclaw_files.paths().lock
    store.update(_add())
    assert not os.path.lexists(lock)
    os.mkdir(lock)  # what proper-lockfile does; must not fail with EEXIST
    os.rmdir(lock)


def test_lock_file_left_by_a_killed_process_does_not_block(openclaw_files):
    openclaw_files.write_store()
    lock = openclaw_files.paths().lock
    lock.write_bytes(b"")  # our own lock file, its holder gone: the kernel dropped the flock
    store.update(_add(), timeout=2)
    assert not os.path.lexists(lock)


HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from core import locking
    with locking.hold(Path(sys.argv[1])):
        print("held", flush=True)
        sys.stdin.read()
    print("released", flush=True)
    """
)


def _holder(lock):
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock)], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "held\n"
    return proc


def test_lock_held_by_another_process_blocks_until_released(openclaw_files):
    path = openclaw_files.write_store()
    lock = openclaw_files.paths().lock
    proc = _holder(lock)
    try:
        with pytest.raises(LockTimeoutError):
            store.update(_add(), timeout=0.3)
        assert "openai:new" not in openclaw_files.read_store()["profiles"]
        proc.stdin.close()
        assert proc.stdout.readline() == "released\n"
        assert proc.wait(10) == 0
    finally:
        proc.kill()
        proc.wait()
    assert store.update(_add(), timeout=2) == "openai:new"
    assert "openai:new" in openclaw_files.read_store()["profiles"]
    assert path.stat().st_mode & 0o777 == 0o600


def test_lock_of_a_sigkilled_holder_is_released_by_the_kernel(openclaw_files):
    openclaw_files.write_store()
    lock = openclaw_files.paths().lock
    proc = _holder(lock)
    proc.kill()
    proc.wait()
    assert lock.exists()  # the killed holder could not clean up its lock file
    assert store.update(_add(), timeout=2) == "openai:new"
    assert not os.path.lexists(lock)


def test_hold_is_exclusive_between_threads(tmp_path):
    lock = tmp_path / "x.lock"
    inside = []
    overlap = []
    barrier = threading.Barrier(4)

    def worker():
        barrier.wait()
        for _ in range(25):
            with locking.hold(lock, timeout=20):
                inside.append(1)
                if len(inside) > 1:
                    overlap.append(True)
                inside.pop()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert overlap == []
    assert not os.path.lexists(lock)
