"""Read-only views of the store for the hot path (`models status --check`, dashboard polling).

Why not the pydantic models: importing pydantic and building the models costs ~120 ms, the
whole budget of a `models status` run. These views accept exactly the entries the models
accept (tests/core/test_views_agree.py checks that with hypothesis) and expose the same
attribute names, so `core.order` and `core.status` work on either. Every write still goes
through the pydantic models in `core.store`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from openclaw_onboard.core import fsio
from openclaw_onboard.core.authstate import read_state
from openclaw_onboard.core.errors import StoreCorruptError
from openclaw_onboard.core.paths import STORE_FILENAME, legacy_oauth_path
from openclaw_onboard.core.provider_ids import auth_provider_key, normalize_provider_id

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from openclaw_onboard.core.paths import AgentPaths, StrPath

CREDENTIAL_TYPES = ("oauth", "token", "api_key")
_COMMON_STR = ("email",)
_STR_FIELDS = {
    "api_key": ("key",),
    "token": ("token",),
    "oauth": ("access", "refresh", "accountId", "projectId", "enterpriseUrl", "idToken", "displayName", "clientId"),
}
_CHECKED_STR = {kind: _COMMON_STR + names for kind, names in _STR_FIELDS.items()}  # once, not per profile
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
    if type(raw) is int:  # what JSON gives nearly always (a bool is not `int` here)
        return raw if raw > 0 else None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return None
    if math.isnan(raw) or math.isinf(raw) or raw <= 0:
        return None
    return int(raw)


def normalize_credential_raw(raw: Any, provider_hint: str | None = None) -> dict[str, Any]:
    """OpenClaw's lenient spellings: `mode` -> `type`, `apiKey` -> `key` (shared with models).

    An entry already in the plain form is returned as it is, not copied (a copy per profile was a fifth of
    the memory of a 100,000-profile status): callers only read the result.
    """
    if not isinstance(raw, dict):
        raise ValueError(f"expected an object, found {type(raw).__name__}")
    key, token = raw.get("key"), raw.get("token")
    if (("type" in raw or not isinstance(raw.get("mode"), str))
            and ("key" in raw or not isinstance(raw.get("apiKey"), str))
            and (key is None or isinstance(key, str)) and (token is None or isinstance(token, str))
            and (not provider_hint or raw.get("provider"))):
        return raw
    data = dict(raw)
    if "type" not in data and isinstance(data.get("mode"), str):
        data["type"] = data["mode"]  # OpenClaw adds `type` and keeps `mode`
    if "key" not in data and isinstance(data.get("apiKey"), str):
        data["key"] = data["apiKey"]
    # An object in `key`/`token` is a SecretRef written inline (OpenClaw normalizeSecretBackedField).
    for value_field, ref_field in (("key", "keyRef"), ("token", "tokenRef")):
        value = data.get(value_field)
        if value is not None and not isinstance(value, str):
            if _is_ref(value) and not _is_ref(data.get(ref_field)):
                data[ref_field] = value
            del data[value_field]
    if provider_hint and not data.get("provider"):
        data["provider"] = provider_hint
    return data


def _is_ref(value: Any) -> bool:
    return (isinstance(value, dict) and value.get("source") in _REF_SOURCES and isinstance(value.get("id"), str)
            and value["id"].strip() != "" and isinstance(value.get("provider", ""), str))


class RefView:
    __slots__ = ("id", "provider", "source")

    def __init__(self, source: str, id: str, provider: str | None = None) -> None:
        self.source = source
        self.id = id
        self.provider = provider

    def __repr__(self) -> str:
        return f"RefView(source={self.source!r}, id={self.id!r}, provider={self.provider!r})"


class CredentialView:
    """Same attribute names as core.models credentials, read-only use."""

    __slots__ = ("keyRef", "provider", "raw", "tokenRef", "type")

    def __init__(self, type: str, provider: str, raw: dict[str, Any], keyRef: RefView | None = None,
                 tokenRef: RefView | None = None) -> None:
        self.type = type
        self.provider = provider
        self.raw = raw
        self.keyRef = keyRef
        self.tokenRef = tokenRef

    def __repr__(self) -> str:  # never the raw entry: it holds the secret
        return f"CredentialView(type={self.type!r}, provider={self.provider!r})"

    def __getattr__(self, name: str) -> Any:
        # Known optional fields (email, access, refresh, accountId, expires, ...) read from raw.
        try:
            return object.__getattribute__(self, "raw").get(name)
        except AttributeError:
            raise AttributeError(name) from None

    # The fields status reads for every profile, as plain properties: `__getattr__` is only reached after
    # a failed look-up, which costs a caught AttributeError each time (measured at 20,000 profiles).
    key = property(lambda self: self.raw.get("key"))
    token = property(lambda self: self.raw.get("token"))
    access = property(lambda self: self.raw.get("access"))
    refresh = property(lambda self: self.raw.get("refresh"))
    email = property(lambda self: self.raw.get("email"))
    accountId = property(lambda self: self.raw.get("accountId"))

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
    for name in _CHECKED_STR[kind]:
        value = data.get(name)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{name}: Input should be a valid string")
    ref_name = _REF_FIELD[kind]
    if ref_name and data.get(ref_name) is not None:
        return CredentialView(kind, provider, data, **{ref_name: _ref(data[ref_name])})
    return CredentialView(kind, provider, data)


class StoreView:
    def __init__(self, profiles: dict[str, CredentialView] | None = None) -> None:
        self.profiles: dict[str, CredentialView] = {} if profiles is None else profiles
        # auth-state.json, raw as OpenClaw coerces it (core.authstate).
        self.order: dict[str, list[str]] | None = None
        self.lastGood: dict[str, Any] | None = None
        self.usageStats: dict[str, Any] | None = None

    def set_state(self, state: dict[str, Any]) -> None:
        self.order, self.lastGood, self.usageStats = state["order"], state["lastGood"], state["usageStats"]

    def profiles_for(self, provider: str) -> dict[str, CredentialView]:
        """Profiles of `provider` (by auth key). A scan: status asks per provider through core.order's index."""
        key = auth_provider_key(provider)
        return {pid: c for pid, c in self.profiles.items() if auth_provider_key(c.provider) == key}

    def providers(self) -> list[str]:
        return sorted({normalize_provider_id(c.provider) for c in self.profiles.values()})


