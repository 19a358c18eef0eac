"""`openclaw models auth refresh` through core.refresh against the loopback OAuth test server."""

from __future__ import annotations

import subprocess

import pytest

from tests.cli.conftest import OPENCLAW_CMD, ROOT, Result, check_invariants


@pytest.fixture
def refresh_cli(cli, srv):  # type: ignore[no-untyped-def]
    def run(*args: str, **kw) -> Result:  # type: ignore[no-untyped-def]
        env = srv.env(kw.pop("env", {}), OPENCLAW_NOW_MS="")  # the server's tokens use the real clock
        return cli("models", "auth", "refresh", *args, env=env, **kw)

    return run


def test_stale_refreshes_once_then_fresh_then_force(srv, refresh_cli, state_dir):
    pid = srv.write_expired_profile(state_dir)
    srv.reset_counters()

    res = refresh_cli("--profile-id", pid)
    assert res.rc == 0, res.err
    assert res.out.strip() == f"{pid}: refreshed, expires in 59m"
    assert srv.token_calls == 1

    res = refresh_cli("--profile-id", pid)
    assert res.rc == 0
    assert res.out.strip() == f"{pid}: still valid, expires in 59m"
    assert srv.token_calls == 1  # fresh: no call

    res = refresh_cli("--profile-id", pid, "--force")
    assert res.rc == 0
    assert res.out.strip().startswith(f"{pid}: refreshed")
    assert srv.token_calls == 2


def test_all_oauth_profiles_of_the_agent(srv, refresh_cli, state_dir, make_agent):
    make_agent("work", store=False)
    a = srv.write_expired_profile(state_dir, "work", email="a@example.com")
    b = srv.write_expired_profile(state_dir, "work", email="b@example.com", expired_ms_ago=-3 * 3_600_000)  # fresh
    srv.reset_counters()
    res = refresh_cli("--agent", "work")
    assert res.rc == 0, res.err
    assert sorted(res.out.splitlines()) == sorted([f"{a}: refreshed, expires in 59m",
                                                   f"{b}: still valid, expires in 2h"])
    assert srv.token_calls == 1
    res = refresh_cli("--agent", "work", "--force")
    assert srv.token_calls == 3


def test_concurrent_refreshes_make_one_token_call(srv, state_dir, cli_env):
    pid = srv.write_expired_profile(state_dir)
    srv.reset_counters()
    env = srv.env(cli_env, OPENCLAW_NOW_MS="")
    procs = [subprocess.Popen([*OPENCLAW_CMD, "models", "auth", "refresh", "--profile-id", pid], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(6)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * 6, outs
    assert srv.token_calls == 1
    assert sum("refreshed" in out for out, _ in outs) == 1
    assert sum("still valid" in out for out, _ in outs) == 5


def test_revoked_refresh_token_needs_relogin(srv, refresh_cli, state_dir):
    pid = srv.write_expired_profile(state_dir)
    srv.revoke_all()
    res = refresh_cli("--profile-id", pid)
    assert res.rc == 1
    assert res.err.startswith(f"openclaw: {pid}: ")
    assert "openclaw models auth login --provider openai-codex --agent main" in res.err


def test_server_error_is_one_line(srv, refresh_cli, state_dir):
    pid = srv.write_expired_profile(state_dir)
    srv.fail_next_token(503, "down for maintenance")
    res = refresh_cli("--profile-id", pid)
    assert res.rc == 1
    assert res.err.startswith(f"openclaw: {pid}: Could not refresh")


def test_refresh_errors(refresh_cli, make_agent):
    make_agent()
    res = refresh_cli("--profile-id", "anthropic:work")
    assert res.rc == 1 and "only OAuth profiles can be refreshed" in res.err
    res = refresh_cli("--profile-id", "nope:x")
    assert res.rc == 1 and res.err.strip() == 'openclaw: Auth profile "nope:x" not found.'


def test_refresh_without_oauth_profiles(refresh_cli, make_agent):
    make_agent(store={"version": 1, "profiles": {}})
    res = refresh_cli()
    assert (res.rc, res.out.strip()) == (0, "Nothing to refresh: agent main has no OAuth profiles.")


def test_refresh_output_has_no_secrets(srv, refresh_cli, state_dir, openclaw_files):
    pid = srv.write_expired_profile(state_dir)
    res = refresh_cli("--profile-id", pid)
    check_invariants(res, ("refresh",))
    profile = openclaw_files.read_store()["profiles"][pid]
    for secret in (profile["access"], profile["refresh"], profile["idToken"]):
        assert secret not in res.out + res.err
