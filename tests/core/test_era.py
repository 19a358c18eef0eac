"""The era of a state dir (core.era) and the guard that keeps file-era files out of a SQLite-era dir."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from openclaw_onboard.core import era, refresh, store
from openclaw_onboard.core.era import SqliteEraError
from openclaw_onboard.core.paths import agent_paths

from tests.conftest import OpenClawFiles
from tests.support.sqlite_era import make_sqlite_state, make_state_db, tree

SIDECARS = {"state/openclaw.sqlite-shm", "state/openclaw.sqlite-wal"}  # what any SQLite reader may leave


def unchanged(before: dict, after: dict) -> bool:
    """Nothing written: the same entries with the same modes and bytes (SQLite's own sidecars aside)."""
    return {k: v for k, v in after.items() if k not in SIDECARS} == {k: v for k, v in before.items()
                                                                        if k not in SIDECARS}


def test_an_empty_or_file_era_dir_is_file_era(openclaw_files: OpenClawFiles, state_dir: Path) -> None:
    assert era.detect(state_dir).kind == era.FILE
    openclaw_files.write_store()
    openclaw_files.write_config({"meta": {"lastTouchedVersion": "2026.4.26"}})
    found = era.detect(state_dir)
    assert found.kind == era.FILE and not found.markers and not found.mixed


@pytest.mark.parametrize("marker", ["state_db", "agent_db", "sub_agent_db", "migrated", "entries", "ownership",
                                    "touched"])
def test_each_sqlite_marker_alone_tells_the_sqlite_era(marker: str, openclaw_files: OpenClawFiles,
                                                       state_dir: Path, tmp_path: Path) -> None:
    main_dir = agent_paths("main", state_dir).agent_dir
    if marker == "state_db":
        make_state_db(state_dir)
    elif marker == "agent_db":
        main_dir.mkdir(parents=True)
        (main_dir / "openclaw-agent.sqlite").write_bytes(b"")
    elif marker == "sub_agent_db":  # an agent whose dir is configured outside the state dir
        work = tmp_path / "elsewhere" / "work"
        work.mkdir(parents=True)
        (work / "openclaw-agent.sqlite").write_bytes(b"")
        openclaw_files.write_config({"agents": {"list": [{"id": "main"}, {"id": "work", "agentDir": str(work)}]}})
    elif marker == "migrated":
        main_dir.mkdir(parents=True)
        (main_dir / "auth-profiles.json.migrated-2026-09-01T10-00-00.000Z-0f0e").write_text("{}")
    elif marker == "entries":
        openclaw_files.write_config({"agents": {"entries": {"main": {}}}})
    elif marker == "ownership":
        openclaw_files.write_config({"agents": {"ownership": "explicit"}})
    elif marker == "touched":
        openclaw_files.write_config({"meta": {"lastTouchedVersion": "2026.6.5"}})
    found = era.detect(state_dir)
    assert found.is_sqlite and found.markers


@pytest.mark.parametrize("version", ["2026.6.4", "2026.4.26", "garbage", "", "2025.12.1"])
def test_an_older_or_unreadable_stamp_is_no_marker(version: str, openclaw_files: OpenClawFiles,
                                                   state_dir: Path) -> None:
    openclaw_files.write_config({"meta": {"lastTouchedVersion": version}})
    assert era.detect(state_dir).kind == era.FILE


def test_a_file_era_store_written_after_the_migration_is_reported_as_mixed(openclaw_files: OpenClawFiles,
                                                                         state_dir: Path) -> None:
    make_sqlite_state(state_dir)
    assert not era.detect(state_dir).mixed
    openclaw_files.write_store()
    found = era.detect(state_dir)
    assert found.mixed and found.file_era_files == (str(agent_paths("main", state_dir).store),)


def test_the_release_comes_from_the_state_database(state_dir: Path) -> None:
    make_state_db(state_dir)
    assert era.describe(era.detect(state_dir)).release == "2026.9.6"


def test_without_schema_meta_the_release_comes_from_user_version(state_dir: Path) -> None:
    make_state_db(state_dir, app_version=None, user_version=16)
    assert era.describe(era.detect(state_dir)).release == "2026.9.3"


def test_a_linked_state_database_is_a_marker_but_never_opened(state_dir: Path, tmp_path: Path) -> None:
    elsewhere = make_state_db(tmp_path / "other")
    (state_dir / "state").mkdir(parents=True)
    (state_dir / "state" / "openclaw.sqlite").symlink_to(elsewhere)
    described = era.describe(era.detect(state_dir))
    assert described.is_sqlite and described.release is None
    assert not (tmp_path / "other" / "state" / "openclaw.sqlite-shm").exists()  # not opened through the link


def test_a_fifo_in_the_database_place_is_a_marker_and_never_blocks(state_dir: Path) -> None:
    (state_dir / "state").mkdir(parents=True)
    os.mkfifo(state_dir / "state" / "openclaw.sqlite")
    described = era.describe(era.detect(state_dir))
    assert described.is_sqlite and described.release is None


# ---- the guard: every file-era writer refuses before it writes, locks or creates anything


@pytest.fixture
def sqlite_dir(state_dir: Path) -> Path:
    return make_sqlite_state(state_dir, {"openrouter:manual": {"type": "token", "provider": "openrouter",
                                                                "token": "sk-or-v1-" + "a" * 48}})


def _writers(state: Path) -> dict[str, object]:
    from openclaw_onboard.core.oauth.device import CodexDeviceLogin
    from openclaw_onboard.core.oauth.login import CodexLoginSession

    return {
        "store.remove_files": lambda: store.remove_files(agent_paths("main", state)),
        "codex login": lambda: CodexLoginSession(state=state, open_browser=False),
        "device login": lambda: CodexDeviceLogin(state=state),
    }


@pytest.mark.parametrize("writer", list(_writers(Path("/nonexistent"))))
def test_every_file_era_writer_refuses_a_sqlite_era_dir_and_writes_nothing(writer: str, sqlite_dir: Path) -> None:
    before = tree(sqlite_dir)
    with pytest.raises(SqliteEraError) as err:
        _writers(sqlite_dir)[writer]()  # type: ignore[operator]
    assert unchanged(before, tree(sqlite_dir))
    message = str(err.value)
    assert "Nothing was changed" in message and "2026.9.6" in message and str(sqlite_dir) in message


def test_refresh_in_a_mixed_sqlite_era_dir_takes_no_lock(state_dir: Path, openclaw_files: OpenClawFiles,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """An OAuth profile in 9.x's store beside a live auth-profiles.json (a mixed dir, which 9.x refuses until its
    doctor merges it): no refresh, and neither 4.26's lock nor 9.6's is made (tests/integration/
    test_refresh_sqlite.py refreshes in a clean SQLite-era dir)."""
    # Were the guard gone, the token call must still never leave this machine: a closed loopback port.
    monkeypatch.setenv("OPENCLAW_CODEX_ISSUER", "http://127.0.0.1:9")
    monkeypatch.setenv("OPENCLAW_ANTHROPIC_TOKEN_URL", "http://127.0.0.1:9/token")
    openclaw_files.write_store()
    stored = json.loads(openclaw_files.paths().store.read_text())
    pid, cred = next((p, c) for p, c in stored["profiles"].items() if c.get("type") == "oauth")
    make_sqlite_state(state_dir, {pid: cred})
    before = tree(state_dir)
    with pytest.raises(SqliteEraError):
        refresh.ensure_fresh(pid, "main", state_dir, force=True)
    assert unchanged(before, tree(state_dir))
    assert not (state_dir / "locks" / "oauth-refresh").exists()


def test_a_file_era_dir_is_still_written(openclaw_files: OpenClawFiles, state_dir: Path) -> None:
    openclaw_files.write_store()
    assert store.update(lambda s: "written", "main", state_dir) == "written"


def test_agents_entries_of_2026_8_are_the_agents(openclaw_files: OpenClawFiles, state_dir: Path,
                                                 tmp_path: Path) -> None:
    from openclaw_onboard.core.agentconfig import list_agents

    elsewhere = tmp_path / "w"
    openclaw_files.write_config({"agents": {"ownership": "explicit", "entries": {
        "main": {"workspace": "/x"}, "work": {"name": "work", "agentDir": str(elsewhere)}, "bad": 3}}})
    assert list_agents(state_dir) == ["main", "work"]
    assert agent_paths("work", state_dir).agent_dir == elsewhere


def test_detecting_the_era_is_linear_in_agents(state_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every agent's dir is looked at; finding each one's configured agentDir once per agent scanned all of
    agents.list each time (1,000 agents: 500,000 id normalisations, seconds of `models status`).
    Counted in normalisations, not timed; the dirs found are the same as agent_paths gives."""
    from openclaw_onboard.core import agentconfig

    n = 300
    entries = [{"id": "main", "default": True},
               *({"id": f"a{i}", **({"agentDir": str(state_dir / f"elsewhere{i}")} if i % 2 else {})}
                 for i in range(1, n))]
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / "openclaw.json").write_text(json.dumps({"agents": {"list": entries}}))
    calls = 0
    real = agentconfig.normalize_agent_id

    def counting(value: object) -> str:
        nonlocal calls
        calls += 1
        return real(value)

    cfg = json.loads((state_dir / "openclaw.json").read_text())
    expected = {str(agent_paths(e["id"], state_dir).agent_dir) for e in entries}
    monkeypatch.setattr(agentconfig, "normalize_agent_id", counting)
    assert era.detect(state_dir).kind == era.FILE
    assert calls < 20 * n, calls  # quadratic was about n * n / 2 = 45,000
    assert set(era._agent_dirs(str(state_dir), cfg)) == expected
