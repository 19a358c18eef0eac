"""Private files (0600), private dirs (0700), and no writing through someone else's symlink."""

from __future__ import annotations

import os
import stat

import pytest
from openclaw_onboard.core import store
from openclaw_onboard.core.errors import UnsafePathError
from openclaw_onboard.core.models import ApiKeyCredential

NOBODY = 65534


def _mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def _add(s):
    s.profiles["openai:new"] = ApiKeyCredential(provider="openai", key="sk-new")


def test_fresh_write_makes_file_0600_and_dirs_we_create_0700(state_dir):
    old = os.umask(0o022)  # a typical umask: without care, new dirs would be 0755 and files 0644
    try:
        store.update(_add)
    finally:
        os.umask(old)
    agent_dir = state_dir / "agents" / "main" / "agent"
    assert _mode(agent_dir / "auth-profiles.json") == 0o600
    assert _mode(agent_dir) == 0o700
    assert _mode(state_dir / "agents" / "main") == 0o700  # agents/<id> was created by us
    assert _mode(state_dir / "agents") == 0o700


def test_new_agent_dirs_are_0700_under_a_permissive_umask(state_dir):
    old = os.umask(0o000)
    try:
        store.update(_add, "work")
    finally:
        os.umask(old)
    agent_dir = state_dir / "agents" / "work" / "agent"
    assert _mode(agent_dir / "auth-profiles.json") == 0o600
    assert _mode(agent_dir) == 0o700
    assert _mode(state_dir / "agents" / "work") == 0o700


def test_rewrite_keeps_0600_and_tightens_our_agent_dir(openclaw_files):
    path = openclaw_files.write_store()
    agent_dir = path.parent
    os.chmod(agent_dir, 0o755)
    store.update(_add)
    assert _mode(path) == 0o600
    assert _mode(agent_dir) == 0o700


@pytest.mark.parametrize("loose", [0o640, 0o644, 0o604, 0o440])
def test_group_or_world_readable_store_is_tightened_with_a_warning(openclaw_files, loose):
    path = openclaw_files.write_store(mode=loose)
    before = path.read_bytes()
    loaded = store.load()
    assert _mode(path) == 0o600
    assert len(loaded.warnings) == 1
    assert str(path) in loaded.warnings[0] and "0600" in loaded.warnings[0]
    assert path.read_bytes() == before  # only the mode changed
    assert store.load().warnings == []  # once


def test_private_store_gives_no_warning(openclaw_files):
    openclaw_files.write_store(mode=0o600)
    assert store.load().warnings == []


def test_store_symlinked_to_a_file_of_another_user_is_refused(openclaw_files, tmp_path):
    target = tmp_path / "elsewhere" / "auth-profiles.json"
    target.parent.mkdir()
    target.write_text('{"version": 1, "profiles": {}}\n')
    os.chmod(target, 0o644)
    os.chown(target, NOBODY, NOBODY)
    link = openclaw_files.paths().store
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    before = (target.read_bytes(), os.stat(target).st_mtime_ns, _mode(target))

    with pytest.raises(UnsafePathError) as load_err:
        store.load()
    with pytest.raises(UnsafePathError) as update_err:
        store.update(_add)
    for err in (load_err.value, update_err.value):
        assert str(link) in str(err)
    assert link.is_symlink()
    assert (target.read_bytes(), os.stat(target).st_mtime_ns, _mode(target)) == before
    assert os.stat(target).st_uid == NOBODY


def test_dangling_store_symlink_is_refused(openclaw_files, tmp_path):
    link = openclaw_files.paths().store
    link.parent.mkdir(parents=True)
    link.symlink_to(tmp_path / "missing.json")
    with pytest.raises(UnsafePathError):
        store.update(_add)
    assert not (tmp_path / "missing.json").exists()


def test_store_symlinked_to_our_own_file_is_refused_not_followed(openclaw_files, tmp_path):
    """Issue 11.1: credential files are opened with O_NOFOLLOW, even when the link is ours."""
    target = tmp_path / "dotfiles" / "auth-profiles.json"
    target.parent.mkdir()
    target.write_text('{"version": 1, "profiles": {}}\n')
    os.chmod(target, 0o644)
    link = openclaw_files.paths().store
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    for call in (store.load, lambda: store.update(_add)):
        with pytest.raises(UnsafePathError, match="symlink"):
            call()
    assert link.is_symlink()
    assert _mode(target) == 0o644  # never chmodded through the link
    assert target.read_text() == '{"version": 1, "profiles": {}}\n'


@pytest.mark.parametrize("loose", [0o666, 0o620, 0o602])
def test_store_writable_by_others_is_refused_with_owner_mode_and_fix(openclaw_files, loose):
    """Issue 11.1: anyone could have put their own token in it; tightening it would hide that."""
    path = openclaw_files.write_store(mode=loose)
    with pytest.raises(UnsafePathError) as err:
        store.load()
    msg = str(err.value)
    assert str(path) in msg and f"mode {loose:o}" in msg and "owner root" in msg and "chmod 600" in msg
    assert _mode(path) == loose
