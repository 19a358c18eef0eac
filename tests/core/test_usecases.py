"""core.usecases: each action checks once, preflights openclaw.json before its first write, and answers with
one Outcome (saved / nothing saved and why / saved but openclaw.json not updated, with the fix)."""

from __future__ import annotations

import errno
import json
import sys
from pathlib import Path

import pytest
from openclaw_onboard.core.usecases import credentials as uc
from openclaw_onboard.core.usecases import profiles as uc_profiles
from openclaw_onboard.core.usecases.outcome import Outcome, Verdict

from tests.conftest import ANTHROPIC_SETUP_TOKEN, EXAMPLE_NOW_MS, OPENROUTER_TOKEN


def _store(state: Path) -> Path:
    return state / "agents" / "main" / "agent" / "auth-profiles.json"


def _add(state: Path, kind: str, provider: str, secret: str = "", **kw) -> Outcome:
    return uc.add_credential(uc.CredentialInput(kind, provider, secret=secret, **kw), "main", state, env={},
                             now_ms=EXAMPLE_NOW_MS)


def test_paste_token_follows_the_catalogs_key_shape(state_dir):
    out = _add(state_dir, "paste-token", "openrouter", "sk-or-v1-abc")
    assert out.verdict is Verdict.NOTHING_SAVED
    assert out.message == "OpenRouter keys are at least 40 characters; this one has 12 (cut off while copying?)"
    assert not _store(state_dir).exists()


@pytest.mark.parametrize(("token", "problem"), [
    ("sk-ant-api03-" + "x" * 80, "Token should start with sk-ant-oat01-"),
    ("sk-ant-oat01-" + "x" * 66, "Token looks too short; paste the full setup-token"),  # 79 characters
])
def test_an_anthropic_paste_token_follows_openclaws_setup_token_rule(state_dir, token, problem):
    out = _add(state_dir, "paste-token", "anthropic", token)
    assert out.verdict is Verdict.NOTHING_SAVED and out.message.startswith(problem)
    assert not _store(state_dir).exists()


def test_an_anthropic_paste_token_of_80_characters_is_saved(state_dir):
    token = "sk-ant-oat01-" + "x" * 67
    out = _add(state_dir, "paste-token", "anthropic", token)
    assert out.verdict is Verdict.SAVED and out.profile_id == "anthropic:manual"
    assert json.loads(_store(state_dir).read_text())["profiles"]["anthropic:manual"]["token"] == token


def test_a_mistyped_provider_is_saved_with_a_did_you_mean(state_dir):
    out = _add(state_dir, "paste-token", "opnerouter", OPENROUTER_TOKEN)
    assert out.verdict is Verdict.SAVED and out.profile_id == "opnerouter:manual"
    assert any("did you mean openrouter" in note for note in out.notes)


def test_a_config_that_cannot_be_edited_stops_the_save_before_the_store_is_written(state_dir):
    """paste-token used to save the credential, then fail on openclaw.json: two transactions, no one answer."""
    (state_dir / "openclaw.json").write_text("{ this is not JSON5 ")
    out = _add(state_dir, "setup-token", "anthropic", ANTHROPIC_SETUP_TOKEN)
    assert out.verdict is Verdict.NOTHING_SAVED and "openclaw.json" in out.message
    assert not _store(state_dir).exists()


def test_a_config_write_failing_after_the_store_says_saved_with_the_fix(state_dir, monkeypatch):
    from openclaw_onboard.core import config

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(config, "register_profile", full_disk)
    out = _add(state_dir, "api-key", "openrouter", OPENROUTER_TOKEN)
    assert out.verdict is Verdict.CONFIG_NOT_UPDATED and out.saved
    assert out.fix == "openclaw doctor --fix" and "`openclaw doctor --fix`" in out.message
    assert "No space left on device" in out.message
    assert "openrouter:default" in json.loads(_store(state_dir).read_text())["profiles"]


def test_a_named_profile_is_replaced_a_defaulted_one_of_another_kind_refused(make_agent, state_dir):
    make_agent()  # openrouter:manual holds a token; openai:default an api key
    out = _add(state_dir, "paste-token", "openai", "sk-proj-" + "y" * 40, profile="default")
    assert out.verdict is Verdict.SAVED and out.replaced  # named explicitly: replaced
    make_agent()
    out = _add(state_dir, "api-key", "openrouter", OPENROUTER_TOKEN, profile="manual")
    assert out.verdict is Verdict.SAVED and out.replaced
    make_agent()
    checked = uc.check_credential(uc.CredentialInput("paste-token", "openai", secret="sk-proj-" + "y" * 40),
                                  {"openai:manual": "api_key"}, {}, EXAMPLE_NOW_MS)
    assert not checked.valid and checked.problem == "openai:manual already holds an API key; type another profile name"


