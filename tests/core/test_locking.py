"""Our lock is OpenClaw 4.26's: an O_EXCL sidecar file `X.lock` holding {pid, createdAt}.

These tests write OpenClaw's lock files by hand (byte for byte as its file-lock does); the
interop suite (tests/interop) proves the same against the real OpenClaw processes.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from openclaw_onboard.core import locking, store
from openclaw_onboard.core.errors import LockLostError, LockTimeoutError
from openclaw_onboard.core.models import ApiKeyCredential

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _add(pid="openai:new"):
    def mutate(s):
        s.profiles[pid] = ApiKeyCredential(provider=pid.split(":")[0], key="sk-new")
        return pid

    return mutate


def _iso(seconds_ago: float = 0.0) -> str:
    t = datetime.now(UTC) - timedelta(seconds=seconds_ago)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _openclaw_lock(path, pid: int, seconds_ago: float = 0.0) -> None:
    """A lock file exactly as OpenClaw's acquireFileLock writes it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    os.write(fd, json.dumps({"pid": pid, "createdAt": _iso(seconds_ago)}, indent=2).encode())
    os.close(fd)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_our_lock_file_has_openclaws_shape_and_is_gone_after_release(openclaw_files):
    openclaw_files.write_store()
    lock = openclaw_files.paths().lock
    with locking.hold(lock):
        raw = lock.read_bytes()
        data = json.loads(raw)
        assert set(data) == {"pid", "createdAt"} and data["pid"] == os.getpid()
        assert raw.startswith(b'{\n  "pid": ') and not raw.endswith(b"\n")
        parsed = datetime.fromisoformat(data["createdAt"])
        assert data["createdAt"].endswith("Z") and abs((datetime.now(UTC) - parsed).total_seconds()) < 5
        assert lock.stat().st_mode & 0o777 == 0o600
    assert not os.path.lexists(lock)


def test_live_openclaw_lock_makes_update_wait_then_time_out_and_is_never_broken(openclaw_files):
    path = openclaw_files.write_store()
    before = path.read_bytes()
    lock = openclaw_files.paths().lock
    _openclaw_lock(lock, os.getppid(), seconds_ago=20)  # a live holder, 20 s in: not stale
    held = lock.read_bytes()
    started = time.monotonic()
    with pytest.raises(LockTimeoutError) as err:
        store.update(_add(), timeout=0.4)
    assert time.monotonic() - started >= 0.4
    assert str(lock) in str(err.value) and f"process {os.getppid()}" in str(err.value)
    assert lock.read_bytes() == held
    assert path.read_bytes() == before


@pytest.mark.parametrize("case", ["dead pid", "old createdAt", "bad createdAt", "old mtime, no payload"])
def test_stale_openclaw_lock_is_taken_over(openclaw_files, case):
    openclaw_files.write_store()
    lock = openclaw_files.paths().lock
    if case == "dead pid":
        _openclaw_lock(lock, _dead_pid())
    elif case == "old createdAt":
        _openclaw_lock(lock, os.getppid(), seconds_ago=31)  # OpenClaw steals even from a live holder
    elif case == "bad createdAt":
        lock.write_text(json.dumps({"pid": os.getppid(), "createdAt": "yesterday-ish"}))
    else:
        lock.write_bytes(b"")  # created, payload not written yet; then its writer died long ago
        t = time.time() - 31
        os.utime(lock, (t, t))
    assert store.update(_add(), timeout=2) == "openai:new"
    assert "openai:new" in openclaw_files.read_store()["profiles"]
    assert not os.path.lexists(lock)


def test_empty_fresh_lock_is_live(openclaw_files):
    """OpenClaw opens the file, then writes: an empty fresh file is a holder mid-acquire."""
    openclaw_files.write_store()
    lock = openclaw_files.paths().lock
    lock.write_bytes(b"")
    with pytest.raises(LockTimeoutError):
        store.update(_add(), timeout=0.3)
    assert lock.exists()


def test_live_holder_within_stale_age_of_refresh_lock_is_respected(tmp_path):
    lock = tmp_path / "sha256-x.lock"
    _openclaw_lock(lock, os.getppid(), seconds_ago=100)  # stale for a store lock, not for a refresh lock
    with pytest.raises(LockTimeoutError), locking.hold(lock, 0.3, stale_s=locking.REFRESH_STALE_S):
        pass
    with locking.hold(lock, 1, stale_s=locking.STORE_STALE_S):
        pass


def test_a_directory_at_the_lock_path_times_out_with_a_clear_message(openclaw_files):
    openclaw_files.write_store()
    lock = openclaw_files.paths().lock
    lock.mkdir()
    t = time.time() - 100
    os.utime(lock, (t, t))
    with pytest.raises(LockTimeoutError) as err:
        store.update(_add(), timeout=0.3)
    assert "directory" in str(err.value)
    assert lock.is_dir()


