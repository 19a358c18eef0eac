"""The wizard on a SQLite-era state dir (OpenClaw 2026.9.x): the header names the era, the agent list and the
dashboard show what the databases hold, a key saved in the form goes to 9.x's database, and a login that would
still write OpenClaw 2026.4's files is refused before any form, with nothing written."""

from __future__ import annotations

import json
import sqlite3

from textual.widgets import Input

from tests.support.sqlite_era import make_agent_db, make_sqlite_state, shared_store, tree
from tests.tui.conftest import screen_text, wait_for, wait_for_screen

KEY = "sk-or-v1-" + "s" * 48
NEW = "sk-or-v1-" + "n" * 48


async def test_header_agent_list_and_a_key_saved_into_the_database(make_app, state_dir):
    make_sqlite_state(state_dir, {"openrouter:manual": {"type": "token", "provider": "openrouter", "token": KEY}})
    make_agent_db(state_dir / "agents" / "work" / "agent",
                  {"groq:w": {"type": "api_key", "provider": "groq", "key": "gsk_" + "w" * 40}}, agent_id="work")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "AgentSelectScreen")
        text = screen_text(app)
        assert "OpenClaw 2026.9.6 · SQLite" in text and "1 · Choose an agent" in text  # fits 80 columns
        assert "main      1 profile" in text and "work      1 profile" in text
        app.goto("api-key")
        form = await wait_for_screen(pilot, "TokenPasteScreen")
        form.query_one("#provider", Input).value = "openrouter"
        form.query_one("#profile", Input).value = "openrouter:wizard"
        form.query_one("#secret", Input).value = NEW
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "openrouter:wizard" in screen_text(app) and
                       type(app.screen).__name__ != "TokenPasteScreen")
        assert NEW not in screen_text(app)
    doc = shared_store(state_dir)
    assert doc["profiles"]["openrouter:wizard"] == {"type": "api_key", "provider": "openrouter", "key": NEW}
    assert not list(state_dir.rglob("auth-profiles.json"))


async def test_a_login_that_writes_4_26_files_is_refused_before_any_form(make_app, state_dir):
    make_sqlite_state(state_dir)
    (state_dir / "agents" / "work" / "agent").mkdir(parents=True)  # an agent 9.6 has not made a database for
    before = tree(state_dir)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "AgentSelectScreen")
        refused = [("main", c) for c in ("codex", "codex-device", "claude-cli", "codex-cli")]
        refused += [("work", c) for c in ("api-key", "paste-token", "setup-token")]
        for agent, choice in refused:
            app._start_login(agent, choice)
            await wait_for_screen(pilot, "AuthChoiceScreen")
            assert not any(type(s).__name__ in ("TokenPasteScreen", "CodexLoginScreen", "DeviceLoginScreen")
                           for s in app.screen_stack), (agent, choice)
        app._start_login("main", "api-key")  # main's key goes to the shared store: the form opens
        await wait_for_screen(pilot, "TokenPasteScreen")
    sidecars = ("-shm", "-wal")
    assert {k: v for k, v in tree(state_dir).items() if not k.endswith(sidecars)} == \
        {k: v for k, v in before.items() if not k.endswith(sidecars)}


