"""Files another tool wrote, found by an outside attacker pass: each used to end in "unexpected error"."""

from __future__ import annotations

import json

import pytest

from tests.conftest import EXAMPLE_STORE

COMMANDS = [("models", "status"), ("doctor",), ("agents", "list"), ("channels", "list")]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a))
def test_a_deeply_nested_openclaw_json_is_reported_not_a_crash(cli, make_agent, openclaw_files, args):
    make_agent()
    openclaw_files.write_raw(openclaw_files.state / "openclaw.json", ('{"a":' * 3000 + "1" + "}" * 3000).encode())
    res = cli(*args)
    assert "unexpected error" not in res.err and "crash report" not in res.err.lower()
    if args != ("agents", "list"):  # which lists main alone, as with no config
        assert "nested too deeply" in res.out + res.err


def test_json_output_survives_a_lone_surrogate_and_a_numeric_account_id(cli, make_agent):
    store = json.loads(json.dumps(EXAMPLE_STORE))
    store["profiles"]["openrouter:odd"] = {"type": "api_key", "provider": "openrouter", "key": "sk-or-" + "k" * 40,
                                           "accountId": 1, "email": "\ud800me@example.com"}
    make_agent(store=store)
    res = cli("models", "status", "--json")
    assert res.rc == 0, res.err
    doc = json.loads(res.out)
    odd = next(p for prov in doc["providers"] for p in prov["profiles"] if p["id"] == "openrouter:odd")
    assert odd["accountId"] is None and odd["email"] == "?me@example.com"


def test_a_nul_in_an_agent_dir_is_refused_in_one_line(cli, make_agent):
    make_agent(config={"agents": {"list": [{"id": "main"}, {"id": "work", "agentDir": "/tmp/a\u0000b"}]}})
    listed = cli("agents", "list")
    assert listed.rc == 0 and "contains a NUL character" in listed.out
    res = cli("models", "status", "--agent", "work")
    assert res.rc == 1 and "contains a NUL character" in res.err


def test_a_stdout_that_cannot_encode_the_language_gets_question_marks(cli, make_agent):
    make_agent()
    res = cli("models", "status", env={"PYTHONIOENCODING": "ascii", "OPENCLAW_LANG": "ko"})
    assert res.rc == 0, res.err
    assert res.out.isascii() and "?" in res.out


def test_a_device_as_state_dir_is_never_to_be_moved_away(cli):
    # An outside attacker pass: `OPENCLAW_STATE_DIR=/dev/null` was answered with "Fix: move /dev/null away".
    res = cli("models", "status", env={"OPENCLAW_STATE_DIR": "/dev/null"})
    assert res.rc == 1 and "is not a directory" in res.err
    assert "move" not in res.err and "OPENCLAW_STATE_DIR" in res.err
