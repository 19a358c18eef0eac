"""Step 3a: the live Codex login panel against the loopback OAuth server.

Callback (a BROWSER-like callable follows the redirects), paste, wrong state, denied, timeout,
cancel (the port is free afterwards), paste-only reasons, copying the URL, retry.
"""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from textual import events
from textual.widgets import Static

from tests.support.follow_redirect import fetch, follow
from tests.support.oauth_server import OAuthTestServer, free_port, read_browser_log
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
        assert "✓ waiting" in text and "✓ exchanging" in text and "✓ saved" in text
        assert "me@example.com" in text and "acc_0123456789" in text
        assert "Saved as openai-codex:me@example.com" in text
        # issue 12: nothing says it still listens or can be cancelled or pasted into after success
        assert "Login complete; the callback server is closed" in text
        assert "Listening" not in text and "esc Cancel" not in text and "p Paste" not in text
        assert "esc Done" in text and "left of" not in text
        assert screen.query_one("#paste").disabled
        # the browser got the one-time launcher, never the authorize URL (issue 11 item 4)
        assert len(opened) == 1 and opened[0].startswith(f"http://127.0.0.1:{port}/start/")
        await wait_for(pilot, lambda: port_is_free(port), timeout=5, what="port freed")
        await pilot.press("enter")
        dash = await wait_for_screen(pilot, "DashboardScreen")
        assert dash.highlight == "openai-codex:me@example.com"
    cred = read_store(state_dir)["profiles"]["openai-codex:me@example.com"]
    assert cred["type"] == "oauth" and "accountId" not in cred and cred["refresh"]  # as OpenClaw stores it
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
        assert screen.timeout_s == 0.5  # the countdown itself: test_countdown_warns_before_the_limit
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


async def test_ssh_session_listens_shows_the_forward_line_and_paste_works(make_app, login_env, port):
    env = {**login_env, "SSH_CONNECTION": "10.0.0.2 50000 10.0.0.1 22", "USER": "bob"}
    app = make_app(agent_id="main", env=env, open_browser=True)  # no BROWSER: nothing to open over SSH
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_codex(pilot)
        text = screen_text(app)
        assert f"Listening on 127.0.0.1:{port}" in text
        assert f"ssh -L {port}:127.0.0.1:{port} bob@10.0.0.1" in text
        assert "Browser on your own computer? Run this there first" in text and "(browser opened)" not in text
        assert not port_is_free(port)
        screen.post_message(events.Paste(redirect_location(screen.url)))
        await wait_for(pilot, lambda: screen.phase == "saved", what="login saved")
        await wait_for(pilot, lambda: port_is_free(port), timeout=5, what="port freed")


async def test_ssh_session_callback_through_the_forwarded_port_wins(make_app, login_env, port):
    env = {**login_env, "SSH_CONNECTION": "10.0.0.2 50000 10.0.0.1 22"}
    app = make_app(agent_id="main", env=env, open_browser=True)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_codex(pilot)
        status = await asyncio.to_thread(lambda: follow(screen.url)[1])  # the laptop's browser via `ssh -L`
        assert status == 200
        await wait_for(pilot, lambda: screen.phase == "saved", what="login saved")


async def test_browser_set_without_display_callback_wins(make_app, srv, port, tui_env, tmp_path):
    visits = tmp_path / "visits.jsonl"
    env = srv.login_env(port=port, base=tui_env, browser_log=visits, DISPLAY="")
    env.pop("WAYLAND_DISPLAY", None)
    app = make_app(agent_id="main", env=env, open_browser=True)
    async with app.run_test(size=(80, 24)) as pilot:
        pilot.app.goto("codex")
        screen = await wait_for_screen(pilot, "CodexLoginScreen")
        await wait_for(pilot, lambda: screen.phase == "saved", what="login saved")
    [visit] = read_browser_log(visits)
    assert visit["hops"][0][1].startswith(f"http://127.0.0.1:{port}/start/") and visit["status"] == 200


async def test_busy_port_is_paste_only_and_opens_no_browser(make_app, login_env, port):
    opened: list[str] = []
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as blocker:
        blocker.bind(("127.0.0.1", port))
        blocker.listen()
        app = make_app(agent_id="main", env=login_env, open_browser=opened.append)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_codex(pilot)
            text = screen_text(app).replace("\n", " ")
            assert "Paste-only: open the URL anywhere" in text
            assert f"Port {port} is busy, so no browser is opened" in text and f"sport = :{port}" in text
            screen.post_message(events.Paste(redirect_location(screen.url)))
            await wait_for(pilot, lambda: screen.phase == "saved", what="login saved")
    assert opened == []


async def test_a_refused_paste_keeps_the_attempt_and_the_callback_still_wins(make_app, login_env, srv, port):
    srv.fail_next_token(400, '{"error": "invalid_grant", "error_description": "code already used"}',
                        "application/json")
    app = make_app(agent_id="main", env=login_env)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_codex(pilot)
        screen.post_message(events.Paste(redirect_location(screen.url)))
        await wait_for(pilot, lambda: "invalid_grant" in message(screen), what="refused paste")
        assert screen.phase == "waiting" and not port_is_free(port)
        assert "Paste again, or finish the login in the browser" in message(screen)
        status = await asyncio.to_thread(lambda: follow(screen.url)[1])  # now the browser finishes it
        assert status == 200
        await wait_for(pilot, lambda: screen.phase == "saved", what="login saved")


