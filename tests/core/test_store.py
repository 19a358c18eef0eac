"""core.store on real files: load snapshots, update is the only writer, nothing is lost."""

from __future__ import annotations

import copy
import json
import os

import pytest
from openclaw_onboard.core import store
from openclaw_onboard.core.errors import ValidationError
from openclaw_onboard.core.models import ApiKeyCredential, TokenCredential
from openclaw_onboard.core.paths import agent_paths

from tests.conftest import EXAMPLE_STORE


def _add(pid: str, provider: str, key: str = "sk-new"):
    def mutate(s):
        s.profiles[pid] = ApiKeyCredential(provider=provider, key=key)
        return pid

    return mutate


def test_load_absent_store_is_empty_and_not_existing(state_dir):
    loaded = store.load()
    assert loaded.exists is False
    assert loaded.store.profiles == {}
    assert loaded.problems == [] and loaded.warnings == [] and loaded.legacy_ids == []
    assert loaded.paths.store == state_dir / "agents" / "main" / "agent" / "auth-profiles.json"
    assert not loaded.paths.store.exists()  # reading never creates anything
    assert not (state_dir / "agents").exists()


def test_load_example_store(openclaw_files):
    openclaw_files.write_store()
    loaded = store.load()
    assert loaded.exists is True
    assert loaded.problems == [] and loaded.warnings == []
    assert set(loaded.store.profiles) == set(EXAMPLE_STORE["profiles"])
    state_keys = ("order", "lastGood", "usageStats")
    assert loaded.store.to_raw() == {k: v for k, v in EXAMPLE_STORE.items() if k not in state_keys}
    assert loaded.store.state_payload() == {"version": 1, **{k: EXAMPLE_STORE[k] for k in state_keys}}


def test_load_uses_explicit_state_and_agent(tmp_path, openclaw_files):
    openclaw_files.write_store({"version": 1, "profiles": {"a:x": {"type": "token", "provider": "a", "token": "t"}}},
                               agent_id="work")
    loaded = store.load("work", openclaw_files.state)
    assert list(loaded.store.profiles) == ["a:x"]
    assert store.load("main", openclaw_files.state).exists is False


def test_update_creates_the_store(openclaw_files):
    pid = store.update(_add("openai:default", "openai"))
    assert pid == "openai:default"
    raw = openclaw_files.read_store()
    assert raw == {"version": 1, "profiles": {"openai:default": {"type": "api_key", "provider": "openai",
                                                                  "key": "sk-new"}}}


def test_update_keeps_unknown_fields_at_every_level(openclaw_files):
    raw = copy.deepcopy(EXAMPLE_STORE)
    raw["writtenBy"] = {"app": "openclaw", "version": "2026.4.26"}
    raw["profiles"]["openai-codex:me@example.com"]["chatgptPlanType"] = "plus"
    raw["profiles"]["openai:default"]["nested"] = {"deep": [1, {"x": None}]}
    raw["usageStats"]["anthropic:work"]["futureField"] = [1, 2, 3]
    raw["usageStats"]["openai:default"] = {"lastUsed": 5, "unknownStat": {"a": 1}}
    openclaw_files.write_store(raw)

    store.update(_add("anthropic:personal", "anthropic"))

    after = openclaw_files.read_merged()
    expected = copy.deepcopy(raw)
    expected["profiles"]["anthropic:personal"] = {"type": "api_key", "provider": "anthropic", "key": "sk-new"}
    assert after == expected


def test_update_that_changes_nothing_does_not_rewrite(openclaw_files):
    path = openclaw_files.write_store()
    before = (path.read_bytes(), os.stat(path).st_mtime_ns, os.stat(path).st_ino)
    assert store.update(lambda s: len(s.profiles)) == 4
    assert (path.read_bytes(), os.stat(path).st_mtime_ns, os.stat(path).st_ino) == before


