"""Profile-status dashboard: every credential of one agent, in effective order, with live countdowns.

Data comes from `core.status.agent_status`; every change goes through core (`core.order.set_order`,
`clear_order`, `core.profiles.remove_profile`, `core.refresh.ensure_fresh`), which lock and write
atomically. The table is rebuilt only when the data changes (our own writes, or another process's,
detected by polling `os.stat` of the files every half second); the one-second tick only rewrites the
countdown and status cells whose text changed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static
from textual.widgets.data_table import CellDoesNotExist, ColumnKey

from core import order as order_mod
from core import paths as paths_mod
from core.clock import now_ms as clock_now
from core.errors import OpenClawError
from core.status import WARN_WINDOW_MS, AgentStatus, ProfileStatus, agent_status
from screens.confirm import ConfirmScreen
from screens.profile_details import ProfileDetailsScreen

SECOND_MS = 1000
MINUTE_MS = 60 * SECOND_MS
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS

POLL_INTERVAL_S = 0.5
TICK_INTERVAL_S = 1.0

# Explicit colours, so badges look the same under every theme.
BADGE_STYLES: dict[str, str] = {
    "ok": "bold #000000 on #4caf50",
    "expiring": "bold #000000 on #fdd835",
    "expired": "bold #ffffff on #d32f2f",
    "missing": "bold #ffffff on #d32f2f",
    "static": "#e3f2fd on #1e4e8c",
    "cooldown": "bold #ffffff on #9c27b0",
    "refreshing": "bold #000000 on #4dd0e1",
}
COUNT_STYLES = {"ok": "#4caf50", "expiring": "#fdd835", "expired": "#ef5350", "missing": "#ef5350",
                "static": "#64b5f6", "cooldown": "#ce93d8"}
STATUS_ORDER = ("ok", "expiring", "expired", "missing", "static", "cooldown")
SOURCE_LABELS = {"store": "store", "env": "env", "codex-cli": "Codex CLI", "claude-cli": "Claude CLI",
                 "legacy": "legacy", "env-file": ".env file"}
# Where a provider's order comes from, shown on its header row.
ORDER_LABELS = {"override": "override", "config-order": "config order", "config-profiles": "config",
                "default": "default"}
BADGE_WIDTH = 10
COUNTDOWN_WIDTH = 11

# (key, label). Columns are listed in display order.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("pos", "#"),
    ("id", "Profile"),
    ("type", "Type"),
    ("who", "Email / account"),
    ("secret", "Secret"),
    ("expires", "Expires (UTC)"),
    ("countdown", "Remaining"),
    ("status", "Status"),
    ("source", "Source"),
)
COLUMN_KEYS = tuple(key for key, _ in COLUMNS)
# Always shown, then added in this order while they fit the width.
REQUIRED_COLUMNS = ("pos", "id", "countdown", "status")
OPTIONAL_COLUMNS = ("secret", "source", "expires", "who", "type")
FIXED_WIDTHS = {"countdown": COUNTDOWN_WIDTH, "status": BADGE_WIDTH}


# ---------------------------------------------------------------------------------------------- pure helpers

def format_countdown(remaining_ms: int | None) -> str:
    """A countdown that changes every second close to expiry: `4h 05m 09s`, `12m 03s`, `3d 04h`.

    Past expiry: `-12m 03s`. None (no expiry) gives "".
    """
    if remaining_ms is None:
        return ""
    sign = "-" if remaining_ms <= 0 else ""
    ms = abs(remaining_ms)
    if ms >= 2 * DAY_MS:
        return f"{sign}{ms // DAY_MS}d {(ms % DAY_MS) // HOUR_MS:02d}h"
    s = ms // SECOND_MS
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    if h:
        return f"{sign}{h}h {m:02d}m {sec:02d}s"
    return f"{sign}{m}m {sec:02d}s"


def format_expiry(ms: int | None) -> str:
    if not ms:
        return ""
    try:
        return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M")
    except (OverflowError, OSError, ValueError):
        return str(ms)


def live_status(p: ProfileStatus, now: int) -> str:
    """The badge of a profile at `now`: core's status re-evaluated, and `cooldown` while one runs."""
    status: str = p.status
    if p.expires_ms is not None and status in ("ok", "expiring", "expired"):
        remaining = p.expires_ms - now
        status = "expired" if remaining <= 0 else "expiring" if remaining <= WARN_WINDOW_MS else "ok"
    if status not in ("expired", "missing") and p.cooldown_until > now:
        return "cooldown"
    return status


