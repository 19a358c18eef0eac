"""Issue 11.3 and 11.7 in the Codex login: an id_token email that is no plain address never names a profile;
a save that fails after the code was exchanged says so plainly and names the login command."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from openclaw_onboard.core import store
from openclaw_onboard.core.oauth.login import CodexLoginSession, LoginError

from tests.support.follow_redirect import fetch
from tests.support.oauth_server import OAuthTestServer

DEADLINE_S = 20.0
LOGIN = "openclaw models auth login --provider openai-codex --agent main"


@pytest.fixture(scope="module")
def srv() -> Iterator[OAuthTestServer]:
    with OAuthTestServer() as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh(srv: OAuthTestServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    srv.configure(email="me@example.com", account_id="acc_test_123", account_in_access=True, token_lifetime_s=3600)
    yield
    srv.configure(email="me@example.com")


async def _login(srv: OAuthTestServer, state: Path):  # type: ignore[no-untyped-def]
    session = CodexLoginSession(state=state, env=srv.env({"SSH_TTY": "/dev/pts/0"}), timeout_s=DEADLINE_S)
    start = await session.start()
    status, location, _ = await asyncio.to_thread(fetch, start.url)
    assert status == 302 and location
    q = dict(p.split("=", 1) for p in urlsplit(location).query.split("&"))
    await asyncio.to_thread(session.submit_paste, f"{q['code']}#{q['state']}")
    return await session.result()


@pytest.mark.parametrize("email", ["x;touch pwned@evil.example", "../../etc@x.y", "a\x1b]0;t\x07@x.y",
                                  "me@x.y\u202e", "a b@c.d"])
async def test_a_hostile_email_claim_never_names_the_profile(srv: OAuthTestServer, tmp_path: Path,
                                                             email: str) -> None:
    srv.configure(email=email)
    result = await _login(srv, tmp_path / "state")
    # The subject form instead (OpenClaw would use the address; a plain id is the point of issue 11.7).
    assert result.profile_id.startswith("openai-codex:id-") and result.email is None
    assert result.profile_id[len("openai-codex:id-"):].replace("-", "").replace("_", "").isalnum()
    cred = store.load(state=tmp_path / "state").store.profiles[result.profile_id]
    assert cred.email is None and cred.refresh


async def test_enospc_while_saving_a_login_says_so_and_names_the_command(srv: OAuthTestServer,
                                                                         tmp_path: Path) -> None:
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k,mode=0700", "tmpfs", str(mnt)], check=True)
    try:
        state = mnt / "state"
        (state / "agents" / "main" / "agent").mkdir(parents=True, mode=0o700)
        for d in (state, state / "agents", state / "agents" / "main"):
            d.chmod(0o700)
        filler = mnt / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while os.write(fd, b"\0" * 1024):
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        with pytest.raises(LoginError) as err:
            await _login(srv, state)
        msg = str(err.value)
        assert "could not be saved" in msg and "No space left on device" in msg and LOGIN in msg, msg
        assert "\n" not in msg
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


async def test_error_text_from_the_redirect_is_one_clean_line(srv: OAuthTestServer, tmp_path: Path) -> None:
    from tests.support.oauth_server import read_browser_log

    log = tmp_path / "browser.jsonl"
    srv.set_next_authorize_error("access_denied\x1b]0;T\x07", "line one\nline two \x1b]52;c;cHduZWQ=\x07\u202e")
    session = CodexLoginSession(state=tmp_path / "state", env=srv.login_env(browser_log=log), timeout_s=DEADLINE_S)
    await session.start()
    with pytest.raises(LoginError) as err:
        await session.result()
    await asyncio.to_thread(read_browser_log, log)
    msg = str(err.value)
    assert "access_denied" in msg and "line one" in msg
    assert all(c.isprintable() for c in msg), repr(msg)
