"""The SQLite era's OAuth refresh lock and fences against the real OpenClaw 2026.9.6's own code
(`oc96_refresh.mjs` calls its functions from its dist/): the lock file name for many (provider, profile)
pairs, the payload, the staleness verdicts on real processes, the fences; and both tools' locks made to
wait for each other across processes, synchronised on the lines the processes print (no sleeps)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openclaw_onboard.core import fences
from openclaw_onboard.core import refresh_lock_sqlite as rl
from openclaw_onboard.core.errors import LockTimeoutError
from openclaw_onboard.core.jsjson import js_stringify

from tests.interop.conftest import OpenClawPeer, RunningBridge
from tests.interop.peers import Peers

SCRIPT = Path(__file__).with_name("oc96_refresh.mjs")
TOKEN_LINE = re.compile(r"\n(\t{8}[ \t]{128})\n\Z")
PROVIDER, PROFILE = "openai-codex", "openai-codex:me@example.com"
TRICKY = ['"', "\\", "\u2028", "\u2029", "\x7f", "\x00", "\x1f", "\n", "\ud800", "\udfff", "\ud83d", "\ude00",
          "é", "😀", "中", "\ufeff", "/", "<", "'"]


def _env(peers: Peers, state: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENCLAW_", "npm_"))}
    env.update({"OPENCLAW_STATE_DIR": str(state), "OPENCLAW_DIST": str(peers.dist), "NO_COLOR": "1",
                "OPENCLAW_DISABLE_BUNDLED_PLUGINS": "1", "npm_config_offline": "true"})
    return env


def _node(peers: Peers, state: Path, *args: str, stdin: Any = None) -> Any:
    """One run of 9.6's code; its last output line as JSON."""
    res = subprocess.run([str(peers.node), str(SCRIPT), *args], capture_output=True, text=True, timeout=180,
                         env=_env(peers, state), input=None if stdin is None else json.dumps(stdin))
    assert res.returncode == 0, res.stderr[-3000:]
    return json.loads(res.stdout.strip().split("\n")[-1])  # not splitlines: U+0085, U+2028 are no line ends here


def _start(peers: Peers, state: Path, *args: str) -> RunningBridge:
    proc = subprocess.Popen([str(peers.node), str(SCRIPT), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env(peers, state))
    return RunningBridge(proc)


@pytest.fixture
def live() -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    yield proc
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(30)


# --- the lock file name --------------------------------------------------------------------------------

def _our_names(pairs: list[tuple[str, str]]) -> list[str]:
    return [f"lock-{rl.lock_digest(provider, profile)}" for provider, profile in pairs]


def test_lock_names_are_9_6s_for_tricky_ids(peers96: Peers, tmp_path: Path) -> None:
    pairs = [("openai", "openai:tp"), ("", ""), (PROVIDER, PROFILE)]
    pairs += [(f"p{ch}", f"id{ch}x") for ch in TRICKY] + [("".join(TRICKY), "".join(reversed(TRICKY)))]
    pairs += [("\ud83d\ude00", "\ud83d"), ("a:b", "c"), ("a", "b:c"), ("x" * 5000, "y")]
    assert _our_names(pairs) == _node(peers96, tmp_path, "lock-names", stdin=pairs)


ids = st.text(st.characters() | st.sampled_from(TRICKY), max_size=40)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(ids, ids), min_size=40, max_size=40))
def test_lock_names_are_9_6s_for_any_ids(peers96: Peers, tmp_path: Path, pairs: list[tuple[str, str]]) -> None:
    assert _our_names(pairs) == _node(peers96, tmp_path, "lock-names", stdin=pairs)


def test_lock_path_is_9_6s(peers96: Peers, state_dir: Path) -> None:
    assert _node(peers96, state_dir, "lock-path", PROVIDER, PROFILE)["path"] == str(
        rl.lock_path(state_dir, PROVIDER, PROFILE))


# --- the payload and the staleness verdicts --------------------------------------------------------------

