"""Pilot tests of the profile-status dashboard (screens/dashboard.py).

The screen is hosted in a tiny App defined here, so these tests depend only on the screen's
constructor contract, not on app/tui.py (one test at the end checks `create_app(dashboard=True)`).
Every write goes through core (as the CLI and the gateway do), every wait is a polling loop
bounded by a deadline.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openclaw_onboard.core import order as order_mod
from openclaw_onboard.core import profiles as profiles_mod
from openclaw_onboard.core import store as store_mod
from openclaw_onboard.core.timefmt import format_countdown
from openclaw_onboard.screens.dashboard import DashboardScreen
from openclaw_onboard.screens.profile_details import ProfileDetailsScreen
from openclaw_onboard.screens.profile_table import ProfileTable, live_status
from openclaw_onboard.screens.results import AddCredential
from rich.text import Text
from textual.app import App
from textual.widgets import Input

from tests.conftest import (
    ANTHROPIC_SETUP_TOKEN,
    CODEX_ACCESS_TOKEN,
    EXAMPLE_NOW_MS,
    EXAMPLE_STORE,
    OPENAI_API_KEY,
    OPENROUTER_TOKEN,
    write_json,
)
from tests.tui.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]
HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
NOW = EXAMPLE_NOW_MS


def tok(name: str) -> str:
    """A distinct, realistic-length token per profile (masking shows only its ends)."""
    return f"sk-ant-oat01-{name}-" + "Zq8" * 30 + f"-{name}-END"


def three_anthropic_store() -> dict[str, Any]:
    return {
        "version": 1,
        "profiles": {
            f"anthropic:{n}": {"type": "token", "provider": "anthropic", "token": tok(n),
                               "expires": NOW + (i + 2) * DAY_MS}
            for i, n in enumerate(("a", "b", "c"))
        },
    }


class DashHost(App[None]):
    """Pushes the dashboard on mount and records what it dismisses with."""

    def __init__(self, make: Callable[[], DashboardScreen]) -> None:
        super().__init__()
        self.make = make
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.make(), self.results.append)


def host(state: Path, agent_id: str = "main", clock: Callable[[], int] | None = None, **kw: Any) -> DashHost:
    kw.setdefault("env", {})
    return DashHost(lambda: DashboardScreen(agent_id, state, clock=clock or (lambda: NOW), **kw))


def dash(app: App) -> DashboardScreen:
    screen = app.screen
    assert isinstance(screen, DashboardScreen), screen
    return screen


def row_keys(screen: DashboardScreen) -> list[str]:
    return [r.key for r in screen.table.rows_shown]


def profile_keys(screen: DashboardScreen) -> list[str]:
    return [k for k in row_keys(screen) if not k.startswith("#")]


def plain(value: Any) -> str:
    """What a cell shows: str cells are Rich markup (as DataTable renders them), others Rich Text."""
    return Text.from_markup(value).plain if isinstance(value, str) else getattr(value, "plain", str(value))


def cell(screen: DashboardScreen, row: str, column: str) -> str:
    return plain(screen.table.get_cell(row, column))


def all_cell_text(screen: DashboardScreen) -> str:
    table = screen.table
    rows = (table.get_row_at(i) for i in range(table.row_count))
    return "\n".join(" | ".join(plain(c) for c in row) for row in rows)


def screen_text(app: App) -> str:
    """What the terminal shows now, as plain text."""
    return "\n".join("".join(seg.text for seg in strip) for strip in app.screen._compositor.render_strips())


async def orders_saved(pilot: Any, screen: DashboardScreen) -> None:
    """Reorders are written by a worker: wait until every press so far is on disk (and reconciled)."""
    await wait_for(pilot, lambda: not screen.saving_order, what="the reorders to be saved")
    await pilot.pause()


def cli_order(state: Path, provider: str, agent: str = "main") -> dict[str, Any]:
    """`openclaw models auth order get --provider P --agent A --json` in a real subprocess."""
    env = {**os.environ, "OPENCLAW_STATE_DIR": str(state), "PYTHONPATH": str(ROOT), "OPENCLAW_NOW_MS": str(NOW)}
    proc = subprocess.run([sys.executable, "-m", "openclaw_onboard.app.cli", "models", "auth", "order", "get",
                           "--provider", provider, "--agent", agent, "--json"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


# --------------------------------------------------------------------------------------------- pure helpers

@pytest.mark.parametrize(("ms", "text"), [
    (None, ""),
    (5 * HOUR_MS, "5h 00m 00s"),
    (5 * HOUR_MS - 1000, "4h 59m 59s"),
    (12 * 60_000 + 3000, "12m 03s"),
    (47 * HOUR_MS + 59 * 60_000, "47h 59m 00s"),
    (3 * DAY_MS + 4 * HOUR_MS, "3d 04h"),
    (0, "-0m 00s"),
    (-90_000, "-1m 30s"),
    (-3 * DAY_MS, "-3d 00h"),
])
def test_format_countdown(ms: int | None, text: str) -> None:
    assert format_countdown(ms) == text


def test_live_status_crosses_the_warning_window_and_expiry() -> None:
    from openclaw_onboard.core.models import TokenCredential
    from openclaw_onboard.core.status import profile_status

    cred = TokenCredential(provider="anthropic", token=tok("x"), expires=NOW + DAY_MS + 1000)
    p = profile_status("anthropic:x", cred, NOW)
    assert live_status(p, NOW) == "ok"
    assert live_status(p, NOW + 1000) == "expiring"
    assert live_status(p, NOW + DAY_MS + 1000) == "expired"


def test_live_status_uses_core_status_warning_window(monkeypatch: pytest.MonkeyPatch) -> None:
    """One expiry rule: the dashboard's live badge follows core.status, not a copy of its 24 h window."""
    from openclaw_onboard.core import status as status_mod
    from openclaw_onboard.core.models import TokenCredential

    cred = TokenCredential(provider="anthropic", token=tok("x"), expires=NOW + 2 * DAY_MS)
    p = status_mod.profile_status("anthropic:x", cred, NOW)
    assert live_status(p, NOW) == "ok"
    monkeypatch.setattr(status_mod, "WARN_WINDOW_MS", 3 * DAY_MS)
    assert status_mod.classify(cred, NOW)[0] == "expiring"
    assert live_status(p, NOW) == "expiring"


