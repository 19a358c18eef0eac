"""core.session_override: `/model <alias>@<profileId>` with OpenClaw's error texts."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openclaw_onboard.core.errors import ProfileNotFoundError, ValidationError
from openclaw_onboard.core.models import AuthProfileStore
from openclaw_onboard.core.session_override import resolve, split_model_ref

from tests.conftest import EXAMPLE_STORE


@pytest.fixture
def example_store():
    store, _ = AuthProfileStore.from_raw(copy.deepcopy(EXAMPLE_STORE))
    return store


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/model Opus@anthropic:work", ("Opus", "anthropic:work")),
        ("Opus@anthropic:work", ("Opus", "anthropic:work")),
        ("Opus", ("Opus", None)),
        ("anthropic/claude-opus-4-5@anthropic:work", ("anthropic/claude-opus-4-5", "anthropic:work")),
        ("org@x/model", ("org@x/model", None)),  # @ before the last / is part of the model
        ("org@x/model@openai-codex:me@example.com", ("org@x/model", "openai-codex:me@example.com")),
        ("Opus@openai-codex:me@example.com", ("Opus", "openai-codex:me@example.com")),  # first @ after last /
        ("  /model   Opus@anthropic:work  ", ("Opus", "anthropic:work")),
        ("Opus@", ("Opus", None)),
        ("a/b/c@p:x", ("a/b/c", "p:x")),
    ],
)
def test_split_model_ref(text, expected):
    assert split_model_ref(text) == expected


def test_resolve_ok(example_store):
    assert resolve("/model Opus@anthropic:work", example_store) == ("Opus", "anthropic:work")
    assert resolve("Opus", example_store) == ("Opus", None)


def test_resolve_unknown_profile(example_store):
    with pytest.raises(ProfileNotFoundError) as err:
        resolve("/model Opus@anthropic:nope", example_store)
    assert str(err.value) == 'Auth profile "anthropic:nope" not found.'


def test_resolve_profile_of_another_provider(example_store):
    with pytest.raises(ValidationError) as err:
        resolve("anthropic/claude-opus-4-5@openai:default", example_store)
    assert str(err.value) == 'Auth profile "openai:default" is for openai, not anthropic.'
    with pytest.raises(ValidationError) as err:
        resolve("Opus@openai:default", example_store, provider="anthropic")
    assert str(err.value) == 'Auth profile "openai:default" is for openai, not anthropic.'


def test_resolve_needs_a_model(example_store):
    with pytest.raises(ValidationError):
        resolve("@anthropic:work", example_store)


model_part = st.text(alphabet="abcXYZ09-._@/", min_size=1, max_size=20)
profile_part = st.text(alphabet="abcxyz09-._@:", min_size=1, max_size=20)


@given(model_part, profile_part)
def test_property_split_follows_the_rule(model, profile):
    text = f"{model}@{profile}"
    got_model, got_profile = split_model_ref(text)
    slash = text.rfind("/")
    at = text.find("@", slash + 1)
    assert at >= 0
    assert got_model == text[:at].strip()
    assert got_profile == (text[at + 1:].strip() or None)
    # Re-joining gives back the input (nothing dropped or reordered).
    assert f"{got_model}@{got_profile or ''}" == text


@given(st.text(alphabet="abcXYZ09-._/", min_size=1, max_size=30))
def test_property_without_at_after_the_last_slash_there_is_no_profile(model):
    assert split_model_ref(model) == (model.strip(), None)
