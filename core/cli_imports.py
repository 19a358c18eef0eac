"""Reusing other CLIs' logins.

Codex CLI (`$CODEX_HOME/auth.json`) may only seed an empty `openai-codex:default`: once a local
profile exists, the local refresh token is canonical (copying again would burn one of them).
Claude CLI (`~/.claude/.credentials.json`) becomes `anthropic:claude-cli`: oauth when it has a
refresh token, a plain token otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from core import fsio, profiles
from core import store as store_mod
from core.errors import OpenClawError, StoreCorruptError
from core.models import AuthProfileStore, ClaudeCliCredentials, CodexCliAuth, OAuthCredential, TokenCredential
from core.oauth import jwt
from core.paths import claude_cli_credentials_path, codex_cli_auth_path

CODEX_DEFAULT_ID = "openai-codex:default"
CLAUDE_CLI_ID = "anthropic:claude-cli"


def read_codex_cli(env: Mapping[str, str] | None = None) -> CodexCliAuth | None:
    path = codex_cli_auth_path(env)
    try:
        raw = fsio.read_json_object(path)
        return None if raw is None else CodexCliAuth.model_validate(raw)
    except (StoreCorruptError, ValueError):
        return None


def codex_cli_credential(env: Mapping[str, str] | None = None) -> OAuthCredential | None:
    auth = read_codex_cli(env)
    tokens = auth.tokens if auth else None
    if not tokens or not tokens.access_token or not tokens.refresh_token:
        return None
    account = tokens.account_id or jwt.account_id_from_tokens(tokens.access_token, tokens.id_token)
    cred = OAuthCredential(provider="openai-codex", access=tokens.access_token, refresh=tokens.refresh_token,
                           expires=jwt.expiry_ms_from(tokens.access_token))
    if account:
        cred.accountId = account
    email = jwt.email_from(tokens.id_token)
    if email:
        cred.email = email
    return cred


def codex_cli_available(env: Mapping[str, str] | None = None) -> bool:
    return codex_cli_credential(env) is not None


def seed_codex_default(agent_id: str = "main", state: Path | None = None,
                       env: Mapping[str, str] | None = None) -> str | None:
    """Copy the Codex CLI login into `openai-codex:default` if that slot is empty. Returns the id or None."""
    cred = codex_cli_credential(env)
    if cred is None:
        raise OpenClawError(f"No usable Codex CLI login found in {codex_cli_auth_path(env)}")

    def mutate(s: AuthProfileStore) -> bool:
        if CODEX_DEFAULT_ID in s.profiles:
            return False
        s.profiles[CODEX_DEFAULT_ID] = cred
        s.model_fields_set.add("profiles")
        return True

    if not store_mod.update(mutate, agent_id, state):
        return None
    from core import config as config_mod

    config_mod.register_profile(CODEX_DEFAULT_ID, "openai-codex", "oauth", cred.email, state)
    return CODEX_DEFAULT_ID


def read_claude_cli(env: Mapping[str, str] | None = None) -> ClaudeCliCredentials | None:
    path = claude_cli_credentials_path(env)
    try:
        raw = fsio.read_json_object(path)
        return None if raw is None else ClaudeCliCredentials.model_validate(raw)
    except (StoreCorruptError, ValueError):
        return None


def claude_cli_credential(env: Mapping[str, str] | None = None) -> OAuthCredential | TokenCredential | None:
    creds = read_claude_cli(env)
    oauth = creds.claudeAiOauth if creds else None
    if not oauth or not oauth.accessToken:
        return None
    expires = int(oauth.expiresAt) if oauth.expiresAt else None
    if oauth.refreshToken:
        return OAuthCredential(provider="anthropic", access=oauth.accessToken, refresh=oauth.refreshToken,
                               expires=expires)
    cred = TokenCredential(provider="anthropic", token=oauth.accessToken)
    if expires:
        cred.expires = expires
    return cred


def claude_cli_available(env: Mapping[str, str] | None = None) -> bool:
    return claude_cli_credential(env) is not None


def import_claude_cli(agent_id: str = "main", state: Path | None = None,
                      env: Mapping[str, str] | None = None) -> str:
    cred = claude_cli_credential(env)
    if cred is None:
        raise OpenClawError(f"No usable Claude CLI login found in {claude_cli_credentials_path(env)}")
    if isinstance(cred, OAuthCredential):
        return profiles.add_oauth(cred, CLAUDE_CLI_ID, agent_id, state)
    return profiles.save_credential(CLAUDE_CLI_ID, cred, agent_id, state)
