"""Issue 11.12: core APIs validate agent ids themselves, not only the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from openclaw_onboard.core import profiles, store
from openclaw_onboard.core.agentconfig import list_agents
from openclaw_onboard.core.errors import ValidationError
from openclaw_onboard.core.paths import AgentPaths, agent_paths
from openclaw_onboard.core.refresh import ensure_fresh
from openclaw_onboard.core.status import agent_status

BAD_IDS = ["main\n", "work\n",  # `$` in a pattern accepts a trailing newline
           "../../x", "..", "a/b", "/abs", "Main", "", "x" * 65, "-lead", "a\x1b]0;t\x07", "a\u202eb", "a b", "é"]


@pytest.mark.parametrize("agent_id", BAD_IDS)
def test_every_core_entry_point_refuses_a_bad_agent_id(tmp_path: Path, agent_id: str) -> None:
    state = tmp_path / "state"
    calls = [
        lambda: agent_paths(agent_id, state),
        lambda: AgentPaths(state, agent_id),
        lambda: store.update(lambda s: None, agent_id, state),
        lambda: store.load(agent_id, state),
        lambda: profiles.add_token("openrouter", "sk-or-v1-" + "a" * 30, agent_id=agent_id, state=state),
        lambda: agent_status(agent_id, state, env={}),
        lambda: ensure_fresh("openai-codex:x", agent_id, state),
    ]
    for call in calls:
        with pytest.raises(ValidationError) as err:
            call()
        assert "\x1b" not in str(err.value) and "\n" not in str(err.value)
    assert not any(tmp_path.rglob("x")) and list(tmp_path.iterdir()) == []


def test_dirs_that_are_not_valid_agent_ids_are_not_listed(tmp_path: Path) -> None:
    for name in ("main", "work", "Bad", "a\x1b[31mb", "..x"):
        (tmp_path / "agents" / name / "agent").mkdir(parents=True)
    assert list_agents(tmp_path) == ["main", "work"]


def test_trailing_newlines_are_refused_everywhere_a_pattern_checks(tmp_path: Path) -> None:
    """`re.match(r"^...$")` accepts "x\\n": every validator uses \\Z (found in the adversarial pass)."""
    from openclaw_onboard.core.envkeys import write_env_var

    for call in (lambda: profiles.validate_provider("openrouter\n") and profiles.validate_profile_id(
                     "openrouter:x\n", "openrouter"),
                 lambda: write_env_var("OPENROUTER_API_KEY\n", "v", tmp_path),
                 lambda: profiles.validate_profile_id("openrouter:work\n\n", "openrouter")):
        try:
            result = call()
        except ValidationError:
            continue
        assert "\n" not in str(result)
    assert not (tmp_path / ".env").exists()