def test_release_never_deletes_a_lock_that_is_no_longer_ours(tmp_path):
    lock = tmp_path / "x.lock"
    with locking.hold(lock, 1) as held:
        os.unlink(lock)  # taken over (as OpenClaw does after 30 s) ...
        _openclaw_lock(lock, os.getppid())  # ... by a live holder
        assert not held.is_ours()
        with pytest.raises(LockLostError):
            held.ensure_fresh()
    assert lock.exists()  # the new holder's lock survives our release


def test_stale_takeover_puts_back_a_lock_that_was_replaced_meanwhile(tmp_path):
    """The judge-then-remove race: what we move aside must be the file we judged stale."""
    lock = tmp_path / "x.lock"
    _openclaw_lock(lock, _dead_pid())
    info = locking.inspect(lock, 30)
    assert info.stale
    os.unlink(lock)
    _openclaw_lock(lock, os.getppid())  # a live holder got in between our judgement and our move
    live = lock.read_bytes()
    original = locking.inspect
    try:
        locking.inspect = lambda path, stale_s: info  # replay the stale judgement of the old file
        assert locking.remove_if_stale(lock, 30) is False
    finally:
        locking.inspect = original
    assert lock.read_bytes() == live
    assert not [p for p in tmp_path.iterdir() if ".stale-" in p.name]


def test_holding_past_half_the_stale_age_refuses_to_write(openclaw_files, monkeypatch):
    path = openclaw_files.write_store()
    before = path.read_bytes()
    monkeypatch.setattr(locking.HeldLock, "held_s", property(lambda self: locking.STORE_STALE_S / 2 + 1))
    with pytest.raises(LockLostError):
        store.update(_add(), timeout=0.5)  # it retries until the deadline: the default 10 s only slowed the suite
    assert path.read_bytes() == before


HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from openclaw_onboard.core import locking
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


def test_lock_of_a_sigkilled_holder_is_taken_over_at_once(openclaw_files):
    openclaw_files.write_store()
    lock = openclaw_files.paths().lock
    proc = _holder(lock)
    proc.kill()
    proc.wait()
    assert lock.exists()  # the killed holder could not clean up its lock file
    started = time.monotonic()
    assert store.update(_add(), timeout=5) == "openai:new"
    assert time.monotonic() - started < 2  # its pid is dead: stale now, not in 30 s
    assert not os.path.lexists(lock)


def test_hold_is_exclusive_between_threads_and_reentrant_within_one(tmp_path):
    lock = tmp_path / "x.lock"
    inside = []
    overlap = []
    barrier = threading.Barrier(4)

    def worker():
        barrier.wait()
        for _ in range(25):
            with locking.hold(lock, timeout=20), locking.hold(lock, timeout=20):
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


def test_symlink_at_the_lock_path_is_never_followed(tmp_path):
    target = tmp_path / "victim"
    target.write_text("keep")
    lock = tmp_path / "x.lock"
    lock.symlink_to(target)
    with pytest.raises(LockTimeoutError), locking.hold(lock, 0.2):
        pass
    assert target.read_text() == "keep"


def test_lock_appears_with_its_payload_and_leaves_no_temp(tmp_path):
    """Created by linking a finished temp file: never an empty lock a killed holder could leave behind."""
    lock = tmp_path / "x.lock"
    seen = []
    stop = threading.Event()
    watched = threading.Event()

    def watch():
        while not stop.is_set():
            with contextlib.suppress(FileNotFoundError):
                seen.append(lock.read_bytes())
                watched.set()

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with locking.hold(lock, 5):  # the watcher really reads a lock at least once (not a vacuous "all")
            assert watched.wait(10)
        for _ in range(200):
            with locking.hold(lock, 5):
                pass
    finally:
        stop.set()
        watcher.join(10)
    assert seen and all(b'"pid"' in data for data in seen)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_doctor_removes_an_old_lock_temp_but_never_a_fresh_one(tmp_path):
    from openclaw_onboard.core import doctor
    from openclaw_onboard.core.paths import agent_paths

    store.update(_add(), state=tmp_path)
    agent_dir = agent_paths("main", tmp_path).agent_dir
    old = agent_dir / f"{locking.LOCK_TEMP_PREFIX}auth-profiles.json.lock.123.abc"
    fresh = agent_dir / f"{locking.LOCK_TEMP_PREFIX}auth-profiles.json.lock.456.def"
    for p in (old, fresh):
        p.write_text('{"pid": 1}')
    t = time.time() - 120
    os.utime(old, (t, t))
    found = [f for f in doctor.run_checks(tmp_path, env={}, now_ms=0) if f.check == "temp-file"]
    assert [f.subject for f in found] == [str(old)]
    doctor.apply_fixes(found)
    assert not old.exists() and fresh.exists()


