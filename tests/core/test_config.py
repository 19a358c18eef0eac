"""<state>/openclaw.json: JSON5 in, only `auth` is ours, everything else kept."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from openclaw_onboard.core import config
from openclaw_onboard.core.errors import StoreCorruptError
from openclaw_onboard.core.models import AuthProfileConfig

from tests.conftest import EXAMPLE_CONFIG


def test_json5_config_with_comments_and_trailing_commas_is_read(openclaw_files):
    openclaw_files.write_config()
    cfg = config.load_config()
    assert cfg.exists is True
    assert cfg.raw == EXAMPLE_CONFIG
    assert cfg.auth.order == {"anthropic": ["anthropic:work", "anthropic:personal"]}
    assert cfg.auth.profiles["openai-codex:me@example.com"].email == "me@example.com"
    assert cfg.auth.profiles["anthropic:work"].mode == "token"


def test_absent_config_is_empty(state_dir):
    cfg = config.load_config()
    assert cfg.exists is False
    assert cfg.auth.profiles == {} and cfg.auth.order == {}
    assert not (state_dir / "openclaw.json").exists()


def test_register_profile_keeps_every_other_key(openclaw_files):
    path = openclaw_files.write_config()
    config.register_profile("openai:default", "openai", "api_key")
    after = openclaw_files.read_config()
    expected = json.loads(json.dumps(EXAMPLE_CONFIG))
    expected["auth"]["profiles"]["openai:default"] = {"provider": "openai", "mode": "api_key"}
    assert after == expected
    assert os.stat(path).st_mode & 0o777 == 0o600


def test_register_profile_with_email_and_unknown_auth_keys(openclaw_files):
    openclaw_files.write_config({"auth": {"cooldowns": {"billingBackoffHours": 5},
                                          "profiles": {"a:x": {"provider": "a", "mode": "oauth", "label": "L"}}},
                                 "models": {"providers": {}}})
    config.register_profile("openai-codex:me@example.com", "openai-codex", "oauth", email="me@example.com")
    after = openclaw_files.read_config()
    assert after["auth"]["cooldowns"] == {"billingBackoffHours": 5}
    assert after["auth"]["profiles"]["a:x"] == {"provider": "a", "mode": "oauth", "label": "L"}
    assert after["auth"]["profiles"]["openai-codex:me@example.com"] == {
        "provider": "openai-codex", "mode": "oauth", "email": "me@example.com"}
    assert after["models"] == {"providers": {}}


def test_register_profile_creates_a_config(state_dir, openclaw_files):
    config.register_profile("anthropic:manual", "anthropic", "token")
    assert openclaw_files.read_config() == {"auth": {"profiles": {"anthropic:manual": {"provider": "anthropic",
                                                                                        "mode": "token"}}}}
    assert os.stat(state_dir / "openclaw.json").st_mode & 0o777 == 0o600
    assert not (state_dir / "openclaw.json.lock").exists()


def test_register_same_profile_again_does_not_rewrite(openclaw_files):
    path = openclaw_files.write_config()
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    config.register_profile("anthropic:work", "anthropic", "token")
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before  # comments survive a no-op


def test_unregister_profile_removes_it_from_profiles_and_order(openclaw_files):
    openclaw_files.write_config()
    config.unregister_profile("anthropic:work")
    after = openclaw_files.read_config()
    assert "anthropic:work" not in after["auth"]["profiles"]
    assert after["auth"]["order"] == {"anthropic": ["anthropic:personal"]}
    assert after["gateway"] == EXAMPLE_CONFIG["gateway"]


def test_unregister_without_config_creates_nothing(state_dir):
    config.unregister_profile("anthropic:work")
    assert not (state_dir / "openclaw.json").exists()


def test_update_auth_returns_the_mutation_result(openclaw_files):
    openclaw_files.write_config()

    def mutate(auth):
        auth.order["openai"] = ["openai:default"]
        auth.profiles["openai:default"] = AuthProfileConfig(provider="openai", mode="api_key")
        return "done"

    assert config.update_auth(mutate) == "done"
    assert openclaw_files.read_config()["auth"]["order"]["openai"] == ["openai:default"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"{ auth: { profiles: { ", "invalid JSON5"),
        (b"", "empty"),
        (b"[1, 2]", "found list"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b'{"auth": "yes"}', "`auth` section"),
        (b'{"auth": {"profiles": {"a:x": {"mode": "oauth"}}}}', "`auth` section"),
    ],
)
def test_corrupt_config_raises_naming_it_and_is_untouched(openclaw_files, content, problem):
    path = openclaw_files.write_raw(openclaw_files.state / "openclaw.json", content)
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    with pytest.raises(StoreCorruptError) as err:
        config.load_config()
    assert err.value.path == path
    assert "openclaw.json" in str(err.value) and problem in str(err.value)
    with pytest.raises(StoreCorruptError):
        config.register_profile("openai:default", "openai", "api_key")
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


# ---- one reader of openclaw.json (core.configfile); paths opens no file (issue 21)

def test_agent_paths_take_the_parsed_config_and_open_nothing(tmp_path, monkeypatch):
    from openclaw_onboard.core import configfile, fsio, paths

    def no_io(*_a, **_k):
        raise AssertionError("core.paths read a file")

    monkeypatch.setattr(configfile, "read", no_io)
    monkeypatch.setattr(fsio, "read_bytes_or_none", no_io)
    raw = {"agents": {"list": [{"id": "work", "agentDir": str(tmp_path / "elsewhere")}]}}
    assert paths.agent_paths("work", tmp_path, config=raw).agent_dir == tmp_path / "elsewhere"
    assert not hasattr(paths, "read_config_raw") and not hasattr(paths, "list_agents")


def test_status_reads_and_parses_openclaw_json_once(make_agent, state_dir, monkeypatch):
    from openclaw_onboard.core import fsio, status

    make_agent(config=True)
    (state_dir / "openclaw.json").write_text("// one comment\n" + json.dumps(EXAMPLE_CONFIG, indent=2))
    reads = []
    real = fsio.read_bytes_or_none
    monkeypatch.setattr(fsio, "read_bytes_or_none", lambda p: reads.append(os.fspath(p)) or real(p))
    status.agent_status(env={})
    assert [p for p in reads if p.endswith("openclaw.json")] == [str(state_dir / "openclaw.json")]


def test_includes_are_resolved_for_every_reader(make_agent, state_dir):
    """Agent dirs, `auth` for status and the wizard's view: all from included files, as OpenClaw reads them."""
    from openclaw_onboard.core import agentconfig, paths, views

    (state_dir / "openclaw.json").write_text('{ agents: { $include: "./agents.json5" },\n'
                                             '  auth: { $include: ["./auth-a.json5", "./auth-b.json5"] } }\n')
    (state_dir / "agents.json5").write_text('{ list: [{ id: "work", agentDir: "~/work-agent" }] }')
    (state_dir / "auth-a.json5").write_text('{ profiles: { "a:1": { provider: "a", mode: "token" } } }')
    (state_dir / "auth-b.json5").write_text('{ profiles: { "b:1": { provider: "b", mode: "api_key" } } }')
    assert paths.agent_paths("work", state_dir).agent_dir == Path(os.environ["HOME"]) / "work-agent"
    assert "work" in agentconfig.list_agents(state_dir)
    view, _raw = views.read_auth_config(state_dir)
    assert sorted(view.profiles) == ["a:1", "b:1"]
    assert sorted(config.load_config(state_dir).auth.profiles) == ["a:1", "b:1"]


