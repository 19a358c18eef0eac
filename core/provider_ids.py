"""Provider ids as OpenClaw 2026.4.26 compares them (provider-id normalizeProviderId,
provider-auth-aliases resolveProviderIdForAuth).

Two providers are "the same" for auth when their auth keys are equal: `z.ai` and `zai`,
`claude-cli` and `anthropic`, `codex-cli` and `openai-codex`. One place for the rule.
"""

from __future__ import annotations

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


# Memos (called once per profile per provider on the status hot path). Dicts, not functools.lru_cache:
# functools imports collections, which the status path does without. Cleared past _MEMO_MAX entries, so
# a store with endless distinct provider names cannot grow them without bound.
_MEMO_MAX = 4096
_normalized: dict[str, str] = {}
_auth_keys: dict[str, str] = {}


def normalize_provider_id(provider: str) -> str:
    """Trim, lowercase, then map OpenClaw's spelling aliases (`z.ai` -> `zai`)."""
    value = _normalized.get(provider)
    if value is None:
        value = (provider or "").strip().lower()
        value = _ALIASES.get(value, value)
        if len(_normalized) >= _MEMO_MAX:
            _normalized.clear()
        _normalized[provider] = value
    return value


def auth_provider_key(provider: str) -> str:
    """The key under which credentials of `provider` are shared (`claude-cli` -> `anthropic`)."""
    key = _auth_keys.get(provider)
    if key is None:
        value = normalize_provider_id(provider)
        key = _AUTH_ALIASES.get(value, value) if value else value
        if len(_auth_keys) >= _MEMO_MAX:
            _auth_keys.clear()
        _auth_keys[provider] = key
    return key


def same_auth_provider(a: str, b: str) -> bool:
    return auth_provider_key(a) == auth_provider_key(b)
