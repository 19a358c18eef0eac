"""Never harm a SQLite-era state dir: every command that would still write OpenClaw 2026.4's files (a browser
login, a refresh, a new agent) refuses, in one line, before it writes, locks or creates anything (issue: OpenClaw
2026.9.x keeps credentials in SQLite). The commands that change a store write 9.x's databases instead
(tests/cli/test_sqlite_era_write.py)."""

from __future__ import annotations

import pytest

from tests.support.sqlite_era import make_sqlite_state, tree

TOKEN = "sk-or-v1-" + "RecognisablePastedSecret0123456789" * 2
SIDECARS = {"state/openclaw.sqlite-shm", "state/openclaw.sqlite-wal"}

WRITERS = [
    (("models", "auth", "login", "--provider", "openai-codex", "--no-browser"), ""),
    (("models", "auth", "login", "--provider", "openai-codex", "--method", "device-code", "--no-browser"), ""),
    (("agents", "add", "work", "--copy-auth-from", "main"), None),
]


@pytest.mark.parametrize(("args", "stdin"), WRITERS, ids=[" ".join(a[:4]) for a, _ in WRITERS])
def test_a_writing_command_refuses_a_sqlite_era_dir(cli, state_dir, args, stdin) -> None:
    make_sqlite_state(state_dir, {"openrouter:manual": {"type": "token", "provider": "openrouter", "token": TOKEN}})
    before = tree(state_dir)
    # A closed loopback port as the issuer: were the guard gone, a login would still never leave the machine.
    res = cli(*args, input=stdin, env={"OPENCLAW_CODEX_ISSUER": "http://127.0.0.1:9"})
    assert res.rc == 1, (res.out, res.err)
    assert len(res.err_lines) == 1, res.err  # refused before any prompt or login text
    assert "Nothing was changed" in res.err
    if "--copy-auth-from" not in args:
        assert "SQLite era (2026.9.6)" in res.err and "AUTH_PROFILE_MIGRATION_REQUIRED" in res.err
    after = tree(state_dir)
    assert {k: v for k, v in after.items() if k not in SIDECARS} == \
        {k: v for k, v in before.items() if k not in SIDECARS}
    assert TOKEN not in res.out + res.err


def test_doctor_fix_writes_no_file_era_file_into_a_sqlite_era_dir(cli, state_dir) -> None:
    make_sqlite_state(state_dir)
    (state_dir / "credentials").mkdir(mode=0o700)
    (state_dir / "credentials" / "oauth.json").write_text('{"anthropic": {"type": "token", "token": "t"}}')
    cli("doctor", "--fix", one_line=False)
    assert not (state_dir / "agents" / "main" / "agent" / "auth-profiles.json").exists()
    assert not list(state_dir.rglob("auth-profiles.json*"))
