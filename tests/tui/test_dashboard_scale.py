"""The dashboard at scale (issue #15): 20,000 profiles open and scroll, only visible rows are
rendered, and a reorder rewrites the rows it changed instead of rebuilding the table, showing exactly
what a rebuild shows. Counters, never timings (bench/dashboard.py has the figures).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openclaw_onboard.screens.dashboard import DashboardScreen
from openclaw_onboard.screens.profile_table import ProfileTable

from tests.conftest import EXAMPLE_NOW_MS, write_json
from tests.tui.conftest import wait_for
from tests.tui.test_dashboard import dash, host

HOUR_MS = 3_600_000


def write_profiles(state: Path, count: int, agent_id: str = "main") -> list[str]:
    """`count` anthropic token profiles with spread expiries; returns their ids in store order."""
    profiles: dict[str, Any] = {}
    for i in range(count):
        profiles[f"anthropic:user{i:05d}@example.com"] = {
            "type": "token", "provider": "anthropic", "token": f"sk-ant-oat01-scale{i:05d}-" + "Zq8" * 20,
            "expires": EXAMPLE_NOW_MS + (i % 96 - 8) * HOUR_MS + 17_000}
    write_json(state / "agents" / agent_id / "agent" / "auth-profiles.json", {"version": 1, "profiles": profiles})
    return list(profiles)


def table_text(table: ProfileTable) -> list[tuple[str, ...]]:
    return [tuple(str(cell) for cell in table.get_row_at(i)) for i in range(table.row_count)]


def count_rendered_rows(table: ProfileTable) -> set[int]:
    """Wrap the table's per-row renderer: the set collects the index of every row rendered."""
    rendered: set[int] = set()
    original = table._row_segments

    def spy(row_index: int, *args: Any, **kwargs: Any) -> Any:
        if row_index >= 0:  # -1: the column header line
            rendered.add(row_index)
        return original(row_index, *args, **kwargs)

    table._row_segments = spy  # type: ignore[method-assign]
    return rendered


async def test_20000_profiles_open_scroll_to_the_last_and_render_only_visible_rows(state_dir: Path) -> None:
    ids = write_profiles(state_dir, 20_000)
    app = host(state_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen, what="dash")
        table = screen.table
        await wait_for(pilot, lambda: table.row_count == 20_001, what="20,000 rows and a provider header")
        rendered = count_rendered_rows(table)
        table._clear_caches()  # render everything in view afresh, through the spy
        table.refresh()
        await pilot.pause()
        assert rendered, "the spy saw no rendering: it measures nothing"
        assert max(rendered) < 40 and len(rendered) <= 40  # the first screenful, not 20,001 rows
        rendered.clear()
        await pilot.press("ctrl+end")
        await wait_for(pilot, lambda: table.cursor_row == 20_000, what="cursor on the last row")
        await pilot.pause()
        last_row = table.rows_shown[-1]
        assert last_row.kind == "profile" and last_row.key in ids
        assert dash(app).current_key() == last_row.key
        assert table.cursor_row == table.row_count - 1
        # The last row is in view and was rendered; rows far above it were not.
        assert 20_000 in rendered
        assert min(rendered) > 20_000 - 45 and len(rendered) <= 45
        lines = "".join(seg.text for y in range(table.size.height) for seg in table.render_line(y))
        assert last_row.key in lines  # the last profile is on screen


async def test_a_reorder_patches_two_rows_and_shows_what_a_rebuild_shows(state_dir: Path) -> None:
    write_profiles(state_dir, 300)
    app = host(state_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen, what="dash")
        table = screen.table
        await wait_for(pilot, lambda: table.row_count == 301, what="rows")
        await pilot.pause()
        assert table.rebuilds == 1  # opening builds the table once (mount), not again on the first Resize
        await pilot.press("ctrl+home", "down", "down")  # the header, then down to the 2nd profile
        await pilot.pause()
        moved = screen.current_key()
        before = table_text(table)
        rebuilds, patches = table.rebuilds, table.patches
        await pilot.press("K")
        await screen._wait_for_order_writes()
        await wait_for(pilot, lambda: "saved" in str(screen.message or ""), what="order saved")
        assert table.rebuilds == rebuilds  # neither the press nor the reload after the write rebuilt
        assert table.patches >= patches + 2
        after = table_text(table)
        changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
        assert changed == [0, 1, 2]  # the header (now "override") and the two swapped profiles
        assert screen.current_key() == moved and table.cursor_row == 1
        # A full rebuild shows exactly the same table, cursor included.
        screen.rebuild_table(moved)
        assert table.rebuilds == rebuilds + 1
        assert table_text(table) == after and table.cursor_row == 1
