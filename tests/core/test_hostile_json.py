"""Hostile store contents: random bytes, deep nesting, huge files, wrong types.

Contract: loading either succeeds (bad entries skipped and reported) or raises
StoreCorruptError naming the file; nothing else escapes, the file is never changed,
and status/doctor never crash on it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openclaw_onboard.core import doctor, status, store
from openclaw_onboard.core.errors import StoreCorruptError
from openclaw_onboard.core.fsio import MAX_JSON_BYTES
from openclaw_onboard.core.paths import agent_paths

NOW = 1_800_000_000_000
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
              st.text(max_size=10)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=20,
)
hostile_settings = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _write(tmp_path: Path, data: bytes) -> Path:
    paths = agent_paths("main", tmp_path)
    paths.agent_dir.mkdir(parents=True, exist_ok=True)
    paths.store.write_bytes(data)
    paths.store.chmod(0o600)
    return paths.store


def _load_everything(tmp_path: Path) -> None:
    """Every reader: full load, fast status, doctor. Only StoreCorruptError may escape the first two."""
    for reader in (lambda: store.load(state=tmp_path), lambda: status.agent_status(state=tmp_path, env={}, now_ms=NOW)):
        try:
            reader()
        except StoreCorruptError as exc:
            assert "auth-profiles.json" in str(exc)
    doctor.run_checks(tmp_path, env={}, now_ms=NOW)  # reports, never raises


@hostile_settings
@given(data=st.binary(max_size=300))
def test_random_bytes(tmp_path: Path, data: bytes) -> None:
    path = _write(tmp_path, data)
    _load_everything(tmp_path)
    assert path.read_bytes() == data


@hostile_settings
@given(profiles=json_values, order=json_values, usage=json_values)
def test_wrong_types_are_skipped_and_kept(tmp_path: Path, profiles: object, order: object, usage: object) -> None:
    raw = {"version": 1, "profiles": profiles, "order": order, "usageStats": usage}
    path = _write(tmp_path, json.dumps(raw).encode())
    _load_everything(tmp_path)
    # A write through the store keeps every entry it could not understand.
    store.update(lambda s: s.profiles.pop("nobody:x", None) or setattr(s, "lastGood", {"p": "p:x"}), state=tmp_path)
    after = json.loads(path.read_text())
    if isinstance(profiles, dict):
        assert after["profiles"] == profiles
    for key, value in (("order", order), ("usageStats", usage)):
        if value is not None and value != {}:
            assert after[key] == value


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deep_nesting_is_a_clear_error(tmp_path: Path, depth: int) -> None:
    data = b'{"profiles": ' + b"[" * depth + b"]" * depth + b"}"
    path = _write(tmp_path, data)
    try:
        loaded = store.load(state=tmp_path)
    except StoreCorruptError as exc:
        assert "nested too deeply" in str(exc)
    else:
        assert [p.key for p in loaded.problems] == ["profiles"]
    _load_everything(tmp_path)
    assert path.read_bytes() == data


def test_huge_file_refused_without_reading_it(tmp_path: Path) -> None:
    path = _write(tmp_path, b"")
    with path.open("wb") as fh:
        fh.truncate(MAX_JSON_BYTES + 1)  # sparse: cheap to make, too big to accept
    with pytest.raises(StoreCorruptError, match="larger than"):
        store.load(state=tmp_path)
    with pytest.raises(StoreCorruptError):
        store.update(lambda s: None, state=tmp_path)
    assert path.stat().st_size == MAX_JSON_BYTES + 1


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_non_standard_json_constants_are_corrupt_as_openclaw_would_judge(tmp_path: Path, constant: bytes) -> None:
    data = b'{"version": 1, "profiles": {}, "usageStats": {"a:b": {"lastUsed": ' + constant + b"}}}"
    path = _write(tmp_path, data)
    with pytest.raises(StoreCorruptError, match="is not allowed"):
        store.load(state=tmp_path)
    with pytest.raises(StoreCorruptError):
        store.update(lambda s: None, state=tmp_path)
    assert path.read_bytes() == data
