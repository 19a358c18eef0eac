"""Snapshots of the dashboard at 80x24 and 120x40, with a frozen clock (OPENCLAW_NOW_MS and clock=).

One profile of every status: ok, expiring, expired, missing, static, cooldown, plus an env key.
Update with `pytest tests/tui/test_dashboard_snapshots.py --snapshot-update` and read the SVGs' text.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.conftest import ANTHROPIC_SETUP_TOKEN, EXAMPLE_CONFIG_JSON5, EXAMPLE_NOW_MS, EXAMPLE_STORE
from tests.tui.test_dashboard import DashHost, tok

HOUR_MS = 3_600_000
NOW = EXAMPLE_NOW_MS
ENV = {"OPENAI_API_KEY": "sk-env-0123456789abcdef0123456789abcdef"}
SECRETS = (ANTHROPIC_SETUP_TOKEN, ENV["OPENAI_API_KEY"], "rt_opaque-refresh-token-0123456789")


def snapshot_store() -> dict[str, Any]:
    store = copy.deepcopy(EXAMPLE_STORE)
    store["profiles"]["anthropic:personal"] = {"type": "token", "provider": "anthropic", "token": tok("personal"),
                                               "expires": NOW - 2 * HOUR_MS}
    store["profiles"]["openai-codex:old@example.com"] = {"type": "oauth", "provider": "openai-codex",
                                                         "access": "eyJ-old-access-" + "x" * 40,
                                                         "refresh": "rt_old-refresh-" + "y" * 30,
                                                         "email": "old@example.com"}
    store["profiles"]["google:default"] = {"type": "oauth", "provider": "google", "access": "ya29." + "g" * 60,
                                           "refresh": "1//" + "r" * 40, "expires": NOW + 30 * 24 * HOUR_MS}
    store["usageStats"]["google:default"] = {"cooldownUntil": NOW + 10 * 60_000, "errorCount": 2}
    return store


@pytest.fixture
def snapshot_app(make_agent, state_dir, frozen_now, lang):  # once per language (tests/tui/conftest.py)
    def make(highlight: str | None = None) -> DashHost:
        from openclaw_onboard.screens.dashboard import DashboardScreen

        make_agent("main", store=snapshot_store(), config=EXAMPLE_CONFIG_JSON5)
        make_agent("work", store={"version": 1, "profiles": {}})
        return DashHost(lambda: DashboardScreen("main", state_dir, clock=lambda: frozen_now, env=ENV,
                                                highlight=highlight))

    return make


def _check_svg_text(app: DashHost) -> None:
    svg = app.export_screenshot()
    for secret in SECRETS:
        assert secret not in svg


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_dashboard_snapshot(snap_compare, snapshot_app, size) -> None:
    app = snapshot_app()

    async def ready(pilot) -> None:
        from tests.tui.test_dashboard import dash, wait_for

        await wait_for(pilot, lambda: dash(app).table.row_count > 0)
        await pilot.pause()
        _check_svg_text(app)

    assert snap_compare(app, terminal_size=size, run_before=ready)


def test_details_snapshot(snap_compare, snapshot_app) -> None:
    app = snapshot_app(highlight="openai-codex:me@example.com")

    async def open_details(pilot) -> None:
        from openclaw_onboard.screens.profile_details import ProfileDetailsScreen

        from tests.tui.test_dashboard import dash, wait_for

        await wait_for(pilot, lambda: dash(app).table.row_count > 0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ProfileDetailsScreen))
        await pilot.pause()
        _check_svg_text(app)

    assert snap_compare(app, terminal_size=(120, 40), run_before=open_details)
