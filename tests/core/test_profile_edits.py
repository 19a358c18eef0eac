"""core.profile_edits: the dashboard's reorders and undo, without a screen (no Textual, no Pilot)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from openclaw_onboard.core import order as order_mod
from openclaw_onboard.core import store as store_mod
from openclaw_onboard.core.errors import OpenClawError
from openclaw_onboard.core.profile_edits import Deletion, EditRefused, OrderChange, ProfileEdits
from openclaw_onboard.core.status import agent_status
from openclaw_onboard.core.usecases.outcome import Outcome, Verdict, nothing_saved

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
    edits = ProfileEdits(state_dir)
    outcome = edits.delete("main", "anthropic:b")
    record = outcome.undo
    assert outcome.verdict is Verdict.SAVED and isinstance(record, Deletion) and edits.undo_stack == [record]
    assert "anthropic:b" not in effective(state_dir)[1]
    assert edits.undo("main") is record
    assert effective(state_dir) == before_order
    assert files(state_dir) == before_files  # store order, lastGood, usage, config (order, comment): as before
    assert edits.undo_stack == []


def test_reorders_show_at_once_and_save_in_press_order(make_agent, openclaw_files, state_dir) -> None:
    four_profiles(make_agent, openclaw_files)
    edits = ProfileEdits(state_dir)
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
    edits = ProfileEdits(state_dir)
    record = edits.clear_order("main", "anthropic")
    assert isinstance(record, OrderChange) and record.moved is None
    assert edits.clear_order("main", "anthropic") is None
    assert len(edits.undo_stack) == 1
    edits.undo("main")
    assert effective(state_dir) == ("override", [f"anthropic:{n}" for n in IDS])


class StandIn:
    """The use cases' functions (core.usecases.profiles), answering as told and noting each call."""

    def __init__(self) -> None:
        self.refuse: str | None = None
        self.calls: list[tuple[Any, ...]] = []

    def _answer(self, *call: Any) -> Outcome:
        self.calls.append(call)
        return nothing_saved(self.refuse) if self.refuse else Outcome(Verdict.SAVED, "ok")

    def set_order(self, provider: str, ids: list[str], agent_id: str, state: Path | None) -> Outcome:
        return self._answer("set", agent_id, provider, ids)

    def undo(self, record: Any, state: Path | None) -> Outcome:
        return self._answer("undo", record.agent_id, record.provider)


def test_undo_is_per_agent_and_a_failed_undo_keeps_its_record() -> None:
    actions = StandIn()
    actions.refuse = "locked"
    edits = ProfileEdits(None, actions)
    edits.undo_stack += [OrderChange("main", "openai", None, "openai:x"), OrderChange("work", "openai", None)]
    with pytest.raises(EditRefused, match="locked"):
        edits.undo("main")
    assert len(edits.undo_stack) == 2
    actions.refuse = None
    assert edits.undo("main") is not None
    assert actions.calls == [("undo", "main", "openai"), ("undo", "main", "openai")]
    assert [r.agent_id for r in edits.undo_stack] == ["work"]


def test_a_failed_save_drops_the_waiting_presses() -> None:
    actions = StandIn()
    actions.refuse = "locked"
    edits = ProfileEdits(None, actions)
    edits.move("main", "openai", ["openai:a", "openai:b"], "openai:a", 1)
    edits.move("main", "openai", ["openai:b", "openai:a"], "openai:a", -1)
    with pytest.raises(OpenClawError):
        edits.save_next()
    assert not edits.saving and edits.intended == {} and edits.undo_stack == []


def test_the_dashboard_edits_run_the_clis_use_cases(make_agent, openclaw_files, state_dir, tmp_path) -> None:
    """Issue 21: the dashboard does not write by itself. Its delete is `openclaw models auth remove`'s use case:
    a refusal is the use case's (same words, nothing written), and both leave the same files."""
    from openclaw_onboard.core.usecases import profiles as uc

    four_profiles(make_agent, openclaw_files)
    assert ProfileEdits(state_dir).actions is uc
    before = files(state_dir)
    with pytest.raises(EditRefused) as refused:
        ProfileEdits(state_dir).delete("main", "anthropic:nope")
    assert refused.value.outcome == uc.remove_profile("anthropic:nope", "main", state_dir)
    assert files(state_dir) == before
    twin = tmp_path / "twin"
    shutil.copytree(state_dir, twin)
    ProfileEdits(state_dir).delete("main", "anthropic:b")
    assert uc.remove_profile("anthropic:b", "main", twin).saved
    assert tree(state_dir) == tree(twin) and "anthropic:b" not in files(state_dir)[0]


def tree(state: Path) -> dict[str, bytes]:
    return {str(p.relative_to(state)): p.read_bytes() for p in sorted(state.rglob("*"))
            if p.is_file() and p.relative_to(state).parts[0] != "locks"}


# What writes credentials, orders, agents or openclaw.json, below the use cases (core.usecases).
WRITERS = {"set_order", "clear_order", "remove_profile", "forget_profile", "store_credential", "save_credential",
           "add_token", "add_api_key", "add_oauth", "add_secret_ref", "ensure_fresh", "update", "register_profile",
           "unregister_profile", "reinsert_profile", "update_config", "update_auth", "add_agent", "import_claude_cli",
           "seed_codex_default", "store_codex_default", "save_plan", "set_provider_config", "write_env_var"}


def test_the_wizard_writes_only_through_use_cases() -> None:
    """Issue 21: screens/, app/tui.py and the dashboard's model call core's writers only through core.usecases."""
    import ast

    root = Path(__file__).resolve().parents[2]
    sources = [*sorted((root / "screens").glob("*.py")), root / "app" / "tui.py", root / "core" / "profile_edits.py"]
    found: list[str] = []
    for path in sources:
        tree = ast.parse(path.read_text())
        modules: set[str] = set()  # names bound to a core module (`from openclaw_onboard.core import store as s`)
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("openclaw_onboard.core"):
                continue
            if node.module and node.module.startswith("openclaw_onboard.core.usecases"):
                continue
            for alias in node.names:
                if node.module == "openclaw_onboard.core":
                    modules.add(alias.asname or alias.name)
                elif alias.name in WRITERS:
                    found.append(f"{path.name}:{node.lineno}: imports {node.module}.{alias.name}")
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr in WRITERS and isinstance(node.value, ast.Name)
                    and node.value.id in modules):
                found.append(f"{path.name}:{node.lineno}: calls {node.value.id}.{node.attr}")
    assert found == []
