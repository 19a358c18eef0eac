"""The SQLite era's OAuth refresh lock is OpenClaw 9.6's: its path digest, its payload, its staleness rules
(judged here on real processes: dead, zombie, restarted under the same pid, alive for hours), its
take-over guard and retry schedule. tests/interop/test_refresh_lock96.py runs the same against 9.6's code."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openclaw_onboard.core import refresh_lock_sqlite as rl
from openclaw_onboard.core.errors import LockLostError, LockTimeoutError

ROOT = Path(__file__).resolve().parents[2]
TOKEN_LINE = re.compile(r"\n(\t{8}[ \t]{128})\n\Z")


def _iso(seconds_ago: float = 0.0) -> str:
    return rl.iso_now(datetime.now(UTC) - timedelta(seconds=seconds_ago))


def _write(path: Path, content: dict | bytes) -> None:
    """A lock file: bytes as given, a payload with a pid as 9.6 writes it, anything else as plain JSON."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if isinstance(content, bytes):
        raw = content
    elif "pid" in content:
        raw = rl.serialize_payload(content["pid"], content["createdAt"], content.get("starttime"),
                                   rl.new_ownership_token())
    else:
        raw = json.dumps(content).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, raw)
    os.close(fd)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def live() -> subprocess.Popen[bytes]:
    """A live process of ours, alive until the test ends (it waits on its stdin)."""
    proc = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    yield proc
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(30)


def _lock(state: Path) -> Path:
    return rl.lock_path(state, "openai-codex", "openai-codex:me@example.com")


# --- path and payload ----------------------------------------------------------------------------------

def test_the_lock_path_is_9_6s_digest_of_the_json_pair(tmp_path: Path) -> None:
    # The example read from 9.6 (openclaw-9.6-internals.md); tests/interop checks many more against 9.6.
    assert rl.lock_digest("openai", "openai:tp") == "6c75941e989dd2f3de4a2c3d32f984a3"
    path = rl.lock_path(tmp_path, "openai", "openai:tp")
    assert path == tmp_path / "locks" / "oauth-refresh" / "lock-6c75941e989dd2f3de4a2c3d32f984a3.lock"
    # The pair is a JSON tuple: no separator can make two pairs collide.
    assert rl.lock_digest("a:b", "c") != rl.lock_digest("a", "b:c")
    with pytest.raises(TypeError):
        rl.lock_digest("openai", None)  # type: ignore[arg-type]


def test_our_payload_is_what_9_6_writes() -> None:
    raw = rl.own_payload().decode()
    body, token = raw[: TOKEN_LINE.search(raw).start()], TOKEN_LINE.search(raw)[1]  # type: ignore[union-attr]
    data = json.loads(raw)  # the token line is JSON whitespace: JSON.parse reads the file as it is
    assert list(data) == ["pid", "createdAt", "starttime"] and data["pid"] == os.getpid()
    assert data["starttime"] == rl.process_starttime(os.getpid()) and isinstance(data["starttime"], int)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", data["createdAt"])
    assert body == json.dumps(data, indent=2) and raw == f"{body}\n{token}\n"
    assert rl.own_payload() != rl.own_payload().replace(b"\t", b" ")  # a fresh token each time


# --- staleness, on real processes ----------------------------------------------------------------------

def test_a_dead_holder_is_stale_with_or_without_starttime() -> None:
    pid = _dead_pid()
    assert rl.judge({"pid": pid, "createdAt": _iso()}).stale
    assert rl.judge({"pid": pid, "createdAt": _iso(), "starttime": 12345}).stale


def test_a_live_holder_is_never_taken_over_for_age(live: subprocess.Popen[bytes]) -> None:
    starttime = rl.process_starttime(live.pid)
    assert starttime is not None
    hours_old = {"pid": live.pid, "createdAt": _iso(10 * 3600), "starttime": starttime}
    assert not rl.judge(hours_old).stale
    assert not rl.judge({"pid": live.pid, "createdAt": _iso(10 * 3600)}).stale
    assert not rl.judge({"pid": live.pid, "createdAt": "not a date"}).stale


def test_a_pid_reused_by_another_process_is_stale(live: subprocess.Popen[bytes]) -> None:
    """The pid is alive but started at another time than the holder that wrote the lock."""
    starttime = rl.process_starttime(live.pid)
    assert starttime is not None
    verdict = rl.judge({"pid": live.pid, "createdAt": _iso(), "starttime": starttime + 1})
    assert verdict.stale and verdict.pid == live.pid


def test_a_zombie_holder_is_stale() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)  # exited, not reaped: a zombie
        assert rl.judge({"pid": proc.pid, "createdAt": _iso()}).stale
    finally:
        proc.wait()


