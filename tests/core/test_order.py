"""core.order: effective order (override > config order > config profiles > stored) and its edits."""

from __future__ import annotations

import copy

import pytest
from openclaw_onboard.core import order, store
from openclaw_onboard.core.authstate import coerce_state
from openclaw_onboard.core.errors import ProfileNotFoundError, ValidationError
from openclaw_onboard.core.models import AuthConfig, AuthProfileStore

from tests.conftest import EXAMPLE_STORE

NOW = 1_800_000_000_000


def _store(profiles: dict, usage: dict | None = None, order_: dict | None = None) -> AuthProfileStore:
    raw = {"version": 1, "profiles": profiles}
    if usage is not None:
        raw["usageStats"] = usage
    if order_ is not None:
        raw["order"] = order_
    s, problems = AuthProfileStore.from_raw(raw)
    assert problems == []
    s.set_state(coerce_state(raw))
    return s


def _p(kind: str, provider: str = "anthropic") -> dict:
    return {"api_key": {"type": "api_key", "provider": provider, "key": "k"},
            "token": {"type": "token", "provider": provider, "token": "t"},
            "oauth": {"type": "oauth", "provider": provider, "access": "a", "refresh": "r", "expires": NOW + 1}}[kind]


MIXED = {
    "anthropic:key": _p("api_key"),
    "anthropic:tok": _p("token"),
    "anthropic:oa": _p("oauth"),
    "openai:x": _p("api_key", "openai"),
}


def _cfg(profiles=None, order_=None) -> AuthConfig:
    return AuthConfig.model_validate({"profiles": profiles or {}, "order": order_ or {}})


def test_default_sort_oauth_then_token_then_api_key():
    s = _store(MIXED)
    assert order.effective_order(s, "anthropic", None, NOW) == ["anthropic:oa", "anthropic:tok", "anthropic:key"]
    assert order.order_source(s, "anthropic", None) == "default"


def test_default_sort_least_recently_used_first_within_a_type():
    s = _store({"anthropic:a": _p("token"), "anthropic:b": _p("token"), "anthropic:c": _p("token")},
               usage={"anthropic:a": {"lastUsed": NOW - 10}, "anthropic:b": {"lastUsed": NOW - 1000}})
    # c never used (0) < b (older) < a (most recent)
    assert order.effective_order(s, "anthropic", None, NOW) == ["anthropic:c", "anthropic:b", "anthropic:a"]


def test_cooldown_goes_last_soonest_available_first():
    s = _store(MIXED, usage={
        "anthropic:oa": {"cooldownUntil": NOW + 5000},
        "anthropic:tok": {"disabledUntil": NOW + 1000, "disabledReason": "billing"},
        "anthropic:key": {"cooldownUntil": NOW - 1},  # cooldown over
    })
    assert order.effective_order(s, "anthropic", None, NOW) == ["anthropic:key", "anthropic:tok", "anthropic:oa"]
    assert order.cooldown_until(s, "anthropic:oa") == NOW + 5000
    assert order.cooldown_until(s, "openai:x") == 0


def test_cooldown_boundary_is_inclusive_of_now():
    s = _store(MIXED, usage={"anthropic:oa": {"cooldownUntil": NOW}})
    assert order.effective_order(s, "anthropic", None, NOW)[0] == "anthropic:oa"  # available at NOW
    assert order.effective_order(s, "anthropic", None, NOW - 1)[-1] == "anthropic:oa"


def test_override_wins_and_is_an_allow_list():
    s = _store(MIXED, order_={"anthropic": ["anthropic:key", "anthropic:gone", "openai:x", "anthropic:tok"]})
    cfg = _cfg(order_={"anthropic": ["anthropic:oa"]})
    assert order.effective_order(s, "anthropic", cfg, NOW) == ["anthropic:key", "anthropic:tok"]
    assert order.order_source(s, "anthropic", cfg) == "override"
    assert order.override_order(s, "anthropic") == ["anthropic:key", "anthropic:gone", "openai:x", "anthropic:tok"]
    assert order.override_order(s, "openai") is None


