"""`openclaw doctor`: find what will log a user out or leak a secret, and say the exact fix.

`--fix` applies only local, reversible-in-spirit fixes: tightening modes, removing stale
locks and temp files a killed writer left, scrubbing static keys from a legacy `auth.json`,
and bringing openclaw.json's `auth.profiles` in step with the stores. It never deletes a
credential and never calls the network (refreshing is `openclaw models auth refresh`).
"""

from __future__ import annotations

import contextlib
import os
import stat
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Literal

from openclaw_onboard.core import fsio, locking, trust
from openclaw_onboard.core.agentconfig import list_agents
from openclaw_onboard.core.era import FIX_COMMAND, Era, refuse_file_era_write
from openclaw_onboard.core.era import describe as describe_era
from openclaw_onboard.core.era import detect as detect_era
from openclaw_onboard.core.errors import OpenClawError, StoreCorruptError
from openclaw_onboard.core.fences import fence_state
from openclaw_onboard.core.i18n import N_, Deferred
from openclaw_onboard.core.paths import (
    DEFAULT_AGENT_ID,
    AgentPaths,
    agent_paths,
    config_path,
    env_file_path,
    legacy_oauth_path,
    state_dir,
)
from openclaw_onboard.core.sanitize import command, quote

Severity = Literal["error", "warning", "info"]


@dataclass
class Finding:
    check: str  # permissions | lock | temp-file | legacy | credential | config | store
    severity: Severity
    subject: str
    message: str
    fix: str  # the exact command or action that fixes it
    apply: Callable[[], str] | None = field(default=None, repr=False)  # safe fix for --fix

    @property
    def fixable(self) -> bool:
        return self.apply is not None


def _mode(path: Path) -> int | None:
    try:
        st = path.lstat()
    except FileNotFoundError:
        return None
    return stat.S_IMODE(st.st_mode) if st.st_uid == os.getuid() else None


def _chmod(path: Path, mode: int) -> Callable[[], str]:
    def apply() -> str:
        trust.chmod_nofollow(path, mode)  # through the open file, never following a link swapped in
        return f"chmod {mode:o} {quote(path)}"

    return apply


_OPENCLAW_ENTRIES = frozenset({"agents", "credentials", "openclaw.json", ".env"})


def _openclaws_alone(directory: Path) -> bool:
    """Whether `directory` may be chmodded to 0700: OpenClaw's own state dir, not a shared one. Never the
    root, a sticky directory (/tmp), one without OpenClaw's entries (`OPENCLAW_STATE_DIR=/usr` by mistake)
    or one holding anything another user owns: closing it would lock them out of their files."""
    try:
        if os.path.realpath(directory) == "/" or directory.lstat().st_mode & stat.S_ISVTX:
            return False
        names = os.listdir(directory)
        if not _OPENCLAW_ENTRIES.intersection(names):
            return False
        return all(os.lstat(directory / name).st_uid == os.getuid() for name in names)
    except OSError:
        return False


def _check_mode(path: Path, want: int, findings: list[Finding], *, shared_ok: bool = False) -> None:
    """`shared_ok`: `path` may be a directory others share (the state dir, which OPENCLAW_STATE_DIR can point
    anywhere); it is only reported unless it is OpenClaw's alone."""
    mode = _mode(path)
    if mode is None or path.is_symlink():
        return
    if mode & 0o077:
        # English in --json, the reader's language on screen (core.i18n.Deferred)
        message = (Deferred(N_("directory is {mode}: other users can read it"), mode=f"{mode:o}") if path.is_dir()
                   else Deferred(N_("file is {mode}: other users can read it"), mode=f"{mode:o}"))
        if shared_ok and not _openclaws_alone(path):
            findings.append(Finding("permissions", "warning", str(path), message,
                                    "point OPENCLAW_STATE_DIR at a directory of your own (it is shared, so it is "
                                    "left as it is)"))
            return
        findings.append(Finding("permissions", "error", str(path), message, f"chmod {want:o} {quote(path)}",
                                _chmod(path, want)))


