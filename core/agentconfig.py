"""Agents and their models as OpenClaw 2026.4.26 reads them from openclaw.json (agents/agent-scope.ts,
commands/models/list.status-command.ts). Pydantic-free: `models status --check` uses it.

- `agents.list`: entries `{id, default?, agentDir?, model?, ...}`; no list means one agent, `main`.
- Default agent: the first entry with `default: true`, else the first entry, else `main`.
- An agent's dir: its `agentDir` (`~` expanded), else `<state>/agents/<id>/agent`.
- Models in use: the agent's own `model` (string, or `{primary, fallbacks}`) over
  `agents.defaults.model`, plus `agents.defaults.imageModel`; with none configured the default
  is `openai/gpt-5.5`. Their providers are the "providers in use" that must have auth.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

from openclaw_onboard.core.provider_ids import normalize_provider_id

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

DEFAULT_AGENT_ID = "main"
DEFAULT_PROVIDER = "openai"
DEFAULT_MODEL = "gpt-5.5"
# With no model configured, OpenClaw 2026.9.6 runs this one (its `models status` on an empty config).
SQLITE_ERA_DEFAULT_MODEL = "openai/gpt-6-astra"
_INVALID_ID_RUN = r"[^a-z0-9_-]+"


def normalize_agent_id(value: Any) -> str:
    """OpenClaw's normalizeAgentId: trimmed, lowercased, each run of other characters folded to one `-`."""
    text = str(value or "").strip().lower()
    if not text:
        return DEFAULT_AGENT_ID
    return re.sub(_INVALID_ID_RUN, "-", text).strip("-")[:64] or DEFAULT_AGENT_ID


