"""Issue 12 "Forms" defects of the token/API-key form, each pinned by a test."""

from __future__ import annotations

from textual import events
from textual.widgets import Button, Static

from core import profiles
from core.models import OAuthCredential
from tests.conftest import OPENROUTER_TOKEN
from tests.tui.conftest import wait_for_screen


def validation(screen) -> str:
    return str(screen.query_one("#validation", Static).render())


async def _open(pilot, kind: str):
    pilot.app.goto(kind)
    return await wait_for_screen(pilot, "TokenPasteScreen")


async def test_prefilled_profile_id_holding_another_credential_is_not_ok(make_app, state_dir):
    # anthropic:default holds an OAuth login; the API-key form must not offer it with a ✓.
    profiles.add_oauth(OAuthCredential(provider="anthropic", access="a" * 40, refresh="r" * 40, expires=1),
                       "anthropic:default")
    app = make_app(agent_id="main")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open(pilot, "api-key")
        assert screen.query_one("#provider").value == "anthropic"
        text = validation(screen)
        assert "✗ profile" in text and "anthropic:default already holds an OAuth login" in text
        screen.query_one("#secret").post_message(events.Paste("sk-ant-api03-" + "k" * 60))
        await pilot.pause()
        assert screen.query_one("#save", Button).disabled
        # Typing a name makes it valid.
        screen.query_one("#profile").value = "work"
        await pilot.pause()
        assert "✓ profile" in validation(screen) and not screen.query_one("#save", Button).disabled


async def test_partial_provider_completes_on_tab(make_app, state_dir):
    app = make_app(agent_id="main")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open(pilot, "paste-token")
        provider = screen.query_one("#provider")
        provider.focus()
        await pilot.press(*"openr")
        await pilot.press("tab")
        await pilot.pause()
        assert provider.value == "openrouter"
        assert "openrouter (OpenRouter)" in validation(screen)
        # Ambiguous text stays as typed ("open" is openai, opencode, openrouter...).
        provider.value = ""
        provider.focus()
        await pilot.press(*"open", "tab")
        await pilot.pause()
        assert provider.value == "open"


async def test_cut_off_openrouter_key_is_refused(make_app, state_dir):
    app = make_app(agent_id="main")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await _open(pilot, "api-key")
        screen.query_one("#provider").value = "openrouter"
        screen.query_one("#secret").post_message(events.Paste("sk-or-v1-abcde"))  # 14 characters
        await pilot.pause()
        text = validation(screen)
        assert "✗ key" in text and "at least 40 characters; this one has 14" in text
        assert screen.query_one("#save", Button).disabled
        screen.query_one("#secret").value = OPENROUTER_TOKEN
        await pilot.pause()
        assert "✓ key" in validation(screen) and not screen.query_one("#save", Button).disabled


async def test_unknown_provider_is_allowed_with_a_note(make_app, state_dir):
    app = make_app(agent_id="main")
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await _open(pilot, "paste-token")
        screen.query_one("#provider").value = "openruoter"
        await pilot.pause()
        text = validation(screen)
        assert "✓ provider" in text and "not in OpenClaw's catalog" in text and "openrouter" in text
