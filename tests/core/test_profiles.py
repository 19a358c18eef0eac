"""core.profiles: adding/removing credentials writes the store and openclaw.json together."""

from __future__ import annotations

import copy

import pytest
from openclaw_onboard.core import profiles
from openclaw_onboard.core.errors import ProfileNotFoundError, ValidationError
from openclaw_onboard.core.models import OAuthCredential

from tests.conftest import ANTHROPIC_SETUP_TOKEN, DAY_MS, EXAMPLE_NOW_MS, EXAMPLE_STORE


@pytest.mark.parametrize("pid", ["anthropic:work", "anthropic:me@example.com", "anthropic:a.b_c-d+e", "anthropic:0"])
def test_valid_profile_ids(pid):
    assert profiles.validate_profile_id(pid, "anthropic") == pid


@pytest.mark.parametrize(
    ("pid", "message"),
    [("work", "expected anthropic:<name>"), ("anthropic:", "expected"), ("openai:work", "is for openai, not anthropic"),
     ("anthropic:Work", "Invalid profile name"), ("anthropic:a b", "Invalid profile name"),
     ("anthropic:a/b", "Invalid profile name"), ("anthropic:" + "a" * 129, "Invalid profile name")],
)
def test_invalid_profile_ids(pid, message):
    with pytest.raises(ValidationError) as err:
        profiles.validate_profile_id(pid, "anthropic")
    assert message in str(err.value)


def test_add_token_defaults_to_manual_with_absolute_expiry(openclaw_files):
    pid = profiles.add_token("anthropic", "  " + ANTHROPIC_SETUP_TOKEN + "\n", expires_in_ms=365 * DAY_MS,
                             now_ms=EXAMPLE_NOW_MS)
    assert pid == "anthropic:manual"
    entry = openclaw_files.read_store()["profiles"]["anthropic:manual"]
    assert entry == {"type": "token", "provider": "anthropic", "token": ANTHROPIC_SETUP_TOKEN,
                     "expires": EXAMPLE_NOW_MS + 365 * DAY_MS}
    assert openclaw_files.read_config()["auth"]["profiles"]["anthropic:manual"] == {"provider": "anthropic",
                                                                                    "mode": "token"}


def test_add_token_without_expiry_and_custom_id_keeps_the_rest(make_agent, openclaw_files):
    make_agent(config=True)
    pid = profiles.add_token("openrouter", "sk-or-v1-new", profile_id="openrouter:team")
    raw = openclaw_files.read_store()
    assert raw["profiles"][pid] == {"type": "token", "provider": "openrouter", "token": "sk-or-v1-new"}
    for other, entry in EXAMPLE_STORE["profiles"].items():
        assert raw["profiles"][other] == entry
    cfg = openclaw_files.read_config()
    assert cfg["gateway"] == {"port": 18789, "bind": "loopback"}
    assert cfg["auth"]["profiles"]["openrouter:team"] == {"provider": "openrouter", "mode": "token"}


def test_add_api_key_default_id(openclaw_files):
    assert profiles.add_api_key("mistral", "sk-mistral") == "mistral:default"
    assert openclaw_files.read_store()["profiles"]["mistral:default"]["key"] == "sk-mistral"
    assert openclaw_files.read_config()["auth"]["profiles"]["mistral:default"]["mode"] == "api_key"


@pytest.mark.parametrize(("provider", "pid"), [("Bad Provider", None), ("anthropic", "openai:x"), ("anthropic", "x")])
def test_add_rejects_bad_ids_and_writes_nothing(state_dir, provider, pid):
    with pytest.raises(ValidationError):
        profiles.add_token(provider, "tok", profile_id=pid)
    assert not (state_dir / "agents").exists()
    assert not (state_dir / "openclaw.json").exists()


def test_add_rejects_an_empty_token(state_dir):
    with pytest.raises(ValidationError):
        profiles.add_api_key("openai", "  \n ")
    assert not (state_dir / "agents").exists()


