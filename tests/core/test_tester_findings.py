"""What an independent user/attacker pass found (each test failed before its fix)."""

from __future__ import annotations

import os
from pathlib import Path

import json5
import pytest
from openclaw_onboard.core import config, doctor, order, profiles, store
from openclaw_onboard.core.masking import mask_secret
from openclaw_onboard.core.paths import agent_paths


def test_config_backup_is_never_written_through_a_planted_link(state_dir: Path, tmp_path: Path) -> None:
    config.register_profile("openrouter:a", "openrouter", "token", state=state_dir)
    victim = tmp_path / "victim"
    victim.write_text("victim")
    victim.chmod(0o644)
    for name in ("openclaw.json.bak.tmp", ".openclaw-tmp-openclaw.json.bak.x"):
        (state_dir / name).symlink_to(victim)
    config.register_profile("openrouter:b", "openrouter", "token", state=state_dir)
    assert victim.read_text() == "victim" and victim.stat().st_mode & 0o777 == 0o644
    bak = json5.loads((state_dir / "openclaw.json.bak").read_text())
    assert list(bak["auth"]["profiles"]) == ["openrouter:a"]


def test_order_of_a_sub_agent_can_name_mains_profiles(state_dir: Path) -> None:
    profiles.add_token("openrouter", "sk-or-v1-" + "a" * 40, state=state_dir)  # main's
    (state_dir / "openclaw.json").write_text(
        '{"agents": {"list": [{"id": "main"}, {"id": "work"}]}, '
        '"auth": {"profiles": {"openrouter:manual": {"provider": "openrouter", "mode": "token"}}}}')
    profiles.add_api_key("anthropic", "sk-ant-api03-" + "b" * 40, agent_id="work", state=state_dir)
    assert order.set_order("openrouter", ["openrouter:manual"], "work", state_dir) == ["openrouter:manual"]
    runtime = store.load_runtime("work", state_dir).store
    assert order.effective_order(runtime, "openrouter", None, 0) == ["openrouter:manual"]
    assert store.load("work", state_dir).store.order == {"openrouter": ["openrouter:manual"]}
    assert "openrouter:manual" not in store.load("work", state_dir).store.profiles  # nothing copied


def test_doctor_never_calls_the_profiles_of_an_unreadable_store_dangling(state_dir: Path) -> None:
    profiles.add_token("openrouter", "sk-or-v1-" + "a" * 40, state=state_dir)
    store_path = agent_paths("main", state_dir).store
    os.chown(store_path, 65534, -1)  # owned by nobody: refused, so its profiles are unknown
    try:
        found = doctor.run_checks(state_dir, env={}, now_ms=0)
        assert not [f for f in found if f.check == "config" and f.subject == "openrouter:manual"]
        doctor.apply_fixes(found)
    finally:
        os.chown(store_path, os.getuid(), -1)
    assert "openrouter:manual" in json5.loads((state_dir / "openclaw.json").read_text())["auth"]["profiles"]


def test_doctor_reports_and_removes_a_symlink_at_a_lock_path(state_dir: Path, tmp_path: Path) -> None:
    profiles.add_token("openrouter", "sk-or-v1-" + "a" * 40, state=state_dir)
    victim = tmp_path / "victim"
    victim.write_text("keep")
    lock = agent_paths("main", state_dir).lock
    lock.symlink_to(victim)
    found = [f for f in doctor.run_checks(state_dir, env={}, now_ms=0) if f.check == "lock"]
    assert [f.subject for f in found] == [str(lock)] and "symlink" in found[0].message
    doctor.apply_fixes(found)
    assert not os.path.lexists(lock) and victim.read_text() == "keep"


@pytest.mark.parametrize(("secret", "shown"), [("abcdefghijklmnop", "ab...op"), ("abcdefgh", "a...h"),
                                               ("abcde", "...")])
def test_short_secrets_show_at_most_an_eighth_on_each_side(secret: str, shown: str) -> None:
    assert mask_secret(secret) == shown


def test_removing_an_inherited_profile_from_a_sub_agent_says_whose_it_is(state_dir: Path) -> None:
    from openclaw_onboard.core.errors import ProfileNotFoundError

    profiles.add_token("openrouter", "sk-or-v1-" + "a" * 40, state=state_dir)
    (state_dir / "openclaw.json").write_text('{"agents": {"list": [{"id": "main"}, {"id": "work"}]}}')
    with pytest.raises(ProfileNotFoundError, match="belongs to the main agent"):
        profiles.remove_profile("openrouter:manual", "work", state_dir)
    assert "openrouter:manual" in store.load("main", state_dir).store.profiles
