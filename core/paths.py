"""Where OpenClaw keeps things. The only module that knows `~/.openclaw`."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_AGENT_ID = "main"
AGENT_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}\Z")  # \Z: `$` would accept a trailing newline

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

    def __post_init__(self) -> None:
        # Every core API derives paths here: an id like `../../x` must never reach the file system (issue 11.12).
        if not isinstance(self.agent_id, str) or not is_valid_agent_id(self.agent_id):
            from core.errors import ValidationError
            from core.sanitize import clean

            raise ValidationError(f"Invalid agent id {clean(repr(self.agent_id), 80)}: use 1-64 lowercase "
                                  "letters, digits, '-' or '_', starting with a letter or digit")

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

    def refresh_lock(self, profile_id: str) -> Path:
        """Per-profile lock, so refreshes of different profiles never wait for each other."""
        import hashlib

        digest = hashlib.sha256(profile_id.encode()).hexdigest()[:16]
        return self.agent_dir / f"{STORE_FILENAME}.refresh-{digest}.lock"


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
        # A directory whose name is no valid agent id (`..`, escapes) is not an agent: never listed, never opened.
        names = [p.name for p in root.iterdir() if is_valid_agent_id(p.name) and (p / "agent").is_dir()]
    except FileNotFoundError:
        return []
    return sorted(names, key=lambda n: (n != DEFAULT_AGENT_ID, n))