def test_eperm_means_alive(monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(pid: int, sig: int) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(rl.os, "kill", denied)
    assert not rl.pid_definitely_dead(4242)


@pytest.mark.parametrize(("payload", "stale"), [
    ({"createdAt": "OLD"}, True),  # no pid: stale after 180 s
    ({"createdAt": "NEW"}, False),
    ({"createdAt": "not a date"}, True),  # Date.parse is NaN
    ({"pid": 0, "createdAt": "OLD"}, True),  # 0 is no pid
    ({"pid": "123", "createdAt": "NEW"}, False),  # a string is no pid
    ({}, False),  # no pid, no createdAt: 9.6 never removes it
    ({"pid": 2**40, "createdAt": "OLD"}, False),  # Node cannot signal it: alive
    (None, False),  # unparseable
])
def test_locks_without_a_usable_pid(payload: dict | None, stale: bool) -> None:
    if payload and payload.get("createdAt") in ("OLD", "NEW"):
        payload = {**payload, "createdAt": _iso(181 if payload["createdAt"] == "OLD" else 10)}
    assert rl.judge(payload).stale is stale


def test_no_pid_and_an_old_mtime_alone_is_not_stale(tmp_path: Path) -> None:
    """9.6 judges a lock without pid by its createdAt only; an old mtime alone changes nothing."""
    path = _lock(tmp_path)
    _write(path, {"createdAt": _iso(5)})
    os.utime(path, (time.time() - 3600, time.time() - 3600))
    assert not rl.inspect(path).stale
    path.unlink()
    _write(path, {"createdAt": _iso(3600)})
    assert rl.inspect(path).stale


@pytest.mark.parametrize("raw", [b"", b"garbage", b"[1, 2]", b'{"pid": NaN}', b"\xef\xbb\xbf{}", b"\xff\xfe",
                                 b'{"pid": ' * 5000])
def test_hostile_contents_never_crash_and_are_never_stale(tmp_path: Path, raw: bytes) -> None:
    path = _lock(tmp_path)
    _write(path, raw)
    info = rl.inspect(path)
    assert info.exists and not info.stale
    with pytest.raises(LockTimeoutError, match="no process"):
        rl.acquire(path, timeout=0.2)
    assert path.read_bytes() == raw


def test_dates_as_javascript_reads_them() -> None:
    assert rl.js_date_parse_ms("2024-01-01T10:00:00.123Z") == 1704103200123
    assert rl.js_date_parse_ms("2024-01-01t10:00:00.123456z") == 1704103200123
    assert rl.js_date_parse_ms("2024-01-01T10:00:00+0100") == 1704099600000
    assert rl.js_date_parse_ms("+002024-01-01T00:00:00Z") == 1704067200000
    assert rl.js_date_parse_ms("2024-02-30") == 1709251200000  # V8 rolls the day over
    assert rl.js_date_parse_ms("2024") == 1704067200000
    for bad in ("2024-13-01", "2024-01-01T25:00:00Z", "2024-01-01T10:00:00+01", "-000000-01-01T00:00:00Z", " 2024"):
        assert rl.js_date_parse_ms(bad) is None


# --- acquiring and releasing ---------------------------------------------------------------------------

def test_held_lock_is_private_ours_and_gone_after(tmp_path: Path) -> None:
    path = _lock(tmp_path)
    with rl.hold(tmp_path, "openai-codex", "openai-codex:me@example.com") as held:
        assert held.path == path and held.is_ours()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700
        assert json.loads(path.read_bytes())["pid"] == os.getpid()
        assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # the temp file is gone
        held.ensure_held()
    assert not path.exists() and list(path.parent.iterdir()) == []


def test_release_leaves_a_lock_that_is_no_longer_ours(tmp_path: Path) -> None:
    path = _lock(tmp_path)
    held = rl.acquire(path)
    path.unlink()
    _write(path, {"pid": os.getpid(), "createdAt": _iso()})  # someone else's lock now
    other = path.read_bytes()
    with pytest.raises(LockLostError):
        held.ensure_held()
    held.release()
    assert path.read_bytes() == other


def test_a_stale_lock_is_taken_over_under_the_guard(tmp_path: Path) -> None:
    path = _lock(tmp_path)
    _write(path, {"pid": _dead_pid(), "createdAt": _iso(), "starttime": 1})
    with rl.hold(tmp_path, "openai-codex", "openai-codex:me@example.com") as held:
        assert held.is_ours()
        assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no guard, no aside copy left
    assert list(path.parent.iterdir()) == []


def test_a_take_over_in_progress_makes_us_wait(tmp_path: Path) -> None:
    """While `<lock>.reclaim` stands (another process is replacing a stale lock) nobody creates the lock."""
    path = _lock(tmp_path)
    path.parent.mkdir(parents=True, mode=0o700)
    guard = path.with_name(path.name + ".reclaim")
    guard.mkdir()
    with pytest.raises(LockTimeoutError, match=r"\.reclaim"):
        rl.acquire(path, timeout=0.3)
    assert not path.exists() and guard.is_dir()


@pytest.mark.parametrize("kind", ["symlink", "directory"])
def test_a_non_file_at_the_lock_path_stops_at_once(tmp_path: Path, kind: str) -> None:
    path = _lock(tmp_path)
    path.parent.mkdir(parents=True, mode=0o700)
    target = tmp_path / "elsewhere"
    target.write_text("keep")
    if kind == "symlink":
        path.symlink_to(target)
    else:
        path.mkdir()
    started = time.monotonic()
    with pytest.raises(rl.LockPathBlockedError, match=f"a {kind}"):
        rl.acquire(path, timeout=30)
    assert time.monotonic() - started < 5 and target.read_text() == "keep"


def _holder(state: Path) -> subprocess.Popen[str]:
    """Our lock held by another process of ours until its stdin closes; it says `held` first."""
    code = ("import sys; from openclaw_onboard.core import refresh_lock_sqlite as rl\n"
            "with rl.hold(sys.argv[1], 'openai-codex', 'openai-codex:me@example.com'):\n"
            "    print('held', flush=True); sys.stdin.read()\n"
            "print('released', flush=True)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(state)], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    return proc


def test_a_live_holder_makes_us_wait_then_we_get_it(tmp_path: Path) -> None:
    holder = _holder(tmp_path)
    assert holder.stdin is not None and holder.stdout is not None
    with pytest.raises(LockTimeoutError, match=f"process {holder.pid}"):
        rl.acquire(_lock(tmp_path), timeout=0.3)
    seen = []

    def release_holder(info: rl.LockInfo | None) -> None:
        # Called when our first attempt found the lock taken: only now does the holder let go.
        seen.append(info)
        holder.stdin.close()  # type: ignore[union-attr]
        assert holder.stdout.readline() == "released\n"  # type: ignore[union-attr]

    with rl.hold(tmp_path, "openai-codex", "openai-codex:me@example.com", timeout=60,
                 on_wait=release_holder) as held:
        assert held.is_ours()
    assert len(seen) == 1 and seen[0] is not None and seen[0].pid == holder.pid and seen[0].live
    assert holder.wait(30) == 0


def test_the_wait_follows_9_6s_schedule(tmp_path: Path, live: subprocess.Popen[bytes],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """20 retries, 100 ms doubling to 10 s, each times 1..2 (capped at 10 s); no clock limit by default."""
    path = _lock(tmp_path)
    _write(path, {"pid": live.pid, "createdAt": _iso(), "starttime": rl.process_starttime(live.pid)})
    delays: list[float] = []
    monkeypatch.setattr(rl.time, "sleep", delays.append)
    with pytest.raises(LockTimeoutError):
        rl.acquire(path)
    assert len(delays) == rl.RETRIES
    for attempt, delay in enumerate(delays):
        base = min(10.0, 0.1 * 2**attempt)
        assert base <= delay <= min(10.0, 2 * base)


def test_the_environment_bounds_the_wait(tmp_path: Path, live: subprocess.Popen[bytes],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path = _lock(tmp_path)
    _write(path, {"pid": live.pid, "createdAt": _iso()})
    monkeypatch.setenv(rl.TIMEOUT_ENV, "0.3")
    started = time.monotonic()
    with pytest.raises(LockTimeoutError, match=f"process {live.pid}"):
        rl.acquire(path, timeout=120)  # the variable wins: tests bound every waiter with it
    assert time.monotonic() - started < 10
    monkeypatch.setenv(rl.TIMEOUT_ENV, "nonsense")
    assert rl.default_timeout() is None


def test_hold_is_reentrant_within_a_thread_and_exclusive_across_threads(tmp_path: Path) -> None:
    path = _lock(tmp_path)
    other: list[BaseException] = []

    def contend() -> None:
        try:
            rl.acquire(path, timeout=0.2)
        except LockTimeoutError as exc:
            other.append(exc)

    with rl.hold(tmp_path, "openai-codex", "openai-codex:me@example.com") as outer, \
            rl.hold(tmp_path, "openai-codex", "openai-codex:me@example.com") as inner:
        assert inner is outer and outer.depth == 2
        thread = threading.Thread(target=contend)
        thread.start()
        thread.join()
        assert path.exists()
    assert len(other) == 1 and not path.exists()


def test_temp_files_a_killed_process_left_are_cleared(tmp_path: Path, live: subprocess.Popen[bytes]) -> None:
    path = _lock(tmp_path)
    path.parent.mkdir(parents=True, mode=0o700)
    dead_tmp = path.with_name(f"{rl.TEMP_PREFIX}{path.name}.{_dead_pid()}.0123456789ab")
    live_tmp = path.with_name(f"{rl.TEMP_PREFIX}{path.name}.{live.pid}.0123456789ab")
    other = path.with_name(f"{rl.TEMP_PREFIX}lock-other.lock.{_dead_pid()}.0123456789ab")
    for p in (dead_tmp, live_tmp, other):
        p.write_bytes(b"{}")
    rl.acquire(path).release()
    assert sorted(p.name for p in path.parent.iterdir()) == sorted([live_tmp.name, other.name])


def test_a_full_disk_fails_clearly_and_leaves_no_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openclaw_onboard.core.fsio import WriteError

    def full(fd: int, data: bytes, offset: int) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rl.os, "pwrite", full)
    path = _lock(tmp_path)
    with pytest.raises(WriteError, match="No space left"):
        rl.acquire(path)
    assert list(path.parent.iterdir()) == []  # no empty lock that 9.6 would wait on forever, no temp
