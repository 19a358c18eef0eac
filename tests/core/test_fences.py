"""Refresh fences built as 9.6's createOAuthRefreshFence builds them, and the claim -> settle transforms.
The fence text below was printed by 9.6's own function; tests/interop/test_refresh_lock96.py compares
many more credentials with it."""

from __future__ import annotations

import pytest
from openclaw_onboard.core import fences
from openclaw_onboard.core.jsjson import js_stringify

CLAIM = "8abb6c14ff9c298758776d0a72c58971"
CRED = {"type": "oauth", "provider": "openai", "access": "A", "refresh": "R", "expires": 5, "idToken": "i",
        "email": "e"}
NINE_SIX = ('{"type":"oauth","provider":"openai","email":"e",'
            '"access":"openclaw-oauth-refresh-fence:v1:8abb6c14ff9c298758776d0a72c58971:access:'
            'f7ebfb6bbaa510312122d275a8c29ae1af9ccf9348e3786332425c48c642cfaa",'
            '"refresh":"openclaw-oauth-refresh-fence:v1:8abb6c14ff9c298758776d0a72c58971:refresh:'
            'f412d92e50ac5b07364bac1973d1d81402aeabb7aa0cb07818a8531659e2bd66","expires":1}')


def test_a_fence_is_9_6s_byte_for_byte() -> None:
    fence = fences.create_fence("openai:x", CRED, CLAIM)
    assert js_stringify(fence) == NINE_SIX
    assert "A" not in fence.values() and "R" not in fence.values() and "idToken" not in fence
    assert fences.parse_fence(fence) == fences.Fence(CLAIM, fence["access"][-64:], fence["refresh"][-64:], "pending")


def test_the_claim_returns_the_fence_and_a_fresh_claim_id() -> None:
    fence, claim_id = fences.claim("openai:x", CRED)
    other, other_id = fences.claim("openai:x", CRED)
    assert claim_id != other_id and len(claim_id) == 32
    assert fences.parse_fence(fence).claim_id == claim_id  # type: ignore[union-attr]
    # The digests name the generation, not the claim: the same credential gives the same ones.
    assert fence["refresh"].rsplit(":", 1)[1] == other["refresh"].rsplit(":", 1)[1]
    with pytest.raises(ValueError):
        fences.create_fence("openai:x", CRED, "not-hex")


def test_settle_success_writes_the_new_tokens_only_over_our_own_fence() -> None:
    fence, _ = fences.claim("openai:x", CRED)
    refreshed = {"access": "A2", "refresh": "R2", "expires": 99}
    settled = fences.settle_success(dict(fence), fence, CRED, refreshed)
    assert settled == {**CRED, **refreshed, "type": "oauth"}
    someone_elses, _ = fences.claim("openai:x", CRED)
    assert fences.settle_success(someone_elses, fence, CRED, refreshed) is None
    assert fences.settle_success({**CRED, "access": "A3"}, fence, CRED, refreshed) is None


def test_settle_failure_leaves_9_6s_failed_fence_only_over_our_own() -> None:
    fence = fences.create_fence("openai:x", CRED, CLAIM)
    failed = fences.settle_failure(dict(fence), fence)
    assert failed is not None and fences.parse_fence(failed).state == "failed"  # type: ignore[union-attr]
    assert failed["access"] == fence["access"].replace(f"{CLAIM}:access", f"{CLAIM}:failed:access")
    assert failed["refresh"] == fence["refresh"].replace(f"{CLAIM}:refresh", f"{CLAIM}:failed:refresh")
    assert fences.failed_fence(failed) == failed and fences.failed_fence(CRED) == CRED
    assert fences.settle_failure(failed, fence) is None
    assert fences.rollback(dict(fence), fence, CRED) == CRED and fences.rollback(failed, fence, CRED) is None


def test_someone_elses_pending_fence_means_wait() -> None:
    fence, claim_id = fences.claim("openai:x", CRED)
    assert fences.must_wait(fence) and fences.must_wait(fence, "0" * 32)
    assert not fences.must_wait(fence, claim_id)  # our own claim
    assert not fences.must_wait(fences.failed_fence(fence))  # failed: log in again, never wait
    assert not fences.must_wait(CRED) and not fences.must_wait(None)


def test_strict_equality_as_javascript() -> None:
    fence = fences.create_fence("openai:x", CRED, CLAIM)
    assert not fences.same_credential({**fence, "expires": True}, fence)  # true !== 1
    assert fences.same_credential({**fence, "expires": 1.0}, fence)  # one number type
    assert not fences.same_credential({**fence, "extra": None}, fence)


def test_expires_true_is_no_fence() -> None:
    fence = fences.create_fence("openai:x", CRED, CLAIM)
    assert fences.fence_state("oauth", fence["access"], fence["refresh"], True) is None
    assert fences.fence_state("oauth", fence["access"], fence["refresh"], 1.0) == "pending"


def test_waiting_for_someone_elses_claim_returns_what_settled_it(monkeypatch: pytest.MonkeyPatch) -> None:
    fence, _ = fences.claim("openai:x", CRED)
    settled = {**CRED, "access": "A2", "refresh": "R2"}
    reads = iter([fence, fence, fence, settled])
    polls: list[float] = []
    monkeypatch.setattr(fences.time, "sleep", polls.append)
    assert fences.wait_for_settlement(lambda: next(reads), "openai:x") == settled
    assert polls == [fences.OBSERVE_POLL_S] * 3
    failed = fences.failed_fence(fence)
    assert fences.wait_for_settlement(lambda: failed, "openai:x") == failed  # terminal: no wait


def test_a_claim_that_never_settles_ends_in_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    fence, _ = fences.claim("openai:\x1b[31mx", CRED)
    clock = iter(range(1000))
    monkeypatch.setattr(fences.time, "monotonic", lambda: float(next(clock)))
    monkeypatch.setattr(fences.time, "sleep", lambda s: None)
    with pytest.raises(fences.RefreshStillPendingError, match=r"still refreshing openai:.*x after 3s") as err:
        fences.wait_for_settlement(lambda: fence, "openai:\x1b[31mx", timeout=3)
    assert "\x1b" not in str(err.value)
