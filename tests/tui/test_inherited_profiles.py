"""Issue 25.6: a sub-agent uses main's profiles (OpenClaw merges main's store under it). The agent list
counts them, the dashboard marks them at every width, and `d` on one offers what can be done (copy it
into the sub-agent, or remove it from main: both core.usecases.profiles) instead of a delete that fails."""

from __future__ import annotations

import pytest
from openclaw_onboard.core import store as store_mod
from textual.widgets import OptionList

from tests.tui.conftest import screen_text, wait_for, wait_for_screen
from tests.tui.test_dashboard import three_anthropic_store


@pytest.fixture
def work_inherits(make_agent) -> None:
    make_agent("main", store=three_anthropic_store(), config=True)
    make_agent("work", store={"version": 1, "profiles": {"openrouter:mine": {
        "type": "api_key", "provider": "openrouter", "key": "sk-or-v1-" + "k" * 64}}})


async def test_the_agent_list_counts_what_a_sub_agent_inherits(make_app, work_inherits):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AgentSelectScreen")
        agents = screen.query_one("#agents", OptionList)
        assert [agents.get_option_at_index(i).id for i in range(agents.option_count)] == ["main", "work", "__add__"]
        work = next(line for line in screen_text(app).splitlines() if " work " in f" {line} ")
        assert "1 profile" in work and "+3 from main" in work, work


@pytest.mark.parametrize("width", [80, 120])
async def test_inherited_rows_are_marked_at_every_width(make_app, work_inherits, width):
    app = make_app()
    async with app.run_test(size=(width, 30)) as pilot:
        app.show_dashboard("work")
        dashboard = await wait_for_screen(pilot, "DashboardScreen")
        await wait_for(pilot, lambda: dashboard.table.row_count > 0, what="rows")
        text = screen_text(app)
        assert "anthropic:a (main's)" in text and "anthropic:c (main's)" in text
        assert "openrouter:mine" in text and "openrouter:mine (main's)" not in text


async def _choose_on(app, pilot, profile_id: str, key: str):
    app.show_dashboard("work", highlight=profile_id)
    dashboard = await wait_for_screen(pilot, "DashboardScreen")
    await wait_for(pilot, lambda: dashboard.current_key() == profile_id, what="the row")
    await pilot.press("d")
    await wait_for_screen(pilot, "InheritedChoice")
    await pilot.press(key)
    await wait_for_screen(pilot, "DashboardScreen")
    await app.workers.wait_for_complete()
    return dashboard


async def test_d_on_an_inherited_row_copies_it_into_the_sub_agent(make_app, work_inherits, state_dir):
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        dashboard = await _choose_on(app, pilot, "anthropic:b", "c")
        await wait_for(pilot, lambda: "Copied anthropic:b" in str(dashboard.message), what="the outcome")
        await wait_for(pilot, lambda: "anthropic:b (main's)" not in screen_text(app), what="its own now")
    work = store_mod.load("work", state_dir).store.profiles
    main = store_mod.load("main", state_dir).store.profiles
    assert set(work) == {"openrouter:mine", "anthropic:b"} and work["anthropic:b"] == main["anthropic:b"]


async def test_d_on_an_inherited_row_can_remove_it_from_main(make_app, work_inherits, state_dir):
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        dashboard = await _choose_on(app, pilot, "anthropic:a", "m")
        await wait_for(pilot, lambda: "Removed anthropic:a from agent main" in str(dashboard.message))
        await wait_for(pilot, lambda: "anthropic:a" not in [r.key for r in dashboard.table.rows_shown], what="gone")
    assert set(store_mod.load("main", state_dir).store.profiles) == {"anthropic:b", "anthropic:c"}
    assert set(store_mod.load("work", state_dir).store.profiles) == {"openrouter:mine"}


async def test_cancel_changes_nothing(make_app, work_inherits, state_dir):
    before = {a: store_mod.load(a, state_dir).store.to_raw() for a in ("main", "work")}
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        dashboard = await _choose_on(app, pilot, "anthropic:a", "escape")
        assert "Nothing changed" in str(dashboard.message)
    assert {a: store_mod.load(a, state_dir).store.to_raw() for a in ("main", "work")} == before
