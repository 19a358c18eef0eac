"""core.agents: validated ids, `main` reserved, private dirs, copying another agent's profiles."""

from __future__ import annotations

import copy
import os
import stat

import pytest
from openclaw_onboard.core import agents, store
from openclaw_onboard.core.agentconfig import list_agents
from openclaw_onboard.core.errors import ValidationError

from tests.conftest import CODEX_EXPIRES_MS, EXAMPLE_NOW_MS, EXAMPLE_STORE


@pytest.mark.parametrize("name", ["work", "w", "team-2", "a_b", "Work ", "x" * 64])
def test_valid_agent_ids(name):
    assert agents.validate_agent_id(name) == name.strip().lower()


@pytest.mark.parametrize("name", ["", " ", "-x", "_x", "a b", "a/b", "..", "a.b", "x" * 65, "é"])
def test_invalid_agent_ids(name):
    with pytest.raises(ValidationError):
        agents.validate_agent_id(name)


@pytest.mark.parametrize("name", ["main", "MAIN", " Main "])
def test_main_is_reserved(name):
    with pytest.raises(ValidationError) as err:
        agents.validate_agent_id(name)
    assert "reserved" in str(err.value)
    assert agents.validate_agent_id(name, for_new=False) == "main"


def test_add_agent_creates_private_dirs(state_dir):
    assert agents.add_agent("work") == "work"
    agent_dir = state_dir / "agents" / "work" / "agent"
    for d in (agent_dir, agent_dir.parent, state_dir / "agents"):
        assert stat.S_IMODE(os.stat(d).st_mode) == 0o700, d
    assert not (agent_dir / "auth-profiles.json").exists()  # empty agent: no store yet
    # Listed as OpenClaw lists it: agents.list, main first once there is a list.
    assert list_agents(state_dir) == ["main", "work"]
    import json5

    cfg = json5.loads((state_dir / "openclaw.json").read_text())
    assert cfg["agents"]["list"] == [{"id": "main"}, {"id": "work", "name": "work",
                                                       "workspace": str(state_dir / "workspace-work"),
                                                       "agentDir": str(agent_dir)}]


def test_add_existing_agent_is_refused(make_agent):
    make_agent("work")
    with pytest.raises(ValidationError) as err:
        agents.add_agent("work")
    assert "already exists" in str(err.value)


def test_add_agent_copies_profiles_and_order(make_agent, openclaw_files):
    make_agent()
    agents.add_agent("work", copy_auth_from="main")
    raw = openclaw_files.read_merged("work")
    assert raw["profiles"] == EXAMPLE_STORE["profiles"]
    assert raw["order"] == EXAMPLE_STORE["order"]
    assert stat.S_IMODE(os.stat(openclaw_files.paths("work").store).st_mode) == 0o600
    # A copy, not a link: changing one agent leaves the other alone.
    store.update(lambda s: s.profiles.pop("openai:default"), "work")
    assert "openai:default" in openclaw_files.read_store("main")["profiles"]
    assert list_agents(openclaw_files.state) == ["main", "work"]


def test_copy_from_unknown_agent_creates_nothing(state_dir):
    with pytest.raises(ValidationError) as err:
        agents.add_agent("work", copy_auth_from="ghost")
    assert "ghost" in str(err.value)
    assert not (state_dir / "agents" / "work").exists()


def test_agent_summaries(make_agent):
    make_agent()
    expired = copy.deepcopy(EXAMPLE_STORE)
    expired["profiles"]["anthropic:work"]["expires"] = EXAMPLE_NOW_MS - 1
    make_agent("old", store=expired)
    make_agent("empty", store=False)
    summaries = {s.agent_id: s for s in agents.agent_summaries(now_ms=EXAMPLE_NOW_MS)}
    assert [s for s in summaries] == ["main", "empty", "old"]
    assert (summaries["main"].profile_count, summaries["main"].worst_status) == (4, "expiring")
    assert summaries["old"].worst_status == "expired"
    # Issue 25.6: an agent with no profiles of its own uses main's (OpenClaw merges them): counted apart, and
    # its status is theirs; "old" has its own copy of each of main's ids, so it inherits none.
    empty = summaries["empty"]
    assert (empty.profile_count, empty.inherited_count, empty.worst_status) == (0, 4, "expiring")
    assert (summaries["old"].inherited_count, summaries["main"].inherited_count) == (0, 0)
    later = {s.agent_id: s for s in agents.agent_summaries(now_ms=CODEX_EXPIRES_MS + 1)}
    assert later["main"].worst_status == "expired"


def test_agent_summaries_report_a_corrupt_store(make_agent, openclaw_files):
    make_agent()
    openclaw_files.write_raw(openclaw_files.paths("bad").store, b"{")
    summaries = {s.agent_id: s for s in agents.agent_summaries(now_ms=EXAMPLE_NOW_MS)}
    assert summaries["bad"].error and "auth-profiles.json" in summaries["bad"].error
    assert summaries["main"].error is None