def _order(value: Any) -> dict[str, list[str]] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not all(
        isinstance(ids, list) and all(isinstance(i, str) for i in ids) for ids in value.values()
    ):
        raise ValueError("order: wrong shape")
    return {k: list(v) for k, v in value.items()}


def merge_stores(base: StoreView, override: StoreView) -> StoreView:
    """A sub-agent over main, as OpenClaw's mergeAuthProfileStores: profiles by id and each state
    record (order per provider, lastGood per provider, usageStats per profile), the agent winning."""
    if not override.profiles and not override.order and not override.lastGood and not override.usageStats:
        return base
    merged = StoreView({**base.profiles, **override.profiles})
    for key in ("order", "lastGood", "usageStats"):
        left, right = getattr(base, key), getattr(override, key)
        setattr(merged, key, None if left is None and right is None else {**(left or {}), **(right or {})})
    return merged


class StoreSnapshot:
    def __init__(self, store: StoreView, problems: list[str], exists: bool, legacy_ids: list[str]) -> None:
        self.store = store
        self.problems = problems
        self.exists = exists
        self.legacy_ids = legacy_ids


def _problem(file: str, key: str, reason: str) -> str:
    return f"{file}: skipped {key}: {reason}"


def read_store(paths: AgentPaths) -> StoreSnapshot:
    """Parse auth-profiles.json and auth-state.json (+ legacy files when the store is absent)."""
    raw = fsio.read_json_object(paths.store)
    problems: list[str] = []
    view = StoreView()
    legacy_ids: list[str] = []
    if raw is None:
        legacy_ids = merge_legacy_entries(paths, view.profiles, view_credential,
                                          lambda file, key, reason: problems.append(_problem(file, key, reason)))
    else:
        profiles = raw.get("profiles", {})
        if not isinstance(profiles, dict):
            problems.append(_problem(STORE_FILENAME, "profiles", "not an object"))
            profiles = {}
        for pid, entry in profiles.items():
            try:
                view.profiles[pid] = view_credential(entry)
            except ValueError as exc:
                problems.append(_problem(STORE_FILENAME, f"profile {pid!r}", str(exc)))
    view.set_state(read_state(paths, raw, problems))
    return StoreSnapshot(view, problems, raw is not None, legacy_ids)


def read_sqlite_store(paths: AgentPaths) -> tuple[StoreSnapshot, set[str], str]:
    """The store an agent sees in the SQLite era (core.sqlite_store): the shared store with the agent's own
    database over it. Returns the snapshot, the ids that come only from the shared store (inherited, for
    another agent than main) and the path of the database that holds the agent's own profiles."""
    from openclaw_onboard.core import sqlite_store
    from openclaw_onboard.core.authstate import coerce_state
    from openclaw_onboard.core.paths import DEFAULT_AGENT_ID, agent_paths

    state = str(paths.state)
    main_dir = str(agent_paths(DEFAULT_AGENT_ID, state).agent_dir)
    shared, own, same = sqlite_store.agent_stores(state, paths.agent_id, str(paths.agent_dir), main_dir)
    profiles, state_raw = sqlite_store.merged(shared, own)
    problems: list[str] = []
    view = StoreView()
    for pid, entry in profiles.items():
        try:
            view.profiles[pid] = view_credential(entry)
        except ValueError as exc:
            problems.append(_problem(sqlite_store.AGENT_DB, f"profile {pid!r}", str(exc)))
    view.set_state(coerce_state(state_raw))
    inherited = set() if same else set(sqlite_store.profiles_of(shared)) - set(sqlite_store.profiles_of(own))
    holder = own or shared
    where = holder.path if holder is not None else sqlite_store.state_db_path(state)
    exists = bool((own and own.store is not None) or (shared and shared.store is not None))
    return StoreSnapshot(view, problems, exists, []), inherited, where


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


class AuthConfigView:
    def __init__(self, profiles: dict[str, RefProfile], order: dict[str, list[str]]) -> None:
        self.profiles = profiles
        self.order = order


class RefProfile:
    """An `auth.profiles` entry of openclaw.json."""

    __slots__ = ("email", "mode", "provider")

    def __init__(self, provider: str, mode: str = "api_key", email: str | None = None) -> None:
        self.provider = provider
        self.mode = mode
        self.email = email


def read_auth_config(state: StrPath) -> tuple[AuthConfigView | None, dict[str, Any]]:
    """The `auth` part of openclaw.json (plain JSON fast, JSON5 when needed) and the whole raw dict."""
    from openclaw_onboard.core import configfile

    cfg = configfile.read_cached(state)
    if not cfg.exists:
        return None, {}
    path, raw = cfg.path, cfg.raw
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
