"""CLI writers SIGKILLed at random moments: every store parses and holds the old or the new content.

The core writer is already killed 150 times in tests/core/test_store_concurrency.py; here the real
`openclaw` processes are: `models auth paste-token` (token on stdin), `models auth order set` and
`models auth remove --yes`. Two lanes (separate state dirs) run side by side. Kill moments:

- random: 0-300 ms after the start (most land in interpreter start-up and imports, some in the write);
- at-store-temp: the moment a new `.openclaw-tmp-auth-profiles.json.*` appears in the agent dir
  (polled), i.e. while the process provably writes the store;
- at-store-temp+: the same plus 0-3 ms (lands on fsync, rename, directory fsync, or the config write);
- at-config-temp: the moment a new `.openclaw-tmp-openclaw.json.*` appears in the state dir (the
  openclaw.json routing entry written after the store).

After every kill (or natural exit): auth-profiles.json parses with json.loads, equals exactly the
content before the command or the content the command writes, is 0600; openclaw.json parses. At the
end one successful write leaves no temp file and no lock file behind.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import random
import signal
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import json5
import pytest
from openclaw_onboard.core import store
from openclaw_onboard.core.models import ApiKeyCredential, TokenCredential
from openclaw_onboard.core.paths import agent_paths

from tests.support.hardening import cli_env, popen_cli, run_cli, temp_files

pytestmark = pytest.mark.slow

KILLS_PER_MODE_PER_LANE = {"random": 45, "at-store-temp": 40, "at-store-temp+": 20, "at-config-temp": 20}
LANES = 2
FILLER = 300  # ~90 KB store: the write is real work, not a few bytes
ORDER_IDS = [f"crash:p{i}" for i in range(5)]
RUN_TIMEOUT_S = 30.0


@dataclass
class LaneStats:
    kills: Counter = field(default_factory=Counter)  # per mode
    outcomes: Counter = field(default_factory=Counter)  # old / new / exited
    per_kind: Counter = field(default_factory=Counter)
    temps_left: int = 0


def _seed(state: Path) -> None:
    def mutate(s):  # type: ignore[no-untyped-def]
        for i in range(FILLER):
            s.profiles[f"filler:n{i}"] = ApiKeyCredential(provider="filler", key=f"sk-filler-{i}-" + "f" * 200)
        for pid in ORDER_IDS:
            s.profiles[pid] = TokenCredential(provider="crash", token=f"tok-{pid}-" + "c" * 40)
        s.order = {"crash": list(ORDER_IDS)}

    store.update(mutate, state=state)


def _without(raw: dict, key: str) -> dict:
    out = dict(raw)
    out.pop(key, None)
    return out


def _expected_new(kind: str, old: dict, arg: object) -> dict:
    new = copy.deepcopy(old)
    if kind == "paste":
        pid, token = arg  # type: ignore[misc]
        new["profiles"][pid] = {"type": "token", "provider": "paste", "token": token}
    elif kind == "order":
        new["order"] = {**new.get("order", {}), "crash": list(arg)}  # type: ignore[arg-type]
    elif kind == "remove":
        del new["profiles"][arg]  # type: ignore[arg-type]
    return new


class Lane:
    def __init__(self, root: Path, lane: int, seed: int) -> None:
        self.lane = lane
        self.rng = random.Random(seed + lane)
        self.state = root / f"lane{lane}" / "state"
        home = root / f"lane{lane}" / "home"
        home.mkdir(parents=True)
        self.state.mkdir(parents=True, mode=0o700)
        self.env = cli_env(self.state, home)
        self.paths = agent_paths("main", self.state)
        self.stats = LaneStats()
        self.serial = 0
        _seed(self.state)

    def read(self) -> dict:
        """auth-profiles.json with auth-state.json's keys (each command here changes one of the two)."""
        data = self.paths.store.read_bytes()
        assert data, "store is empty"
        raw = json.loads(data)  # never torn
        if self.paths.auth_state.exists():
            state = json.loads(self.paths.auth_state.read_bytes())
            raw.update({k: v for k, v in state.items() if k != "version"})
        return raw

    def _command(self, old: dict) -> tuple[str, list[str], str, object]:
        pasted = [p for p in old["profiles"] if p.startswith("paste:")]
        kind = self.rng.choice(["paste", "paste", "order", "remove"] if pasted else ["paste", "order"])
        if kind == "paste":
            self.serial += 1
            pid = f"paste:k{self.serial}"
            token = f"sk-crash-{self.lane}-{self.serial}-" + "t" * 40
            return kind, ["models", "auth", "paste-token", "--provider", "paste", "--profile-id", pid], token, (pid,
                                                                                                               token)
        if kind == "order":
            current = old.get("order", {}).get("crash", [])
            perm = list(ORDER_IDS)
            while perm == current:
                self.rng.shuffle(perm)
            return kind, ["models", "auth", "order", "set", "--provider", "crash", *perm], "", perm
        pid = self.rng.choice(pasted)
        return kind, ["models", "auth", "remove", "--profile-id", pid, "--yes"], "", pid

    def _wait_for_new_temp(self, proc: subprocess.Popen, directory: Path, name: str) -> bool:  # type: ignore[type-arg]
        prefix = f".openclaw-tmp-{name}."
        before = set(os.listdir(directory)) if directory.exists() else set()
        deadline = time.monotonic() + RUN_TIMEOUT_S
        while proc.poll() is None:
            try:
                names = os.listdir(directory)
            except FileNotFoundError:
                names = []
            if any(n.startswith(prefix) and n not in before for n in names):
                return True
            if time.monotonic() > deadline:
                raise AssertionError(f"lane {self.lane}: writer neither wrote nor exited")
            time.sleep(0.0002)  # polling interval of a real condition (the temp file), not synchronisation
        return False

    def one(self, mode: str) -> None:
        old = self.read()
        kind, args, stdin, arg = self._command(old)
        if mode == "at-config-temp" and kind == "order":  # order set does not touch openclaw.json
            kind, args, stdin, arg = "paste", *self._paste_args()
        new = _expected_new(kind, old, arg)
        proc = popen_cli(args, self.env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert proc.stdin is not None
        try:
            proc.stdin.write(stdin.encode())
            proc.stdin.close()
        except BrokenPipeError:
            pass
        if mode == "random":
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=self.rng.uniform(0, 0.3))
        elif mode.startswith("at-store-temp"):
            if self._wait_for_new_temp(proc, self.paths.agent_dir, self.paths.store.name) and mode.endswith("+"):
                end = time.monotonic() + self.rng.uniform(0, 0.003)
                while time.monotonic() < end and proc.poll() is None:
                    pass  # a busy wait of up to 3 ms: the kill moment itself is the random variable
        else:
            self._wait_for_new_temp(proc, self.state, "openclaw.json")
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            self.stats.kills[mode] += 1
        rc = proc.wait(timeout=RUN_TIMEOUT_S)
        err = proc.stderr.read().decode() if proc.stderr else ""
        if proc.stderr:
            proc.stderr.close()
        if rc != -signal.SIGKILL:
            assert rc == 0, (args, rc, err)
            assert "Traceback" not in err
        got = self.read()
        if got == old and rc != 0:
            self.stats.outcomes["old"] += 1
        else:
            assert got == new, f"lane {self.lane} {mode} {args}: store is neither the old nor the new content"
            self.stats.outcomes["new" if rc != 0 else "exited"] += 1
        assert (self.paths.store.stat().st_mode & 0o777) == 0o600
        config = self.state / "openclaw.json"
        if config.exists():
            json5.loads(config.read_text("utf-8"))  # openclaw.json also always parses
        self.stats.per_kind[kind] += 1
        self.stats.temps_left = max(self.stats.temps_left, len(temp_files(self.paths.agent_dir)))

    def _paste_args(self) -> tuple[list[str], str, object]:
        self.serial += 1
        pid = f"paste:k{self.serial}"
        token = f"sk-crash-{self.lane}-{self.serial}-" + "t" * 40
        return ["models", "auth", "paste-token", "--provider", "paste", "--profile-id", pid], token, (pid, token)

    def run(self) -> None:
        modes = [m for m, n in KILLS_PER_MODE_PER_LANE.items() for _ in range(n)]
        self.rng.shuffle(modes)
        for mode in modes:
            self.one(mode)


