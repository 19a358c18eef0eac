"""A Codex login names its profile as OpenClaw 2026.4.26 does: our identity against its own
`resolveCodexAuthIdentity`, on the same tokens (hand-made claims, and the tokens of a real login of ours
against the loopback OAuth server)."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path
from typing import Any

from openclaw_onboard.core import store
from openclaw_onboard.core.models import OAuthCredential
from openclaw_onboard.core.oauth.identity import codex_identity
from openclaw_onboard.core.oauth.login import CodexLoginSession

from tests.interop.conftest import OpenClawPeer
from tests.support.follow_redirect import fetch
from tests.support.oauth_server import AUTH_CLAIM, PROFILE_CLAIM, make_jwt

SCRIPT = Path(__file__).with_name("oc_codex_identity.mjs")
ISS = "https://auth.openai.com"


def theirs(peer: OpenClawPeer, tokens: list[str]) -> list[dict[str, Any]]:
    res = subprocess.run([str(peer.peers.node), str(SCRIPT)], input=json.dumps(tokens), capture_output=True,
                         text=True, env=peer.env, timeout=120, cwd=peer.home)
    assert res.returncode == 0, res.stderr[-2000:]
    return json.loads(res.stdout)


CLAIMS: list[dict[str, Any]] = [
    {PROFILE_CLAIM: {"email": "me@example.com"}, "sub": "s1", "iss": ISS},
    {PROFILE_CLAIM: {"email": "  Padded.Name+tag@Example.org\u00a0"}, "sub": "s1"},
    {PROFILE_CLAIM: {"email": ""}, "sub": "only-sub"},
    {PROFILE_CLAIM: {"email": 42}, AUTH_CLAIM: {"chatgpt_account_id": "acc"}, "sub": "s", "iss": ISS},
    {AUTH_CLAIM: {"chatgpt_account_user_id": "user-abc__acc-1", "chatgpt_user_id": "u", "user_id": "x"}},
    {AUTH_CLAIM: {"chatgpt_user_id": " user-9 ", "user_id": "x"}, "sub": "s"},
    {AUTH_CLAIM: {"user_id": "user-only"}, "sub": "s", "iss": ISS},
    {AUTH_CLAIM: {"chatgpt_account_user_id": "  "}, "sub": "auth0|abc", "iss": ISS},
    {"sub": "google-oauth2|1234567890"},
    {"sub": "\ufeffbom-and-ünïcödé-😀\u3000"},
    {"iss": ISS},
    {},
]


def test_our_identity_is_openclaws_on_the_same_tokens(openclaw_peer: OpenClawPeer) -> None:
    tokens = [make_jwt(c) for c in CLAIMS] + ["not-a-jwt", "a.b.c"]
    expected = theirs(openclaw_peer, tokens)
    ours = [codex_identity(t) for t in tokens]
    assert [{"email": i.email, "profileName": i.profile_name} for i in ours] == expected
    # The fallbacks are really exercised (a subject id, and no identity at all), not only emails.
    assert any((e["profileName"] or "").startswith("id-") for e in expected) and expected[-1]["profileName"] is None


async def test_a_login_of_ours_is_the_profile_openclaw_would_name(srv: Any, openclaw_peer: OpenClawPeer) -> None:
    """Both ways OpenClaw names a login: by the access token's email, and (no email) by the subject."""
    state = openclaw_peer.state
    srv.configure(access_extra={AUTH_CLAIM: {"chatgpt_account_user_id": "user-xyz__acc_test_123"}})
    for email in ("me@example.com", None):
        srv.configure(email=email)
        session = CodexLoginSession(state=state, env=srv.env({"SSH_TTY": "/dev/pts/0"}), timeout_s=20.0)
        start = await session.start()
        status, location, _ = await asyncio.to_thread(fetch, start.url)
        assert status == 302 and location
        session.submit_paste(location)
        result = await session.result()
        assert srv.stats()["last_authorize_params"]["originator"] == "openclaw"
        cred = store.load(state=state).store.profiles[result.profile_id]
        assert isinstance(cred, OAuthCredential)
        (identity,) = theirs(openclaw_peer, [cred.access])
        assert result.profile_id == f"openai-codex:{identity['profileName'] or 'default'}"
        assert result.email == identity["email"] == email == cred.email
    assert set(store.load(state=state).store.profiles) == {
        "openai-codex:me@example.com", "openai-codex:id-dXNlci14eXpfX2FjY190ZXN0XzEyMw"}
