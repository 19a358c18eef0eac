"""The 4.26 split: auth-profiles.json holds {version, profiles}; auth-state.json holds order,
lastGood and usageStats, wins per entry on read, and is removed when all three are empty."""

from __future__ import annotations

import copy

from openclaw_onboard.core import order as order_mod
from openclaw_onboard.core import profiles as profiles_mod
from openclaw_onboard.core import store
from openclaw_onboard.core.models import ApiKeyCredential

from tests.conftest import EXAMPLE_AUTH_STATE, EXAMPLE_STORE


def _touch_profiles(s):
    s.profiles["groq:x"] = ApiKeyCredential(provider="groq", key="gsk-0123456789")


def test_auth_state_wins_per_entry_over_legacy_keys_in_the_store(make_agent):
    make_agent(auth_state=True)
    loaded = store.load().store
    # order: per provider, auth-state.json wins; providers only in the store file stay.
    assert loaded.order == {**EXAMPLE_STORE["order"], **EXAMPLE_AUTH_STATE["order"]}
    assert loaded.lastGood == {"anthropic": "anthropic:work"}
    # usageStats: per profile, whole entries.
    assert loaded.usageStats == {**EXAMPLE_STORE["usageStats"], **EXAMPLE_AUTH_STATE["usageStats"]}


def test_single_file_store_is_split_on_our_first_write(make_agent, openclaw_files):
    make_agent()
    store.update(_touch_profiles)
    assert set(openclaw_files.read_store()) == {"version", "profiles"}
    state = openclaw_files.read_auth_state()
    assert state == {"version": 1, "order": EXAMPLE_STORE["order"], "lastGood": EXAMPLE_STORE["lastGood"],
                     "usageStats": EXAMPLE_STORE["usageStats"]}


def test_changing_order_writes_auth_state_and_keeps_its_other_entries(make_agent, openclaw_files):
    make_agent(store={"version": 1, "profiles": copy.deepcopy(EXAMPLE_STORE["profiles"])}, auth_state=True)
    order_mod.set_order("openai-codex", ["openai-codex:me@example.com"])
    state = openclaw_files.read_auth_state()
    assert state["order"] == {**EXAMPLE_AUTH_STATE["order"], "openai-codex": ["openai-codex:me@example.com"]}
    assert state["usageStats"] == EXAMPLE_AUTH_STATE["usageStats"]
    assert state["lastGood"] == EXAMPLE_AUTH_STATE["lastGood"]


def test_auth_state_is_removed_when_nothing_is_left_in_it(make_agent, openclaw_files):
    make_agent(store={"version": 1, "profiles": copy.deepcopy(EXAMPLE_STORE["profiles"])},
               auth_state={"version": 1, "order": {"openai": ["openai:default"]}})
    assert order_mod.clear_order("openai") is True
    assert not openclaw_files.paths().auth_state.exists()


def test_no_auth_state_file_is_created_when_there_is_no_state(make_agent, openclaw_files):
    make_agent(store={"version": 1, "profiles": {}})
    store.update(_touch_profiles)
    assert not openclaw_files.paths().auth_state.exists()


def test_order_is_coerced_as_openclaw_does(make_agent, openclaw_files):
    make_agent(store={"version": 1, "profiles": copy.deepcopy(EXAMPLE_STORE["profiles"])},
               auth_state={"version": 1, "order": {"openai": [" openai:default ", "", 7], "x": "no", "y": []}})
    assert store.load().store.order == {"openai": ["openai:default"]}
    store.update(_touch_profiles)
    assert openclaw_files.read_auth_state() == {"version": 1, "order": {"openai": ["openai:default"]}}


def test_remove_cleans_every_trace_of_a_profile(make_agent, openclaw_files):
    state = copy.deepcopy(EXAMPLE_AUTH_STATE)
    state["usageStats"]["openai:default"]["disabledUntil"] = 9_999_999_999_999
    state["usageStats"]["openai:default"]["disabledReason"] = "billing"
    make_agent(store={"version": 1, "profiles": copy.deepcopy(EXAMPLE_STORE["profiles"])}, auth_state=state)
    profiles_mod.remove_profile("openai:default")
    merged = openclaw_files.read_merged()
    assert "openai:default" not in merged["profiles"]
    assert "openai:default" not in merged.get("usageStats", {})
    assert "openai" not in merged.get("order", {})
    assert "openai:default" not in (merged.get("lastGood") or {}).values()
    # Re-added later, it starts clean: no inherited disable.
    store.update(lambda s: s.profiles.__setitem__("openai:default", ApiKeyCredential(provider="openai", key="sk-a")))
    assert "openai:default" not in (store.load().store.usageStats or {})
