"""`openclaw models auth login --provider github-copilot` against GitHub's device endpoints on loopback
(tests/integration/test_copilot_login.py has the flow's waits and endings)."""

from __future__ import annotations

import json
from pathlib import Path

from openclaw_onboard.core.oauth.copilot import CLIENT_ID

from tests.support.github_device_server import GitHubDeviceServer

TOKEN = "gho_" + "T0kenValue" * 4


def test_the_cli_login_stores_the_token_as_openclaw_does(cli, state_dir: Path) -> None:
    with GitHubDeviceServer(polls=[{"access_token": TOKEN, "token_type": "bearer", "scope": "read:user"}]) as gh:
        res = cli("models", "auth", "login", "--provider", "github-copilot", env=gh.env(), one_line=False)
    assert res.rc == 0, res.err
    assert f"Visit: http://127.0.0.1:{gh.port}/login/device" in res.out and "Code: ABCD-1234" in res.out
    assert TOKEN not in res.out + res.err
    saved = json.loads((state_dir / "agents" / "main" / "agent" / "auth-profiles.json").read_text())
    assert saved["profiles"]["github-copilot:github"] == {"type": "token", "provider": "github-copilot",
                                                          "token": TOKEN}
    cfg = json.loads((state_dir / "openclaw.json").read_text())
    assert cfg["auth"]["profiles"]["github-copilot:github"] == {"provider": "github-copilot", "mode": "token"}
    (path, form), (path2, poll) = gh.requests
    assert path == "/login/device/code" and form == {"client_id": CLIENT_ID, "scope": "read:user"}
    assert path2 == "/login/oauth/access_token" and poll == {
        "client_id": CLIENT_ID, "device_code": "dev-123",
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code"}
