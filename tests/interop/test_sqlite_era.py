"""Beside the real OpenClaw 2026.9.6 (npm latest, the SQLite era): on a state dir 9.6 made, we see its era and
never harm it. Every command of ours that would still write 4.26's files (a browser login, a new agent with
copied profiles) refuses there; afterwards 9.6's own auth commands still answer as before (no
AUTH_PROFILE_MIGRATION_REQUIRED) and list what 9.6 stored. A 4.26 dir that 9.6's `doctor --fix` migrated is
told as the SQLite era too, and our writes go to its databases (tests/interop/test_sqlite_era_write.py)."""

from __future__ import annotations

import json
from pathlib import Path

from openclaw_onboard.core import era

from tests.interop.conftest import OpenClawPeer, Ours
from tests.support.sqlite_era import tree

KEY = "sk-or-v1-" + "0123456789abcdef" * 3
OUR_WRITERS = [
    (("agents", "add", "work", "--copy-auth-from", "main"), ""),
    (("models", "auth", "login", "--provider", "openai-codex", "--no-browser"), ""),
]


def _store_profiles(peer: OpenClawPeer) -> dict:
    """9.6's own view of its auth (`models status --json`): providers and their profile counts."""
    res = peer.cli("models", "status", "--json")
    assert res.returncode == 0, res.stderr[-2000:]
    assert "AUTH_PROFILE_MIGRATION_REQUIRED" not in res.stdout + res.stderr
    data = json.loads(res.stdout[res.stdout.index("{"):])
    return {p["provider"]: p["profiles"] for p in data["auth"]["providers"]}


def test_a_state_dir_made_by_9_6_is_never_harmed(openclaw96: OpenClawPeer, ours: Ours, state_dir: Path) -> None:
    made = openclaw96.cli("models", "auth", "paste-token", "--provider", "openrouter", input=KEY + "\n")
    assert made.returncode == 0, made.stderr[-2000:]
    found = era.describe(era.detect(state_dir))
    assert found.is_sqlite and found.release == "2026.9.6" and not found.mixed
    before_status = _store_profiles(openclaw96)
    assert before_status["openrouter"]["count"] == 1
    before = tree(state_dir)
    for args, stdin in OUR_WRITERS:
        res = ours(*args, input=stdin)
        assert res.returncode == 1 and "Nothing was changed" in res.stderr, (args, res.stderr)
        assert KEY not in res.stdout + res.stderr
    sidecars = ("-shm", "-wal")
    assert {k for k in tree(state_dir) if not k.endswith(sidecars)} == {k for k in before if not k.endswith(sidecars)}
    assert not list(state_dir.rglob("auth-profiles.json")) and not list(state_dir.rglob("*.lock"))
    after = openclaw96.cli("models", "status", "--check")
    assert "AUTH_PROFILE_MIGRATION_REQUIRED" not in after.stdout + after.stderr
    assert _store_profiles(openclaw96) == before_status


def test_a_4_26_dir_migrated_by_9_6_is_the_sqlite_era(openclaw96: OpenClawPeer, ours: Ours, state_dir: Path) -> None:
    res = ours("models", "auth", "paste-token", "--provider", "openrouter", input=KEY + "\n")
    assert res.returncode == 0, res.stderr
    assert era.detect(state_dir).kind == era.FILE
    blocked = openclaw96.cli("models", "status", "--check")
    assert blocked.returncode == 1 and "AUTH_PROFILE_MIGRATION_REQUIRED" in blocked.stdout + blocked.stderr
    fixed = openclaw96.cli("doctor", "--fix", "--non-interactive")
    assert fixed.returncode == 0, fixed.stdout[-2000:] + fixed.stderr[-2000:]
    migrated = era.describe(era.detect(state_dir))
    assert migrated.is_sqlite and not migrated.mixed, migrated
    assert any(".migrated-" in m for m in migrated.markers)
    again = ours("models", "auth", "paste-token", "--provider", "openrouter", input=KEY + "\n")
    assert again.returncode == 0, again.stderr  # into the shared store 9.6 migrated to, not a new 4.26 file
    assert not list(state_dir.rglob("auth-profiles.json"))
    assert _store_profiles(openclaw96)["openrouter"]["count"] == 1


def test_our_status_reads_what_9_6_stored_for_main_and_an_agent(openclaw96: OpenClawPeer, ours: Ours,
                                                               state_dir: Path, tmp_path: Path) -> None:
    work_key = "sk-or-v1-" + "fedcba9876543210" * 3
    steps = [
        (("models", "auth", "paste-token", "--provider", "openrouter"), KEY + "\n"),
        (("agents", "add", "work", "--non-interactive", "--workspace", str(tmp_path / "ws")), None),
        (("models", "auth", "paste-token", "--provider", "openrouter", "--agent", "work", "--profile-id",
          "openrouter:work"), work_key + "\n"),
        (("models", "auth", "order", "set", "--provider", "openrouter", "--agent", "work", "openrouter:work",
          "openrouter:manual"), None),
    ]
    for args, stdin in steps:
        res = openclaw96.cli(*args, input=stdin)
        assert res.returncode == 0, (args, res.stdout[-1000:], res.stderr[-1000:])
    main = json.loads(ours("models", "status", "--json").stdout)
    assert main["era"] == {"kind": "sqlite", "release": "2026.9.6"}
    assert [p["id"] for prov in main["providers"] for p in prov["profiles"]] == ["openrouter:manual"]
    work = json.loads(ours("models", "status", "--json", "--agent", "work").stdout)
    (openrouter,) = [p for p in work["providers"] if p["provider"] == "openrouter"]
    assert [(p["id"], p["source"]) for p in openrouter["profiles"]] == [("openrouter:work", "store"),
                                                                        ("openrouter:manual", "main")]
    assert work["storePath"] == str(state_dir / "agents" / "work" / "agent" / "openclaw-agent.sqlite")
    theirs = openclaw96.cli("models", "auth", "order", "get", "--provider", "openrouter", "--agent", "work", "--json")
    assert json.loads(theirs.stdout[theirs.stdout.index("{"):])["order"] == ["openrouter:work", "openrouter:manual"]
    assert KEY not in json.dumps(main) and work_key not in json.dumps(work)
