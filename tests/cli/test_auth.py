"""`openclaw models auth order|paste-token|setup-token|remove` end to end."""

from __future__ import annotations

import copy

import pytest
from openclaw_onboard.app.cli_output import OrderOutput

from tests.conftest import ANTHROPIC_SETUP_TOKEN, DAY_MS, EXAMPLE_NOW_MS, EXAMPLE_STORE, MASKED_ANTHROPIC_TOKEN

PASTED = "sk-or-v1-" + "RecognisablePastedSecret0123456789" * 2
MASKED_PASTED = f"{PASTED[:8]}...{PASTED[-8:]}"


def _two_anthropic_store() -> dict:
    store = copy.deepcopy(EXAMPLE_STORE)
    store["profiles"]["anthropic:personal"] = {"type": "token", "provider": "anthropic",
                                               "token": "sk-ant-oat01-personal-" + "x" * 70}
    store.pop("order")
    return store


# ---- order

def test_order_set_get_clear_round_trip(cli, make_agent, openclaw_files):
    make_agent(store=_two_anthropic_store())
    res = cli("models", "auth", "order", "get", "--provider", "anthropic")
    assert res.rc == 0
    assert "No order override for anthropic (agent main)." in res.out

    res = cli("models", "auth", "order", "set", "--provider", "anthropic", "anthropic:work", "anthropic:personal")
    assert res.rc == 0, res.err
    assert "anthropic:work, anthropic:personal" in res.out
    assert openclaw_files.read_merged()["order"] == {"anthropic": ["anthropic:work", "anthropic:personal"]}

    doc = OrderOutput.model_validate_json(cli("models", "auth", "order", "get", "--provider", "anthropic",
                                              "--json").out)
    assert doc.override == ["anthropic:work", "anthropic:personal"]
    assert doc.effective == ["anthropic:work", "anthropic:personal"]
    assert doc.source == "override"

    res = cli("models", "auth", "order", "clear", "--provider", "anthropic")
    assert res.rc == 0 and "Cleared" in res.out
    assert "order" not in openclaw_files.read_store()
    res = cli("models", "auth", "order", "clear", "--provider", "anthropic")
    assert res.rc == 0 and "nothing to clear" in res.out
    doc = OrderOutput.model_validate_json(cli("models", "auth", "order", "get", "--provider", "anthropic",
                                              "--json").out)
    assert doc.override is None and doc.source == "default"


def test_order_in_auth_state_json_wins(cli, make_agent, openclaw_files):
    make_agent(auth_state=True)
    doc = OrderOutput.model_validate_json(cli("models", "auth", "order", "get", "--provider", "anthropic",
                                              "--json").out)
    assert doc.override == ["anthropic:work"]
    cli("models", "auth", "order", "set", "--provider", "openai", "openai:default")
    assert openclaw_files.read_auth_state()["order"]["openai"] == ["openai:default"]


@pytest.mark.parametrize(
    ("ids", "message"),
    [
        (["x"], 'openclaw: Auth profile "x" not found.'),
        (["openai:default"], 'openclaw: Auth profile "openai:default" is for openai, not anthropic.'),
        (["anthropic:work", "anthropic:work"], 'openclaw: Auth profile "anthropic:work" is listed twice.'),
    ],
)
def test_order_set_validation_errors(cli, make_agent, openclaw_files, ids, message):
    make_agent()
    before = openclaw_files.read_store()
    res = cli("models", "auth", "order", "set", "--provider", "anthropic", *ids)
    assert res.rc == 1
    assert res.err.strip() == message
    assert openclaw_files.read_store() == before


def test_order_unknown_provider_and_agent(cli, make_agent):
    make_agent()
    res = cli("models", "auth", "order", "get", "--provider", "nosuch")
    assert res.rc == 1 and 'Unknown provider "nosuch"' in res.err
    res = cli("models", "auth", "order", "get", "--provider", "Bad Provider!")
    assert res.rc == 1 and "Invalid provider" in res.err
    res = cli("models", "auth", "order", "set", "--provider", "anthropic", "anthropic:work", "--agent", "ghost")
    assert res.rc == 1 and 'Agent "ghost" not found' in res.err