def test_sigkilled_cli_writers_leave_old_or_new_store(tmp_path: Path) -> None:
    seed = int.from_bytes(os.urandom(4), "big")
    lanes = [Lane(tmp_path, i, seed) for i in range(LANES)]
    errors: list[BaseException] = []

    def go(lane: Lane) -> None:
        try:
            lane.run()
        except BaseException as exc:
            errors.append(exc)

    began = time.monotonic()
    threads = [threading.Thread(target=go, args=(lane,)) for lane in lanes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    if errors:
        raise AssertionError(f"seed={seed}") from errors[0]

    kills = sum((lane.stats.kills for lane in lanes), Counter())
    outcomes = sum((lane.stats.outcomes for lane in lanes), Counter())
    kinds = sum((lane.stats.per_kind for lane in lanes), Counter())
    total_kills = sum(kills.values())
    print(f"seed={seed} kills={dict(kills)} total={total_kills} outcomes={dict(outcomes)} kinds={dict(kinds)} "
          f"max temps left={max(lane.stats.temps_left for lane in lanes)} in {elapsed:.1f}s")
    assert total_kills >= 200, kills
    # The write-timed kills really hit the write: some left the old store (killed before the rename),
    # some the new one (killed after it), and killed writers left temp files behind.
    assert kills["at-store-temp"] >= 60 and kills["at-config-temp"] >= 20, kills
    assert outcomes["old"] >= 20 and outcomes["new"] >= 20, outcomes
    assert max(lane.stats.temps_left for lane in lanes) >= 1

    # One successful write per lane cleans up: no temp file, no lock file, everything readable.
    for lane in lanes:
        before = lane.read()
        res = run_cli(["models", "auth", "paste-token", "--provider", "paste", "--profile-id", "paste:final"],
                      lane.env, stdin="sk-final-token-" + "z" * 30)
        assert res.rc == 0, res.err
        after = lane.read()
        assert after == _expected_new("paste", before, ("paste:final", "sk-final-token-" + "z" * 30))
        assert temp_files(lane.paths.agent_dir) == []
        assert not lane.paths.lock.exists()
        assert len([p for p in after["profiles"] if p.startswith("filler:")]) == FILLER
        res = run_cli(["models", "status", "--json"], lane.env)
        assert res.rc == 0 and json.loads(res.out)


def test_temp_file_of_a_killed_config_writer_is_removed_by_the_next_write(tmp_path: Path) -> None:
    """openclaw.json is written after the store (paste-token registers the profile there). A writer
    killed during that write leaves `.openclaw-tmp-openclaw.json.*`; like the store, the next
    successful write must remove it."""
    lane = Lane(tmp_path, 0, 1)
    left = []
    for _ in range(20):  # bounded: until one kill lands inside the config write
        lane.one("at-config-temp")
        left = temp_files(lane.state)
        if left:
            break
    assert left, "no kill landed inside the openclaw.json write in 20 attempts"
    res = run_cli(["models", "auth", "paste-token", "--provider", "paste", "--profile-id", "paste:after"],
                  lane.env, stdin="sk-after-token-" + "y" * 30)
    assert res.rc == 0, res.err
    config = json5.loads((lane.state / "openclaw.json").read_text("utf-8"))
    assert "paste:after" in config["auth"]["profiles"]  # the config really was written again
    assert temp_files(lane.state) == [], f"stale temp files after a successful openclaw.json write: {left}"