def test_payload_and_start_times_are_9_6s(peers96: Peers, tmp_path: Path, live: subprocess.Popen[bytes]) -> None:
    found = _node(peers96, tmp_path, "payload", str(os.getpid()), str(live.pid), "1")
    raw = found["raw"]
    token = TOKEN_LINE.search(raw)[1]  # type: ignore[index]
    created = json.loads(raw)["createdAt"]
    assert rl.serialize_payload(found["pid"], created, found["starttime"], token).decode() == raw
    assert found["starttime"] == json.loads(raw)["starttime"]
    assert found["others"] == [rl.process_starttime(os.getpid()), rl.process_starttime(live.pid),
                               rl.process_starttime(1)]
    assert rl.parse_payload(raw.encode()) == json.loads(raw)


def test_staleness_verdicts_are_9_6s(peers96: Peers, tmp_path: Path, live: subprocess.Popen[bytes]) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    os.waitid(os.P_PID, zombie.pid, os.WEXITED | os.WNOWAIT)
    start = rl.process_starttime(live.pid)
    assert start is not None
    old, new = "2020-01-01T00:00:00.000Z", rl.iso_now()
    raws = [
        rl.serialize_payload(dead.pid, new, 1, rl.new_ownership_token()).decode(),
        rl.serialize_payload(live.pid, old, start, rl.new_ownership_token()).decode(),  # alive for years: held
        rl.serialize_payload(live.pid, new, start + 7, rl.new_ownership_token()).decode(),  # pid reused
        rl.serialize_payload(live.pid, old, None, rl.new_ownership_token()).decode(),
        rl.serialize_payload(zombie.pid, new, None, rl.new_ownership_token()).decode(),
        f'{{"pid": {live.pid}.0, "createdAt": "{old}"}}',
        f'{{"pid": {live.pid}, "createdAt": "{new}", "starttime": {start}.5}}',
        json.dumps({"pid": 2**40, "createdAt": old}),
        json.dumps({"pid": -5, "createdAt": old}), json.dumps({"pid": 0, "createdAt": new}),
        json.dumps({"pid": str(dead.pid), "createdAt": new}), json.dumps({"pid": True, "createdAt": old}),
        json.dumps({"createdAt": old}), json.dumps({"createdAt": new}), json.dumps({"createdAt": "nonsense"}),
        json.dumps({"createdAt": "2020-01-01"}), json.dumps({"createdAt": 5}), "{}", "", "garbage", "[1]",
        '{"pid": NaN}', '"text"', "null", "\ufeff{}", '{"pid": 1e400, "createdAt": "x"}',
    ]
    try:
        theirs = _node(peers96, tmp_path, "stale", stdin=[{"raw": raw} for raw in raws])
        ours = [rl.judge(rl.parse_payload(raw.encode())).stale for raw in raws]
    finally:
        zombie.wait()
    assert ours == theirs
    assert theirs[:5] == [True, False, True, False, True]


# --- fences --------------------------------------------------------------------------------------------

CREDENTIALS: list[tuple[str, dict[str, Any]]] = [
    ("openai-codex:me@example.com", {"type": "oauth", "provider": "openai-codex", "access": "eyJ.a.b",
                                     "refresh": "rt_1", "expires": 1767225600000, "email": "me@example.com",
                                     "accountId": "acct"}),
    ("anthropic:claude-cli", {"type": "oauth", "provider": "anthropic", "access": "é😀\"\\\u2028",
                              "refresh": "\x00\x7f", "expires": 2, "idToken": "x", "oauthRef": {"source": "y"},
                              "copyToAgents": ["a"], "2": "indexed", "1": None}),
    ("p:missing", {"type": "oauth", "provider": "p", "refresh": "r"}),  # no access: null in the digest
    ("p:numbers", {"provider": "p", "access": 12345678901234567890, "refresh": 1e-7, "type": "oauth"}),
    ("p:noprovider", {"type": "oauth", "access": "a", "refresh": "r", "expires": 1}),
    ("\ud800", {"type": "oauth", "provider": "\udfff", "access": ["a", {"b": 1}], "refresh": True}),
]


def _compare_fences(peers: Peers, state: Path, items: list[tuple[str, dict[str, Any]]]) -> None:
    theirs = _node(peers, state, "fences", stdin=[{"profileId": p, "credential": c} for p, c in items])
    for (profile_id, credential), result in zip(items, theirs, strict=True):
        their_fence = json.loads(result["fence"])
        claim_id = their_fence["access"].split(":")[2]
        ours = fences.create_fence(profile_id, credential, claim_id)
        assert js_stringify(ours) == result["fence"]
        assert js_stringify(fences.failed_fence(ours)) == result["failed"]
        assert (fences.parse_fence(ours) is not None, fences.must_wait(ours)) == (result["isFence"],
                                                                                 result["isPending"])
        failed = fences.failed_fence(ours)
        assert (fences.parse_fence(failed) is not None, fences.must_wait(failed)) == (result["failedIsFence"],
                                                                                     result["failedIsPending"])


