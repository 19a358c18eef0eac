"""core.tokens: pasted tokens lose their whitespace; setup-tokens are checked."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openclaw_onboard.core.errors import ValidationError
from openclaw_onboard.core.tokens import normalize_token, validate_setup_token, validate_token

from tests.conftest import ANTHROPIC_SETUP_TOKEN

SHORT = "Token looks too short; paste the full setup-token"


def test_wrapped_paste_is_rejoined():
    wrapped = "  " + ANTHROPIC_SETUP_TOKEN[:40] + "\n" + ANTHROPIC_SETUP_TOKEN[40:70] + "\r\n\t" + \
        ANTHROPIC_SETUP_TOKEN[70:] + "\n"
    assert validate_setup_token(wrapped) == ANTHROPIC_SETUP_TOKEN


def test_exactly_80_characters_is_enough():
    token = "sk-ant-oat01-" + "a" * (80 - 13)
    assert len(token) == 80
    assert validate_setup_token(token) == token


def test_79_characters_is_too_short():
    with pytest.raises(ValidationError) as err:
        validate_setup_token("sk-ant-oat01-" + "a" * (79 - 13))
    assert str(err.value) == SHORT


@pytest.mark.parametrize("bad", ["sk-ant-api03-" + "a" * 90, "SK-ANT-OAT01-" + "a" * 90, "x" * 100])
def test_wrong_prefix_is_rejected(bad):
    with pytest.raises(ValidationError) as err:
        validate_setup_token(bad)
    assert "sk-ant-oat01-" in str(err.value)


@pytest.mark.parametrize("bad", ["", "   \n", 'sk-ant-oat01-"' + "a" * 80, "sk-ant-oat01-é" + "a" * 80,
                                 "sk-ant-oat01-\x07" + "a" * 80])
def test_garbage_is_rejected(bad):
    with pytest.raises(ValidationError):
        validate_setup_token(bad)


def test_validate_token_any_provider():
    assert validate_token(" sk-or-v1-abc\n") == "sk-or-v1-abc"
    with pytest.raises(ValidationError):
        validate_token("")


@given(st.text(alphabet=st.characters(codec="ascii"), max_size=60))
def test_property_normalize_removes_all_whitespace_and_nothing_else(raw):
    out = normalize_token(raw)
    assert not any(c.isspace() for c in out)
    assert out == "".join(c for c in raw if not c.isspace())
