"""Pydantic models of every file format we read or write.

Every model keeps fields it does not know (`extra="allow"`), so a file that
OpenClaw wrote and we rewrite still carries everything OpenClaw put there.
Loading is lenient as OpenClaw's loader is: `mode` is read as `type`, `apiKey`
as `key`, and an entry that still does not validate is skipped and reported,
but kept verbatim for the next write (nothing is lost).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from openclaw_onboard.core.authstate import STATE_KEYS, state_payload
from openclaw_onboard.core.provider_ids import auth_provider_key, normalize_provider_id
from openclaw_onboard.core.views import coerce_expires_ms, normalize_credential_raw, unknown_type_reason
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

CredentialType = Literal["api_key", "token", "oauth"]
CREDENTIAL_TYPES: tuple[str, ...] = ("oauth", "token", "api_key")


class OpenModel(BaseModel):
    """Base: unknown fields survive a load/dump round trip."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, validate_assignment=False)

    def dump(self) -> dict[str, Any]:
        """JSON-ready dict: what was set, without known fields that are None."""
        data = self.model_dump(mode="json", exclude_unset=True, by_alias=True)
        known = type(self).model_fields
        return {k: v for k, v in data.items() if not (v is None and k in known)}


class SecretRef(OpenModel):
    source: Literal["env", "file", "exec"]
    provider: str | None = None
    id: str


class _CredentialBase(OpenModel):
    provider: str = Field(min_length=1)
    email: str | None = None

    def __repr_args__(self) -> Iterator[tuple[str, Any]]:
        # Only non-secret fields: a repr ends up in tracebacks and logs. Extras may be secrets too.
        for name in ("type", "provider", "email", "expires", "accountId"):
            value = getattr(self, name, None)
            if value is not None:
                yield name, value

    @property
    def expires_ms(self) -> int | None:
        """`expires` as integer ms, or None when absent or not a usable number."""
        return coerce_expires_ms(getattr(self, "expires", None))


class ApiKeyCredential(_CredentialBase):
    type: Literal["api_key"] = "api_key"
    key: str | None = None
    keyRef: SecretRef | None = None

    @property
    def secret(self) -> str | None:
        return self.key


class TokenCredential(_CredentialBase):
    type: Literal["token"] = "token"
    token: str | None = None
    tokenRef: SecretRef | None = None
    # Any JSON value, kept as found: a non-number is reported as `missing` by status, not a
    # load error (and never coerced: `true` must not become 1 on a rewrite).
    expires: Any = None

    @property
    def secret(self) -> str | None:
        return self.token


class OAuthCredential(_CredentialBase):
    type: Literal["oauth"] = "oauth"
    access: str | None = None
    refresh: str | None = None
    expires: Any = None  # as on TokenCredential
    accountId: str | None = None
    projectId: str | None = None
    enterpriseUrl: str | None = None
    idToken: str | None = None
    displayName: str | None = None
    clientId: str | None = None

    @property
    def secret(self) -> str | None:
        return self.access


Credential = Annotated[ApiKeyCredential | TokenCredential | OAuthCredential, Field(discriminator="type")]
_credential_adapter: TypeAdapter[Any] = TypeAdapter(Credential)
AnyCredential = ApiKeyCredential | TokenCredential | OAuthCredential


def parse_credential(raw: Any, provider_hint: str | None = None) -> AnyCredential:
    """Validate one entry; raises ValueError with a short reason (never echoing secrets)."""
    data = normalize_credential_raw(raw, provider_hint)
    kind = data.get("type")
    if kind not in CREDENTIAL_TYPES:
        raise ValueError(unknown_type_reason(kind))
    if not isinstance(data.get("provider"), str) or not data.get("provider"):
        raise ValueError("no provider")
    try:
        return _credential_adapter.validate_python(data)
    except PydanticValidationError as exc:
        # Field names and error kinds only: input values may be secrets.
        reasons = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'entry'}: {e['msg']}" for e in exc.errors())
        raise ValueError(reasons) from None


def dump_credential(cred: AnyCredential) -> dict[str, Any]:
    # type and provider first (as OpenClaw writes them), always explicit.
    data = {"type": cred.type, "provider": cred.provider, **cred.dump()}
    # OpenClaw keeps a ref and drops the plaintext beside it (buildPersistedAuthProfileSecretsStore).
    for value_field, ref_field in (("key", "keyRef"), ("token", "tokenRef")):
        if data.get(ref_field) is not None:
            data.pop(value_field, None)
    return data



class LoadProblem(BaseModel):
    """Something skipped while loading; shown to the user, never fatal."""

    file: str
    key: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: skipped {self.key}: {self.reason}"