# ---- paste-token

def test_paste_token_from_stdin_normalizes_wrapped_input(cli, openclaw_files):
    wrapped = "  " + PASTED[:20] + "\n" + PASTED[20:50] + " \r\n\t" + PASTED[50:] + "\n\n"
    res = cli("models", "auth", "paste-token", "--provider", "openrouter", input=wrapped)
    assert res.rc == 0, res.err
    assert "Saved openrouter:manual for agent main" in res.out
    assert MASKED_PASTED in res.out
    assert PASTED not in res.out + res.err
    stored = openclaw_files.read_store()["profiles"]["openrouter:manual"]
    assert stored == {"type": "token", "provider": "openrouter", "token": PASTED}
    assert openclaw_files.read_config()["auth"]["profiles"]["openrouter:manual"] == {
        "provider": "openrouter", "mode": "token"}
    # again: replaced, not duplicated
    res = cli("models", "auth", "paste-token", "--provider", "openrouter", input=PASTED + "\n")
    assert res.rc == 0 and "Replaced openrouter:manual" in res.out


def test_paste_token_profile_id_and_expiry(cli, openclaw_files, make_agent):
    make_agent("work", store=False, config={"agents": {"defaults": {"model": "anthropic/claude-opus-4-5"}}})
    res = cli("models", "auth", "paste-token", "--provider", "anthropic", "--profile-id", "anthropic:ci",
              "--expires-in", "12h", "--agent", "work", input=ANTHROPIC_SETUP_TOKEN)
    assert res.rc == 0, res.err
    assert "expires in 12h" in res.out and MASKED_ANTHROPIC_TOKEN in res.out
    stored = openclaw_files.read_store("work")["profiles"]["anthropic:ci"]
    assert stored["expires"] == EXAMPLE_NOW_MS + 12 * 3_600_000
    assert stored["token"] == ANTHROPIC_SETUP_TOKEN
    status = cli("models", "status", "--agent", "work", "--check")
    assert status.rc == 2  # expiring within 24 h


@pytest.mark.parametrize(
    ("extra", "stdin", "message"),
    [
        ([], "", "No token on stdin"),
        ([], "   \n\n", "No token on stdin"),
        (["--expires-in", "12x"], PASTED, "Invalid duration '12x'"),
        (["--expires-in", "0d"], PASTED, "longer than zero"),
        (["--profile-id", "anthropic:x"], PASTED, 'Profile id "anthropic:x" is for anthropic, not openrouter.'),
        (["--profile-id", "no/slash"], PASTED, "Invalid profile name"),
        (["--agent", "ghost"], PASTED, 'Agent "ghost" not found'),
        ([], 'sk-or-"quoted"', "not part of a token"),
    ],
)
def test_paste_token_bad_input(cli, openclaw_files, extra, stdin, message):
    res = cli("models", "auth", "paste-token", "--provider", "openrouter", *extra, input=stdin)
    assert res.rc == 1
    assert res.err.startswith("openclaw: ") and message in res.err
    assert not openclaw_files.paths().store.exists()
    assert PASTED not in res.err


def test_paste_token_cut_off_setup_token_is_refused(cli, openclaw_files):
    res = cli("models", "auth", "paste-token", "--provider", "anthropic", input=ANTHROPIC_SETUP_TOKEN[:40])
    assert res.rc == 1
    assert "Token looks too short; paste the full setup-token" in res.err


# ---- setup-token

def test_setup_token_saves_anthropic_default(cli, openclaw_files):
    res = cli("models", "auth", "setup-token", "--provider", "anthropic", input=ANTHROPIC_SETUP_TOKEN + "\n",
              one_line=False)
    assert res.rc == 0, res.err
    assert "claude setup-token" in res.err
    assert "Saved anthropic:default" in res.out and MASKED_ANTHROPIC_TOKEN in res.out
    assert ANTHROPIC_SETUP_TOKEN not in res.out + res.err
    stored = openclaw_files.read_store()["profiles"]["anthropic:default"]
    assert stored == {"type": "token", "provider": "anthropic", "token": ANTHROPIC_SETUP_TOKEN}
    assert openclaw_files.read_config()["auth"]["profiles"]["anthropic:default"]["mode"] == "token"


