"""Read-only views of the store for the hot path (`models status --check`, dashboard polling).

Why not the pydantic models: importing pydantic and building the models costs ~120 ms, the
whole budget of a `models status` run. These views accept exactly the entries the models
accept (tests/core/test_views_agree.py checks that with hypothesis) and expose the same
attribute names, so `core.order` and `core.status` work on either. Every write still goes
through the pydantic models in `core.store`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core import fsio
from core.errors import StoreCorruptError
from core.paths import AgentPaths, config_path, legacy_oauth_path

CREDENTIAL_TYPES = ("oauth", "token", "api_key")
_COMMON_STR = ("email",)
_STR_FIELDS = {
    "api_key": ("key",),
    "token": ("token",),
    "oauth": ("access", "refresh", "accountId", "projectId", "enterpriseUrl", "idToken", "displayName", "clientId"),
}
_REF_FIELD = {"api_key": "keyRef", "token": "tokenRef", "oauth": None}
_REF_SOURCES = ("env", "file", "exec")
_SECRET_FIELD = {"api_key": "key", "token": "token", "oauth": "access"}


def unknown_type_reason(kind: Any) -> str:
    """Name a bad `type` only when it looks like a type name: a pasted secret may sit there."""
    if not kind:
        return "no credential type"
    if isinstance(kind, str) and len(kind) <= 24 and kind.replace("_", "").replace("-", "").isalnum():
        return f"unknown credential type {kind!r}"
    return "unknown credential type"


def coerce_expires_ms(raw: Any) -> int | None:
    """`expires` as integer ms, or None when absent or not a usable number (shared with models)."""
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    if math.isnan(raw) or math.isinf(raw) or raw <= 0:
        return None
    return int(raw)


def normalize_credential_raw(raw: Any, provider_hint: str | None = None) -> dict[str, Any]:
    """OpenClaw's lenient spellings: `mode` -> `type`, `apiKey` -> `key` (shared with models)."""
    if not isinstance(raw, dict):
        raise ValueError(f"expected an object, found {type(raw).__name__}")
    data = dict(raw)
    if "type" not in data and "mode" in data:
        data["type"] = data.pop("mode")
    if data.get("type") == "api_key" and "key" not in data and "apiKey" in data:
        data["key"] = data.pop("apiKey")
    # OpenClaw reads an object in `key`/`token` as the ref (its store load does the same move).
    for field_name, ref_name in (("key", "keyRef"), ("token", "tokenRef")):
        if isinstance(data.get(field_name), dict) and ref_name not in data:
            data[ref_name] = data.pop(field_name)
    if provider_hint and not data.get("provider"):
        data["provider"] = provider_hint
    return data


@dataclass(frozen=True, slots=True)
class RefView:
    source: str
    id: str
    provider: str | None = None


@dataclass(slots=True)
class CredentialView:
    """Same attribute names as core.models credentials, read-only use."""

    type: str
    provider: str
    raw: dict[str, Any]
    keyRef: RefView | None = None
    tokenRef: RefView | None = None

    def __getattr__(self, name: str) -> Any:
        # Known optional fields (email, access, refresh, accountId, expires, ...) read from raw.
        try:
            return object.__getattribute__(self, "raw").get(name)
        except AttributeError:
            raise AttributeError(name) from None

    @property
    def secret(self) -> str | None:
        return self.raw.get(_SECRET_FIELD[self.type])

    @property
    def expires_ms(self) -> int | None:
        return coerce_expires_ms(self.raw.get("expires"))


def _ref(value: Any) -> RefView:
    if not isinstance(value, dict):
        raise ValueError("secret ref: expected an object")
    source, ref_id, provider = value.get("source"), value.get("id"), value.get("provider")
    if source not in _REF_SOURCES:
        raise ValueError("secret ref: source must be env, file or exec")
    if not isinstance(ref_id, str) or (provider is not None and not isinstance(provider, str)):
        raise ValueError("secret ref: id must be a string")
    return RefView(source, ref_id, provider)


def view_credential(raw: Any, provider_hint: str | None = None) -> CredentialView:
    """Validate like core.models.parse_credential; ValueError with a short reason otherwise."""
    data = normalize_credential_raw(raw, provider_hint)
    kind = data.get("type")
    if kind not in CREDENTIAL_TYPES:
        raise ValueError(unknown_type_reason(kind))
    provider = data.get("provider")
    if not isinstance(provider, str) or not provider:
        raise ValueError("no provider")
    for name in _COMMON_STR + _STR_FIELDS[kind]:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{name}: Input should be a valid string")
    refs: dict[str, RefView | None] = {"keyRef": None, "tokenRef": None}
    ref_name = _REF_FIELD[kind]
    if ref_name and data.get(ref_name) is not None:
        refs[ref_name] = _ref(data[ref_name])
    return CredentialView(kind, provider, data, **refs)


@dataclass(slots=True)
class UsageView:
    lastUsed: float | None = None
    cooldownUntil: float | None = None
    disabledUntil: float | None = None


@dataclass
class StoreView:
    profiles: dict[str, CredentialView] = field(default_factory=dict)
    order: dict[str, list[str]] | None = None
    lastGood: dict[str, str] | None = None
    usageStats: dict[str, UsageView] | None = None

    def profiles_for(self, provider: str) -> dict[str, CredentialView]:
        return {pid: c for pid, c in self.profiles.items() if c.provider == provider}

    def providers(self) -> list[str]:
        return sorted({c.provider for c in self.profiles.values()})


