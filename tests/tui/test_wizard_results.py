"""Typed screen results (screens.results): the auth choice, token paste and Codex login screens dismiss
with dataclasses/Literals, never bare strings or None."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openclaw_onboard.screens.auth_choice import AuthChoiceScreen
from openclaw_onboard.screens.results import AuthChosen, LoginSaved
from openclaw_onboard.screens.token_paste import TokenPasteScreen
from textual import events
from textual.app import App
from textual.screen import Screen

from tests.conftest import ANTHROPIC_SETUP_TOKEN
from tests.tui.conftest import frozen_clock, wait_for


class ResultHost(App[None]):
    """Pushes one screen on mount and records what it dismisses with."""

    def __init__(self, make: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.make = make
        self.results: list[Any] = []

    def on_mount(self) -> None:
        self.push_screen(self.make(), self.results.append)


async def _dismissed_after(make: Callable[[], Screen[Any]], *keys: str) -> Any:
    app = ResultHost(make)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, Screen) and app.screen is not app.screen_stack[0])
        await pilot.pause()
        await pilot.press(*keys)
        await wait_for(pilot, lambda: app.results, what="a result")
        return app.results[0]


async def test_auth_choice_results_are_typed(state_dir, tui_env) -> None:
    def make() -> AuthChoiceScreen:
        return AuthChoiceScreen("main", env=tui_env, state=state_dir)

    chosen = await _dismissed_after(make, "enter")
    assert isinstance(chosen, AuthChosen) and chosen.choice
    assert await _dismissed_after(make, "escape") == "back"
    assert await _dismissed_after(make, "f2") == "skip"
    assert await _dismissed_after(make, "f10") == "quit"


async def test_token_paste_results_are_typed(state_dir, tui_env) -> None:
    def make() -> TokenPasteScreen:
        return TokenPasteScreen("main", "setup-token", state=state_dir, clock=frozen_clock, env=tui_env)

    assert await _dismissed_after(make, "escape") == "cancelled"
    app = ResultHost(make)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TokenPasteScreen))
        await pilot.pause()
        app.screen.query_one("#secret").post_message(events.Paste(ANTHROPIC_SETUP_TOKEN))
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.results, what="the save")
        assert app.results == [LoginSaved("anthropic:default")]
