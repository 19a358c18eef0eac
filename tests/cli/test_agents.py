"""`openclaw agents list|add`, `openclaw channels list`, `openclaw onboard` (when the wizard is absent)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from openclaw_onboard.app.cli_output import AgentsOutput, ChannelsOutput

from tests.cli.conftest import ROOT
from tests.conftest import EXAMPLE_STORE


def test_agents_list_empty_state_shows_main(cli):
    res = cli("agents", "list")
    assert res.rc == 0
    assert res.out.splitlines() == ["main  0 profiles (default)"]
    doc = AgentsOutput.model_validate_json(cli("agents", "list", "--json").out)
    assert [(a.id, a.default, a.profileCount) for a in doc.agents] == [("main", True, 0)]


def test_agents_add_copy_auth_and_list(cli, make_agent, openclaw_files, state_dir):
    make_agent()
    res = cli("agents", "add", "Work", "--copy-auth-from", "main")
    assert res.rc == 0, res.err
    assert f"Added agent work: {state_dir / 'agents' / 'work' / 'agent'}" in res.out
    assert f"Copied {len(EXAMPLE_STORE['profiles'])} auth profiles from main." in res.out
    assert openclaw_files.read_store("work")["profiles"] == openclaw_files.read_store("main")["profiles"]
    assert (state_dir / "agents" / "work" / "agent").stat().st_mode & 0o777 == 0o700

    assert cli("agents", "add", "personal").rc == 0
    doc = AgentsOutput.model_validate_json(cli("agents", "list", "--json").out)
    assert [a.id for a in doc.agents] == ["main", "work", "personal"]  # agents.list order, as OpenClaw
    assert [a.default for a in doc.agents] == [True, False, False]
    work = next(a for a in doc.agents if a.id == "work")
    assert work.profileCount == len(EXAMPLE_STORE["profiles"]) and work.worstStatus == "expiring"
    text = cli("agents", "list").out.splitlines()
    assert text[0].startswith("main") and "(default)" in text[0]
    assert any(line.startswith("personal") and "0 profiles" in line for line in text)

    # the new agent is usable everywhere with --agent
    res = cli("models", "status", "--agent", "work", "--plain")
    assert res.rc == 0 and all(line.startswith("work\t") for line in res.out.splitlines())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["main"], '"main" is reserved'),
        (["bad name!"], "Invalid agent name"),
        (["x", "--copy-auth-from", "ghost"], 'Agent "ghost" not found'),
    ],
)
def test_agents_add_errors(cli, args, message):
    res = cli("agents", "add", *args)
    assert res.rc == 1
    assert res.err.startswith("openclaw: ") and message in res.err


def test_agents_add_twice(cli):
    assert cli("agents", "add", "work").rc == 0
    res = cli("agents", "add", "work")
    assert res.rc == 1 and 'Agent "work" already exists' in res.err


def test_channels_list_auth_only(cli, make_agent):
    make_agent()
    res = cli("channels", "list")
    assert res.rc == 0
    lines = res.out.splitlines()
    assert lines[0] == "Auth providers (OAuth + API keys):"
    assert set(lines[1:]) == {f"- {pid} ({p['type']})" for pid, p in EXAMPLE_STORE["profiles"].items()}
    doc = ChannelsOutput.model_validate_json(cli("channels", "list", "--json").out)
    assert doc.chat == []
    assert {(a.id, a.provider, a.type) for a in doc.auth} == {
        (pid, p["provider"], p["type"]) for pid, p in EXAMPLE_STORE["profiles"].items()}
    assert "sk-" not in res.out


def test_channels_list_with_chat_channels(cli, make_agent):
    make_agent(config="""{
      // JSON5, as OpenClaw writes it
      channels: { telegram: { enabled: true, botToken: "123:secret-bot-token" }, whatsapp: { enabled: false },
                  discord: {}, },
    }""")
    res = cli("channels", "list")
    lines = res.out.splitlines()
    assert lines[:4] == ["Chat channels:", "- telegram (enabled)", "- whatsapp (disabled)", "- discord"]
    assert "Auth providers (OAuth + API keys):" in lines
    assert "secret-bot-token" not in res.out
    doc = ChannelsOutput.model_validate_json(cli("channels", "list", "--json").out)
    assert [(c.id, c.enabled) for c in doc.chat] == [("telegram", True), ("whatsapp", False), ("discord", None)]
    assert "secret-bot-token" not in cli("channels", "list", "--json").out


def test_channels_list_empty_and_corrupt_config(cli, state_dir):
    res = cli("channels", "list")
    assert res.out.splitlines() == ["Auth providers (OAuth + API keys):", "  (none)"]
    (state_dir / "openclaw.json").write_text("{ not json")
    res = cli("channels", "list")
    assert res.rc == 1 and res.err.startswith("openclaw: ") and "openclaw.json" in res.err


def test_onboard_unknown_agent(cli):
    res = cli("onboard", "--agent", "ghost")
    assert res.rc == 1 and 'Agent "ghost" not found' in res.err


def test_onboard_without_the_wizard_is_a_clear_error(cli_env):
    code = (
        "import sys\n"
        "sys.modules['openclaw_onboard.app.tui'] = None  # as if the wizard were not installed\n"
        "import openclaw_onboard.app.cli_agents\n"
        "openclaw_onboard.app.cli_agents._interactive = lambda: True\n"
        "from openclaw_onboard.app.cli import main\n"
        "raise SystemExit(main(['onboard']))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=cli_env, cwd=ROOT,
                          timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.strip() == ("openclaw: The onboarding wizard is not available in this installation "
                                   "(openclaw_onboard.app.tui is missing)")


def test_onboard_calls_run_onboard(cli_env):
    code = (
        "import sys, types\n"
        "fake = types.ModuleType('openclaw_onboard.app.tui')\n"
        "fake.run_onboard = lambda agent_id, dashboard: print('RUN', agent_id, dashboard) or 7\n"
        "sys.modules['openclaw_onboard.app.tui'] = fake\n"
        "import openclaw_onboard.app.cli_agents\n"
        "openclaw_onboard.app.cli_agents._interactive = lambda: True\n"
        "from openclaw_onboard.app.cli import main\n"
        "print(main(['onboard', '--dashboard']), main(['onboard', '--agent', 'MAIN']))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=cli_env, cwd=ROOT,
                          timeout=60)
    assert proc.stdout.splitlines() == ["RUN None True", "RUN main False", "7 7"], proc.stderr


def test_onboard_without_a_terminal_is_a_clear_error(cli):
    res = cli("onboard")
    assert res.rc == 1
    assert res.err.startswith("openclaw: `openclaw onboard` needs an interactive terminal")
