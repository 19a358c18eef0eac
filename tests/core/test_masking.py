"""core.masking: `sk-ant-o...Gg3eWffP`, never the whole secret."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from openclaw_onboard.core.masking import mask_secret

from tests.conftest import ANTHROPIC_SETUP_TOKEN, MASKED_ANTHROPIC_TOKEN


def test_long_secret_shows_first_8_and_last_8():
    assert mask_secret(ANTHROPIC_SETUP_TOKEN) == MASKED_ANTHROPIC_TOKEN == "sk-ant-o...Gg3eWffP"
    assert mask_secret("a" * 8 + "X" * 48 + "b" * 8) == "aaaaaaaa...bbbbbbbb"


@pytest.mark.parametrize("secret", ["", None])
def test_nothing_to_mask(secret):
    assert mask_secret(secret) == ""


@pytest.mark.parametrize("secret", ["a", "ab", "abc", "abcd", "sk-1234", "0123456789abcdef", "x" * 31])
def test_short_secrets_reveal_at_most_half(secret):
    masked = mask_secret(secret)
    assert masked != secret
    visible = masked.replace("...", "", 1)
    assert len(visible) <= len(secret) // 2
    assert "..." in masked


def _visible_parts(secret: str, masked: str) -> tuple[str, str]:
    """(head, tail) of `head...tail` with equal sides (the secret itself may contain dots)."""
    k = (len(masked) - 3) // 2
    assert len(masked) == 2 * k + 3 and masked[k:k + 3] == "...", masked
    return masked[:k], masked[k + 3:]


@example(".000")
@example("........")
@given(st.text(min_size=1, max_size=200))
def test_property_mask_never_reveals_the_whole_secret(secret):
    masked = mask_secret(secret)
    head, tail = _visible_parts(secret, masked)
    assert secret.startswith(head) and secret.endswith(tail)
    assert len(head) == len(tail) == min(8, len(secret) // 8)
    assert len(head) + len(tail) <= len(secret) // 4


def test_what_shows_grows_smoothly_and_never_past_16_characters():
    """Issue 24.10: a 32-character secret showed 16 characters, a 31-character one 6."""
    shown = [len(mask_secret("k" * n)) - 3 for n in range(1, 300)]
    assert max(shown) == 16
    assert all(0 <= b - a <= 2 for a, b in itertools.pairwise(shown))
    assert mask_secret("a" * 4 + "X" * 24 + "b" * 4) == "aaaa...bbbb"  # 32 characters: 8 shown, not 16


def test_key_shaped_words_in_outside_text_are_masked() -> None:
    from openclaw_onboard.core.masking import redact_key_shaped

    key = "sk-or-v1-" + "d" * 64
    out = redact_key_shaped(f"vault said: bad token {key} for /usr/bin/op (code 7)")
    assert key not in out and "d" * 20 not in out
    assert "vault said: bad token" in out and "/usr/bin/op (code 7)" in out
