"""Legacy files: <agentDir>/auth.json and <state>/credentials/oauth.json become `<provider>:default`."""

from __future__ import annotations

import copy
import json
import os

from openclaw_onboard.core import store
from openclaw_onboard.core.models import ApiKeyCredential, OAuthCredential

from tests.conftest import EXAMPLE_LEGACY_AUTH, EXAMPLE_STORE


def _noop(s):
    return None


def test_legacy_entries_appear_as_default_profiles_when_store_is_absent(make_agent):
    make_agent(store=False, legacy_auth=True, legacy_oauth=True)
    loaded = store.load()
    assert loaded.exists is False
    assert sorted(loaded.legacy_ids) == ["anthropic:default", "google:default", "openai:default"]
    profiles = loaded.store.profiles
    assert isinstance(profiles["openai:default"], ApiKeyCredential)
    assert profiles["openai:default"].key == EXAMPLE_LEGACY_AUTH["openai"]["key"]
    anthropic = profiles["anthropic:default"]
    assert isinstance(anthropic, OAuthCredential)  # oauth.json entries carry no type: access/refresh = oauth
    assert (anthropic.access, anthropic.refresh, anthropic.expires_ms) == (
        "sk-ant-oat01-legacy-access", "sk-ant-ort01-legacy", 1767225600000)
    # auth.json comes first: google from auth.json is not overwritten by oauth.json's.
    assert profiles["google:default"].access == "ya29.legacy-access"
    assert profiles["google:default"].projectId == "my-project"


def test_load_alone_changes_no_legacy_file(make_agent):
    paths = make_agent(store=False, legacy_auth=True, legacy_oauth=True)
    before = paths.legacy_auth.read_bytes()
    store.load()
    assert paths.legacy_auth.read_bytes() == before
    assert not paths.store.exists()


def test_first_update_writes_legacy_entries_then_removes_auth_json(make_agent, openclaw_files):
    paths = make_agent(store=False, legacy_auth=True, legacy_oauth=True)
    oauth_json = openclaw_files.state / "credentials" / "oauth.json"
    oauth_before = oauth_json.read_bytes()

    store.update(_noop)  # even a no-op update makes the import permanent

    raw = openclaw_files.read_store()
    assert set(raw["profiles"]) == {"anthropic:default", "google:default", "openai:default"}
    assert raw["profiles"]["openai:default"]["key"] == EXAMPLE_LEGACY_AUTH["openai"]["key"]
    assert raw["profiles"]["google:default"]["projectId"] == "my-project"
    assert raw["profiles"]["anthropic:default"]["type"] == "oauth"
    assert not paths.legacy_auth.exists()  # only after the store was written
    assert oauth_json.read_bytes() == oauth_before  # import-only: never changed
    loaded = store.load()
    assert loaded.exists is True and loaded.legacy_ids == []


def test_legacy_import_never_overwrites_what_the_mutation_adds(make_agent, openclaw_files):
    make_agent(store=False, legacy_auth=True)

    def mutate(s):
        assert "openai:default" in s.profiles  # the caller sees the legacy entries
        s.profiles["openai:work"] = ApiKeyCredential(provider="openai", key="sk-work")

    store.update(mutate)
    raw = openclaw_files.read_store()
    assert raw["profiles"]["openai:work"]["key"] == "sk-work"
    assert raw["profiles"]["openai:default"]["key"] == EXAMPLE_LEGACY_AUTH["openai"]["key"]


def test_oauth_json_alone_is_imported_and_kept(make_agent, openclaw_files):
    make_agent(store=False, legacy_oauth=True)
    store.update(_noop)
    raw = openclaw_files.read_store()
    assert set(raw["profiles"]) == {"anthropic:default", "google:default"}
    assert raw["profiles"]["google:default"]["access"] == "ya29.from-oauth-json"
    assert (openclaw_files.state / "credentials" / "oauth.json").exists()


def test_oauth_dir_env_override(make_agent, openclaw_files, monkeypatch, tmp_path):
    other = tmp_path / "oauth-dir"
    other.mkdir()
    (other / "oauth.json").write_text('{"openai-codex": {"access": "a", "refresh": "r", "expires": 1}}')
    monkeypatch.setenv("OPENCLAW_OAUTH_DIR", str(other))
    make_agent(store=False, legacy_oauth=True)  # the default location is then ignored
    assert store.load().legacy_ids == ["openai-codex:default"]


