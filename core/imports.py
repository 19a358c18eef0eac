"""Credentials that live outside auth-profiles.json: legacy files and other CLIs.

Legacy (`<agentDir>/auth.json`, `<state>/credentials/oauth.json`): when the store
does not exist yet, their entries appear as `<provider>:default` (never
overwriting), and the first write of the store makes that permanent; only then
is the per-agent `auth.json` removed. While a store exists, static `api_key`
entries found in a legacy `auth.json` are scrubbed from it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection

from openclaw_onboard.core import fsio
from openclaw_onboard.core.errors import StoreCorruptError
from openclaw_onboard.core.models import AuthProfileStore, LoadProblem, parse_credential
from openclaw_onboard.core.paths import AgentPaths
from openclaw_onboard.core.views import legacy_type, merge_legacy_entries


def merge_legacy(store: AuthProfileStore, paths: AgentPaths, problems: list[LoadProblem]) -> list[str]:
    """Add legacy entries to an in-memory (new) store as `<provider>:default`. Returns the ids added."""

    def report(file: str, key: str, reason: str) -> None:
        problems.append(LoadProblem(file=file, key=key, reason=reason))

    added = merge_legacy_entries(paths, store.profiles, parse_credential, report)
    if added:
        store.model_fields_set.add("profiles")
    return added


def after_store_written(paths: AgentPaths, imported_ids: Collection[str] = ()) -> None:
    """Called under the store lock right after a successful store write.

    `imported_ids`: profiles this write created from legacy entries. Those entries leave the
    per-agent `auth.json` (the file goes once nothing else is left in it); static API keys are
    scrubbed from it; entries we could not import stay, so nothing is lost.
    """
    legacy = paths.legacy_auth
    try:
        raw = fsio.read_json_object(legacy)
    except StoreCorruptError:
        return  # leave a file we cannot read alone
    if raw is None:
        return

    def imported(key: str, v: object) -> bool:
        provider = v.get("provider") if isinstance(v, dict) and isinstance(v.get("provider"), str) else key
        return f"{provider}:default" in imported_ids

    def is_static_key(v: object) -> bool:
        return isinstance(v, dict) and (v.get("type") or v.get("mode") or legacy_type(v)) == "api_key"

    rest = {k: v for k, v in raw.items() if not imported(k, v) and not is_static_key(v)}
    if not rest and imported_ids:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(legacy)  # everything it held now lives in the store
    elif rest != raw:
        fsio.atomic_write_json(legacy, rest)
