"""The status path's string rules equal the regex and pathlib rules they replace (issue #15).

`models status --check` imports neither `re` nor `pathlib`; these properties hold the hand-written
character tests and os.path derivations to what the regexes and Path objects said.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from openclaw_onboard.core import trust
from openclaw_onboard.core.agentconfig import expand_user_path_str, normalize_agent_id
from openclaw_onboard.core.envkeys import env_prefix, split_key_list
from openclaw_onboard.core.paths import (
    AgentPaths,
    agent_paths,
    config_path,
    config_path_str,
    env_file_path,
    is_valid_agent_id,
    legacy_oauth_path,
    state_dir,
    state_dir_str,
)

ids = st.text(alphabet=st.sampled_from(list("abcz09_-AZ./ \n\t\x00é한!")), max_size=70)
path_parts = st.lists(st.sampled_from(["a", "b", ".", "..", "", "x y", "é"]), max_size=6)


@settings(max_examples=500)
@given(ids)
def test_agent_id_check_is_the_old_regex(value):
    assert is_valid_agent_id(value) == bool(re.match(r"^[a-z0-9][a-z0-9_-]{0,63}\Z", value))


@settings(max_examples=500)
@given(st.one_of(ids, st.none(), st.integers()))
def test_normalize_agent_id_is_openclaws_regex_rule(value):
    text = str(value or "").strip().lower()
    expected = (re.sub(r"[^a-z0-9_-]+", "-", text).strip("-")[:64] or "main") if text else "main"
    assert normalize_agent_id(value) == expected


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from(list("abzAZ09-_. ßéı\u0130:/")), max_size=30))
def test_env_prefix_is_the_old_regex(provider):
    assert env_prefix(provider) == re.sub(r"[^A-Z0-9]+", "_", provider.upper()).strip("_")


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from(list("ab, ;\t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2003\u3000\u200b\ufeff")),
               max_size=20))
def test_key_list_split_is_the_old_regex(value):
    assert split_key_list(value) == [k for k in re.split(r"[\s,;]+", value) if k]


@settings(max_examples=300)
@given(absolute=st.booleans(), parts=path_parts, trailing=st.booleans())
def test_ancestors_are_paths_parents_from_the_root(absolute, parts, trailing):
    text = ("/" if absolute else "") + "/".join(parts) + ("/" if trailing and parts else "")
    assume(not text.startswith("//"))  # POSIX lets `//` differ from `/`, Linux does not; pathlib keeps it
    d = Path(text).absolute()
    expected = [str(p) for p in reversed([d, *d.parents])]
    assert trust._from_root(text) == expected


@settings(max_examples=300)
@given(absolute=st.booleans(), parts=path_parts)
def test_parent_dir_is_path_parent(absolute, parts):
    text = ("/" if absolute else "") + "/".join(parts)
    assume(not text.startswith("//"))
    assert trust.parent_dir(text) == str(Path(text).parent)


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