def _remove(path: Path) -> Callable[[], str]:
    def apply() -> str:
        if path.is_dir():
            path.rmdir()
        else:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        return f"removed {path}"

    return apply


def _remove_link(path: Path) -> Callable[[], str]:
    def apply() -> str:
        if path.is_symlink():
            path.unlink()  # the link itself; its target is never touched
        return f"removed {path}"

    return apply


def _remove_stale_lock(path: Path, stale_s: float) -> Callable[[], str]:
    def apply() -> str:
        # Judged again at fix time and removed atomically: a holder that came back meanwhile keeps it.
        if locking.remove_if_stale(path, stale_s):
            return f"removed {path}"
        return f"kept {path}: it is in use again"

    return apply


def _remove_future_lock(path: Path, stale_s: float) -> Callable[[], str]:
    def apply() -> str:
        if locking.remove_if_future(path, stale_s):
            return f"removed {path}"
        return f"kept {path}: it changed since it was judged"

    return apply


def _check_lock_files(locks: list[Path], stale_s: float, findings: list[Finding]) -> None:
    for lock in locks:
        if lock.is_symlink():  # every writer, OpenClaw's too, times out on it (never followed)
            findings.append(Finding("lock", "warning", str(lock), "a symlink stands where a lock file belongs",
                                    f"rm {quote(lock)}", _remove_link(lock)))
            continue
        info = locking.inspect(lock, stale_s)
        if info.is_dir:
            age = time.time() - lock.lstat().st_mtime
            if age > stale_s:
                findings.append(Finding("lock", "warning", str(lock),
                                        f"a directory stands where a lock file belongs ({age:.0f}s old); "
                                        "every writer, OpenClaw's too, times out on it",
                                        f"rmdir {quote(lock)}", _remove(lock)))
        elif info.stale:
            findings.append(Finding("lock", "info", str(lock), f"lock left behind: {info.reason}",
                                    f"rm {quote(lock)}", _remove_stale_lock(lock, stale_s)))
        elif info.future:
            # No waiter, OpenClaw's included, ever ages it out: every write times out until it is removed.
            findings.append(Finding("lock", "warning", str(lock),
                                    "lock dated in the future (a clock set back, or a planted lock); every writer, "
                                    "OpenClaw's too, times out on it",
                                    f"make sure no openclaw process is running, then rm {quote(lock)}",
                                    _remove_future_lock(lock, stale_s)))


def _check_locks(agent_dir: Path, findings: list[Finding]) -> None:
    _check_lock_files(sorted(agent_dir.glob("*.lock")), locking.STORE_STALE_S, findings)
    _check_lock_temps(agent_dir, findings)
    _check_temps(agent_dir, findings)


def _check_temps(directory: Path, findings: list[Finding]) -> None:
    """Temp files a killed writer left (they may hold a secret: a store, or `.env` with its keys)."""
    for tmp in sorted(directory.glob(f"{fsio.TEMP_PREFIX}*")):
        if tmp.is_symlink() or not tmp.is_file():
            continue
        holds = " (it holds API keys)" if tmp.name.startswith(f"{fsio.TEMP_PREFIX}.env.") else ""
        findings.append(Finding("temp-file", "warning" if holds else "info", str(tmp),
                                f"temporary file left by an interrupted write{holds}",
                                f"rm {quote(tmp)}", _remove(tmp)))


def _trust_finding(exc: trust.UntrustedPathError) -> Finding:
    facts = "" if exc.owner is None else f" (owner {exc.owner})" if exc.mode is None else \
        f" (owner {exc.owner}, mode {exc.mode:o})"
    return Finding("trust", "error", str(exc.path), f"{exc.problem}{facts}; openclaw refuses to use it", exc.fix)


