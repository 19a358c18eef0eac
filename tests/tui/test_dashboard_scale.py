"""The dashboard at scale (issue #15): 20,000 profiles open and scroll, only the rows on screen are
made and rendered, a tick costs the rows on screen, a reorder rewrites the rows it changed instead of
rebuilding the table (showing exactly what a rebuild shows), and re-reading the files after a reorder
or another process's write happens off the event loop. Counters, never timings (bench/dashboard.py
has the figures).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from openclaw_onboard.core import profiles as profiles_mod
from openclaw_onboard.core.timefmt import format_countdown
from openclaw_onboard.screens import dashboard as dashboard_mod
from openclaw_onboard.screens import profile_table as profile_table_mod
from openclaw_onboard.screens.dashboard import DashboardScreen
from openclaw_onboard.screens.profile_table import ProfileTable

from tests.conftest import EXAMPLE_NOW_MS, write_json
from tests.tui.conftest import wait_for
from tests.tui.test_dashboard import cell, dash, host, orders_saved, screen_text, tok

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
    original = table.row_segments

    def spy(row_index: int, *args: Any, **kwargs: Any) -> Any:
        if row_index >= 0:  # -1: the column header line
            rendered.add(row_index)
        return original(row_index, *args, **kwargs)

    table.row_segments = spy  # type: ignore[method-assign]
    return rendered


async def test_20000_profiles_open_scroll_to_the_last_and_render_only_visible_rows(state_dir: Path) -> None:
    ids = write_profiles(state_dir, 20_000)
    app = host(state_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen, what="dash")
        table = screen.table
        await wait_for(pilot, lambda: table.row_count == 20_001, what="20,000 rows and a provider header")
        rendered = count_rendered_rows(table)
        table.clear_render_cache()  # render everything in view afresh, through the spy
        table.refresh()
        await pilot.pause()
        assert rendered, "the spy saw no rendering: it measures nothing"
        assert max(rendered) < 40 and len(rendered) <= 40  # the first screenful, not 20,001 rows
        assert 0 < table.rows_made <= 40  # and only their cells were made
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
        assert table.rows_made <= 90  # two screenfuls of 20,001 rows


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


async def test_a_tick_costs_the_rows_on_screen_and_rows_scrolled_in_are_current(state_dir: Path) -> None:
    write_profiles(state_dir, 2_000)
    now = [EXAMPLE_NOW_MS]
    app = host(state_dir, clock=lambda: now[0])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen, what="dash")
        table = screen.table
        await wait_for(pilot, lambda: table.row_count == 2_001, what="rows")
        await pilot.pause()
        made = table.rows_made
        assert 0 < made <= 40
        rendered = count_rendered_rows(table)
        now[0] += 1000
        written = screen.tick()
        await pilot.pause()
        # Every countdown shows seconds and changed; only the rows on screen were rewritten and rendered.
        assert 30 <= written <= 2 * 40
        assert rendered and len(rendered) <= 40 and table.rows_made == made
        last = table.rows_shown[-1]
        assert last.profile is not None and last.profile.expires_ms is not None
        await pilot.press("ctrl+end")
        await wait_for(pilot, lambda: table.cursor_row == 2_000, what="cursor on the last row")
        await pilot.pause()
        expected = format_countdown(last.profile.expires_ms - now[0])
        assert cell(screen, last.key, "countdown").strip() == expected  # made at the last tick's clock
        assert expected in screen_text(app)


async def test_cells_brought_up_to_date_show_what_a_rebuild_makes(state_dir: Path) -> None:
    """Rows made at one tick and brought up to later ticks equal rows made afresh (expiring, expired,
    the warning window crossed), on screen and off."""
    write_profiles(state_dir, 300)
    now = [EXAMPLE_NOW_MS]
    app = host(state_dir, clock=lambda: now[0])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen, what="dash")
        table = screen.table
        await wait_for(pilot, lambda: table.row_count == 301, what="rows")
        table_text(table)  # every row made now
        for step in (1000, 17_000, 3 * HOUR_MS, 7 * HOUR_MS + 999):
            now[0] += step
            screen.tick()
            await pilot.pause()
        ticked = table_text(table)
        screen.rebuild_table(screen.current_key())
        assert table_text(table) == ticked
        assert "expired" in " ".join(c for row in ticked for c in row)


async def test_the_summary_counts_follow_the_clock_across_expiry_and_cooldown_ends(state_dir: Path,
                                                                                    make_agent) -> None:
    """The summary is counted once and reused until a badge may change: each change still shows."""
    store = {"version": 1, "profiles": {
        "anthropic:a": {"type": "token", "provider": "anthropic", "token": tok("a"),
                        "expires": EXAMPLE_NOW_MS + 24 * HOUR_MS + 1500},
        "anthropic:b": {"type": "token", "provider": "anthropic", "token": tok("b"),
                        "expires": EXAMPLE_NOW_MS + 2500},
        "anthropic:c": {"type": "token", "provider": "anthropic", "token": tok("c"),
                        "expires": EXAMPLE_NOW_MS + 30 * 24 * HOUR_MS}},
        "usageStats": {"anthropic:c": {"cooldownUntil": EXAMPLE_NOW_MS + 3500, "errorCount": 1}}}
    make_agent("main", store=store)
    now = [EXAMPLE_NOW_MS]
    app = host(state_dir, clock=lambda: now[0])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0, what="rows")

        def summary() -> str:
            return str(screen.query_one("#dash-summary").render())

        assert "ok 1" in summary() and "expiring 1" in summary() and "cooldown 1" in summary()
        assert "anthropic:b" in summary()  # the next expiry
        now[0] += 2000
        screen.tick()
        assert "ok" not in summary().split("\n")[0] and "expiring 2" in summary()  # a entered the window
        now[0] += 1000
        screen.tick()
        assert "expired 1" in summary() and "expiring 1" in summary() and "anthropic:a" in summary()
        now[0] += 1000
        screen.tick()
        assert "cooldown" not in summary() and "ok 1" in summary()  # c's cooldown ended


async def test_reorders_and_other_processes_writes_are_read_off_the_event_loop(state_dir: Path,
                                                                               monkeypatch) -> None:
    write_profiles(state_dir, 300)
    reads: list[bool] = []  # per read after opening: was it on the event loop's thread?
    original = dashboard_mod.agent_status

    def spy(*args: Any, **kwargs: Any) -> Any:
        reads.append(threading.current_thread() is threading.main_thread())
        return original(*args, **kwargs)

    monkeypatch.setattr(dashboard_mod, "agent_status", spy)
    app = host(state_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen, what="dash")
        table = screen.table
        await wait_for(pilot, lambda: table.row_count == 301, what="rows")
        assert reads == [True]  # opening reads on the loop (there is nothing to show before it)
        await pilot.press("ctrl+home", "down", "down")
        moved = screen.current_key()
        await pilot.press("K")
        assert table.rows_shown[1].key == moved  # shown at once, from the order in memory
        await orders_saved(pilot, screen)
        assert reads[1:] and not any(reads[1:])
        assert table.rows_shown[1].key == moved and "saved" in str(screen.message)
        # Another process adds a profile: the poll's re-read runs in a thread too.
        count = len(reads)
        profiles_mod.add_token("anthropic", tok("zz"), "anthropic:zz-new", agent_id="main", state=state_dir)
        await wait_for(pilot, lambda: table.row_count == 302, what="the new profile shown")
        assert len(reads) > count and not any(reads[count:])
        # A new login goes first in an explicit order (core.profiles); the saved reorder stays behind it.
        assert [r.key for r in table.rows_shown[1:3]] == ["anthropic:zz-new", moved]


async def test_a_read_that_lands_after_a_newer_one_is_dropped(state_dir: Path) -> None:
    """Two re-reads in threads: the older one, landing last, does not replace what the newer showed."""
    write_profiles(state_dir, 30)
    app = host(state_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen, what="dash")
        await wait_for(pilot, lambda: screen.table.row_count == 31, what="rows")
        gates = [threading.Event(), threading.Event()]
        entered = [threading.Event(), threading.Event()]
        results = ["older read: store unreadable", None]
        calls: list[int] = []
        real = screen._read_status

        def read(agent_id: str) -> Any:
            i = len(calls)
            calls.append(i)
            entered[i].set()
            gates[i].wait(10)
            return results[i] if results[i] is not None else real(agent_id)

        first, second = gates
        screen._read_status = read  # type: ignore[method-assign]
        screen.reload_in_thread()
        await wait_for(pilot, entered[0].is_set, what="the older read started")
        screen.reload_in_thread()
        await wait_for(pilot, entered[1].is_set, what="the newer read started")
        second.set()
        await wait_for(pilot, lambda: screen._loads_running == 1, what="the newer read landed")
        first.set()
        await wait_for(pilot, lambda: not screen.reading, what="the older read landed")
        await pilot.pause()
        assert screen.load_error is None and screen.table.row_count == 31


async def test_rows_made_without_richs_layout_render_the_same_segments(state_dir: Path, make_agent) -> None:
    """The table's fast path for plain cells (profile_table._cell_segments) gives exactly what Rich's
    Styled(Padding(cell)) gives: every row of the snapshot store (every status, italic rows out of the
    order, provider headers, an env key), with the cursor, the mouse hover, focused and blurred, dark
    and light."""
    from rich.segment import Segment
    from textual.strip import Strip

    from tests.conftest import EXAMPLE_CONFIG_JSON5
    from tests.tui.test_dashboard_snapshots import ENV, snapshot_store

    make_agent("main", store=snapshot_store(), config=EXAMPLE_CONFIG_JSON5)
    app = host(state_dir, env=ENV)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = dash(app)
        table = screen.table
        await wait_for(pilot, lambda: table.row_count > 5, what="rows")
        await pilot.pause()

        def both_ways(row: int, cursor: bool, hover: bool) -> tuple[list[Segment], list[Segment]]:
            key = table.rows_shown[row].key if row >= 0 else None
            out = []
            for fast in (True, False):
                table.fast_cells = fast
                out.append(list(Strip(table.row_segments(row, key, table.rich_style, cursor, hover)).simplify()))
            return out[0], out[1]

        checked, texts, fast_cells = 0, [], [0]
        real_fast = profile_table_mod._cell_segments

        def counting(*args: Any) -> Any:
            made = real_fast(*args)
            fast_cells[0] += made is not None
            return made

        profile_table_mod._cell_segments = counting  # type: ignore[assignment]
        for theme, focused in (("textual-dark", True), ("textual-dark", False), ("textual-light", True)):
            app.theme = theme
            if focused:
                table.focus()
            else:
                screen.query_one("#dash-filter").display = True
                screen.query_one("#dash-filter").focus()
            await pilot.pause()
            table.show_hover = True
            for row in range(-1, table.row_count):
                for cursor, hover in ((False, False), (True, False), (False, True), (True, True)):
                    fast, rich = both_ways(row, cursor, hover)
                    assert fast == rich, (row, cursor, hover, focused)
                    checked += 1
                    texts.append("".join(seg.text for seg in fast))
        profile_table_mod._cell_segments = real_fast
        assert checked == 3 * 4 * (table.row_count + 1)
        assert any("anthropic:personal" in t for t in texts) and any("OPENAI_API_KEY" in t for t in texts)
        assert fast_cells[0] >= checked * 4  # the fast path made most cells (the header's labels: Rich)


async def test_a_reorder_message_names_the_first_ids_and_counts_the_rest(state_dir: Path) -> None:
    """Every K/J says the order: with 300 profiles, the first ids and "(+N more)", not 300 ids to lay out."""
    from openclaw_onboard.core import order as order_mod
    from openclaw_onboard.core import store as store_mod

    ids = write_profiles(state_dir, 300)
    app = host(state_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen, what="dash")
        await wait_for(pilot, lambda: screen.table.row_count == 301, what="rows")
        said: list[str] = []
        real_say = screen.say
        screen.say = lambda text, style="": (said.append(text() if callable(text) else text),  # type: ignore
                                             real_say(text, style))[1]
        await pilot.press("ctrl+home", "down", "down", "K")
        await orders_saved(pilot, screen)
    saved = order_mod.override_order(store_mod.load("main", state_dir).store, "anthropic")
    assert saved is not None and len(saved) > 20
    assert [m.split(":")[0] for m in said] == ["Saving the order of anthropic", "Order of anthropic saved"]
    for message in said:
        listed = message.split(": ", 1)[1]
        assert listed.endswith(" more)")
        shown = listed.split(" … ")[0].split(", ")
        assert 2 <= len(shown) < 20 and set(shown) <= set(ids) and shown == saved[:len(shown)]
        assert f"(+{len(saved) - len(shown)} more)" in listed
        assert len(message) <= 120 - 2  # one line of the message widget (padding 1 each side)


async def test_summary_and_message_lay_out_the_screen_only_when_their_height_may_change(state_dir: Path) -> None:
    write_profiles(state_dir, 50)
    now = [EXAMPLE_NOW_MS]
    app = host(state_dir, clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen, what="dash")
        await wait_for(pilot, lambda: screen.table.row_count == 51, what="rows")
        await pilot.pause()
        summary, message = screen.query_one("#dash-summary"), screen.query_one("#dash-message")
        layouts: list[bool] = []
        real_refresh = summary.refresh

        def spy(*args: Any, **kwargs: Any) -> Any:
            layouts.append(bool(kwargs.get("layout")))
            return real_refresh(*args, **kwargs)

        summary.refresh = spy  # type: ignore[method-assign]
        before = str(summary.render())
        now[0] += 1000
        screen.tick()
        await pilot.pause()
        assert str(summary.render()) != before  # the next expiry's countdown moved on
        assert layouts == [False]  # same lines, nothing wraps: repainted, no layout
        screen.tick()  # same clock: the same text, not even a repaint
        assert layouts == [False]
        # The message grows to three lines and back: its height follows.
        screen.say("a long message " * 12)
        await pilot.pause()
        assert message.size.height == 3
        screen.say("short")
        await pilot.pause()
        assert message.size.height == 1
        screen.say("also short")
        await pilot.pause()
        assert message.size.height == 1 and "also short" in screen_text(app)


async def test_the_same_message_in_another_style_is_shown_in_it(state_dir: Path) -> None:
    write_profiles(state_dir, 3)
    app = host(state_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen, what="dash")
        await wait_for(pilot, lambda: screen.table.row_count == 4, what="rows")
        message = screen.query_one("#dash-message")

        def bold() -> bool:
            segment = next(seg for seg in message.render_line(0) if "same" in seg.text)
            return bool(segment.style and segment.style.bold)

        screen.say("same words", "bold")
        await pilot.pause()
        assert bold()
        screen.say("same words")
        await pilot.pause()
        assert not bold()


def test_one_providers_rows_made_again_equal_all_rows_made_again(state_dir: Path, make_agent) -> None:
    """A K/J makes only its provider's rows again (with_provider_rows): the same rows as build_rows."""
    from openclaw_onboard.core.status import agent_status
    from openclaw_onboard.screens.profile_table import build_rows, with_provider_rows

    from tests.conftest import EXAMPLE_CONFIG_JSON5
    from tests.tui.test_dashboard_snapshots import ENV, snapshot_store

    make_agent("main", store=snapshot_store(), config=EXAMPLE_CONFIG_JSON5)
    status = agent_status("main", state_dir, ENV, EXAMPLE_NOW_MS)
    rows = build_rows(status)
    for ps in status.providers:
        if len(ps.profiles) < 2:
            continue
        first, second = ps.profiles[0], ps.profiles[1]
        ps.profiles = [second._replace(position=1), first._replace(position=2), *ps.profiles[2:]]
        ps.order_source = "override"
        remade = with_provider_rows(rows, ps)
        assert remade == build_rows(status)
        unchanged = [r for r in rows if r.provider != ps.provider]
        assert all(any(r is s for s in remade) for r in unchanged)  # other providers' rows kept as they are
        rows = remade
    assert any(len(ps.profiles) >= 2 for ps in status.providers)


def test_gc_paused_pauses_collection_and_restores_it_as_it_was() -> None:
    import gc

    from openclaw_onboard.screens.dashboard import gc_paused

    assert gc.isenabled()
    try:
        with gc_paused():
            assert not gc.isenabled()
            raise ValueError("a failing read")
    except ValueError:
        pass
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # it was off: it stays off
    finally:
        gc.enable()
