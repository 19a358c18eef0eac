"""Where OpenClaw keeps things. The only module that knows `~/.openclaw`.

Every location is a `Path`; `state` may be given as a str or a Path.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    StrPath = str | os.PathLike[str]

DEFAULT_AGENT_ID = "main"
AGENT_ID_MAX = 64
_AGENT_ID = r"[a-z0-9][a-z0-9_-]{0,63}"

STORE_FILENAME = "auth-profiles.json"
STATE_FILENAME = "auth-state.json"
LEGACY_AUTH_FILENAME = "auth.json"
LOCK_SUFFIX = ".lock"
CONFIG_FILENAME = "openclaw.json"
ENV_FILENAME = ".env"


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    """`$OPENCLAW_STATE_DIR` (`~` expanded), else `~/.openclaw`."""
    env = os.environ if env is None else env
    override = env.get("OPENCLAW_STATE_DIR", "").strip()
    if override:
        return Path(override).expanduser()
    home = env.get("HOME") or os.path.expanduser("~")
    return Path(home, ".openclaw")


def default_agent_dir(state: str | os.PathLike[str], agent_id: str) -> str:
    """`<state>/agents/<id>/agent`: where an agent lives unless openclaw.json gives it an `agentDir`."""
    return os.path.join(state, "agents", agent_id, "agent")


class AgentPaths:
    """Every file of one agent, derived from the state dir and the agent id. Read-only by convention."""

    __slots__ = ("agent_id", "dir_override", "state")

    def __init__(self, state: StrPath, agent_id: str, dir_override: StrPath | None = None) -> None:
        # Every core API derives paths here: an id like `../../x` must never reach the file system (issue 11.12).
        if not isinstance(agent_id, str) or not is_valid_agent_id(agent_id):
            from openclaw_onboard.core.errors import ValidationError
            from openclaw_onboard.core.sanitize import clean

            raise ValidationError(f"Invalid agent id {clean(repr(agent_id), 80)}: use 1-64 lowercase "
                                  "letters, digits, '-' or '_', starting with a letter or digit")
        self.state = state
        self.agent_id = agent_id
        # `agentDir` from openclaw.json's agents.list (or $OPENCLAW_AGENT_DIR for main), when set.
        self.dir_override = dir_override

    def __repr__(self) -> str:
        return f"AgentPaths(state={self.state!r}, agent_id={self.agent_id!r}, dir_override={self.dir_override!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AgentPaths):
            return NotImplemented
        return (self.state, self.agent_id, self.dir_override) == (other.state, other.agent_id, other.dir_override)

    def __hash__(self) -> int:
        return hash((self.state, self.agent_id, self.dir_override))

    @property
    def agent_dir(self) -> Path:
        if self.dir_override is not None:
            return Path(self.dir_override)
        return Path(default_agent_dir(self.state, self.agent_id))

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
        return Path(self.state, "locks", "onboard-queue", f"{self.agent_id}.queue")

    def refresh_lock(self, provider: str, profile_id: str) -> Path:
        """OpenClaw's global refresh lock for this profile (shared by every agent)."""
        return refresh_lock_path(self.state, provider, profile_id)


def refresh_lock_path(state: StrPath, provider: str, profile_id: str) -> Path:
    """`<state>/locks/oauth-refresh/sha256-<hex>.lock`, hex = SHA-256(provider NUL profileId).

    OpenClaw 4.26 (resolveOAuthRefreshLockPath) hashes the provider exactly as stored, not
    normalised; the `.lock` suffix is its file-lock sidecar.
    """
    import hashlib

    digest = hashlib.sha256(provider.encode() + b"\0" + profile_id.encode()).hexdigest()
    return Path(state, "locks", "oauth-refresh", f"sha256-{digest}{LOCK_SUFFIX}")


def agent_paths(agent_id: str = DEFAULT_AGENT_ID, state: StrPath | None = None,
                config: Mapping[str, Any] | None = None) -> AgentPaths:
    """The files of one agent: `<state>/agents/<id>/agent`, or the `agentDir` OpenClaw's config gives it.
    `config` is the parsed openclaw.json; without it, it comes from core.configfile (its one reader:
    this module opens no file)."""
    base = state if state is not None else state_dir()
    if config is None:
        from openclaw_onboard.core import configfile

        config = configfile.read_raw_cached(base)
    return AgentPaths(state=base, agent_id=agent_id, dir_override=_configured_dir(config, agent_id))


def _configured_dir(config: Mapping[str, Any], agent_id: str) -> str | None:
    if agent_id == DEFAULT_AGENT_ID:
        override = os.environ.get("OPENCLAW_AGENT_DIR", "").strip() or os.environ.get("PI_CODING_AGENT_DIR", "").strip()
        if override:
            return os.path.expanduser(override)
    from openclaw_onboard.core.agentconfig import configured_agent_dir_str

    return configured_agent_dir_str(config, agent_id)


def _in_state(state: StrPath | None, name: str) -> Path:
    return Path(state if state is not None else state_dir(), name)


def config_path(state: StrPath | None = None) -> Path:
    return _in_state(state, CONFIG_FILENAME)


def config_lock_path(state: StrPath | None = None) -> Path:
    return _in_state(state, CONFIG_FILENAME + LOCK_SUFFIX)


def env_file_path(state: StrPath | None = None) -> Path:
    """`<state>/.env`: what a gateway daemon (systemd/launchd) reads instead of the shell env."""
    return _in_state(state, ENV_FILENAME)


def legacy_oauth_path(state: StrPath | None = None, env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    override = env.get("OPENCLAW_OAUTH_DIR", "").strip()
    base = Path(override).expanduser() if override else Path(state if state else state_dir(env), "credentials")
    return base / "oauth.json"


def codex_cli_auth_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    home = env.get("CODEX_HOME", "").strip()
    base = os.path.expanduser(home) if home else os.path.join(env.get("HOME") or os.path.expanduser("~"), ".codex")
    return Path(base, "auth.json")


def claude_cli_credentials_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    override = env.get("CLAUDE_CONFIG_DIR", "").strip()
    base = os.path.expanduser(override) if override else \
        os.path.join(env.get("HOME") or os.path.expanduser("~"), ".claude")
    return Path(base, ".credentials.json")


def is_valid_agent_id(agent_id: str) -> bool:
    """1-64 of [a-z0-9_-], starting with a letter or digit: safe as a directory name (no `..`, no `/`)."""
    return re.fullmatch(_AGENT_ID, agent_id) is not None
