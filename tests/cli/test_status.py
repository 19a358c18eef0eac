"""`openclaw models status`: sections, --plain, --json (validated by its model), --check exit codes."""

from __future__ import annotations

import copy
import json

import pytest
from openclaw_onboard.app.cli_output import StatusOutput

from tests.conftest import (
    ANTHROPIC_SETUP_TOKEN,
    CODEX_ACCESS_TOKEN,
    CODEX_EXPIRES_MS,
    DAY_MS,
    EXAMPLE_NOW_MS,
    EXAMPLE_STORE,
    HOUR_MS,
    MASKED_ANTHROPIC_TOKEN,
    OPENAI_API_KEY,
    OPENROUTER_TOKEN,
)

SECRETS = (ANTHROPIC_SETUP_TOKEN, CODEX_ACCESS_TOKEN, OPENAI_API_KEY, OPENROUTER_TOKEN,
           "rt_opaque-refresh-token-0123456789")
MODES = ["text", "--plain", "--json"]


def _args(mode: str) -> list[str]:
    return [] if mode == "text" else [mode]


def _no_secrets(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text
            assert secret[8:-8] not in text  # not even the middle of it


def test_text_sections(cli, make_agent, state_dir):
    paths = make_agent(config=True)
    res = cli("models", "status")
    assert res.rc == 0, res.err
    out = res.out
    assert f"Auth store: {paths.store}" in out
    assert "Shell env: none" in out
    assert "Providers:" in out
    assert "anthropic (1 profile) -> effective: profile anthropic:work" in out
    line = next(li for li in out.splitlines() if "1. anthropic:work" in li)
    assert line.split() == ["1.", "anthropic:work", "token", MASKED_ANTHROPIC_TOKEN, "ok", "expires", "in",
                            f"{(1826789958410 - EXAMPLE_NOW_MS) // DAY_MS}d"]
    codex = next(li for li in out.splitlines() if "openai-codex:me@example.com" in li and "oauth" in li)
    assert "expiring" in codex and "expires in 5h" in codex
    assert "Missing auth: none" in out
    assert "OAuth/token status:" in out
    _no_secrets(res.out, res.err)


def test_env_keys_from_shell_and_dotenv(cli, make_agent, state_dir):
    make_agent(store=False)
    (state_dir / ".env").write_text("OPENROUTER_API_KEY=sk-or-from-dotenv-0123456789abcdef\n")
    res = cli("models", "status", env={"ANTHROPIC_API_KEY": "sk-ant-api03-from-shell-0123456789"})
    assert res.rc == 0
    assert "Shell env: ANTHROPIC_API_KEY -> anthropic" in res.out
    assert "State .env: OPENROUTER_API_KEY -> openrouter" in res.out
    assert "sk-or-from-dotenv" not in res.out and "from-shell" not in res.out
    doc = StatusOutput.model_validate_json(cli("models", "status", "--json",
                                               env={"ANTHROPIC_API_KEY": "sk-ant-api03-from-shell-0123"}).out)
    sources = {k.name: k.source for p in doc.providers for k in p.envKeys}
    assert sources == {"ANTHROPIC_API_KEY": "shell", "OPENROUTER_API_KEY": ".env"}
    assert {p.provider: p.effective for p in doc.providers} == {
        "anthropic": "env: ANTHROPIC_API_KEY", "openrouter": "env: OPENROUTER_API_KEY"}


def test_plain_one_tab_separated_line_per_profile(cli, make_agent):
    make_agent()
    res = cli("models", "status", "--plain")
    rows = [line.split("\t") for line in res.out.splitlines()]
    assert all(len(r) == 7 for r in rows)
    by_id = {r[1]: r for r in rows}
    assert set(by_id) == set(EXAMPLE_STORE["profiles"])
    assert by_id["openai-codex:me@example.com"] == [
        "main", "openai-codex:me@example.com", "openai-codex", "oauth", "expiring", str(CODEX_EXPIRES_MS), "5h"]
    assert by_id["openai:default"] == ["main", "openai:default", "openai", "api_key", "static", "-", "-"]
    _no_secrets(res.out)


def test_json_validates_against_the_model(cli, make_agent):
    paths = make_agent(config=True, auth_state=True)
    res = cli("models", "status", "--json")
    assert res.rc == 0
    doc = StatusOutput.model_validate_json(res.out)
    assert doc.agent == "main"
    assert doc.storePath == str(paths.store)
    assert doc.exitCode == 2
    profiles = {p.id: p for prov in doc.providers for p in prov.profiles}
    assert profiles["anthropic:work"].masked == MASKED_ANTHROPIC_TOKEN
    assert profiles["openai-codex:me@example.com"].status == "expiring"
    assert profiles["openai-codex:me@example.com"].accountId == "acc_0123456789"
    assert profiles["openai-codex:me@example.com"].remainingMs == 5 * HOUR_MS
    _no_secrets(res.out)
    raw = json.loads(res.out)
    assert "exitCode" in raw and "providers" in raw


def _store_with(codex_expires: int | None = CODEX_EXPIRES_MS, drop_codex: bool = False) -> dict:
    store = copy.deepcopy(EXAMPLE_STORE)
    if drop_codex:
        del store["profiles"]["openai-codex:me@example.com"]
    elif codex_expires is None:
        del store["profiles"]["openai-codex:me@example.com"]["expires"]
    else:
        store["profiles"]["openai-codex:me@example.com"]["expires"] = codex_expires
    return store


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("store", "expected"),
    [
        (_store_with(EXAMPLE_NOW_MS + 30 * DAY_MS), 0),
        (_store_with(drop_codex=True), 0),
        (_store_with(), 2),  # 5 h left
        (_store_with(EXAMPLE_NOW_MS - 1), 1),  # expired
        (_store_with(None), 1),  # oauth without expiry = missing
    ],
    ids=["ok", "only-static-and-ok", "expiring", "expired", "missing-expiry"],
)
def test_check_exit_codes_in_every_mode(cli, make_agent, mode, store, expected):
    make_agent(store=store)
    res = cli("models", "status", "--check", *_args(mode))
    assert res.rc == expected, res.out + res.err
    assert res.err == ""
    if mode == "--json":
        assert StatusOutput.model_validate_json(res.out).exitCode == expected
    _no_secrets(res.out)
    # without --check the exit code is 0 whatever the status
    assert cli("models", "status", *_args(mode)).rc == 0


