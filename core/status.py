"""Where each credential stands: pure functions over models and an injected `now_ms`.

Kept import-light (no httpx, no Textual): `openclaw models status --check` runs this in cron.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from core import order as order_mod
from core.clock import now_ms as _clock_now
from core.durations import HOUR_MS, format_remaining
from core.envkeys import env_keys_for
from core.errors import StoreCorruptError
from core.masking import mask_secret

if TYPE_CHECKING:  # status reads core.views on the hot path; models work the same way
    from core.models import AnyCredential
    from core.order import AuthLike, StoreLike

StatusKind = Literal["ok", "expiring", "expired", "missing", "static"]
Source = Literal["store", "env", "codex-cli", "claude-cli", "legacy"]

WARN_WINDOW_MS = 24 * HOUR_MS
# Worst first: used for roll-ups and for the exit code.
SEVERITY: dict[str, int] = {"expired": 4, "missing": 4, "expiring": 3, "ok": 1, "static": 0}
# Providers whose env keys we look for even when nothing else mentions them.
WELL_KNOWN_PROVIDERS = ("anthropic", "openai", "openrouter", "google", "gemini", "groq", "mistral", "xai",
                        "deepseek", "zai", "minimax", "moonshot", "together", "cerebras")


@dataclass(frozen=True)
class ProfileStatus:
    profile_id: str
    provider: str
    type: str
    status: StatusKind
    expires_ms: int | None = None
    remaining_ms: int | None = None
    remaining_human: str | None = None
    masked: str = ""
    email: str | None = None
    account_id: str | None = None
    source: Source = "store"
    cooldown_until: int = 0
    position: int | None = None  # 1-based place in the effective order; None = not used
    ref: str | None = None  # "source:provider:id" of a keyRef/tokenRef used instead of an inline secret
    reason: str | None = None  # OpenClaw's reason code when not usable, e.g. "unresolved_ref"

    @property
    def in_cooldown(self) -> bool:
        return self.cooldown_until > 0

    @property
    def expiry_text(self) -> str:
        if self.status == "static":
            return "static"
        if self.reason == "unresolved_ref":
            return "ref does not resolve"
        if self.status == "missing":
            return "no expiry recorded"
        assert self.remaining_ms is not None
        if self.remaining_ms <= 0:
            return f"expired {self.remaining_human} ago"
        return f"expires in {self.remaining_human}"


@dataclass(frozen=True)
class EnvKeyStatus:
    """An API key from the environment: its variable, masked value, and where it was found."""

    var: str
    masked: str
    source: Literal["shell", ".env"]  # .env: only in <state>/.env, which a gateway daemon reads


@dataclass
class ProviderStatus:
    provider: str
    profiles: list[ProfileStatus]  # effective order first, then unused ones
    order_source: str = "default"
    env: list[EnvKeyStatus] = field(default_factory=list)  # in OpenClaw's precedence
    effective: str | None = None  # "profile <id>" | "env: VAR" | None

    @property
    def env_keys(self) -> list[str]:
        """Variable names, never values."""
        return [k.var for k in self.env]

    @property
    def worst(self) -> StatusKind | None:
        return worst_status(p.status for p in self.profiles)


@dataclass
class AgentStatus:
    agent_id: str
    store_path: Path
    store_exists: bool
    providers: list[ProviderStatus]
    missing_providers: list[str]
    problems: list[str]
    warnings: list[str]
    env_file_providers: list[str] = field(default_factory=list)
    now_ms: int = 0

    @property
    def profiles(self) -> list[ProfileStatus]:
        return [p for prov in self.providers for p in prov.profiles]

    @property
    def worst(self) -> StatusKind | None:
        return worst_status(p.status for p in self.profiles)


def worst_status(statuses: Iterable[str]) -> StatusKind | None:
    items = list(statuses)
    return max(items, key=lambda s: SEVERITY.get(s, 0)) if items else None  # type: ignore[return-value]


def classify(cred: AnyCredential, now_ms: int) -> tuple[StatusKind, int | None]:
    """(status, remaining_ms) by the facts doc's rules."""
    if cred.type == "api_key":
        return "static", None
    expires = cred.expires_ms
    if cred.type == "token" and getattr(cred, "expires", None) is None:
        return "static", None
    if expires is None:
        return "missing", None
    if cred.type == "oauth" and not (cred.access or cred.refresh):
        return "missing", None
    remaining = expires - now_ms
    if remaining <= 0:
        return "expired", remaining
    if remaining <= WARN_WINDOW_MS:
        return "expiring", remaining
    return "ok", remaining


def _masked(cred: AnyCredential) -> str:
    ref = getattr(cred, "keyRef", None) or getattr(cred, "tokenRef", None)
    if ref is not None and not cred.secret:
        return f"ref {ref.source}:{ref.id}"
    return mask_secret(cred.secret)


def profile_status(profile_id: str, cred: AnyCredential, now_ms: int, *, source: Source = "store",
                   cooldown_until: int = 0, position: int | None = None,
                   ref_problem: str | None = None) -> ProfileStatus:
    status, remaining = classify(cred, now_ms)
    ref_obj = None if cred.secret else (getattr(cred, "keyRef", None) or getattr(cred, "tokenRef", None))
    ref = f"{ref_obj.source}:{ref_obj.provider or 'default'}:{ref_obj.id}" if ref_obj is not None else None
    if ref_problem is not None:
        status, remaining = "missing", None  # an unresolvable ref is no credential (core.secrets)
    return ProfileStatus(
        profile_id=profile_id,
        provider=cred.provider,
        type=cred.type,
        status=status,
        expires_ms=cred.expires_ms if cred.type != "api_key" else None,
        remaining_ms=remaining,
        remaining_human=format_remaining(remaining) if remaining is not None else None,
        masked=_masked(cred) + (" (unresolved)" if ref_problem is not None else ""),
        email=cred.email,
        account_id=getattr(cred, "accountId", None),
        source=source,
        cooldown_until=cooldown_until if cooldown_until > now_ms else 0,
        position=position,
        ref=ref,
        reason="unresolved_ref" if ref_problem is not None else None,
    )


