"""The wizard in Korean, Japanese and Traditional Chinese: chosen from the environment at start, switched
from the command palette at run time (every open screen, its footer and the help follow at once),
plural forms where counts appear. (tests/test_catalogs.py checks that the catalogs cover every text.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from openclaw_onboard.core import i18n

from tests.tui.conftest import wait_for, wait_for_screen


@pytest.fixture(autouse=True)
def back_to_english():
    yield
    i18n.set_language("en")


def static_text(app, selector: str) -> str:
    """The plain text a Static on the current screen shows (markup, Content or a Rich renderable)."""
    from rich.console import Console
    from textual.content import Content
    from textual.widgets import Static

    content = app.screen.query_one(selector, Static).content
    if isinstance(content, str | Content):
        return str(Content.from_markup(content) if isinstance(content, str) else content)
    console = Console(width=300, record=True, file=None, color_system=None)
    with console.capture() as capture:
        console.print(content)
    return capture.get()


def footer_texts(app) -> list[str]:
    from textual.widgets._footer import FooterKey

    return [key.description for key in app.screen.query(FooterKey)]


async def switch_language(pilot, query: str) -> None:
    await pilot.press("ctrl+p")
    await wait_for_screen(pilot, "OnboardCommandPalette")
    await pilot.press(*query)
    await pilot.pause(0.3)
    await pilot.press("enter")


async def test_palette_switches_the_screen_and_footer_to_korean_and_back(make_app):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, "AgentSelectScreen")
        assert static_text(app, "#agent-title") == "Which agent should get the new credential?"
        assert "Add agent" in footer_texts(app)

        await switch_language(pilot, "korean")
        await wait_for(pilot, lambda: "에이전트 추가" in footer_texts(app), what="Korean footer")
        assert type(app.screen).__name__ == "AgentSelectScreen"  # same screen, same state
        assert static_text(app, "#agent-title") == "새 자격 증명을 어느 에이전트에 추가할까요?"
        assert app.screen.sub_title == "1 · 에이전트 선택"
        rows = app.screen.query_one("#agents")
        assert "아직 프로파일 없음" in str(rows.get_option_at_index(0).prompt)  # the list is rebuilt too
        assert "새 에이전트 추가" in str(rows.get_option_at_index(rows.option_count - 1).prompt)
        assert "Add agent" not in footer_texts(app)

        await switch_language(pilot, "english")
        await wait_for(pilot, lambda: "Add agent" in footer_texts(app), what="English footer")
        assert static_text(app, "#agent-title") == "Which agent should get the new credential?"
        assert app.screen.sub_title == "1 · Choose an agent"


async def test_switch_reaches_the_screen_under_the_palette_and_the_help(make_app, make_agent):
    make_agent("main")
    app = make_app(dashboard=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, "DashboardScreen")
        await pilot.press("question_mark")
        await wait_for_screen(pilot, "HelpScreen")
        assert "This screen" in static_text(app, "#help-body")
        await switch_language(pilot, "japanese")
        await wait_for(pilot, lambda: "この画面" in static_text(app, "#help-body"), what="Japanese help")
        assert "上へ移動" in static_text(app, "#help-body")  # the dashboard's K binding, translated
        await pilot.press("escape")
        await wait_for_screen(pilot, "DashboardScreen")
        assert "OpenClaw auth profile" in static_text(app, "#dash-title")
        assert "削除" in footer_texts(app)


async def test_openclaw_lang_starts_the_wizard_in_japanese(make_app, tui_env):
    app = make_app(env={**tui_env, "OPENCLAW_LANG": "ja", "LANG": "ko_KR.UTF-8"})
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, "AgentSelectScreen")
        await wait_for(pilot, lambda: "agent 追加" in footer_texts(app), what="Japanese footer")
        assert static_text(app, "#agent-title") .startswith("新しい credential をどの agent に追加しますか")
        assert app.title == "OpenClaw wizard"
        await pilot.press("enter")  # main
        await wait_for_screen(pilot, "AuthChoiceScreen")
        assert static_text(app, "#choice-title").startswith("agent main の login 方法")
        assert "スキップ" in footer_texts(app)


async def test_lang_without_openclaw_lang_picks_traditional_chinese(make_app, tui_env):
    env = {k: v for k, v in tui_env.items() if k not in ("OPENCLAW_LANG", "LC_ALL", "LC_MESSAGES")}
    app = make_app(env={**env, "LANG": "zh_TW.UTF-8"})
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, "AgentSelectScreen")
        assert static_text(app, "#agent-title") .startswith("新的憑證要給哪個智慧代理")


async def test_token_form_retranslates_its_live_validation(make_app, make_agent):
    make_agent("main")
    app = make_app(agent_id="main")
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for_screen(pilot, "AuthChoiceScreen")
        app.goto("paste-token")
        await wait_for_screen(pilot, "TokenPasteScreen")
        assert "choose or type a provider" in static_text(app, "#validation")
        await switch_language(pilot, "traditional chinese")
        await wait_for(pilot, lambda: "請選擇或輸入供應商" in static_text(app, "#validation"), what="zh validation")
        assert app.screen.sub_title == "3 · 貼上權杖"


def test_plural_forms_where_counts_appear():
    from openclaw_onboard.core.agents import AgentSummary
    from openclaw_onboard.screens.agent_select import agent_prompt

    i18n.set_language("en")
    assert "1 profile " in agent_prompt(AgentSummary("main", 1, "ok"))
    assert "2 profiles" in agent_prompt(AgentSummary("main", 2, "ok"))
    assert "0 profiles" in agent_prompt(AgentSummary("main", 0, None))
    i18n.set_language("ko")
    assert "프로파일 1개" in agent_prompt(AgentSummary("main", 1, "ok"))
    assert "프로파일 3개" in agent_prompt(AgentSummary("main", 3, "ok"))


def test_textual_binding_texts_shown_in_help_are_marked():
    """The help lists Textual's own widget bindings: each of their descriptions is in TEXTUAL_TEXTS."""
    from openclaw_onboard.screens.textual_texts import TEXTUAL_TEXTS
    from textual.app import App
    from textual.binding import Binding
    from textual.containers import ScrollableContainer
    from textual.screen import Screen
    from textual.widgets import Button, Checkbox, DataTable, Input, OptionList, RadioButton, RadioSet, Select
    from textual.widgets._select import SelectOverlay

    shown = set()
    for cls in (App, Screen, Input, OptionList, DataTable, RadioSet, RadioButton, Checkbox, Button, Select,
                SelectOverlay, ScrollableContainer):
        for klass in cls.__mro__:
            for binding in klass.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding):
                    shown |= {t for t in (binding.description, binding.tooltip) if t}
    assert shown <= set(TEXTUAL_TEXTS), sorted(shown - set(TEXTUAL_TEXTS))