def _trusted(findings: list[Finding], *paths: Path, is_dir: bool = False) -> bool:
    """StrictModes-like checks (core.trust); each refusal becomes an error finding. True if all passed."""
    ok = True
    for p in paths:
        try:
            trust.check_dir(p) if is_dir else trust.check_file(p)
        except trust.UntrustedPathError as exc:
            if all(f.subject != str(exc.path) or f.check != "trust" for f in findings):
                findings.append(_trust_finding(exc))
            ok = False
    return ok


def _check_refresh_locks(state: Path, findings: list[Finding]) -> None:
    """OpenClaw's global OAuth refresh locks (stale after 180 s)."""
    _check_lock_files(sorted((state / "locks" / "oauth-refresh").glob("*.lock")), locking.REFRESH_STALE_S, findings)
    _check_lock_temps(state / "locks" / "oauth-refresh", findings)
    _check_lock_temps(state, findings)


def _check_queue_files(state: Path, findings: list[Finding]) -> None:
    """Our own queue files (core.locking._Queue): anything but a regular file there fails every write."""
    directory = state / "locks" / "onboard-queue"
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return
    for name in names:
        if not name.endswith(".queue"):
            continue
        path = directory / name
        problem = locking.queue_file_problem(path)
        if problem is not None:
            findings.append(Finding("lock", "warning", str(path), problem, f"rm -r {quote(path)}",
                                    _clear_queue_path(path)))


def _clear_queue_path(path: Path) -> Callable[[], str]:
    def apply() -> str:
        st = path.lstat()
        if not stat.S_ISDIR(st.st_mode):
            path.unlink()  # a link, FIFO, socket or device node itself: never what it leads to
            return f"removed {path}"
        try:
            path.rmdir()
            return f"removed {path}"
        except OSError:  # not empty: its contents are not ours to delete; moved aside, the path is free
            aside = path.with_name(f"{path.name}.moved-{int(time.time())}")
            os.rename(path, aside)
            return f"moved {path} to {aside}"

    return apply


def _check_lock_temps(directory: Path, findings: list[Finding]) -> None:
    """A lock's payload file left by a process killed while acquiring (a live one is seconds old)."""
    for tmp in sorted(directory.glob(f"{locking.LOCK_TEMP_PREFIX}*")):
        try:
            st = tmp.lstat()
        except FileNotFoundError:
            continue
        if tmp.is_file() and not tmp.is_symlink() and time.time() - st.st_mtime > 60:
            findings.append(Finding("temp-file", "info", str(tmp), "lock temp file left by an interrupted process",
                                    f"rm {quote(tmp)}", _remove(tmp)))


def _fix_command_for(pid: str, provider: str, kind: str, has_refresh: bool, agent: str) -> str:
    """Every word that came from a file is shell-quoted (a profile id may hold `;touch x`)."""
    if kind == "oauth" and has_refresh:
        return command("openclaw", "models", "auth", "refresh", "--profile-id", pid, "--agent", agent)
    if kind == "oauth":
        return command("openclaw", "models", "auth", "login", "--provider", provider, "--agent", agent)
    if provider == "anthropic":
        return "claude setup-token, then: " + command("openclaw", "models", "auth", "setup-token", "--provider",
                                                      "anthropic", "--agent", agent)
    return command("openclaw", "models", "auth", "paste-token", "--provider", provider, "--profile-id", pid,
                   "--agent", agent)


