"""Real processes against one store: no lost updates, and SIGKILL never tears the file."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import time

import pytest
from openclaw_onboard.core import fsio, store
from openclaw_onboard.core.models import ApiKeyCredential

from tests.conftest import EXAMPLE_STORE
from tests.support import procs

pytestmark = pytest.mark.slow

WORKERS = 8
WRITES_EACH = 50
KILLS = 150


def test_8_processes_x_50_updates_lose_nothing(state_dir, openclaw_files):
    openclaw_files.write_store()
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    workers = [
        ctx.Process(target=procs.add_profiles, args=(str(state_dir), "main", w, WRITES_EACH, start))
        for w in range(WORKERS)
    ]
    for p in workers:
        p.start()
    start.set()  # every worker starts its loop at the same moment
    for p in workers:
        p.join(timeout=120)
    assert [p.exitcode for p in workers] == [0] * WORKERS

    raw = openclaw_files.read_merged()
    assert set(openclaw_files.read_store()) == {"version", "profiles"}  # 4.26 split: state lives apart
    added = {pid for pid in raw["profiles"] if pid.startswith("w")}
    expected = {f"w{w}:n{i}" for w in range(WORKERS) for i in range(WRITES_EACH)}
    assert added == expected
    assert len(added) == 400
    # The example profiles and every other top-level field survived 400 rewrites.
    for pid, entry in EXAMPLE_STORE["profiles"].items():
        assert raw["profiles"][pid] == entry
    assert raw["usageStats"] == EXAMPLE_STORE["usageStats"]
    assert raw["lastGood"] == EXAMPLE_STORE["lastGood"]
    # No lock file left behind (OpenClaw's mkdir-lock must work afterwards), no temp files.
    paths = openclaw_files.paths()
    assert not paths.lock.exists()
    assert not list(paths.agent_dir.glob(fsio.TEMP_PREFIX + "*"))


def _drain(conn, last):
    """The last version reported before the kill (the pipe ends with EOF)."""
    while True:
        try:
            last = conn.recv()
        except EOFError:
            return last


def _temps(paths):
    return sorted(paths.agent_dir.glob(f"{fsio.TEMP_PREFIX}{paths.store.name}.*"))


def test_sigkilled_writer_never_leaves_a_torn_or_empty_store(state_dir, openclaw_files):
    openclaw_files.write_store()
    paths = openclaw_files.paths()
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["openclaw_onboard.core.store", "openclaw_onboard.core.models", "tests.support.procs"])
    versions_seen = set()
    last = 0  # the version on disk before each writer starts
    temps_seen = 0
    for _ in range(KILLS):
        parent, child = ctx.Pipe(duplex=False)
        p = ctx.Process(target=procs.counter_writer, args=(str(state_dir), "main", child))
        p.start()
        child.close()
        # Synchronise on the writer's own reports: kill after 0-2 completed writes...
        assert parent.recv() == "ready"
        for _ in range(rng.randrange(3)):
            last = parent.recv()
        # ...plus a random few milliseconds, so the kill lands anywhere in the next write.
        time.sleep(rng.uniform(0, 0.012))
        p.kill()
        p.join()
        assert p.exitcode == -9
        last = _drain(parent, last)
        parent.close()

        data = paths.store.read_bytes()
        assert data, "store is empty after SIGKILL"
        raw = json.loads(data)  # never torn: always parses
        version = procs.store_version(raw) if procs.COUNTER_PID in raw["profiles"] else 0
        # Old content (the last reported write) or the new one (the write in flight).
        assert version in (last, last + 1), (version, last, f"seed={seed}")
        for pid, entry in EXAMPLE_STORE["profiles"].items():
            assert raw["profiles"][pid] == entry
        assert os.stat(paths.store).st_mode & 0o777 == 0o600
        versions_seen.add(version)
        last = version
        temps_seen += len(_temps(paths))
    assert len(versions_seen) > 10  # the writers really made progress between kills

    # Leftover temp files of killed writers (plus one planted, so this is never vacuous)
    # are removed by the next successful write, under the lock.
    planted = paths.agent_dir / f"{fsio.TEMP_PREFIX}{paths.store.name}.planted"
    planted.write_bytes(b'{"torn": ')
    store.update(lambda s: s.profiles.__setitem__("after:kill", ApiKeyCredential(provider="after", key="k")))
    assert _temps(paths) == []
    assert "after:kill" in openclaw_files.read_store()["profiles"]
    print(f"seed={seed} kills={KILLS} versions={len(versions_seen)} temp files seen={temps_seen}")