class AuthProfileStore(OpenModel):
    """One agent's credentials (auth-profiles.json) with its state (auth-state.json) in memory.

    On disk they are two files, as OpenClaw 4.26 keeps them: `to_raw()` is auth-profiles.json
    (`{version, profiles}`), `state_payload()` is auth-state.json (None: the file goes away).
    """

    version: int = 1
    profiles: dict[str, AnyCredential] = Field(default_factory=dict)
    # auth-state.json: raw JSON as OpenClaw coerces it (core.authstate), never validated further.
    order: dict[str, list[str]] | None = None
    lastGood: dict[str, Any] | None = None
    usageStats: dict[str, Any] | None = None

    # Entries that did not validate, kept verbatim and written back unchanged.
    _invalid_profiles: dict[str, Any] = PrivateAttr(default_factory=dict)
    _invalid_top: dict[str, Any] = PrivateAttr(default_factory=dict)

    @classmethod
    def from_raw(
        cls, raw: dict[str, Any], file_label: str = "auth-profiles.json"
    ) -> tuple[AuthProfileStore, list[LoadProblem]]:
        """The credentials of a raw auth-profiles.json; its state keys are read by core.authstate."""
        problems: list[LoadProblem] = []
        data = {k: v for k, v in raw.items() if k not in STATE_KEYS}
        raw_profiles = data.pop("profiles", {})
        invalid_top: dict[str, Any] = {}
        if not isinstance(raw_profiles, dict):
            problems.append(LoadProblem(file=file_label, key="profiles", reason="not an object"))
            invalid_top["profiles"] = raw_profiles
            raw_profiles = {}
        if "version" in data:
            version = data.pop("version")
            if isinstance(version, int) and not isinstance(version, bool):
                data["version"] = version
        store = cls.model_validate(data)
        invalid_profiles: dict[str, Any] = {}
        for pid, entry in raw_profiles.items():
            try:
                store.profiles[pid] = parse_credential(entry)
            except ValueError as exc:
                invalid_profiles[pid] = entry
                problems.append(LoadProblem(file=file_label, key=f"profile {pid!r}", reason=str(exc)))
        if raw_profiles:
            store.model_fields_set.add("profiles")
        store._invalid_profiles = invalid_profiles
        store._invalid_top = invalid_top
        return store, problems

    def set_state(self, state: dict[str, Any]) -> None:
        self.order, self.lastGood, self.usageStats = state["order"], state["lastGood"], state["usageStats"]

    def to_raw(self) -> dict[str, Any]:
        """auth-profiles.json: `{version: 1, profiles}` plus any unknown top-level keys found there."""
        extras = {k: v for k, v in self.dump().items() if k not in (*STATE_KEYS, "version", "profiles")}
        profiles = {pid: dump_credential(c) for pid, c in self.profiles.items()}
        for pid, entry in self._invalid_profiles.items():
            profiles.setdefault(pid, entry)
        data: dict[str, Any] = {"version": 1, **extras, "profiles": profiles}
        if "profiles" in self._invalid_top and not profiles:
            data["profiles"] = self._invalid_top["profiles"]  # a non-object `profiles` stays as found
        return data

    def state_payload(self) -> dict[str, Any] | None:
        return state_payload(self.order, self.lastGood, self.usageStats)

    @property
    def invalid_profile_ids(self) -> list[str]:
        return list(self._invalid_profiles)

    def drop_invalid_profile(self, profile_id: str) -> bool:
        return self._invalid_profiles.pop(profile_id, None) is not None

    def profiles_for(self, provider: str) -> dict[str, AnyCredential]:
        key = auth_provider_key(provider)
        return {pid: c for pid, c in self.profiles.items() if auth_provider_key(c.provider) == key}

    def providers(self) -> list[str]:
        return sorted({normalize_provider_id(c.provider) for c in self.profiles.values()})


# ---- openclaw.json (JSON5) -- only the `auth` part is modelled; the rest is kept as-is.

class AuthProfileConfig(OpenModel):
    provider: str
    mode: str = "api_key"
    email: str | None = None


class AuthConfig(OpenModel):
    profiles: dict[str, AuthProfileConfig] = Field(default_factory=dict)
    order: dict[str, list[str]] = Field(default_factory=dict)


# ---- other CLIs' files (read only)

class CodexCliTokens(OpenModel):
    id_token: str | None = None
    access_token: str | None = None
    refresh_token: str | None = None
    account_id: str | None = None


class CodexCliAuth(OpenModel):
    OPENAI_API_KEY: str | None = None
    tokens: CodexCliTokens | None = None
    last_refresh: str | None = None


class ClaudeAiOauth(OpenModel):
    accessToken: str | None = None
    refreshToken: str | None = None
    expiresAt: int | float | None = None
    scopes: list[str] | None = None
    subscriptionType: str | None = None


class ClaudeCliCredentials(OpenModel):
    claudeAiOauth: ClaudeAiOauth | None = None
