"""Step 2, auth choice: the choices, Back/Skip, --agent/--dashboard starts, and reusing CLI logins."""

from __future__ import annotations

from textual.widgets import OptionList

from tests.tui.conftest import read_store, screen_text, wait_for, wait_for_screen

BASE_CHOICES = ["codex", "codex-device", "copilot", "setup-token", "paste-token", "api-key"]


def all_ids(screen) -> list[str]:
    choices = screen.query_one("#choices", OptionList)
    return [choices.get_option_at_index(i).id for i in range(choices.option_count)]


def highlighted_id(screen) -> str | None:
    choices = screen.query_one("#choices", OptionList)
    return None if choices.highlighted is None else choices.get_option_at_index(choices.highlighted).id


def option_ids(screen) -> list[str]:
    """The wizard's own flows (group headers and catalog entries left out)."""
    return [i for i in all_ids(screen) if not i.startswith(("group:", "api-key:", "openclaw:"))]


async def choose(pilot, choice_id: str) -> None:
    choices = pilot.app.screen.query_one("#choices", OptionList)
    choices.highlighted = all_ids(pilot.app.screen).index(choice_id)
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


async def test_default_is_the_browser_login_on_a_desktop(make_app, tui_env):
    app = make_app(agent_id="main", env={**tui_env, "DISPLAY": ":0"})
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        assert highlighted_id(screen) == "codex"
        assert "Suggested: the browser login (a desktop)" in screen_text(app)


async def test_default_is_device_pairing_over_ssh_and_the_browser_is_one_key_away(make_app, tui_env):
    from tests.support.oauth_server import free_port

    # Up + Enter starts the browser login: on a free port, never 1455, against an unreachable issuer.
    env = {**tui_env, "DISPLAY": ":0", "SSH_CONNECTION": "1.2.3.4 5 6.7.8.9 22",
           "OPENCLAW_OAUTH_CALLBACK_PORT": str(free_port()), "OPENCLAW_CODEX_ISSUER": f"http://127.0.0.1:{free_port()}"}
    app = make_app(agent_id="main", env=env)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        assert highlighted_id(screen) == "codex-device"
        assert "Suggested: device pairing (SSH session)" in screen_text(app)
        await pilot.press("up", "enter")
        await wait_for_screen(pilot, "CodexLoginScreen")