# --------------------------------------------------------------------------------------------- rendering

async def test_rows_grouped_by_provider_in_effective_order_with_masked_secrets(make_agent, state_dir) -> None:
    make_agent("main", config=True)  # the facts-doc store + openclaw.json
    app = host(state_dir, env={"OPENAI_API_KEY": "sk-env-0123456789abcdef0123456789abcdef"})
    async with app.run_test(size=(160, 40)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0, what="rows")
        keys = row_keys(screen)
        assert keys == [
            "#prov/anthropic", "anthropic:work",
            "#prov/openai", "openai:default", "#env/openai/OPENAI_API_KEY",
            "#prov/openai-codex", "openai-codex:me@example.com",
            "#prov/openrouter", "openrouter:manual",
        ]
        assert cell(screen, "anthropic:work", "pos") == "1"
        assert cell(screen, "anthropic:work", "status").strip() == "ok"
        assert cell(screen, "openai-codex:me@example.com", "status").strip() == "expiring"
        assert cell(screen, "openai-codex:me@example.com", "countdown").strip() == "5h 00m 00s"
        assert cell(screen, "openai-codex:me@example.com", "expires") == "2026-01-01 00:00"
        assert cell(screen, "openai-codex:me@example.com", "who") == "me@example.com"
        assert cell(screen, "openrouter:manual", "status").strip() == "static"
        assert cell(screen, "anthropic:work", "secret") == "sk-ant-o...Gg3eWffP"
        assert cell(screen, "#env/openai/OPENAI_API_KEY", "source") == "env"
        assert cell(screen, "anthropic:work", "source") == "store"
        text = all_cell_text(screen)
        for secret in (ANTHROPIC_SETUP_TOKEN, OPENROUTER_TOKEN, OPENAI_API_KEY, CODEX_ACCESS_TOKEN,
                       "rt_opaque-refresh-token-0123456789", "sk-env-0123456789abcdef0123456789abcdef"):
            assert secret not in text
        summary = str(screen.query_one("#dash-summary").render())
        assert "ok 1" in summary and "expiring 1" in summary and "static 2" in summary
        assert "next expiry openai-codex:me@example.com in 5h 00m 00s" in summary


