"""`openclaw models auth api-key`: keys from stdin with catalog checks, SecretRefs with preflight."""

from __future__ import annotations

import json

from tests.conftest import OPENROUTER_TOKEN


def _store(state_dir) -> dict:
    return json.loads((state_dir / "agents" / "main" / "agent" / "auth-profiles.json").read_text())


def test_api_key_from_stdin(cli, state_dir):
    res = cli("models", "auth", "api-key", "--provider", "openrouter", input=OPENROUTER_TOKEN + "\n")
    assert res.rc == 0, res.err
    assert "Saved openrouter:default for agent main" in res.out and OPENROUTER_TOKEN not in res.out
    assert _store(state_dir)["profiles"]["openrouter:default"] == {
        "type": "api_key", "provider": "openrouter", "key": OPENROUTER_TOKEN}


def test_cut_off_openrouter_key_is_refused(cli, state_dir):
    res = cli("models", "auth", "api-key", "--provider", "openrouter", input="sk-or-v1-abcde\n")
    assert res.rc == 1
    assert "at least 40 characters; this one has 14" in res.err and "sk-or-v1-abcde" not in res.err
    res = cli("models", "auth", "api-key", "--provider", "anthropic", input=OPENROUTER_TOKEN)
    assert res.rc == 1 and "Anthropic keys start with sk-ant-" in res.err


def test_unknown_provider_is_allowed_with_a_did_you_mean(cli, state_dir):
    res = cli("models", "auth", "api-key", "--provider", "openruoter", input="k" * 40, one_line=False)
    assert res.rc == 0
    assert "openruoter: not in OpenClaw's catalog, saved anyway; did you mean openrouter" in res.err
    assert "openruoter:default" in _store(state_dir)["profiles"]


def test_key_on_the_command_line_is_refused(cli, state_dir):
    res = cli("models", "auth", "api-key", "--provider", "openrouter", OPENROUTER_TOKEN)
    assert res.rc == 2 and OPENROUTER_TOKEN not in res.err and "never taken from the command line" in res.err


def test_ref_is_preflighted_then_stored_without_a_value(cli, state_dir):
    args = ("models", "auth", "api-key", "--provider", "openrouter", "--ref", "env:default:MY_OR_KEY")
    res = cli(*args)
    assert res.rc == 1 and '"MY_OR_KEY" is missing or empty. Nothing saved' in res.err
    res = cli(*args, env={"MY_OR_KEY": OPENROUTER_TOKEN})
    assert res.rc == 0, res.err
    assert _store(state_dir)["profiles"]["openrouter:default"] == {
        "type": "api_key", "provider": "openrouter",
        "keyRef": {"source": "env", "provider": "default", "id": "MY_OR_KEY"}}
    ok = cli("models", "status", "--json", env={"MY_OR_KEY": OPENROUTER_TOKEN})
    row = json.loads(ok.out)["providers"][0]["profiles"][0] if ok.out.startswith("{") else None
    assert row is not None and row["ref"] == "env:default:MY_OR_KEY" and row["reason"] is None
    assert OPENROUTER_TOKEN not in ok.out
    bad = cli("models", "status", "--json")
    data = json.loads(bad.out)
    rows = [p for prov in data["providers"] for p in prov["profiles"]]
    assert [(r["id"], r["status"], r["reason"]) for r in rows] == [("openrouter:default", "missing", "unresolved_ref")]
    from openclaw_onboard.core import config

    def use_openrouter(raw):  # the agent runs an openrouter model: only that provider is in use
        raw["agents"] = {"defaults": {"model": "openrouter/anthropic/claude-sonnet-4"}}

    config.update_config(use_openrouter, state_dir)
    assert cli("models", "status", "--check").rc == 1
    assert cli("models", "status", "--check", env={"MY_OR_KEY": OPENROUTER_TOKEN}).rc == 0
    text = cli("models", "status").out
    assert "unresolved_ref: env:default:MY_OR_KEY" in text


def test_bad_ref_spec(cli, state_dir):
    res = cli("models", "auth", "api-key", "--provider", "openrouter", "--ref", "exec:vault:../x")
    assert res.rc == 1 and "without . or .. segments" in res.err
    res = cli("models", "auth", "api-key", "--provider", "openrouter", "--ref", "exec:vault:x")
    assert res.rc == 1 and '"vault" is not configured' in res.err
