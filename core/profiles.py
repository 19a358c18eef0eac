"""Adding and removing credentials: the store write and the openclaw.json routing entry together."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from openclaw_onboard.core import config as config_mod
from openclaw_onboard.core import store as store_mod
from openclaw_onboard.core.clock import now_ms as _clock_now
from openclaw_onboard.core.errors import ProfileNotFoundError, ValidationError
from openclaw_onboard.core.i18n import _
from openclaw_onboard.core.models import (
    AnyCredential,
    ApiKeyCredential,
    AuthProfileStore,
    OAuthCredential,
    TokenCredential,
)
from openclaw_onboard.core.provider_ids import normalize_provider_id
from openclaw_onboard.core.tokens import validate_token

if TYPE_CHECKING:
    from openclaw_onboard.core.secrets import Ref

_PROVIDER = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}\Z")  # \Z, not $: no trailing newline
_NAME = re.compile(r"^[a-z0-9._@+-]{1,128}\Z")


def validate_provider(provider: str) -> str:
    provider = (provider or "").strip().lower()
    if not _PROVIDER.match(provider):
        raise ValidationError(_("Invalid provider {provider}: use lowercase letters, digits, '.', '_' or '-'").format(
            provider=repr(provider)))
    return provider


def validate_profile_id(profile_id: str, provider: str) -> str:
    """`provider:name`, name in [a-z0-9._@+-]; the provider part must match."""
    profile_id = (profile_id or "").strip()
    prov, sep, name = profile_id.partition(":")
    if not sep or not name:
        raise ValidationError(_("Invalid profile id {profile_id}: expected {provider}:<name>, e.g. {provider}:work")
                              .format(profile_id=repr(profile_id), provider=provider))
    if prov != provider:
        raise ValidationError(f'Profile id "{profile_id}" is for {prov}, not {provider}.')
    if not _NAME.match(name):
        raise ValidationError(_("Invalid profile name {name}: use lowercase letters, digits and . _ @ + -").format(
            name=repr(name)))
    return profile_id


def default_profile_id(provider: str, kind: str) -> str:
    """OpenClaw's defaults: pasted tokens (`paste-token`, kind "token") are `P:manual`; API keys,
    OAuth logins and the Anthropic `setup-token` (kind "setup-token") are `P:default`."""
    return f"{provider}:manual" if kind == "token" else f"{provider}:default"


MAX_FIELD_CHARS = 64 * 1024  # a secret or any other field of one credential (issue 11.6)


def check_credential_size(cred: AnyCredential) -> None:
    """Refuse a credential with an absurdly long field before it is written: the store must stay loadable."""
    for name, value in cred.dump().items():
        if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
            raise ValidationError(_("The credential's {field} is {length} characters long, more than the {limit} "
                                    "allowed; nothing was saved").format(field=name, length=len(value),
                                                                         limit=MAX_FIELD_CHARS))


def save_credential(pid: str, cred: AnyCredential, agent_id: str, state: Path | None) -> str:
    """The store write, then the profile's routing entry in openclaw.json."""
    store_credential(pid, cred, agent_id, state)
    config_mod.register_profile(pid, cred.provider, cred.type, cred.email, state)
    return pid


def store_credential(pid: str, cred: AnyCredential, agent_id: str, state: Path | None) -> str:
    """Only the store write (core.usecases writes openclaw.json itself, after its preflight)."""
    check_credential_size(cred)

    def mutate(s: AuthProfileStore) -> None:
        s.profiles[pid] = cred
        s.model_fields_set.add("profiles")
        s.drop_invalid_profile(pid)
        # An explicit order is an allow-list: a new profile it does not name would never be used
        # (a re-login under a new email would look like "still logged out"). It goes first, as
        # OpenClaw puts a new login first in config `auth.order`.
        order = s.order or {}
        key = next((k for k in order if normalize_provider_id(k) == normalize_provider_id(cred.provider)), None)
        if key is not None and pid not in order[key]:
            s.order = {**order, key: [pid, *order[key]]}

    store_mod.update(mutate, agent_id, state)
    return pid