def run_checks(state: Path | None = None, env: Mapping[str, str] | None = None,
               now_ms: int | None = None) -> list[Finding]:
    from openclaw_onboard.core import config as config_mod
    from openclaw_onboard.core import views
    from openclaw_onboard.core.clock import now_ms as clock_now
    from openclaw_onboard.core.status import classify

    base = state if state is not None else state_dir(env)
    now = clock_now() if now_ms is None else now_ms
    findings: list[Finding] = []
    if not _trusted(findings, base, is_dir=True):
        return findings  # nothing in a state dir someone else controls is read, let alone fixed
    _trusted(findings, config_path(base), env_file_path(base), legacy_oauth_path(base, env))
    _check_mode(base, fsio.DIR_MODE, findings, shared_ok=True)
    for d in (base / "agents", base / "credentials"):
        _check_mode(d, fsio.DIR_MODE, findings)
    for f in (config_path(base), env_file_path(base), legacy_oauth_path(base, env)):
        _check_mode(f, fsio.FILE_MODE, findings)
    _check_temps(base, findings)
    era = detect_era(base)
    if era.is_sqlite:  # OpenClaw 2026.6.5+ owns the dir: its stores are read, nothing of 4.26's is checked or fixed
        _check_sqlite_era(base, describe_era(era), now, findings)
        for finding in findings:  # reported with the command to run, never applied: we write nothing there
            finding.apply = None
        return findings

    _check_refresh_locks(base, findings)
    _check_queue_files(base, findings)
    stored: dict[str, tuple[str, str, str | None]] = {}  # profile id -> (provider, type, email)
    on_disk: set[str] = set()  # profile ids written in a store (not merged from legacy files on reading)
    unread = False  # a store we could not read: its profiles are unknown, never called dangling
    for agent in list_agents(base):
        paths = agent_paths(agent, base)
        if not _trusted(findings, paths.agent_dir, is_dir=True) or not _trusted(
                findings, paths.store, paths.auth_state, paths.legacy_auth):
            unread = True
            continue
        for d in (paths.agent_dir.parent, paths.agent_dir):
            _check_mode(d, fsio.DIR_MODE, findings)
        for f in paths.agent_dir.glob("*.json"):
            _check_mode(f, fsio.FILE_MODE, findings)
        _check_locks(paths.agent_dir, findings)
        try:
            snap = views.read_store(paths)
        except OpenClawError as exc:
            findings.append(Finding("store", "error", str(paths.store), str(exc),
                                    f"fix the JSON by hand or move {quote(paths.store)} away and log in again"))
            unread = True
            continue
        for problem in snap.problems:
            findings.append(Finding("store", "warning", str(paths.store), problem,
                                    f"inspect the entry in {quote(paths.store)}; OpenClaw skips it too"))
        if paths.legacy_auth.exists():
            _check_legacy_auth(paths, snap.exists, findings)
        if snap.exists:
            on_disk.update(pid for pid in snap.store.profiles if pid not in snap.legacy_ids)
        for pid, cred in snap.store.profiles.items():
            stored[pid] = (cred.provider, cred.type, cred.email)
            status, _ = classify(cred, now)
            if status in ("expired", "expiring", "missing"):
                has_refresh = bool(getattr(cred, "refresh", None))
                message = Deferred({"expired": N_("credential has expired"),
                                    "expiring": N_("credential expires within 24h"),
                                    "missing": N_("credential has no expiry recorded")}[status])
                findings.append(Finding("credential", "error" if status != "expiring" else "warning",
                                        f"{agent}/{pid}", message,
                                        _fix_command_for(pid, cred.provider, cred.type, has_refresh, agent)))
    legacy_oauth = legacy_oauth_path(base, env)
    if legacy_oauth.exists() and list_agents(base):
        _check_legacy_oauth(legacy_oauth, on_disk, findings)
    _check_config(base, stored, findings, config_mod, dangling=not unread)
    return findings


