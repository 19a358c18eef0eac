"""core.status: per-profile status to the millisecond, provider roll-up, `--check` exit codes."""

from __future__ import annotations

import copy

import pytest
from openclaw_onboard.core import status
from openclaw_onboard.core.durations import DAY_MS, HOUR_MS, MINUTE_MS
from openclaw_onboard.core.models import ApiKeyCredential, OAuthCredential, TokenCredential

from tests.conftest import (
    CODEX_EXPIRES_MS,
    EXAMPLE_NOW_MS,
    EXAMPLE_STORE,
    MASKED_ANTHROPIC_TOKEN,
)

NOW = 1_800_000_000_000
W = status.WARN_WINDOW_MS


def _oauth(expires) -> OAuthCredential:
    return OAuthCredential(provider="openai-codex", access="acc" * 20, refresh="ref", expires=expires)


def test_warn_window_is_24h():
    assert W == 24 * HOUR_MS


@pytest.mark.parametrize(
    ("remaining", "kind"),
    [(W + 1, "ok"), (W, "expiring"), (W - 1, "expiring"), (1, "expiring"), (0, "expired"), (-1, "expired"),
     (-365 * DAY_MS, "expired"), (400 * DAY_MS, "ok")],
)
def test_oauth_and_token_boundaries_to_the_millisecond(remaining, kind):
    for cred in (_oauth(NOW + remaining), TokenCredential(provider="anthropic", token="t" * 40,
                                                          expires=NOW + remaining)):
        ps = status.profile_status("p:x", cred, NOW)
        assert ps.status == kind, cred.type
        assert ps.remaining_ms == remaining
        assert ps.expires_ms == NOW + remaining


@pytest.mark.parametrize(
    ("remaining", "human", "text"),
    [(59 * MINUTE_MS, "59m", "expires in 59m"), (HOUR_MS, "1h", "expires in 1h"),
     (47 * HOUR_MS + 59 * MINUTE_MS, "47h", "expires in 47h"), (48 * HOUR_MS, "2d", "expires in 2d"),
     (-2 * HOUR_MS, "2h", "expired 2h ago"), (0, "0m", "expired 0m ago")],
)
def test_human_durations(remaining, human, text):
    ps = status.profile_status("p:x", _oauth(NOW + remaining), NOW)
    assert ps.remaining_human == human
    assert ps.expiry_text == text


@pytest.mark.parametrize("expires", [None, "soon", 0, -1, float("nan")])
def test_oauth_without_usable_expiry_is_missing(expires):
    ps = status.profile_status("p:x", _oauth(expires), NOW)
    assert ps.status == "missing"
    assert ps.remaining_ms is None and ps.remaining_human is None
    assert ps.expiry_text == "no expiry recorded"


def test_static_kinds():
    key = status.profile_status("openai:default", ApiKeyCredential(provider="openai", key="sk-" + "k" * 40), NOW)
    tok = status.profile_status("openrouter:manual", TokenCredential(provider="openrouter", token="t" * 40), NOW)
    for ps in (key, tok):
        assert ps.status == "static"
        assert ps.expires_ms is None and ps.remaining_ms is None
        assert ps.expiry_text == "static"


def test_profile_status_masks_and_carries_metadata():
    cred = OAuthCredential(provider="openai-codex", access=EXAMPLE_STORE["profiles"]["anthropic:work"]["token"],
                           refresh="r", expires=NOW + DAY_MS * 3, accountId="acc_1", email="me@example.com")
    ps = status.profile_status("openai-codex:me@example.com", cred, NOW, cooldown_until=NOW + 10, position=1)
    assert ps.masked == MASKED_ANTHROPIC_TOKEN
    assert (ps.email, ps.account_id, ps.position, ps.type) == ("me@example.com", "acc_1", 1, "oauth")
    assert ps.in_cooldown and ps.cooldown_until == NOW + 10
    past = status.profile_status("x:y", cred, NOW, cooldown_until=NOW)
    assert not past.in_cooldown


def test_secret_ref_is_shown_as_a_reference():
    cred = ApiKeyCredential.model_validate({"provider": "openai",
                                            "keyRef": {"source": "env", "id": "OPENAI_API_KEY"}})
    assert status.profile_status("openai:ref", cred, NOW).masked == "ref env:OPENAI_API_KEY"


