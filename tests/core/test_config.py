"""<state>/openclaw.json: JSON5 in, only `auth` is ours, everything else kept."""

from __future__ import annotations

import json
import os

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
