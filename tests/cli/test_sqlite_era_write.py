"""The store-changing commands on a SQLite-era state dir (OpenClaw 2026.9.x): they write 9.x's databases in its
transactions, never a file-era file; where the store cannot be written (a release before 2026.9.3, a newer one,
an agent without its database) they refuse in one line before any prompt. tests/interop proves 9.6 reads it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.support.sqlite_era import make_agent_db, make_sqlite_state, make_state_db, tree

TOKEN = "sk-or-v1-" + "RecognisablePastedSecret0123456789" * 2
THEIRS = {"type": "token", "provider": "openrouter", "token": "sk-or-v1-" + "t" * 48}
SETUP = "sk-ant-oat01-" + "x" * 90


def _shared(state: Path) -> tuple[dict, dict | None]:
    conn = sqlite3.connect(f"file:{state / 'state' / 'openclaw.sqlite'}?mode=ro", uri=True)
    try:
        rows = dict(conn.execute("SELECT state_key, value_json FROM config_machine_state"))
    finally:
        conn.close()
    state_doc = json.loads(rows["authProfiles.state"]) if "authProfiles.state" in rows else None
    return json.loads(rows["authProfiles.store"])["profiles"], state_doc


def _no_file_era_files(state: Path) -> None:
    assert not list(state.rglob("auth-profiles.json*")) and not list(state.rglob("auth-state.json"))
    assert not list(state.rglob("*.lock")) and not (state / "locks").exists()


def test_every_store_command_writes_the_shared_store(cli, state_dir) -> None:
    make_sqlite_state(state_dir, {"openrouter:manual": THEIRS})
    res = cli("models", "auth", "paste-token", "--provider", "openrouter", "--profile-id", "openrouter:ours",
              input=TOKEN + "\n")
    assert res.rc == 0, res.err
    res = cli("models", "auth", "api-key", "--provider", "groq", input="gsk_" + "g" * 48 + "\n")
    assert res.rc == 0, res.err
    res = cli("models", "auth", "setup-token", input=SETUP + "\n", one_line=False)
    assert res.rc == 0, res.err
    profiles, _state = _shared(state_dir)
    assert profiles["openrouter:ours"] == {"type": "token", "provider": "openrouter", "token": TOKEN}
    assert profiles["groq:default"]["key"] == "gsk_" + "g" * 48 and profiles["openrouter:manual"] == THEIRS
    assert profiles["anthropic:default"]["token"] == SETUP
    res = cli("models", "auth", "order", "set", "--provider", "openrouter", "openrouter:ours", "openrouter:manual")
    assert res.rc == 0, res.err
    assert _shared(state_dir)[1]["order"] == {"openrouter": ["openrouter:ours", "openrouter:manual"]}
    res = cli("models", "auth", "remove", "--profile-id", "openrouter:ours", "--yes")
    assert res.rc == 0, res.err
    profiles, state_doc = _shared(state_dir)
    assert "openrouter:ours" not in profiles and state_doc is not None
    assert state_doc["order"]["openrouter"] == ["openrouter:manual"]
    res = cli("models", "auth", "order", "clear", "--provider", "openrouter")
    assert res.rc == 0, res.err
    _no_file_era_files(state_dir)
    cfg = json.loads((state_dir / "openclaw.json").read_text())
    assert cfg["auth"]["profiles"]["groq:default"] == {"provider": "groq", "mode": "api_key"}
    status = cli("models", "status", "--json")
    listed = {p["id"] for pr in json.loads(status.out)["providers"] for p in pr["profiles"]}
    assert {"openrouter:manual", "groq:default", "anthropic:default"} <= listed
    assert TOKEN not in res.out + res.err + status.out


def test_an_agent_with_its_database_gets_the_change(cli, state_dir) -> None:
    make_sqlite_state(state_dir, {"openrouter:manual": THEIRS})
    work = state_dir / "agents" / "work" / "agent"
    make_agent_db(work, {}, agent_id="work")
    res = cli("models", "auth", "paste-token", "--provider", "openrouter", "--agent", "work", input=TOKEN + "\n")
    assert res.rc == 0, res.err
    conn = sqlite3.connect(work / "openclaw-agent.sqlite")
    try:
        doc = json.loads(conn.execute("SELECT store_json FROM auth_profile_store").fetchone()[0])
    finally:
        conn.close()
    assert doc["profiles"]["openrouter:manual"]["token"] == TOKEN
    assert _shared(state_dir)[0]["openrouter:manual"] == THEIRS  # main's own stays as 9.6 wrote it


@pytest.mark.parametrize(("setup", "words"), [
    ("8.1", "before 2026.9.3"),
    ("newer", "newer than this tool writes"),
    ("no-agent-db", "has no OpenClaw database yet"),
])
def test_a_store_that_cannot_be_written_is_refused_before_the_prompt(cli, state_dir, setup, words) -> None:
    agent: tuple[str, ...] = ()
    if setup == "8.1":
        make_state_db(state_dir, {"openrouter:manual": THEIRS}, user_version=15, app_version="2026.8.1")
    elif setup == "newer":
        make_state_db(state_dir, {"openrouter:manual": THEIRS}, user_version=19, app_version="2026.10.1")
    else:
        make_sqlite_state(state_dir, {"openrouter:manual": THEIRS})
        (state_dir / "agents" / "work" / "agent").mkdir(parents=True)
        agent = ("--agent", "work")
    before = tree(state_dir)
    res = cli("models", "auth", "paste-token", "--provider", "openrouter", *agent, input=TOKEN + "\n")
    assert res.rc == 1 and len(res.err_lines) == 1, res.err  # one line, before any prompt
    assert "Nothing was changed" in res.err and words in res.err
    assert tree(state_dir) == before


def test_openclaw_9_names_list_logout_and_paste_api_key(cli, state_dir) -> None:
    make_sqlite_state(state_dir, {"openrouter:manual": THEIRS})
    res = cli("models", "auth", "paste-api-key", "--provider", "groq", input="gsk_" + "k" * 48 + "\n")
    assert res.rc == 0, res.err
    assert _shared(state_dir)[0]["groq:manual"] == {"type": "api_key", "provider": "groq", "key": "gsk_" + "k" * 48}
    listed = json.loads(cli("models", "auth", "list", "--json").out)
    assert listed["agentId"] == "main" and listed["provider"] is None
    assert listed["authStatePath"].endswith("agents/main/agent/openclaw-agent.sqlite")
    assert listed["profiles"] == [
        {"id": "groq:manual", "provider": "groq", "type": "api_key", "label": "groq:manual"},
        {"id": "openrouter:manual", "provider": "openrouter", "type": "token", "label": "openrouter:manual"}]
    text = cli("models", "auth", "list", "--provider", "groq", one_line=False).out
    assert text.splitlines()[2:] == ["Provider: groq", "Profiles:", "- groq:manual [groq/api_key]"]
    res = cli("models", "auth", "logout", "groq:manual", "--yes")
    assert res.rc == 0, res.err
    assert "groq:manual" not in _shared(state_dir)[0]
    assert "gsk_" not in text + json.dumps(listed)


def test_agents_add_writes_the_keyed_roster_and_no_database(cli, state_dir) -> None:
    make_sqlite_state(state_dir, {"openrouter:manual": THEIRS})
    res = cli("agents", "add", "work")
    assert res.rc == 0, res.err
    agents = json.loads((state_dir / "openclaw.json").read_text())["agents"]
    assert agents["ownership"] == "explicit" and "list" not in agents
    assert agents["entries"]["work"] == {"name": "work", "workspace": str(state_dir / "workspace-work"),
                                         "agentDir": str(state_dir / "agents" / "work" / "agent"),
                                         "identity": {"name": "work"}}
    assert agents["entries"]["main"] == {"workspace": str(state_dir / "workspace")}
    work = state_dir / "agents" / "work" / "agent"
    assert work.is_dir() and (work.stat().st_mode & 0o777) == 0o700 and not list(work.iterdir())
    listed = json.loads(cli("agents", "list", "--json").out)["agents"]
    assert [a["id"] for a in listed] == ["main", "work"]
    assert listed[0]["storePath"] == str(state_dir / "state" / "openclaw.sqlite")
    assert not any(a["storePath"].endswith("auth-profiles.json") for a in listed)
    # Its credentials wait for the database OpenClaw makes: said before the prompt, with how.
    res = cli("models", "auth", "paste-token", "--provider", "openrouter", "--agent", "work", input=TOKEN + "\n")
    assert res.rc == 1 and "openclaw models auth order set --agent work" in res.err
    assert cli("agents", "add", "work").rc == 1