def _num(v: Any) -> bool:
    return v is None or (isinstance(v, int | float) and not isinstance(v, bool))


def _order(value: Any) -> dict[str, list[str]] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
        isinstance(ids, list) and all(isinstance(i, str) for i in ids) for ids in value.values()
    ):
        raise ValueError("order: wrong shape")
    return {k: list(v) for k, v in value.items()}


def _usage(value: Any) -> dict[str, UsageView] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError("usageStats: wrong shape")
    out: dict[str, UsageView] = {}
    for pid, stats in value.items():
        if not isinstance(stats, dict):
            raise ValueError("usageStats: wrong shape")
        fields = (stats.get("lastUsed"), stats.get("cooldownUntil"), stats.get("disabledUntil"))
        if not all(_num(v) for v in fields):
            raise ValueError("usageStats: wrong shape")
        out[pid] = UsageView(*fields)
    return out


@dataclass
class StoreSnapshot:
    store: StoreView
    problems: list[str]
    exists: bool
    legacy_ids: list[str]


def _problem(file: str, key: str, reason: str) -> str:
    return f"{file}: skipped {key}: {reason}"


def read_store(paths: AgentPaths) -> StoreSnapshot:
    """Parse auth-profiles.json (+ auth-state.json order, + legacy files when the store is absent)."""
    raw = fsio.read_json_object(paths.store)
    problems: list[str] = []
    view = StoreView()
    legacy_ids: list[str] = []
    if raw is None:
        legacy_ids = merge_legacy_entries(paths, view.profiles, view_credential,
                                          lambda file, key, reason: problems.append(_problem(file, key, reason)))
    else:
        for key, parse in (("order", _order), ("usageStats", _usage)):
            try:
                setattr(view, key, parse(raw.get(key)))
            except ValueError:
                problems.append(_problem(paths.store.name, key, "wrong shape, ignored"))
        profiles = raw.get("profiles", {})
        if not isinstance(profiles, dict):
            problems.append(_problem(paths.store.name, "profiles", "not an object"))
            profiles = {}
        for pid, entry in profiles.items():
            try:
                view.profiles[pid] = view_credential(entry)
            except ValueError as exc:
                problems.append(_problem(paths.store.name, f"profile {pid!r}", str(exc)))
    try:
        state_raw = fsio.read_json_object(paths.auth_state)
        if state_raw is not None and state_raw.get("order") is not None:
            view.order = _order(state_raw.get("order"))
    except (StoreCorruptError, ValueError) as exc:
        problems.append(_problem(paths.auth_state.name, "file", getattr(exc, "problem", str(exc))))
    return StoreSnapshot(view, problems, raw is not None, legacy_ids)


def merge_legacy_entries(paths: AgentPaths, profiles: dict[str, Any], parse: Callable[..., Any],
                         report: Callable[[str, str, str], None]) -> list[str]:
    """Legacy `auth.json` then `credentials/oauth.json` entries into `profiles` as `<provider>:default`,
    never overwriting. `parse(entry, provider_hint=...)` validates (a view here, a pydantic model in
    core.imports); `report(file, key, reason)` records what was skipped. Returns the ids added."""
    added: list[str] = []
    for path in (paths.legacy_auth, legacy_oauth_path(paths.state)):
        try:
            entries = fsio.read_json_object(path) or {}
        except StoreCorruptError as exc:
            report(str(path), "file", exc.problem)
            continue
        for provider, entry in entries.items():
            if isinstance(entry, dict) and "type" not in entry and "mode" not in entry:
                entry = {**entry, "type": legacy_type(entry)}
            try:
                cred = parse(entry, provider_hint=provider)
            except ValueError as exc:
                report(str(path), provider, str(exc))
                continue
            pid = f"{cred.provider}:default"
            if pid not in profiles:
                profiles[pid] = cred
                added.append(pid)
    return added


def legacy_type(entry: dict[str, Any]) -> str:
    """oauth.json entries carry no type: access/refresh means oauth (shared with core.imports)."""
    if "access" in entry or "refresh" in entry:
        return "oauth"
    return "api_key" if ("key" in entry or "apiKey" in entry) else "token"


@dataclass
class AuthConfigView:
    profiles: dict[str, RefProfile] = field(default_factory=dict)
    order: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RefProfile:
    provider: str
    mode: str = "api_key"
    email: str | None = None


def read_auth_config(state: Path) -> tuple[AuthConfigView | None, dict[str, Any]]:
    """The `auth` part of openclaw.json (plain JSON fast, JSON5 when needed) and the whole raw dict."""
    path = config_path(state)
    raw_bytes = fsio.read_bytes_or_none(path)
    if raw_bytes is None:
        return None, {}
    try:
        raw = json.loads(raw_bytes)
        if not isinstance(raw, dict):
            raise ValueError
    except ValueError:
        raw = fsio.parse_json_object(path, raw_bytes, json5=True)
    auth = raw.get("auth") or {}
    try:
        profiles = {
            pid: RefProfile(p["provider"], p.get("mode", "api_key"), p.get("email"))
            for pid, p in (auth.get("profiles") or {}).items()
        }
        if not all(isinstance(p.provider, str) for p in profiles.values()):
            raise TypeError
        order = _order(auth.get("order")) or {}
    except (KeyError, TypeError, AttributeError, ValueError):
        raise StoreCorruptError(path, "the `auth` section has the wrong shape") from None
    return AuthConfigView(profiles, order), raw