def badge(kind: str) -> Text:
    return Text(kind.center(BADGE_WIDTH)[:BADGE_WIDTH], style=BADGE_STYLES.get(kind, ""))


# Shared, never mutated: a tick compares badges by identity and thousands of rows reuse them.
BADGES: dict[str, Text] = {kind: badge(kind) for kind in BADGE_STYLES}
EMPTY_CELL: tuple[str, int] = ("", 0)


def _cell(text: str, style: str = "") -> tuple[str, int]:
    """(markup-safe cell value, display width)."""
    if not text:
        return EMPTY_CELL
    value = escape(text)
    return (f"[{style}]{value}[/]" if style else value), cell_len(text)


class ProfileTable(DataTable):
    """A DataTable tuned for thousands of rows whose column widths the screen computes itself.

    With every column at an explicit width and every row one line high, there is nothing to measure
    when rows are added (stock DataTable measures every cell of every new row). `update_cells` writes
    many cells with a single repaint instead of one refresh per cell. Both rely on internals of the
    pinned Textual release (`_update_dimensions`, `_data`, `_update_count`).
    """

    def _update_dimensions(self, new_rows: Any) -> None:
        if not self.columns or self._labelled_row_exists or any(c.auto_width for c in self.columns.values()):
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width, self._total_row_height + header)

    def update_cells(self, updates: list[tuple[Any, Any, Any]]) -> None:
        """[(row_key, column_key, value)]: like update_cell for each, with one refresh."""
        if not updates:
            return
        data = self._data
        for row_key, column_key, value in updates:
            if row_key not in data or column_key not in self._column_locations:
                raise CellDoesNotExist(f"No cell exists for row_key={row_key!r}, column_key={column_key!r}.")
            data[row_key][column_key] = value
        self._update_count += 1
        self.refresh()


@dataclass
class RowInfo:
    """One table row: a provider header, a stored profile, or an environment key."""

    key: str
    kind: str  # "provider" | "profile" | "env"
    provider: str
    profile: ProfileStatus | None = None
    env_var: str | None = None
    env_masked: str = ""
    env_source: str = "env"
    note: str = ""
    missing: bool = False

    @property
    def profile_id(self) -> str | None:
        return self.profile.profile_id if self.profile else None

    def search_text(self) -> str:
        p = self.profile
        parts = [self.provider, self.env_var or ""]
        if p is not None:
            parts += [p.profile_id, p.email or "", p.account_id or ""]
        return " ".join(parts).lower()


def build_rows(status: AgentStatus) -> list[RowInfo]:
    """Provider header, then its profiles in effective order, then its env keys."""
    rows: list[RowInfo] = []
    for ps in status.providers:
        rows.append(RowInfo(f"#prov/{ps.provider}", "provider", ps.provider,
                            note=ORDER_LABELS.get(ps.order_source, ps.order_source),
                            missing=not ps.profiles and not ps.env_keys))
        for p in ps.profiles:
            rows.append(RowInfo(p.profile_id, "profile", ps.provider, profile=p))
        for key in ps.env:
            rows.append(RowInfo(f"#env/{ps.provider}/{key.var}", "env", ps.provider, env_var=key.var,
                                env_masked=key.masked, env_source="env-file" if key.source == ".env" else "env"))
    return rows


