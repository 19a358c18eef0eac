"""core.cli_imports: Codex CLI may only seed an empty openai-codex:default; Claude CLI -> anthropic:claude-cli."""

from __future__ import annotations

import json
import os

import pytest
from openclaw_onboard.core import cli_imports
from openclaw_onboard.core.errors import OpenClawError

from tests.conftest import CODEX_ACCESS_TOKEN, CODEX_EXPIRES_MS, make_jwt, write_json

ID_TOKEN = make_jwt({"email": "me@example.com",
                     "https://api.openai.com/auth": {"chatgpt_account_id": "acc_from_id"}})


@pytest.fixture
def codex_home(tmp_path, monkeypatch, state_dir):
    home = tmp_path / "codex-home"
    monkeypatch.setenv("CODEX_HOME", str(home))
    return home


def _write_codex(home, **tokens):
    data = {"OPENAI_API_KEY": None, "tokens": {"id_token": ID_TOKEN, "access_token": CODEX_ACCESS_TOKEN,
                                                "refresh_token": "rt_codex", **tokens},
            "last_refresh": "2025-12-31T19:00:00Z"}
    write_json(home / "auth.json", data)


def test_codex_cli_credential_from_auth_json(codex_home):
    _write_codex(codex_home, account_id="acc_0123456789")
    cred = cli_imports.codex_cli_credential()
    assert cred.provider == "openai-codex"
    assert (cred.access, cred.refresh) == (CODEX_ACCESS_TOKEN, "rt_codex")
    assert cred.expires_ms == CODEX_EXPIRES_MS  # from the access token's exp (seconds -> ms)
    assert cred.accountId == "acc_0123456789"
    assert cred.email == "me@example.com"
    assert cli_imports.codex_cli_available()


def test_codex_account_id_falls_back_to_the_tokens_claims(codex_home):
    _write_codex(codex_home)
    assert cli_imports.codex_cli_credential().accountId == "acc_0123456789"  # the access token's claim


@pytest.mark.parametrize("content", [None, b"{", b"[]", json.dumps({"OPENAI_API_KEY": "sk-x", "tokens": None}).encode(),
                                     json.dumps({"tokens": {"access_token": "a"}}).encode()])
def test_codex_cli_unavailable(codex_home, content):
    if content is not None:
        codex_home.mkdir()
        (codex_home / "auth.json").write_bytes(content)
    assert cli_imports.codex_cli_available() is False
    with pytest.raises(OpenClawError) as err:
        cli_imports.seed_codex_default()
    assert "Codex CLI" in str(err.value)


def test_seed_codex_default_only_into_an_empty_slot(codex_home, openclaw_files):
    _write_codex(codex_home)
    assert cli_imports.seed_codex_default() == "openai-codex:default"
    entry = openclaw_files.read_store()["profiles"]["openai-codex:default"]
    assert entry["refresh"] == "rt_codex" and entry["expires"] == CODEX_EXPIRES_MS
    assert openclaw_files.read_config()["auth"]["profiles"]["openai-codex:default"]["mode"] == "oauth"
    # Once a local profile exists, its refresh token is canonical: never copied over again.
    store_path = openclaw_files.paths().store
    raw = openclaw_files.read_store()
    raw["profiles"]["openai-codex:default"]["refresh"] = "rt_local_rotated"
    openclaw_files.write_store(raw)
    before = (store_path.read_bytes(), os.stat(store_path).st_mtime_ns)
    assert cli_imports.seed_codex_default() is None
    assert (store_path.read_bytes(), os.stat(store_path).st_mtime_ns) == before


def test_codex_cli_of_an_account_already_logged_in_is_not_copied_again(codex_home, openclaw_files):
    """Two profiles sharing one refresh token: refreshing one would log the other out (issue 12)."""
    from openclaw_onboard.core.errors import OpenClawError

    _write_codex(codex_home)
    cred = cli_imports.codex_cli_credential()
    openclaw_files.write_store({"version": 1, "profiles": {"openai-codex:me@example.com": {
        "type": "oauth", "provider": "openai-codex", "access": "a", "refresh": "rt_mine", "expires": 1,
        "accountId": cred.accountId, "email": "me@example.com"}}})
    before = openclaw_files.paths().store.read_bytes()
    with pytest.raises(OpenClawError, match=r"openai-codex:me@example\.com"):
        cli_imports.seed_codex_default()
    assert openclaw_files.paths().store.read_bytes() == before


def _write_claude(state_home, oauth):
    write_json(state_home / ".claude" / ".credentials.json", {"claudeAiOauth": oauth})


def test_import_claude_cli_with_refresh_token_is_oauth(state_dir, openclaw_files, tmp_path):
    _write_claude(tmp_path / "home", {"accessToken": "sk-ant-oat01-claude", "refreshToken": "sk-ant-ort01-r",
                                      "expiresAt": CODEX_EXPIRES_MS, "scopes": ["user:inference"],
                                      "subscriptionType": "max"})
    assert cli_imports.claude_cli_available()
    assert cli_imports.import_claude_cli() == "anthropic:claude-cli"
    entry = openclaw_files.read_store()["profiles"]["anthropic:claude-cli"]
    # As OpenClaw 4.26's anthropic-cli choice: provider claude-cli (an auth alias of anthropic).
    assert entry == {"type": "oauth", "provider": "claude-cli", "access": "sk-ant-oat01-claude",
                     "refresh": "sk-ant-ort01-r", "expires": CODEX_EXPIRES_MS}
    assert openclaw_files.read_config()["auth"]["profiles"]["anthropic:claude-cli"]["mode"] == "oauth"


def test_import_claude_cli_without_refresh_token_is_a_token(state_dir, openclaw_files, tmp_path):
    _write_claude(tmp_path / "home", {"accessToken": "sk-ant-oat01-claude", "expiresAt": CODEX_EXPIRES_MS})
    cli_imports.import_claude_cli()
    entry = openclaw_files.read_store()["profiles"]["anthropic:claude-cli"]
    assert entry == {"type": "token", "provider": "claude-cli", "token": "sk-ant-oat01-claude",
                     "expires": CODEX_EXPIRES_MS}
    assert openclaw_files.read_config()["auth"]["profiles"]["anthropic:claude-cli"]["mode"] == "token"


def test_claude_config_dir_override(state_dir, monkeypatch, tmp_path, openclaw_files):
    other = tmp_path / "claude-dir"
    write_json(other / ".credentials.json", {"claudeAiOauth": {"accessToken": "tok-from-override"}})
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(other))
    cli_imports.import_claude_cli()
    assert openclaw_files.read_store()["profiles"]["anthropic:claude-cli"]["token"] == "tok-from-override"


@pytest.mark.parametrize("content", [None, {"claudeAiOauth": None}, {"claudeAiOauth": {"refreshToken": "r"}},
                                     {"other": 1}])
def test_claude_cli_unavailable(state_dir, tmp_path, content):
    if content is not None:
        write_json(tmp_path / "home" / ".claude" / ".credentials.json", content)
    assert cli_imports.claude_cli_available() is False
    with pytest.raises(OpenClawError):
        cli_imports.import_claude_cli()
    assert not (state_dir / "agents").exists()
