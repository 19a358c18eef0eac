"""Step 3b: the device-pairing screen against the loopback fake of OpenAI's device endpoints."""

from __future__ import annotations

import pytest
import segno
from openclaw_onboard.core.oauth.device import DeviceTiming
from openclaw_onboard.screens.device_login import QR_BORDER, qr_lines
from textual.widgets import Static

from tests.support.device_server import DeviceAuthFake
from tests.support.oauth_server import OAuthTestServer, free_port
from tests.tui.conftest import read_store, screen_text, wait_for, wait_for_screen

FAST = DeviceTiming(default_interval_s=0.01, min_interval_s=0.0, deadline_s=900.0, request_timeout_s=10.0)


@pytest.fixture
def srv():
    with OAuthTestServer() as server:
        server.configure(email="me@example.com", account_id="acc_0123456789")
        yield server


@pytest.fixture
def env(srv, tui_env):
    # The browser fallback (b) must listen on a free port, never 1455.
    return srv.login_env(port=free_port(), browser=False, base=tui_env)


def message(screen) -> str:
    return str(screen.query_one("#device-message", Static).render())


async def open_device(pilot):
    pilot.app.goto("codex-device")
    return await wait_for_screen(pilot, "DeviceLoginScreen")


async def test_pairing_shows_code_url_qr_and_progress_then_saves(make_app, env, srv, state_dir):
    fake = DeviceAuthFake(srv, outcome="pending", user_code="K7QZ-M4PX")
    app = make_app(agent_id="main", env=env, device_timing=FAST)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_device(pilot)
        await wait_for(pilot, lambda: fake.polls >= 2 and screen.polls >= 1, what="polling")
        await pilot.pause()
        text = screen_text(app)
        assert "K7QZ-M4PX" in text
        assert f"{srv.issuer}/codex/device" in text
        assert "Awaiting approval · " in text and " checks" in text
        assert "Code expires in 15:00. Never share it." in text
        assert screen.query_one("#qr").display and "▀" in text
        assert "esc Cancel" in text and "c Copy code" in text and "b Browser login" in text
        await pilot.press("c")
        assert app.clipboard == "K7QZ-M4PX"
        await pilot.press("u")
        assert app.clipboard == f"{srv.issuer}/codex/device"
        said = [n.message for n in app._notifications]  # a request the terminal may refuse: never "copied"
        assert "Code sent to the terminal (OSC 52); if your terminal blocks it, select the code on screen." in said
        assert "URL sent to the terminal (OSC 52); if your terminal blocks it, select the URL on screen." in said
        fake.configure(outcome="grant", grant_after=0)  # the user approves on their phone
        await wait_for(pilot, lambda: screen.phase == "saved", what="saved")
        await pilot.pause()
        text = screen_text(app)
        assert "Saved as openai-codex:me@example.com" in text and "acc_0123456789" in text
        assert "Paired; no longer checking" in text
        assert "esc Cancel" not in text and "esc Done" in text and not screen.query_one("#qr").display
        await pilot.press("enter")
        dash = await wait_for_screen(pilot, "DashboardScreen")
        assert dash.highlight == "openai-codex:me@example.com"
    cred = read_store(state_dir)["profiles"]["openai-codex:me@example.com"]
    assert "accountId" not in cred and srv.is_active_refresh(cred["refresh"])  # as OpenClaw stores it
    assert app.saved_profiles == ["openai-codex:me@example.com"]


async def test_escape_stops_polling_at_once(make_app, env, srv, state_dir):
    fake = DeviceAuthFake(srv, outcome="pending", delay_s=2.0)  # a slow server: Esc must not wait for it
    app = make_app(agent_id="main", env=env, device_timing=FAST)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_device(pilot)
        await wait_for(pilot, lambda: fake.polls >= 1, what="first poll")
        await pilot.press("escape")
        await wait_for_screen(pilot, "AuthChoiceScreen", timeout=1.5)
        assert screen.login is None
        polls = fake.polls
    assert fake.polls == polls
    assert not (state_dir / "agents").exists()


async def test_denied_then_r_gets_a_new_code(make_app, env, srv):
    fake = DeviceAuthFake(srv, outcome="deny", grant_after=1)
    app = make_app(agent_id="main", env=env, device_timing=FAST)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_device(pilot)
        await wait_for(pilot, lambda: screen.phase == "error", what="denied")
        assert "access_denied" in message(screen) and "Press r for a new code" in message(screen)
        assert "r New code" in screen_text(app)
        fake.configure(outcome="grant")
        await pilot.press("r")
        await wait_for(pilot, lambda: screen.phase == "saved", what="saved after retry")
        assert fake.usercode_calls == 2


