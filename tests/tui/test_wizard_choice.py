"""Step 2, auth choice: the choices, Back/Skip, --agent/--dashboard starts, and reusing CLI logins."""

from __future__ import annotations

from textual.widgets import OptionList

from tests.tui.conftest import read_store, screen_text, wait_for, wait_for_screen

BASE_CHOICES = ["codex", "setup-token", "paste-token", "api-key"]


def option_ids(screen) -> list[str]:
    choices = screen.query_one("#choices", OptionList)
    return [choices.get_option_at_index(i).id for i in range(choices.option_count)]


async def choose(pilot, choice_id: str) -> None:
    choices = pilot.app.screen.query_one("#choices", OptionList)
    choices.highlighted = option_ids(pilot.app.screen).index(choice_id)
    await pilot.press("enter")


async def test_agent_flag_starts_at_choices_with_descriptions(make_app):
    app = make_app(agent_id="main")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        assert option_ids(screen) == [*BASE_CHOICES, "back", "skip"]
        text = screen_text(app)
        for line in ("OpenAI Codex (ChatGPT login)", "Sign in with your ChatGPT account",
                     "Anthropic setup-token", "claude setup-token", "Paste a token (any provider)",
                     "API key (any provider)", "Recommended for Anthropic"):
            assert line in text, line
        assert "Reuse" not in text


async def test_cli_reuse_offered_only_when_files_exist(make_app, codex_cli_home, claude_cli_home):
    app = make_app(agent_id="main")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        assert option_ids(screen) == [*BASE_CHOICES, "codex-cli", "claude-cli", "back", "skip"]
        text = screen_text(app)
        assert "~/.codex/auth.json" in text and "~/.claude/.credentials.json" in text


async def test_back_goes_to_agent_select_and_escape_too(make_app):
    app = make_app(agent_id="main")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for_screen(pilot, "AuthChoiceScreen")
        await choose(pilot, "back")
        await wait_for_screen(pilot, "AgentSelectScreen")
        await pilot.press("enter")
        await wait_for_screen(pilot, "AuthChoiceScreen")
        await pilot.press("escape")
        await wait_for_screen(pilot, "AgentSelectScreen")


async def test_skip_opens_dashboard_and_dashboard_escape_goes_to_agents(make_app, make_agent):
    make_agent("main")
    app = make_app(agent_id="main")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, "AuthChoiceScreen")
        await choose(pilot, "skip")
        screen = await wait_for_screen(pilot, "DashboardScreen")
        assert screen.agent_id == "main" and screen.highlight is None
        await pilot.press("escape")  # back, not a silent exit
        await wait_for_screen(pilot, "AgentSelectScreen")
        assert app.return_code is None
        await pilot.press("escape")  # the first step's escape quits
        await wait_for(pilot, lambda: app.return_code is not None, what="exit")
    assert app.return_code == 0


async def test_dashboard_flag_and_add_goes_to_choices(make_app, make_agent):
    make_agent("work")
    app = make_app(agent_id="work", dashboard=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_for_screen(pilot, "DashboardScreen")
        assert screen.agent_id == "work"
        await pilot.press("a")
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        assert screen.agent_id == "work"


async def test_dashboard_flag_defaults_to_main(make_app, make_agent):
    make_agent("main")
    app = make_app(dashboard=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_for_screen(pilot, "DashboardScreen")
        assert screen.agent_id == "main"


async def test_reuse_codex_cli_login(make_app, codex_cli_home, state_dir):
    app = make_app(agent_id="main")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, "AuthChoiceScreen")
        await choose(pilot, "codex-cli")
        await wait_for_screen(pilot, "ConfirmScreen")
        assert "openai-codex:default" in screen_text(app)
        await pilot.press("y")
        screen = await wait_for_screen(pilot, "DashboardScreen")
        assert screen.highlight == "openai-codex:default"
        cred = read_store(state_dir)["profiles"]["openai-codex:default"]
        assert cred["type"] == "oauth" and cred["accountId"] == "acc_cli_42" and cred["email"] == "cli@example.com"
        assert app.saved_profiles == ["openai-codex:default"]


async def test_reuse_codex_cli_never_overwrites_a_local_login(make_app, make_agent, codex_cli_home, state_dir):
    make_agent("main", store={"version": 1, "profiles": {"openai-codex:default": {
        "type": "oauth", "provider": "openai-codex", "access": "local-access", "refresh": "local-refresh",
        "expires": 1767225600000}}})
    app = make_app(agent_id="main")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, "AuthChoiceScreen")
        await choose(pilot, "codex-cli")
        await wait_for_screen(pilot, "ConfirmScreen")
        await pilot.press("y")
        await wait_for_screen(pilot, "DashboardScreen")
        assert read_store(state_dir)["profiles"]["openai-codex:default"]["refresh"] == "local-refresh"
        assert any("already exists" in n.message for n in app._notifications)


async def test_reuse_claude_cli_login_and_decline(make_app, claude_cli_home, state_dir):
    app = make_app(agent_id="main")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, "AuthChoiceScreen")
        await choose(pilot, "claude-cli")
        await wait_for_screen(pilot, "ConfirmScreen")
        await pilot.press("n")  # declined: back to the choices, nothing written
        await wait_for_screen(pilot, "AuthChoiceScreen")
        assert not (state_dir / "agents" / "main" / "agent" / "auth-profiles.json").exists()
        await choose(pilot, "claude-cli")
        await wait_for_screen(pilot, "ConfirmScreen")
        await pilot.click("#confirm-yes")
        screen = await wait_for_screen(pilot, "DashboardScreen")
        assert screen.highlight == "anthropic:claude-cli"
        cred = read_store(state_dir)["profiles"]["anthropic:claude-cli"]
        assert cred["type"] == "oauth" and cred["provider"] == "anthropic"
