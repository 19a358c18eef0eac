"""Issue 11.1 and 11.9: path trust as OpenSSH's StrictModes, and read-only mounts.

The suite runs as root, so "another local user" is `nobody` (uid 65534): files and directories are
chowned to it, exactly as a second user on a shared host would leave them. Nothing is mocked; the
read-only case mounts a real read-only tmpfs.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from openclaw_onboard.core import doctor, profiles, store, trust
from openclaw_onboard.core.errors import UnsafePathError
from openclaw_onboard.core.paths import agent_paths

from tests.support.hardening import OR_SECRET, cli_env, run_cli

NOBODY = 65534
NOW = 1_800_000_000_000
VICTIM_TEXT = "root's own file\n"


def _mode(p: Path) -> int:
    return stat.S_IMODE(os.lstat(p).st_mode)


def _chown_tree(root: Path, uid: int) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            os.lchown(os.path.join(dirpath, name), uid, uid)
    os.lchown(root, uid, uid)


def _store_doc(token: str = OR_SECRET) -> str:
    return json.dumps({"version": 1, "profiles": {"openrouter:manual": {
        "type": "token", "provider": "openrouter", "token": token}}})


@pytest.fixture()
def victim(tmp_path: Path) -> Path:
    """A file root owns elsewhere (e.g. /etc/something), 0644."""
    d = tmp_path / "rootstuff"
    d.mkdir(mode=0o755)
    f = d / "important.conf"
    f.write_text(VICTIM_TEXT)
    f.chmod(0o644)
    return f


@pytest.fixture()
def foreign_state(tmp_path: Path) -> Path:
    """A state dir that belongs to another user (nobody), 0700, with an agent dir."""
    state = tmp_path / "nobody-state"
    (state / "agents" / "main" / "agent").mkdir(parents=True, mode=0o700)
    return state


def _env(state: Path, tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return cli_env(state, home)


def _one_line_refusal(res, *needles: str) -> str:  # type: ignore[no-untyped-def]
    lines = [line for line in res.err.splitlines() if line.strip()]
    assert res.rc == 1 and len(lines) == 1, (res.rc, res.err)
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


@pytest.mark.parametrize("args, stdin", [
    (["models", "status", "--check"], ""),
    (["models", "status", "--json"], ""),
    (["models", "auth", "paste-token", "--provider", "openrouter", "--profile-id", "openrouter:manual"], OR_SECRET),
    (["doctor", "--fix"], ""),
], ids=["status-check", "status-json", "paste-token", "doctor-fix"])
def test_foreign_state_dir_with_a_store_linked_to_roots_file(foreign_state: Path, victim: Path, tmp_path: Path,
                                                           args: list[str], stdin: str) -> None:
    """Root runs a command on a state dir another user prepared: the link's target is never chmodded
    nor rewritten, and the refusal names the path, owner, mode and fix."""
    link = agent_paths("main", foreign_state).store
    link.symlink_to(victim)
    _chown_tree(foreign_state, NOBODY)
    res = run_cli(args, _env(foreign_state, tmp_path), stdin=stdin)
    assert victim.read_text() == VICTIM_TEXT and _mode(victim) == 0o644
    assert os.stat(victim).st_uid == 0 and link.is_symlink()
    text = res.out + res.err
    assert "nobody" in text and "uid 65534" in text and "mode 755" in text and "chown" in text, text
    if args[0] == "doctor":
        assert res.rc == 1 and "trust" in res.out and "No problems found" not in res.out
    else:
        _one_line_refusal(res, str(foreign_state))


def test_agent_dir_linked_to_a_root_dir_is_neither_chmodded_nor_written(foreign_state: Path, tmp_path: Path) -> None:
    root_dir = tmp_path / "root-0755"
    root_dir.mkdir(mode=0o755)
    root_dir.chmod(0o755)
    agent_dir = agent_paths("main", foreign_state).agent_dir
    agent_dir.rmdir()
    agent_dir.symlink_to(root_dir, target_is_directory=True)
    _chown_tree(foreign_state, NOBODY)
    res = run_cli(["models", "auth", "paste-token", "--provider", "openrouter"], _env(foreign_state, tmp_path),
                  stdin=OR_SECRET)
    _one_line_refusal(res, "owned by another user")
    assert _mode(root_dir) == 0o755 and list(root_dir.iterdir()) == []


def test_agent_dir_link_to_another_users_dir_is_refused_in_our_own_state(tmp_path: Path) -> None:
    """Our state dir, but the agent dir links to a directory `nobody` controls."""
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o700)
    os.chown(theirs, NOBODY, NOBODY)
    paths = agent_paths("main", tmp_path / "state")
    paths.agent_dir.parent.mkdir(parents=True)
    paths.agent_dir.symlink_to(theirs, target_is_directory=True)
    with pytest.raises(UnsafePathError, match="owned by another user"):
        profiles.add_token("openrouter", OR_SECRET, state=paths.state)
    assert list(theirs.iterdir()) == []


def test_a_0666_store_of_another_user_is_reported_by_doctor_and_refused_by_status(tmp_path: Path) -> None:
    state = tmp_path / "state"
    profiles.add_token("openrouter", "sk-or-v1-" + "a" * 40, state=state)
    paths = agent_paths("main", state)
    paths.store.write_text(_store_doc("sk-or-v1-ATTACKER" + "b" * 40))  # the other user's own token
    paths.store.chmod(0o666)
    os.chown(paths.store, NOBODY, NOBODY)
    findings = doctor.run_checks(state, env={}, now_ms=NOW)
    trust_findings = [f for f in findings if f.check == "trust"]
    assert trust_findings and trust_findings[0].severity == "error", findings
    assert "owner nobody (uid 65534), mode 666" in trust_findings[0].message
    assert "chown" in trust_findings[0].fix
    res = run_cli(["models", "status", "--check"], _env(state, tmp_path))
    _one_line_refusal(res, str(paths.store), "owned by another user", "mode 666")
    assert "ATTACKER" not in res.out + res.err


def test_group_writable_agent_dir_is_refused_and_doctor_names_the_fix(tmp_path: Path) -> None:
    state = tmp_path / "state"
    profiles.add_token("openrouter", OR_SECRET, state=state)
    paths = agent_paths("main", state)
    paths.agent_dir.chmod(0o770)
    with pytest.raises(UnsafePathError, match="other users can write") as err:
        store.load(paths=paths)
    assert "mode 770" in str(err.value) and "chmod go-w" in str(err.value)
    findings = [f for f in doctor.run_checks(state, env={}, now_ms=NOW) if f.check == "trust"]
    assert [f.subject for f in findings] == [str(paths.agent_dir)]
    assert "chmod go-w" in findings[0].fix


def test_a_symlinked_state_dir_the_user_owns_stays_fine(tmp_path: Path) -> None:
    real = tmp_path / "data" / "openclaw"
    real.mkdir(parents=True, mode=0o700)
    link = tmp_path / "home" / ".openclaw"
    link.parent.mkdir()
    link.symlink_to(real, target_is_directory=True)
    env = _env(link, tmp_path)
    res = run_cli(["models", "auth", "paste-token", "--provider", "openrouter"], env, stdin=OR_SECRET)
    assert res.rc == 0, res.err
    res = run_cli(["models", "status", "--check"], env)
    # Exit 1 only because OpenClaw's default model (openai/gpt-5.5) has no auth here, as OpenClaw says.
    assert res.rc == 1 and "Missing auth: openai" in res.out and "openrouter:manual" in res.out, res.err
    assert link.is_symlink() and (real / "agents" / "main" / "agent" / "auth-profiles.json").is_file()
    assert doctor.run_checks(link, env={}, now_ms=NOW) == []


def test_state_dir_link_owned_by_another_user_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "real"
    profiles.add_token("openrouter", OR_SECRET, state=real)
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    os.lchown(link, NOBODY, NOBODY)
    with pytest.raises(UnsafePathError, match="symlink owned by another user"):
        store.load(state=link)


def test_trust_check_function_for_lock_files(tmp_path: Path) -> None:
    """What core.locking calls before creating a lock file with O_CREAT|O_EXCL|O_NOFOLLOW."""
    d = tmp_path / "a" / "b"
    trust.check_dir(d)  # missing parts are fine (we create them 0700)
    d.mkdir(parents=True)
    d.parent.chmod(0o777)
    with pytest.raises(trust.UntrustedPathError) as err:
        trust.check_dir(d)
    assert err.value.path == d.parent and err.value.mode == 0o777


# ---------------------------------------------------------------- 11.9 read-only mounts


@pytest.fixture()
def ro_state(tmp_path: Path) -> Iterator[Path]:
    """A state dir on a real read-only tmpfs, its store 0644 (as a secret mount often is)."""
    mnt = tmp_path / "ro"
    mnt.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", str(mnt)], check=True)
    try:
        src = tmp_path / "src"
        profiles.add_token("openrouter", OR_SECRET, state=src)
        shutil.copytree(src, mnt / "state", symlinks=True)
        store_path = agent_paths("main", mnt / "state").store
        store_path.chmod(0o644)
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        yield mnt / "state"
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.mark.parametrize("args", [["models", "status", "--check"], ["models", "status", "--json"],
                                  ["models", "status", "--plain"]], ids=lambda a: "-".join(a))
def test_status_works_on_a_read_only_mount_and_warns(ro_state: Path, tmp_path: Path, args: list[str]) -> None:
    res = run_cli(args, _env(ro_state, tmp_path))
    # --check exits 1 only because OpenClaw's default model (openai/gpt-5.5) has no auth here.
    assert res.rc == (1 if "--check" in args else 0), res.err
    assert "openrouter:manual" in res.out
    assert "could not be changed" in res.err and "Read-only file system" in res.err, res.err
    assert _mode(agent_paths("main", ro_state).store) == 0o644


def test_store_load_on_a_read_only_mount_warns_instead_of_failing(ro_state: Path) -> None:
    loaded = store.load(state=ro_state)
    assert "openrouter:manual" in loaded.store.profiles
    assert len(loaded.warnings) == 1 and "could not be changed" in loaded.warnings[0]


def test_dot_dot_after_a_symlink_is_judged_as_the_kernel_resolves_it(tmp_path: Path) -> None:
    """`ours/link/../state` lives in the link target's parent, which another user owns (adversarial pass)."""
    theirs = tmp_path / "theirs"
    (theirs / "sub").mkdir(parents=True, mode=0o700)
    _chown_tree(theirs, NOBODY)
    ours = tmp_path / "ours"
    ours.mkdir(mode=0o700)
    (ours / "link").symlink_to(theirs / "sub", target_is_directory=True)
    sneaky = Path(f"{ours}/link/../state")
    with pytest.raises(UnsafePathError, match="owned by another user"):
        profiles.add_token("openrouter", OR_SECRET, state=sneaky)
    assert not (theirs / "state").exists()