def _stat_sig(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


# ---------------------------------------------------------------------------------------------- the screen

class DashboardScreen(Screen[Any]):
    """Per-agent profile status with live countdowns and keyboard reordering.

    Dismisses with None when left (q/escape) or `("add", agent_id)` for `a`.
    """

    CSS_PATH = "dashboard.tcss"
    AUTO_FOCUS = "#dash-table"
    BINDINGS = [
        Binding("escape,q", "leave", "Back"),
        Binding("K,shift+up", "move(-1)", "Up", key_display="K"),
        Binding("J,shift+down", "move(1)", "Down", key_display="J"),
        Binding("j", "cursor(1)", "Down", show=False),
        Binding("k", "cursor(-1)", "Up", show=False),
        Binding("u", "undo", "Undo"),
        Binding("c", "clear_order", "Clear"),
        Binding("r", "refresh_profile", "Refresh"),
        Binding("t", "test_profile", "Test key", show=False),  # footer is full at 80 columns
        Binding("d", "delete", "Delete"),
        Binding("a", "add", "Add"),
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("enter", "details", "Details"),
        Binding("n,ctrl+right", "switch_agent(1)", "Agent", key_display="n/p"),
        Binding("p,ctrl+left", "switch_agent(-1)", "Previous agent", show=False),
    ]

    def __init__(self, agent_id: str, state: Path | None = None, clock: Callable[[], int] | None = None,
                 highlight: str | None = None, env: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.agent_id = agent_id
        self.state = state
        self.clock: Callable[[], int] = clock or clock_now
        self.highlight = highlight
        self.env = env
        self.status: AgentStatus | None = None
        self.rows: list[RowInfo] = []
        self.load_error: str | None = None
        self.message: Text | None = None
        self.filter_text = ""
        self.refreshing: set[tuple[str, str]] = set()  # (agent_id, profile_id)
        # (agent_id, provider, previous override or None, what was done)
        self.undo_stack: list[tuple[str, str, list[str] | None, str]] = []
        self._columns: tuple[str, ...] = ()
        self._sig: tuple[Any, ...] | None = None
        # row key -> (RowKey, ProfileStatus, countdown text, badge kind) for the rows in the table
        self._live: dict[str, list[Any]] = {}
        self._countdown_col = ColumnKey("countdown")
        self._status_col = ColumnKey("status")
        self._next_cooldown_end = 0
        self._last_index = 0

    # -- layout

    def compose(self) -> ComposeResult:
        yield Static(id="dash-title")
        yield Static(id="dash-summary")
        yield Static(id="dash-message")
        yield Input(placeholder="filter: part of a profile id, provider or email (enter: done, escape: clear)",
                    id="dash-filter")
        yield ProfileTable(id="dash-table", cursor_type="row", zebra_stripes=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#dash-filter", Input).display = False
        self.reload(keep=self.highlight)
        self.set_interval(TICK_INTERVAL_S, self.tick, name="dashboard-countdown")
        self.set_interval(POLL_INTERVAL_S, self.poll_files, name="dashboard-poll")

    @property
    def table(self) -> ProfileTable:
        return self.query_one("#dash-table", ProfileTable)

    # -- loading

    def _watched_paths(self) -> list[Path]:
        ap = paths_mod.agent_paths(self.agent_id, self.state)
        state = ap.state
        return [ap.store, ap.auth_state, ap.legacy_auth, paths_mod.config_path(state), paths_mod.env_file_path(state)]

    def _signature(self) -> tuple[Any, ...]:
        return (self.agent_id, *(_stat_sig(p) for p in self._watched_paths()))

    def reload(self, keep: str | None = None) -> None:
        """Re-read the agent's status and rebuild the table, keeping the cursor on `keep` (or where it was)."""
        if keep is None:
            keep = self.current_key()
        self._sig = self._signature()
        try:
            self.status = agent_status(self.agent_id, self.state, self.env, self.clock())
            self.rows = build_rows(self.status)
            self.load_error = None
        except OpenClawError as exc:
            self.status = None
            self.rows = []
            self.load_error = str(exc)
        self.rebuild_table(keep)
        self.update_header()

    def poll_files(self) -> None:
        """Reload when another process changed one of the agent's files (cheap `os.stat` per call)."""
        if self._signature() != self._sig:
            self.reload()
        elif self._next_cooldown_end and self.clock() >= self._next_cooldown_end:
            self.reload()  # a cooldown ended: the effective order changes

    # -- table

    def visible_rows(self) -> list[RowInfo]:
        if not self.filter_text:
            return self.rows
        needle = self.filter_text.lower()
        keep_providers = {r.provider for r in self.rows if r.kind != "provider" and needle in r.search_text()}
        keep_providers |= {r.provider for r in self.rows if r.kind == "provider" and needle in r.provider.lower()}
        out = []
        for r in self.rows:
            if r.provider not in keep_providers:
                continue
            if r.kind == "provider" or needle in r.provider.lower() or needle in r.search_text():
                out.append(r)
        return out

    def _cells(self, r: RowInfo, now: int) -> dict[str, tuple[Any, int]]:
        """column key -> (cell value, display width). Values are escaped markup strings or shared badges."""
        if r.kind == "provider":
            cells = dict.fromkeys(COLUMN_KEYS, EMPTY_CELL)
            cells["id"] = (f"[bold underline]{escape(r.provider)}[/]  [dim italic]{escape(r.note)}[/]",
                           cell_len(r.provider) + 2 + cell_len(r.note))
            if r.missing:
                cells["status"] = (BADGES["missing"], BADGE_WIDTH)
            return cells
        if r.kind == "env":
            cells = dict.fromkeys(COLUMN_KEYS, EMPTY_CELL)
            cells.update(id=_cell(f"${r.env_var}"), type=_cell("api_key"), secret=_cell(r.env_masked),
                         status=(BADGES["static"], BADGE_WIDTH),
                         source=_cell(SOURCE_LABELS.get(r.env_source, r.env_source)))
            return cells
        p = r.profile
        assert p is not None
        kind = "refreshing" if (self.agent_id, p.profile_id) in self.refreshing else live_status(p, now)
        if p.status == "missing":
            countdown = "no expiry"
        elif p.status == "static":
            countdown = "never"
        else:
            countdown = format_countdown(None if p.expires_ms is None else p.expires_ms - now)
        dim = "" if p.position else "dim"
        return {
            "pos": _cell(str(p.position) if p.position else "-", dim),
            "id": _cell(p.profile_id, dim),
            "type": _cell(p.type),
            "who": _cell(p.email or p.account_id or ""),
            "secret": _cell(p.masked),
            "expires": _cell(format_expiry(p.expires_ms) if p.status != "static" else ""),
            "countdown": (countdown.rjust(COUNTDOWN_WIDTH), COUNTDOWN_WIDTH),
            "status": (BADGES.get(kind) or badge(kind), BADGE_WIDTH),
            "source": _cell(SOURCE_LABELS.get(p.source, p.source)),
        }

    def column_widths(self, cells: list[dict[str, tuple[Any, int]]]) -> dict[str, int]:
        widths: dict[str, int] = {}
        for key, label in COLUMNS:
            longest = FIXED_WIDTHS.get(key) or max((c[key][1] for c in cells), default=0)
            widths[key] = max(longest, cell_len(label))
        return widths

    def choose_columns(self, widths: dict[str, int], row_count: int) -> tuple[str, ...]:
        """Required columns, then optional ones (by importance) while they fit the screen width."""
        padded = {key: width + 2 for key, width in widths.items()}  # cell padding: 1 each side
        available = max(self.size.width or self.app.size.width, 40)
        table_height = self.table.size.height or (self.size.height - 4)
        if row_count + 1 > table_height:
            available -= 2  # room for the vertical scrollbar
        chosen = set(REQUIRED_COLUMNS)
        used = sum(padded[k] for k in chosen)
        for key in OPTIONAL_COLUMNS:
            if used + padded[key] <= available:
                chosen.add(key)
                used += padded[key]
        return tuple(k for k in COLUMN_KEYS if k in chosen)

    def rebuild_table(self, keep: str | None = None) -> None:
        table = self.table
        now = self.clock()
        rows = self.visible_rows()
        cells = [self._cells(r, now) for r in rows]
        widths = self.column_widths(cells)
        columns = self.choose_columns(widths, len(rows))
        # Every column gets an explicit width (computed above from the data), so ProfileTable never
        # has to measure 2,000 rows of cells.
        table.clear(columns=True)
        labels = dict(COLUMNS)
        for key in columns:
            table.add_column(labels[key], key=key, width=widths[key])
        self._columns = columns
        self._live = {}
        cooldown_ends = []
        add_row = table.add_row
        for r, c in zip(rows, cells, strict=True):
            row_key = add_row(*(c[k][0] for k in columns), key=r.key)
            p = r.profile
            if p is not None and (p.expires_ms is not None or p.cooldown_until):
                self._live[r.key] = [row_key, p, c["countdown"][0], c["status"][0]]
            if p is not None and p.cooldown_until > now:
                cooldown_ends.append(p.cooldown_until)
        self._next_cooldown_end = min(cooldown_ends, default=0)
        if table.row_count:
            index = 0
            if keep is not None:
                try:
                    index = table.get_row_index(keep)
                except Exception:  # the row is gone (deleted, filtered): stay near where we were
                    index = min(self._last_index, table.row_count - 1)
            if index == 0 and rows and rows[0].kind == "provider" and table.row_count > 1 and keep is None:
                index = 1  # start on the first profile, not on its provider header
            table.move_cursor(row=index, animate=False, scroll=True)
        self.update_summary(now)

    def current_row(self) -> RowInfo | None:
        table = self.table
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0)).row_key.value
        except CellDoesNotExist:
            return None
        return next((r for r in self.rows if r.key == key), None)

    def current_key(self) -> str | None:
        row = self.current_row()
        return row.key if row else None

    @on(DataTable.RowHighlighted, "#dash-table")
    def _remember_index(self, event: DataTable.RowHighlighted) -> None:
        self._last_index = event.cursor_row

    # -- countdowns

    def tick(self) -> int:
        """Rewrite the countdown/status cells whose text changed (one repaint); returns how many changed."""
        if not self.is_attached or self.status is None:
            return 0
        now = self.clock()
        updates: list[tuple[Any, ColumnKey, Any]] = []
        has_countdown = "countdown" in self._columns
        countdown_col, status_col = self._countdown_col, self._status_col
        refreshing = {pid for (agent, pid) in self.refreshing if agent == self.agent_id}
        for key, entry in self._live.items():
            row_key, p, old_countdown, old_badge = entry
            if has_countdown and p.expires_ms is not None and p.status not in ("missing", "static"):
                countdown = format_countdown(p.expires_ms - now).rjust(COUNTDOWN_WIDTH)
                if countdown != old_countdown:
                    updates.append((row_key, countdown_col, countdown))
                    entry[2] = countdown
            kind = "refreshing" if key in refreshing else live_status(p, now)
            label = BADGES[kind]
            if label is not old_badge:
                updates.append((row_key, status_col, label))
                entry[3] = label
        self.table.update_cells(updates)
        self.update_summary(now)
        return len(updates)

    # -- header and summary

    def update_header(self) -> None:
        agents = self.agent_ids()
        index = agents.index(self.agent_id) + 1 if self.agent_id in agents else 0
        title = Text.assemble(("OpenClaw auth profiles", "bold"), "  ·  agent ", (self.agent_id, "bold cyan"),
                              (f" ({index}/{len(agents)}, n/p to switch)" if len(agents) > 1 else "", "dim"))
        self.query_one("#dash-title", Static).update(title)

    def update_summary(self, now: int | None = None) -> None:
        now = self.clock() if now is None else now
        summary = self.query_one("#dash-summary", Static)
        if self.status is None:
            summary.update(Text(self.load_error or "Loading…", style="bold red"))
            self._update_message()
            return
        counts = dict.fromkeys(STATUS_ORDER, 0)
        next_exp: tuple[int, str] | None = None
        for p in self.status.profiles:
            counts[live_status(p, now)] = counts.get(live_status(p, now), 0) + 1
            if p.expires_ms is not None and p.expires_ms > now and p.status not in ("missing", "static") and (
                    next_exp is None or p.expires_ms < next_exp[0]):
                next_exp = (p.expires_ms, p.profile_id)
        parts: list[Any] = []
        for kind in STATUS_ORDER:
            if counts[kind]:
                parts += [(f"{kind} ", COUNT_STYLES[kind]), (str(counts[kind]), f"bold {COUNT_STYLES[kind]}"), "  "]
        env_count = sum(len(ps.env_keys) for ps in self.status.providers)
        if env_count:
            parts += [("env keys ", "dim"), (str(env_count), "bold"), "  "]
        if not self.status.profiles and not env_count:
            parts += [("no credentials yet: press a to add one  ", "bold")]
        if next_exp is not None:
            # Its own line: at 80 columns the counts and the next expiry do not fit on one.
            parts += ["\nnext expiry ", (next_exp[1], "bold"), f" in {format_countdown(next_exp[0] - now).strip()}",
                      (f" ({format_expiry(next_exp[0])} UTC)", "dim")]
        else:
            parts += [("\nnothing expires", "dim")]
        summary.update(Text.assemble(*parts))
        self._update_message()

    def _update_message(self) -> None:
        widget = self.query_one("#dash-message", Static)
        if self.message is not None:
            widget.update(self.message)
        elif self.status is not None and (self.status.problems or self.status.warnings):
            items = [*self.status.problems, *self.status.warnings]
            widget.update(Text(f"⚠ {items[0]}" + (f" (+{len(items) - 1} more)" if len(items) > 1 else ""),
                               style="yellow"))
        elif self.filter_text:
            widget.update(Text(f"filter: {self.filter_text!r}  (/ to change, escape to clear)", style="dim"))
        else:
            widget.update(Text("K/J or shift+↑/↓ reorder (saved at once) · u undo · c clear order · enter details",
                               style="dim"))

    def say(self, text: str, style: str = "") -> None:
        self.message = Text(text, style=style)
        self._update_message()

    # -- agents

    def agent_ids(self) -> list[str]:
        agents = paths_mod.list_agents(self.state)
        if self.agent_id not in agents:
            agents = [self.agent_id, *agents]
        return agents

    def action_switch_agent(self, step: int) -> None:
        agents = self.agent_ids()
        if len(agents) < 2:
            self.say("This is the only agent.", "dim")
            return
        self.agent_id = agents[(agents.index(self.agent_id) + step) % len(agents)]
        self.message = None
        self._last_index = 0
        self.reload(keep="")
        self.update_header()

    # -- actions: navigation

    def action_cursor(self, step: int) -> None:
        table = self.table
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    def action_leave(self) -> None:
        filt = self.query_one("#dash-filter", Input)
        if filt.display and (filt.has_focus or self.filter_text):
            self._close_filter(clear=True)
            return
        self.dismiss(None)

    def action_add(self) -> None:
        self.dismiss(("add", self.agent_id))

    # -- filter

    def action_filter(self) -> None:
        filt = self.query_one("#dash-filter", Input)
        filt.display = True
        filt.focus()

    @on(Input.Changed, "#dash-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()
        self.rebuild_table(self.current_key())
        self._update_message()

    @on(Input.Submitted, "#dash-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self._close_filter(clear=True)
        else:
            self.table.focus()

    def _close_filter(self, clear: bool) -> None:
        filt = self.query_one("#dash-filter", Input)
        keep = self.current_key()
        if clear:
            filt.value = ""
            self.filter_text = ""
            self.rebuild_table(keep)
        filt.display = False
        self.table.focus()
        self._update_message()

    # -- details

    def action_details(self) -> None:
        row = self.current_row()
        if row is None or row.kind == "provider":
            return
        if row.kind == "env":
            where = "the <state>/.env file" if row.env_source == "env-file" else "the environment"
            self.say(f"${row.env_var} comes from {where}; value {row.env_masked}. Change it there.")
            return
        self.app.push_screen(ProfileDetailsScreen(row.key, self.agent_id, self.state, self.clock, row.profile))

    @on(DataTable.RowSelected, "#dash-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_details()

    # -- reorder and undo

    def _profile_row(self, verb: str) -> RowInfo | None:
        row = self.current_row()
        if row is None or row.kind != "profile":
            what = "an environment key" if row is not None and row.kind == "env" else "a provider header"
            self.say(f"Cannot {verb} {what}; select a profile row." if row else "Nothing selected.", "yellow")
            self.app.bell()
            return None
        return row

    def _current_override(self, provider: str) -> list[str] | None:
        from core import store as store_mod

        return order_mod.override_order(store_mod.load(self.agent_id, self.state).store, provider)

    def action_move(self, step: int) -> None:
        row = self._profile_row("move")
        if row is None or self.status is None:
            return
        pid, provider = row.key, row.provider
        ps = next(ps for ps in self.status.providers if ps.provider == provider)
        ordered = [p.profile_id for p in ps.profiles if p.position is not None]
        if pid not in ordered:
            self.say(f"{pid} is not in the effective order of {provider} (the order leaves it out). "
                     "Press c to clear the order override and use every profile.", "yellow")
            self.app.bell()
            return
        i = ordered.index(pid)
        j = i + step
        if not 0 <= j < len(ordered):
            self.app.bell()
            return
        new = list(ordered)
        new[i], new[j] = new[j], new[i]
        try:
            previous = self._current_override(provider)
            order_mod.set_order(provider, new, self.agent_id, self.state)
        except OpenClawError as exc:
            self.say(f"Could not reorder: {exc}", "bold red")
            self.reload(keep=pid)
            return
        self.undo_stack.append((self.agent_id, provider, previous, f"move {pid}"))
        self.say(f"Order of {provider} saved: {', '.join(new)}", "green")
        self.reload(keep=pid)
        moved = next((r.profile for r in self.rows if r.key == pid), None)
        if moved is not None and moved.in_cooldown:
            self.say(f"Order of {provider} saved; {pid} is in cooldown, so it stays last until that ends.", "yellow")

    def action_clear_order(self) -> None:
        row = self.current_row()
        if row is None:
            return
        provider = row.provider
        keep = row.key
        try:
            previous = self._current_override(provider)
            if previous is None:
                self.say(f"{provider} has no order override on agent {self.agent_id}.", "dim")
                return
            order_mod.clear_order(provider, self.agent_id, self.state)
        except OpenClawError as exc:
            self.say(f"Could not clear the order: {exc}", "bold red")
            return
        self.undo_stack.append((self.agent_id, provider, previous, f"clear order of {provider}"))
        self.say(f"Order override of {provider} cleared (u to undo).", "green")
        self.reload(keep=keep)

    def action_undo(self) -> None:
        index = next((i for i in range(len(self.undo_stack) - 1, -1, -1) if self.undo_stack[i][0] == self.agent_id),
                     None)
        if index is None:
            self.say("Nothing to undo.", "dim")
            self.app.bell()
            return
        agent_id, provider, previous, what = self.undo_stack.pop(index)
        keep = self.current_key()
        from core import store as store_mod

        try:
            if previous is None:
                order_mod.clear_order(provider, agent_id, self.state)
            else:
                existing = store_mod.load(agent_id, self.state).store.profiles
                restored = [pid for pid in previous if pid in existing and existing[pid].provider == provider]
                if restored:
                    order_mod.set_order(provider, restored, agent_id, self.state)
                else:
                    order_mod.clear_order(provider, agent_id, self.state)
        except OpenClawError as exc:
            self.say(f"Could not undo {what}: {exc}", "bold red")
            return
        self.say(f"Undone: {what}.", "green")
        self.reload(keep=keep)

    # -- delete

    def action_delete(self) -> None:
        row = self._profile_row("delete")
        if row is None:
            return
        pid, agent_id = row.key, self.agent_id

        def answered(yes: bool | None) -> None:
            if not yes:
                self.say("Nothing deleted.", "dim")
                return
            from core import profiles as profiles_mod

            try:
                profiles_mod.remove_profile(pid, agent_id, self.state)
            except OpenClawError as exc:
                self.say(f"Could not delete {pid}: {exc}", "bold red")
                return
            self.say(f"Deleted {pid} from agent {agent_id}.", "green")
            self.reload()

        self.app.push_screen(ConfirmScreen(f"Delete {pid} from agent {agent_id}?",
                                           detail="Its credential is removed from auth-profiles.json; "
                                           "getting it back means logging in again.",
                                           yes="Delete", no="Keep", default=False),
                             answered)

    # -- refresh

    def action_test_profile(self) -> None:
        row = self._profile_row("test")
        if row is not None and row.profile is not None:
            from screens.probe_action import probe_profile

            probe_profile(self, self.agent_id, row.profile.profile_id, self.state, self.env)

    def action_refresh_profile(self) -> None:
        row = self._profile_row("refresh")
        if row is None:
            return
        p = row.profile
        assert p is not None
        if p.type != "oauth":
            self.say(f"{p.profile_id} is a {p.type} credential: it cannot be refreshed, only replaced (a to add).",
                     "yellow")
            return
        key = (self.agent_id, p.profile_id)
        if key in self.refreshing:
            self.say(f"{p.profile_id} is already being refreshed…", "dim")
            return
        self.refreshing.add(key)
        self.say(f"⟳ Refreshing {p.profile_id}…", "bold cyan")
        self.tick()
        self._refresh_worker(self.agent_id, p.profile_id)

    @work(thread=True, group="dashboard-refresh", exit_on_error=False)
    def _refresh_worker(self, agent_id: str, profile_id: str) -> None:
        try:
            from core.refresh import ensure_fresh

            result: Any = ensure_fresh(profile_id, agent_id, self.state, force=True, now_ms=self.clock())
            error: BaseException | None = None
        except Exception as exc:  # OpenClawError (ReloginRequired, RefreshError) or anything unexpected
            result, error = None, exc
        self.app.call_from_thread(self._refresh_done, agent_id, profile_id, result, error)

    def _refresh_done(self, agent_id: str, profile_id: str, result: Any, error: BaseException | None) -> None:
        self.refreshing.discard((agent_id, profile_id))
        if not self.is_attached:
            return
        if error is not None:
            text = str(error) if isinstance(error, OpenClawError) else f"{type(error).__name__}: {error}"
            self.say(f"✗ Refresh of {profile_id} failed: {text}", "bold red")
        else:
            cred = getattr(result, "credential", None)
            expires = getattr(cred, "expires_ms", None)
            when = (f"now expires {format_expiry(expires)} UTC (in {format_countdown(expires - self.clock()).strip()})"
                    if expires else "no expiry returned")
            self.say(f"✓ Refreshed {profile_id}: {when}.", "bold green")
        if agent_id == self.agent_id:
            self.reload()

    # -- resize: hide or show columns

    def on_resize(self) -> None:
        if self.status is not None or self.load_error is not None:
            self.rebuild_table(self.current_key())
