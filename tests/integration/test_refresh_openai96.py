"""9.x's ChatGPT logins (provider `openai` since 8.1's doctor rewrote `openai-codex:*`) refreshed by core.refresh in
the SQLite era, against the loopback OAuth server: at the Codex token endpoint, writing what 9.6's openai plugin
writes (refreshOpenAICodexOAuthCredential: accountId and chatgptPlanType from the new access token, the profile
claim's email else the stored one, the stored id token left as it was). tests/interop/test_refresh_race96.py
proves the same field for field against the real 9.6. In the file era an `openai` OAuth login stays unrefreshed,
as before (4.26 has none)."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from openclaw_onboard.core import store
from openclaw_onboard.core.models import AuthProfileStore, OAuthCredential
from openclaw_onboard.core.refresh import RefreshError, ensure_fresh

from tests.support.oauth_server import OAuthTestServer
from tests.support.sqlite_era import make_sqlite_state

PID = "openai:me@example.com"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, srv: OAuthTestServer) -> OAuthTestServer:
    for key, value in srv.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OPENCLAW_NOW_MS", raising=False)
    return srv


def _login(srv: OAuthTestServer) -> dict[str, Any]:
    tokens = srv.mint_tokens(email="me@example.com")
    return {"type": "oauth", "provider": "openai", "access": tokens["access_token"],
            "refresh": tokens["refresh_token"], "expires": int(time.time() * 1000) - 60_000,
            "email": "me@example.com", "accountId": "acc_test_123", "idToken": "stored-id-token",
            "displayName": "Me"}


def _raw(state: Path) -> dict[str, Any]:
    conn = sqlite3.connect(f"file:{state / 'state' / 'openclaw.sqlite'}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT value_json FROM config_machine_state WHERE state_key = 'authProfiles.store'")
        return json.loads(row.fetchone()[0])["profiles"][PID]
    finally:
        conn.close()


def test_an_openai_login_is_refreshed_with_9_6s_fields(env: OAuthTestServer, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    before = _login(env)
    state = make_sqlite_state(tmp_path / "state", {PID: before})
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(state))
    at = int(time.time() * 1000)
    result = ensure_fresh(PID, state=state)
    after = _raw(state)
    assert result.refreshed and env.token_calls == 1
    assert env.stats()["last_token_request"]["path"] == "/oauth/token"  # the Codex endpoint
    assert after["access"] != before["access"] and env.is_active_refresh(after["refresh"])
    assert after["expires"] >= at + 3600_000 - 5_000 and isinstance(after["expires"], int)
    assert {k: v for k, v in after.items() if k not in ("access", "refresh", "expires")} == {
        "type": "oauth", "provider": "openai", "email": "me@example.com", "accountId": "acc_test_123",
        "idToken": "stored-id-token", "displayName": "Me", "chatgptPlanType": "plus"}


def test_an_account_switch_in_the_answer_is_refused(env: OAuthTestServer, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    state = make_sqlite_state(tmp_path / "state", {PID: _login(env)})
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(state))
    env.configure(account_id="acc_someone_else")
    with pytest.raises(RefreshError, match="different account"):
        ensure_fresh(PID, state=state)
    assert _raw(state)["accountId"] == "acc_test_123"


def test_the_file_era_keeps_its_providers(env: OAuthTestServer, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    monkeypatch.setenv("OPENCLAW_STATE_DIR", str(state))
    login = _login(env)

    def add(s: AuthProfileStore) -> None:
        s.profiles[PID] = OAuthCredential(**{k: v for k, v in login.items() if k != "type"})
    store.update(add, state=state)
    with pytest.raises(RefreshError, match="not supported"):
        ensure_fresh(PID, state=state)
    assert env.token_calls == 0
