"""Which OpenClaw owns a state dir: the file era (<= 2026.6.4, auth-profiles.json) or the SQLite era
(2026.6.5 and later: credentials in SQLite databases). Told from the state dir itself, never guessed.

Why it matters: a file-era file written into a SQLite-era state dir breaks the real gateway. OpenClaw
2026.9.x sees a new `auth-profiles.json` for main as an unmigrated store and every auth command exits 1
with `AUTH_PROFILE_MIGRATION_REQUIRED` until `openclaw doctor --fix` (../shared/docs/openclaw-9.6-internals.md).
So every writer of file-era files calls `refuse_file_era_write` first (core.store, core.refresh, core.agents,
core.imports, core.doctor), and nothing is written, locked or created before it has passed.

The markers (each a fact that only a SQLite-era release leaves behind):
- `<state>/state/openclaw.sqlite`: the shared state database (2026.8.1 and later);
- `<agentDir>/openclaw-agent.sqlite`: an agent's database (2026.6.5 and later);
- `auth-profiles.json.migrated-*` / `auth-state.json.migrated-*`: file-era stores archived by the migration;
- `agents.entries` or `agents.ownership` in openclaw.json (the keyed agent map of 2026.8.1 and later);
- `meta.lastTouchedVersion` of 2026.6.5 or later in openclaw.json (every OpenClaw stamps its config).
The release line is read from the databases' `schema_meta` / `PRAGMA user_version` only when it is shown.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from openclaw_onboard.core.errors import OpenClawError
from openclaw_onboard.core.i18n import _

if TYPE_CHECKING:
    from collections.abc import Mapping

    StrPath = str | os.PathLike[str]

FILE = "file"
SQLITE = "sqlite"

STATE_DB_RELPATH = os.path.join("state", "openclaw.sqlite")
AGENT_DB_FILENAME = "openclaw-agent.sqlite"
MIGRATED_INFIX = ".migrated-"
FILE_ERA_STORES = ("auth-profiles.json", "auth-state.json")
# Older files 9.x also takes as an unmigrated store (AUTH_PROFILE_MIGRATION_REQUIRED) when found beside it.
FILE_ERA_LEGACY = ("auth.json",)
LEGACY_OAUTH_RELPATH = os.path.join("credentials", "oauth.json")
# The first release that keeps auth profiles in SQLite ("auth profiles now live in SQLite").
FIRST_SQLITE_RELEASE = (2026, 6, 5)
# `PRAGMA user_version` of the state database, by release (package.json `openclaw.schemaVersions`).
_STATE_SCHEMA_RELEASES = {15: "2026.8.x", 16: "2026.9.3", 17: "2026.9.4-9.5", 18: "2026.9.6"}
FIX_COMMAND = "openclaw doctor --fix"


class Era:
    """What the state dir says about its owner. `markers` name the SQLite-era facts found (relative
    paths or config keys); `file_era_files` the file-era stores that are live (not archived) beside them.
    (A plain class, not a dataclass: `models status` reads it, and importing dataclasses costs it a tenth.)"""

    __slots__ = ("file_era_files", "kind", "markers", "release", "state")

    def __init__(self, state: str, kind: str, markers: tuple[str, ...] = (), file_era_files: tuple[str, ...] = (),
                 release: str | None = None) -> None:
        self.state = state
        self.kind = kind
        self.markers = markers
        self.file_era_files = file_era_files
        self.release = release

    def __repr__(self) -> str:
        return (f"Era(state={self.state!r}, kind={self.kind!r}, markers={self.markers!r}, "
                f"file_era_files={self.file_era_files!r}, release={self.release!r})")

    def __eq__(self, other: object) -> bool:  # the release is a description, not part of what the era is
        if not isinstance(other, Era):
            return NotImplemented
        return (self.state, self.kind, self.markers, self.file_era_files) == \
            (other.state, other.kind, other.markers, other.file_era_files)

    def __hash__(self) -> int:
        return hash((self.state, self.kind, self.markers, self.file_era_files))

    @property
    def is_sqlite(self) -> bool:
        return self.kind == SQLITE

    @property
    def mixed(self) -> bool:
        """A SQLite-era dir that also holds a live file-era store (written after the migration)."""
        return self.is_sqlite and bool(self.file_era_files)

    def label(self) -> str:
        """One short phrase for a header or a status line."""
        if not self.is_sqlite:
            return _("OpenClaw file era (auth-profiles.json, up to 2026.6.4)")
        release = self.release or _("2026.6.5 or later")
        return _("OpenClaw SQLite era ({release})").format(release=release)


class SqliteEraError(OpenClawError):
    """A file-era write was refused because the state dir belongs to a SQLite-era OpenClaw."""

    def __init__(self, era: Era) -> None:
        self.era = era
        marker = era.markers[0] if era.markers else STATE_DB_RELPATH
        super().__init__(_(
            "Nothing was changed: {state} belongs to {label}, which keeps credentials in SQLite ({marker}). "
            "Writing OpenClaw 2026.4's files there would break its auth (AUTH_PROFILE_MIGRATION_REQUIRED), "
            "so openclaw-onboard only reads this state dir. Use OpenClaw's own CLI for this change "
            "(e.g. `openclaw models auth paste-token`), or point OPENCLAW_STATE_DIR at a file-era state dir."
        ).format(state=era.state, label=era.label(), marker=marker))


def _version_tuple(text: str) -> tuple[int, ...] | None:
    parts = text.strip().split("-", 1)[0].split(".")
    try:
        return tuple(int(p) for p in parts[:3])
    except ValueError:
        return None


def _config_markers(cfg: Mapping[str, Any]) -> list[str]:
    found: list[str] = []
    agents = cfg.get("agents")
    if isinstance(agents, dict):
        found += [f"openclaw.json agents.{key}" for key in ("entries", "ownership") if key in agents]
    meta = cfg.get("meta")
    touched = meta.get("lastTouchedVersion") if isinstance(meta, dict) else None
    if isinstance(touched, str):
        version = _version_tuple(touched)
        if version is not None and version >= FIRST_SQLITE_RELEASE:
            found.append(f"openclaw.json meta.lastTouchedVersion {touched.strip()[:32]}")
    return found


def _agent_dirs(state: str, cfg: Mapping[str, Any]) -> list[str]:
    """main's dir, every configured agent's, and every `<state>/agents/*/agent` (as core.paths finds them)."""
    from openclaw_onboard.core.agentconfig import configured_agent_dirs, list_agents
    from openclaw_onboard.core.paths import agent_paths, default_agent_dir

    ids = list(dict.fromkeys(["main", *list_agents(state)]))
    configured = configured_agent_dirs(cfg)  # one pass: agent_paths per agent would scan agents.list each time
    dirs = [str(agent_paths("main", state, cfg).agent_dir)]  # main's may also come from $OPENCLAW_AGENT_DIR
    # Strings, not a Path per agent: those were a third of a status run at 500 agents.
    dirs += [configured.get(a) or default_agent_dir(state, a) for a in ids if a != "main"]
    entries = cfg.get("agents", {}).get("entries") if isinstance(cfg.get("agents"), dict) else None
    if isinstance(entries, dict):  # 9.6's keyed map: an entry's own agentDir, when it has one
        dirs += [os.path.expanduser(e["agentDir"]) for e in entries.values()
                 if isinstance(e, dict) and isinstance(e.get("agentDir"), str) and e["agentDir"].strip()]
    return list(dict.fromkeys(dirs))


def _dir_markers(agent_dir: str) -> tuple[list[str], list[str]]:
    """(SQLite-era markers, live file-era stores) in one agent dir."""
    try:
        with os.scandir(agent_dir) as entries:
            names = [e.name for e in entries]
    except (OSError, ValueError):  # absent, not a directory, unreadable, a NUL in it: nothing to tell from it
        return [], []
    markers = [os.path.join(agent_dir, n) for n in names
               if n == AGENT_DB_FILENAME or (n.startswith(FILE_ERA_STORES) and MIGRATED_INFIX in n)]
    live = [os.path.join(agent_dir, n) for n in names if n in FILE_ERA_STORES or n in FILE_ERA_LEGACY]
    return markers, live


def detect(state: StrPath | None = None, cfg: Mapping[str, Any] | None = None) -> Era:
    """The era of `state` (default: the configured state dir). Only stats and directory listings: cheap
    enough for every status run. An empty or new state dir is file era (what 2026.4.26 reads)."""
    from openclaw_onboard.core.configfile import read_raw_cached
    from openclaw_onboard.core.paths import state_dir

    base = str(state if state is not None else state_dir())
    raw = read_raw_cached(base) if cfg is None else cfg
    markers: list[str] = []
    if os.path.lexists(os.path.join(base, STATE_DB_RELPATH)):
        markers.append(os.path.join(base, STATE_DB_RELPATH))
    markers += _config_markers(raw)
    live: list[str] = []
    for agent_dir in _agent_dirs(base, raw):
        found, files = _dir_markers(agent_dir)
        markers += found
        live += files
    if not markers:
        return Era(base, FILE)
    if os.path.lexists(os.path.join(base, LEGACY_OAUTH_RELPATH)):
        live.append(os.path.join(base, LEGACY_OAUTH_RELPATH))
    return Era(base, SQLITE, tuple(markers), tuple(live), release=None)


def describe(era: Era) -> Era:
    """`era` with its release line read from the state database (shown in status, doctor and the wizard).
    Read-only; any failure leaves the release unknown."""
    if not era.is_sqlite:
        return era
    path = os.path.join(era.state, STATE_DB_RELPATH)
    release = _release_from_db(path)
    return Era(era.state, era.kind, era.markers, era.file_era_files, release=release)


def _release_from_db(path: str) -> str | None:
    import sqlite3
    import stat
    from urllib.parse import quote

    try:
        st = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid():
        return None  # never open a link, a FIFO or another user's file just to name a release
    from openclaw_onboard.core.errors import StoreCorruptError
    from openclaw_onboard.core.sqlite_store import check_sidecars

    try:
        check_sidecars(path)  # nor a database whose sidecar SQLite would open (a FIFO there would hang us)
    except (StoreCorruptError, OSError):
        return None
    try:
        conn = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, timeout=0.5)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT app_version FROM schema_meta WHERE role = 'global' LIMIT 1").fetchone()
        if row and isinstance(row[0], str) and _version_tuple(row[0]):
            return row[0][:32]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        return _STATE_SCHEMA_RELEASES.get(version)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def mixed_warning(era: Era) -> str:
    """A SQLite-era dir that also holds a live file-era store: OpenClaw 2026.9.x refuses its auth commands
    (AUTH_PROFILE_MIGRATION_REQUIRED) until its own doctor merges the file in."""
    return _("{files}: a file-era store beside OpenClaw's SQLite stores; OpenClaw 2026.9.x refuses its auth "
             "commands until it is merged: run `{fix}` (OpenClaw's own doctor)").format(
        files=", ".join(era.file_era_files), fix=FIX_COMMAND)


def refuse_file_era_write(state: StrPath | None = None) -> None:
    """Raise SqliteEraError when `state` is a SQLite-era state dir: the guard of every file-era writer."""
    era = detect(state)
    if era.is_sqlite:
        raise SqliteEraError(describe(era))
