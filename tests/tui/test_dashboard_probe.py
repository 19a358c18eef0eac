"""The dashboard's `t` key probes the selected profile against a loopback fake provider."""

from __future__ import annotations

from openclaw_onboard.core import profiles
from openclaw_onboard.screens.dashboard import DashboardScreen

from tests.support.fake_provider import BAD, GOOD, FakeProvider
from tests.tui.conftest import wait_for
from tests.tui.test_dashboard import DashHost, dash


def message(screen) -> str:
    return str(screen.query_one("#dash-message").render())


async def test_t_tests_the_selected_profile(state_dir):
    fake = FakeProvider()
    try:
        profiles.add_api_key("openrouter", GOOD, "openrouter:good")
        profiles.add_api_key("openrouter", BAD, "openrouter:bad")
        env = {"OPENCLAW_PROBE_BASE_URL_OPENROUTER": fake.url}
        app = DashHost(lambda: DashboardScreen("main", state_dir, env=env, highlight="openrouter:good"))
        async with app.run_test(size=(120, 30)) as pilot:
            screen = dash(app)
            await wait_for(pilot, lambda: screen.current_key() == "openrouter:good")
            await pilot.press("t")
            await wait_for(pilot, lambda: "works" in message(screen), what="the probe result")
            assert "✓ openrouter:good works (HTTP 200" in message(screen)
            await wait_for(pilot, lambda: screen.table.row_count > 0)
            screen.table.move_cursor(row=screen.table.get_row_index("openrouter:bad"))
            await pilot.press("t")
            await wait_for(pilot, lambda: "refused" in message(screen), what="the failed probe")
            assert "openrouter:bad was refused by the provider (HTTP 401)" in message(screen)
            assert GOOD not in message(screen) and BAD not in message(screen)
            assert len(fake.requests) == 2
    finally:
        fake.close()


async def test_dashboard_shows_an_unresolved_ref(state_dir):
    from openclaw_onboard.core.secrets import Ref

    from tests.tui.test_dashboard import all_cell_text

    profiles.add_secret_ref("openrouter", Ref("env", "default", "NOT_SET_ANYWHERE"))
    app = DashHost(lambda: DashboardScreen("main", state_dir, env={}, highlight="openrouter:default"))
    async with app.run_test(size=(120, 30)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        text = all_cell_text(screen)
        assert "ref env:NOT_SET_ANYWHERE (unresolved)" in text and "missing" in text