def test_no_legacy_import_once_the_store_exists(make_agent):
    make_agent(legacy_auth={"anthropic": {"type": "oauth", "access": "a", "refresh": "r", "expires": 1}},
               legacy_oauth=True)
    loaded = store.load()
    assert loaded.legacy_ids == []
    assert "anthropic:default" not in loaded.store.profiles
    assert set(loaded.store.profiles) == set(EXAMPLE_STORE["profiles"])


def test_static_api_keys_are_scrubbed_from_legacy_auth_json_on_next_write(make_agent, openclaw_files):
    legacy = {
        "mistral": {"type": "api_key", "provider": "mistral", "key": "sk-mistral-static"},
        "groq": {"mode": "api_key", "provider": "groq", "apiKey": "gsk-static"},
        "anthropic": {"type": "oauth", "provider": "anthropic", "access": "a", "refresh": "r", "expires": 5},
        "futureProvider": {"type": "token", "provider": "futureProvider", "token": "t"},
    }
    paths = make_agent(legacy_auth=legacy)

    def mutate(s):
        s.profiles["openai:second"] = ApiKeyCredential(provider="openai", key="sk-2")

    store.update(mutate)
    after = json.loads(paths.legacy_auth.read_text())
    assert after == {"anthropic": legacy["anthropic"], "futureProvider": legacy["futureProvider"]}
    assert os.stat(paths.legacy_auth).st_mode & 0o777 == 0o600
    assert "sk-mistral-static" not in paths.legacy_auth.read_text()
    # The store itself was not fed from legacy (it existed).
    assert "mistral:default" not in openclaw_files.read_store()["profiles"]


def test_untyped_static_key_in_legacy_auth_json_is_scrubbed_too(make_agent):
    # merge_legacy reads an entry with `key`/`apiKey` and no type as an api_key; the scrub must
    # recognise the same entries, or a static key stays behind in the legacy file.
    legacy = {
        "mistral": {"key": "sk-mistral-untyped"},
        "anthropic": {"type": "oauth", "access": "a", "refresh": "r", "expires": 5},
    }
    paths = make_agent(legacy_auth=legacy)
    store.update(lambda s: s.profiles.__setitem__("openai:second", ApiKeyCredential(provider="openai", key="k")))
    assert "sk-mistral-untyped" not in paths.legacy_auth.read_text()


def test_legacy_entry_of_an_existing_provider_keeps_its_legacy_file_if_not_imported(make_agent, openclaw_files):
    # The store exists and already has a different google:default: the legacy google entry was
    # never imported (nothing is imported once the store exists), so deleting auth.json loses it.
    store_raw = copy.deepcopy(EXAMPLE_STORE)
    legacy = {"google": copy.deepcopy(EXAMPLE_LEGACY_AUTH["google"])}
    store_raw["profiles"]["google:default"] = {"type": "oauth", "provider": "google", "access": "other",
                                               "refresh": "other", "expires": 1}
    paths = make_agent(store=store_raw, legacy_auth=legacy)
    store.update(lambda s: s.profiles.__setitem__("x:y", ApiKeyCredential(provider="x", key="k")))
    assert paths.legacy_auth.exists()
    assert "ya29.legacy-access" in paths.legacy_auth.read_text()


def test_invalid_legacy_entries_are_reported_and_auth_json_is_kept(make_agent):
    legacy = {"openai": {"type": "api_key", "key": "sk-ok"}, "weird": {"type": "magic", "x": 1}, "bad": "string"}
    paths = make_agent(store=False, legacy_auth=legacy)
    loaded = store.load()
    assert loaded.legacy_ids == ["openai:default"]
    reported = " | ".join(str(p) for p in loaded.problems)
    assert "weird" in reported and "bad" in reported
    store.update(_noop)
    # `weird` and `bad` were not imported: the legacy file must not disappear with them.
    assert paths.legacy_auth.exists()
    remaining = json.loads(paths.legacy_auth.read_text())
    assert remaining["weird"] == legacy["weird"] and remaining["bad"] == legacy["bad"]
    assert "openai" not in remaining  # the static key was imported and scrubbed