def agent_entries(cfg: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The configured agents: 2026.8.1+'s keyed map `agents.entries` (`{id: {...}}`, preferred whenever present,
    as 9.x's readAgentRosterProperty does), else `agents.list`."""
    agents = cfg.get("agents")
    if not isinstance(agents, dict):
        return []
    if agents.get("entries") is not None:
        keyed = agents["entries"]
        return [{**e, "id": key} for key, e in keyed.items() if isinstance(e, dict)] if isinstance(keyed, dict) else []
    entries = agents.get("list")
    return [e for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def list_agents(state: str | os.PathLike[str] | None = None) -> list[str]:
    """Agents as OpenClaw lists them (openclaw.json `agents.list`, else `main`), then any other agent
    dir found under `<state>/agents` (made by older tools); `main` first when it is there."""
    from openclaw_onboard.core import configfile
    from openclaw_onboard.core.paths import DEFAULT_AGENT_ID, is_valid_agent_id, state_dir

    base = state if state is not None else state_dir()
    root = os.path.join(base, "agents")
    try:
        # A directory whose name is no valid agent id (`..`, escapes) is not an agent: never listed, never opened.
        with os.scandir(root) as entries:
            found = sorted(e.name for e in entries
                           if is_valid_agent_id(e.name) and os.path.isdir(os.path.join(e.path, "agent")))
    except (FileNotFoundError, NotADirectoryError):
        found = []
    raw = configfile.read_raw_cached(base)
    configured = [a for a in list_agent_ids(raw) if is_valid_agent_id(a)] if raw.get("agents") else []
    ids = list(dict.fromkeys([*configured, *found]))
    if not configured and not found:
        return []
    return sorted(ids, key=lambda n: n != DEFAULT_AGENT_ID)


def list_agent_ids(cfg: Mapping[str, Any]) -> list[str]:
    entries = agent_entries(cfg)
    if not entries:
        return [DEFAULT_AGENT_ID]
    return list(dict.fromkeys(normalize_agent_id(e.get("id")) for e in entries))


def default_agent_id(cfg: Mapping[str, Any]) -> str:
    entries = agent_entries(cfg)
    if not entries:
        return DEFAULT_AGENT_ID
    chosen = next((e for e in entries if e.get("default")), entries[0])
    return normalize_agent_id(chosen.get("id"))


def agent_entry(cfg: Mapping[str, Any], agent_id: str) -> dict[str, Any] | None:
    wanted = normalize_agent_id(agent_id)
    return next((e for e in agent_entries(cfg) if normalize_agent_id(e.get("id")) == wanted), None)


def expand_user_path_str(value: str, env: Mapping[str, str] | None = None) -> str:
    """OpenClaw's resolveUserPath: `~` is the home dir, a relative path is resolved from the cwd."""
    env = os.environ if env is None else env
    text = value.strip()
    if text == "~" or text.startswith("~/"):
        home = env.get("HOME") or os.path.expanduser("~")
        text = home + text[1:]
    return text if os.path.isabs(text) else os.path.realpath(text)


def configured_agent_dir_str(cfg: Mapping[str, Any], agent_id: str, env: Mapping[str, str] | None = None) -> str | None:
    entry = agent_entry(cfg, agent_id)
    value = entry.get("agentDir") if entry else None
    if isinstance(value, str) and value.strip():
        return expand_user_path_str(value, env)
    return None


def configured_agent_dirs(cfg: Mapping[str, Any], env: Mapping[str, str] | None = None) -> dict[str, str]:
    """{agent id: configured_agent_dir_str(cfg, id)} for every agent that has one, in one pass over
    agents.list (a look-up per agent would scan the list each time: quadratic in agents)."""
    dirs: dict[str, str] = {}
    seen: set[str] = set()
    for entry in agent_entries(cfg):
        agent_id = normalize_agent_id(entry.get("id"))
        if agent_id in seen:
            continue  # the first entry of an id is the one agent_entry finds
        seen.add(agent_id)
        value = entry.get("agentDir")
        if isinstance(value, str) and value.strip():
            dirs[agent_id] = expand_user_path_str(value, env)
    return dirs


def _primary(value: Any) -> str | None:
    """OpenClaw's resolvePrimaryStringValue: a string, or an object's `primary`."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict) and isinstance(value.get("primary"), str):
        return value["primary"].strip() or None
    return None


def _fallbacks(value: Any) -> list[str]:
    if isinstance(value, dict) and isinstance(value.get("fallbacks"), list):
        return [v for v in value["fallbacks"] if isinstance(v, str)]
    return []


class ModelLines:
    """What `models status` shows first: Default, Fallbacks, Image model, Image fallbacks."""

    __slots__ = ("default", "default_source", "fallbacks", "fallbacks_source", "image", "image_fallbacks",
                 "resolved")

    def __init__(self, default: str, resolved: str, default_source: str, fallbacks: list[str],
                 fallbacks_source: str, image: str | None, image_fallbacks: list[str]) -> None:
        self.default = default  # as configured (or the resolved default)
        self.resolved = resolved  # provider/model
        self.default_source = default_source  # agent | defaults
        self.fallbacks = fallbacks
        self.fallbacks_source = fallbacks_source  # agent | defaults
        self.image = image
        self.image_fallbacks = image_fallbacks

    @property
    def in_use(self) -> list[str]:
        return [self.default, *self.fallbacks, *([self.image] if self.image else []), *self.image_fallbacks]


def provider_of(model_ref: str) -> str | None:
    """`anthropic/claude-opus-4` -> `anthropic`; a bare model id belongs to the default provider."""
    text = model_ref.strip()
    if not text:
        return None
    provider, sep, _model = text.partition("/")
    return normalize_provider_id(provider if sep else DEFAULT_PROVIDER) or None


def model_lines(cfg: Mapping[str, Any], agent_id: str | None = None, fallback: str | None = None) -> ModelLines:
    """The models an agent runs; `fallback` is the release's own default when none is configured
    (4.26's `openai/gpt-5.5` unless given)."""
    agents = v if isinstance(v := cfg.get("agents"), dict) else {}
    defaults = v if isinstance(v := agents.get("defaults"), dict) else {}
    entry = agent_entry(cfg, agent_id) if agent_id else None
    agent_model = entry.get("model") if entry else None
    agent_primary = _primary(agent_model)
    raw = agent_primary or _primary(defaults.get("model")) or ""
    if raw:
        provider = provider_of(raw) or DEFAULT_PROVIDER
        resolved = raw if "/" in raw else f"{provider}/{raw}"
    else:
        resolved = fallback or f"{DEFAULT_PROVIDER}/{DEFAULT_MODEL}"
    agent_has_fallbacks = isinstance(agent_model, dict) and isinstance(agent_model.get("fallbacks"), list)
    return ModelLines(
        default=raw or resolved,
        resolved=resolved,
        default_source="agent" if agent_primary else "defaults",
        fallbacks=_fallbacks(agent_model) if agent_has_fallbacks else _fallbacks(defaults.get("model")),
        fallbacks_source="agent" if agent_has_fallbacks else "defaults",
        image=_primary(defaults.get("imageModel")),
        image_fallbacks=_fallbacks(defaults.get("imageModel")),
    )


def providers_in_use(lines: ModelLines) -> list[str]:
    return sorted({p for ref in lines.in_use if (p := provider_of(ref))})


def custom_provider_keys(cfg: Mapping[str, Any]) -> set[str]:
    """Providers given an `apiKey` under `models.providers` (OpenClaw counts them as having auth)."""
    models = v if isinstance(v := cfg.get("models"), dict) else {}
    providers = v if isinstance(v := models.get("providers"), dict) else {}
    return {normalize_provider_id(k) for k, v in providers.items()
            if isinstance(v, dict) and isinstance(v.get("apiKey"), str | dict) and v.get("apiKey")}


def cli_backend_providers(cfg: Mapping[str, Any]) -> set[str]:
    agents = v if isinstance(v := cfg.get("agents"), dict) else {}
    defaults = v if isinstance(v := agents.get("defaults"), dict) else {}
    backends = v if isinstance(v := defaults.get("cliBackends"), dict) else {}
    return {normalize_provider_id(k) for k in backends}