def test_fences_are_9_6s(peers96: Peers, tmp_path: Path) -> None:
    _compare_fences(peers96, tmp_path, CREDENTIALS)


secrets_ = st.text(st.characters() | st.sampled_from(TRICKY), max_size=60)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(ids, st.fixed_dictionaries({"type": st.just("oauth"), "provider": ids, "access": secrets_,
                                                      "refresh": secrets_, "expires": st.integers(0, 2**53)})),
                min_size=25, max_size=25))
def test_fences_are_9_6s_for_any_secret(peers96: Peers, tmp_path: Path,
                                        items: list[tuple[str, dict[str, Any]]]) -> None:
    _compare_fences(peers96, tmp_path, items)


def test_fence_reading_is_9_6s(peers96: Peers, tmp_path: Path) -> None:
    pending = fences.create_fence("p:x", {"type": "oauth", "provider": "p", "access": "a", "refresh": "r"},
                                  "0123456789abcdef0123456789abcdef")
    failed = fences.failed_fence(pending)
    other = fences.create_fence("p:x", {"type": "oauth", "provider": "p", "access": "a", "refresh": "r"},
                                "f" * 32)
    cases = [pending, failed, {**pending, "expires": True}, {**pending, "expires": "1"}, {**pending, "expires": 1.0},
             {**pending, "expires": 2}, {**pending, "type": "token"}, {**pending, "refresh": other["refresh"]},
             {**pending, "refresh": failed["refresh"]}, {**pending, "access": pending["refresh"]},
             {**pending, "access": pending["access"].upper()}, {**pending, "access": pending["access"] + "\n"},
             {**pending, "access": None}, {**failed, "access": pending["access"]}, {"type": "oauth"}]
    theirs = _node(peers96, tmp_path, "classify", stdin=cases)
    ours = [{"fence": fences.parse_fence(c) is not None, "pending": fences.must_wait(c)} for c in cases]
    assert ours == theirs
    assert theirs[:2] == [{"fence": True, "pending": True}, {"fence": True, "pending": False}]


# --- the two tools' locks, across processes ------------------------------------------------------------

def test_a_9_6_holder_makes_ours_wait_until_it_lets_go(openclaw96: OpenClawPeer, state_dir: Path) -> None:
    holder = _start(openclaw96.peers, state_dir, "hold", PROVIDER, PROFILE)
    held = holder.read()
    assert held["held"] is True
    path = rl.lock_path(state_dir, PROVIDER, PROFILE)
    theirs = path.read_bytes()
    assert json.loads(theirs)["pid"] == held["pid"]
    with pytest.raises(LockTimeoutError, match=f"process {held['pid']}"):
        rl.acquire(path, timeout=0.5)
    assert path.read_bytes() == theirs  # a live 9.6 lock is never broken
    released: list[dict[str, Any]] = []

    def let_go(info: rl.LockInfo | None) -> None:
        # Our first attempt found 9.6's lock: only now does 9.6 release it.
        assert info is not None and info.pid == held["pid"] and info.live
        assert holder.proc.stdin is not None
        holder.proc.stdin.close()
        released.extend([holder.read(), holder.read()])

    with rl.hold(state_dir, PROVIDER, PROFILE, timeout=60, on_wait=let_go) as ours:
        got_ms = time.time() * 1000
        assert ours.is_ours()
    assert [sorted(r) for r in released] == [["at", "releasing"], ["at", "released"]]
    assert got_ms >= released[0]["at"]
    assert holder.finish() == 0