def test_mutate_that_raises_writes_nothing(openclaw_files):
    path = openclaw_files.write_store()
    before = path.read_bytes()

    def mutate(s):
        s.profiles.clear()
        raise ValidationError("no")

    with pytest.raises(ValidationError):
        store.update(mutate)
    assert path.read_bytes() == before
    assert not openclaw_files.paths().lock.exists()


def test_load_is_a_snapshot_that_never_writes(openclaw_files):
    path = openclaw_files.write_store()
    before = path.read_bytes()
    loaded = store.load()
    loaded.store.profiles.clear()
    assert path.read_bytes() == before
    assert len(store.load().store.profiles) == 4


def test_lenient_spellings_load_and_are_written_readably(openclaw_files):
    openclaw_files.write_store({
        "version": 1,
        "profiles": {
            "openai:legacy": {"mode": "api_key", "provider": "openai", "apiKey": "sk-lenient-1"},
            "anthropic:old": {"mode": "token", "provider": "anthropic", "token": "tok", "expires": 1826789958410},
        },
    })
    loaded = store.load()
    assert loaded.problems == []
    assert loaded.store.profiles["openai:legacy"].secret == "sk-lenient-1"
    assert isinstance(loaded.store.profiles["anthropic:old"], TokenCredential)

    store.update(_add("x:y", "x"))
    after = openclaw_files.read_store()["profiles"]
    assert after["openai:legacy"]["type"] == "api_key"
    assert after["openai:legacy"]["key"] == "sk-lenient-1"
    assert after["anthropic:old"]["type"] == "token"
    assert after["anthropic:old"]["expires"] == 1826789958410


def test_invalid_entries_are_reported_and_written_back_verbatim(openclaw_files):
    raw = copy.deepcopy(EXAMPLE_STORE)
    raw["profiles"]["weird:one"] = {"type": "webauthn", "provider": "weird", "blob": {"k": [1, 2]}}
    raw["profiles"]["noprov:one"] = {"type": "api_key", "key": "sk-orphan"}
    raw["profiles"]["broken:ref"] = {"type": "api_key", "provider": "broken", "keyRef": "not-an-object"}
    openclaw_files.write_store(raw)

    loaded = store.load()
    assert set(loaded.store.profiles) == set(EXAMPLE_STORE["profiles"])
    reported = " | ".join(str(p) for p in loaded.problems)
    for pid in ("weird:one", "noprov:one", "broken:ref"):
        assert pid in reported
    assert "sk-orphan" not in reported

    store.update(_add("anthropic:personal", "anthropic"))
    after = openclaw_files.read_merged()
    for pid in ("weird:one", "noprov:one", "broken:ref"):
        assert after["profiles"][pid] == raw["profiles"][pid]
    assert after["profiles"]["anthropic:personal"]["key"] == "sk-new"
    # ...and on the write after that, too (nothing is lost over several writes).
    store.update(lambda s: s.profiles.pop("anthropic:personal"))
    assert openclaw_files.read_merged() == raw


def test_removing_a_profile_keeps_the_rest(openclaw_files):
    openclaw_files.write_store()
    store.update(lambda s: s.profiles.pop("openrouter:manual"))
    after = openclaw_files.read_merged()
    expected = copy.deepcopy(EXAMPLE_STORE)
    del expected["profiles"]["openrouter:manual"]
    assert after == expected


def test_update_is_reentrant_for_separate_agents(openclaw_files):
    openclaw_files.write_store()

    def mutate(s):
        # Writing another agent's store while holding main's lock must not deadlock.
        store.update(_add("w:x", "w"), "work")
        s.profiles.pop("openai:default")

    store.update(mutate)
    assert "openai:default" not in openclaw_files.read_store()["profiles"]
    assert list(openclaw_files.read_store("work")["profiles"]) == ["w:x"]


def test_written_store_is_plain_json_with_type_and_provider_first(openclaw_files):
    store.update(_add("openai:default", "openai"))
    text = agent_paths().store.read_text("utf-8")
    assert text.endswith("\n")
    entry = json.loads(text)["profiles"]["openai:default"]
    assert list(entry)[:2] == ["type", "provider"]
