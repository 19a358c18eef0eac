"""The provider catalog: every provider OpenClaw 2026.4.26 offers at onboarding, as data.

`core/data/providers.json` is generated from the OpenClaw package by
`scripts/gen_provider_catalog.py` (plugin manifests, provider docs, base-URL constants) and read
here once, lazily: the cron path (`models status --check`) never pays for it unless it needs it.

Look-ups go through OpenClaw's id normalisation (`z.ai` finds `zai`, `claude-cli` finds
`anthropic`). Unknown providers are not an error anywhere: callers get None and say so.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from openclaw_onboard.core.provider_ids import auth_provider_key, normalize_provider_id

# Kinds of auth a choice leads to (the wizard and CLI branch on these).
AuthKind = str  # "api_key" | "token" | "oauth" | "device" | "cli" | "local" | "skip"
PROBE_BASE_URL_ENV = "OPENCLAW_PROBE_BASE_URL_"  # + provider id upper-cased, non-alphanumerics as "_"


@dataclass(frozen=True)
class AuthChoice:
    id: str  # OpenClaw's `--auth-choice` value, e.g. "openrouter-api-key"
    label: str
    kind: AuthKind
    provider: str | None  # None for core choices (custom-api-key, skip)
    hint: str = ""
    method: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Provider:
    id: str
    label: str
    group: str
    group_label: str
    kinds: tuple[str, ...]
    env: tuple[str, ...]  # env var names OpenClaw reads, in its precedence
    choices: tuple[AuthChoice, ...] = ()
    docs_url: str | None = None
    base_url: str | None = None
    probe_path: str | None = None
    probe_auth: str | None = None  # "bearer" | "x-api-key" | "x-goog-api-key"
    key_prefix: str | None = None
    key_min_length: int | None = None
    search_text: str = field(default="", repr=False)

    @property
    def takes_api_key(self) -> bool:
        return "api_key" in self.kinds


@dataclass(frozen=True)
class Catalog:
    providers: Mapping[str, Provider]
    core_choices: tuple[AuthChoice, ...]
    _choices: Mapping[str, AuthChoice] = field(repr=False, default_factory=dict)

    def get(self, provider: str) -> Provider | None:
        """The entry for `provider` by OpenClaw's normalised id, then by its auth alias."""
        pid = normalize_provider_id(provider)
        return self.providers.get(pid) or self.providers.get(auth_provider_key(pid))

    def choice(self, choice_id: str) -> AuthChoice | None:
        """An auth choice by id or legacy alias (`claude-cli` -> `anthropic-cli`)."""
        return self._choices.get((choice_id or "").strip())

    def all_choices(self) -> list[AuthChoice]:
        return [c for p in self.providers.values() for c in p.choices] + list(self.core_choices)

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Provider ids close to `text` ("did you mean"): prefix matches first, then similar spellings."""
        needle = normalize_provider_id(text)
        if not needle:
            return []
        ids = list(self.providers)
        prefixed = [i for i in ids if i.startswith(needle) and i != needle]
        close = difflib.get_close_matches(needle, ids, n=limit, cutoff=0.6)
        labels = {p.label.lower(): p.id for p in self.providers.values()}
        by_label = [labels[m] for m in difflib.get_close_matches(needle, list(labels), n=limit, cutoff=0.7)]
        return list(dict.fromkeys([*prefixed, *close, *by_label]))[:limit]

    def complete(self, prefix: str) -> str | None:
        """The single provider id `prefix` can only mean (`openr` -> `openrouter`), else None."""
        needle = normalize_provider_id(prefix)
        if not needle or needle in self.providers:
            return None
        matches = [i for i in self.providers if i.startswith(needle)]
        return matches[0] if len(matches) == 1 else None


def _choice(raw: Mapping[str, object], provider: str | None) -> AuthChoice:
    return AuthChoice(id=str(raw["id"]), label=str(raw["label"]), kind=str(raw["kind"]), provider=provider,
                      hint=str(raw.get("hint") or ""), method=str(raw.get("method") or ""),
                      aliases=_strs(raw.get("aliases")))


def _strs(value: object) -> tuple[str, ...]:
    """A list of strings in the catalog file (providers.json) as a tuple; absent is empty."""
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _opt_str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _provider(raw: Mapping[str, object]) -> Provider:
    pid = str(raw["id"])
    probe = raw.get("probe") or {}
    shape = raw.get("keyShape") or {}
    assert isinstance(probe, dict) and isinstance(shape, dict)
    listed = raw.get("choices")
    choices = tuple(_choice(c, pid) for c in listed if isinstance(c, dict)) if isinstance(listed, list) else ()
    words = [pid, str(raw["label"]), str(raw["groupLabel"]), *(c.label for c in choices), *(c.id for c in choices)]
    return Provider(
        id=pid, label=str(raw["label"]), group=str(raw["group"]), group_label=str(raw["groupLabel"]),
        kinds=_strs(raw.get("kinds")), env=_strs(raw.get("env")),
        choices=choices, docs_url=_opt_str(raw.get("docsUrl")), base_url=_opt_str(raw.get("baseUrl")),
        probe_path=probe.get("path"), probe_auth=probe.get("auth"),
        key_prefix=shape.get("prefix"), key_min_length=shape.get("minLength"),
        search_text=" ".join(words).lower(),
    )


def load_catalog(text: str) -> Catalog:
    data = json.loads(text)
    providers = {p.id: p for p in map(_provider, data["providers"])}
    core = tuple(_choice(c, None) for c in data.get("coreChoices", ()))
    index: dict[str, AuthChoice] = {}
    for choice in [c for p in providers.values() for c in p.choices] + list(core):
        index.setdefault(choice.id, choice)
    for choice in [c for p in providers.values() for c in p.choices]:
        for alias in choice.aliases:
            index.setdefault(alias, choice)  # a current id always wins over someone's legacy alias
    return Catalog(providers, core, index)


@cache
def catalog() -> Catalog:
    """The packaged catalog, read once per process."""
    return load_catalog(resources.files("openclaw_onboard.core.data").joinpath("providers.json").read_text("utf-8"))


def key_shape_problem(provider: str, key: str) -> str | None:
    """Why `key` cannot be a key of `provider` by the shape its docs give, or None (unknown = fine)."""
    entry = catalog().get(provider)
    if entry is None:
        return None
    if entry.key_prefix and not key.startswith(entry.key_prefix):
        return f"{entry.label} keys start with {entry.key_prefix}"
    if entry.key_min_length and len(key) < entry.key_min_length:
        return (f"{entry.label} keys are at least {entry.key_min_length} characters; this one has {len(key)} "
                "(cut off while copying?)")
    return None


def probe_env_var(provider: str) -> str:
    return PROBE_BASE_URL_ENV + re.sub(r"[^A-Z0-9]", "_", normalize_provider_id(provider).upper())


def probe_base_url(provider: str, env: Mapping[str, str]) -> str | None:
    """Where `models status --probe` sends its request: `OPENCLAW_PROBE_BASE_URL_<ID>` wins over the catalog."""
    override = (env.get(probe_env_var(provider)) or "").strip()
    if override:
        return override.rstrip("/")
    entry = catalog().get(provider)
    return entry.base_url.rstrip("/") if entry and entry.base_url else None


def unknown_provider_note(provider: str) -> str:
    """The line shown when a provider is not in OpenClaw's catalog (still allowed: plugins add providers)."""
    hints = catalog().suggest(provider)
    mean = f" Did you mean {' or '.join(hints)}?" if hints else ""
    return f'"{provider}" is not a provider OpenClaw 2026.4.26 ships.{mean} It is saved anyway (a plugin may add it).'
