"""Ours first on PATH, the real OpenClaw 2026.4.26 after it (as `npm install -g` leaves it: a `.bin/openclaw`
link to openclaw.mjs run by `node` from PATH): its own commands reach it, and answer as it answers when run
directly (issue 23)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.cli.conftest import OPENCLAW_CMD
from tests.interop.conftest import OpenClawPeer


def _banner_free(text: str) -> list[str]:
    """OpenClaw's output without its banner line (a tagline picked at random on each run)."""
    return [line for line in text.splitlines() if "OpenClaw 2026." not in line]


@pytest.mark.parametrize("args", [["gateway", "--help"], ["channels", "status"]])
def test_openclaws_commands_reach_it_through_ours(openclaw_peer: OpenClawPeer, tmp_path: Path,
                                                  args: list[str]) -> None:
    ours = tmp_path / "ours"
    ours.mkdir()
    (ours / "openclaw").symlink_to(OPENCLAW_CMD[0])
    real_bin = openclaw_peer.peers.prefix / "node_modules" / ".bin"
    assert (real_bin / "openclaw").exists()
    env = openclaw_peer.env
    env["PATH"] = os.pathsep.join([str(ours), str(real_bin), env["PATH"]])
    # Its banner carries a tagline picked at random (a holiday's in December, over two lines): hidden, so the
    # two runs can be compared line for line (it failed on 8 December with a Hanukkah line in one run only).
    env["OPENCLAW_HIDE_BANNER"] = "1"

    through_ours = subprocess.run([str(ours / "openclaw"), *args], capture_output=True, text=True, env=env,
                                  timeout=180, cwd=openclaw_peer.home, stdin=subprocess.DEVNULL)
    direct = subprocess.run([str(real_bin / "openclaw"), *args], capture_output=True, text=True, env=env,
                            timeout=180, cwd=openclaw_peer.home, stdin=subprocess.DEVNULL)
    assert through_ours.returncode == direct.returncode == 0, through_ours.stderr[-2000:]
    assert "invalid choice" not in through_ours.stderr
    assert _banner_free(through_ours.stdout) == _banner_free(direct.stdout)
    if args[0] == "gateway":
        assert "Usage: openclaw gateway" in through_ours.stdout
    else:
        assert f"Config: {openclaw_peer.state / 'openclaw.json'}" in through_ours.stdout