def test_config_order_when_no_override():
    s = _store(MIXED)
    cfg = _cfg(profiles={"anthropic:oa": {"provider": "anthropic", "mode": "oauth"}},
               order_={"anthropic": ["anthropic:tok", "anthropic:key"]})
    assert order.effective_order(s, "anthropic", cfg, NOW) == ["anthropic:tok", "anthropic:key"]
    assert order.order_source(s, "anthropic", cfg) == "config-order"


def test_config_profiles_when_no_order_are_default_sorted():
    s = _store(MIXED)
    cfg = _cfg(profiles={"anthropic:key": {"provider": "anthropic", "mode": "api_key"},
                         "anthropic:oa": {"provider": "anthropic", "mode": "oauth"},
                         "anthropic:absent": {"provider": "anthropic", "mode": "token"}})
    assert order.effective_order(s, "anthropic", cfg, NOW) == ["anthropic:oa", "anthropic:key"]
    assert order.order_source(s, "anthropic", cfg) == "config-profiles"


def test_explicit_order_still_puts_cooldown_last():
    s = _store(MIXED, order_={"anthropic": ["anthropic:key", "anthropic:tok"]},
               usage={"anthropic:key": {"cooldownUntil": NOW + 60_000}})
    assert order.effective_order(s, "anthropic", None, NOW) == ["anthropic:tok", "anthropic:key"]


def test_validate_order_errors():
    s = _store(MIXED)
    with pytest.raises(ProfileNotFoundError) as err:
        order.validate_order(s, "anthropic", ["anthropic:nope"])
    assert str(err.value) == 'Auth profile "anthropic:nope" not found.'
    with pytest.raises(ValidationError) as err:
        order.validate_order(s, "anthropic", ["anthropic:oa", "openai:x"])
    assert str(err.value) == 'Auth profile "openai:x" is for openai, not anthropic.'
    with pytest.raises(ValidationError) as err:
        order.validate_order(s, "anthropic", ["anthropic:oa", "anthropic:oa"])
    assert "twice" in str(err.value)
    with pytest.raises(ValidationError):
        order.validate_order(s, "anthropic", [])
    assert order.validate_order(s, "anthropic", ["anthropic:tok", "anthropic:oa"]) == ["anthropic:tok",
                                                                                      "anthropic:oa"]


def test_set_and_clear_order_on_disk(openclaw_files):
    openclaw_files.write_store()
    assert order.set_order("openai", ["openai:default"]) == ["openai:default"]
    raw = openclaw_files.read_merged()
    assert raw["order"] == {**EXAMPLE_STORE["order"], "openai": ["openai:default"]}
    assert raw["profiles"] == EXAMPLE_STORE["profiles"]
    assert order.clear_order("openai") is True
    assert order.clear_order("openai") is False
    assert openclaw_files.read_merged()["order"] == EXAMPLE_STORE["order"]
    assert order.clear_order("anthropic") is True
    assert "order" not in openclaw_files.read_merged()
    assert "order" not in openclaw_files.read_store()


def test_set_order_invalid_writes_nothing(openclaw_files):
    path = openclaw_files.write_store()
    before = path.read_bytes()
    with pytest.raises(ValidationError):
        order.set_order("anthropic", ["openai:default"])
    with pytest.raises(ProfileNotFoundError):
        order.set_order("anthropic", ["anthropic:personal"])  # named in the example order, but not stored
    assert path.read_bytes() == before


def test_effective_order_of_example_store_skips_missing_ids(openclaw_files):
    s, _ = AuthProfileStore.from_raw(copy.deepcopy(EXAMPLE_STORE))
    assert order.effective_order(s, "anthropic", None, NOW) == ["anthropic:work"]
    openclaw_files.write_store()
    assert order.effective_order(store.load().store, "openai", None, NOW) == ["openai:default"]
