"""The fast read path (core.views) must accept exactly the entries the pydantic models accept,
and report the same fields, or `models status` and the dashboard would disagree with writes."""

from __future__ import annotations

import copy
import json
import math

from hypothesis import example, given, settings
from hypothesis import strategies as st
from openclaw_onboard.core import store as store_mod
from openclaw_onboard.core import views
from openclaw_onboard.core.models import parse_credential
from openclaw_onboard.core.views import view_credential

from tests.conftest import EXAMPLE_STORE

FIELDS = ["type", "mode", "provider", "key", "apiKey", "token", "access", "refresh", "expires", "email",
          "accountId", "keyRef", "tokenRef", "idToken", "clientId", "extra"]
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**15, 10**15),
                         st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12))
refs = st.fixed_dictionaries(
    {"source": st.sampled_from(["env", "file", "exec", "vault", 3]), "id": st.one_of(st.text(max_size=8), st.none())},
    optional={"provider": st.one_of(st.text(max_size=5), st.none(), st.integers())},
)
values = st.one_of(json_scalars, refs, st.lists(st.integers(), max_size=2))
types = st.sampled_from(["api_key", "token", "oauth", "weird", None])


@st.composite
def entries(draw: st.DrawFn) -> dict:
    entry = draw(st.dictionaries(st.sampled_from(FIELDS), values, max_size=8))
    if draw(st.booleans()):
        entry[draw(st.sampled_from(["type", "mode"]))] = draw(types)
    if draw(st.booleans()):
        entry["provider"] = draw(st.sampled_from(["anthropic", "openai", ""]))
    return entry


def _accepts(fn, entry):
    try:
        return fn(entry)
    except ValueError:
        return None


@settings(max_examples=1500, deadline=None)
@given(entries())
def test_views_accept_exactly_what_models_accept(entry: dict) -> None:
    model = _accepts(parse_credential, entry)
    view = _accepts(view_credential, entry)
    assert (model is None) == (view is None), (entry, model, view)
    if model is not None:
        assert (view.type, view.provider, view.secret, view.expires_ms, view.email) == (
            model.type, model.provider, model.secret, model.expires_ms, model.email)


def test_lenient_spellings_agree() -> None:
    entry = {"mode": "api_key", "provider": "openai", "apiKey": "sk-abc"}
    assert parse_credential(entry).secret == view_credential(entry).secret == "sk-abc"


# ---- added by the core test suite: one-field-off entries, usageStats, whole files

odd_values = st.none() | st.booleans() | st.integers(-5, 2**45) | st.floats(allow_nan=True) | st.text(max_size=5) \
    | st.lists(st.integers(), max_size=2) | st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)
ref_values = st.fixed_dictionaries(
    {"source": st.sampled_from(["env", "file", "exec", "vault", 1]), "id": st.text(max_size=4) | st.integers()},
    optional={"provider": st.none() | st.text(max_size=3) | st.integers()},
)
MORE_FIELDS = ["email", "key", "apiKey", "token", "access", "refresh", "expires", "accountId", "projectId",
               "idToken", "displayName", "clientId", "enterpriseUrl"]

BASE = {
    "api_key": {"type": "api_key", "provider": "openai", "key": "sk-1"},
    "token": {"type": "token", "provider": "anthropic", "token": "t-1", "expires": 1826789958410},
    "oauth": {"type": "oauth", "provider": "openai-codex", "access": "a", "refresh": "r", "expires": 1767225600000},
}
ALL_FIELDS = [*MORE_FIELDS, "type", "mode", "provider", "keyRef", "tokenRef", "extra"]
field_values = odd_values | ref_values | st.sampled_from(["api_key", "token", "oauth", "anthropic"])


@st.composite
def one_field_off_entries(draw):
    """A valid entry of each type with 0-2 fields replaced or removed (finds one-field disagreements)."""
    entry = copy.deepcopy(BASE[draw(st.sampled_from(sorted(BASE)))])
    for name in draw(st.lists(st.sampled_from(ALL_FIELDS), max_size=2, unique=True)):
        if draw(st.booleans()) and name in entry:
            del entry[name]
        else:
            entry[name] = draw(field_values)
    return entry


def _same_number(a, b) -> bool:
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))


