"""Regenerate core/data/providers.json from an installed OpenClaw package (run by hand, not at runtime).

    eval "$(bash /work/shared/peers/install-openclaw.sh)"
    .venv/bin/python scripts/gen_provider_catalog.py "$OPENCLAW_DIST" > core/data/providers.json

Reads only data: each bundled plugin's `openclaw.plugin.json` (providers, providerAuthChoices,
providerAuthEnvVars), the provider pages under `docs/providers/`, and `*_BASE_URL = "..."`
string constants in dist/. The tables below say which of those facts belong to which provider;
they are ours (OpenClaw has no single list of probe endpoints or key prefixes).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openclaw_onboard.core.provider_ids import normalize_provider_id

# provider -> name of the dist constant holding its API base URL (or a literal URL found in dist).
BASE_URL_CONSTANT: dict[str, str] = {
    "openai": "OPENAI_BASE_URL", "openrouter": "OPENROUTER_BASE_URL", "google": "DEFAULT_GOOGLE_API_BASE_URL",
    "deepseek": "DEEPSEEK_BASE_URL", "zai": "ZAI_GLOBAL_BASE_URL", "minimax": "DEFAULT_MINIMAX_BASE_URL",
    "moonshot": "MOONSHOT_BASE_URL", "kimi": "KIMI_BASE_URL", "stepfun": "STEPFUN_STANDARD_INTL_BASE_URL",
    "stepfun-plan": "STEPFUN_PLAN_INTL_BASE_URL", "volcengine": "DOUBAO_BASE_URL", "byteplus": "BYTEPLUS_BASE_URL",
    "nvidia": "NVIDIA_BASE_URL", "vercel-ai-gateway": "VERCEL_AI_GATEWAY_BASE_URL", "chutes": "CHUTES_BASE_URL",
    "cerebras": "CEREBRAS_BASE_URL", "arcee": "ARCEE_BASE_URL", "fireworks": "FIREWORKS_BASE_URL",
    "huggingface": "HUGGINGFACE_BASE_URL", "kilocode": "KILOCODE_BASE_URL", "litellm": "LITELLM_BASE_URL",
    "together": "TOGETHER_BASE_URL", "venice": "VENICE_BASE_URL", "xai": "XAI_BASE_URL",
    "xiaomi": "XIAOMI_BASE_URL", "qianfan": "QIANFAN_BASE_URL", "qwen": "QWEN_STANDARD_GLOBAL_BASE_URL",
    "mistral": "MISTRAL_BASE_URL", "synthetic": "SYNTHETIC_BASE_URL", "opencode-go": "OPENCODE_GO_OPENAI_BASE_URL",
    "groq": "DEFAULT_GROQ_AUDIO_BASE_URL", "tencent-tokenhub": "TOKENHUB_BASE_URL",
    "ollama": "OLLAMA_DEFAULT_BASE_URL", "vllm": "VLLM_DEFAULT_BASE_URL", "sglang": "SGLANG_DEFAULT_BASE_URL",
    "lmstudio": "LMSTUDIO_DEFAULT_BASE_URL", "anthropic": "https://api.anthropic.com",
    "perplexity": "PERPLEXITY_DIRECT_BASE_URL",
}
# How a cheap authenticated request looks for providers that are not OpenAI-style `GET {base}/models`.
PROBE: dict[str, dict[str, str]] = {
    "anthropic": {"path": "/v1/models", "auth": "x-api-key"},
    "synthetic": {"path": "/v1/models", "auth": "x-api-key"},
    "google": {"path": "/models", "auth": "x-goog-api-key"},
    "ollama": {"path": "/api/tags", "auth": "bearer"},
    "lmstudio": {"path": "/v1/models", "auth": "bearer"},
    "litellm": {"path": "/v1/models", "auth": "bearer"},
    "vercel-ai-gateway": {"path": "/v1/models", "auth": "bearer"},
    "minimax": {"path": "/models", "auth": "bearer"},
}
# Key shapes the OpenClaw provider docs show (docs/providers/<page>.md); nothing else is guessed.
# minLength: the documented key format's length floor (openrouter: "sk-or-v1-" + 64 hex).
KEY_SHAPE: dict[str, dict[str, object]] = {
    "anthropic": {"prefix": "sk-ant-", "doc": "anthropic.md: ANTHROPIC_API_KEY: \"sk-ant-...\""},
    "openrouter": {"prefix": "sk-or-", "minLength": 40, "doc": "perplexity-provider.md: key starts with sk-or-"},
    "groq": {"prefix": "gsk_", "doc": "groq.md: GROQ_API_KEY=\"gsk_...\""},
    "nvidia": {"prefix": "nvapi-", "doc": "nvidia.md: NVIDIA_API_KEY=\"nvapi-...\""},
    "perplexity": {"prefix": "pplx-", "doc": "perplexity-provider.md: pplx- keys use the native API"},
}
# Providers that share an OpenClaw group need their own name (the manifests only label the group).
LABEL: dict[str, str] = {
    "kimi": "Kimi Code", "minimax": "MiniMax", "minimax-portal": "MiniMax OAuth", "moonshot": "Moonshot AI",
    "stepfun": "StepFun", "stepfun-plan": "StepFun Step Plan", "opencode": "OpenCode Zen", "opencode-go": "OpenCode Go",
    "google": "Google Gemini", "google-gemini-cli": "Gemini CLI", "github-copilot": "GitHub Copilot",
    "copilot-proxy": "Copilot Proxy", "openai-codex": "OpenAI Codex", "groq": "Groq",
}
DOCS_PAGE: dict[str, str] = {
    "openai-codex": "openai", "google-gemini-cli": "google", "minimax-portal": "minimax", "kimi": "moonshot",
    "stepfun-plan": "stepfun", "tencent-tokenhub": "tencent", "copilot-proxy": "github-copilot",
    "amazon-bedrock": "bedrock", "perplexity": "perplexity-provider",
}
# method -> auth kind (api_key, token, oauth, device, cli, local)
OAUTH_METHODS = {"oauth", "oauth-cn", "entra-id"}
DEVICE_METHODS = {"device", "device-code"}


def kind_of(method: str) -> str:
    if method in OAUTH_METHODS:
        return "oauth"
    if method in DEVICE_METHODS:
        return "device"
    if method == "setup-token":
        return "token"
    if method == "cli":
        return "cli"
    if method in ("local", "custom"):
        return "local"
    return "api_key"


def main(dist: Path) -> dict:
    docs = dist.parent / "docs" / "providers"
    constants: dict[str, str] = {}
    pattern = re.compile(r'\b([A-Z][A-Z0-9_]*_BASE_URL) = "(https?://[^"]+)"')
    for js in dist.rglob("*.js"):
        for name, value in pattern.findall(js.read_text("utf8", "replace")):
            constants.setdefault(name, value)
    providers: dict[str, dict] = {}

    def entry(pid: str) -> dict:
        nid = normalize_provider_id(pid)
        return providers.setdefault(nid, {"id": nid, "label": None, "group": None, "groupLabel": None,
                                          "kinds": [], "env": [], "choices": []})

    for manifest in sorted((dist / "extensions").glob("*/openclaw.plugin.json")):
        m = json.loads(manifest.read_text("utf8"))
        model_providers = set(m.get("providers") or [])
        for choice in m.get("providerAuthChoices") or []:
            e = entry(choice["provider"])
            e["group"] = e["group"] or choice.get("groupId")
            e["groupLabel"] = e["groupLabel"] or choice.get("groupLabel")
            if "text-inference" not in (choice.get("onboardingScopes") or ["text-inference"]):
                e["kinds"] = e["kinds"] or ["api_key"]
                continue  # image-only keys (fal, runway, comfy...) are not onboarding auth choices
            kind = kind_of(choice["method"])
            e["choices"].append({k: v for k, v in {
                "id": choice["choiceId"], "label": choice["choiceLabel"], "hint": choice.get("choiceHint"),
                "kind": kind, "method": choice["method"],
                "aliases": choice.get("deprecatedChoiceIds") or None}.items() if v is not None})
            if kind not in e["kinds"]:
                e["kinds"].append(kind)
        for pid, names in (m.get("providerAuthEnvVars") or {}).items():
            if pid not in model_providers and normalize_provider_id(pid) not in providers:
                continue  # speech/search/tool keys are not model providers
            e = entry(pid)
            e["env"] = list(dict.fromkeys([*e["env"], *names]))
            if not e["kinds"]:
                e["kinds"].append("api_key")
    for e in providers.values():
        pid = e["id"]
        group_members = [p for p in providers.values() if p["group"] and p["group"] == e["group"]]
        e["group"] = e["group"] or pid
        if pid in LABEL:
            e["label"] = LABEL[pid]
        elif e["groupLabel"] and len(group_members) <= 1:
            e["label"] = e["groupLabel"]
        elif e["choices"]:
            e["label"] = re.sub(r"\s*(API key|API Key|\(OAuth\)|Browser Login)$", "", e["choices"][0]["label"]) \
                or e["groupLabel"]
        e["label"] = e["label"] or pid
        e["groupLabel"] = e["groupLabel"] or e["label"]
        page = DOCS_PAGE.get(pid, pid)
        if (docs / f"{page}.md").is_file():
            e["docsUrl"] = f"https://docs.openclaw.ai/providers/{page}"
        const = BASE_URL_CONSTANT.get(pid)
        if const:
            e["baseUrl"] = const if const.startswith("http") else constants[const]
            e["probe"] = PROBE.get(pid, {"path": "/models", "auth": "bearer"})
        if pid in KEY_SHAPE:
            e["keyShape"] = KEY_SHAPE[pid]
        if not e["choices"]:
            del e["choices"]
    return {
        "source": "openclaw 2026.4.26 dist/extensions/*/openclaw.plugin.json + docs/providers",
        "coreChoices": [
            {"id": "custom-api-key", "label": "Custom Provider", "kind": "api_key",
             "hint": "Any OpenAI or Anthropic compatible endpoint"},
            {"id": "skip", "label": "Skip for now", "kind": "skip"},
        ],
        "providers": [providers[k] for k in sorted(providers)],
    }


if __name__ == "__main__":
    json.dump(main(Path(sys.argv[1])), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