# ---- hostile lock contents (issue 24.4): anyone who can write the lock dir can plant any payload

@pytest.mark.parametrize("payload", [
    '{"pid": 1, "createdAt": "0001-01-01T00:00:00"}',
    '{"pid": 1, "createdAt": "0001-01-01T00:00:00+05:00"}',
    '{"pid": 1, "createdAt": "9999-12-31T23:59:59-23:59"}',
    '{"pid": NaN, "createdAt": "2020-01-01T00:00:00Z"}',
    '{"pid": Infinity, "createdAt": "2020-01-01T00:00:00Z"}',
    '{"pid": 1e308, "createdAt": "2020-01-01T00:00:00Z"}',
    '{"pid": 1.5, "createdAt": "2020-01-01T00:00:00Z"}',
    '{"pid": 1, "createdAt": "2020-01-01T00:00:00\\u0000"}',
])
def test_a_planted_lock_payload_never_crashes_a_writer_or_doctor(openclaw_files, state_dir, payload):
    from openclaw_onboard.core import doctor

    openclaw_files.write_store()
    lock = openclaw_files.paths().lock
    lock.write_text(payload)
    findings = doctor.run_checks(state_dir)  # must not raise
    assert all("Traceback" not in str(f.message) for f in findings)
    try:
        store.update(_add(), timeout=0.3)
    except LockTimeoutError as exc:  # a live-looking lock: a clear refusal, never a negative age
        assert "-" not in str(exc).split("waiting for the lock")[1].split(str(lock))[1].split("(")[0]
    else:
        assert "openai:new" in openclaw_files.read_store()["profiles"]


def test_a_lock_dated_in_the_future_is_named_and_doctor_reports_and_fixes_it(openclaw_files, state_dir):
    from openclaw_onboard.core import doctor

    openclaw_files.write_store()
    lock = openclaw_files.paths().lock
    lock.write_text(json.dumps({"pid": 1, "createdAt": "2999-01-01T00:00:00.000Z"}, indent=2))
    future = time.time() + 10 * 365 * 86400
    os.utime(lock, (future, future))
    with pytest.raises(LockTimeoutError) as err:  # as OpenClaw: a future date never ages out by itself
        store.update(_add(), timeout=0.3)
    assert "future" in str(err.value) and "held it for -" not in str(err.value)
    findings = [f for f in doctor.run_checks(state_dir) if f.check == "lock"]
    assert [f.subject for f in findings] == [str(lock)] and "future" in str(findings[0].message)
    assert findings[0].fixable
    doctor.apply_fixes(findings)
    assert not os.path.lexists(lock)
    assert store.update(_add(), timeout=2) == "openai:new"


def test_doctor_keeps_a_future_lock_that_changed_after_it_was_judged(tmp_path):
    lock = tmp_path / "x.lock"
    lock.write_text(json.dumps({"pid": 1, "createdAt": "2999-01-01T00:00:00.000Z"}))
    info = locking.inspect(lock, locking.STORE_STALE_S)
    assert info.future and not info.stale
    _openclaw_lock(tmp_path / "y.lock", os.getppid())
    os.replace(tmp_path / "y.lock", lock)  # a real holder took its place meanwhile
    assert not locking.remove_if_future(lock, locking.STORE_STALE_S)
    assert lock.exists()


# ---- the queue file (issue 24.8): anything but a regular file in its place

@pytest.mark.parametrize("kind", ["directory", "symlink", "fifo", "dangling symlink"])
def test_a_queue_file_that_is_no_regular_file_is_refused_clearly_and_doctor_clears_it(
        openclaw_files, state_dir, kind):
    from openclaw_onboard.core import doctor
    from openclaw_onboard.core.errors import UnsafePathError

    openclaw_files.write_store()
    queue = openclaw_files.paths().lock_queue
    queue.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    if kind == "directory":
        queue.mkdir()
        (queue / "something").write_text("x")
    elif kind == "fifo":
        os.mkfifo(queue, 0o600)
    else:
        target = state_dir / "elsewhere"
        if kind == "symlink":
            target.write_text("")
            target.chmod(0o600)
        queue.symlink_to(target)
    started = time.monotonic()
    with pytest.raises(UnsafePathError) as err:
        store.update(_add(), timeout=5)
    assert time.monotonic() - started < 4  # refused, not timed out
    assert str(queue) in str(err.value) and "queue file" in str(err.value)
    findings = [f for f in doctor.run_checks(state_dir) if f.subject == str(queue)]
    assert len(findings) == 1 and "queue file" in str(findings[0].message)
    doctor.apply_fixes(findings)
    assert not os.path.lexists(queue)
    assert store.update(_add(), timeout=5) == "openai:new"
    if kind == "symlink":
        assert (state_dir / "elsewhere").read_text() == ""  # the link's target was never touched