async def test_narrow_terminal_hides_less_important_columns(make_agent, state_dir) -> None:
    make_agent("main", config=True)
    app = host(state_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        narrow = list(screen.table.columns_shown)
        assert {"pos", "id", "countdown", "status"} <= set(narrow)
        # Type (short, tells oauth from token from api_key) is kept; the long email column goes first.
        assert "type" in narrow and "who" not in narrow
        assert sum(screen.table.widths[c] + 2 for c in narrow) <= 78  # each cell padded by 1 on both sides
        await pilot.resize_terminal(200, 40)
        await wait_for(pilot, lambda: len(screen.table.columns_shown) == 9, what="all columns when wide")


# --------------------------------------------------------------------------------------------- countdown tick

async def test_tick_updates_only_countdown_and_status_cells(state_dir, make_agent) -> None:
    store = three_anthropic_store()
    store["profiles"]["anthropic:b"]["expires"] = NOW + DAY_MS + 2000  # crosses the 24 h window in 2 s
    store["profiles"]["anthropic:c"]["expires"] = NOW + 1500  # expires in 1.5 s
    store["profiles"]["anthropic:a"]["expires"] = NOW + 5 * DAY_MS + HOUR_MS // 2
    make_agent("main", store=store)
    now = [NOW]
    app = host(state_dir, clock=lambda: now[0])
    async with app.run_test(size=(120, 30)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        rebuilds: list[int] = []
        original = screen.rebuild_table
        screen.rebuild_table = lambda keep=None: (rebuilds.append(1), original(keep))[1]  # type: ignore[method-assign]
        assert cell(screen, "anthropic:b", "status").strip() == "ok"
        assert cell(screen, "anthropic:c", "countdown").strip() == "0m 01s"
        now[0] = NOW + 1000
        written = screen.tick()
        assert cell(screen, "anthropic:c", "countdown").strip() == "0m 00s"
        assert cell(screen, "anthropic:b", "countdown").strip() == "24h 00m 01s"
        assert written == 2  # b's and c's countdowns; a shows days, unchanged
        now[0] = NOW + 2500
        screen.tick()
        assert cell(screen, "anthropic:b", "status").strip() == "expiring"
        assert cell(screen, "anthropic:c", "status").strip() == "expired"
        assert cell(screen, "anthropic:c", "countdown").strip() == "-0m 01s"
        assert "expired 1" in str(screen.query_one("#dash-summary").render())
        assert screen.tick() == 0  # nothing changed since
        assert rebuilds == []


async def test_countdown_ticks_by_itself_every_second(state_dir, make_agent) -> None:
    store = three_anthropic_store()
    store["profiles"]["anthropic:a"]["expires"] = int(time.time() * 1000) + HOUR_MS
    make_agent("main", store=store)
    app = DashHost(lambda: DashboardScreen("main", state_dir, env={}))  # the real clock
    async with app.run_test(size=(120, 30)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        first = cell(screen, "anthropic:a", "countdown")
        await wait_for(pilot, lambda: cell(screen, "anthropic:a", "countdown") != first, timeout=4, what="a tick")


# --------------------------------------------------------------------------------------------- reorder and undo

async def test_reorder_persists_and_matches_order_get(state_dir, make_agent) -> None:
    make_agent("main", store=three_anthropic_store())
    app = host(state_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        assert profile_keys(screen) == ["anthropic:a", "anthropic:b", "anthropic:c"]
        assert screen.current_key() == "anthropic:a"
        await pilot.press("J")
        await orders_saved(pilot, screen)
        assert order_mod.override_order(store_mod.load("main", state_dir).store, "anthropic") == [
            "anthropic:b", "anthropic:a", "anthropic:c"]
        assert screen.current_key() == "anthropic:a"  # the cursor follows the moved profile
        await pilot.press("shift+down")
        await orders_saved(pilot, screen)
        assert profile_keys(screen) == ["anthropic:b", "anthropic:c", "anthropic:a"]
        assert [cell(screen, k, "pos") for k in profile_keys(screen)] == ["1", "2", "3"]
        got = cli_order(state_dir, "anthropic")
        assert got["override"] == ["anthropic:b", "anthropic:c", "anthropic:a"]
        assert got["effective"] == ["anthropic:b", "anthropic:c", "anthropic:a"]
        await pilot.press("K")
        await pilot.press("shift+up")
        await orders_saved(pilot, screen)
        assert cli_order(state_dir, "anthropic")["override"] == ["anthropic:a", "anthropic:b", "anthropic:c"]
        await pilot.press("K")  # already first: nothing is written
        assert order_mod.override_order(store_mod.load("main", state_dir).store, "anthropic") == [
            "anthropic:a", "anthropic:b", "anthropic:c"]
        assert len(screen.undo_stack) == 4


async def test_fast_reorders_show_at_once_and_land_in_order_while_the_store_is_locked(state_dir, make_agent) -> None:
    """K/J never wait on the store: with its lock held by someone else, the table shows each move at
    once and the cursor follows the moved profile; when the lock is free every press lands, in order."""
    import threading

    from openclaw_onboard.core import locking
    from openclaw_onboard.core import paths as paths_mod

    make_agent("main", store=three_anthropic_store())
    ap = paths_mod.agent_paths("main", state_dir)
    locked, release = threading.Event(), threading.Event()

    def holder() -> None:
        with locking.hold(ap.lock, queue=ap.lock_queue):
            locked.set()
            release.wait(30)

    thread = threading.Thread(target=holder, daemon=True)
    thread.start()
    assert locked.wait(10)
    app = host(state_dir)
    try:
        async with app.run_test(size=(120, 30)) as pilot:
            screen = dash(app)
            await wait_for(pilot, lambda: screen.table.row_count > 0)
            await pilot.press("J", "J")  # a: a,b,c -> b,a,c -> b,c,a
            assert profile_keys(screen) == ["anthropic:b", "anthropic:c", "anthropic:a"]
            assert screen.current_key() == "anthropic:a"
            await pilot.press("k", "K")  # cursor to c, then c up: c,b,a
            assert profile_keys(screen) == ["anthropic:c", "anthropic:b", "anthropic:a"]
            assert [cell(screen, k, "pos") for k in profile_keys(screen)] == ["1", "2", "3"]
            assert screen.current_key() == "anthropic:c"
            assert screen.saving_order  # still waiting on the lock: nothing written yet
            assert order_mod.override_order(store_mod.load("main", state_dir).store, "anthropic") is None
            release.set()
            await orders_saved(pilot, screen)
            assert cli_order(state_dir, "anthropic")["override"] == ["anthropic:c", "anthropic:b", "anthropic:a"]
            assert profile_keys(screen) == ["anthropic:c", "anthropic:b", "anthropic:a"]
            assert screen.current_key() == "anthropic:c"
            # Each press is its own undo step, in press order.
            assert [r.previous for r in screen.undo_stack] == [
                None, ["anthropic:b", "anthropic:a", "anthropic:c"], ["anthropic:b", "anthropic:c", "anthropic:a"]]
    finally:
        release.set()
        thread.join(10)


async def test_undo_restores_each_previous_override_then_none(state_dir, make_agent) -> None:
    make_agent("main", store=three_anthropic_store())
    app = host(state_dir)

    def override() -> list[str] | None:
        return order_mod.override_order(store_mod.load("main", state_dir).store, "anthropic")

    async with app.run_test(size=(120, 30)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        await pilot.press("J", "J")
        await orders_saved(pilot, screen)
        assert override() == ["anthropic:b", "anthropic:c", "anthropic:a"]
        await pilot.press("u")
        assert override() == ["anthropic:b", "anthropic:a", "anthropic:c"]
        assert profile_keys(screen) == ["anthropic:b", "anthropic:a", "anthropic:c"]
        await pilot.press("u")
        assert override() is None  # there was no override before the first move
        assert cli_order(state_dir, "anthropic")["override"] is None
        await pilot.press("u")
        assert "Nothing to undo" in str(screen.query_one("#dash-message").render())


async def test_clear_order_and_undo_it(state_dir, make_agent) -> None:
    store = three_anthropic_store()
    store["order"] = {"anthropic": ["anthropic:c", "anthropic:a"]}  # b is left out: not used
    make_agent("main", store=store)
    app = host(state_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        assert profile_keys(screen) == ["anthropic:c", "anthropic:a", "anthropic:b"]
        assert cell(screen, "anthropic:b", "pos") == "-"
        screen.table.move_cursor(row=row_keys(screen).index("anthropic:b"))
        await pilot.press("K")  # not in the order: refused, nothing written
        assert "not in the effective order" in str(screen.query_one("#dash-message").render())
        await pilot.press("c")
        assert cli_order(state_dir, "anthropic")["override"] is None
        assert [cell(screen, k, "pos") for k in profile_keys(screen)] == ["1", "2", "3"]
        await pilot.press("u")
        assert cli_order(state_dir, "anthropic")["override"] == ["anthropic:c", "anthropic:a"]


async def test_reorder_with_auth_state_json_updates_both_files(state_dir, make_agent, openclaw_files) -> None:
    make_agent("main", store=three_anthropic_store(), auth_state={"version": 1, "order": {
        "anthropic": ["anthropic:c", "anthropic:b", "anthropic:a"]}})
    app = host(state_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        assert profile_keys(screen) == ["anthropic:c", "anthropic:b", "anthropic:a"]
        await pilot.press("J")
        await orders_saved(pilot, screen)
        expected = ["anthropic:b", "anthropic:c", "anthropic:a"]
        assert openclaw_files.read_auth_state()["order"]["anthropic"] == expected
        assert cli_order(state_dir, "anthropic")["override"] == expected


# --------------------------------------------------------------------------------------------- delete

async def test_delete_asks_first_and_removes(state_dir, make_agent) -> None:
    make_agent("main", store=three_anthropic_store())
    app = host(state_dir, highlight="anthropic:b")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        assert screen.current_key() == "anthropic:b"
        await pilot.press("d")
        await wait_for(pilot, lambda: app.screen is not screen, what="the confirmation")
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is screen)
        assert "anthropic:b" in store_mod.load("main", state_dir).store.profiles
        await pilot.press("d")
        await wait_for(pilot, lambda: app.screen is not screen)
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is screen)
        # The delete runs in a worker (the store lock may wait on another process): wait for it, not a moment.
        await wait_for(pilot, lambda: "anthropic:b" not in store_mod.load("main", state_dir).store.profiles,
                       what="the delete")
        await wait_for(pilot, lambda: profile_keys(screen) == ["anthropic:a", "anthropic:c"], what="the reload")
        assert screen.current_key() == "anthropic:c"  # the cursor stays where the row was
        assert "Deleted anthropic:b" in str(screen.query_one("#dash-message").render())


# --------------------------------------------------------------------------------------------- refresh

async def test_refresh_against_the_loopback_oauth_server(state_dir, make_agent, monkeypatch, srv) -> None:
    make_agent("main", store=three_anthropic_store())
    for name, value in srv.env().items():
        monkeypatch.setenv(name, value)
    pid = srv.write_expired_profile(state_dir)
    old = store_mod.load("main", state_dir).store.profiles[pid]
    app = DashHost(lambda: DashboardScreen("main", state_dir, env={}, highlight=pid))  # real clock
    async with app.run_test(size=(120, 30)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        assert screen.current_key() == pid
        assert cell(screen, pid, "status").strip() == "expired"
        # The token endpoint holds its answer until the progress was seen (a delay raced a loaded machine).
        release = threading.Event()
        srv.set_before_token(lambda fields: release.wait(30))
        await pilot.press("r")
        assert "Refreshing" in str(screen.query_one("#dash-message").render())
        assert cell(screen, pid, "status").strip() == "refreshing"
        release.set()
        await wait_for(pilot, lambda: "Refreshed" in str(screen.query_one("#dash-message").render()),
                       what="the refresh result")
        srv.set_before_token(None)
        new = store_mod.load("main", state_dir).store.profiles[pid]
        assert new.access != old.access and new.refresh != old.refresh
        assert new.expires_ms is not None and new.expires_ms > int(time.time() * 1000)
        assert srv.token_calls == 1
        assert not srv.is_active_refresh(old.refresh)
        assert cell(screen, pid, "status").strip() == "expiring"  # 1 h token: inside the 24 h window
        assert new.access not in all_cell_text(screen)

        srv.revoke_all()  # the next refresh is rejected: the user must log in again
        await pilot.press("r")
        await wait_for(pilot, lambda: "failed" in str(screen.query_one("#dash-message").render()),
                       what="the refresh error")
        message = str(screen.query_one("#dash-message").render())
        assert "openclaw models auth login --provider openai-codex --agent main" in message

        screen.table.move_cursor(row=row_keys(screen).index("anthropic:a"))
        await pilot.press("r")
        assert "cannot be refreshed" in str(screen.query_one("#dash-message").render())


# --------------------------------------------------------------------------------------------- external changes

async def test_changes_by_another_process_show_up(state_dir, make_agent) -> None:
    make_agent("main", store=three_anthropic_store())
    app = host(state_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        profiles_mod.add_token("anthropic", tok("new"), profile_id="anthropic:new", expires_in_ms=3 * HOUR_MS,
                               state=state_dir, now_ms=NOW)
        started = time.monotonic()
        await wait_for(pilot, lambda: "anthropic:new" in profile_keys(screen), timeout=2.0, what="the new profile")
        assert time.monotonic() - started < 2.0
        assert cell(screen, "anthropic:new", "status").strip() == "expiring"
        order_mod.set_order("anthropic", ["anthropic:c", "anthropic:new"], "main", state_dir)
        await wait_for(pilot, lambda: profile_keys(screen)[:2] == ["anthropic:c", "anthropic:new"], timeout=2.0,
                       what="the new order")
        profiles_mod.remove_profile("anthropic:c", "main", state_dir)
        await wait_for(pilot, lambda: "anthropic:c" not in profile_keys(screen), timeout=2.0, what="the removal")


# ------------------------------------------------------------------------------ filter, details, agents, leaving

async def test_filter_by_substring(make_agent, state_dir) -> None:
    make_agent("main", config=True)
    app = host(state_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"example.com")
        assert profile_keys(screen) == ["openai-codex:me@example.com"]
        await pilot.press("enter")  # back to the table, filter kept
        assert isinstance(app.focused, ProfileTable)
        assert profile_keys(screen) == ["openai-codex:me@example.com"]
        await pilot.press("escape")  # clears the filter (does not leave)
        assert len(profile_keys(screen)) == 4
        assert app.results == []


async def test_details_masks_secrets_and_reveals_only_after_confirmation(make_agent, state_dir) -> None:
    make_agent("main", config=True)
    app = host(state_dir, highlight="openai-codex:me@example.com")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ProfileDetailsScreen), what="details")
        details = app.screen

        def body() -> str:
            return details.shown_text + "\n" + screen_text(app)

        assert "acc_0123456789" in body() and "me@example.com" in body()
        assert CODEX_ACCESS_TOKEN not in body() and "rt_opaque-refresh-token-0123456789" not in body()
        assert CODEX_ACCESS_TOKEN[:8] + "..." in body()
        await pilot.press("v")
        await wait_for(pilot, lambda: app.screen is not details, what="the confirmation")
        await pilot.press("n")  # keep masked
        await wait_for(pilot, lambda: app.screen is details)
        assert CODEX_ACCESS_TOKEN not in body()
        await pilot.press("v")
        await wait_for(pilot, lambda: app.screen is not details)
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is details)
        assert "rt_opaque-refresh-token-0123456789" in body()
        await pilot.press("v")  # mask again
        assert "rt_opaque-refresh-token-0123456789" not in body()
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)


async def test_switch_agent_with_n_and_p(make_agent, state_dir) -> None:
    make_agent("main", store=three_anthropic_store())
    other = copy.deepcopy(EXAMPLE_STORE)
    make_agent("work", store=other)
    make_agent("zeta", store=False)
    app = host(state_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        assert "agent main (1/3" in str(screen.query_one("#dash-title").render())
        await pilot.press("n")
        assert screen.agent_id == "work"
        assert "openai-codex:me@example.com" in profile_keys(screen)
        await pilot.press("n")
        # An agent with no store of its own uses main's profiles, as OpenClaw's runtime does.
        assert screen.agent_id == "zeta" and profile_keys(screen) == ["anthropic:a", "anthropic:b", "anthropic:c"]
        await pilot.press("p", "p")
        assert screen.agent_id == "main"
        assert profile_keys(screen) == ["anthropic:a", "anthropic:b", "anthropic:c"]


async def test_add_and_leave_dismiss_with_results(make_agent, state_dir) -> None:
    make_agent("main", store=three_anthropic_store())
    make_agent("work", store=three_anthropic_store())
    app = host(state_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: dash(app).table.row_count > 0)
        await pilot.press("n", "a")
        await wait_for(pilot, lambda: app.results == [AddCredential("work")])
        app.push_screen(DashboardScreen("main", state_dir, env={}), app.results.append)
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await pilot.press("q")
        await wait_for(pilot, lambda: app.results == [AddCredential("work"), "quit"])
        app.push_screen(DashboardScreen("main", state_dir, env={}), app.results.append)
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await pilot.press("escape")  # back to the agent list, never a silent exit
        await wait_for(pilot, lambda: app.results == [AddCredential("work"), "quit", "agents"])


async def test_corrupt_store_is_reported_not_overwritten(state_dir, openclaw_files, make_agent) -> None:
    paths = make_agent("main", store=False)
    openclaw_files.write_raw(paths.store, b"{ not json")
    app = host(state_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: "untouched" in str(screen.query_one("#dash-summary").render()))
        await pilot.press("J", "d", "r")  # nothing to act on; must not crash
        assert paths.store.read_bytes() == b"{ not json"
        write_json(paths.store, three_anthropic_store())
        await wait_for(pilot, lambda: len(profile_keys(screen)) == 3, what="recovery after the file was fixed")


# --------------------------------------------------------------------------------------------- scale

async def test_two_thousand_profiles_render_and_tick_fast(state_dir, make_agent) -> None:
    profiles = {}
    for i in range(2000):
        provider = ("anthropic", "openai-codex", "openrouter", "openai")[i % 4]
        profiles[f"{provider}:p{i:04d}"] = {"type": "token", "provider": provider, "token": tok(f"p{i}"),
                                            "expires": NOW + (i % 50) * HOUR_MS + 30_000}
    make_agent("main", store={"version": 1, "profiles": profiles})
    app = host(state_dir)
    started = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0, timeout=20)
        first_render = time.perf_counter() - started
        assert len(profile_keys(screen)) == 2000
        calls = 20
        t0 = time.perf_counter()
        for _ in range(calls):
            screen.tick()
        per_tick = (time.perf_counter() - t0) / calls
        await pilot.press("end")
        await pilot.press("pageup", "pageup", "home")
    # Generous bounds (CI machines vary); bench/dashboard.py prints the real figures.
    assert first_render < 10.0
    assert per_tick < 0.1


# --------------------------------------------------------------------------------------------- app wiring

async def test_create_app_dashboard_shows_the_dashboard(make_agent, state_dir) -> None:
    tui = pytest.importorskip("openclaw_onboard.app.tui")
    make_agent("main", store=three_anthropic_store())
    app = tui.create_app(agent_id="main", dashboard=True, state=state_dir, env={})
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, DashboardScreen), what="the dashboard")
        screen = app.screen
        await wait_for(pilot, lambda: len(profile_keys(screen)) == 3)