@settings(max_examples=600, deadline=None)
@given(one_field_off_entries())
@example({"type": "token", "provider": "anthropic", "token": "t", "expires": True})
@example({"type": "oauth", "provider": "openai-codex", "access": "a", "expires": False})
def test_property_one_field_off_entries_agree(entry):
    try:
        model = parse_credential(copy.deepcopy(entry))
    except ValueError:
        model = None
    try:
        view = views.view_credential(copy.deepcopy(entry))
    except ValueError:
        view = None
    assert (model is None) == (view is None), (entry, model, view)
    if model is not None:
        assert (view.type, view.provider, view.secret, view.email) == (model.type, model.provider, model.secret,
                                                                       model.email)
        assert view.expires_ms == model.expires_ms
        for ref in ("keyRef", "tokenRef"):
            m_ref = getattr(model, ref, None) if ref in type(model).model_fields else None
            v_ref = getattr(view, ref)
            assert (m_ref is None) == (v_ref is None)
            if m_ref is not None:
                assert (v_ref.source, v_ref.id) == (m_ref.source, m_ref.id)


usage_values = (st.none() | st.booleans() | st.integers(-5, 2**45) | st.floats(allow_nan=False, allow_infinity=False)
                | st.text(max_size=3))


@settings(max_examples=300, deadline=None)
@given(stats=st.fixed_dictionaries({}, optional={
    "lastUsed": usage_values, "cooldownUntil": usage_values, "disabledUntil": usage_values,
    "errorCount": usage_values, "disabledReason": usage_values, "failureCounts": usage_values | st.just({"x": 1}),
    "lastFailureAt": usage_values}))
@example(stats={"lastUsed": False})
@example(stats={"cooldownUntil": "123"})
@example(stats={"errorCount": "many"})
def test_property_views_and_models_agree_on_usage_stats(stats, tmp_path_factory):
    from openclaw_onboard.core import order as order_mod

    raw = copy.deepcopy(EXAMPLE_STORE)
    raw["usageStats"] = {"anthropic:work": stats}
    state = tmp_path_factory.mktemp("s")
    paths = store_mod.agent_paths("main", state)
    paths.agent_dir.mkdir(parents=True)
    paths.store.write_text(json.dumps(raw))
    loaded = store_mod.load(paths=paths)
    snap = views.read_store(paths)
    # Any object is taken as it is (OpenClaw coerces nothing further); never a load problem.
    assert loaded.problems == [] and snap.problems == []
    assert loaded.store.usageStats == snap.store.usageStats == {"anthropic:work": stats}
    for now in (0, 10**12, 2**46):
        assert order_mod.cooldown_until(loaded.store, "anthropic:work") == order_mod.cooldown_until(
            snap.store, "anthropic:work")
        assert order_mod.effective_order(loaded.store, "anthropic", None, now) == order_mod.effective_order(
            snap.store, "anthropic", None, now)


def test_views_read_the_example_store_like_models(make_agent):
    paths = make_agent(auth_state=True)
    snap = views.read_store(paths)
    loaded = store_mod.load()
    assert snap.problems == [] and loaded.problems == []
    assert snap.exists is True
    assert set(snap.store.profiles) == set(loaded.store.profiles)
    assert snap.store.order == loaded.store.order
    for pid, cred in loaded.store.profiles.items():
        v = snap.store.profiles[pid]
        assert (v.type, v.provider, v.secret, v.expires_ms, v.email) == (cred.type, cred.provider, cred.secret,
                                                                        cred.expires_ms, cred.email)


def test_views_and_models_agree_on_legacy_import(make_agent):
    paths = make_agent(store=False, legacy_auth=True, legacy_oauth=True)
    snap = views.read_store(paths)
    loaded = store_mod.load()
    assert sorted(snap.legacy_ids) == sorted(loaded.legacy_ids)
    for pid in loaded.legacy_ids:
        assert snap.store.profiles[pid].secret == loaded.store.profiles[pid].secret


def test_views_read_json5_config_like_load_config(make_agent, state_dir):
    from openclaw_onboard.core import config

    make_agent(config=True)
    view, raw = views.read_auth_config(state_dir)
    cfg = config.load_config()
    assert raw == cfg.raw
    assert view.order == cfg.auth.order
    assert {k: (p.provider, p.mode, p.email) for k, p in view.profiles.items()} == {
        k: (p.provider, p.mode, p.email) for k, p in cfg.auth.profiles.items()}