def test_our_lock_makes_9_6_wait_until_we_let_go(peers96: Peers, state_dir: Path) -> None:
    with rl.hold(state_dir, PROVIDER, PROFILE) as held:
        busy = _node(peers96, state_dir, "take", PROVIDER, PROFILE, "2")
        assert busy["acquired"] is False and busy["code"] == "file_lock_timeout"
        assert held.is_ours()
        waiter = _start(peers96, state_dir, "take", PROVIDER, PROFILE)  # 9.6's full 20 retries
        assert waiter.read()["retrying"] is True  # its first attempt found our lock
        assert held.is_ours()
        # Still ours here, so 9.6 cannot have it yet. Whole ms, as its Date.now(): in the ms of our release
        # its time equals ours (a float with sub-ms digits made this fail once by 0.03 ms).
        still_held_ms = int(time.time() * 1000)
    got = waiter.read()
    assert got["acquired"] is True and got["at"] >= still_held_ms
    assert got["lockPath"] == str(rl.lock_path(state_dir, PROVIDER, PROFILE))
    assert json.loads(got["raw"])["pid"] == waiter.proc.pid
    assert waiter.finish() == 0


def test_both_take_a_dead_holders_lock_over_and_neither_a_live_one(peers96: Peers, state_dir: Path,
                                                                    live: subprocess.Popen[bytes]) -> None:
    path = rl.lock_path(state_dir, PROVIDER, PROFILE)
    path.parent.mkdir(parents=True, mode=0o700)
    years_old = rl.serialize_payload(live.pid, "2020-01-01T00:00:00.000Z", rl.process_starttime(live.pid),
                                     rl.new_ownership_token())
    path.write_bytes(years_old)
    assert _node(peers96, state_dir, "take", PROVIDER, PROFILE, "1")["acquired"] is False
    with pytest.raises(LockTimeoutError, match=f"process {live.pid}"):
        rl.acquire(path, timeout=0.3)
    assert path.read_bytes() == years_old
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    for taker in ("9.6", "ours"):
        path.write_bytes(rl.serialize_payload(dead.pid, rl.iso_now(), 1, rl.new_ownership_token()))
        if taker == "9.6":
            assert _node(peers96, state_dir, "take", PROVIDER, PROFILE, "0")["acquired"] is True
        else:
            rl.acquire(path, timeout=5).release()
        assert sorted(p.name for p in path.parent.iterdir()) == []


def test_our_take_over_guard_makes_9_6_wait(peers96: Peers, state_dir: Path) -> None:
    path = rl.lock_path(state_dir, PROVIDER, PROFILE)
    path.parent.mkdir(parents=True, mode=0o700)
    guard = path.with_name(path.name + rl.RECLAIM_SUFFIX)
    guard.mkdir(mode=0o700)  # as _take_over makes it
    busy = _node(peers96, state_dir, "take", PROVIDER, PROFILE, "2")
    assert busy["acquired"] is False and busy["code"] == "file_lock_timeout" and not path.exists()
    guard.rmdir()
    assert _node(peers96, state_dir, "take", PROVIDER, PROFILE, "0")["acquired"] is True


COUNTER = """
import sys, time
from openclaw_onboard.core import refresh_lock_sqlite as rl
state, provider, profile, counter, n = sys.argv[1:6]
print("ready", flush=True)
sys.stdin.readline()
for _ in range(int(n)):
    with rl.hold(state, provider, profile):
        value = int(open(counter).read())
        time.sleep(0)  # let a broken exclusion show
        open(counter, "w").write(str(value + 1))
print("done", flush=True)
"""


def test_racing_holders_of_both_tools_never_overlap(peers96: Peers, state_dir: Path) -> None:
    """Two 9.6 processes (its withOAuthProfileLock) and two of ours increment one counter under the lock,
    all released at once after each said it was ready: no update is lost."""
    counter = state_dir / "counter"
    counter.write_text("0")
    n = 6
    theirs = [_start(peers96, state_dir, "count", PROVIDER, PROFILE, str(counter), str(n)) for _ in range(2)]
    ours = [subprocess.Popen([sys.executable, "-c", COUNTER, str(state_dir), PROVIDER, PROFILE, str(counter), str(n)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])
            for _ in range(2)]
    for bridge in theirs:
        assert bridge.read()["ready"] is True
    for proc in ours:
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    for stdin in [b.proc.stdin for b in theirs] + [p.stdin for p in ours]:
        assert stdin is not None
        stdin.write("go\n")
        stdin.flush()
    for bridge in theirs:
        assert bridge.read(timeout=300)["done"] is True
        assert bridge.finish() == 0
    for proc in ours:
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0 and out == "done\n"
    assert counter.read_text() == str(4 * n)
    assert list(rl.lock_dir(state_dir).iterdir()) == []
