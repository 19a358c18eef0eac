"""The fast read path (core.views) must accept exactly the entries the pydantic models accept,
and report the same fields, or `models status` and the dashboard would disagree with writes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.models import parse_credential
from core.views import view_credential

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
