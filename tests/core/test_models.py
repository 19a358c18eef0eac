"""core.models: lenient parsing like OpenClaw's loader, and nothing lost on a round trip."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openclaw_onboard.core.authstate import coerce_state
from openclaw_onboard.core.models import (
    ApiKeyCredential,
    AuthConfig,
    AuthProfileStore,
    OAuthCredential,
    TokenCredential,
    parse_credential,
)

from tests.conftest import ANTHROPIC_SETUP_TOKEN, EXAMPLE_STORE, OPENAI_API_KEY

KNOWN_NAMES = {
    "version", "profiles", "order", "lastGood", "usageStats", "type", "mode", "provider", "email", "key",
    "apiKey", "keyRef", "token", "tokenRef", "expires", "access", "refresh", "accountId", "projectId",
    "enterpriseUrl", "idToken", "displayName", "clientId", "lastUsed", "cooldownUntil", "disabledUntil",
    "disabledReason", "errorCount", "failureCounts", "lastFailureAt",
}


def test_example_store_parses_into_typed_credentials():
    store, problems = AuthProfileStore.from_raw(copy.deepcopy(EXAMPLE_STORE))
    assert problems == []
    work = store.profiles["anthropic:work"]
    assert isinstance(work, TokenCredential)
    assert work.secret == ANTHROPIC_SETUP_TOKEN
    assert work.expires_ms == 1826789958410
    assert isinstance(store.profiles["openrouter:manual"], TokenCredential)
    assert store.profiles["openrouter:manual"].expires_ms is None
    key = store.profiles["openai:default"]
    assert isinstance(key, ApiKeyCredential)
    assert key.secret == OPENAI_API_KEY
    codex = store.profiles["openai-codex:me@example.com"]
    assert isinstance(codex, OAuthCredential)
    assert (codex.accountId, codex.email, codex.expires_ms) == ("acc_0123456789", "me@example.com", 1767225600000)
    assert store.providers() == ["anthropic", "openai", "openai-codex", "openrouter"]
    assert list(store.profiles_for("openai")) == ["openai:default"]
    assert store.usageStats is None  # state is read by core.authstate (see test_auth_state.py)


def test_example_store_round_trips_exactly():
    store, _ = AuthProfileStore.from_raw(copy.deepcopy(EXAMPLE_STORE))
    # auth-profiles.json as 4.26 writes it: {version, profiles}; the state keys go to auth-state.json.
    assert store.to_raw() == {"version": 1, "profiles": EXAMPLE_STORE["profiles"]}


def test_unknown_fields_survive_at_every_level():
    raw = copy.deepcopy(EXAMPLE_STORE)
    raw["futureTopLevel"] = {"a": [1, 2, {"b": None}]}
    raw["profiles"]["openai:default"]["label"] = "laptop"
    raw["profiles"]["openai-codex:me@example.com"]["organization"] = {"id": "org_1", "roles": ["owner"]}
    raw["usageStats"]["anthropic:work"]["futureCounter"] = 7
    raw["usageStats"]["anthropic:work"]["failureCounts"] = {"rate_limit": 2, "billing": 1}
    store, problems = AuthProfileStore.from_raw(copy.deepcopy(raw))
    assert problems == []
    expected = {k: v for k, v in raw.items() if k not in ("order", "lastGood", "usageStats")}
    assert json.loads(json.dumps(store.to_raw())) == expected


def test_mode_is_read_as_type_and_apikey_as_key():
    cred = parse_credential({"mode": "api_key", "provider": "openai", "apiKey": "sk-lenient"})
    assert isinstance(cred, ApiKeyCredential)
    assert cred.key == "sk-lenient"
    tok = parse_credential({"mode": "token", "provider": "anthropic", "token": "t"})
    assert isinstance(tok, TokenCredential)
    # Written back the way OpenClaw writes it (and still readable by OpenClaw's lenient loader).
    store, problems = AuthProfileStore.from_raw(
        {"version": 1, "profiles": {"openai:x": {"mode": "api_key", "provider": "openai", "apiKey": "sk-lenient"}}}
    )
    assert problems == []
    # OpenClaw adds `type` and `key` and keeps what it read beside them.
    assert store.to_raw()["profiles"]["openai:x"] == {"type": "api_key", "provider": "openai", "mode": "api_key",
                                                      "apiKey": "sk-lenient", "key": "sk-lenient"}


@pytest.mark.parametrize(
    ("entry", "reason_part"),
    [
        ({"type": "password", "provider": "x", "secret": "s"}, "unknown credential type"),
        ({"provider": "x", "key": "s"}, "no credential type"),
        ({"type": "api_key", "key": "s"}, "no provider"),
        ({"type": "api_key", "provider": "", "key": "s"}, "no provider"),
        ("just a string", "expected an object"),
        ({"type": "oauth", "provider": "x", "access": ["not", "a", "string"]}, "access"),
        ({"type": "api_key", "provider": "x", "keyRef": {"source": "vault", "id": "X"}}, "keyRef"),
    ],
)
def test_invalid_entries_are_skipped_reported_and_kept_verbatim(entry, reason_part):
    raw = copy.deepcopy(EXAMPLE_STORE)
    raw["profiles"]["bad:one"] = copy.deepcopy(entry)
    store, problems = AuthProfileStore.from_raw(raw)
    assert "bad:one" not in store.profiles
    assert store.invalid_profile_ids == ["bad:one"]
    assert len(problems) == 1
    assert problems[0].file == "auth-profiles.json"
    assert "bad:one" in problems[0].key
    assert reason_part in problems[0].reason
    assert "bad:one" in str(problems[0])
    # The valid ones are all there, and the invalid one is written back unchanged.
    assert set(store.profiles) == set(EXAMPLE_STORE["profiles"])
    assert store.to_raw()["profiles"]["bad:one"] == entry


def test_load_problem_never_echoes_the_secret_of_an_invalid_entry():
    secret = "sk-super-secret-value-0123456789"
    entries = {
        "a:3": {"type": "oauth", "provider": "a", "access": 5, "refresh": [secret]},
        "a:4": {"type": "oauth", "provider": "a", "email": {"x": secret}},
    }
    _, problems = AuthProfileStore.from_raw({"version": 1, "profiles": entries})
    assert len(problems) == 2
    for problem in problems:
        assert secret not in str(problem)


def test_non_string_key_or_token_is_dropped_as_openclaw_does():
    """normalizeSecretBackedField: an inline object becomes a ref, any other non-string is removed."""
    store, problems = AuthProfileStore.from_raw({"version": 1, "profiles": {
        "a:1": {"type": "api_key", "provider": "a", "key": ["x"]},
        "a:2": {"type": "token", "provider": "a", "token": {"source": "env", "id": "A_TOKEN"}},
    }})
    assert problems == []
    assert store.profiles["a:1"].key is None
    assert store.profiles["a:2"].tokenRef.id == "A_TOKEN" and store.profiles["a:2"].token is None
    assert store.to_raw()["profiles"]["a:2"] == {"type": "token", "provider": "a",
                                                 "tokenRef": {"source": "env", "id": "A_TOKEN"}}


def test_profiles_not_an_object_is_reported_and_kept():
    # Nothing lost: a `profiles` value we cannot read is written back as found.
    raw = {"version": 1, "profiles": ["x"]}
    store, problems = AuthProfileStore.from_raw(copy.deepcopy(raw))
    assert [p.key for p in problems] == ["profiles"]
    assert store.profiles == {}
    assert store.to_raw() == raw


def test_a_new_valid_profile_replaces_an_invalid_entry_of_the_same_id():
    store, _ = AuthProfileStore.from_raw({"version": 1, "profiles": {"x:y": {"type": "nope", "provider": "x"}}})
    store.profiles["x:y"] = ApiKeyCredential(provider="x", key="k")
    assert store.to_raw()["profiles"]["x:y"] == {"type": "api_key", "provider": "x", "key": "k"}
    assert store.drop_invalid_profile("x:y") is True
    assert store.drop_invalid_profile("x:y") is False


def test_empty_order_is_no_override():
    store, _ = AuthProfileStore.from_raw(copy.deepcopy(EXAMPLE_STORE))
    store.order = {}
    assert "order" not in store.to_raw()


@pytest.mark.parametrize(
    ("expires", "ms"),
    [(1826789958410, 1826789958410), (1.5e12, 1500000000000), ("1826789958410", None), (None, None),
     (0, None), (-5, None), (float("nan"), None)],
)
def test_expires_ms_only_for_usable_numbers(expires, ms):
    cred = OAuthCredential(provider="p", access="a", refresh="r", expires=expires)
    assert cred.expires_ms == ms


def test_boolean_expires_is_invalid_and_kept_as_found():
    # `"expires": true` is not a timestamp: status must see "missing" (no usable expiry), and a
    # rewrite must not turn it into the number 1 (1 ms after the epoch = "expired").
    raw = {"version": 1, "profiles": {"a:b": {"type": "oauth", "provider": "a", "access": "x", "expires": True}}}
    store, _ = AuthProfileStore.from_raw(copy.deepcopy(raw))
    assert store.profiles["a:b"].expires_ms is None
    assert store.to_raw() == raw


def test_secret_refs_are_accepted_in_place_of_values():
    cred = parse_credential({"type": "api_key", "provider": "openai",
                             "keyRef": {"source": "env", "provider": "default", "id": "OPENAI_API_KEY"}})
    assert cred.keyRef.id == "OPENAI_API_KEY"
    assert cred.secret is None
    tok = parse_credential({"type": "token", "provider": "anthropic",
                            "tokenRef": {"source": "file", "id": "/run/secrets/anthropic"}})
    assert tok.tokenRef.source == "file"


def test_config_keeps_unknown_fields():
    cfg = AuthConfig.model_validate(
        {"profiles": {"a:x": {"provider": "a", "mode": "oauth", "note": "n"}}, "cooldowns": {"billingBackoffHours": 5}}
    )
    dumped = cfg.dump()
    assert dumped["profiles"]["a:x"] == {"provider": "a", "mode": "oauth", "note": "n"}
    assert dumped["cooldowns"] == {"billingBackoffHours": 5}


# ---- property: arbitrary extra fields round-trip at every level

json_scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.floats(allow_nan=False,
                                                                                allow_infinity=False) | st.text()
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
extra_names = st.text(min_size=1, max_size=12).filter(lambda k: k not in KNOWN_NAMES)
extras = st.dictionaries(extra_names, json_values, max_size=4)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(top=extras, api=extras, token=extras, oauth=extras, stats=extras, codex_extra=extras)
def test_property_arbitrary_extra_fields_round_trip(top, api, token, oauth, stats, codex_extra):
    raw = copy.deepcopy(EXAMPLE_STORE)
    raw.update(top)
    raw["profiles"]["openai:default"].update(api)
    raw["profiles"]["anthropic:work"].update(token)
    raw["profiles"]["openai-codex:me@example.com"].update(oauth)
    raw["usageStats"]["anthropic:work"].update(stats)
    raw["profiles"]["openai-codex:other"] = {"type": "oauth", "provider": "openai-codex", **codex_extra}
    raw = json.loads(json.dumps(raw))  # what a file can hold
    store, problems = AuthProfileStore.from_raw(copy.deepcopy(raw))
    assert problems == []
    state_keys = ("order", "lastGood", "usageStats")
    assert json.loads(json.dumps(store.to_raw())) == {k: v for k, v in raw.items() if k not in state_keys}
    store.set_state(coerce_state(raw))
    assert json.loads(json.dumps(store.state_payload())) == {"version": 1, **{k: raw[k] for k in state_keys}}


def test_credential_repr_never_shows_secrets() -> None:
    from openclaw_onboard.core.models import parse_credential

    for entry in (
        {"type": "oauth", "provider": "openai-codex", "access": "ACCESS-SECRET-1", "refresh": "REFRESH-SECRET-2",
         "idToken": "ID-SECRET-3", "expires": 5, "email": "me@example.com", "refreshToken": "EXTRA-SECRET-4"},
        {"type": "api_key", "provider": "openai", "key": "KEY-SECRET-5"},
        {"type": "token", "provider": "anthropic", "token": "TOKEN-SECRET-6"},
    ):
        cred = parse_credential(entry)
        text = repr(cred) + str(cred)
        assert "SECRET" not in text, text
        assert entry["provider"] in text
