"""Reusing other CLIs' logins.

Codex CLI (`$CODEX_HOME/auth.json`) may only seed an empty `openai-codex:default`: once a local
profile exists, the local refresh token is canonical (copying again would burn one of them).
Claude CLI (`~/.claude/.credentials.json`) becomes `anthropic:claude-cli` with provider `claude-cli`,
as OpenClaw 4.26's "anthropic-cli" choice stores it: oauth when it has a refresh token, a plain token
otherwise. It stays Claude Code's login: a refresh re-reads the CLI's file (core.refresh), it never
spends the copied refresh token.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from openclaw_onboard.core import fsio, profiles
from openclaw_onboard.core import store as store_mod
from openclaw_onboard.core.errors import OpenClawError, StoreCorruptError
from openclaw_onboard.core.models import (
    AuthProfileStore,
    ClaudeCliCredentials,
    CodexCliAuth,
    OAuthCredential,
    TokenCredential,
)
from openclaw_onboard.core.oauth import jwt
from openclaw_onboard.core.paths import claude_cli_credentials_path, codex_cli_auth_path

CODEX_DEFAULT_ID = "openai-codex:default"
CLAUDE_CLI_ID = "anthropic:claude-cli"
# OpenClaw 4.26 keeps the Claude CLI login under its own provider id (an auth alias of anthropic).
CLAUDE_CLI_PROVIDER = "claude-cli"


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
    if store_codex_default(cred, agent_id, state) is None:
        return None
    from openclaw_onboard.core import config as config_mod

    config_mod.register_profile(CODEX_DEFAULT_ID, "openai-codex", "oauth", cred.email, state)
    return CODEX_DEFAULT_ID


def store_codex_default(cred: OAuthCredential, agent_id: str = "main", state: Path | None = None) -> str | None:
    """Only the store part of seed_codex_default (core.usecases writes openclaw.json after its preflight)."""

    def mutate(s: AuthProfileStore) -> bool:
        if CODEX_DEFAULT_ID in s.profiles or same_account(s, cred) is not None:
            return False
        s.profiles[CODEX_DEFAULT_ID] = cred
        s.model_fields_set.add("profiles")
        return True

    if not store_mod.update(mutate, agent_id, state):
        existing = same_account(store_mod.load(agent_id, state).store, cred)
        if existing is not None and existing != CODEX_DEFAULT_ID:
            # Two profiles would share one refresh token: refreshing one would log the other out.
            raise OpenClawError(f"The Codex CLI login is the account of {existing}, which this agent already has; "
                                "nothing was copied (its own refresh token stays the one in use)")
        return None
    return CODEX_DEFAULT_ID


def same_account(store: AuthProfileStore, cred: OAuthCredential) -> str | None:
    """An existing openai-codex profile of the same account (accountId, else email), if any."""
    for pid, other in store.profiles.items():
        if not isinstance(other, OAuthCredential) or other.provider != cred.provider:
            continue
        if cred.accountId and other.accountId:
            if cred.accountId == other.accountId:
                return pid
        elif cred.email and other.email and cred.email.lower() == other.email.lower():
            return pid
    return None


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
        return OAuthCredential(provider=CLAUDE_CLI_PROVIDER, access=oauth.accessToken, refresh=oauth.refreshToken,
                               expires=expires)
    cred = TokenCredential(provider=CLAUDE_CLI_PROVIDER, token=oauth.accessToken)
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
    return profiles.save_credential(CLAUDE_CLI_ID, cred, agent_id, state)