async def test_the_dashboard_reorders_deletes_and_undoes_in_9_6s_database(state_dir):
    """The dashboard's writes are the store's: on a SQLite-era dir they land in 9.x's shared store, the same
    journey as in the file era (tests/tui/test_dashboard_keys.py)."""
    from openclaw_onboard.core import order as order_mod
    from openclaw_onboard.core import store as store_mod

    from tests.tui.test_dashboard import dash, host, orders_saved, row_keys, three_anthropic_store

    make_sqlite_state(state_dir, three_anthropic_store()["profiles"])
    app = host(state_dir)

    def override():
        return order_mod.override_order(store_mod.load("main", state_dir).store, "anthropic")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        screen.table.move_cursor(row=row_keys(screen).index("anthropic:a"))
        await pilot.press("J")
        await orders_saved(pilot, screen)
        assert override() == ["anthropic:b", "anthropic:a", "anthropic:c"]
        await pilot.press("d")
        await wait_for(pilot, lambda: app.screen is not screen, what="the confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: "anthropic:a" not in store_mod.load("main", state_dir).store.profiles,
                       what="the delete")
        await wait_for(pilot, lambda: "Deleted" in str(screen.query_one("#dash-message").render()))
        await pilot.press("u")
        await wait_for(pilot, lambda: "anthropic:a" in store_mod.load("main", state_dir).store.profiles,
                       what="the undo")
        assert override() == ["anthropic:b", "anthropic:a", "anthropic:c"]
    conn = sqlite3.connect(state_dir / "state" / "openclaw.sqlite")
    try:
        rows = dict(conn.execute("SELECT state_key, value_json FROM config_machine_state"))
    finally:
        conn.close()
    assert json.loads(rows["authProfiles.state"])["order"]["anthropic"] == ["anthropic:b", "anthropic:a",
                                                                            "anthropic:c"]
    assert set(json.loads(rows["authProfiles.store"])["profiles"]) == {"anthropic:a", "anthropic:b", "anthropic:c"}
    assert not list(state_dir.rglob("auth-profiles.json")) and not list(state_dir.rglob("auth-state.json"))


async def test_the_dashboard_shows_9_6s_fences_as_what_they_mean(state_dir):
    from tests.support.sqlite_era import fence
    from tests.tui.test_dashboard import dash, host

    make_sqlite_state(state_dir, {"openai-codex:me@example.com": fence(failed=True),
                                  "openai-codex:you@example.com": fence("d" * 32)})
    app = host(state_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        text = screen_text(app)
        assert "openclaw-oauth-refresh-fence" not in text and "fence:v1" not in text and "openclaw..." not in text
        rows = {line.split()[1]: line for line in text.splitlines() if "openai-codex:" in line}
        assert "needs login" in rows["openai-codex:me@example.com"]  # the whole hint, not cut
        assert "refreshing" in rows["openai-codex:you@example.com"] and "1970" not in text
        screen.table.move_cursor(row=[r.key for r in screen.table.rows_shown].index("openai-codex:me@example.com"))
        await pilot.press("enter")
        await wait_for(pilot, lambda: "refresh failed: log in again" in screen_text(app), what="the details")
        details = screen_text(app)
        assert "1970" not in details and "openclaw..." not in details


async def test_the_dashboard_sees_an_order_9_6_set_before_it_saves_its_own(state_dir):
    """Found by the attacker pass: the dashboard watched only the file era's files, so after 9.x changed the
    order it saved a reorder computed from the order it had shown, and 9.x's change was lost."""
    from openclaw_onboard.core import order as order_mod
    from openclaw_onboard.core import store as store_mod

    from tests.support.sqlite_era import set_shared_state
    from tests.tui.test_dashboard import dash, host, orders_saved, row_keys, three_anthropic_store

    make_sqlite_state(state_dir, three_anthropic_store()["profiles"])
    set_shared_state(state_dir, {"order": {"anthropic": ["anthropic:a", "anthropic:b", "anthropic:c"]}})
    app = host(state_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = dash(app)
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        assert [k for k in row_keys(screen) if k.startswith("anthropic:")][:3] == \
            ["anthropic:a", "anthropic:b", "anthropic:c"]
        # 9.x (another process) narrows the order meanwhile, straight into its database.
        set_shared_state(state_dir, {"order": {"anthropic": ["anthropic:c", "anthropic:a"]}})
        await wait_for(pilot, lambda: [k for k in row_keys(screen) if k.startswith("anthropic:")][:2] ==
                       ["anthropic:c", "anthropic:a"], what="the dashboard to show 9.x's order")
        screen.table.move_cursor(row=row_keys(screen).index("anthropic:c"))
        await pilot.press("J")
        await orders_saved(pilot, screen)
    saved = order_mod.override_order(store_mod.load("main", state_dir).store, "anthropic")
    assert saved == ["anthropic:a", "anthropic:c"]  # 9.x's narrowing kept: b stays out