async def test_open_confirmation_follows_a_switch(make_app, make_agent):
    make_agent("main")
    app = make_app(dashboard=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, "DashboardScreen")
        await pilot.press("ctrl+c")
        await wait_for_screen(pilot, "QuitConfirm")
        assert static_text(app, "#confirm-question") == "Quit the onboarding wizard?"
        await app.switch_language("ko")
        await pilot.pause()
        assert static_text(app, "#confirm-question") == "온보딩 마법사를 종료할까요?"
        assert str(app.screen.query_one("#confirm-yes").label) == "종료 (y)"
        assert str(app.screen.query_one("#confirm-no").label) == "계속 사용 (n)"


async def test_codex_login_shows_its_progress_and_account_again_in_chinese(make_app):
    from tests.tui.conftest import ScriptedLogin

    app = make_app(agent_id="main", login_session_factory=ScriptedLogin(finish=True))
    async with app.run_test(size=(110, 40)) as pilot:
        await wait_for_screen(pilot, "AuthChoiceScreen")
        app.goto("codex")
        await wait_for_screen(pilot, "CodexLoginScreen")
        await wait_for(pilot, lambda: app.screen.phase == "saved", what="saved")
        assert "Account" in static_text(app, "#account")
        assert "✓ saved" in static_text(app, "#progress")
        await app.switch_language("zh_TW")
        await pilot.pause()
        assert "帳號" in static_text(app, "#account")
        assert "✓ 已儲存" in static_text(app, "#progress")
        assert "已儲存為 openai-codex:me@example.com" in static_text(app, "#message")
        assert "完成" in footer_texts(app)  # esc: Done