@pytest.mark.parametrize(("files", "problem"), [
    ({"openclaw.json": '{ auth: { $include: "../outside.json5" } }'}, "outside the config directory"),
    ({"openclaw.json": '{ auth: { $include: "./a.json5" } }', "a.json5": '{ $include: "./openclaw.json" }'},
     "circular"),
    ({"openclaw.json": '{ auth: { $include: "./missing.json5" } }'}, "does not exist"),
    ({"openclaw.json": '{ auth: { $include: "./a.json5", x: 1 } }', "a.json5": "[1]"}, "must include an object"),
])
def test_a_bad_include_is_reported_naming_the_file(state_dir, files, problem):
    for name, text in files.items():
        (state_dir / name).write_text(text)
    with pytest.raises(StoreCorruptError, match=problem):
        config.load_config(state_dir)


def test_an_include_merges_as_openclaw_does(state_dir):
    (state_dir / "openclaw.json").write_text(
        '{ tools: { $include: ["./a.json5", "./b.json5"], list: ["c"], mode: "sibling" } }')
    (state_dir / "a.json5").write_text('{ list: ["a"], mode: "a", deep: { x: 1 } }')
    (state_dir / "b.json5").write_text('{ list: ["b"], deep: { y: 2 } }')
    assert config.load_config(state_dir).raw["tools"] == {"list": ["a", "b", "c"], "mode": "sibling",
                                                          "deep": {"x": 1, "y": 2}}


def test_a_profile_in_an_included_file_is_added_and_removed_there(state_dir):
    root = '{\n  // auth is kept apart\n  auth: { $include: "./auth.json5" },\n}\n'
    (state_dir / "openclaw.json").write_text(root)
    included = state_dir / "auth.json5"
    included.write_text('{\n  "profiles": {\n    "a:1": {"provider": "a", "mode": "token"}\n  }\n}\n')
    config.register_profile("b:1", "b", "token", state=state_dir)
    assert (state_dir / "openclaw.json").read_text() == root
    assert json.loads(included.read_text())["profiles"].keys() == {"a:1", "b:1"}  # still strict JSON
    assert (state_dir / "auth.json5.bak").exists()
    config.unregister_profile("a:1", state_dir)
    config.unregister_profile("b:1", state_dir)
    assert json.loads(included.read_text()) == {"profiles": {}}
    assert (state_dir / "openclaw.json").read_text() == root


def test_a_value_an_include_builds_is_never_replaced_in_the_including_file(state_dir):
    """`agents.list` is the whole content of an included file: writing the new list in openclaw.json would
    drop the include; refused, naming the file, and nothing is written anywhere."""
    from openclaw_onboard.core import agents
    from openclaw_onboard.core.errors import OpenClawError

    root = '{ agents: { list: { $include: "./agents.json5" } } }\n'
    (state_dir / "openclaw.json").write_text(root)
    (state_dir / "agents.json5").write_text('[{ id: "main" }]\n')
    with pytest.raises(OpenClawError, match=r"agents\.json5"):
        agents.add_agent("work", state=state_dir)
    assert (state_dir / "openclaw.json").read_text() == root
    assert (state_dir / "agents.json5").read_text() == '[{ id: "main" }]\n'
    assert not (state_dir / "agents" / "work").exists()


def test_an_edit_under_a_root_include_goes_into_the_included_file(state_dir):
    root = '// base lives apart\n{ $include: "./base.json5", gateway: { mode: "local" } }\n'
    (state_dir / "openclaw.json").write_text(root)
    (state_dir / "base.json5").write_text('{ auth: { profiles: {} }, }\n')
    config.register_profile("a:1", "a", "token", state=state_dir)
    assert (state_dir / "openclaw.json").read_text() == root
    assert config.load_config(state_dir).auth.profiles["a:1"].provider == "a"
    assert "a:1" in (state_dir / "base.json5").read_text()
