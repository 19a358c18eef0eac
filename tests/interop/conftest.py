"""Side by side with the real OpenClaw 2026.4.26 (installed by tests/interop/peers.py).

`openclaw_peer` runs OpenClaw on the test's state dir: its CLI (`peer.cli(...)`) and its own store
functions through `oc_bridge.mjs` (`peer.bridge(...)` to completion, `peer.start(...)` for a process
that keeps running). Our side runs as real processes too (`ours(...)`: the `openclaw` console script).
If the peers cannot be installed the tests fail: they are never skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import OPENCLAW_CMD, ROOT, base_env
from tests.interop.peers import OPENCLAW_SQLITE_VERSION, Peers, ensure_peers

BRIDGE = Path(__file__).with_name("oc_bridge.mjs")


@pytest.fixture(scope="session")
def peers() -> Peers:
    return ensure_peers()


@pytest.fixture(scope="session")
def _openclaw_dist(peers: Peers) -> dict[str, str]:
    """PATH (the real `openclaw` first) and OPENCLAW_DIST, for tests that run the CLI by name."""
    bin_dir = peers.prefix / "node_modules" / ".bin"
    return {"PATH": os.pathsep.join([str(bin_dir), str(peers.node.parent), os.environ.get("PATH", "")]),
            "OPENCLAW_DIST": str(peers.dist)}


@dataclass
class RunningBridge:
    proc: subprocess.Popen[str]
    lines: list[dict[str, Any]] = field(default_factory=list)

    def read(self, timeout: float = 120) -> dict[str, Any]:
        """The next JSON line the bridge prints (blocking; the process reports, we never sleep)."""
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise AssertionError(f"openclaw bridge ended without output: {err[-2000:]}")
        value = json.loads(line)
        self.lines.append(value)
        return value

    def finish(self, timeout: float = 300) -> int:
        if self.proc.stdin and not self.proc.stdin.closed:
            self.proc.stdin.close()
        return self.proc.wait(timeout)


@dataclass
class OpenClawPeer:
    peers: Peers
    state: Path
    home: Path
    _running: list[subprocess.Popen[str]] = field(default_factory=list)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENCLAW_", "npm_"))}
        env.update({
            "HOME": str(self.home),
            "OPENCLAW_STATE_DIR": str(self.state),
            "OPENCLAW_DIST": str(self.peers.dist),
            "PATH": f"{self.peers.node.parent}{os.pathsep}{env.get('PATH', '')}",
            "npm_config_offline": "true",
            "OPENCLAW_DISABLE_BUNDLED_PLUGINS": "1",
            "NO_COLOR": "1",
            "FORCE_COLOR": "0",
        })
        return env

    def agent_dir(self, agent_id: str = "main") -> str:
        return str(self.state / "agents" / agent_id / "agent")

    def cli(self, *args: str, timeout: float = 180, input: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        stdin = {"input": input} if input is not None else {"stdin": subprocess.DEVNULL}
        return subprocess.run([str(self.peers.node), str(self.peers.cli), *args], capture_output=True, text=True,
                              env=env or self.env, timeout=timeout, cwd=self.home,
                              **stdin)  # type: ignore[call-overload]

    def cli_json(self, *args: str) -> Any:
        res = self.cli(*args, "--json")
        assert res.stdout.strip(), f"openclaw {' '.join(args)} printed nothing: rc={res.returncode} {res.stderr}"
        return json.loads(res.stdout[res.stdout.index("{"):] if "{" in res.stdout else res.stdout)

    def start(self, *args: str) -> RunningBridge:
        proc = subprocess.Popen([str(self.peers.node), str(BRIDGE), *args], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env,
                                cwd=self.home)
        self._running.append(proc)
        return RunningBridge(proc)

    def bridge(self, *args: str, timeout: float = 300) -> list[dict[str, Any]]:
        res = subprocess.run([str(self.peers.node), str(BRIDGE), *args], capture_output=True, text=True,
                             env=self.env, timeout=timeout, cwd=self.home, stdin=subprocess.DEVNULL)
        assert res.returncode == 0, f"bridge {args} failed: {res.stderr[-2000:]}"
        return [json.loads(line) for line in res.stdout.splitlines() if line.strip()]

    def close(self) -> None:
        for proc in self._running:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


@pytest.fixture
def openclaw_peer(peers: Peers, state_dir: Path) -> Iterator[OpenClawPeer]:
    peer = OpenClawPeer(peers, state_dir, Path(os.environ["HOME"]))
    yield peer
    peer.close()


@pytest.fixture(scope="session")
def peers96() -> Peers:
    """OpenClaw 2026.9.6, npm latest: the SQLite era."""
    return ensure_peers(version=OPENCLAW_SQLITE_VERSION)


@pytest.fixture
def openclaw96(peers96: Peers, state_dir: Path) -> Iterator[OpenClawPeer]:
    """The real OpenClaw 2026.9.6 on the test's state dir (its CLI; the bridge is 4.26's)."""
    peer = OpenClawPeer(peers96, state_dir, Path(os.environ["HOME"]))
    yield peer
    peer.close()


@dataclass
class Ours:
    """Our `openclaw` console script as a subprocess on the same state dir."""

    env: dict[str, str]

    def __call__(self, *args: str, input: str = "", timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*OPENCLAW_CMD, *args], input=input, capture_output=True, text=True, env=self.env,
                              timeout=timeout, cwd=ROOT)

    def popen(self, *args: str, input: str = "") -> subprocess.Popen[str]:
        proc = subprocess.Popen([*OPENCLAW_CMD, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=self.env, cwd=ROOT)
        assert proc.stdin is not None
        proc.stdin.write(input)
        proc.stdin.close()
        return proc


@pytest.fixture
def ours(state_dir: Path) -> Ours:
    # The real clock: OpenClaw runs on it too, and cooldown windows are compared across both.
    return Ours(base_env(state_dir, Path(os.environ["HOME"]), now_ms=None))
