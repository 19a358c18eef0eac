"""Step 3a: the live Codex login panel against the loopback OAuth server.

Callback (a BROWSER-like callable follows the redirects), paste, wrong state, denied, timeout,
cancel (the port is free afterwards), paste-only reasons, copying the URL, retry.
"""

from __future__ import annotations

import socket
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from textual import events
from textual.widgets import Static

from tests.support.follow_redirect import fetch, follow
from tests.support.oauth_server import OAuthTestServer, free_port
from tests.tui.conftest import read_store, screen_text, wait_for, wait_for_screen


@pytest.fixture(autouse=True)
def _codex_account(srv: OAuthTestServer) -> None:
    srv.configure(email="me@example.com", account_id="acc_0123456789")


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def login_env(srv, port, tui_env):
    return srv.login_env(port=port, browser=False, base=tui_env)


def message(screen) -> str:
    return str(screen.query_one("#message", Static).render())


async def open_codex(pilot):
    pilot.app.goto("codex")
    screen = await wait_for_screen(pilot, "CodexLoginScreen")
    await wait_for(pilot, lambda: screen.phase == "waiting", what="waiting")
    return screen


def redirect_location(url: str) -> str:
    """What the browser would land on after approving: the authorize endpoint's 302 Location."""
    status, location, _ = fetch(url)
    assert status == 302 and location
    return location


