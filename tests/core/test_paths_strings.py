"""The status path's string rules equal the regex and pathlib rules they replace (issue #15).

`models status --check` imports neither `re` nor `pathlib`; these properties hold the hand-written
character tests and os.path derivations to what the regexes and Path objects said.
"""

from __future__ import annotations

import os
from pathlib import Path

from openclaw_onboard.core.agentconfig import expand_user_path_str
from openclaw_onboard.core.paths import (
    AgentPaths,
    agent_paths,
    config_path,
    config_path_str,
    env_file_path,
    legacy_oauth_path,
    state_dir,
    state_dir_str,
)


def test_state_and_agent_locations_as_strings_and_paths(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(tmp_path / "st"))
    assert state_dir_str() == str(tmp_path / "st") and state_dir() == tmp_path / "st"
    monkeypatch.delenv("OPENCLAW_STATE_DIR")
    monkeypatch.setenv("HOME", str(tmp_path / "h"))
    assert state_dir() == Path(state_dir_str()) == tmp_path / "h" / ".openclaw"
    for state in (tmp_path, str(tmp_path)):
        paths = AgentPaths(state, "work")
        agent = tmp_path / "agents" / "work" / "agent"
        assert (paths.agent_dir, paths.store, paths.auth_state, paths.legacy_auth, paths.lock) == (
            agent, agent / "auth-profiles.json", agent / "auth-state.json", agent / "auth.json",
            agent / "auth-profiles.json.lock")
        assert paths.store_str == str(agent / "auth-profiles.json")
        assert paths.lock_queue == tmp_path / "locks" / "onboard-queue" / "work.queue"
        assert config_path(state) == Path(config_path_str(state)) == tmp_path / "openclaw.json"
        assert env_file_path(state) == tmp_path / ".env"
        assert legacy_oauth_path(state, {}) == tmp_path / "credentials" / "oauth.json"
    assert AgentPaths(tmp_path, "main", dir_override=str(tmp_path / "elsewhere")).store == \
        tmp_path / "elsewhere" / "auth-profiles.json"


def test_configured_agent_dir_expands_home_and_resolves_relative(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert expand_user_path_str("~/x", {"HOME": "/home/u"}) == "/home/u/x"
    assert expand_user_path_str("rel/dir", {}) == os.path.realpath(tmp_path / "rel" / "dir")
    (tmp_path / "openclaw.json").write_text('{"agents": {"list": [{"id": "work", "agentDir": "~/w"}]}}')
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert agent_paths("work", tmp_path).agent_dir == tmp_path / "home" / "w"
