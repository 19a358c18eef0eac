"""The dashboard's profile table: rows (provider header, profile, env key), their cells, and the widget.

`ProfileTable.show(rows, now, keep)` rebuilds the table for the screen's width (optional columns are
added while they fit, most useful first); `ProfileTable.tick(now)` rewrites only the countdown and
status cells whose text changed. Everything here is display: the screen owns loading and actions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

from openclaw_onboard.core import status as core_status
from openclaw_onboard.core.durations import DAY_MS, HOUR_MS
from openclaw_onboard.core.i18n import N_, _, current_language
from openclaw_onboard.core.status import AgentStatus, ProfileStatus
from openclaw_onboard.core.textwidth import cells as cell_len  # one width rule for the wizard and the CLI
from openclaw_onboard.core.textwidth import fit
from openclaw_onboard.core.timefmt import format_countdown, format_utc
from openclaw_onboard.screens.i18n import status_label
from rich.markup import escape
from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, ColumnKey, DuplicateKey, Row, RowKey

# Explicit colours, so badges look the same under every theme.
BADGE_STYLES: dict[str, str] = {
    # White bold on dark fills (>= 6:1), so a badge stays readable under the cursor too (which
    # repaints the text white); the word, not the colour, carries the meaning.
    "ok": "bold #ffffff on #1b5e20",
    "expiring": "bold #ffffff on #7a4f00",
    "expired": "bold #ffffff on #b71c1c",
    "missing": "bold #ffffff on #b71c1c",
    "static": "bold #ffffff on #1e4e8c",
    "cooldown": "bold #ffffff on #6a1b9a",
    "refreshing": "bold #ffffff on #006064",
}
# Summary counts: the words are plain text in the theme's colour (readable in both themes).
COUNT_STYLES = dict.fromkeys(("ok", "expiring", "expired", "missing", "static", "cooldown"), "")
STATUS_ORDER = ("ok", "expiring", "expired", "missing", "static", "cooldown")
SOURCE_LABELS = {"store": N_("store"), "env": N_("env"), "codex-cli": "Codex CLI", "claude-cli": "Claude CLI",
                 "legacy": N_("legacy"), "env-file": N_(".env file")}
# Where a provider's order comes from, shown on its header row.
ORDER_LABELS = {"override": N_("override"), "config-order": N_("config order"), "config-profiles": N_("config"),
                "default": N_("default")}
BADGE_WIDTH = 10
COUNTDOWN_WIDTH = 11

# (key, label). Columns are listed in display order.
COLUMNS: tuple[tuple[str, str], ...] = (  # labels are msgids, translated where shown
    ("pos", "#"),
    ("id", N_("Profile")),
    ("type", N_("Type")),
    ("who", N_("Email / account")),
    ("secret", N_("Secret")),
    ("expires", N_("Expires (UTC)")),
    ("countdown", N_("Remaining")),
    ("status", N_("Status")),
    ("source", N_("Source")),
)
COLUMN_KEYS = tuple(key for key, _ in COLUMNS)
# Always shown, then added in this order while they fit the width.
REQUIRED_COLUMNS = ("pos", "id", "countdown", "status")
# Type is short and tells oauth from token from api_key: it goes last. Source ("store", mostly) first.
OPTIONAL_COLUMNS = ("type", "who", "secret", "expires", "source")
FIXED_WIDTHS = {"countdown": COUNTDOWN_WIDTH, "status": BADGE_WIDTH}  # countdown: see countdown_width()
_COUNTDOWN_WIDTHS: dict[str, int] = {}


def countdown_width() -> int:
    """The countdown column in the current language: as wide as its widest usual value ("47h 59m 59s",
    "47小時 59分 59秒"), never narrower than COUNTDOWN_WIDTH, so a translated countdown is not cut."""
    lang = current_language()
    found = _COUNTDOWN_WIDTHS.get(lang)
    if found is None:
        samples = (format_countdown(2 * DAY_MS - 1000), format_countdown(999 * DAY_MS + 23 * HOUR_MS), _("never"))
        found = _COUNTDOWN_WIDTHS[lang] = max(COUNTDOWN_WIDTH, *(cell_len(s) for s in samples))
    return found


# ---------------------------------------------------------------------------------------------- pure helpers

def live_status(p: ProfileStatus, now: int) -> str:
    """The badge of a profile at `now`: core's status re-evaluated, and `cooldown` while one runs."""
    status: str = p.status
    if p.expires_ms is not None and status in ("ok", "expiring", "expired"):
        # core.status owns the rule (looked up at call time, so there is exactly one copy of it)
        status = core_status.expiry_status(p.expires_ms - now)
    if status not in ("expired", "missing") and p.cooldown_until > now:
        return "cooldown"
    return status