def test_add_oauth_with_email(openclaw_files):
    cred = OAuthCredential(provider="openai-codex", access="a", refresh="r", expires=EXAMPLE_NOW_MS + DAY_MS,
                           accountId="acc_1", email="you@example.com")
    assert profiles.add_oauth(cred, "openai-codex:you@example.com") == "openai-codex:you@example.com"
    entry = openclaw_files.read_store()["profiles"]["openai-codex:you@example.com"]
    assert entry["accountId"] == "acc_1" and entry["refresh"] == "r"
    assert openclaw_files.read_config()["auth"]["profiles"]["openai-codex:you@example.com"] == {
        "provider": "openai-codex", "mode": "oauth", "email": "you@example.com"}


def test_add_replaces_an_invalid_entry_of_the_same_id(make_agent, openclaw_files):
    raw = copy.deepcopy(EXAMPLE_STORE)
    raw["profiles"]["openai:broken"] = {"type": "api_key", "provider": "openai", "key": 42}
    make_agent(store=raw)
    profiles.add_api_key("openai", "sk-fixed", profile_id="openai:broken")
    assert openclaw_files.read_store()["profiles"]["openai:broken"]["key"] == "sk-fixed"


def test_remove_profile_cleans_order_stats_last_good_and_config(make_agent, openclaw_files):
    make_agent(config=True)
    removed = profiles.remove_profile("anthropic:work")
    assert removed.secret == ANTHROPIC_SETUP_TOKEN
    raw = openclaw_files.read_merged()
    assert "anthropic:work" not in raw["profiles"]
    assert raw["order"] == {"anthropic": ["anthropic:personal"]}
    assert "anthropic:work" not in raw.get("usageStats", {})
    assert "anthropic:work" not in raw.get("lastGood", {}).values()
    cfg = openclaw_files.read_config()
    assert "anthropic:work" not in cfg["auth"]["profiles"]
    assert cfg["auth"]["order"] == {"anthropic": ["anthropic:personal"]}


def test_remove_unknown_profile(make_agent, openclaw_files):
    path = make_agent().store
    before = path.read_bytes()
    with pytest.raises(ProfileNotFoundError) as err:
        profiles.remove_profile("anthropic:nope")
    assert str(err.value) == 'Auth profile "anthropic:nope" not found.'
    assert path.read_bytes() == before


def test_remove_an_invalid_entry(make_agent, openclaw_files):
    raw = copy.deepcopy(EXAMPLE_STORE)
    raw["profiles"]["weird:x"] = {"type": "nope"}
    make_agent(store=raw)
    assert profiles.remove_profile("weird:x") is None
    assert "weird:x" not in openclaw_files.read_store()["profiles"]


def test_new_profile_joins_an_existing_order_override_first(tmp_path):
    """An explicit order is an allow-list; a new login must not be silently unused."""
    from openclaw_onboard.core import order, profiles, store

    profiles.add_token("anthropic", "sk-ant-oat01-" + "a" * 80, profile_id="anthropic:work", state=tmp_path)
    profiles.add_token("anthropic", "sk-ant-oat01-" + "b" * 80, profile_id="anthropic:home", state=tmp_path)
    order.set_order("anthropic", ["anthropic:home", "anthropic:work"], state=tmp_path)
    profiles.add_token("anthropic", "sk-ant-oat01-" + "c" * 80, profile_id="anthropic:new", state=tmp_path)
    profiles.add_token("anthropic", "sk-ant-oat01-" + "d" * 80, profile_id="anthropic:work", state=tmp_path)
    profiles.add_token("openrouter", "sk-or-v1-" + "e" * 30, state=tmp_path)  # other providers untouched
    assert store.load(state=tmp_path).store.order == {
        "anthropic": ["anthropic:new", "anthropic:home", "anthropic:work"]}


def test_new_profile_joins_config_auth_order_first(tmp_path):
    import json5
    from openclaw_onboard.core import profiles

    (tmp_path / "openclaw.json").write_text('{auth: {order: {anthropic: ["anthropic:work"]}}}')
    profiles.add_token("anthropic", "sk-ant-oat01-" + "c" * 80, profile_id="anthropic:new", state=tmp_path)
    profiles.add_token("anthropic", "sk-ant-oat01-" + "c" * 80, profile_id="anthropic:new", state=tmp_path)
    cfg = json5.loads((tmp_path / "openclaw.json").read_text())
    # OpenClaw's applyAuthProfileConfig: a new login goes first in an existing auth.order.
    assert cfg["auth"]["order"] == {"anthropic": ["anthropic:new", "anthropic:work"]}
