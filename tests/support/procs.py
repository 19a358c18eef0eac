"""Worker functions run in real child processes (multiprocessing spawn/forkserver).

They live in an importable module (not in a test file) so that spawn and forkserver
children can unpickle them. Each takes plain, picklable arguments.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

COUNTER_PID = "counter:default"
FILLER_PROFILES = 40


def add_profiles(state: str, agent_id: str, worker: int, count: int, start: Any) -> int:
    """Wait for `start` (an Event), then do `count` read-modify-writes via core.store.update,
    each adding one profile `w<worker>:n<i>`. Returns how many it added."""
    from openclaw_onboard.core import store
    from openclaw_onboard.core.models import ApiKeyCredential

    start.wait()
    for i in range(count):

        def mutate(s, i=i):
            s.profiles[f"w{worker}:n{i}"] = ApiKeyCredential(provider=f"w{worker}", key=f"sk-w{worker}-{i}")

        store.update(mutate, agent_id, Path(state), timeout=60.0)
    return count


def version_payload(version: int) -> str:
    """The filler a writer stores at `version`; checking it detects a mix of two versions."""
    return hashlib.sha256(str(version).encode()).hexdigest() * 64


def store_version(raw: dict[str, Any]) -> int:
    """The version a store written by `counter_writer` holds (checks every filler profile)."""
    key = raw["profiles"][COUNTER_PID]["key"]
    version = int(key.split("-")[1])
    payload = version_payload(version)
    for n in range(FILLER_PROFILES):
        entry = raw["profiles"][f"filler:n{n}"]
        if entry["key"] != f"{payload}-{n}":
            raise AssertionError(f"filler:n{n} does not belong to version {version}")
    return version


def counter_writer(state: str, agent_id: str, conn: Any) -> None:
    """Forever: update the store to the next version (counter + ~160 KB of filler that
    depends on the version), then send the version number that is now on disk."""
    from openclaw_onboard.core import store
    from openclaw_onboard.core.models import ApiKeyCredential

    def mutate(s):
        current = int(s.profiles[COUNTER_PID].key.split("-")[1]) if COUNTER_PID in s.profiles else 0
        new = current + 1
        payload = version_payload(new)
        s.profiles[COUNTER_PID] = ApiKeyCredential(provider="counter", key=f"v-{new}")
        for n in range(FILLER_PROFILES):
            s.profiles[f"filler:n{n}"] = ApiKeyCredential(provider="filler", key=f"{payload}-{n}")
        return new

    conn.send("ready")
    while True:
        conn.send(store.update(mutate, agent_id, Path(state), timeout=30.0))
