"""auth-state.json (newer OpenClaw): its `order` wins on read and is kept in step on write."""

from __future__ import annotations

import copy
import os

from core import order as order_mod
from core import store
from core.models import ApiKeyCredential
from tests.conftest import EXAMPLE_AUTH_STATE, EXAMPLE_STORE


def test_auth_state_order_wins_on_read(make_agent):
    make_agent(auth_state=True)
    loaded = store.load()
    assert loaded.store.order == EXAMPLE_AUTH_STATE["order"]
    assert loaded.state is not None and loaded.state.lastGood == {"anthropic": "anthropic:work"}


def test_store_order_is_used_without_auth_state(make_agent):
    make_agent()
    assert store.load().store.order == EXAMPLE_STORE["order"]


def test_auth_state_without_order_leaves_the_store_order(make_agent):
    make_agent(auth_state={"version": 1, "lastGood": {"openai": "openai:default"}})
    assert store.load().store.order == EXAMPLE_STORE["order"]


def test_changing_order_keeps_auth_state_in_step_and_its_other_fields(make_agent, openclaw_files):
    state = copy.deepcopy(EXAMPLE_AUTH_STATE)
    state["futureField"] = {"keep": True}
    make_agent(auth_state=state)

    def mutate(s):
        s.order = {**s.order, "openai-codex": ["openai-codex:me@example.com"]}

    store.update(mutate)
    expected_order = {**EXAMPLE_AUTH_STATE["order"], "openai-codex": ["openai-codex:me@example.com"]}
    after_state = openclaw_files.read_auth_state()
    assert after_state["order"] == expected_order
    for key in ("version", "lastGood", "usageStats", "futureField"):
        assert after_state[key] == state[key]
    assert set(after_state) == set(state)
    # The store itself carries the same order, so older OpenClaw releases agree too.
    assert openclaw_files.read_store()["order"] == expected_order
    assert store.load().store.order == expected_order
    assert os.stat(openclaw_files.paths().auth_state).st_mode & 0o777 == 0o600


def test_clearing_the_order_removes_it_from_auth_state(make_agent, openclaw_files):
    make_agent(auth_state=True)
    store.update(lambda s: setattr(s, "order", None))
    after_state = openclaw_files.read_auth_state()
    assert "order" not in after_state
    assert after_state["lastGood"] == EXAMPLE_AUTH_STATE["lastGood"]
    assert after_state["usageStats"] == EXAMPLE_AUTH_STATE["usageStats"]
    assert "order" not in openclaw_files.read_store()
    assert store.load().store.order is None


def test_write_that_does_not_touch_order_leaves_auth_state_alone(make_agent, openclaw_files):
    make_agent(auth_state=True)
    path = openclaw_files.paths().auth_state
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)

    def mutate(s):
        s.profiles["openai:second"] = ApiKeyCredential(provider="openai", key="sk-2")

    store.update(mutate)
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before
    assert "openai:second" in openclaw_files.read_store()["profiles"]


def test_order_set_through_core_order_lands_in_auth_state(make_agent, openclaw_files):
    make_agent(auth_state=True)
    order_mod.set_order("openai", ["openai:default"])
    order_mod.set_order("anthropic", ["anthropic:work"])
    assert openclaw_files.read_auth_state()["order"]["anthropic"] == ["anthropic:work"]
    assert order_mod.clear_order("openai") is True
    assert "openai" not in openclaw_files.read_auth_state()["order"]


def test_no_auth_state_file_is_created_when_there_was_none(make_agent, openclaw_files):
    make_agent()
    store.update(lambda s: setattr(s, "order", {"openai": ["openai:default"]}))
    assert not openclaw_files.paths().auth_state.exists()
    assert openclaw_files.read_store()["order"] == {"openai": ["openai:default"]}
