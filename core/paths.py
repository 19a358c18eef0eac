"""Where OpenClaw keeps things. The only module that knows `~/.openclaw`."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_AGENT_ID = "main"
AGENT_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

STORE_FILENAME = "auth-profiles.json"
STATE_FILENAME = "auth-state.json"
LEGACY_AUTH_FILENAME = "auth.json"
LOCK_SUFFIX = ".lock"
CONFIG_FILENAME = "openclaw.json"
ENV_FILENAME = ".env"


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    """`$OPENCLAW_STATE_DIR`, else `~/.openclaw`."""
    env = os.environ if env is None else env
    override = env.get("OPENCLAW_STATE_DIR", "").strip()
    if override:
        return Path(override).expanduser()
    home = env.get("HOME") or str(Path.home())
    return Path(home) / ".openclaw"


@dataclass(frozen=True)
class AgentPaths:
    """Every file of one agent, derived from the state dir and the agent id."""

    state: Path
    agent_id: str

    @property
    def agent_dir(self) -> Path:
        return self.state / "agents" / self.agent_id / "agent"

    @property
    def store(self) -> Path:
        return self.agent_dir / STORE_FILENAME

    @property
    def lock(self) -> Path:
        return self.agent_dir / (STORE_FILENAME + LOCK_SUFFIX)

    @property
    def auth_state(self) -> Path:
        return self.agent_dir / STATE_FILENAME

    @property
    def legacy_auth(self) -> Path:
        return self.agent_dir / LEGACY_AUTH_FILENAME

    @property
    def lock_queue(self) -> Path:
        """Where our writers line up before taking the store lock (core.locking._Queue); ours only."""
        return self.state / "locks" / "onboard-queue" / f"{self.agent_id}.queue"

    def refresh_lock(self, provider: str, profile_id: str) -> Path:
        """OpenClaw's global refresh lock for this profile (shared by every agent)."""
        return refresh_lock_path(self.state, provider, profile_id)


def refresh_lock_path(state: Path, provider: str, profile_id: str) -> Path:
    """`<state>/locks/oauth-refresh/sha256-<hex>.lock`, hex = SHA-256(provider NUL profileId).

    OpenClaw 4.26 (resolveOAuthRefreshLockPath) hashes the provider exactly as stored, not
    normalised; the `.lock` suffix is its file-lock sidecar.
    """
    import hashlib

    digest = hashlib.sha256(provider.encode() + b"\0" + profile_id.encode()).hexdigest()
    return state / "locks" / "oauth-refresh" / f"sha256-{digest}{LOCK_SUFFIX}"


def agent_paths(agent_id: str = DEFAULT_AGENT_ID, state: Path | None = None) -> AgentPaths:
    return AgentPaths(state=state if state is not None else state_dir(), agent_id=agent_id)


def config_path(state: Path | None = None) -> Path:
    return (state if state is not None else state_dir()) / CONFIG_FILENAME


def config_lock_path(state: Path | None = None) -> Path:
    return config_path(state).with_name(CONFIG_FILENAME + LOCK_SUFFIX)


def env_file_path(state: Path | None = None) -> Path:
    """`<state>/.env`: what a gateway daemon (systemd/launchd) reads instead of the shell env."""
    return (state if state is not None else state_dir()) / ENV_FILENAME


def legacy_oauth_path(state: Path | None = None, env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    override = env.get("OPENCLAW_OAUTH_DIR", "").strip()
    base = Path(override).expanduser() if override else (state or state_dir(env)) / "credentials"
    return base / "oauth.json"


def codex_cli_auth_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    home = env.get("CODEX_HOME", "").strip()
    return (Path(home).expanduser() if home else Path(env.get("HOME") or Path.home()) / ".codex") / "auth.json"


def claude_cli_credentials_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    override = env.get("CLAUDE_CONFIG_DIR", "").strip()
    base = Path(override).expanduser() if override else Path(env.get("HOME") or Path.home()) / ".claude"
    return base / ".credentials.json"


def is_valid_agent_id(agent_id: str) -> bool:
    """1-64 of [a-z0-9_-], starting with a letter or digit: safe as a directory name (no `..`, no `/`)."""
    return bool(AGENT_ID_PATTERN.match(agent_id))


def list_agents(state: Path | None = None) -> list[str]:
    """Agent ids that have an agent dir, `main` first, the rest sorted."""
    root = (state if state is not None else state_dir()) / "agents"
    try:
        names = [p.name for p in root.iterdir() if (p / "agent").is_dir()]
    except FileNotFoundError:
        return []
    return sorted(names, key=lambda n: (n != DEFAULT_AGENT_ID, n))
