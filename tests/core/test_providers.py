"""core.providers: the packaged catalog and the look-ups the CLI, wizard and probe rely on."""

from __future__ import annotations

import json
from importlib import resources

from openclaw_onboard.core.providers import (
    catalog,
    key_shape_problem,
    probe_base_url,
    probe_env_var,
    unknown_provider_note,
)


def test_catalog_is_packaged_data_with_the_fields_the_issue_names():
    raw = json.loads(resources.files("openclaw_onboard.core.data").joinpath("providers.json").read_text("utf-8"))
    assert len(raw["providers"]) >= 45
    openrouter = catalog().get("openrouter")
    assert openrouter is not None
    assert (openrouter.label, openrouter.group, openrouter.env) == ("OpenRouter", "openrouter", ("OPENROUTER_API_KEY",))
    assert openrouter.base_url == "https://openrouter.ai/api/v1" and openrouter.probe_path == "/models"
    assert openrouter.docs_url == "https://docs.openclaw.ai/providers/openrouter"
    assert [c.id for c in openrouter.choices] == ["openrouter-api-key"]


def test_lookups_use_openclaws_normalisation_and_aliases():
    cat = catalog()
    assert cat.get(" Z.AI ").id == "zai"
    assert cat.get("claude-cli").id == "anthropic"
    assert cat.get("doubao").id == "volcengine"
    assert cat.get("no-such-provider") is None
    assert cat.choice("claude-cli").id == "anthropic-cli"  # a legacy choice id
    assert cat.choice("codex-cli").provider == "openai-codex"
    assert cat.choice("skip").kind == "skip" and cat.choice("custom-api-key").provider is None


def test_did_you_mean_and_completion():
    cat = catalog()
    assert cat.suggest("openruoter")[0] == "openrouter"
    assert "anthropic" in cat.suggest("antropic")
    assert cat.complete("openr") == "openrouter"
    assert cat.complete("open") is None  # openai, opencode, openrouter…
    assert cat.complete("openrouter") is None  # already whole
    note = unknown_provider_note("opnai")
    assert "Did you mean openai" in note and "saved anyway" in note


def test_key_shapes_only_where_documented():
    assert key_shape_problem("openrouter", "sk-or-v1-abcde") is not None
    assert key_shape_problem("openrouter", "sk-or-v1-" + "a" * 64) is None
    assert "start with sk-ant-" in key_shape_problem("anthropic", "sk-or-v1-" + "a" * 64)
    assert key_shape_problem("deepseek", "x") is None  # no documented shape: anything goes
    assert key_shape_problem("unknown-provider", "x") is None


def test_probe_base_url_override():
    assert probe_env_var("cloudflare-ai-gateway") == "OPENCLAW_PROBE_BASE_URL_CLOUDFLARE_AI_GATEWAY"
    assert probe_base_url("openrouter", {}) == "https://openrouter.ai/api/v1"
    assert probe_base_url("openrouter", {"OPENCLAW_PROBE_BASE_URL_OPENROUTER": "http://127.0.0.1:1/v1/"}) == \
        "http://127.0.0.1:1/v1"
    assert probe_base_url("cloudflare-ai-gateway", {}) is None  # account-specific: no default
