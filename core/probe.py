"""`models status --probe`: does each credential actually work? One cheap authenticated request each.

OpenClaw 2026.4.26 probes with a real agent turn (maxTokens 8). We do not run models, so we send the
cheapest authenticated request a provider has: its models list (`GET {baseUrl}{probe.path}`).
The base URL is, first, `OPENCLAW_PROBE_BASE_URL_<PROVIDER>` (e.g. OPENCLAW_PROBE_BASE_URL_OPENROUTER,
which is how the tests point probes at loopback fakes), then `models.providers.<p>.baseUrl` in
openclaw.json (what OpenClaw itself calls), then the catalog's (core/data/providers.json) only when it
is https. A catalog default on plain http is a local server (litellm :4000, vllm :8000, ollama…) whose
port any local user can take: a key is never sent there unless the user configured that URL
("not probed: no base URL").

Results carry OpenClaw's probe `status` words (ok, auth, rate_limit, billing, timeout, format,
unknown, no_model) and a `reasonCode`: OpenClaw's (excluded_by_auth_order, missing_credential,
invalid_expires, expired, unresolved_ref, no_model) plus ok, auth_failed, rate_limited, billing,
unreachable, http_error, invalid_key, no_base_url, probe_failed. Requests run in parallel with a bound
and a total deadline. A secret is only ever put in a request header; results and errors never contain it
(nor the response body, nor an exception's message: only its type).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_TIMEOUT_MS = 8_000
DEFAULT_CONCURRENCY = 2


@dataclass
class ProbeTarget:
    provider: str
    label: str  # profile id, or "env: VAR"
    source: str  # "profile" | "env"
    mode: str  # api_key | token | oauth | env
    profile_id: str | None = None
    secret: str | None = field(default=None, repr=False)
    skip: tuple[str, str, str] | None = None  # (status, reasonCode, error) when not probed
    base_url: str | None = None  # from openclaw.json's models.providers.<p>.baseUrl, when configured


@dataclass
class ProbeResult:
    provider: str
    label: str
    source: str
    mode: str
    status: str
    reasonCode: str
    profileId: str | None = None
    error: str | None = None
    httpStatus: int | None = None
    latencyMs: int | None = None
    url: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class ProbeSummary:
    startedAt: int
    finishedAt: int
    durationMs: int
    totalTargets: int
    results: list[ProbeResult]
    options: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"startedAt": self.startedAt, "finishedAt": self.finishedAt, "durationMs": self.durationMs,
                "totalTargets": self.totalTargets, "options": self.options,
                "results": [r.to_json() for r in self.results]}


def parse_profile_filter(values: Iterable[str] | None) -> list[str]:
    """`--probe-profile a,b --probe-profile c` -> [a, b, c] (OpenClaw: repeatable or comma-separated)."""
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


# ---- planning

def plan_targets(agent_id: str = "main", state: Path | None = None, env: Mapping[str, str] | None = None, *,
                 provider: str | None = None, profile_ids: Iterable[str] = (),
                 now_ms: int | None = None) -> list[ProbeTarget]:
    """Every profile (and env key) worth probing, with OpenClaw's reason when one cannot be probed."""
    import os

    from openclaw_onboard.core import order as order_mod
    from openclaw_onboard.core import secrets, views
    from openclaw_onboard.core.clock import now_ms as clock
    from openclaw_onboard.core.envkeys import env_keys_for, read_env_file
    from openclaw_onboard.core.errors import StoreCorruptError
    from openclaw_onboard.core.paths import agent_paths
    from openclaw_onboard.core.provider_ids import normalize_provider_id
    from openclaw_onboard.core.status import WELL_KNOWN_PROVIDERS

    now = clock() if now_ms is None else now_ms
    paths = agent_paths(agent_id, state)
    merged_env = {**read_env_file(paths.state), **(os.environ if env is None else env)}
    snap = views.read_store(paths)
    try:
        auth, raw_config = views.read_auth_config(paths.state)
    except StoreCorruptError:
        auth, raw_config = None, {}
    defaults = secrets.secrets_section(raw_config).get("defaults")
    wanted_ids = set(profile_ids)
    wanted_provider = normalize_provider_id(provider) if provider else None
    from openclaw_onboard.core.providers import catalog

    def env_key(prov: str) -> tuple[str, str] | None:
        """The env key OpenClaw would use: its generic names first, then the catalog's (HF_TOKEN, Z_AI_API_KEY…)."""
        found = env_keys_for(prov, merged_env)
        if found:
            return found[0]
        entry = catalog().get(prov)
        for name in entry.env if entry else ():
            if (merged_env.get(name) or "").strip():
                return name, merged_env[name].strip()
        return None

    with_env = {p for p in WELL_KNOWN_PROVIDERS if env_key(p)} | {p for p in catalog().providers if env_key(p)}
    providers = sorted(set(snap.store.providers()) | with_env)
    targets: list[ProbeTarget] = []
    index = order_mod.index_orders(snap.store, auth)  # once: linear in providers
    for prov in providers:
        if wanted_provider and normalize_provider_id(prov) != wanted_provider:
            continue
        explicit = index.override(prov)
        if explicit is None and auth is not None:
            explicit = auth.order.get(prov)
        for pid in index.stored_ids(prov):
            cred = snap.store.profiles[pid]
            if wanted_ids and pid not in wanted_ids:
                continue
            target = ProbeTarget(prov, pid, "profile", cred.type, profile_id=pid)
            targets.append(target)
            if explicit is not None and pid not in explicit:
                target.skip = ("unknown", "excluded_by_auth_order", f"{pid} is not in the auth order of {prov}")
                continue
            if cred.type == "token" and getattr(cred, "expires", None) is not None:
                expires = cred.expires_ms
                if expires is None:
                    target.skip = ("unknown", "invalid_expires", "token expires must be a positive Unix ms timestamp")
                    continue
                if expires <= now:
                    target.skip = ("unknown", "expired", "token credentials are expired")
                    continue
            secret = cred.secret
            stored_ref = None if secret else (getattr(cred, "keyRef", None) or getattr(cred, "tokenRef", None))
            if not secret and stored_ref is not None:
                ref = secrets.coerce_ref(stored_ref, defaults if isinstance(defaults, Mapping) else None)
                try:
                    if ref is None:
                        raise secrets.SecretRefError("the stored ref is malformed")
                    secret = secrets.resolve(ref, raw_config, merged_env)
                except secrets.SecretRefError as exc:
                    target.skip = ("unknown", "unresolved_ref", str(exc))
                    continue
            if not secret:
                target.skip = ("unknown", "missing_credential", "no inline credential or SecretRef is configured")
                continue
            target.secret = secret
        key = env_key(prov) if not wanted_ids else None
        if key is not None:
            targets.append(ProbeTarget(prov, f"env: {key[0]}", "env", "env", secret=key[1]))
    for target in targets:
        target.base_url = configured_base_url(target.provider, raw_config)
    return targets


