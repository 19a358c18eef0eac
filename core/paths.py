"""Where OpenClaw keeps things. The only module that knows `~/.openclaw`.

Each location is derived once, as a string (`*_str`: `models status --check` never imports pathlib,
which with the `re` it pulls in costs more than the answer, issue #15); the `Path` accessors wrap those
strings for everyone else. `state` may be given as a str or a Path.
"""

from __future__ import annotations

import os

from openclaw_onboard.core.records import record

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the status path avoids it)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path
    from typing import Any

    StrPath = str | os.PathLike[str]

DEFAULT_AGENT_ID = "main"
AGENT_ID_MAX = 64
_AGENT_ID_FIRST = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_AGENT_ID_REST = _AGENT_ID_FIRST | {"_", "-"}

STORE_FILENAME = "auth-profiles.json"
STATE_FILENAME = "auth-state.json"
LEGACY_AUTH_FILENAME = "auth.json"
LOCK_SUFFIX = ".lock"
CONFIG_FILENAME = "openclaw.json"
ENV_FILENAME = ".env"


def _path(location: StrPath) -> Path:
    from pathlib import Path

    return Path(location)


def state_dir_str(env: Mapping[str, str] | None = None) -> str:
    """`$OPENCLAW_STATE_DIR` (`~` expanded), else `~/.openclaw`."""
    env = os.environ if env is None else env
    override = env.get("OPENCLAW_STATE_DIR", "").strip()
    if override:
        return os.path.expanduser(override)
    home = env.get("HOME") or os.path.expanduser("~")
    return os.path.join(home, ".openclaw")


def state_dir(env: Mapping[str, str] | None = None) -> Path:
    return _path(state_dir_str(env))


@record(frozen=True)
class AgentPaths:
    """Every file of one agent, derived from the state dir and the agent id."""

    state: StrPath
    agent_id: str
    # `agentDir` from openclaw.json's agents.list (or $OPENCLAW_AGENT_DIR for main), when set.
    dir_override: StrPath | None = None

    def __post_init__(self) -> None:
        # Every core API derives paths here: an id like `../../x` must never reach the file system (issue 11.12).
        if not isinstance(self.agent_id, str) or not is_valid_agent_id(self.agent_id):
            from openclaw_onboard.core.errors import ValidationError
            from openclaw_onboard.core.sanitize import clean

            raise ValidationError(f"Invalid agent id {clean(repr(self.agent_id), 80)}: use 1-64 lowercase "
                                  "letters, digits, '-' or '_', starting with a letter or digit")

    @property
    def agent_dir_str(self) -> str:
        if self.dir_override is not None:
            return os.fspath(self.dir_override)
        return os.path.join(self.state, "agents", self.agent_id, "agent")

    @property
    def store_str(self) -> str:
        return os.path.join(self.agent_dir_str, STORE_FILENAME)

    @property
    def auth_state_str(self) -> str:
        return os.path.join(self.agent_dir_str, STATE_FILENAME)

    @property
    def legacy_auth_str(self) -> str:
        return os.path.join(self.agent_dir_str, LEGACY_AUTH_FILENAME)

    @property
    def agent_dir(self) -> Path:
        return _path(self.agent_dir_str)

    @property
    def store(self) -> Path:
        return _path(self.store_str)

    @property
    def lock(self) -> Path:
        return _path(os.path.join(self.agent_dir_str, STORE_FILENAME + LOCK_SUFFIX))

    @property
    def auth_state(self) -> Path:
        return _path(self.auth_state_str)

    @property
    def legacy_auth(self) -> Path:
        return _path(self.legacy_auth_str)

    @property
    def lock_queue(self) -> Path:
        """Where our writers line up before taking the store lock (core.locking._Queue); ours only."""
        return _path(os.path.join(self.state, "locks", "onboard-queue", f"{self.agent_id}.queue"))

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
    return _path(os.path.join(state, "locks", "oauth-refresh", f"sha256-{digest}{LOCK_SUFFIX}"))


def agent_paths(agent_id: str = DEFAULT_AGENT_ID, state: StrPath | None = None,
                config: Mapping[str, Any] | None = None) -> AgentPaths:
    """The files of one agent: `<state>/agents/<id>/agent`, or the `agentDir` OpenClaw's config gives it.
    `config` is the parsed openclaw.json; without it, it comes from core.configfile (its one reader:
    this module opens no file)."""
    base = state if state is not None else state_dir_str()
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


def _in_state(state: StrPath | None, name: str) -> str:
    return os.path.join(state if state is not None else state_dir_str(), name)


def config_path_str(state: StrPath | None = None) -> str:
    return _in_state(state, CONFIG_FILENAME)


def config_path(state: StrPath | None = None) -> Path:
    return _path(config_path_str(state))


def config_lock_path(state: StrPath | None = None) -> Path:
    return _path(_in_state(state, CONFIG_FILENAME + LOCK_SUFFIX))


def env_file_path_str(state: StrPath | None = None) -> str:
    """`<state>/.env`: what a gateway daemon (systemd/launchd) reads instead of the shell env."""
    return _in_state(state, ENV_FILENAME)


def env_file_path(state: StrPath | None = None) -> Path:
    return _path(env_file_path_str(state))


def legacy_oauth_path_str(state: StrPath | None = None, env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    override = env.get("OPENCLAW_OAUTH_DIR", "").strip()
    base = os.path.expanduser(override) if override else \
        os.path.join(state if state else state_dir_str(env), "credentials")
    return os.path.join(base, "oauth.json")


def legacy_oauth_path(state: StrPath | None = None, env: Mapping[str, str] | None = None) -> Path:
    return _path(legacy_oauth_path_str(state, env))


def codex_cli_auth_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    home = env.get("CODEX_HOME", "").strip()
    base = os.path.expanduser(home) if home else os.path.join(env.get("HOME") or os.path.expanduser("~"), ".codex")
    return _path(os.path.join(base, "auth.json"))


def claude_cli_credentials_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    override = env.get("CLAUDE_CONFIG_DIR", "").strip()
    base = os.path.expanduser(override) if override else \
        os.path.join(env.get("HOME") or os.path.expanduser("~"), ".claude")
    return _path(os.path.join(base, ".credentials.json"))


def is_valid_agent_id(agent_id: str) -> bool:
    """1-64 of [a-z0-9_-], starting with a letter or digit: safe as a directory name (no `..`, no `/`).
    (A character test, not a regex: tests/core/test_paths_strings.py holds it to one.)"""
    return (0 < len(agent_id) <= AGENT_ID_MAX and agent_id[0] in _AGENT_ID_FIRST
            and all(c in _AGENT_ID_REST for c in agent_id))