def _check_sqlite_era(base: Path, era: Era, now: int, findings: list[Finding]) -> None:
    """A SQLite-era state dir: what era it is, a file-era store written after the migration (OpenClaw's own
    doctor merges it), and each agent's credentials as OpenClaw 2026.9.x stores them. No fix is ours to apply:
    4.26's legacy, lock and config fixes would harm this dir (a config entry "no agent has" is in SQLite)."""
    from openclaw_onboard.core import sqlite_store, views
    from openclaw_onboard.core.status import classify

    findings.append(Finding("era", "info", str(base), Deferred(N_("state dir of OpenClaw's SQLite era; this tool "
                                                                   "reads it and writes nothing there")),
                            f"use OpenClaw's own `openclaw doctor` ({era.label()})"))
    if era.mixed:
        findings.append(Finding("era", "error", ", ".join(era.file_era_files),
                                Deferred(N_("a file-era store beside OpenClaw's SQLite stores: OpenClaw 2026.9.x "
                                            "refuses its auth commands (AUTH_PROFILE_MIGRATION_REQUIRED)")),
                                FIX_COMMAND + " (OpenClaw's own doctor merges it)"))
    # The databases hold plaintext secrets (9.x creates them 0600 in 0700 dirs): a looser mode is reported.
    _check_mode(base / "state", fsio.DIR_MODE, findings)
    _check_mode(base / sqlite_store.STATE_DB, fsio.FILE_MODE, findings)
    for agent in list_agents(base) or [DEFAULT_AGENT_ID]:
        paths = agent_paths(agent, base)
        _check_mode(Path(sqlite_store.agent_db_path(str(paths.agent_dir))), fsio.FILE_MODE, findings)
        try:
            snap, inherited, where = views.read_sqlite_store(paths)
        except OpenClawError as exc:
            findings.append(Finding("store", "error", agent, str(exc),
                                    "inspect it with OpenClaw's own `openclaw doctor`"))
            continue
        for pid, cred in snap.store.profiles.items():
            if pid in inherited:
                continue  # listed once, under the agent whose store holds it
            fence = fence_state(cred.type, getattr(cred, "access", None), getattr(cred, "refresh", None),
                                cred.expires_ms)
            status, _ = classify(cred, now)
            if fence is None and status not in ("expired", "expiring", "missing"):
                continue
            message = Deferred({"failed": N_("refresh failed: log in again"),
                                "pending": N_("refresh in progress (OpenClaw holds a refresh fence)"),
                                "expired": N_("credential has expired"),
                                "expiring": N_("credential expires within 24h"),
                                "missing": N_("credential has no expiry recorded")}[fence or status])
            fix = f"openclaw models auth login --provider {quote(cred.provider)} --agent {quote(agent)}" \
                if cred.type == "oauth" else \
                f"openclaw models auth paste-token --provider {quote(cred.provider)} --agent {quote(agent)}"
            if fence == "pending":
                fix = "none: OpenClaw settles the refresh; if it stays, " + fix
            findings.append(Finding("credential", "warning" if status == "expiring" or fence == "pending" else "error",
                                    f"{agent}/{pid}", message, fix + f" (OpenClaw's own CLI; store: {where})"))


def _check_legacy_oauth(path: Path, on_disk: set[str], findings: list[Finding]) -> None:
    """credentials/oauth.json: removable only once each entry is in a store on disk (an outside attacker pass
    found doctor calling it imported, and advising its removal, when no store held its entries)."""
    try:
        entries = fsio.read_json_object(path) or {}
    except OpenClawError as exc:
        findings.append(Finding("legacy", "warning", str(path), getattr(exc, "problem", str(exc)),
                                f"fix {quote(path)} by hand; its entries are skipped until then"))
        return
    ids = {f"{entry.get('provider') or provider}:default" for provider, entry in entries.items()
           if isinstance(entry, dict)}
    if ids <= on_disk:
        findings.append(Finding("legacy", "info", str(path),
                                Deferred(N_("legacy import-only file; its entries were imported into the stores")),
                                f"after checking `openclaw models status`, remove {quote(path)}"))
    else:
        findings.append(Finding("legacy", "info", str(path),
                                Deferred(N_("legacy import-only file, not imported yet: its entries are read from "
                                            "it and written to the agent's store on the next change")),
                                f"keep {quote(path)} until `openclaw models status` no longer marks its profiles "
                                "as from a legacy file"))