def configured_base_url(provider: str, raw_config: Mapping[str, Any] | None) -> str | None:
    """`models.providers.<provider>.baseUrl` from openclaw.json (ids compared normalized), or None."""
    from openclaw_onboard.core.provider_ids import normalize_provider_id

    models = (raw_config or {}).get("models")
    table = models.get("providers") if isinstance(models, Mapping) else None
    if not isinstance(table, Mapping):
        return None
    wanted = normalize_provider_id(provider)
    for name, entry in table.items():
        if isinstance(name, str) and normalize_provider_id(name) == wanted and isinstance(entry, Mapping):
            url = entry.get("baseUrl")
            if isinstance(url, str) and url.strip().lower().startswith(("http://", "https://")):
                return url.strip().rstrip("/")
    return None


def probe_url(target: ProbeTarget, env: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(base, path) of the probe request, or (None, why not) when no base URL may be used."""
    from openclaw_onboard.core.providers import catalog, probe_env_var

    entry = catalog().get(target.provider)
    path = entry.probe_path if entry and entry.probe_path else "/models"
    override = (env.get(probe_env_var(target.provider)) or "").strip().rstrip("/")
    base = override or target.base_url
    if not base:
        default = entry.base_url.rstrip("/") if entry and entry.base_url else None
        if default is None:
            return None, (f"no probe endpoint known for {target.provider}; set models.providers."
                          f"{target.provider}.baseUrl in openclaw.json or {probe_env_var(target.provider)}")
        if not default.lower().startswith("https://"):
            return None, (f"not probed: no base URL (set models.providers.{target.provider}.baseUrl in "
                          f"openclaw.json; the default {default} is a local port any user can listen on)")
        base = default
    return base, path


# ---- running

def _classify(code: int) -> tuple[str, str]:
    if 200 <= code < 300:
        return "ok", "ok"
    if code in (401, 403):
        return "auth", "auth_failed"
    if code == 429:
        return "rate_limit", "rate_limited"
    if code == 402:
        return "billing", "billing"
    if code == 404:
        return "format", "http_error"
    return "unknown", "http_error"


def _headers(auth: str | None, secret: str) -> dict[str, str]:
    if auth == "x-api-key":
        return {"x-api-key": secret, "anthropic-version": "2023-06-01"}
    if auth == "x-goog-api-key":
        return {"x-goog-api-key": secret}
    return {"Authorization": f"Bearer {secret}"}


async def _probe_one(client: Any, target: ProbeTarget, env: Mapping[str, str], timeout_s: float) -> ProbeResult:
    import httpx
    from openclaw_onboard.core.providers import catalog

    def result(status: str, reason: str, error: str | None = None, **extra: Any) -> ProbeResult:
        return ProbeResult(target.provider, target.label, target.source, target.mode, status, reason,
                           profileId=target.profile_id, error=error, **extra)

    if target.skip is not None:
        return result(*target.skip)
    assert target.secret is not None
    if not (target.secret.isascii() and target.secret.isprintable()):
        # No HTTP header can carry it (httpx would raise an error quoting the whole header, key included):
        # no provider would accept it either. Never sent.
        return result("auth", "invalid_key", "the key holds non-ASCII or control characters; it was not sent")
    base, path = probe_url(target, env)
    entry = catalog().get(target.provider)
    if base is None:
        known = entry is not None and entry.base_url
        return result("unknown" if known else "no_model", "no_base_url" if known else "no_model", path)
    assert path is not None
    url = base + path
    started = time.monotonic()
    try:
        async with client.stream("GET", url, headers=_headers(entry.probe_auth if entry else None, target.secret),
                                 timeout=timeout_s) as response:
            code = response.status_code  # the body is never read: it is not ours to show
    except httpx.TimeoutException:
        return result("timeout", "unreachable", f"no answer within {int(timeout_s * 1000)}ms",
                      latencyMs=int((time.monotonic() - started) * 1000), url=url)
    except httpx.HTTPError as exc:
        return result("unknown", "unreachable", f"{type(exc).__name__} connecting to {base}", url=url)
    status, reason = _classify(code)
    error = None if status == "ok" else f"HTTP {code}"
    return result(status, reason, error, httpStatus=code, latencyMs=int((time.monotonic() - started) * 1000),
                  url=url)


async def run_probes(targets: list[ProbeTarget], env: Mapping[str, str], *, timeout_ms: int = DEFAULT_TIMEOUT_MS,
                     concurrency: int = DEFAULT_CONCURRENCY, deadline_ms: int | None = None,
                     on_progress: Callable[[int, int, str], None] | None = None) -> ProbeSummary:
    """Probe `targets` with at most `concurrency` requests at once; whatever is unfinished at the total
    deadline (default: enough rounds for every target, plus a second) is reported as timed out."""
    import httpx
    from openclaw_onboard.core.sanitize import clean

    started_wall = int(time.time() * 1000)
    started = time.monotonic()
    concurrency = max(1, min(concurrency, len(targets) or 1))
    rounds = -(-len([t for t in targets if t.skip is None]) // concurrency)
    deadline_s = (deadline_ms if deadline_ms is not None else timeout_ms * max(1, rounds) + 1000) / 1000
    results: list[ProbeResult | None] = [None] * len(targets)
    done = 0
    gate = asyncio.Semaphore(concurrency)

    async with httpx.AsyncClient(follow_redirects=False, trust_env=False) as client:
        async def one(index: int, target: ProbeTarget) -> None:
            nonlocal done
            async with gate:
                if on_progress:  # a profile id comes from a file anyone may have written: never raw to a terminal
                    on_progress(done, len(targets), f"Probing {clean(target.provider, 40)} ({clean(target.label, 80)})")
                try:
                    results[index] = await _probe_one(client, target, env, timeout_ms / 1000)
                except Exception as exc:
                    # Only its type: an exception's message or args may quote a header, i.e. the key. A task
                    # that raised would also be logged with its repr ("Task exception was never retrieved").
                    results[index] = ProbeResult(target.provider, target.label, target.source, target.mode,
                                                 "unknown", "probe_failed", profileId=target.profile_id,
                                                 error=f"the probe failed ({type(exc).__name__})")
            done += 1
            if on_progress:
                on_progress(done, len(targets), "")

        tasks = [asyncio.create_task(one(i, t)) for i, t in enumerate(targets)]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=deadline_s)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
    final: list[ProbeResult] = []
    for target, res in zip(targets, results, strict=True):
        final.append(res or ProbeResult(target.provider, target.label, target.source, target.mode, "timeout",
                                        "unreachable", profileId=target.profile_id,
                                        error=f"total probe deadline of {int(deadline_s * 1000)}ms reached"))
    finished_wall = int(time.time() * 1000)
    return ProbeSummary(started_wall, finished_wall, int((time.monotonic() - started) * 1000), len(targets),
                        sorted(final, key=lambda r: (r.provider, r.label)),
                        {"timeoutMs": timeout_ms, "concurrency": concurrency})


def probe(agent_id: str = "main", state: Path | None = None, env: Mapping[str, str] | None = None, *,
          provider: str | None = None, profile_ids: Iterable[str] = (), timeout_ms: int = DEFAULT_TIMEOUT_MS,
          concurrency: int = DEFAULT_CONCURRENCY, deadline_ms: int | None = None,
          on_progress: Callable[[int, int, str], None] | None = None) -> ProbeSummary:
    """Plan and run the probes of one agent (blocking; call it from a worker thread in a UI)."""
    import os

    env = dict(os.environ if env is None else env)
    targets = plan_targets(agent_id, state, env, provider=provider, profile_ids=profile_ids)
    return asyncio.run(run_probes(targets, env, timeout_ms=timeout_ms, concurrency=concurrency,
                                  deadline_ms=deadline_ms, on_progress=on_progress))
