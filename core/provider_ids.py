"""Provider ids as OpenClaw 2026.4.26 compares them (provider-id normalizeProviderId,
provider-auth-aliases resolveProviderIdForAuth).

Two providers are "the same" for auth when their auth keys are equal: `z.ai` and `zai`,
`claude-cli` and `anthropic`, `codex-cli` and `openai-codex`. One place for the rule.
"""

from __future__ import annotations

from functools import lru_cache

_ALIASES: dict[str, str] = {
    "modelstudio": "qwen",
    "qwencloud": "qwen",
    "z.ai": "zai",
    "z-ai": "zai",
    "opencode-zen": "opencode",
    "opencode-go-auth": "opencode-go",
    "kimi-code": "kimi",
    "kimi-coding": "kimi",
    "bedrock": "amazon-bedrock",
    "aws-bedrock": "amazon-bedrock",
    "bytedance": "volcengine",
    "doubao": "volcengine",
}

# Manifest-owned auth aliases of the bundled provider plugins (applied after normalising).
_AUTH_ALIASES: dict[str, str] = {
    "claude-cli": "anthropic",
    "codex-cli": "openai-codex",
    "openai-codex-import": "openai-codex",
    "volcengine-plan": "volcengine",
    "byteplus-plan": "byteplus",
    "minimax-api": "minimax",
    "minimax-cloud": "minimax",
    "minimax-api-lightning": "minimax",
    "minimax-api-key-cn": "minimax",
    "modelstudio-api-key": "qwen",
    "modelstudio-api-key-cn": "qwen",
    "modelstudio-standard-api-key": "qwen",
    "modelstudio-standard-api-key-cn": "qwen",
}


# Cached: called once per profile per provider on the status hot path. Bounded, so a store with endless
# distinct provider names cannot grow the caches without bound.
@lru_cache(maxsize=4096)
def normalize_provider_id(provider: str) -> str:
    """Trim, lowercase, then map OpenClaw's spelling aliases (`z.ai` -> `zai`)."""
    value = (provider or "").strip().lower()
    return _ALIASES.get(value, value)


@lru_cache(maxsize=4096)
def auth_provider_key(provider: str) -> str:
    """The key under which credentials of `provider` are shared (`claude-cli` -> `anthropic`)."""
    value = normalize_provider_id(provider)
    return _AUTH_ALIASES.get(value, value) if value else value


def same_auth_provider(a: str, b: str) -> bool:
    return auth_provider_key(a) == auth_provider_key(b)