def _check_legacy_auth(paths: AgentPaths, store_exists: bool, findings: list[Finding]) -> None:
    try:
        raw = fsio.read_json_object(paths.legacy_auth) or {}
    except StoreCorruptError as exc:
        findings.append(Finding("legacy", "warning", str(paths.legacy_auth), exc.problem,
                                f"move {quote(paths.legacy_auth)} away"))
        return
    static = [k for k, v in raw.items() if isinstance(v, dict) and (v.get("type") or v.get("mode")) == "api_key"]
    if not store_exists:
        findings.append(Finding("legacy", "warning", str(paths.legacy_auth),
                                Deferred(N_("legacy auth.json not yet imported into auth-profiles.json")),
                                "openclaw doctor --fix (imports it, then removes auth.json)",
                                _migrate(paths)))
    elif static:
        findings.append(Finding("legacy", "warning", str(paths.legacy_auth),
                                Deferred(N_("static API keys left in legacy auth.json: {keys}"),
                                         keys=", ".join(static)),
                                "openclaw doctor --fix (scrubs them; they live in auth-profiles.json)",
                                _scrub(paths)))


def _migrate(paths: AgentPaths) -> Callable[[], str]:
    def apply() -> str:
        from openclaw_onboard.core import store

        store.update(lambda s: None, paths=paths)
        return f"imported {paths.legacy_auth} into {paths.store}"

    return apply


def _scrub(paths: AgentPaths) -> Callable[[], str]:
    def apply() -> str:
        from openclaw_onboard.core import imports, locking

        refuse_file_era_write(paths.state)
        with locking.hold(paths.lock):
            imports.after_store_written(paths)
        return f"scrubbed static keys from {paths.legacy_auth}"

    return apply


def _check_config(base: Path, stored: dict[str, tuple[str, str, str | None]], findings: list[Finding],
                  config_mod: ModuleType, *, dangling: bool = True) -> None:
    try:
        cfg = config_mod.load_config(base)
    except trust.UntrustedPathError:
        return  # already reported as a trust finding
    except StoreCorruptError as exc:
        findings.append(Finding("config", "error", str(exc.path), exc.problem, f"fix {quote(exc.path)} by hand"))
        return
    for pid, (provider, kind, email) in sorted(stored.items()):
        entry = cfg.auth.profiles.get(pid)
        if entry is None or entry.provider != provider or entry.mode != kind:
            message = (Deferred(N_("profile missing from openclaw.json auth.profiles")) if entry is None
                       else Deferred(N_("profile out of step with openclaw.json auth.profiles")))
            findings.append(Finding("config", "warning", pid, message,
                                    "openclaw doctor --fix", _register(pid, provider, kind, email, base)))
    if not dangling:
        return  # some store could not be read: an entry may belong to it
    for pid in sorted(set(cfg.auth.profiles) - set(stored)):
        findings.append(Finding("config", "warning", pid,
                                Deferred(N_("openclaw.json auth.profiles names a profile no agent has")),
                                "openclaw doctor --fix (removes the dangling entry)", _unregister(pid, base)))


def _register(pid: str, provider: str, kind: str, email: str | None, base: Path) -> Callable[[], str]:
    def apply() -> str:
        from openclaw_onboard.core import config

        config.register_profile(pid, provider, kind, email, base)
        return f"registered {pid} in openclaw.json"

    return apply


def _unregister(pid: str, base: Path) -> Callable[[], str]:
    def apply() -> str:
        from openclaw_onboard.core import config

        config.unregister_profile(pid, base)
        return f"removed {pid} from openclaw.json"

    return apply


def apply_fixes(findings: list[Finding]) -> list[tuple[Finding, str]]:
    """Apply every safe fix; returns (finding, what was done or the error)."""
    done: list[tuple[Finding, str]] = []
    for f in findings:
        if f.apply is None:
            continue
        try:
            done.append((f, f.apply()))
        except (OSError, OpenClawError) as exc:
            done.append((f, f"could not fix: {exc}"))
    return done


def exit_code(findings: list[Finding]) -> int:
    return 1 if any(f.severity == "error" for f in findings) else 0


