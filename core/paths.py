"""Where OpenClaw keeps things. The only module that knows `~/.openclaw`."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from openclaw_onboard.core.records import record

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


@record(frozen=True)
class AgentPaths:
    """Every file of one agent, derived from the state dir and the agent id."""

    state: Path
    agent_id: str
    # `agentDir` from openclaw.json's agents.list (or $OPENCLAW_AGENT_DIR for main), when set.
    dir_override: Path | None = None

    def __post_init__(self) -> None:
        # Every core API derives paths here: an id like `../../x` must never reach the file system (issue 11.12).
        if not isinstance(self.agent_id, str) or not is_valid_agent_id(self.agent_id):
            from openclaw_onboard.core.errors import ValidationError
            from openclaw_onboard.core.sanitize import clean

            raise ValidationError(f"Invalid agent id {clean(repr(self.agent_id), 80)}: use 1-64 lowercase "
                                  "letters, digits, '-' or '_', starting with a letter or digit")

    @property
    def agent_dir(self) -> Path:
        if self.dir_override is not None:
            return self.dir_override
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
    """The files of one agent: `<state>/agents/<id>/agent`, or the `agentDir` OpenClaw's config gives it."""
    base = state if state is not None else state_dir()
    return AgentPaths(state=base, agent_id=agent_id, dir_override=_configured_dir(base, agent_id))


_config_cache: dict[Path, tuple[tuple[int, int], dict]] = {}


def read_config_raw(state: Path) -> dict:
    """openclaw.json as a dict ({} when absent or unreadable: callers that must report errors read it
    themselves), cached by mtime and size so agent_paths stays cheap."""
    path = state / CONFIG_FILENAME
    try:
        st = path.stat()
    except OSError:
        return {}
    key = (st.st_mtime_ns, st.st_size)
    cached = _config_cache.get(path)
    if cached is not None and cached[0] == key:
        return cached[1]
    from openclaw_onboard.core import fsio
    from openclaw_onboard.core.errors import StoreCorruptError

    try:
        raw_bytes = fsio.read_bytes_or_none(path) or b"{}"
        try:
            import json

            raw = json.loads(raw_bytes)
        except ValueError:
            raw = fsio.parse_json_object(path, raw_bytes, json5=True)
    except (StoreCorruptError, OSError):
        raw = {}
    raw = raw if isinstance(raw, dict) else {}
    _config_cache[path] = (key, raw)
    return raw


def _configured_dir(state: Path, agent_id: str) -> Path | None:
    if agent_id == DEFAULT_AGENT_ID:
        override = os.environ.get("OPENCLAW_AGENT_DIR", "").strip() or os.environ.get("PI_CODING_AGENT_DIR", "").strip()
        if override:
            return Path(override).expanduser()
    from openclaw_onboard.core.agentconfig import configured_agent_dir

    return configured_agent_dir(read_config_raw(state), agent_id)


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
    """Agents as OpenClaw lists them (openclaw.json `agents.list`, else `main`), then any other agent
    dir found under `<state>/agents` (made by older tools); `main` first when it is there."""
    from openclaw_onboard.core.agentconfig import list_agent_ids

    base = state if state is not None else state_dir()
    root = base / "agents"
    try:
        # A directory whose name is no valid agent id (`..`, escapes) is not an agent: never listed, never opened.
        found = sorted(p.name for p in root.iterdir() if is_valid_agent_id(p.name) and (p / "agent").is_dir())
    except (FileNotFoundError, NotADirectoryError):
        found = []
    raw = read_config_raw(base)
    configured = [a for a in list_agent_ids(raw) if is_valid_agent_id(a)] if raw.get("agents") else []
    ids = list(dict.fromkeys([*configured, *found]))
    if not configured and not found:
        return []
    return sorted(ids, key=lambda n: n != DEFAULT_AGENT_ID)
