"""Where each credential stands: pure functions over models and an injected `now_ms`.

Kept import-light (no httpx, no Textual): `openclaw models status --check` runs this in cron.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, NamedTuple

from openclaw_onboard.core import order as order_mod
from openclaw_onboard.core.clock import now_ms as _clock_now
from openclaw_onboard.core.durations import HOUR_MS, format_remaining
from openclaw_onboard.core.envkeys import env_keys_for
from openclaw_onboard.core.errors import StoreCorruptError
from openclaw_onboard.core.fence_marks import PREFIX as FENCE_PREFIX
from openclaw_onboard.core.masking import mask_secret
from openclaw_onboard.core.provider_ids import auth_provider_key

if TYPE_CHECKING:  # status reads core.views on the hot path; models work the same way
    from collections.abc import Iterable, Mapping
    from typing import Literal

    from openclaw_onboard.core.agentconfig import ModelLines
    from openclaw_onboard.core.models import AnyCredential
    from openclaw_onboard.core.order import AuthLike, StoreLike
    from openclaw_onboard.core.paths import StrPath
    from openclaw_onboard.core.views import CredentialView

    StatusKind = Literal["ok", "expiring", "expired", "missing", "static"]
    Source = Literal["store", "env", "codex-cli", "claude-cli", "legacy", "main"]

WARN_WINDOW_MS = 24 * HOUR_MS
# Worst first: used for roll-ups and for the exit code.
SEVERITY: dict[str, int] = {"expired": 4, "missing": 4, "expiring": 3, "ok": 1, "static": 0}
# Providers whose env keys we look for even when nothing else mentions them.
WELL_KNOWN_PROVIDERS = ("anthropic", "openai", "openrouter", "google", "gemini", "groq", "mistral", "xai",
                        "deepseek", "zai", "minimax", "moonshot", "together", "cerebras")


class ProfileStatus(NamedTuple):
    """One row of a status: read, never changed (`row._replace(position=2)` makes a changed copy)."""

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
    unusable_kind: Literal["cooldown", "disabled"] | None = None  # while cooldown_until is in the future
    unusable_reason: str | None = None  # e.g. billing, rate_limit, auth_permanent
    reason_code: str = "ok"  # OpenClaw's eligibility code: ok | missing_credential | expired | ...
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
        if self.reason == "refresh_failed":
            return "refresh failed: log in again"
        if self.reason == "refresh_pending":
            return "refresh in progress"
        if self.status == "missing":
            return "no expiry recorded"
        assert self.remaining_ms is not None
        if self.remaining_ms <= 0:
            return f"expired {self.remaining_human} ago"
        return f"expires in {self.remaining_human}"


class EnvKeyStatus:
    """An API key from the environment: its variable, masked value, and where it was found."""

    __slots__ = ("masked", "source", "var")

    def __init__(self, var: str, masked: str, source: Literal["shell", ".env"]) -> None:
        self.var = var
        self.masked = masked
        self.source = source  # .env: only in <state>/.env, which a gateway daemon reads

    def __repr__(self) -> str:  # masked: never the key
        return f"EnvKeyStatus(var={self.var!r}, masked={self.masked!r}, source={self.source!r})"


class ProviderStatus:
    def __init__(self, provider: str, profiles: list[ProfileStatus], order_source: str = "default",
                 env: list[EnvKeyStatus] | None = None, effective: str | None = None) -> None:
        self.provider = provider
        self.profiles = profiles  # effective order first, then unused ones
        self.order_source = order_source
        self.env = [] if env is None else env  # in OpenClaw's precedence
        self.effective = effective  # "profile <id>" | "env: VAR" | None

    def __repr__(self) -> str:
        return f"ProviderStatus(provider={self.provider!r}, profiles={self.profiles!r}, order_source=" \
               f"{self.order_source!r}, env={self.env!r}, effective={self.effective!r})"

    @property
    def env_keys(self) -> list[str]:
        """Variable names, never values."""
        return [k.var for k in self.env]

    @property
    def worst(self) -> StatusKind | None:
        return worst_status(p.status for p in self.profiles)


class AgentStatus:
    def __init__(self, agent_id: str, store_path: str, store_exists: bool, providers: list[ProviderStatus],
                 missing_providers: list[str], problems: list[str], warnings: list[str],
                 env_file_providers: list[str] | None = None, now_ms: int = 0, models: ModelLines | None = None,
                 providers_in_use: list[str] | None = None, inherits_main: bool = False, era: str = "file",
                 era_release: str | None = None) -> None:
        self.agent_id = agent_id
        self.store_path = store_path
        self.store_exists = store_exists
        self.providers = providers
        self.missing_providers = missing_providers
        self.problems = problems
        self.warnings = warnings
        self.env_file_providers = [] if env_file_providers is None else env_file_providers
        self.now_ms = now_ms
        self.models = models  # Default, Fallbacks, Image model (what OpenClaw's status shows)
        self.providers_in_use = [] if providers_in_use is None else providers_in_use
        self.inherits_main = inherits_main  # a sub-agent also sees main's profiles (OpenClaw merges them)
        self.era = era  # core.era: "file" (auth-profiles.json) or "sqlite" (OpenClaw 2026.6.5+'s databases)
        self.era_release = era_release  # the release line of a SQLite-era dir, when its database tells it

    @property
    def profiles(self) -> list[ProfileStatus]:
        return [p for prov in self.providers for p in prov.profiles]

    @property
    def worst(self) -> StatusKind | None:
        return worst_status(p.status for p in self.profiles)


def worst_status(statuses: Iterable[StatusKind]) -> StatusKind | None:
    items = list(statuses)
    if not items:
        return None
    worst = max(items, key=lambda s: SEVERITY.get(s, 0))
    return worst


def expiry_status(remaining_ms: int) -> Literal["ok", "expiring", "expired"]:
    """The one expiry rule (OpenClaw's 24 h warning window): screens re-evaluate live badges with it."""
    if remaining_ms <= 0:
        return "expired"
    return "expiring" if remaining_ms <= WARN_WINDOW_MS else "ok"


def classify(cred: AnyCredential | CredentialView, now_ms: int) -> tuple[StatusKind, int | None]:
    """(status, remaining_ms) as OpenClaw 4.26's auth health (auth-health buildProfileHealth).

    api_key: static. token: expired, or missing when it has no token/ref or an unusable expiry;
    no expiry at all is static; else ok/expiring (24 h). oauth: missing without a usable expiry,
    else expired/expiring/ok by it (the access and refresh tokens themselves are not looked at).
    """
    if cred.type == "api_key":
        return "static", None
    if cred.type == "token":
        reason, expiry_state = order_mod.token_reason(cred, now_ms)
        if reason != "ok":
            expires = cred.expires_ms
            return ("expired" if reason == "expired" else "missing"), (expires - now_ms if expires else None)
        if expiry_state != "valid":
            return "static", None
    expires = cred.expires_ms
    if expires is None:
        return "missing", None
    remaining = expires - now_ms
    return expiry_status(remaining), remaining


def _masked(cred: AnyCredential | CredentialView, secret: str | None) -> str:
    if not secret:
        ref = getattr(cred, "keyRef", None) or getattr(cred, "tokenRef", None)
        if ref is not None:
            # The provider alias names what resolves it (an exec command, a file): `exec:value` alone says
            # nothing. The default alias is left out, as OpenClaw's refs may leave it out.
            alias = f"{ref.provider}:" if ref.provider and ref.provider != "default" else ""
            return f"ref {ref.source}:{alias}{ref.id}"
    return mask_secret(secret)


def profile_status(profile_id: str, cred: AnyCredential | CredentialView, now_ms: int, *, source: Source = "store",
                   cooldown_until: int = 0, position: int | None = None,
                   usage: Mapping[str, object] | None = None, reason_code: str = "ok",
                   ref_problem: str | None = None) -> ProfileStatus:
    return _profile_status(profile_id, cred, now_ms, source, cooldown_until, position, usage, reason_code,
                           ref_problem)


def _profile_status(profile_id: str, cred: AnyCredential | CredentialView, now_ms: int, source: Source,
                    cooldown_until: int, position: int | None, usage: Mapping[str, object] | None, reason_code: str,
                    ref_problem: str | None) -> ProfileStatus:
    """profile_status, called positionally by provider_statuses (keywords cost a tenth of a 100,000-row status)."""
    status, remaining = classify(cred, now_ms)
    # classify's remaining is expires - now whenever an expiry counts (and None for api keys): not read twice.
    expires = None if remaining is None else remaining + now_ms
    kind, why = _unusable(usage, cooldown_until, now_ms)
    secret = cred.secret
    ref_obj = None if secret else (getattr(cred, "keyRef", None) or getattr(cred, "tokenRef", None))
    ref = f"{ref_obj.source}:{ref_obj.provider or 'default'}:{ref_obj.id}" if ref_obj is not None else None
    if ref_problem is not None:
        status, remaining = "missing", None  # an unresolvable ref is no credential (core.secrets)
        reason_code = "unresolved_ref"
    masked = _masked(cred, secret) + (" (unresolved)" if ref_problem is not None else "")
    access = getattr(cred, "access", None)
    if isinstance(access, str) and access.startswith(FENCE_PREFIX):  # (a prefix test first: rows are many)
        from openclaw_onboard.core.fence_marks import fence_state

        fence = fence_state(cred.type, access, getattr(cred, "refresh", None), cred.expires_ms)
        if fence is not None:  # a 9.x refresh fence: no token to show; OpenClaw's eligibility says expired
            status, remaining, expires = "expired", None, None
            reason_code = "refresh_failed" if fence == "failed" else "refresh_pending"
            masked = "-"
    # Positional, in field order: keywords cost a fifth of this function at 20,000 profiles.
    return ProfileStatus(
        profile_id,  # profile_id
        cred.provider,  # provider
        cred.type,  # type
        status,  # status
        expires,  # expires_ms
        remaining,  # remaining_ms
        format_remaining(remaining) if remaining is not None else None,  # remaining_human
        masked,  # masked
        cred.email,  # email
        account if isinstance(account := getattr(cred, "accountId", None), str) else None,  # account_id
        source,  # source
        cooldown_until if cooldown_until > now_ms else 0,  # cooldown_until
        position,  # position
        kind,  # unusable_kind
        why,  # unusable_reason
        reason_code,  # reason_code
        ref,  # ref
        reason_code if reason_code != "ok" else None,  # reason
    )


def _unusable(usage: Mapping[str, object] | None, until: int,
              now_ms: int) -> tuple[Literal["cooldown", "disabled"] | None, str | None]:
    """("disabled", reason) while disabledUntil is ahead, ("cooldown", reason) for a cooldown, else Nones."""
    if not usage or until <= now_ms:
        return None, None
    disabled = usage.get("disabledUntil")
    if isinstance(disabled, int | float) and not isinstance(disabled, bool) and now_ms < disabled:
        reason = usage.get("disabledReason")
        return "disabled", reason if isinstance(reason, str) else None
    reason = usage.get("cooldownReason")
    return "cooldown", reason if isinstance(reason, str) else None


def _source_of(profile_id: str) -> Source:
    return "claude-cli" if profile_id == "anthropic:claude-cli" else "store"


def provider_statuses(store: StoreLike, auth: AuthLike, now_ms: int,
                      env: Mapping[str, str], extra_providers: Iterable[str] = (),
                      legacy_ids: Iterable[str] = (), dotenv_only: Iterable[str] = (),
                      sources: Mapping[str, Source] | None = None,
                      ref_problems: Mapping[str, str] | None = None) -> list[ProviderStatus]:
    """`env` is the merged environment; `dotenv_only` names the variables found only in `<state>/.env`;
    `sources` says where a profile comes from when not from this agent's store (e.g. "main");
    `ref_problems` maps profile ids whose SecretRef does not resolve to why (core.secrets)."""
    sources = sources or {}
    ref_problems = ref_problems or {}
    legacy = set(legacy_ids)
    from_dotenv = set(dotenv_only)
    # One group per auth key: `claude-cli` profiles are anthropic's (OpenClaw's auth alias), and a group
    # lists every profile of its key, so two spellings of one provider would list each profile twice.
    providers = {auth_provider_key(p) for p in store.providers()} | {auth_provider_key(p) for p in extra_providers}
    if auth:
        providers |= {auth_provider_key(p.provider) for p in auth.profiles.values()}
        providers |= {auth_provider_key(p) for p in auth.order}
    result: list[ProviderStatus] = []
    index = order_mod.index_orders(store, auth)  # once: every provider's look-ups, linear in providers
    for provider in sorted(providers | {p for p in WELL_KNOWN_PROVIDERS if env_keys_for(p, env)}):
        reasons: dict[str, str] = {}
        ordered = order_mod.effective_order(store, provider, auth, now_ms, reasons, index)
        in_order = set(ordered)
        unused = [pid for pid in index.stored_ids(provider) if pid not in in_order]
        usage_all = store.usageStats or {}
        profiles = store.profiles
        rows = []
        for i, pid in enumerate(ordered + unused):
            # Each look-up only when its table has entries: most stores have no legacy ids, sub-agent
            # sources, unresolved refs or usage stats, and 100,000 rows make every call count.
            source = ("legacy" if legacy and pid in legacy else sources.get(pid) if sources else None) \
                or _source_of(pid)
            usage = usage_all.get(pid) if usage_all else None
            rows.append(_profile_status(
                pid, profiles[pid], now_ms, source,
                order_mod.cooldown_until(store, pid) if usage_all else 0,  # cooldowns live in usageStats
                (i + 1) if pid in in_order else None,  # a set: lists made this quadratic
                usage if isinstance(usage, dict) else None,
                reasons.get(pid) or order_mod.eligibility(store, provider, pid, auth, now_ms),
                ref_problems.get(pid) if ref_problems else None))
        keys = env_keys_for(provider, env)
        effective = next((f"profile {r.profile_id}" for r in rows
                          if r.position and r.status not in ("expired", "missing") and not r.in_cooldown), None)
        if effective is None and keys:
            effective = f"env: {keys[0][0]}"
        if effective is None:
            effective = next((f"profile {r.profile_id}" for r in rows if r.position), None)
        env_rows = [EnvKeyStatus(name, mask_secret(value), ".env" if name in from_dotenv else "shell")
                    for name, value in keys]
        result.append(ProviderStatus(provider, rows, order_mod.order_source(store, provider, auth, index),
                                     env_rows, effective))
    return result


def agent_status(agent_id: str = "main", state: StrPath | None = None, env: Mapping[str, str] | None = None,
                 now_ms: int | None = None) -> AgentStatus:
    """Everything `models status` and the dashboard show for one agent, as OpenClaw 4.26 sees it.

    A sub-agent's store is read over main's (OpenClaw's runtime merges them, the agent winning);
    profiles that come from main are marked `source="main"`. "Providers in use" are those of the
    agent's configured models (default `openai/gpt-5.5`); one without any profile, env key or
    configured provider key is "missing auth", and fails `--check` as it does for OpenClaw.
    """
    from openclaw_onboard.core import agentconfig, fsio, views
    from openclaw_onboard.core.envkeys import read_env_file
    from openclaw_onboard.core.era import describe as describe_era
    from openclaw_onboard.core.era import detect as detect_era
    from openclaw_onboard.core.era import mixed_warning as era_mixed_warning
    from openclaw_onboard.core.paths import DEFAULT_AGENT_ID, agent_paths

    env = dict(os.environ if env is None else env)
    now = _clock_now() if now_ms is None else now_ms
    paths = agent_paths(agent_id, state)
    warnings: list[str] = []
    sources: dict[str, Source] = {}
    inherits = False
    store_path = str(paths.store)
    era = detect_era(paths.state)
    if era.is_sqlite:  # OpenClaw 2026.6.5+: the credentials are in its databases
        era = describe_era(era)
        snap, inherited, store_path = views.read_sqlite_store(paths)
        sources = dict.fromkeys(inherited, "main")
        inherits = bool(inherited)
        if era.mixed:
            warnings.append(era_mixed_warning(era))
    elif warning := fsio.tighten_file_mode(paths.store):
        warnings.append(warning)
    if not era.is_sqlite:
        snap = views.read_store(paths)
    problems = list(snap.problems)
    if agent_id != DEFAULT_AGENT_ID and not era.is_sqlite:
        main_paths = agent_paths(DEFAULT_AGENT_ID, paths.state)
        if os.path.normpath(main_paths.agent_dir) != os.path.normpath(paths.agent_dir):
            try:
                main = views.read_store(main_paths)
            except StoreCorruptError as exc:
                problems.append(str(exc))
            else:
                inherits = bool(main.store.profiles)
                sources = {pid: "main" for pid in main.store.profiles if pid not in snap.store.profiles}
                snap.store = views.merge_stores(main.store, snap.store)
    auth: views.AuthConfigView | None
    raw_cfg: dict = {}
    try:
        auth, raw_cfg = views.read_auth_config(paths.state)
    except StoreCorruptError as exc:
        auth = None
        problems.append(str(exc))
    lines = agentconfig.model_lines(raw_cfg, agent_id,
                                    agentconfig.SQLITE_ERA_DEFAULT_MODEL if era.is_sqlite else None)
    in_use = agentconfig.providers_in_use(lines)
    file_env = read_env_file(paths.state)
    merged_env = {**file_env, **env}  # the shell wins over .env, as for the gateway
    ref_problems = _ref_problems(snap.store, raw_cfg, merged_env)
    providers = provider_statuses(snap.store, auth, now, merged_env, legacy_ids=snap.legacy_ids,
                                  dotenv_only=[name for name in file_env if name not in env], sources=sources,
                                  ref_problems=ref_problems)
    with_auth = {auth_provider_key(p) for p in {c.provider for c in snap.store.profiles.values()}}
    with_auth |= {auth_provider_key(p.provider) for p in providers if p.env}
    with_auth |= {auth_provider_key(p) for p in agentconfig.custom_provider_keys(raw_cfg)}
    cli_backends = agentconfig.cli_backend_providers(raw_cfg)
    missing = [p for p in in_use if auth_provider_key(p) not in with_auth and p not in cli_backends]
    env_file_providers = [ps.provider for ps in providers if any(k.source == ".env" for k in ps.env)]
    return AgentStatus(agent_id, store_path, snap.exists, providers, missing, problems,
                       warnings, env_file_providers, now, lines, in_use, inherits, era.kind, era.release)


def _ref_problems(store: StoreLike, raw_config: Mapping, env: Mapping[str, str]) -> dict[str, str]:
    """Profiles whose only secret is a ref that does not resolve (imports core.secrets only if any)."""
    with_refs = {pid: c for pid, c in store.profiles.items()  # refs first: most profiles have none
                 if (getattr(c, "keyRef", None) or getattr(c, "tokenRef", None)) and not c.secret}
    if not with_refs:
        return {}
    from collections.abc import Mapping

    from openclaw_onboard.core import secrets

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
    """`--check` as the release that owns the state dir answers it. OpenClaw 4.26 (the file era): 1 if any
    oauth/token profile is expired or missing, or a provider in use has no auth; 2 if any is expiring; else 0.
    OpenClaw 2026.9.4+ (the SQLite era) judges only the profile each in-use route selects: a provider in use
    without auth, or whose selected profile is expired (a failed refresh included), is 1; one expiring is 2;
    an expired profile no route selects no longer counts."""
    if status.era == "sqlite":
        return _route_check(status)
    kinds = {p.status for p in status.profiles if p.source != "env"}
    if status.missing_providers or kinds & {"expired", "missing"}:
        return 1
    if "expiring" in kinds:
        return 2
    return 0


def _route_check(status: AgentStatus) -> int:
    if status.missing_providers:
        return 1
    in_use = {auth_provider_key(p) for p in status.providers_in_use}
    worst = 0
    for prov in status.providers:
        if auth_provider_key(prov.provider) not in in_use:
            continue
        ranked = [r for r in prov.profiles if r.position]
        usable = next((r for r in ranked if r.status not in ("expired", "missing") and not r.in_cooldown), None)
        # Nothing usable in the order: an environment key carries the route, else the best it has (an expired
        # or failed profile), which is what 9.x reports.
        selected = usable or (None if prov.env else next(iter(ranked or prov.profiles), None))
        if selected is None:
            continue  # the route runs on an environment key
        if selected.status in ("expired", "missing"):
            return 1
        if selected.status == "expiring":
            worst = 2
    return worst
