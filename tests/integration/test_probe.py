"""`models status --probe` against a loopback fake provider answering 200 / 401 / 429 / slow."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from openclaw_onboard.core import probe as probe_mod
from openclaw_onboard.core import profiles
from openclaw_onboard.core.models import TokenCredential
from openclaw_onboard.core.probe import parse_profile_filter
from openclaw_onboard.core.secrets import Ref

from tests.support.fake_provider import BAD, GOOD, LIMITED, SLOW, FakeProvider


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    f = FakeProvider()
    yield f
    f.close()


def _seed() -> None:
    profiles.add_api_key("openrouter", GOOD, "openrouter:good")
    profiles.add_api_key("openrouter", BAD, "openrouter:bad")
    profiles.add_api_key("openrouter", LIMITED, "openrouter:limited")
    profiles.add_api_key("openrouter", SLOW, "openrouter:slow")


def _by_label(summary) -> dict[str, tuple[str, str]]:
    return {r.label: (r.status, r.reasonCode) for r in summary.results}


def test_probe_reports_ok_auth_rate_limit_and_timeout(state_dir, fake):
    _seed()
    env = {"OPENCLAW_PROBE_BASE_URL_OPENROUTER": fake.url}
    summary = probe_mod.probe(env=env, timeout_ms=300, concurrency=4)
    assert _by_label(summary) == {
        "openrouter:good": ("ok", "ok"),
        "openrouter:bad": ("auth", "auth_failed"),
        "openrouter:limited": ("rate_limit", "rate_limited"),
        "openrouter:slow": ("timeout", "unreachable"),
    }
    assert {path for path, _ in fake.requests} == {"/api/v1/models"}
    assert {h.get("Authorization") for _, h in fake.requests} == {f"Bearer {k}" for k in (GOOD, BAD, LIMITED, SLOW)}
    text = json.dumps(summary.to_json())
    assert all(k not in text for k in (GOOD, BAD, LIMITED, SLOW))


def test_reason_codes_for_profiles_that_cannot_be_probed(state_dir, fake):
    from openclaw_onboard.core import store

    profiles.add_api_key("openrouter", GOOD, "openrouter:good")
    profiles.add_secret_ref("openrouter", Ref("env", "default", "NOT_SET_KEY"), "openrouter:ref")

    def add(s):
        s.profiles["openrouter:old"] = TokenCredential(provider="openrouter", token=GOOD, expires=1000)
        s.profiles["openrouter:weird"] = TokenCredential(provider="openrouter", token=GOOD, expires="soon")
        s.profiles["openrouter:empty"] = TokenCredential(provider="openrouter")
        s.profiles["mystery:default"] = TokenCredential(provider="mystery", token=GOOD)
    store.update(add)
    env = {"OPENCLAW_PROBE_BASE_URL_OPENROUTER": fake.url}
    summary = probe_mod.probe(env=env, timeout_ms=2000)
    assert _by_label(summary) == {
        "openrouter:good": ("ok", "ok"),
        "openrouter:ref": ("unknown", "unresolved_ref"),
        "openrouter:old": ("unknown", "expired"),
        "openrouter:weird": ("unknown", "invalid_expires"),
        "openrouter:empty": ("unknown", "missing_credential"),
        "mystery:default": ("no_model", "no_model"),
    }
    assert len(fake.requests) == 1


def test_order_exclusion_filters_and_env_credentials(state_dir, fake):
    from openclaw_onboard.core import order

    _seed()
    order.set_order("openrouter", ["openrouter:good", "openrouter:bad"])
    env = {"OPENCLAW_PROBE_BASE_URL_OPENROUTER": fake.url, "OPENROUTER_API_KEY": GOOD}
    wanted = parse_profile_filter(["openrouter:good,openrouter:slow"])
    summary = probe_mod.probe(env=env, timeout_ms=300, profile_ids=wanted)
    assert _by_label(summary) == {"openrouter:good": ("ok", "ok"),
                                  "openrouter:slow": ("unknown", "excluded_by_auth_order")}
    summary = probe_mod.probe(env=env, timeout_ms=300, provider="anthropic")
    assert summary.results == []
    summary = probe_mod.probe(env=env, timeout_ms=300, provider="openrouter")
    assert _by_label(summary)["env: OPENROUTER_API_KEY"] == ("ok", "ok")


def test_total_deadline_bounds_the_run(state_dir, fake):
    _seed()
    env = {"OPENCLAW_PROBE_BASE_URL_OPENROUTER": fake.url}
    summary = probe_mod.probe(env=env, timeout_ms=20_000, concurrency=1, deadline_ms=500)
    results = _by_label(summary)
    assert results["openrouter:slow"] == ("timeout", "unreachable")
    assert summary.durationMs < 10_000


def test_unreachable_provider(state_dir):
    profiles.add_api_key("openrouter", GOOD, "openrouter:good")
    env = {"OPENCLAW_PROBE_BASE_URL_OPENROUTER": "http://127.0.0.1:9"}  # discard port: nothing listens
    summary = probe_mod.probe(env=env, timeout_ms=2000)
    assert _by_label(summary) == {"openrouter:good": ("unknown", "unreachable")}


def test_parallelism_is_bounded(state_dir, fake):
    # Six keys that never answer, 200 ms each: two at a time need three rounds (>= 600 ms); unbounded
    # would be one round. The lower bound cannot flake: no request can end before its timeout.
    for n in range(6):
        profiles.add_api_key("openrouter", SLOW, f"openrouter:slow{n}")
    env = {"OPENCLAW_PROBE_BASE_URL_OPENROUTER": fake.url}
    summary = probe_mod.probe(env=env, timeout_ms=200, concurrency=2)
    assert [r.reasonCode for r in summary.results] == ["unreachable"] * 6
    assert summary.durationMs >= 590
    assert summary.options == {"timeoutMs": 200, "concurrency": 2}


def test_env_keys_under_catalog_names_are_probed(state_dir, fake):
    # Vercel's gateway reads AI_GATEWAY_API_KEY (catalog), not VERCEL_AI_GATEWAY_API_KEY.
    env = {"OPENCLAW_PROBE_BASE_URL_VERCEL_AI_GATEWAY": fake.url, "AI_GATEWAY_API_KEY": GOOD}
    summary = probe_mod.probe(env=env, timeout_ms=2000)
    assert _by_label(summary) == {"env: AI_GATEWAY_API_KEY": ("ok", "ok")}
    assert fake.requests[0][0] == "/api/v1/v1/models"  # the catalog's probe path for this provider


# ---- issue 24.1: a key goes only where the user configured, never to a default local port

def _listener_on_the_default(monkeypatch, provider: str, url: str) -> None:
    """Someone else's listener on the catalog's default port (litellm's :4000…): the catalog is pointed at
    a loopback fake, which stands in for it, so no real port is touched."""
    import dataclasses

    from openclaw_onboard.core.providers import catalog

    entry = catalog().get(provider)
    assert entry is not None and entry.base_url and entry.base_url.startswith("http://")  # a plain-http default
    monkeypatch.setitem(catalog().providers, entry.id, dataclasses.replace(entry, base_url=url))


@pytest.mark.parametrize("provider", ["litellm", "vllm", "sglang", "ollama", "lmstudio"])
def test_no_key_is_sent_to_an_unconfigured_local_default(state_dir, fake, monkeypatch, provider):
    _listener_on_the_default(monkeypatch, provider, fake.url)
    profiles.add_api_key(provider, GOOD, f"{provider}:manual")
    env_var = {"litellm": "LITELLM_API_KEY", "vllm": "VLLM_API_KEY", "sglang": "SGLANG_API_KEY",
               "ollama": "OLLAMA_API_KEY", "lmstudio": "LMSTUDIO_API_KEY"}[provider]
    summary = probe_mod.probe(env={env_var: BAD}, timeout_ms=2000)
    assert fake.requests == []
    assert {r.status for r in summary.results} == {"unknown"}
    assert {r.reasonCode for r in summary.results} == {"no_base_url"}
    assert all("not probed: no base URL" in (r.error or "") for r in summary.results)
    assert all(r.url is None for r in summary.results)


def test_the_configured_base_url_is_probed_instead_of_the_default(state_dir, openclaw_files, fake, monkeypatch):
    from tests.support.fake_provider import FakeProvider

    squatter = FakeProvider()  # on the default port
    try:
        _listener_on_the_default(monkeypatch, "litellm", squatter.url)
        openclaw_files.write_config({"models": {"providers": {"litellm": {"baseUrl": fake.url + "/"}}}})
        profiles.add_api_key("litellm", GOOD, "litellm:manual")
        summary = probe_mod.probe(env={}, timeout_ms=2000)
        assert _by_label(summary) == {"litellm:manual": ("ok", "ok")}
        assert summary.results[0].url == fake.url + "/v1/models"  # the catalog's probe path for litellm
        assert squatter.requests == [] and [p for p, _ in fake.requests] == ["/api/v1/v1/models"]
    finally:
        squatter.close()


def test_a_redirect_is_never_followed_and_a_key_with_cr_lf_is_never_sent(state_dir, openclaw_files, fake):
    """Kept from the attacker pass of issue 24: a probe reports `ok` only for the host it was pointed at."""
    from tests.support.hostile_endpoint import HostileEndpoint

    def redirect(_req, sock):
        sock.sendall(f"HTTP/1.1 307 Moved\r\nLocation: {fake.url}/models\r\nContent-Length: 0\r\n"
                     "Connection: close\r\n\r\n".encode())

    openclaw_files.write_store({"version": 1, "profiles": {
        "openrouter:good": {"type": "api_key", "provider": "openrouter", "key": GOOD},
        "openrouter:crlf": {"type": "api_key", "provider": "openrouter", "key": GOOD + "\r\nX-Evil: 1"}}})
    with HostileEndpoint(redirect) as ep:
        summary = probe_mod.probe(env={"OPENCLAW_PROBE_BASE_URL_OPENROUTER": ep.issuer}, timeout_ms=2000)
        assert len(ep.requests) == 1 and b"X-Evil" not in ep.requests[0]
    assert _by_label(summary) == {"openrouter:good": ("unknown", "http_error"),
                                  "openrouter:crlf": ("auth", "invalid_key")}
    assert fake.requests == []  # the redirect target was never contacted