def badge(kind: str) -> Text:
    return Text(fit(status_label(kind), BADGE_WIDTH, "^"), style=BADGE_STYLES.get(kind, ""))


# Shared, never mutated: a tick compares badges by identity and thousands of rows reuse them. One set
# per language (a switch gives new objects, so the next tick rewrites every badge).
_BADGES_BY_LANGUAGE: dict[str, dict[str, Text]] = {}


def badges() -> dict[str, Text]:
    """The shared badges of the current language."""
    lang = current_language()
    found = _BADGES_BY_LANGUAGE.get(lang)
    if found is None:
        found = _BADGES_BY_LANGUAGE[lang] = {kind: badge(kind) for kind in BADGE_STYLES}
    return found

EMPTY_CELL: tuple[str, int] = ("", 0)


def source_label(source: str) -> str:
    label = SOURCE_LABELS.get(source)
    return _(label) if label else source


def _cell(text: str, style: str = "") -> tuple[str, int]:
    """(markup-safe cell value, display width)."""
    if not text:
        return EMPTY_CELL
    value = escape(text)
    return (f"[{style}]{value}[/]" if style else value), cell_len(text)


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
                            note=_(ORDER_LABELS[ps.order_source]) if ps.order_source in ORDER_LABELS
                            else ps.order_source,
                            missing=not ps.profiles and not ps.env_keys))
        for p in ps.profiles:
            rows.append(RowInfo(p.profile_id, "profile", ps.provider, profile=p))
        for key in ps.env:
            rows.append(RowInfo(f"#env/{ps.provider}/{key.var}", "env", ps.provider, env_var=key.var,
                                env_masked=key.masked, env_source="env-file" if key.source == ".env" else "env"))
    return rows


def row_cells(r: RowInfo, now: int, refreshing: bool = False) -> dict[str, tuple[Any, int]]:
    """column key -> (cell value, display width). Values are escaped markup strings or shared badges."""
    shared = badges()
    if r.kind == "provider":
        cells = dict.fromkeys(COLUMN_KEYS, EMPTY_CELL)
        cells["id"] = (f"[bold underline]{escape(r.provider)}[/]  [italic]{escape(r.note)}[/]",
                       cell_len(r.provider) + 2 + cell_len(r.note))
        if r.missing:
            cells["status"] = (shared["missing"], BADGE_WIDTH)
        return cells
    if r.kind == "env":
        cells = dict.fromkeys(COLUMN_KEYS, EMPTY_CELL)
        cells.update(id=_cell(f"${r.env_var}"), type=_cell("api_key"), secret=_cell(r.env_masked),
                     status=(shared["static"], BADGE_WIDTH), source=_cell(source_label(r.env_source)))
        return cells
    p = r.profile
    assert p is not None
    kind = "refreshing" if refreshing else live_status(p, now)
    if p.status == "missing":
        countdown = _("no expiry")
    elif p.status == "static":
        countdown = _("never")
    else:
        countdown = format_countdown(None if p.expires_ms is None else p.expires_ms - now)
    # Not in the effective order: shown in italics with "-" as its position (not by colour alone).
    unused = "" if p.position else "italic"
    return {
        "pos": _cell(str(p.position) if p.position else "-", unused),
        "id": _cell(p.profile_id, unused),
        "type": _cell(p.type),
        "who": _cell(p.email or p.account_id or ""),
        "secret": _cell(p.masked),
        "expires": _cell(format_utc(p.expires_ms, suffix=False) if p.status != "static" else ""),
        "countdown": (fit(countdown, countdown_width(), ">"), countdown_width()),
        "status": (shared.get(kind) or badge(kind), BADGE_WIDTH),
        "source": _cell(source_label(p.source)),
    }


def column_widths(cells: Iterable[dict[str, tuple[Any, int]]]) -> dict[str, int]:
    cells = list(cells)
    widths: dict[str, int] = {}
    for key, label in COLUMNS:
        fixed = countdown_width() if key == "countdown" else FIXED_WIDTHS.get(key)
        longest = fixed or max((c[key][1] for c in cells), default=0)
        widths[key] = max(longest, cell_len(_(label) if label != "#" else label))
    return widths