def test_setup_token_wrapped_paste(cli, openclaw_files):
    wrapped = ANTHROPIC_SETUP_TOKEN[:30] + "\n  " + ANTHROPIC_SETUP_TOKEN[30:] + "\n"
    res = cli("models", "auth", "setup-token", "--expires-in", "365d", input=wrapped, one_line=False)
    assert res.rc == 0
    stored = openclaw_files.read_store()["profiles"]["anthropic:default"]
    assert stored["token"] == ANTHROPIC_SETUP_TOKEN and stored["expires"] == EXAMPLE_NOW_MS + 365 * DAY_MS


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--provider", "openai"], ANTHROPIC_SETUP_TOKEN, "setup-token is for anthropic only"),
        ([], ANTHROPIC_SETUP_TOKEN[:50], "Token looks too short; paste the full setup-token"),
        ([], "sk-ant-api03-" + "a" * 90, "Token should start with sk-ant-oat01-"),
        ([], "", "No setup-token on stdin"),
    ],
)
def test_setup_token_rejects(cli, openclaw_files, args, stdin, message):
    res = cli("models", "auth", "setup-token", *args, input=stdin, one_line=False)
    assert res.rc == 1
    assert res.err_lines[-1].startswith("openclaw: ") and message in res.err_lines[-1]
    assert not openclaw_files.paths().store.exists()


# ---- remove

def test_remove_with_yes(cli, make_agent, openclaw_files):
    make_agent(config=True)
    res = cli("models", "auth", "remove", "--profile-id", "anthropic:work", "--yes")
    assert res.rc == 0, res.err
    assert "Removed anthropic:work from agent main." in res.out
    store = openclaw_files.read_store()
    assert "anthropic:work" not in store["profiles"]
    assert "anthropic:work" not in openclaw_files.read_config()["auth"]["profiles"]


def test_remove_without_tty_or_yes_refuses(cli, make_agent, openclaw_files):
    make_agent()
    res = cli("models", "auth", "remove", "--profile-id", "anthropic:work")
    assert res.rc == 1
    assert "pass --yes" in res.err
    assert "anthropic:work" in openclaw_files.read_store()["profiles"]


def test_remove_unknown_profile(cli, make_agent):
    make_agent()
    res = cli("models", "auth", "remove", "--profile-id", "anthropic:nope", "--yes")
    assert res.rc == 1
    assert res.err.strip() == 'openclaw: Auth profile "anthropic:nope" not found.'


