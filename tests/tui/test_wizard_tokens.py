"""Step 3b: setup-token, paste-token and API key; multi-line pastes; masking; .env for daemons."""

from __future__ import annotations

import os
import stat

from openclaw_onboard.screens.widgets import SecretInput
from textual import events
from textual.widgets import Button, Checkbox, Static

from tests.conftest import ANTHROPIC_SETUP_TOKEN, OPENROUTER_TOKEN
from tests.tui.conftest import FROZEN_NOW_MS, read_store, screen_text, wait_for, wait_for_screen

DAY_MS = 86_400_000


def wrapped(token: str, parts: int = 3) -> str:
    """How a terminal delivers a long token that wrapped: several lines, maybe indented."""
    size = -(-len(token) // parts)
    return "\n".join(("  " if i else "") + token[i * size:(i + 1) * size] for i in range(parts)) + "\n"


async def open_token_screen(pilot, kind: str):
    pilot.app.goto(kind)
    return await wait_for_screen(pilot, "TokenPasteScreen")


def validation(screen) -> str:
    return str(screen.query_one("#validation", Static).render())


async def test_multiline_paste_arrives_whole(make_app):
    app = make_app(agent_id="main")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_token_screen(pilot, "setup-token")
        secret = screen.query_one("#secret", SecretInput)
        assert secret.has_focus and secret.password
        secret.post_message(events.Paste(wrapped(ANTHROPIC_SETUP_TOKEN, 3)))
        await pilot.pause()
        assert secret.value == ANTHROPIC_SETUP_TOKEN
        assert "✓" in validation(screen) and "sk-ant-o...Gg3eWffP" in validation(screen)


async def test_plain_input_keeps_textual_behaviour_for_non_secret_fields(make_app):
    app = make_app(agent_id="main")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_token_screen(pilot, "paste-token")
        provider = screen.query_one("#provider")
        provider.post_message(events.Paste("openrouter\nignored"))
        await pilot.pause()
        assert provider.value == "openrouter"


async def test_token_pasted_into_a_plain_field_goes_to_the_masked_one(make_app):
    app = make_app(agent_id="main")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_token_screen(pilot, "paste-token")
        screen.query_one("#provider").value = "openrouter"
        profile = screen.query_one("#profile")
        profile.focus()
        profile.post_message(events.Paste(wrapped(OPENROUTER_TOKEN, 2)))
        await wait_for(pilot, lambda: screen.query_one("#secret").value == OPENROUTER_TOKEN, what="redirected")
        assert profile.value == ""
        assert screen.query_one("#secret").has_focus
        assert OPENROUTER_TOKEN[10:40] not in screen_text(app)
        # a profile name (even with an email) is pasted normally
        profile.post_message(events.Paste("me@example-corporation.com"))
        await pilot.pause()
        assert profile.value == "me@example-corporation.com"


async def test_setup_token_valid_saved_with_expiry(make_app, state_dir):
    app = make_app(agent_id="main")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_token_screen(pilot, "setup-token")
        assert "anthropic" in str(screen.query_one("#provider-fixed", Static).render())
        screen.query_one("#secret").post_message(events.Paste(wrapped(ANTHROPIC_SETUP_TOKEN)))
        await pilot.pause()
        await pilot.press("tab")  # reveal key binding lives on the input; move on to expiry
        screen.query_one("#expires").focus()
        await pilot.press(*"365d")
        assert "expires in 365d" in validation(screen)
        assert not screen.query_one("#save", Button).disabled
        await pilot.press("enter")
        dash = await wait_for_screen(pilot, "DashboardScreen")
        assert dash.highlight == "anthropic:default"
    cred = read_store(state_dir)["profiles"]["anthropic:default"]
    assert cred == {"type": "token", "provider": "anthropic", "token": ANTHROPIC_SETUP_TOKEN,
                    "expires": FROZEN_NOW_MS + 365 * DAY_MS}
    assert app.saved_profiles == ["anthropic:default"]


async def test_setup_token_too_short_is_refused_live(make_app, state_dir):
    app = make_app(agent_id="main")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_token_screen(pilot, "setup-token")
        await pilot.press(*"sk-ant-oat01-short")
        assert "Token looks too short; paste the full setup-token" in validation(screen)
        assert screen.query_one("#save", Button).disabled
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Fix the fields" in str(screen.query_one("#save-error", Static).render())
        assert type(app.screen).__name__ == "TokenPasteScreen"
        screen.query_one("#secret").value = "sk-ant-api03-" + "x" * 90
        await pilot.pause()
        assert "should start with sk-ant-oat01-" in validation(screen)
    assert not (state_dir / "agents").exists()


async def test_paste_token_any_provider_with_profile_name_and_expiry(make_app, state_dir):
    app = make_app(agent_id="main")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_token_screen(pilot, "paste-token")
        assert screen.query_one("#provider").has_focus
        await pilot.press(*"openrouter", "enter")  # Enter moves on to the next field
        assert screen.query_one("#profile").has_focus
        assert screen.query_one("#profile").placeholder == "openrouter:manual"
        await pilot.press(*"work", "enter")
        assert screen.query_one("#secret").has_focus
        screen.query_one("#secret").post_message(events.Paste(wrapped(OPENROUTER_TOKEN, 2)))
        await pilot.pause()
        screen.query_one("#expires").focus()
        await pilot.press(*"bogus")
        assert "Invalid duration 'bogus'" in validation(screen)
        assert screen.query_one("#save", Button).disabled
        screen.query_one("#expires").value = ""
        await pilot.press(*"30d", "enter")
        dash = await wait_for_screen(pilot, "DashboardScreen")
        assert dash.highlight == "openrouter:work"
    cred = read_store(state_dir)["profiles"]["openrouter:work"]
    assert cred["token"] == OPENROUTER_TOKEN and cred["expires"] == FROZEN_NOW_MS + 30 * DAY_MS


async def test_bad_profile_name_and_provider_are_explained(make_app):
    app = make_app(agent_id="main")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_token_screen(pilot, "paste-token")
        await pilot.press(*"Open Router")
        assert "Invalid provider" in validation(screen)
        screen.query_one("#provider").value = "openrouter"
        screen.query_one("#profile").value = "anthropic:work"
        await pilot.pause()
        assert "is for anthropic, not openrouter" in validation(screen)


async def test_secret_is_masked_until_revealed(make_app):
    app = make_app(agent_id="main")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_token_screen(pilot, "paste-token")
        screen.query_one("#provider").value = "openrouter"
        secret = screen.query_one("#secret", SecretInput)
        secret.focus()
        secret.post_message(events.Paste(OPENROUTER_TOKEN))
        await pilot.pause()
        middle = OPENROUTER_TOKEN[12:-12]
        assert middle not in screen_text(app).replace("\n", "")
        await pilot.press("ctrl+r")
        assert secret.revealed
        await pilot.pause()
        assert OPENROUTER_TOKEN[9:40] in screen_text(app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert middle not in screen_text(app).replace("\n", "")


async def test_api_key_saved_and_written_to_env_file_once(make_app, state_dir):
    key1 = "sk-ant-api03-" + "A" * 80
    key2 = "sk-ant-api03-" + "B" * 80
    env_file = state_dir / ".env"
    env_file.write_text("# gateway\nOPENAI_API_KEY=sk-keep\nANTHROPIC_API_KEY=old\n")
    for key in (key1, key2):
        app = make_app(agent_id="main")
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await open_token_screen(pilot, "api-key")
            assert screen.query_one("#provider").value == "anthropic"
            assert screen.query_one("#secret").has_focus
            assert "ANTHROPIC_API_KEY" in str(screen.query_one("#write-env", Checkbox).label)
            screen.query_one("#secret").post_message(events.Paste(key))
            await pilot.pause()
            screen.query_one("#write-env", Checkbox).value = True
            await pilot.press("ctrl+s")
            if key is key2:  # anthropic:default exists now: replacing it needs a yes
                await wait_for_screen(pilot, "ConfirmScreen")
                await pilot.press("y")
            dash = await wait_for_screen(pilot, "DashboardScreen")
            assert dash.highlight == "anthropic:default"
        assert read_store(state_dir)["profiles"]["anthropic:default"] == {
            "type": "api_key", "provider": "anthropic", "key": key}
        lines = env_file.read_text().splitlines()
        assert lines == ["# gateway", "OPENAI_API_KEY=sk-keep", f"ANTHROPIC_API_KEY={key}"]
        assert stat.S_IMODE(os.stat(env_file).st_mode) == 0o600


async def test_api_key_without_env_write(make_app, state_dir):
    app = make_app(agent_id="main")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_token_screen(pilot, "api-key")
        screen.query_one("#provider").value = "openai"
        screen.query_one("#secret").value = "sk-proj-ExampleExampleExample0123456789"
        await pilot.pause()
        assert "OPENAI_API_KEY" in str(screen.query_one("#write-env", Checkbox).label)
        await pilot.click("#save")
        await wait_for_screen(pilot, "DashboardScreen")
    assert read_store(state_dir)["profiles"]["openai:default"]["type"] == "api_key"
    assert not (state_dir / ".env").exists()


async def test_replacing_existing_profile_can_be_declined(make_app, make_agent, state_dir):
    make_agent("main")  # has openrouter:manual
    app = make_app(agent_id="main")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_token_screen(pilot, "paste-token")
        screen.query_one("#provider").value = "openrouter"
        screen.query_one("#secret").value = "sk-or-v1-" + "f" * 64
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, "ConfirmScreen")
        assert "openrouter:manual already exists" in screen_text(app)
        await pilot.press("n")
        await wait_for_screen(pilot, "TokenPasteScreen")
    assert read_store(state_dir)["profiles"]["openrouter:manual"]["token"] == OPENROUTER_TOKEN


async def test_escape_goes_back_to_choices(make_app):
    app = make_app(agent_id="main")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_token_screen(pilot, "api-key")
        await pilot.press("escape")
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        assert screen.agent_id == "main"


async def test_save_failure_is_shown_inline(make_app, make_agent, state_dir):
    paths = make_agent("main")
    paths.store.write_text("{ not json")
    app = make_app(agent_id="main")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_token_screen(pilot, "paste-token")
        screen.query_one("#provider").value = "groq"
        screen.query_one("#secret").value = "gsk_" + "z" * 50
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not screen.saving, what="save finished")
        await pilot.pause()
        message = str(screen.query_one("#save-error", Static).render())
        assert "left untouched" in message
        assert type(app.screen).__name__ == "TokenPasteScreen"
    assert paths.store.read_text() == "{ not json"