@pytest.mark.parametrize("mode", MODES)
def test_check_missing_provider_auth_is_1(cli, make_agent, mode):
    make_agent(store={"version": 1, "profiles": {}},
               config={"agents": {"defaults": {"model": "google/gemini-2.5-pro"}},
                       "auth": {"profiles": {"google:work": {"provider": "google", "mode": "oauth"}}}})
    res = cli("models", "status", "--check", *_args(mode))
    assert res.rc == 1
    if mode == "text":
        assert "Missing auth: google" in res.out
    elif mode == "--plain":
        assert res.out.splitlines() == ["main\t-\tgoogle\t-\tmissing\t-\t-"]
    else:
        assert StatusOutput.model_validate_json(res.out).missing == ["google"]


def test_empty_state_fails_the_check_as_openclaws_does(cli):
    # No store, no config: OpenClaw's default model openai/gpt-5.5 is in use without auth (exit 1).
    res = cli("models", "status", "--check")
    assert res.rc == 1
    assert "Missing auth: openai (for openai/gpt-5.5)" in res.out  # which model needs it
    assert "(not created yet)" in res.out
    assert "Providers: none" in res.out
    doc = StatusOutput.model_validate_json(cli("models", "status", "--json").out)
    assert doc.providers == [] and doc.storeExists is False