def test_secret_ref_names_its_provider_alias():
    """`ref exec:value` did not say which exec provider (command) resolves it."""
    cred = ApiKeyCredential.model_validate({"provider": "openai",
                                            "keyRef": {"source": "exec", "provider": "vault", "id": "value"}})
    assert status.profile_status("openai:ref", cred, NOW).masked == "ref exec:vault:value"
    cred = ApiKeyCredential.model_validate({"provider": "openai",
                                            "keyRef": {"source": "env", "provider": "default", "id": "OPENAI_KEY"}})
    assert status.profile_status("openai:ref", cred, NOW).masked == "ref env:OPENAI_KEY"


def test_worst_status_order():
    assert status.worst_status([]) is None
    assert status.worst_status(["static", "ok"]) == "ok"
    assert status.worst_status(["ok", "expiring", "static"]) == "expiring"
    assert status.worst_status(["expiring", "expired"]) == "expired"
    assert status.worst_status(["missing", "ok"]) == "missing"


# ---- agent_status / check_exit_code on real state dirs


def _agent(env=None, now=EXAMPLE_NOW_MS, agent_id="main"):
    return status.agent_status(agent_id, env={} if env is None else env, now_ms=now)


def test_agent_status_of_the_example_store(make_agent):
    make_agent()
    st = _agent()
    assert st.store_exists is True
    by_id = {p.profile_id: p for p in st.profiles}
    assert by_id["anthropic:work"].status == "ok"
    assert by_id["openai-codex:me@example.com"].status == "expiring"
    assert by_id["openai-codex:me@example.com"].remaining_human == "5h"
    assert by_id["openrouter:manual"].status == "static"
    assert by_id["openai:default"].status == "static"
    assert by_id["anthropic:work"].masked == MASKED_ANTHROPIC_TOKEN
    assert [p.provider for p in st.providers] == ["anthropic", "openai", "openai-codex", "openrouter"]
    codex = next(p for p in st.providers if p.provider == "openai-codex")
    assert codex.worst == "expiring"
    assert codex.effective == "profile openai-codex:me@example.com"
    assert st.worst == "expiring"
    assert st.missing_providers == []
    assert status.check_exit_code(st) == 2
    # The secrets themselves appear nowhere in the status.
    text = repr(st)
    for entry in EXAMPLE_STORE["profiles"].values():
        for field in ("token", "key", "access", "refresh"):
            if field in entry:
                assert entry[field] not in text


def test_check_is_0_when_everything_is_fine(make_agent):
    make_agent()
    assert status.check_exit_code(_agent(now=CODEX_EXPIRES_MS - W - 1)) == 0


def test_check_is_1_when_expired_even_if_another_is_expiring(make_agent):
    raw = copy.deepcopy(EXAMPLE_STORE)
    raw["profiles"]["anthropic:work"]["expires"] = EXAMPLE_NOW_MS  # expired right now
    make_agent(store=raw)
    st = _agent()
    assert {p.profile_id: p.status for p in st.profiles}["anthropic:work"] == "expired"
    assert status.check_exit_code(st) == 1


def test_check_is_1_when_an_oauth_profile_has_no_expiry(make_agent):
    raw = copy.deepcopy(EXAMPLE_STORE)
    del raw["profiles"]["openai-codex:me@example.com"]["expires"]
    make_agent(store=raw)
    assert status.check_exit_code(_agent(now=CODEX_EXPIRES_MS - 2 * W)) == 1


def test_check_is_1_when_a_provider_in_use_has_no_auth(make_agent):
    # OpenClaw: the providers of the configured models are "in use" (here mistral and, as image
    # model, google); one with no profile, env key or provider key is missing auth.
    make_agent(config={"agents": {"defaults": {"model": {"primary": "mistral/mistral-large",
                                                         "fallbacks": ["anthropic/claude-opus-4-5"]},
                                               "imageModel": "google/gemini-2.5-flash-image"}},
                       "auth": {"order": {"zai": ["zai:default"]}}})
    st = _agent(now=CODEX_EXPIRES_MS - 2 * W)
    assert st.providers_in_use == ["anthropic", "google", "mistral"]
    assert st.missing_providers == ["google", "mistral"]  # anthropic has a profile; zai is not in use
    assert st.models.default == "mistral/mistral-large" and st.models.fallbacks == ["anthropic/claude-opus-4-5"]
    assert status.check_exit_code(st) == 1


