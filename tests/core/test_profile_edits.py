"""core.profile_edits: the dashboard's reorders and undo, without a screen (no Textual, no Pilot)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openclaw_onboard.core import order as order_mod
from openclaw_onboard.core import store as store_mod
from openclaw_onboard.core.errors import OpenClawError
from openclaw_onboard.core.profile_edits import Deletion, OrderChange, ProfileEdits, StoreWrites
from openclaw_onboard.core.status import agent_status

from tests.conftest import EXAMPLE_NOW_MS

NOW = EXAMPLE_NOW_MS
DAY_MS = 86_400_000
IDS = ("manual", "a", "b", "c")


def tok(name: str) -> str:
    return f"sk-ant-oat01-{name}-" + "Zq8" * 30 + f"-{name}-END"


def four_profiles(make_agent: Any, openclaw_files: Any, *, override: bool = False) -> None:
    """`manual, a, b, c` of anthropic, registered in openclaw.json (the order OpenClaw uses when there
    is no override), with usage stats and b as lastGood."""
    store: dict[str, Any] = {
        "version": 1,
        "profiles": {f"anthropic:{n}": {"type": "token", "provider": "anthropic", "token": tok(n),
                                        "expires": NOW + (i + 2) * DAY_MS} for i, n in enumerate(IDS)},
        "lastGood": {"anthropic": "anthropic:b"},
        "usageStats": {f"anthropic:{n}": {"lastUsed": NOW - (10 - i) * 1000} for i, n in enumerate(IDS)},
    }
    if override:
        store["order"] = {"anthropic": [f"anthropic:{n}" for n in IDS]}
    make_agent("main", store=store)
    openclaw_files.write_config(
        '{\n  // routing only\n  auth: {\n    profiles: {\n'
        + "".join(f'      "anthropic:{n}": {{ provider: "anthropic", mode: "token" }},\n' for n in IDS)
        + '    },\n  },\n}\n')


def effective(state: Path) -> tuple[str, list[str]]:
    ps = next(p for p in agent_status("main", state, {}, NOW).providers if p.provider == "anthropic")
    return ps.order_source, [p.profile_id for p in ps.profiles if p.position]


def files(state: Path) -> tuple[Any, ...]:
    loaded = store_mod.load("main", state).store
    import json5

    config = json5.loads((state / "openclaw.json").read_text())  # keeps the order of keys
    return (list(loaded.profiles), loaded.order, loaded.lastGood, loaded.usageStats,
            json.dumps(config), "// routing only" in (state / "openclaw.json").read_text())


@pytest.mark.parametrize("override", [False, True], ids=["config-order", "override"])
def test_undo_of_a_delete_restores_the_exact_order_and_state(make_agent, openclaw_files, state_dir,
                                                             override) -> None:
    """Issue 25.2: `manual, a, b, c`, delete b, undo gave `manual, a, c, b` (and lost b's usage/lastGood)."""
    four_profiles(make_agent, openclaw_files, override=override)
    before_order, before_files = effective(state_dir), files(state_dir)
    assert before_order[1] == [f"anthropic:{n}" for n in IDS]
    edits = ProfileEdits(StoreWrites(state_dir))
    record = edits.delete("main", "anthropic", "anthropic:b")
    assert isinstance(record, Deletion)
    assert "anthropic:b" not in effective(state_dir)[1]
    assert edits.undo("main") is record
    assert effective(state_dir) == before_order
    assert files(state_dir) == before_files  # store order, lastGood, usage, config (order, comment): as before
    assert edits.undo_stack == []


def test_reorders_show_at_once_and_save_in_press_order(make_agent, openclaw_files, state_dir) -> None:
    four_profiles(make_agent, openclaw_files)
    edits = ProfileEdits(StoreWrites(state_dir))
    shown = [f"anthropic:{n}" for n in IDS]
    first = edits.move("main", "anthropic", shown, "anthropic:c", -1)
    assert first == ["anthropic:manual", "anthropic:a", "anthropic:c", "anthropic:b"]
    second = edits.move("main", "anthropic", first, "anthropic:c", -1)
    assert second == ["anthropic:manual", "anthropic:c", "anthropic:a", "anthropic:b"]
    assert edits.move("main", "anthropic", second, "anthropic:b", 1) is None  # already last
    # Nothing written yet, but the status shown has the intended order.
    assert order_mod.override_order(store_mod.load("main", state_dir).store, "anthropic") is None
    shown_status = edits.apply_intended(agent_status("main", state_dir, {}, NOW))
    ps = next(p for p in shown_status.providers if p.provider == "anthropic")
    assert [p.profile_id for p in ps.profiles] == second and [p.position for p in ps.profiles] == [1, 2, 3, 4]
    assert edits.saving
    assert edits.save_next().order == tuple(first)
    assert edits.save_next().order == tuple(second)
    assert edits.save_next() is None and not edits.saving
    edits.settled()
    assert edits.intended == {}
    assert effective(state_dir) == ("override", second)
    assert [(r.previous, r.moved) for r in edits.undo_stack] == [(None, "anthropic:c"), (first, "anthropic:c")]
    edits.undo("main")
    assert effective(state_dir) == ("override", first)
    edits.undo("main")
    assert effective(state_dir) == ("config-profiles", shown)
    assert edits.undo("main") is None


def test_clear_order_is_undone_and_a_missing_override_writes_nothing(make_agent, openclaw_files, state_dir) -> None:
    four_profiles(make_agent, openclaw_files, override=True)
    edits = ProfileEdits(StoreWrites(state_dir))
    record = edits.clear_order("main", "anthropic")
    assert isinstance(record, OrderChange) and record.moved is None
    assert edits.clear_order("main", "anthropic") is None
    assert len(edits.undo_stack) == 1
    edits.undo("main")
    assert effective(state_dir) == ("override", [f"anthropic:{n}" for n in IDS])


def test_undo_is_per_agent_and_a_failed_undo_keeps_its_record() -> None:
    class FailingWrites(StoreWrites):
        def __init__(self) -> None:
            super().__init__(None)
            self.fail = True
            self.calls: list[tuple[str, ...]] = []

        def clear_order(self, agent_id: str, provider: str) -> None:
            if self.fail:
                raise OpenClawError("locked")
            self.calls.append(("clear", agent_id, provider))

    writes = FailingWrites()
    edits = ProfileEdits(writes)
    edits.undo_stack += [OrderChange("main", "openai", None, "openai:x"), OrderChange("work", "openai", None)]
    with pytest.raises(OpenClawError):
        edits.undo("main")
    assert len(edits.undo_stack) == 2
    writes.fail = False
    assert edits.undo("main") is not None
    assert writes.calls == [("clear", "main", "openai")]
    assert [r.agent_id for r in edits.undo_stack] == ["work"]


def test_a_failed_save_drops_the_waiting_presses() -> None:
    class Locked(StoreWrites):
        def current_override(self, agent_id: str, provider: str) -> list[str] | None:
            raise OpenClawError("locked")

    edits = ProfileEdits(Locked(None))
    edits.move("main", "openai", ["openai:a", "openai:b"], "openai:a", 1)
    edits.move("main", "openai", ["openai:b", "openai:a"], "openai:a", -1)
    with pytest.raises(OpenClawError):
        edits.save_next()
    assert not edits.saving and edits.intended == {} and edits.undo_stack == []


def test_config_json_stays_parseable_after_undo(make_agent, openclaw_files, state_dir) -> None:
    four_profiles(make_agent, openclaw_files)
    edits = ProfileEdits(StoreWrites(state_dir))
    edits.delete("main", "anthropic", "anthropic:manual")
    edits.undo("main")
    import json5

    assert list(json5.loads((state_dir / "openclaw.json").read_text())["auth"]["profiles"]) == [
        f"anthropic:{n}" for n in IDS]
    assert json.loads(json.dumps(store_mod.load("main", state_dir).store.to_raw()))