async def test_default_is_device_pairing_without_a_display(make_app, tui_env):
    env = {k: v for k, v in tui_env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    app = make_app(agent_id="main", env=env)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        assert highlighted_id(screen) == "codex-device"
        assert "(no display here)" in screen_text(app)


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
        await pilot.press("escape")  # the first step's escape asks first, as ctrl+c does
        await wait_for_screen(pilot, "QuitConfirm")
        assert app.return_code is None
        await pilot.press("escape")  # "Stay"
        await wait_for_screen(pilot, "AgentSelectScreen")
        await pilot.press("escape", "enter")
        await wait_for(pilot, lambda: app.return_code is not None, what="exit")
    assert app.return_code == 0


async def test_escape_on_the_picker_goes_back_where_it_came_from(make_app, make_agent):
    """Opened with `a` from the dashboard, the picker's Esc (and its Back row) returns to the dashboard."""
    make_agent("main")
    app = make_app(dashboard=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, "DashboardScreen")
        await pilot.press("a")
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        assert "Back to the dashboard" in str(screen.query_one("#choices", OptionList).get_option("back").prompt)
        await pilot.press("escape")
        await wait_for_screen(pilot, "DashboardScreen")
        await pilot.press("a")
        await wait_for_screen(pilot, "AuthChoiceScreen")
        await choose(pilot, "paste-token")
        await wait_for_screen(pilot, "TokenPasteScreen")
        await pilot.press("escape")  # the form goes back to the picker, and the picker still to the dashboard
        await wait_for_screen(pilot, "AuthChoiceScreen")
        await choose(pilot, "back")
        await wait_for_screen(pilot, "DashboardScreen")
        await pilot.press("escape")  # the dashboard's Esc goes to the agents; from there the picker goes back there
        await wait_for_screen(pilot, "AgentSelectScreen")
        await pilot.press("enter")
        await wait_for_screen(pilot, "AuthChoiceScreen")
        await pilot.press("escape")
        await wait_for_screen(pilot, "AgentSelectScreen")


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
        assert cred["type"] == "oauth" and cred["provider"] == "claude-cli"  # as OpenClaw 4.26 stores it


# ---- the searchable picker

async def test_typing_filters_and_enter_opens_the_provider_key_form(make_app):
    app = make_app(agent_id="main")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        assert "api-key:openrouter" in all_ids(screen) and "api-key:zai" in all_ids(screen)
        await pilot.press(*"z.ai")  # a label word, not the id
        ids = [i for i in all_ids(screen) if not i.startswith("group:")]
        assert ids[0] == "api-key:zai" and "api-key:openrouter" not in ids and ids[-2:] == ["back", "skip"]
        await pilot.press("ctrl+u", *"moonshot")
        ids = [i for i in all_ids(screen) if i.startswith("api-key:")]
        assert ids == ["api-key:moonshot", "api-key:kimi"]  # Kimi Code is in the Moonshot group
        await pilot.press("enter")
        form = await wait_for_screen(pilot, "TokenPasteScreen")
        assert form.kind == "api-key" and form.query_one("#provider").value == "moonshot"


async def test_recently_used_providers_come_first(make_app, state_dir):
    from openclaw_onboard.core import profiles

    profiles.add_api_key("openrouter", "sk-or-v1-" + "a" * 64)
    app = make_app(agent_id="main")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        ids = all_ids(screen)
        assert ids[:2] == ["group:Recently used", "api-key:openrouter"]
        assert ids.count("api-key:openrouter") == 1
        await pilot.press("enter")  # the recent one is highlighted first
        form = await wait_for_screen(pilot, "TokenPasteScreen")
        assert form.query_one("#provider").value == "openrouter"


async def test_adding_a_wizard_flow_is_one_line(make_app, monkeypatch):
    from openclaw_onboard.screens import auth_choice

    extra = auth_choice.Choice("example-flow", "An example flow", "Added by one line")
    monkeypatch.setattr(auth_choice, "WIZARD_CHOICES", [*auth_choice.WIZARD_CHOICES, extra])
    app = make_app(agent_id="main")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        assert option_ids(screen) == [*BASE_CHOICES, "example-flow", "back", "skip"]


async def test_best_match_first(make_app):
    app = make_app(agent_id="main")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        await pilot.press(*"openr")  # Arcee also offers an "OpenRouter API key" choice: it must not win
        ids = [i for i in all_ids(screen) if i.startswith("api-key:")]
        assert ids[0] == "api-key:openrouter" and "api-key:arcee" in ids
        await pilot.press("enter")
        form = await wait_for_screen(pilot, "TokenPasteScreen")
        assert form.query_one("#provider").value == "openrouter"


async def test_other_openclaw_logins_are_listed_with_their_command(make_app):
    app = make_app(agent_id="main")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        ids = all_ids(screen)
        for cid in ("openclaw:ollama", "openclaw:minimax-global-oauth"):
            assert cid in ids
        # The wizard's own Codex and Copilot flows cover these.
        assert "openclaw:openai-codex" not in ids and "openclaw:github-copilot" not in ids and "copilot" in ids
        await pilot.press(*"minimax")
        assert next(i for i in all_ids(screen) if i.startswith("openclaw:")) == "openclaw:minimax-global-oauth"
        await choose(pilot, "openclaw:minimax-global-oauth")
        await wait_for(pilot, lambda: any("--auth-choice minimax-global-oauth" in str(n.message)
                                          for n in app._notifications), what="the OpenClaw command")
        await wait_for_screen(pilot, "AuthChoiceScreen")


async def test_page_up_on_the_choices_before_they_are_laid_out(make_app):
    """Key mashing found it: PageUp on the login choices before their lines were laid out raised KeyError
    in Textual's OptionList (the agent list and the Select dropdown were already guarded)."""
    app = make_app(agent_id="main")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        choices = screen.query_one("#choices", OptionList)
        choices.styles.max_height = 0  # no room (a terminal a few lines high): its lines are never laid out
        await pilot.pause()
        choices.clear_options()
        choices.add_options(["x", "y", "z"])
        choices.highlighted = 2
        choices.action_page_up()
        choices.action_page_down()
        await pilot.pause()
        assert app._exception is None


async def test_reuse_claude_cli_from_the_dashboard_beside_an_anthropic_profile(make_app, make_agent,
                                                                               claude_cli_home, state_dir):
    """Dashboard `a`, "Reuse Claude CLI login", `y`, with anthropic:work already there: the dashboard shows
    both anthropic profiles once each (it crashed with DuplicateKey, and then on every start)."""
    make_agent()
    app = make_app(agent_id="main", dashboard=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, "DashboardScreen")
        await pilot.press("a")
        await wait_for_screen(pilot, "AuthChoiceScreen")
        await choose(pilot, "claude-cli")
        await wait_for_screen(pilot, "ConfirmScreen")
        await pilot.press("y")
        screen = await wait_for_screen(pilot, "DashboardScreen")
        await wait_for(pilot, lambda: "anthropic:claude-cli" in screen_text(app), what="the imported profile")
        assert screen.highlight == "anthropic:claude-cli"
        text = screen_text(app)
        assert text.count("anthropic:claude-cli") == 1 and text.count("anthropic:work") == 1, text
    again = make_app(agent_id="main", dashboard=True)  # the next start
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_for_screen(pilot, "DashboardScreen")
        await wait_for(pilot, lambda: "anthropic:claude-cli" in screen_text(again), what="the dashboard rows")
        text = screen_text(again)
        assert text.count("anthropic:claude-cli") == 1 and text.count("anthropic:work") == 1, text


async def test_the_query_outranks_recent_use(make_app, claude_cli_home, state_dir):
    """An Anthropic API key used recently does not win `claude cli` or `setup`: rows rank by how well the query
    names them (label, then aliases), and recent use breaks ties only."""
    from openclaw_onboard.core import profiles

    profiles.add_api_key("anthropic", "sk-ant-api03-" + "a" * 80)
    app = make_app(agent_id="main")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        assert all_ids(screen)[:2] == ["group:Recently used", "api-key:anthropic"]
        await pilot.press(*"claude cli")
        assert highlighted_id(screen) == "claude-cli"
        await pilot.press("ctrl+u", *"setup")
        assert highlighted_id(screen) == "setup-token"
        await pilot.press("ctrl+u", *"anthropic")  # its own label
        assert highlighted_id(screen) == "api-key:anthropic"
        await pilot.press("ctrl+u", *"claude cli", "enter")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ConfirmScreen", what="the Claude CLI import")


async def test_recently_used_shows_the_login_that_was_used(make_app, state_dir):
    """A setup-token profile puts the setup-token row under "Recently used", not Anthropic's API-key row."""
    from openclaw_onboard.core import profiles

    from tests.conftest import ANTHROPIC_SETUP_TOKEN

    profiles.add_token("anthropic", ANTHROPIC_SETUP_TOKEN)
    app = make_app(agent_id="main")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        ids = all_ids(screen)
        assert ids[:2] == ["group:Recently used", "setup-token"]
        assert ids.count("setup-token") == 1
        assert ids.index("api-key:anthropic") > ids.index("group:API key for a provider")


async def test_browser_set_without_a_display_suggests_the_browser_login(make_app, tui_env):
    """The login opens BROWSER wherever it is set (core.oauth.login.browser_plan): the suggestion agrees."""
    env = {k: v for k, v in tui_env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    app = make_app(agent_id="main", env={**env, "BROWSER": "w3m"})
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        assert highlighted_id(screen) == "codex"
        assert "Suggested: the browser login (BROWSER is set)" in screen_text(app)


async def test_the_suggestion_line_agrees_with_the_cursor_on_a_recent_row(make_app, tui_env, state_dir):
    """With a recently used row first (the cursor starts there), the line does not say "one ↑ away"."""
    from openclaw_onboard.core import profiles

    profiles.add_api_key("openrouter", "sk-or-v1-" + "a" * 64)
    env = {k: v for k, v in tui_env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    app = make_app(agent_id="main", env=env)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await wait_for_screen(pilot, "AuthChoiceScreen")
        assert highlighted_id(screen) == "api-key:openrouter"
        text = screen_text(app)
        assert "one ↑ away" not in text
        assert "Recently used first. Suggested Codex login: OpenAI Codex device pairing." in text