def test_env_key_serves_a_provider_without_profiles(make_agent):
    make_agent(config={"auth": {"order": {"mistral": ["mistral:default"]}}})
    st = _agent(env={"MISTRAL_API_KEY": "sk-mistral-env"}, now=CODEX_EXPIRES_MS - 2 * W)
    mistral = next(p for p in st.providers if p.provider == "mistral")
    assert mistral.env_keys == ["MISTRAL_API_KEY"]
    assert mistral.effective == "env: MISTRAL_API_KEY"
    assert "mistral" not in st.missing_providers
    assert status.check_exit_code(st) == 0
    assert "sk-mistral-env" not in repr(st)


def test_env_file_keys_are_reported_as_daemon_keys(make_agent, state_dir):
    make_agent()
    (state_dir / ".env").write_text("GROQ_API_KEY=gsk-from-dotenv\n")
    st = _agent(now=CODEX_EXPIRES_MS - 2 * W)
    assert "groq" in [p.provider for p in st.providers]
    assert st.env_file_providers == ["groq"]
    # A shell variable of the same name wins over .env: then it is not a .env provider.
    st2 = _agent(env={"GROQ_API_KEY": "gsk-shell"}, now=CODEX_EXPIRES_MS - 2 * W)
    assert st2.env_file_providers == []


def test_expired_first_profile_falls_through_to_next_in_order(make_agent):
    raw = {"version": 1, "profiles": {
        "anthropic:old": {"type": "token", "provider": "anthropic", "token": "t1", "expires": NOW - 1},
        "anthropic:new": {"type": "token", "provider": "anthropic", "token": "t2", "expires": NOW + 2 * W},
    }, "order": {"anthropic": ["anthropic:old", "anthropic:new"]}}
    make_agent(store=raw)
    st = _agent(now=NOW)
    anth = st.providers[0]
    # OpenClaw drops an expired token from the order (it is ineligible); it is still listed.
    assert [p.profile_id for p in anth.profiles] == ["anthropic:new", "anthropic:old"]
    assert [p.position for p in anth.profiles] == [1, None]
    assert anth.effective == "profile anthropic:new"
    assert anth.order_source == "override"
    assert status.check_exit_code(st) == 1  # an expired profile still fails the check


def test_profiles_outside_an_explicit_order_are_listed_unused(make_agent):
    # The example order names only anthropic:personal (absent) and anthropic:work.
    raw = copy.deepcopy(EXAMPLE_STORE)
    raw["profiles"]["anthropic:spare"] = {"type": "token", "provider": "anthropic", "token": "spare-token"}
    make_agent(store=raw)
    st = _agent()
    anth = next(p for p in st.providers if p.provider == "anthropic")
    assert [(p.profile_id, p.position) for p in anth.profiles] == [("anthropic:work", 1), ("anthropic:spare", None)]


def test_auth_state_order_is_used_by_status(make_agent):
    make_agent(auth_state={"version": 1, "order": {"anthropic": ["anthropic:work"], "openai-codex": []}})
    st = _agent()
    anth = next(p for p in st.providers if p.provider == "anthropic")
    assert anth.order_source == "override"
    codex = next(p for p in st.providers if p.provider == "openai-codex")
    assert [p.position for p in codex.profiles] == [1]  # an empty list is no order at all (OpenClaw drops it)
    assert codex.order_source == "default"


def test_agent_status_tightens_a_loose_store(make_agent, openclaw_files):
    openclaw_files.write_store(mode=0o644)
    st = _agent()
    assert len(st.warnings) == 1 and "0600" in st.warnings[0]
    assert openclaw_files.paths().store.stat().st_mode & 0o777 == 0o600


def test_agent_status_reports_problems_and_a_corrupt_config(make_agent):
    raw = copy.deepcopy(EXAMPLE_STORE)
    raw["profiles"]["bad:x"] = {"type": "nope", "provider": "bad"}
    make_agent(store=raw, config="{ auth: ")
    st = _agent()
    text = " | ".join(st.problems)
    assert "bad:x" in text and "openclaw.json" in text