def add_token(provider: str, token: str, profile_id: str | None = None, expires_in_ms: int | None = None,
              agent_id: str = "main", state: Path | None = None, now_ms: int | None = None) -> str:
    provider = validate_provider(provider)
    pid = validate_profile_id(profile_id or default_profile_id(provider, "token"), provider)
    cred = TokenCredential(provider=provider, token=validate_token(token))
    if expires_in_ms is not None:
        cred.expires = (now_ms if now_ms is not None else _clock_now()) + expires_in_ms
    return save_credential(pid, cred, agent_id, state)


def add_api_key(provider: str, key: str, profile_id: str | None = None, agent_id: str = "main",
                state: Path | None = None) -> str:
    provider = validate_provider(provider)
    pid = validate_profile_id(profile_id or default_profile_id(provider, "api_key"), provider)
    return save_credential(pid, ApiKeyCredential(provider=provider, key=validate_token(key)), agent_id, state)


def add_secret_ref(provider: str, ref: Ref, profile_id: str | None = None, kind: str = "api_key",
                   agent_id: str = "main", state: Path | None = None) -> str:
    """An api_key (`keyRef`) or token (`tokenRef`) profile whose secret stays where `ref` points.

    OpenClaw refuses a ref on an OAuth profile (its policy guard), so replacing one is refused here too.
    """
    from openclaw_onboard.core.models import SecretRef

    provider = validate_provider(provider)
    pid = validate_profile_id(profile_id or default_profile_id(provider, "api_key" if kind == "api_key" else "token"),
                              provider)
    existing = store_mod.load(agent_id, state).store.profiles.get(pid)
    if existing is not None and existing.type == "oauth":
        raise ValidationError(_("{profile_id} is an OAuth profile; OpenClaw does not accept SecretRefs on OAuth "
                                "profiles. Use another profile id.").format(profile_id=pid))
    stored = SecretRef.model_validate(ref.to_json())
    cred: AnyCredential = (ApiKeyCredential(provider=provider, keyRef=stored) if kind == "api_key"
                           else TokenCredential(provider=provider, tokenRef=stored))
    return save_credential(pid, cred, agent_id, state)


def add_oauth(cred: OAuthCredential, profile_id: str, agent_id: str = "main", state: Path | None = None) -> str:
    return save_credential(validate_profile_id(profile_id, cred.provider), cred, agent_id, state)


def remove_profile(profile_id: str, agent_id: str = "main", state: Path | None = None) -> AnyCredential | None:
    """Delete a profile, its order entries, usage stats and lastGood; then its config entry.

    Returns the removed credential (None if only an invalid entry was dropped).
    """
    removed = forget_profile(profile_id, agent_id, state)
    config_mod.unregister_profile(profile_id, state)
    return removed


def forget_profile(profile_id: str, agent_id: str = "main", state: Path | None = None) -> AnyCredential | None:
    """Only the store part of remove_profile (core.usecases writes openclaw.json after its preflight)."""

    def mutate(s: AuthProfileStore) -> AnyCredential | None:
        cred = s.profiles.pop(profile_id, None)
        dropped_invalid = s.drop_invalid_profile(profile_id)
        if cred is None and not dropped_invalid:
            if agent_id != "main" and profile_id in store_mod.load("main", state).store.profiles:
                raise ProfileNotFoundError(_(
                    'Auth profile "{profile_id}" belongs to the main agent; agent {agent} only uses it '
                    "(OpenClaw merges main's profiles into every agent). Remove it from main: --agent main").format(
                        profile_id=profile_id, agent=agent_id))
            raise ProfileNotFoundError(f'Auth profile "{profile_id}" not found.')
        if s.order:
            s.order = {p: [i for i in ids if i != profile_id] for p, ids in s.order.items()}
            s.order = {p: ids for p, ids in s.order.items() if ids} or None
        if s.usageStats:
            s.usageStats.pop(profile_id, None)
        if s.lastGood:
            s.lastGood = {p: i for p, i in s.lastGood.items() if i != profile_id}
        return cred

    return store_mod.update(mutate, agent_id, state)