async def test_not_enabled_offers_the_browser_login(make_app, env, srv):
    DeviceAuthFake(srv, disabled=True)
    app = make_app(agent_id="main", env=env, device_timing=FAST)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_device(pilot)
        await wait_for(pilot, lambda: screen.phase == "unavailable", what="404")
        assert "not enabled for this server" in message(screen) and "Press b for the browser login" in message(screen)
        await pilot.press("b")
        codex = await wait_for_screen(pilot, "CodexLoginScreen")
        await wait_for(pilot, lambda: codex.phase == "waiting", what="browser login waiting")


async def test_hostile_error_text_is_shown_clean(make_app, env, srv):
    DeviceAuthFake(srv, outcome="deny", hostile=True)
    app = make_app(agent_id="main", env=env, device_timing=FAST)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_device(pilot)
        await wait_for(pilot, lambda: screen.phase == "error", what="denied")
        shown = message(screen)
        assert "access_denied" in shown
        for piece in ("\x1b", "\x07", "\u202e", "]52;", "evil.example"):
            assert piece not in shown and piece not in (screen.error or "")


async def test_slow_server_is_shown_as_still_trying(make_app, env, srv):
    fake = DeviceAuthFake(srv, outcome="pending", delay_s=1.0)
    timing = DeviceTiming(default_interval_s=0.01, min_interval_s=0.0, deadline_s=900.0, request_timeout_s=0.1)
    app = make_app(agent_id="main", env=env, device_timing=timing)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_device(pilot)
        await wait_for(pilot, lambda: screen.problem is not None, what="slow poll reported")
        await pilot.pause()
        status = str(screen.query_one("#device-status", Static).render())
        assert "within 0.1s; still trying" in status and "▲ no answer from 127.0.0.1" in status
        assert "still trying" in screen_text(app)
        assert fake.polls >= 1


async def test_countdown_warns_in_the_last_minute(make_app, env, srv):
    DeviceAuthFake(srv, outcome="pending")
    now = [1_700_000_000_000]
    app = make_app(agent_id="main", env=env, device_timing=FAST, clock=lambda: now[0])
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_device(pilot)
        await wait_for(pilot, lambda: screen.phase == "waiting", what="code shown")
        box = screen.query_one("#device-countdown", Static)
        now[0] += 14 * 60_000 + 30_000
        screen.tick()
        await pilot.pause()
        assert str(box.render()) == "▲ Code expires in 0:30. Never share it." and box.has_class("-warning")
        assert any("Code about to expire" in (n.title or "") for n in app._notifications)


async def test_b_from_the_browser_login_and_back(make_app, env, srv):
    DeviceAuthFake(srv, outcome="pending")
    app = make_app(agent_id="main", env=env, device_timing=FAST)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_device(pilot)
        await wait_for(pilot, lambda: screen.phase == "waiting", what="code shown")
        await pilot.press("b")
        await wait_for_screen(pilot, "CodexLoginScreen")
        await wait_for(pilot, lambda: pilot.app.screen.phase == "waiting", what="waiting")
        await pilot.press("d")
        await wait_for_screen(pilot, "DeviceLoginScreen")


def test_qr_lines_are_the_segno_matrix() -> None:
    data = "https://auth.openai.com/codex/device"
    matrix = [list(map(bool, row)) for row in segno.make(data, error="l", micro=False).matrix_iter(border=QR_BORDER)]
    lines = qr_lines(data)
    assert len(lines) == (len(matrix) + 1) // 2 and all(len(line) == len(matrix[0]) for line in lines)
    rebuilt = []
    for line in lines:
        rebuilt.append([ch in "▀█" for ch in line])
        rebuilt.append([ch in "▄█" for ch in line])
    assert rebuilt[:len(matrix)] == matrix
    assert len(lines[0]) <= 34  # fits beside the code at 80 columns


async def test_on_a_desktop_the_verification_page_opens_by_itself(make_app, env, srv):
    DeviceAuthFake(srv, outcome="pending")
    opened: list[str] = []
    app = make_app(agent_id="main", env={**env, "DISPLAY": ":0"}, device_timing=FAST, open_browser=opened.append)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_device(pilot)
        await wait_for(pilot, lambda: opened, what="browser opened")
        assert opened == [f"{srv.issuer}/codex/device"]  # no secret in it: fine in a browser's argv
        assert screen.phase == "waiting"


async def test_a_bad_issuer_setting_is_shown_not_a_crash(make_app, env):
    app = make_app(agent_id="main", env={**env, "OPENCLAW_CODEX_ISSUER": "http://auth.example.com"},
                   device_timing=FAST)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_device(pilot)
        await wait_for(pilot, lambda: screen.phase == "error", what="the refused setting")
        assert "must use https" in message(screen)
