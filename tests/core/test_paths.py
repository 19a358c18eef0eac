"""core.paths and core.clock: where things live, and the injectable clock."""

from __future__ import annotations

import os
import time
from pathlib import Path

from openclaw_onboard.core import agentconfig, clock, paths


def test_state_dir_env_then_home(tmp_path):
    assert paths.state_dir({"OPENCLAW_STATE_DIR": str(tmp_path / "s")}) == tmp_path / "s"
    assert paths.state_dir({"OPENCLAW_STATE_DIR": "  ", "HOME": str(tmp_path)}) == tmp_path / ".openclaw"
    assert paths.state_dir({"HOME": str(tmp_path)}) == tmp_path / ".openclaw"


def test_state_dir_fixture_points_everything_into_tmp(state_dir, tmp_path):
    assert paths.state_dir() == state_dir
    assert paths.codex_cli_auth_path() == tmp_path / "home" / ".codex" / "auth.json"
    assert paths.claude_cli_credentials_path() == tmp_path / "home" / ".claude" / ".credentials.json"


def test_agent_paths(tmp_path):
    p = paths.agent_paths("work", tmp_path)
    assert p.agent_dir == tmp_path / "agents" / "work" / "agent"
    assert p.store.name == "auth-profiles.json"
    assert p.lock.name == "auth-profiles.json.lock"
    assert p.auth_state.name == "auth-state.json"
    assert p.legacy_auth.name == "auth.json"
    assert p.refresh_lock("a", "a:b") != p.refresh_lock("a", "a:c")
    # OpenClaw's global refresh lock: <state>/locks/oauth-refresh/sha256-<sha256(provider NUL id)>.lock
    codex = p.refresh_lock("openai-codex", "openai-codex:default")
    assert codex.parent == tmp_path / "locks" / "oauth-refresh"
    assert codex.name.startswith("sha256-cee1bbae") and codex.name.endswith(".lock") and len(codex.name) == 76
    other_agent = paths.agent_paths("main", tmp_path)
    assert p.refresh_lock("openai-codex", "x:y") == other_agent.refresh_lock("openai-codex", "x:y")
    assert paths.config_path(tmp_path) == tmp_path / "openclaw.json"
    assert paths.env_file_path(tmp_path) == tmp_path / ".env"
    assert paths.legacy_oauth_path(tmp_path, {}) == tmp_path / "credentials" / "oauth.json"
    assert paths.legacy_oauth_path(tmp_path, {"OPENCLAW_OAUTH_DIR": "/x"}) == Path("/x/oauth.json")
    assert paths.codex_cli_auth_path({"CODEX_HOME": "/c", "HOME": "/h"}) == Path("/c/auth.json")
    assert paths.claude_cli_credentials_path({"CLAUDE_CONFIG_DIR": "/c"}) == Path("/c/.credentials.json")


def test_list_agents_main_first(make_agent, state_dir):
    assert agentconfig.list_agents(state_dir) == []
    for agent in ("zeta", "alpha", "main"):
        make_agent(agent, store=False)
    (state_dir / "agents" / "not-an-agent").mkdir()  # no agent/ inside
    assert agentconfig.list_agents(state_dir) == ["main", "alpha", "zeta"]


def test_clock_frozen_and_real(monkeypatch, frozen_now):
    assert clock.now_ms() == frozen_now
    monkeypatch.setenv("OPENCLAW_NOW_MS", "not-a-number")
    before = int(time.time() * 1000)
    assert before <= clock.now_ms() <= int(time.time() * 1000)
    monkeypatch.delenv("OPENCLAW_NOW_MS")
    assert abs(clock.now_ms() - int(time.time() * 1000)) < 5000


def test_agent_locations_from_a_str_or_a_path_state(tmp_path):
    for state in (tmp_path, str(tmp_path)):
        p = paths.AgentPaths(state, "work")
        agent = tmp_path / "agents" / "work" / "agent"
        assert (p.agent_dir, p.store, p.auth_state, p.legacy_auth, p.lock) == (
            agent, agent / "auth-profiles.json", agent / "auth-state.json", agent / "auth.json",
            agent / "auth-profiles.json.lock")
        assert p.lock_queue == tmp_path / "locks" / "onboard-queue" / "work.queue"
        assert paths.config_path(state) == tmp_path / "openclaw.json"
        assert paths.env_file_path(state) == tmp_path / ".env"
        assert paths.legacy_oauth_path(state, {}) == tmp_path / "credentials" / "oauth.json"
    assert paths.AgentPaths(tmp_path, "main", dir_override=str(tmp_path / "elsewhere")).store == \
        tmp_path / "elsewhere" / "auth-profiles.json"


def test_configured_agent_dir_expands_home_and_resolves_relative(tmp_path, monkeypatch):
    from openclaw_onboard.core.agentconfig import expand_user_path_str

    monkeypatch.chdir(tmp_path)
    assert expand_user_path_str("~/x", {"HOME": "/home/u"}) == "/home/u/x"
    assert expand_user_path_str("rel/dir", {}) == os.path.realpath(tmp_path / "rel" / "dir")
    (tmp_path / "openclaw.json").write_text('{"agents": {"list": [{"id": "work", "agentDir": "~/w"}]}}')
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert paths.agent_paths("work", tmp_path).agent_dir == tmp_path / "home" / "w"
