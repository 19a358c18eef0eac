"""auth-state.json, as OpenClaw 2026.4.26 splits it from auth-profiles.json (auth-profiles/state.ts).

- auth-profiles.json holds `{version, profiles}`; auth-state.json holds `{version, order?,
  lastGood?, usageStats?}` and is deleted when all three are absent.
- Reading: state keys still found in an older single-file auth-profiles.json are read, and
  auth-state.json wins per entry (per provider for order and lastGood, per profile for usageStats).
- Shapes are coerced as OpenClaw does: `order` keeps only provider entries that are lists, with
  their non-empty trimmed strings; `lastGood` and `usageStats` are taken as any object.

Pydantic-free: both the fast read path (core.views) and the store (core.store) use it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from openclaw_onboard.core import fsio
from openclaw_onboard.core.errors import StoreCorruptError
from openclaw_onboard.core.paths import STATE_FILENAME

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from openclaw_onboard.core.paths import AgentPaths

STATE_KEYS = ("order", "lastGood", "usageStats")


def coerce_order(raw: Any) -> dict[str, list[str]] | None:
    if not isinstance(raw, dict):
        return None
    out: dict[str, list[str]] = {}
    for provider, value in raw.items():
        if not isinstance(value, list):
            continue
        ids = [v.strip() for v in value if isinstance(v, str) and v.strip()]
        if ids:
            out[provider] = ids
    return out or None


def coerce_state(raw: Any) -> dict[str, Any]:
    """`{order?, lastGood?, usageStats?}` of a raw file, each None when absent or unusable."""
    if not isinstance(raw, dict):
        return {"order": None, "lastGood": None, "usageStats": None}
    last_good = raw.get("lastGood")
    usage = raw.get("usageStats")
    return {
        "order": coerce_order(raw.get("order")),
        "lastGood": dict(last_good) if isinstance(last_good, dict) else None,
        "usageStats": dict(usage) if isinstance(usage, dict) else None,
    }


def merge_state(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in STATE_KEYS:
        left, right = base.get(key), override.get(key)
        if left is None and right is None:
            out[key] = None
        else:
            out[key] = {**(left or {}), **(right or {})}
    return out


def read_state(paths: AgentPaths, store_raw: dict[str, Any] | None, problems: list[str]) -> dict[str, Any]:
    """The effective state: legacy keys of auth-profiles.json, overlaid by auth-state.json.

    A corrupt auth-state.json is reported and read as absent; `state["corrupt"]` is then True
    so that a writer leaves it untouched (core.store refuses a write that would replace it).
    """
    base = coerce_state(store_raw)
    corrupt = False
    try:
        state_raw = fsio.read_json_object(paths.auth_state)
    except StoreCorruptError as exc:
        problems.append(f"{STATE_FILENAME}: skipped file: {exc.problem}")
        state_raw, corrupt = None, True
    return {**merge_state(base, coerce_state(state_raw)), "corrupt": corrupt}


def state_payload(order: Any, last_good: Any, usage: Any) -> dict[str, Any] | None:
    """What OpenClaw writes to auth-state.json (None: the file is removed)."""
    state = coerce_state({"order": order, "lastGood": last_good, "usageStats": usage})
    if all(state[k] is None for k in STATE_KEYS):
        return None
    return {"version": 1, **{k: state[k] for k in STATE_KEYS if state[k] is not None}}


def write_state(paths: AgentPaths, payload: dict[str, Any] | None,
                before_commit: Callable[[], None] | None = None) -> None:
    """Write auth-state.json atomically, or remove it when there is nothing to keep. Under the store lock."""
    if payload is None:
        if before_commit is not None:
            before_commit()
        import contextlib  # writers only: the status path does without it

        with contextlib.suppress(FileNotFoundError):
            os.unlink(paths.auth_state)
        return
    fsio.remove_stale_temps(paths.agent_dir, paths.auth_state.name)
    fsio.atomic_write_json(paths.auth_state, payload, before_commit=before_commit)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def stat_number(usage: dict[str, Any] | None, profile_id: str, name: str) -> float | None:
    """A numeric usageStats field, None when absent or not a number (JavaScript `typeof === "number"`)."""
    stats = (usage or {}).get(profile_id)
    return _number(stats.get(name)) if isinstance(stats, dict) else None


def unusable_until(usage: dict[str, Any] | None, profile_id: str) -> int | None:
    """OpenClaw's resolveProfileUnusableUntil: the later finite, positive cooldownUntil/disabledUntil."""
    stats = usage.get(profile_id) if usage else None
    if not isinstance(stats, dict):  # the common case, once per profile per sort: keep it cheap
        return None
    found = (_number(stats.get("cooldownUntil")), _number(stats.get("disabledUntil")))
    values = [v for v in found if v is not None and v == v and v not in (float("inf"), float("-inf")) and v > 0]
    return int(max(values)) if values else None
