"""Which profile of a provider is tried first: OpenClaw 2026.4.26's resolveAuthProfileOrder.

- The store's order (auth-state.json) wins outright, else config `auth.order[P]`, else the
  config `auth.profiles` ids of P (config order), else the stored profiles of P (store order).
- Only eligible profiles take part: the provider matches (by auth key: `claude-cli` is
  `anthropic`), the config mode fits the type, and the credential is usable (an api_key has a
  key or keyRef; a token has a token or tokenRef and is neither expired nor of invalid expiry;
  an oauth profile has an access or refresh token, whatever its expiry).
- Explicit order: kept as given. Otherwise oauth, token, api_key, then least recently used
  (a stable sort: ties keep config/store order). Either way profiles in cooldown or disabled
  go last, soonest available first (openrouter and kilocode never cool down).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openclaw_onboard.core.authstate import stat_number, unusable_until
from openclaw_onboard.core.errors import ProfileNotFoundError, ValidationError
from openclaw_onboard.core.i18n import _
from openclaw_onboard.core.provider_ids import auth_provider_key, normalize_provider_id

if TYPE_CHECKING:  # order works on models (writes) and on core.views (fast reads) alike
    from pathlib import Path
    from typing import Any, TypeAlias

    from openclaw_onboard.core.models import AuthConfig, AuthProfileStore
    from openclaw_onboard.core.views import AuthConfigView, StoreView

    StoreLike: TypeAlias = AuthProfileStore | StoreView
    AuthLike: TypeAlias = AuthConfig | AuthConfigView | None

TYPE_RANK = {"oauth": 0, "token": 1, "api_key": 2}
COOLDOWN_BYPASS_PROVIDERS = frozenset({"openrouter", "kilocode"})
_MISSING = object()


class OrderIndex:
    """What effective_order looks up per provider, indexed once for one (store, config) pair, so a status
    of many providers is linear in them. Build it again after either changes (index_orders)."""

    __slots__ = ("config_order", "config_profiles", "store_order", "store_profiles")

    def __init__(self, store: StoreLike, auth: AuthLike) -> None:
        # normalised provider id -> the store's order entry (the first key wins); the same for config `auth.order`
        self.store_order = _by_normalized_key(store.order)
        self.config_order = _by_normalized_key(auth.order) if auth else {}
        # auth provider key -> config `auth.profiles` ids, in config order; the same for the stored profiles
        self.config_profiles = _ids_by_auth_key(auth.profiles) if auth else {}
        self.store_profiles = _ids_by_auth_key(store.profiles)

    def override(self, provider: str) -> list[str] | None:
        """override_order(store, provider), looked up in the index."""
        return _order_for(self.store_order, provider)

    def stored_ids(self, provider: str) -> list[str]:
        """The ids of store.profiles_for(provider), in store order."""
        return list(self.store_profiles.get(auth_provider_key(provider), ()))


def _by_normalized_key(entries: dict[str, Any] | None) -> dict[str, Any]:
    """{normalised provider id: value}, the first entry winning (OpenClaw's findNormalizedProviderValue)."""
    index: dict[str, Any] = {}
    for key, value in (entries or {}).items():
        index.setdefault(normalize_provider_id(key), value)
    return index


def _ids_by_auth_key(profiles: dict[str, Any]) -> dict[str, list[str]]:
    """{auth provider key: [profile ids]}, in the dict's order."""
    by_key: dict[str, list[str]] = {}
    for pid, p in profiles.items():
        by_key.setdefault(auth_provider_key(p.provider), []).append(pid)
    return by_key


def index_orders(store: StoreLike, auth: AuthLike) -> OrderIndex:
    return OrderIndex(store, auth)


def _order_for(index: dict[str, Any], provider: str) -> list[str] | None:
    found = index.get(normalize_provider_id(auth_provider_key(provider)))
    if found is None:
        found = index.get(normalize_provider_id(provider))
    return list(found) if isinstance(found, list) else None


def cooldown_until(store: StoreLike, profile_id: str) -> int:
    """When the profile is usable again (cooldown or disable), 0 when it has no window."""
    return unusable_until(store.usageStats, profile_id) or 0


def in_cooldown(store: StoreLike, profile_id: str, now_ms: int) -> bool:
    cred = store.profiles.get(profile_id)
    if cred is not None and normalize_provider_id(cred.provider) in COOLDOWN_BYPASS_PROVIDERS:
        return False
    until = unusable_until(store.usageStats, profile_id)
    return until is not None and now_ms < until


def raw_field(cred: Any, name: str) -> Any:
    """The field as stored: `_MISSING` when absent (JavaScript's undefined), else its value (null is None)."""
    raw = getattr(cred, "raw", None)
    if isinstance(raw, dict):
        return raw.get(name, _MISSING)
    if name in cred.model_fields_set or name in (cred.model_extra or {}):
        return getattr(cred, name, None)
    return _MISSING


def _has_text(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


_INFINITIES = (float("inf"), float("-inf"))


def token_expiry_state(expires: Any, now_ms: int) -> str:
    """OpenClaw's resolveTokenExpiryState: missing | invalid_expires | expired | valid."""
    if expires is _MISSING:
        return "missing"
    if isinstance(expires, bool) or not isinstance(expires, int | float):
        return "invalid_expires"
    if expires != expires or expires in _INFINITIES or expires <= 0:
        return "invalid_expires"
    return "expired" if expires - now_ms <= 0 else "valid"


def token_reason(cred: Any, now_ms: int) -> tuple[str, str]:
    """(credential_reason, token_expiry_state) of a token profile, its expiry read once (status needs both)."""
    state = token_expiry_state(raw_field(cred, "expires"), now_ms)
    if not (_has_text(cred.token) or cred.tokenRef is not None):
        return "missing_credential", state
    return (state if state in ("invalid_expires", "expired") else "ok"), state


def credential_reason(cred: Any, now_ms: int) -> str:
    """OpenClaw's evaluateStoredCredentialEligibility: ok | missing_credential | invalid_expires | expired."""
    if cred.type == "api_key":
        return "ok" if _has_text(cred.key) or cred.keyRef is not None else "missing_credential"
    if cred.type == "token":
        return token_reason(cred, now_ms)[0]
    return "ok" if _has_text(cred.access) or _has_text(cred.refresh) else "missing_credential"


def eligibility(store: StoreLike, provider: str, profile_id: str, auth: AuthLike, now_ms: int) -> str:
    """Why a profile can or cannot serve `provider`: ok, or OpenClaw's reason code."""
    return _eligibility(store, auth_provider_key(provider), profile_id, auth, now_ms)


def _eligibility(store: StoreLike, key: str, profile_id: str, auth: AuthLike, now_ms: int) -> str:
    """eligibility() with the provider's auth key computed once by the caller (once per provider, not per profile)."""
    cred = store.profiles.get(profile_id)
    if cred is None:
        return "profile_missing"
    if auth_provider_key(cred.provider) != key:
        return "provider_mismatch"
    configured = auth.profiles.get(profile_id) if auth else None
    if configured is not None:
        if auth_provider_key(configured.provider) != key:
            return "provider_mismatch"
        if configured.mode != cred.type and not (configured.mode == "oauth" and cred.type == "token"):
            return "mode_mismatch"
    return credential_reason(cred, now_ms)


def _last_used(store: StoreLike, profile_id: str) -> float:
    value = stat_number(store.usageStats, profile_id, "lastUsed")
    return value if value is not None and value == value else 0.0


def _split_cooling(store: StoreLike, ids: list[str], now_ms: int) -> tuple[list[str], list[str]]:
    """(ready, cooling down), each in the given order; one cooldown look-up per profile."""
    if not store.usageStats:  # no usage recorded, so no cooldown (unusable_until): the common store
        return list(ids), []
    ready: list[str] = []
    waiting: list[str] = []
    for pid in ids:
        (waiting if in_cooldown(store, pid, now_ms) else ready).append(pid)
    return ready, waiting


def _cooldown_last(store: StoreLike, ids: list[str], now_ms: int) -> list[str]:
    ready, waiting = _split_cooling(store, ids, now_ms)
    waiting.sort(key=lambda pid: cooldown_until(store, pid) or now_ms)
    return ready + waiting


def default_sort(store: StoreLike, ids: list[str], now_ms: int) -> list[str]:
    """OpenClaw's orderProfilesByMode: usable ones by type then least recently used, then cooldowns."""
    ready, waiting = _split_cooling(store, ids, now_ms)
    profiles = store.profiles
    if store.usageStats:
        ready.sort(key=lambda pid: (TYPE_RANK.get(profiles[pid].type, 3), _last_used(store, pid)))
    else:  # every lastUsed is 0: by type alone (the sort is stable, as with the equal second key)
        ready.sort(key=lambda pid: TYPE_RANK.get(profiles[pid].type, 3))
    waiting.sort(key=lambda pid: cooldown_until(store, pid) or now_ms)
    return ready + waiting


def override_order(store: StoreLike, provider: str) -> list[str] | None:
    """The per-agent override for `provider`, as stored (may name missing profiles)."""
    return _order_for(_by_normalized_key(store.order), provider)


def order_source(store: StoreLike, provider: str, auth: AuthLike, index: OrderIndex | None = None) -> str:
    """Where the effective order comes from: override | config-order | config-profiles | default.
    `index`: index_orders(store, auth), when the caller asks for many providers."""
    index = index or index_orders(store, auth)
    if _order_for(index.store_order, provider) is not None:
        return "override"
    if _order_for(index.config_order, provider) is not None:
        return "config-order"
    if index.config_profiles.get(auth_provider_key(provider)):
        return "config-profiles"
    return "default"


def _dedupe(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def effective_order(store: StoreLike, provider: str, auth: AuthLike, now_ms: int,
                    reasons: dict[str, str] | None = None, index: OrderIndex | None = None) -> list[str]:
    """`reasons`, when given, memoises `eligibility` per profile id (status computes it for every row too);
    `index`: index_orders(store, auth), when the caller asks for many providers."""
    index = index or index_orders(store, auth)
    key = auth_provider_key(provider)
    explicit = _order_for(index.store_order, provider)
    if explicit is None:
        explicit = _order_for(index.config_order, provider)
    configured = index.config_profiles.get(key, [])
    stored = index.store_profiles.get(key, [])
    if explicit is not None:
        base = explicit
    elif configured:
        base = configured
    else:
        base = stored
    if not base:
        return []

    memo = {} if reasons is None else reasons

    def eligible(pid: str) -> bool:
        reason = memo.get(pid)
        if reason is None:
            reason = memo[pid] = _eligibility(store, key, pid, auth, now_ms)
        return reason == "ok"

    chosen = [pid for pid in base if eligible(pid)]
    if not chosen and configured and all(pid not in store.profiles for pid in base):
        chosen = [pid for pid in stored if eligible(pid)]
    chosen = _dedupe(chosen)
    if explicit:
        return _cooldown_last(store, chosen, now_ms)
    return default_sort(store, chosen, now_ms)


def validate_order(store: StoreLike, provider: str, ids: list[str]) -> list[str]:
    if not ids:
        raise ValidationError(_("Give at least one profile id (use `order clear` to remove the override)"))
    seen: set[str] = set()
    for pid in ids:
        cred = store.profiles.get(pid)
        if cred is None:
            raise ProfileNotFoundError(f'Auth profile "{pid}" not found.')
        if auth_provider_key(cred.provider) != auth_provider_key(provider):
            raise ValidationError(f'Auth profile "{pid}" is for {cred.provider}, not {provider}.')
        if pid in seen:
            raise ValidationError(_('Auth profile "{profile_id}" is listed twice.').format(profile_id=pid))
        seen.add(pid)
    return list(ids)


def store_order_key(provider: str) -> str:
    """OpenClaw's setAuthProfileOrder keys the stored order by the normalised provider id."""
    return normalize_provider_id(provider)


def set_order(provider: str, ids: list[str], agent_id: str = "main", state: Path | None = None) -> list[str]:
    from openclaw_onboard.core import store as store_mod

    # A sub-agent may order main's profiles too: OpenClaw's runtime merges main's store under it.
    inherited = store_mod.load_runtime(agent_id, state).store.profiles if agent_id != "main" else {}

    def mutate(s: AuthProfileStore) -> list[str]:
        view = s.model_copy()
        view.profiles = {**inherited, **s.profiles}
        valid = validate_order(view, provider, ids)
        s.order = {**(s.order or {}), store_order_key(provider): valid}
        return valid

    return store_mod.update(mutate, agent_id, state)


def clear_order(provider: str, agent_id: str = "main", state: Path | None = None) -> bool:
    """Remove the override for `provider`. True if there was one."""
    from openclaw_onboard.core import store as store_mod

    key = store_order_key(provider)

    def mutate(s: AuthProfileStore) -> bool:
        if not s.order or key not in s.order:
            return False
        rest = {k: v for k, v in s.order.items() if k != key}
        s.order = rest or None
        return True

    return store_mod.update(mutate, agent_id, state)