async def test_device_pairing_counts_checks_in_korean_then_japanese(make_app, tui_env):
    from openclaw_onboard.core.oauth.device import DeviceTiming

    from tests.support.device_server import DeviceAuthFake
    from tests.support.oauth_server import OAuthTestServer, free_port

    fast = DeviceTiming(default_interval_s=0.01, min_interval_s=0.0, deadline_s=900.0, request_timeout_s=10.0)
    with OAuthTestServer() as srv:
        srv.configure(email="me@example.com", account_id="acc_0123456789")
        env = srv.login_env(port=free_port(), browser=False, base={**tui_env, "OPENCLAW_LANG": "ko"})
        fake = DeviceAuthFake(srv, outcome="pending", user_code="K7QZ-M4PX")
        app = make_app(agent_id="main", env=env, device_timing=fast)
        async with app.run_test(size=(100, 30)) as pilot:
            app.goto("codex-device")
            screen = await wait_for_screen(pilot, "DeviceLoginScreen")
            await wait_for(pilot, lambda: fake.polls >= 2 and screen.polls >= 2, what="polling")
            screen.render_status()
            status = static_text(app, "#device-status")
            assert "승인 대기 중" in status and f"{screen.polls}회 확인" in status
            assert "코드는 15:00 후 만료됩니다" in static_text(app, "#device-countdown")
            await app.switch_language("ja")
            await pilot.pause()
            screen.render_status()
            assert "回確認" in static_text(app, "#device-status")
            assert "コピー" in " ".join(footer_texts(app))
            await pilot.press("escape")


@pytest.mark.parametrize("lang", ["ko", "ja", "zh_TW"])
def test_wizard_and_cli_say_a_shared_text_alike(lang):
    """A msgid in both domains is looked up in `cli` first: the `tui` catalog must say the same, or the
    wizard would show words its own catalog does not hold (a status badge "static", "missing")."""
    from babel.messages.pofile import read_po

    locale = Path(__file__).resolve().parents[2] / "core" / "locale" / lang / "LC_MESSAGES"
    cli, tui = ({m.id: m.string for m in read_po((locale / f"{domain}.po").open("rb")) if m.id}
                for domain in ("cli", "tui"))
    differ = {msgid: (cli[msgid], tui[msgid]) for msgid in set(cli) & set(tui) if cli[msgid] != tui[msgid]}
    assert not differ


async def test_profile_details_say_the_expiry_in_korean(make_app, tui_env, state_dir):
    from openclaw_onboard.core import profiles

    from tests.tui.conftest import FROZEN_NOW_MS

    profiles.add_token("anthropic", "sk-ant-oat01-" + "b" * 80, None, expires_in_ms=3 * 86_400_000,
                       agent_id="main", state=state_dir, now_ms=FROZEN_NOW_MS)
    app = make_app(dashboard=True, env={**tui_env, "OPENCLAW_LANG": "ko"})
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, "DashboardScreen")
        await pilot.press("enter")
        await wait_for_screen(pilot, "ProfileDetailsScreen")
        body = static_text(app, "#details-body")
        assert "3일 후 만료" in body  # core.timefmt's duration, in the reader's language
        assert "비밀은 가려져 있습니다" in static_text(app, "#details-hint")


async def test_profile_details_labels_and_source_in_korean(make_app, tui_env, state_dir):
    """The details pane's own labels and the source value are translated (they stayed English)."""
    from openclaw_onboard.core import profiles

    profiles.add_api_key("openrouter", "sk-or-v1-" + "a" * 64, agent_id="main", state=state_dir)
    app = make_app(dashboard=True, env={**tui_env, "OPENCLAW_LANG": "ko"})
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for_screen(pilot, "DashboardScreen")
        await pilot.press("enter")
        await wait_for_screen(pilot, "ProfileDetailsScreen")
        rows = {line.split()[0]: line.split(maxsplit=1)[1] for line in app.screen.shown_text.splitlines()
                if line.split()}
        assert {"유형", "프로바이더", "만료", "상태", "순서", "출처"} <= set(rows), rows
        assert rows["출처"] == "저장소"
        assert not {"type", "provider", "expires", "status", "position", "source"} & set(rows)