def test_lock_timeout_is_one_line(cli_env, make_agent, openclaw_files):
    """OpenClaw holds its (directory) lock: a writer gives up after the timeout with one clear line."""
    import subprocess
    import sys

    from tests.cli.conftest import ROOT

    paths = make_agent()
    paths.lock.mkdir()  # a fresh proper-lockfile lock directory
    env = {**cli_env, "OPENCLAW_LOCK_TIMEOUT_S": "0.3"}  # default 10 s
    proc = subprocess.run([sys.executable, "-m", "openclaw_onboard.app.cli", "models", "auth", "order", "set",
                           "--provider", "anthropic", "anthropic:work"],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.startswith("openclaw: Timed out after 0.3s waiting for the lock")
    assert len(proc.stderr.strip().splitlines()) == 1
    assert openclaw_files.read_merged()["order"] == EXAMPLE_STORE["order"]


def test_paste_token_into_a_config_with_a_form_feed_and_a_nan(cli, openclaw_files):
    """Both are valid JSON5 (and OpenClaw reads them): the config is edited in place, exit 0 (issue 21)."""
    config = openclaw_files.state / "openclaw.json"
    config.write_text("\x0c{\n  gateway: { mode: 'local', ratio: NaN },\x0b\n  auth: { profiles: {} },\n}\n")
    res = cli("models", "auth", "paste-token", "--provider", "openrouter", input=PASTED + "\n")
    assert res.rc == 0, res.err
    assert "could not be edited in place" not in res.out + res.err
    assert openclaw_files.read_config()["auth"]["profiles"]["openrouter:manual"] == {
        "provider": "openrouter", "mode": "token"}
    assert config.read_text().startswith("\x0c{\n  gateway: { mode: 'local', ratio: NaN },\x0b\n")
# ---- one set of rules with the wizard (core.usecases.credentials)

def _store_file(state_dir):
    return state_dir / "agents" / "main" / "agent" / "auth-profiles.json"


def test_paste_token_refuses_what_the_wizard_refuses(cli, state_dir):
    res = cli("models", "auth", "paste-token", "--provider", "openrouter", input="sk-or-v1-abc")
    assert res.rc == 1
    assert res.err == ("openclaw: OpenRouter keys are at least 40 characters; this one has 12 (cut off while "
                       "copying?)\n")
    assert not _store_file(state_dir).exists()


@pytest.mark.parametrize("token", ["sk-ant-api03-" + "x" * 80, "sk-ant-oat01-" + "x" * 66])
def test_paste_token_for_anthropic_follows_openclaws_rule(cli, state_dir, token):
    res = cli("models", "auth", "paste-token", "--provider", "anthropic", input=token)
    assert res.rc == 1 and ("sk-ant-oat01-" in res.err or "Token looks too short" in res.err)
    assert not _store_file(state_dir).exists()


def test_paste_token_mistyped_provider_gets_a_did_you_mean(cli):
    res = cli("models", "auth", "paste-token", "--provider", "opnerouter", input=PASTED)
    assert res.rc == 0
    assert res.err == ("Note: opnerouter: not in OpenClaw's catalog, saved anyway; did you mean openrouter?\n")


def test_paste_token_shorthand_profile_name_is_the_providers(cli, state_dir):
    res = cli("models", "auth", "paste-token", "--provider", "openrouter", "--profile-id", "work", input=PASTED)
    assert res.rc == 0 and "Saved openrouter:work for agent main" in res.out


def test_paste_token_never_fails_after_saving_when_openclaw_json_cannot_be_edited(cli, state_dir):
    """The config is checked before the credential is written: one transaction, one answer."""
    (state_dir / "openclaw.json").write_text("{ not json5 at all ")
    res = cli("models", "auth", "paste-token", "--provider", "openrouter", input=PASTED)
    assert res.rc == 1 and "openclaw.json" in res.err
    assert not _store_file(state_dir).exists()


@pytest.mark.parametrize("text", ['{\f"meta": {}}\n', '{"meta": {"x": NaN}}\n'])
def test_paste_token_valid_json5_config_saves_both_or_neither(cli, state_dir, text):
    """A form feed or NaN (valid JSON5): either both files take the profile, or neither does."""
    (state_dir / "openclaw.json").write_text(text)
    res = cli("models", "auth", "paste-token", "--provider", "openrouter", input=PASTED)
    saved = _store_file(state_dir).exists()
    in_config = "openrouter:manual" in (state_dir / "openclaw.json").read_text()
    assert (res.rc, saved, in_config) in ((0, True, True), (1, False, False)), res


def test_api_key_ref_exec_adds_its_secrets_provider(cli, state_dir, tmp_path):
    import json
    import sys

    op = tmp_path / "bin" / "op"
    op.parent.mkdir()
    op.write_text(f"#!{sys.executable}\nprint({PASTED!r})\n")
    op.chmod(0o700)
    res = cli("models", "auth", "api-key", "--provider", "openrouter", "--ref-exec", str(op),
              "--ref-args=read op://Private/OpenRouter/credential")
    assert res.rc == 0, res
    assert res.out == ("Saved openrouter:default for agent main: key from exec:op:value (not stored in the "
                       "file)\n")
    cfg = json.loads((state_dir / "openclaw.json").read_text())
    assert cfg["secrets"]["providers"]["op"]["command"] == str(op)
    assert PASTED not in _store_file(state_dir).read_text()
