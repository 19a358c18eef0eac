"""A store we cannot read raises StoreCorruptError naming file and problem, and is never touched."""

from __future__ import annotations

import os

import pytest
from openclaw_onboard.core import store
from openclaw_onboard.core.errors import StoreCorruptError
from openclaw_onboard.core.models import ApiKeyCredential

CASES = {
    "invalid-json": (b'{"version": 1, "profiles": {', "invalid JSON at line 1"),
    "trailing-garbage": (b'{"version": 1}\n}', "invalid JSON"),
    "empty": (b"", "empty"),
    "whitespace-only": (b"  \n\t\n", "empty"),
    "json-array": (b'[{"type": "api_key"}]', "found list"),
    "json-string": (b'"sk-just-a-key"', "found str"),
    "json-null": (b"null", "found NoneType"),
    "non-utf8": (b'{"version": 1, "profiles": {"a:b": {"key": "\xff\xfe"}}}', "not UTF-8"),
    "deeply-nested": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    # OpenClaw's JSON.parse refuses a byte-order mark and sees no store (found by an outside attacker pass).
    "utf8-bom": (b'\xef\xbb\xbf{"version": 1, "profiles": {}}', "byte-order mark"),
}


def _snapshot(path):
    st = os.stat(path)
    content = sorted(p.name for p in path.iterdir()) if path.is_dir() else path.read_bytes()
    return content, st.st_mtime_ns, st.st_ino, oct(st.st_mode)


def _add(s):
    s.profiles["openai:new"] = ApiKeyCredential(provider="openai", key="sk-new")


@pytest.mark.parametrize("case", sorted(CASES))
def test_corrupt_store_raises_and_is_left_untouched(openclaw_files, case):
    content, problem = CASES[case]
    path = openclaw_files.write_raw(openclaw_files.paths().store, content)
    before = _snapshot(path)

    with pytest.raises(StoreCorruptError) as load_err:
        store.load()
    with pytest.raises(StoreCorruptError) as update_err:
        store.update(_add)

    for err in (load_err.value, update_err.value):
        assert err.path == path
        assert problem in err.problem
        assert str(path) in str(err) and problem in str(err)
    assert _snapshot(path) == before
    # Nothing else appeared beside it: no temp file, no lock left behind.
    assert sorted(p.name for p in path.parent.iterdir()) == ["auth-profiles.json"]


def test_directory_in_place_of_the_store(openclaw_files):
    path = openclaw_files.paths().store
    path.mkdir(parents=True, mode=0o755)
    (path / "keep.txt").write_text("x")
    before = _snapshot(path)

    with pytest.raises(StoreCorruptError) as load_err:
        store.load()
    with pytest.raises(StoreCorruptError) as update_err:
        store.update(_add)

    for err in (load_err.value, update_err.value):
        assert err.path == path
        assert "directory" in str(err)
    # Left untouched, mode included: a corrupt store is never "fixed" behind the user's back.
    assert _snapshot(path) == before
    assert (path / "keep.txt").read_text() == "x"


def test_corrupt_store_error_message_does_not_leak_content(openclaw_files):
    secret = "sk-ant-oat01-" + "S" * 70
    openclaw_files.write_raw(openclaw_files.paths().store, ('{"profiles": {"a:b": {"token": "' + secret).encode())
    with pytest.raises(StoreCorruptError) as err:
        store.load()
    assert secret not in str(err.value)


def test_corrupt_auth_state_is_reported_not_fatal_and_left_untouched(openclaw_files):
    openclaw_files.write_store()
    path = openclaw_files.write_raw(openclaw_files.paths().auth_state, b"{not json")
    before = _snapshot(path)
    loaded = store.load()
    assert any(p.file == "auth-state.json" for p in loaded.problems)
    assert loaded.store.order == {"anthropic": ["anthropic:personal", "anthropic:work"]}  # the store's own
    # A change that would rewrite the unreadable file is refused; the file is never replaced.
    with pytest.raises(StoreCorruptError) as err:
        store.update(lambda s: setattr(s, "order", {"openai": ["openai:default"]}))
    assert "auth-state.json" in str(err.value)
    assert _snapshot(path) == before
    # A change to the credentials alone still works, and leaves it alone too.
    openclaw_files.write_store({"version": 1, "profiles": {}})
    store.update(lambda s: s.profiles.__setitem__("groq:x", ApiKeyCredential(provider="groq", key="gsk-x")))
    assert _snapshot(path) == before
    assert "groq:x" in openclaw_files.read_store()["profiles"]


def test_corrupt_legacy_files_are_reported_not_fatal(openclaw_files):
    openclaw_files.write_raw(openclaw_files.paths().legacy_auth, b"[]")
    openclaw_files.write_raw(openclaw_files.state / "credentials" / "oauth.json", b"\xff")
    loaded = store.load()
    reported = " | ".join(str(p) for p in loaded.problems)
    assert "auth.json" in reported and "oauth.json" in reported
    assert loaded.store.profiles == {}