def test_status_of_legacy_only_agent(make_agent):
    make_agent(store=False, legacy_auth=True)
    st = _agent()
    assert st.store_exists is False
    sources = {p.profile_id: p.source for p in st.profiles}
    assert sources == {"openai:default": "legacy", "google:default": "legacy"}


def test_status_uses_clock_when_now_not_given(make_agent, frozen_now):
    make_agent()
    st = status.agent_status(env={})
    assert st.now_ms == frozen_now
    assert status.check_exit_code(st) == 2


def test_env_keys_carry_masked_value_and_source_from_the_env_given(tmp_path, monkeypatch):
    """Source comes from the env passed in (not os.environ), values only masked."""
    from openclaw_onboard.core.status import agent_status

    (tmp_path / ".env").write_text("GROQ_API_KEY=gsk_DOTENVSECRET0123456789abcdef\n")
    monkeypatch.setenv("GROQ_API_KEY", "gsk_SHELLSECRET0123456789abcdef")  # ignored: env= wins
    st = agent_status(state=tmp_path, env={"MISTRAL_API_KEY": "mst_SHELLSECRET0123456789abcdef"}, now_ms=0)
    keys = {k.var: k for ps in st.providers for k in ps.env}
    assert keys["GROQ_API_KEY"].source == ".env" and keys["MISTRAL_API_KEY"].source == "shell"
    assert keys["GROQ_API_KEY"].masked == "gsk_...cdef"
    assert all("SECRET" not in k.masked for k in keys.values())


def test_status_of_many_providers_with_an_order_each_is_linear(state_dir, make_agent, monkeypatch):
    """An order entry per provider (store and config) used to be searched per provider: quadratic (an
    attacker's 8,000 providers took 65 s). Counted in normalisations, not timed."""
    from openclaw_onboard.core import order as order_mod

    n = 400
    profiles = {f"prov{i}:p": {"type": "api_key", "provider": f"prov{i}", "key": "k" * 40} for i in range(n)}
    make_agent(store={"version": 1, "profiles": profiles},
               auth_state={"version": 1, "order": {f"Prov{i}": [f"prov{i}:p"] for i in range(n)}},
               config={"auth": {"order": {f"prov{i}": [f"prov{i}:p"] for i in range(n)},
                                "profiles": {f"prov{i}:p": {"provider": f"prov{i}", "mode": "api_key"}
                                             for i in range(n)}}})
    calls = 0
    real = order_mod.normalize_provider_id

    def counting(provider: str) -> str:
        nonlocal calls
        calls += 1
        return real(provider)

    monkeypatch.setattr(order_mod, "normalize_provider_id", counting)
    result = status.agent_status("main", state_dir, env={}, now_ms=NOW)
    assert len(result.providers) == n and all(p.order_source == "override" for p in result.providers)
    assert all(p.profiles[0].position == 1 for p in result.providers)
    assert calls < 20 * n, calls  # quadratic was n * n = 160,000


def test_an_auth_alias_is_one_provider_group(make_agent):
    """A Claude CLI login (provider `claude-cli`, an auth alias of anthropic) beside an anthropic profile: one
    `anthropic` group listing each profile once (it was two groups, each listing every anthropic profile)."""
    raw = copy.deepcopy(EXAMPLE_STORE)
    raw["profiles"]["anthropic:claude-cli"] = {"type": "oauth", "provider": "claude-cli", "access": "sk-ant-oat01-a",
                                               "refresh": "sk-ant-ort01-r", "expires": EXAMPLE_NOW_MS + 8 * HOUR_MS}
    make_agent(store=raw)
    st = _agent()
    assert [p.provider for p in st.providers] == ["anthropic", "openai", "openai-codex", "openrouter"]
    anthropic = next(p for p in st.providers if p.provider == "anthropic")
    assert sorted(r.profile_id for r in anthropic.profiles) == ["anthropic:claude-cli", "anthropic:work"]
    ids = [p.profile_id for p in st.profiles]
    assert len(ids) == len(set(ids)) == 5
