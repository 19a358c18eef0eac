"""Which profile of a provider is tried first.

Effective order: the per-agent override (auth-profiles.json `order`, or auth-state.json's when
that file exists), else config `auth.order[P]`, else config `auth.profiles` of P, else every
stored profile of P. An explicit order is an allow-list: profiles it does not name are not used.
Without an explicit order: oauth before token before api_key, then least recently used.
In every case, profiles in cooldown go last, soonest-available first.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import ProfileNotFoundError, ValidationError

if TYPE_CHECKING:  # order works on models (writes) and on core.views (fast reads) alike
    from typing import TypeAlias

    from core.models import AuthConfig, AuthProfileStore
    from core.views import AuthConfigView, StoreView

    StoreLike: TypeAlias = AuthProfileStore | StoreView
    AuthLike: TypeAlias = AuthConfig | AuthConfigView | None

TYPE_RANK = {"oauth": 0, "token": 1, "api_key": 2}
_FOREVER_MS = 2**62  # `1e999` is valid JSON (Infinity): a cooldown that never ends


def _ms(value: float | None) -> int:
    """A timestamp from usageStats as int ms; Infinity -> forever, NaN/-Infinity/None -> 0."""
    if value is None or value != value or value == float("-inf"):
        return 0
    return _FOREVER_MS if value == float("inf") else int(value)


def cooldown_until(store: StoreLike, profile_id: str) -> int:
    """The later of cooldownUntil and disabledUntil, 0 when none."""
    stats = (store.usageStats or {}).get(profile_id)
    if stats is None:
        return 0
    return max(_ms(stats.cooldownUntil), _ms(stats.disabledUntil))


def _last_used(store: StoreLike, profile_id: str) -> int:
    stats = (store.usageStats or {}).get(profile_id)
    return _ms(stats.lastUsed) if stats else 0


def _cooldown_last(store: StoreLike, ids: list[str], now_ms: int) -> list[str]:
    ready = [pid for pid in ids if cooldown_until(store, pid) <= now_ms]
    waiting = [pid for pid in ids if cooldown_until(store, pid) > now_ms]
    waiting.sort(key=lambda pid: cooldown_until(store, pid))
    return ready + waiting


def default_sort(store: StoreLike, ids: list[str], now_ms: int) -> list[str]:
    ranked = sorted(ids, key=lambda pid: (TYPE_RANK.get(store.profiles[pid].type, 9), _last_used(store, pid), pid))
    return _cooldown_last(store, ranked, now_ms)


def override_order(store: StoreLike, provider: str) -> list[str] | None:
    """The per-agent override for `provider`, as stored (may name missing profiles)."""
    return list(store.order[provider]) if store.order and provider in store.order else None


def order_source(store: StoreLike, provider: str, auth: AuthLike) -> str:
    """Where the effective order comes from: override | config-order | config-profiles | default."""
    if override_order(store, provider) is not None:
        return "override"
    if auth and provider in auth.order:
        return "config-order"
    if auth and any(p.provider == provider for p in auth.profiles.values()):
        return "config-profiles"
    return "default"


def effective_order(store: StoreLike, provider: str, auth: AuthLike, now_ms: int) -> list[str]:
    def existing(ids: list[str]) -> list[str]:
        seen: list[str] = []
        for pid in ids:
            cred = store.profiles.get(pid)
            if cred is not None and cred.provider == provider and pid not in seen:
                seen.append(pid)
        return seen

    explicit = override_order(store, provider)
    if explicit is None and auth and provider in auth.order:
        explicit = auth.order[provider]
    if explicit is not None:
        return _cooldown_last(store, existing(explicit), now_ms)
    configured = [pid for pid, p in (auth.profiles.items() if auth else []) if p.provider == provider]
    base = existing(configured) if configured else list(store.profiles_for(provider))
    return default_sort(store, base, now_ms)


def validate_order(store: StoreLike, provider: str, ids: list[str]) -> list[str]:
    if not ids:
        raise ValidationError("Give at least one profile id (use `order clear` to remove the override)")
    seen: set[str] = set()
    for pid in ids:
        cred = store.profiles.get(pid)
        if cred is None:
            raise ProfileNotFoundError(f'Auth profile "{pid}" not found.')
        if cred.provider != provider:
            raise ValidationError(f'Auth profile "{pid}" is for {cred.provider}, not {provider}.')
        if pid in seen:
            raise ValidationError(f'Auth profile "{pid}" is listed twice.')
        seen.add(pid)
    return list(ids)


def set_order(provider: str, ids: list[str], agent_id: str = "main", state: Path | None = None) -> list[str]:
    from core import store as store_mod

    def mutate(s: AuthProfileStore) -> list[str]:
        valid = validate_order(s, provider, ids)
        s.order = {**(s.order or {}), provider: valid}
        return valid

    return store_mod.update(mutate, agent_id, state)


def clear_order(provider: str, agent_id: str = "main", state: Path | None = None) -> bool:
    """Remove the override for `provider`. True if there was one."""
    from core import store as store_mod

    def mutate(s: AuthProfileStore) -> bool:
        if not s.order or provider not in s.order:
            return False
        rest = {k: v for k, v in s.order.items() if k != provider}
        s.order = rest or None
        return True

    return store_mod.update(mutate, agent_id, state)