def choose_columns(widths: dict[str, int], available: int) -> tuple[str, ...]:
    """Required columns, then optional ones (by importance) while they fit `available` cells."""
    padded = {key: width + 2 for key, width in widths.items()}  # cell padding: 1 each side
    chosen = set(REQUIRED_COLUMNS)
    used = sum(padded[k] for k in chosen)
    for key in OPTIONAL_COLUMNS:
        if used + padded[key] <= available:
            chosen.add(key)
            used += padded[key]
    return tuple(k for k in COLUMN_KEYS if k in chosen)


class ProfileTable(DataTable):
    """A DataTable tuned for thousands of rows whose column widths are computed from the data.

    With every column at an explicit width and every row one line high, there is nothing to measure
    when rows are added (stock DataTable measures every cell of every new row). `update_cells` writes
    many cells with a single repaint instead of one refresh per cell, and `add_rows` adds thousands
    of one-line rows with one cursor check and one refresh (stock `add_row` re-validates the cursor,
    a reactive, once per row: two thirds of the cost of a 2,000-row rebuild). All three rely on
    internals of the pinned Textual release (`_update_dimensions`, `_data`, `_row_locations`,
    `_new_rows`, `_update_count`). Rendering is DataTable's own: only the lines in view are rendered
    (`render_line`), each cached until the data changes.
    """

    # Enter opens the profile's details (the screen handles RowSelected): say so in the help.
    BINDINGS = [Binding("enter", "select_cursor", "Details", show=False)]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows_shown: list[RowInfo] = []
        self.columns_shown: tuple[str, ...] = ()
        self.widths: dict[str, int] = {}
        self._available = 0
        self._scrollbar = False
        self.rebuilds = 0  # full rebuilds (show) and in-place patches: tests and the bench read them
        self.patches = 0
        self.next_cooldown_end = 0
        self.last_index = 0
        # row key -> [RowKey, ProfileStatus, countdown text, badge] for the rows that change with time
        self._live: dict[str, list[Any]] = {}
        self._countdown_col = ColumnKey("countdown")
        self._status_col = ColumnKey("status")

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

    def add_rows(self, keyed_cells: Iterable[tuple[str, tuple[Any, ...]]]) -> list[RowKey]:
        """[(key, cells)] appended as one-line rows, unlabelled: `add_row` for each, with one refresh."""
        columns = self.ordered_columns
        locations, data, table_rows, new_rows = self._row_locations, self._data, self.rows, self._new_rows
        index = len(table_rows)
        was_empty = index == 0
        keys: list[RowKey] = []
        for key, cells in keyed_cells:
            row_key = RowKey(key)
            if row_key in locations:
                raise DuplicateKey(f"The row key {row_key!r} already exists.")
            if len(cells) > len(columns):
                raise ValueError("More values provided than there are columns.")
            locations[row_key] = index
            data[row_key] = {column.key: cell for column, cell in zip_longest(columns, cells)}
            table_rows[row_key] = Row(row_key, 1)
            new_rows.add(row_key)
            keys.append(row_key)
            index += 1
        if not keys:
            return keys
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate  # re-validated once, as add_row does per row
        if was_empty and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self._update_count += 1
        self.check_idle()
        return keys

    def show(self, rows: list[RowInfo], now: int, keep: str | None, available: int,
             refreshing: frozenset[str] = frozenset()) -> None:
        """Rebuild for `rows`, fitting `available` cells of width; the cursor stays on `keep` if it can."""
        self.rebuilds += 1
        cells = [row_cells(r, now, r.key in refreshing) for r in rows]
        widths = column_widths(cells)
        self._available = available  # as asked: patch compares what it is asked with
        self._scrollbar = len(rows) + 1 > (self.size.height or 0)
        if self._scrollbar:
            available -= 2  # room for the vertical scrollbar
        columns = choose_columns(widths, available)
        # Every column gets an explicit width (computed above from the data), so this table never
        # has to measure 2,000 rows of cells.
        self.clear(columns=True)
        labels = dict(COLUMNS)
        for key in columns:
            self.add_column(_(labels[key]) if key != "pos" else labels[key], key=key, width=widths[key])
        self.columns_shown = columns
        self.widths = widths
        self.rows_shown = rows
        self._live = {}
        cooldown_ends = []
        row_keys = self.add_rows((r.key, tuple(c[k][0] for k in columns)) for r, c in zip(rows, cells, strict=True))
        for r, c, row_key in zip(rows, cells, row_keys, strict=True):
            p = r.profile
            if p is not None and (p.expires_ms is not None or p.cooldown_until):
                self._live[r.key] = [row_key, p, c["countdown"][0], c["status"][0]]
            if p is not None and p.cooldown_until > now:
                cooldown_ends.append(p.cooldown_until)
        self.next_cooldown_end = min(cooldown_ends, default=0)
        if self.row_count:
            index = 0
            if keep is not None:
                try:
                    index = self.get_row_index(keep)
                except Exception:  # the row is gone (deleted, filtered): stay near where we were
                    index = min(self.last_index, self.row_count - 1)
            if index == 0 and rows and rows[0].kind == "provider" and self.row_count > 1 and keep is None:
                index = 1  # start on the first profile, not on its provider header
            self.move_cursor(row=index, animate=False, scroll=True)

    def patch(self, rows: list[RowInfo], now: int, keep: str | None, available: int,
              refreshing: frozenset[str] = frozenset()) -> bool:
        """Show `rows` by rewriting only the rows that differ from those shown (a reorder swaps two),
        when that gives exactly what `show` would: same length, the changed rows' keys permuted among
        themselves, and column widths unchanged. Returns False (nothing done) otherwise."""
        old = self.rows_shown
        if available != self._available or len(rows) != len(old) or not self.columns:
            return False
        if (len(rows) + 1 > (self.size.height or 0)) != self._scrollbar:
            return False  # the scrollbar comes or goes: the columns that fit may change
        # Dataclass equality compares field tuples, which short-cuts on identical members: rows
        # whose ProfileStatus object is unchanged cost next to nothing here.
        changed = [i for i, (a, b) in enumerate(zip(old, rows, strict=True)) if a != b]
        if not changed:
            self.patches += 1
            self.rows_shown = rows
            return True
        if {old[i].key for i in changed} != {rows[i].key for i in changed}:
            return False
        cells = {i: row_cells(rows[i], now, rows[i].key in refreshing) for i in changed}
        for key, width in self.widths.items():
            if key in FIXED_WIDTHS:
                continue
            new_max = max(c[key][1] for c in cells.values())
            if new_max > width:
                return False  # a column would widen
            if new_max < width and any(row_cells(old[i], now)[key][1] == width for i in changed):
                return False  # a column might narrow (its widest cell moves away)
        columns = self.columns_shown
        locations, data = self._row_locations, self._data
        for i in changed:
            r, c = rows[i], cells[i]
            row_key = RowKey(r.key)
            locations[row_key] = i
            data[row_key] = {ColumnKey(k): c[k][0] for k in columns}
            p = r.profile
            self._live.pop(r.key, None)
            if p is not None and (p.expires_ms is not None or p.cooldown_until):
                self._live[r.key] = [row_key, p, c["countdown"][0], c["status"][0]]
        self.rows_shown = rows
        self.next_cooldown_end = min((r.profile.cooldown_until for r in rows
                                      if r.profile is not None and r.profile.cooldown_until > now), default=0)
        self._update_count += 1
        self.patches += 1
        self.refresh()
        if keep is not None:
            index = locations.get(RowKey(keep))
            if index is not None:
                self.move_cursor(row=index, animate=False, scroll=True)
        return True

    def tick(self, now: int, refreshing: frozenset[str] = frozenset()) -> int:
        """Rewrite the countdown/status cells whose text changed (one repaint); returns how many changed."""
        updates: list[tuple[Any, ColumnKey, Any]] = []
        has_countdown = "countdown" in self.columns_shown
        countdown_col, status_col = self._countdown_col, self._status_col
        shared = badges()
        width = countdown_width()
        for key, entry in self._live.items():
            row_key, p, old_countdown, old_badge = entry
            if has_countdown and p.expires_ms is not None and p.status not in ("missing", "static"):
                countdown = fit(format_countdown(p.expires_ms - now), width, ">")
                if countdown != old_countdown:
                    updates.append((row_key, countdown_col, countdown))
                    entry[2] = countdown
            kind = "refreshing" if key in refreshing else live_status(p, now)
            label = shared[kind]
            if label is not old_badge:
                updates.append((row_key, status_col, label))
                entry[3] = label
        self.update_cells(updates)
        return len(updates)

    def current_row(self) -> RowInfo | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key.value
        except CellDoesNotExist:
            return None
        return next((r for r in self.rows_shown if r.key == key), None)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.last_index = event.cursor_row