def _resolver(tmp_path: Path, value: str) -> Path:
    path = tmp_path / "bin" / "op"
    path.parent.mkdir()
    path.write_text(f"#!{sys.executable}\nprint({value!r})\n")
    path.chmod(0o700)
    return path


def test_an_exec_ref_is_resolved_then_saved_with_its_secrets_provider(state_dir, tmp_path):
    op = _resolver(tmp_path, OPENROUTER_TOKEN)
    ref = uc.RefInput("exec", command=str(op), args="read op://Private/OpenRouter/credential")
    out = _add(state_dir, "api-key", "openrouter", ref=ref)
    assert out.verdict is Verdict.SAVED, out
    cred = json.loads(_store(state_dir).read_text())["profiles"]["openrouter:default"]
    assert cred == {"type": "api_key", "provider": "openrouter", "keyRef": {"source": "exec", "provider": "op",
                                                                            "id": "value"}}
    cfg = json.loads((state_dir / "openclaw.json").read_text())
    assert cfg["secrets"]["providers"]["op"] == {"source": "exec", "command": str(op),
                                                 "args": ["read", "op://Private/OpenRouter/credential"],
                                                 "passEnv": ["HOME"], "jsonOnly": False}
    assert OPENROUTER_TOKEN not in _store(state_dir).read_text()


def test_a_command_without_arguments_printing_a_bare_key_is_told_the_protocol(state_dir, tmp_path):
    """`getkey.sh` (no arguments) prints the raw key: "returned invalid JSON" now says what it must print."""
    getkey = _resolver(tmp_path, OPENROUTER_TOKEN)
    out = _add(state_dir, "api-key", "openrouter", ref=uc.RefInput("exec", command=str(getkey)))
    assert out.verdict is Verdict.NOTHING_SAVED
    assert "returned invalid JSON" in out.message
    assert 'must print OpenClaw\'s exec protocol, {"protocolVersion":1,"values":{"value":"<secret>"}}' in out.message
    assert "needs its arguments" in out.message and OPENROUTER_TOKEN not in out.message
    assert not _store(state_dir).exists() and not (state_dir / "openclaw.json").exists()


def test_a_ref_resolving_to_a_wrong_shape_saves_nothing(state_dir, tmp_path):
    op = _resolver(tmp_path, "sk-or-v1-short")
    out = _add(state_dir, "api-key", "openrouter", ref=uc.RefInput("exec", command=str(op), args="read x"))
    assert out.verdict is Verdict.NOTHING_SAVED and out.message.startswith("it resolves, but OpenRouter keys")
    assert not _store(state_dir).exists() and not (state_dir / "openclaw.json").exists()


def test_remove_is_refused_before_the_store_changes_when_the_config_would_be_halved(make_agent, state_dir):
    make_agent()
    (state_dir / "openclaw.json").write_text(json.dumps({"auth": {"profiles": {"openai:default": {
        "provider": "openai", "mode": "api_key", "email": "x" * 600}}}}))
    out = uc_profiles.remove_profile("openai:default", "main", state_dir)
    assert out.verdict is Verdict.NOTHING_SAVED and "shrink" in out.message
    assert "openai:default" in json.loads(_store(state_dir).read_text())["profiles"]


def test_remove_and_order_answer_with_one_outcome(make_agent, state_dir):
    make_agent()
    assert uc_profiles.remove_profile("nope:x", "main", state_dir).message == 'Auth profile "nope:x" not found.'
    out = uc_profiles.set_order("anthropic", ["anthropic:work"], "main", state_dir)
    assert out.verdict is Verdict.SAVED and out.message == "Order override for anthropic (agent main): anthropic:work"
    assert uc_profiles.clear_order("anthropic", "main", state_dir).changed
    assert not uc_profiles.clear_order("anthropic", "main", state_dir).changed
    assert uc_profiles.set_order("anthropic", ["openai:default"], "main", state_dir).verdict is Verdict.NOTHING_SAVED
