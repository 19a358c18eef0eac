"""Dashboard defects found by hand: undo of a delete, esc, message wrapping, the .env path, footer width,
the raw timestamp in details."""

from __future__ import annotations

from openclaw_onboard.core import order as order_mod
from openclaw_onboard.core import store as store_mod

from tests.tui.conftest import screen_text, wait_for, wait_for_screen
from tests.tui.test_dashboard import dash, host, orders_saved, row_keys, three_anthropic_store


def override(state_dir):
    return order_mod.override_order(store_mod.load("main", state_dir).store, "anthropic")


async def test_undo_after_delete_brings_the_profile_back(make_agent, state_dir) -> None:
    """`J d y u` used to re-apply the older order change and leave the deleted profile gone."""
    store = three_anthropic_store()
    make_agent("main", store=store)
    app = host(state_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        screen.table.move_cursor(row=row_keys(screen).index("anthropic:a"))
        await pilot.press("J")  # order a,b,c -> b,a,c (an override)
        await orders_saved(pilot, screen)
        assert override(state_dir) == ["anthropic:b", "anthropic:a", "anthropic:c"]
        before = store_mod.load("main", state_dir).store.profiles["anthropic:a"].dump()
        await pilot.press("d")
        await wait_for(pilot, lambda: app.screen is not screen, what="the confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: "anthropic:a" not in store_mod.load("main", state_dir).store.profiles,
                       what="the delete")
        await wait_for(pilot, lambda: "Deleted" in str(screen.query_one("#dash-message").render()))
        await pilot.press("u")
        await wait_for(pilot, lambda: "anthropic:a" in store_mod.load("main", state_dir).store.profiles,
                       what="the undo")
        assert store_mod.load("main", state_dir).store.profiles["anthropic:a"].dump() == before
        assert override(state_dir) == ["anthropic:b", "anthropic:a", "anthropic:c"]  # its place in the order too
        await wait_for(pilot, lambda: "anthropic:a" in row_keys(screen), what="the row back")
        assert screen.current_key() == "anthropic:a"
        await pilot.press("u")  # then the move is undone
        assert override(state_dir) is None


async def test_long_message_wraps_and_keeps_its_end(make_agent, state_dir) -> None:
    make_agent("main", store=three_anthropic_store())
    app = host(state_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        screen.say("✗ anthropic:a: refresh failed. Token endpoint said the grant is no longer valid "
                   "(invalid_grant); log in again with: openclaw models auth login --provider anthropic")
        await pilot.pause()
        text = screen_text(app)
        assert "log in again" in text and "--provider" in text


async def test_env_file_row_names_the_real_path(make_agent, state_dir, tui_env) -> None:
    make_agent("main", store=three_anthropic_store())
    (state_dir / ".env").write_text("OPENROUTER_API_KEY=sk-or-v1-" + "a" * 64 + "\n", "utf-8")
    app = host(state_dir, env={"HOME": tui_env["HOME"]})
    async with app.run_test(size=(120, 30)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: "#env/openrouter/OPENROUTER_API_KEY" in row_keys(screen), what="env row")
        screen.table.move_cursor(row=row_keys(screen).index("#env/openrouter/OPENROUTER_API_KEY"))
        await pilot.press("enter")
        message = str(screen.query_one("#dash-message").render())
        assert "<state>" not in message
        assert str(state_dir / ".env") in message or "/.env" in message


async def test_footer_fits_80_columns_and_offers_help(make_app, make_agent) -> None:
    make_agent("main", store=three_anthropic_store())
    app = make_app(dashboard=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "DashboardScreen")
        footer = screen_text(app).splitlines()[-1]
        assert footer.rstrip().endswith("Help") or "? Help" in footer, footer
        assert "Filter" in footer


async def test_escape_on_dashboard_goes_to_agents_not_out(make_app, make_agent) -> None:
    make_agent("main", store=three_anthropic_store())
    app = make_app(dashboard=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "DashboardScreen")
        await pilot.press("escape")
        await wait_for_screen(pilot, "AgentSelectScreen")
        assert app.return_code is None


async def test_details_show_dates_not_raw_milliseconds(make_agent, state_dir) -> None:
    make_agent("main", store=three_anthropic_store())
    app = host(state_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        screen.table.move_cursor(row=row_keys(screen).index("anthropic:a"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ProfileDetailsScreen")
        details = app.screen
        await pilot.pause()
        expires = store_mod.load("main", state_dir).store.profiles["anthropic:a"].expires_ms
        assert str(expires) not in details.shown_text
        assert "UTC" in details.shown_text



async def test_undo_after_delete_keeps_the_exact_order(make_agent, openclaw_files, state_dir) -> None:
    """Issue 25.2: order `manual, a, b, c` (from openclaw.json, no override); `d` on b, `u` gave
    `manual, a, c, b`: the re-registered profile went last."""
    ids = [f"anthropic:{n}" for n in ("manual", "a", "b", "c")]
    store = three_anthropic_store()
    store["profiles"] = {"anthropic:manual": {**store["profiles"]["anthropic:a"]}, **store["profiles"]}
    make_agent("main", store=store)
    openclaw_files.write_config({"auth": {"profiles": {pid: {"provider": "anthropic", "mode": "token"}
                                                       for pid in ids}}})
    app = host(state_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        assert [k for k in row_keys(screen) if k in ids] == ids
        screen.table.move_cursor(row=row_keys(screen).index("anthropic:b"))
        await pilot.press("d")
        await wait_for(pilot, lambda: app.screen is not screen, what="the confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: "Deleted" in str(screen.query_one("#dash-message").render()))
        await pilot.press("u")
        await wait_for(pilot, lambda: "anthropic:b" in row_keys(screen), what="the row back")
        assert [k for k in row_keys(screen) if k in ids] == ids
        assert screen.current_key() == "anthropic:b"


async def test_mouse_click_moves_the_cursor_and_a_second_click_opens_details(make_agent, state_dir) -> None:
    """The table (a ScrollView since issue 21) answers the mouse as DataTable did: a click puts the
    cursor on the row, a click on the cursor's row opens it; the header moves nothing."""
    from openclaw_onboard.screens.profile_details import ProfileDetailsScreen

    make_agent("main", store=three_anthropic_store())
    app = host(state_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        assert screen.current_key() == "anthropic:a"
        await pilot.click("#dash-table", offset=(4, 0))  # the header line
        assert screen.current_key() == "anthropic:a"
        await pilot.click("#dash-table", offset=(4, 3))  # header, provider row, a, b: b
        await pilot.pause()
        assert screen.current_key() == "anthropic:b" and app.screen is screen
        await pilot.click("#dash-table", offset=(4, 3))
        await wait_for_screen(pilot, "ProfileDetailsScreen")
        assert isinstance(app.screen, ProfileDetailsScreen)
