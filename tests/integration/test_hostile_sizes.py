"""Issue 11.6: oversize input is refused before anything is written; a store always stays loadable and
`remove` always works."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from openclaw_onboard.core import fsio, profiles
from openclaw_onboard.core.errors import ValidationError
from openclaw_onboard.core.models import OAuthCredential
from openclaw_onboard.core.paths import agent_paths

from tests.support.hardening import OR_SECRET, cli_env, run_cli


def _env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    home = tmp_path / "home"
    home.mkdir()
    state = tmp_path / "state"
    return cli_env(state, home), state


@pytest.mark.parametrize("size", [17 * 1024 * 1024, 20_000], ids=["17MB", "20KB"])
def test_a_huge_pasted_token_is_refused_and_the_store_stays_usable(tmp_path: Path, size: int) -> None:
    env, state = _env(tmp_path)
    assert run_cli(["models", "auth", "paste-token", "--provider", "openrouter", "--profile-id", "openrouter:ok"],
                   env, stdin=OR_SECRET).rc == 0
    res = run_cli(["models", "auth", "paste-token", "--provider", "openrouter", "--profile-id", "openrouter:big"],
                  env, stdin="A" * size)
    assert res.rc == 1 and len(res.err.strip().splitlines()) == 1, res.err
    assert "longer than any" in res.err or "that is not a token" in res.err
    store_path = agent_paths("main", state).store
    assert store_path.stat().st_size < 64 * 1024
    status = run_cli(["models", "status", "--check"], env)
    # Exit 1 only because OpenClaw's default model (openai/gpt-5.5) has no auth here, as OpenClaw says.
    assert status.rc == 1 and "Missing auth: openai" in status.out and "Problems" not in status.out
    assert "openrouter:ok" in status.out and "openrouter:big" not in status.out
    assert run_cli(["models", "auth", "remove", "--profile-id", "openrouter:ok", "--yes"], env).rc == 0


def test_an_oversize_oauth_credential_is_refused_before_writing(tmp_path: Path) -> None:
    cred = OAuthCredential(provider="openai-codex", access="a" * (20 * 1024 * 1024), refresh="r", expires=1)
    with pytest.raises(ValidationError, match="access"):
        profiles.add_oauth(cred, "openai-codex:big", state=tmp_path)
    assert not agent_paths("main", tmp_path).store.exists()


def test_a_file_larger_than_readers_accept_is_never_written(tmp_path: Path) -> None:
    target = tmp_path / "x.json"
    with pytest.raises(ValidationError, match="nothing was written"):
        fsio.atomic_write_bytes(target, b" " * (fsio.MAX_JSON_BYTES + 1))
    assert not target.exists() and not [p for p in os.listdir(tmp_path) if p.startswith(fsio.TEMP_PREFIX)]