def port_is_free(port: int) -> bool:
    """Could a new callback server listen here? SO_REUSEADDR as asyncio's server uses, so the closed
    callback connection lingering in TIME_WAIT is no obstacle (it was the cause of flaky failures)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


async def test_callback_login_success(make_app, login_env, port, state_dir):
    opened: list[str] = []

    def browser(url: str) -> None:  # like BROWSER: runs in the session's thread, follows the redirects
        opened.append(url)
        follow(url)

    app = make_app(agent_id="main", env=login_env, open_browser=browser)
    async with app.run_test(size=(80, 24)) as pilot:
        pilot.app.goto("codex")
        screen = await wait_for_screen(pilot, "CodexLoginScreen")
        await wait_for(pilot, lambda: screen.phase == "saved", what="login saved")
        await pilot.pause()
        text = screen_text(app)
        assert f"127.0.0.1:{port}" in text
        assert "✓ waiting" in text and "✓ exchanging" in text and "✓ saved" in text
        assert "me@example.com" in text and "acc_0123456789" in text
        assert "Saved as openai-codex:me@example.com" in text
        assert opened == [screen.url]
        await wait_for(pilot, lambda: port_is_free(port), timeout=5, what="port freed")
        await pilot.press("enter")
        dash = await wait_for_screen(pilot, "DashboardScreen")
        assert dash.highlight == "openai-codex:me@example.com"
    cred = read_store(state_dir)["profiles"]["openai-codex:me@example.com"]
    assert cred["type"] == "oauth" and cred["accountId"] == "acc_0123456789" and cred["refresh"]
    assert app.saved_profiles == ["openai-codex:me@example.com"]


async def test_paste_login_success_races_the_callback(make_app, login_env, port, state_dir, srv):
    app = make_app(agent_id="main", env=login_env)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_codex(pilot)
        assert f"Listening on 127.0.0.1:{port}" in screen_text(app)
        location = redirect_location(screen.url)
        # pasted over two lines, into the focused URL box: a paste anywhere goes to the login
        assert screen.query_one("#url").has_focus
        screen.query_one("#url").post_message(events.Paste(location[:40] + "\n" + location[40:]))
        await wait_for(pilot, lambda: screen.phase == "saved", what="login saved")
        await wait_for(pilot, lambda: port_is_free(port), timeout=5, what="port freed")
        assert srv.token_calls == 1
    assert "openai-codex:me@example.com" in read_store(state_dir)["profiles"]


async def test_paste_into_the_input_with_enter(make_app, login_env):
    app = make_app(agent_id="main", env=login_env)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_codex(pilot)
        location = redirect_location(screen.url)
        await pilot.press("p")
        assert screen.query_one("#paste").has_focus
        screen.query_one("#paste").post_message(events.Paste(location))
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.phase == "saved", what="login saved")


async def test_wrong_state_is_refused_inline_and_login_keeps_waiting(make_app, login_env, state_dir):
    app = make_app(agent_id="main", env=login_env)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_codex(pilot)
        location = redirect_location(screen.url)
        parts = urlsplit(location)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        forged = urlunsplit(parts._replace(query=urlencode({**query, "state": "someone-elses-state"})))
        screen.post_message(events.Paste(forged))
        await wait_for(pilot, lambda: "state mismatch" in message(screen), what="state error")
        assert screen.phase == "waiting"
        screen.post_message(events.Paste("   "))
        await wait_for(pilot, lambda: "Nothing was pasted" in message(screen), what="empty paste error")
        screen.post_message(events.Paste(location))
        await wait_for(pilot, lambda: screen.phase == "saved", what="login saved")
    assert "openai-codex:me@example.com" in read_store(state_dir)["profiles"]


async def test_denied_shows_error_and_retry_succeeds(make_app, login_env, srv, state_dir):
    srv.set_next_authorize_error("access_denied", "The user said no")
    app = make_app(agent_id="main", env=login_env, open_browser=follow)
    async with app.run_test(size=(80, 24)) as pilot:
        pilot.app.goto("codex")
        screen = await wait_for_screen(pilot, "CodexLoginScreen")
        await wait_for(pilot, lambda: screen.phase == "error", what="error")
        await pilot.pause()
        assert "access_denied" in message(screen) and "Press r to retry" in message(screen)
        assert "✗ waiting" in screen_text(app)
        first_url = screen.url
        await pilot.press("r")  # a fresh login (new state); the server approves this time
        await wait_for(pilot, lambda: screen.phase == "saved", what="login saved after retry")
        assert screen.url != first_url
    assert "openai-codex:me@example.com" in read_store(state_dir)["profiles"]


async def test_timeout_shows_error_and_frees_port(make_app, login_env, port):
    app = make_app(agent_id="main", env=login_env, login_timeout_s=0.5)
    async with app.run_test(size=(80, 24)) as pilot:
        pilot.app.goto("codex")
        screen = await wait_for_screen(pilot, "CodexLoginScreen")
        assert "of 0:00" in str(screen.query_one("#elapsed", Static).render())
        await wait_for(pilot, lambda: screen.phase == "error", what="timeout")
        assert "Timed out" in message(screen)
        await wait_for(pilot, lambda: port_is_free(port), timeout=5, what="port freed")
        # a paste now is refused with a hint, not sent to a dead session
        screen.post_message(events.Paste("code#state"))
        await wait_for(pilot, lambda: "press r to start again" in message(screen), what="hint")


async def test_escape_cancels_and_frees_the_port(make_app, login_env, port, srv, state_dir):
    app = make_app(agent_id="main", env=login_env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_codex(pilot)
        assert not port_is_free(port)
        await pilot.press("escape")
        await wait_for_screen(pilot, "AuthChoiceScreen")
        await wait_for(pilot, lambda: port_is_free(port), timeout=5, what="port freed")
        # the port can really be bound again
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", port))
            s.listen()
        assert srv.token_calls == 0
    assert not (state_dir / "agents").exists()


async def test_jumping_away_with_the_palette_also_frees_the_port(make_app, login_env, port):
    app = make_app(agent_id="main", env=login_env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_codex(pilot)
        pilot.app.goto("paste-token")
        await wait_for_screen(pilot, "TokenPasteScreen")
        await wait_for(pilot, lambda: port_is_free(port), timeout=5, what="port freed")


async def test_remote_session_is_paste_only(make_app, login_env, port):
    env = {**login_env, "SSH_CONNECTION": "10.0.0.2 50000 10.0.0.1 22"}
    app = make_app(agent_id="main", env=env, open_browser=follow)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_codex(pilot)
        text = screen_text(app)
        assert "Paste-only: remote session (SSH)" in text
        await wait_for(pilot, lambda: port_is_free(port), timeout=5, what="port freed")
        screen.post_message(events.Paste(redirect_location(screen.url)))
        # the callback server is not running, so the redirect was not consumed: the paste wins
        await wait_for(pilot, lambda: screen.phase == "saved", what="login saved")


async def test_busy_port_is_paste_only(make_app, login_env, port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as blocker:
        blocker.bind(("127.0.0.1", port))
        blocker.listen()
        app = make_app(agent_id="main", env=login_env)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_codex(pilot)
            assert f"Paste-only: port {port} is busy" in screen_text(app)
            screen.post_message(events.Paste(redirect_location(screen.url)))
            await wait_for(pilot, lambda: screen.phase == "saved", what="login saved")


async def test_copy_url_key(make_app, login_env):
    app = make_app(agent_id="main", env=login_env)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_codex(pilot)
        await pilot.press("c")
        assert app.clipboard == screen.url
        assert screen.url.startswith(login_env["OPENCLAW_CODEX_ISSUER"] + "/oauth/authorize?")