async def test_r_after_a_failure_retries_and_is_not_typed_into_the_paste_field(make_app, login_env, srv):
    srv.fail_next_token(503, "down")
    app = make_app(agent_id="main", env=login_env)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_codex(pilot)
        await pilot.press("p")
        paste = screen.query_one("#paste")
        assert paste.has_focus
        location = redirect_location(screen.url)
        status = await asyncio.to_thread(lambda: fetch(location)[0])  # the callback: its exchange fails
        assert status == 200
        await wait_for(pilot, lambda: screen.phase == "error", what="error")
        assert "Press r to retry" in message(screen)
        assert paste.disabled and not paste.has_focus
        first_url = screen.url
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.phase == "waiting" and screen.url != first_url, what="retried")
        assert paste.value == "" and not paste.disabled


async def test_countdown_warns_before_the_limit(make_app, login_env):
    now = [1_700_000_000_000]
    app = make_app(agent_id="main", env=login_env, clock=lambda: now[0], login_timeout_s=300)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_codex(pilot)
        elapsed = screen.query_one("#elapsed", Static)
        assert str(elapsed.render()) == "5:00 left of 5:00" and not elapsed.has_class("-warning")
        now[0] += 241_000
        screen.tick()
        await pilot.pause()
        assert str(elapsed.render()) == "▲ 0:59 left of 5:00" and elapsed.has_class("-warning")
        assert any("Login time running out" in (n.title or "") for n in app._notifications)


async def test_url_wraps_without_indentation_or_breaks(make_app, login_env):
    app = make_app(agent_id="main", env=login_env)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_codex(pilot)
        await pilot.pause()
        box = screen.query_one("#url")
        lines = [strip.text for strip in box.render_lines(box.region.reset_offset)]
        rows = [line.rstrip() for line in lines if line.strip()]
        assert len(rows) > 1 and all(not row.startswith(" ") for row in rows)
        assert "".join(rows) == screen.url
        assert box.region.x == 0 and box.region.width == 80


async def test_d_switches_to_device_pairing_and_frees_the_port(make_app, login_env, port):
    app = make_app(agent_id="main", env=login_env)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_codex(pilot)
        await pilot.press("d")
        await wait_for_screen(pilot, "DeviceLoginScreen")
        await wait_for(pilot, lambda: port_is_free(port), timeout=5, what="port freed")


async def test_copy_url_key(make_app, login_env):
    app = make_app(agent_id="main", env=login_env)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_codex(pilot)
        await pilot.press("c")
        assert app.clipboard == screen.url
        # OSC 52 is a request the terminal may refuse: never "copied", and where to select it by hand.
        said = [n.message for n in app._notifications]
        assert said == ["Login URL sent to the terminal (OSC 52); if your terminal blocks it, select the URL on "
                        "screen."]
        assert screen.url.startswith(login_env["OPENCLAW_CODEX_ISSUER"] + "/oauth/authorize?")


async def test_codex_login_results_are_typed(login_env, state_dir):
    """The screen dismisses with screens.results types: LoginSaved, "cancelled", SwitchLogin."""
    from openclaw_onboard.screens.codex_login import CodexLoginScreen
    from openclaw_onboard.screens.results import LoginSaved, SwitchLogin

    from tests.tui.conftest import frozen_clock
    from tests.tui.test_wizard_results import ResultHost

    async def result(*keys: str, browser=False):
        app = ResultHost(lambda: CodexLoginScreen("main", state=state_dir, env=login_env, clock=frozen_clock,
                                                  open_browser=browser))
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, CodexLoginScreen))
            screen = app.screen
            await wait_for(pilot, lambda: screen.phase in ("waiting", "saved"), what="the login")
            if browser:
                await wait_for(pilot, lambda: screen.phase == "saved", what="login saved")
            await pilot.pause()
            await pilot.press(*keys)
            await wait_for(pilot, lambda: app.results, what="a result")
            return app.results[0]

    assert await result("escape") == "cancelled"
    assert await result("d") == SwitchLogin("codex-device")
    assert await result("enter", browser=follow) == LoginSaved("openai-codex:me@example.com")


async def test_a_bad_callback_port_setting_is_shown_not_a_crash(make_app, login_env):
    app = make_app(agent_id="main", env={**login_env, "OPENCLAW_OAUTH_CALLBACK_PORT": "0"}, open_browser=False)
    async with app.run_test(size=(80, 24)) as pilot:
        pilot.app.goto("codex")
        screen = await wait_for_screen(pilot, "CodexLoginScreen")
        await wait_for(pilot, lambda: screen.phase == "error", what="the refused setting")
        assert "OPENCLAW_OAUTH_CALLBACK_PORT" in screen_text(app)