def _source_of(profile_id: str) -> Source:
    return "claude-cli" if profile_id == "anthropic:claude-cli" else "store"


def provider_statuses(store: StoreLike, auth: AuthLike, now_ms: int,
                      env: Mapping[str, str], extra_providers: Iterable[str] = (),
                      legacy_ids: Iterable[str] = (), dotenv_only: Iterable[str] = (),
                      ref_problems: Mapping[str, str] | None = None) -> list[ProviderStatus]:
    """`env` is the merged environment; `dotenv_only` names the variables found only in `<state>/.env`;
    `ref_problems` maps profile ids whose SecretRef does not resolve to why (core.secrets)."""
    ref_problems = ref_problems or {}
    legacy = set(legacy_ids)
    from_dotenv = set(dotenv_only)
    providers = set(store.providers()) | set(extra_providers)
    if auth:
        providers |= {p.provider for p in auth.profiles.values()} | set(auth.order)
    result: list[ProviderStatus] = []
    for provider in sorted(providers | {p for p in WELL_KNOWN_PROVIDERS if env_keys_for(p, env)}):
        ordered = order_mod.effective_order(store, provider, auth, now_ms)
        unused = [pid for pid in store.profiles_for(provider) if pid not in ordered]
        rows = [
            profile_status(pid, store.profiles[pid], now_ms, source="legacy" if pid in legacy else _source_of(pid),
                           cooldown_until=order_mod.cooldown_until(store, pid),
                           position=(i + 1) if pid in ordered else None, ref_problem=ref_problems.get(pid))
            for i, pid in enumerate(ordered + unused)
        ]
        keys = env_keys_for(provider, env)
        effective = next((f"profile {r.profile_id}" for r in rows
                          if r.position and r.status not in ("expired", "missing") and not r.in_cooldown), None)
        if effective is None and keys:
            effective = f"env: {keys[0][0]}"
        if effective is None:
            effective = next((f"profile {r.profile_id}" for r in rows if r.position), None)
        env_rows = [EnvKeyStatus(name, mask_secret(value), ".env" if name in from_dotenv else "shell")
                    for name, value in keys]
        result.append(ProviderStatus(provider, rows, order_mod.order_source(store, provider, auth),
                                     env_rows, effective))
    return result


def agent_status(agent_id: str = "main", state: Path | None = None, env: Mapping[str, str] | None = None,
                 now_ms: int | None = None) -> AgentStatus:
    """Everything `models status` and the dashboard show for one agent."""
    from core import fsio, views
    from core.envkeys import read_env_file
    from core.paths import agent_paths

    env = dict(os.environ if env is None else env)
    now = _clock_now() if now_ms is None else now_ms
    paths = agent_paths(agent_id, state)
    warnings: list[str] = []
    if fsio.tighten_file_mode(paths.store):
        warnings.append(f"{paths.store} was readable by other users; its mode is now 0600")
    snap = views.read_store(paths)
    problems = list(snap.problems)
    auth: views.AuthConfigView | None
    raw_config: dict = {}
    try:
        auth, raw_config = views.read_auth_config(paths.state)
    except StoreCorruptError as exc:
        auth = None
        problems.append(str(exc))
    file_env = read_env_file(paths.state)
    merged_env = {**file_env, **env}  # the shell wins over .env, as for the gateway
    ref_problems = _ref_problems(snap.store, raw_config, merged_env)
    providers = provider_statuses(snap.store, auth, now, merged_env, legacy_ids=snap.legacy_ids,
                                  dotenv_only=[name for name in file_env if name not in env],
                                  ref_problems=ref_problems)
    missing = [ps.provider for ps in providers if ps.effective is None or (
        not any(r.position for r in ps.profiles) and not ps.env_keys)]
    env_file_providers = [ps.provider for ps in providers if any(k.source == ".env" for k in ps.env)]
    return AgentStatus(agent_id, paths.store, snap.exists, providers, missing, problems,
                       warnings, env_file_providers, now)


def _ref_problems(store: StoreLike, raw_config: Mapping, env: Mapping[str, str]) -> dict[str, str]:
    """Profiles whose only secret is a ref that does not resolve (imports core.secrets only if any)."""
    with_refs = {pid: c for pid, c in store.profiles.items()
                 if not c.secret and (getattr(c, "keyRef", None) or getattr(c, "tokenRef", None))}
    if not with_refs:
        return {}
    from core import secrets

    defaults = secrets.secrets_section(raw_config).get("defaults")
    problems: dict[str, str] = {}
    for pid, cred in with_refs.items():
        stored = getattr(cred, "keyRef", None) or getattr(cred, "tokenRef", None)
        ref = secrets.coerce_ref(stored, defaults if isinstance(defaults, Mapping) else None)
        why = "the stored ref is malformed" if ref is None else secrets.check_for_status(ref, raw_config, env)
        if why:
            problems[pid] = why
    return problems


def check_exit_code(status: AgentStatus) -> int:
    """`--check`: 1 if any oauth/token profile is expired or missing or a provider has no auth,
    2 if any is expiring, else 0."""
    kinds = {p.status for p in status.profiles if p.source != "env"}
    if status.missing_providers or kinds & {"expired", "missing"}:
        return 1
    if "expiring" in kinds:
        return 2
    return 0