def test_other_agent_and_unknown_agent(cli, make_agent):
    make_agent("work")
    res = cli("models", "status", "--agent", "work", "--json")
    assert res.rc == 0
    assert StatusOutput.model_validate_json(res.out).agent == "work"
    res = cli("models", "status", "--agent", "nope")
    assert res.rc == 1
    assert res.err.startswith("openclaw: Agent \"nope\" not found")
    res = cli("models", "status", "--agent", "../../etc")
    assert res.rc == 1 and "Invalid agent id" in res.err


@pytest.mark.parametrize("mode", MODES)
def test_corrupt_store_is_one_line_exit_1(cli, make_agent, openclaw_files, mode):
    paths = make_agent(store=False)
    openclaw_files.write_raw(paths.store, b'{"version": 1, "profiles": {')
    res = cli("models", "status", "--check", *_args(mode))
    assert res.rc == 1
    assert res.out == ""
    assert res.err.startswith("openclaw: ") and str(paths.store) in res.err


def test_skipped_entries_are_reported_as_problems(cli, make_agent):
    store = copy.deepcopy(EXAMPLE_STORE)
    store["profiles"]["weird:x"] = {"type": "magic", "provider": "weird", "token": "sk-weird-secret-0123456789"}
    make_agent(store=store)
    res = cli("models", "status")
    assert "Problems:" in res.out and "weird:x" in res.out
    assert "sk-weird-secret" not in res.out
    doc = StatusOutput.model_validate_json(cli("models", "status", "--json").out)
    assert any("weird:x" in p for p in doc.problems)


def test_cooldown_and_unused_profiles_are_marked(cli, make_agent):
    store = copy.deepcopy(EXAMPLE_STORE)
    store["profiles"]["anthropic:old"] = {"type": "token", "provider": "anthropic",
                                          "token": ANTHROPIC_SETUP_TOKEN[::-1]}
    store["usageStats"]["anthropic:work"]["cooldownUntil"] = EXAMPLE_NOW_MS + 30 * 60_000
    make_agent(store=store)
    out = cli("models", "status").out
    work = next(li for li in out.splitlines() if "anthropic:work" in li and "token" in li)
    old = next(li for li in out.splitlines() if "anthropic:old" in li and "token" in li)
    assert "cooldown 30m" in work
    assert old.strip().startswith("-.") and "not in order" in old


def test_reused_claude_cli_login_is_listed_once_under_anthropic(cli, make_agent, cli_env):
    """`login --provider anthropic --method cli` stores provider `claude-cli` (OpenClaw's auth alias of
    anthropic): `models status` lists it, and every other anthropic profile, once, under anthropic."""
    from pathlib import Path

    from tests.conftest import write_json

    make_agent()
    write_json(Path(cli_env["HOME"]) / ".claude" / ".credentials.json", {"claudeAiOauth": {
        "accessToken": "sk-ant-oat01-claude-cli-access-" + "x" * 60, "refreshToken": "sk-ant-ort01-r" + "y" * 40,
        "expiresAt": EXAMPLE_NOW_MS + 8 * HOUR_MS}})
    res = cli("models", "auth", "login", "--provider", "anthropic", "--method", "cli")
    assert res.rc == 0 and "Saved anthropic:claude-cli for agent main" in res.out, res
    rows = [line.split("\t") for line in cli("models", "status", "--plain").out.splitlines()]
    ids = [r[1] for r in rows]
    assert sorted(ids) == sorted([*EXAMPLE_STORE["profiles"], "anthropic:claude-cli"])
    doc = StatusOutput.model_validate_json(cli("models", "status", "--json").out)
    anthropic = [p.id for prov in doc.providers if prov.provider == "anthropic" for p in prov.profiles]
    assert sorted(anthropic) == ["anthropic:claude-cli", "anthropic:work"]
    assert "claude-cli" not in [prov.provider for prov in doc.providers]
