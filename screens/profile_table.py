"""The dashboard's profile table: rows (provider header, profile, env key), their cells, and the widget.

`ProfileTable.show(rows, now, keep)` rebuilds the table for the screen's width (optional columns are
added while they fit, most useful first), `patch` rewrites the rows a reorder changed, and
`ProfileTable.tick(now)` brings the countdown and status cells of the rows on screen up to date. A
row's cells are made when it is first shown (20,000 rows open as fast as 40). Everything here is
display: the screen owns loading and actions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openclaw_onboard.core import status as core_status
from openclaw_onboard.core.durations import DAY_MS, HOUR_MS
from openclaw_onboard.core.i18n import N_, _, current_language
from openclaw_onboard.core.status import AgentStatus, ProfileStatus, ProviderStatus
from openclaw_onboard.core.textwidth import cells as cell_len  # one width rule for the wizard and the CLI
from openclaw_onboard.core.textwidth import fit
from openclaw_onboard.core.timefmt import format_countdown, format_utc
from openclaw_onboard.screens.i18n import status_label
from rich.markup import escape
from rich.padding import Padding
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._segment_tools import line_crop
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.geometry import Region, Size
from textual.renderables.styled import Styled
from textual.strip import Strip
from textual.widgets import DataTable
from textual.widgets._data_table import _EMPTY_TEXT, default_cell_formatter
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
        rows += provider_rows(ps)
    return rows


def provider_rows(ps: ProviderStatus, previous: Iterable[RowInfo] = ()) -> list[RowInfo]:
    """One provider's rows. A profile row of `previous` whose ProfileStatus object is the same is
    reused as it is (the table's patch then skips it by identity)."""
    before = {r.key: r for r in previous if r.profile is not None}
    rows = [RowInfo(f"#prov/{ps.provider}", "provider", ps.provider,
                    note=_(ORDER_LABELS[ps.order_source]) if ps.order_source in ORDER_LABELS else ps.order_source,
                    missing=not ps.profiles and not ps.env_keys)]
    for p in ps.profiles:
        old = before.get(p.profile_id)
        rows.append(old if old is not None and old.profile is p and old.provider == ps.provider
                    else RowInfo(p.profile_id, "profile", ps.provider, profile=p))
    for key in ps.env:
        rows.append(RowInfo(f"#env/{ps.provider}/{key.var}", "env", ps.provider, env_var=key.var,
                            env_masked=key.masked, env_source="env-file" if key.source == ".env" else "env"))
    return rows


def with_provider_rows(rows: list[RowInfo], ps: ProviderStatus) -> list[RowInfo]:
    """`rows` (as build_rows made them) with `ps`'s section made again, the other providers' rows kept:
    a K/J changes one provider's order, not thousands of rows."""
    header = f"#prov/{ps.provider}"
    start = next((i for i, r in enumerate(rows) if r.key == header), None)
    if start is None:
        raise ValueError(f"no rows of {ps.provider}")
    end = next((i for i in range(start + 1, len(rows)) if rows[i].kind == "provider"), len(rows))
    return [*rows[:start], *provider_rows(ps, rows[start:end]), *rows[end:]]


def row_cells(r: RowInfo, now: int, refreshing: bool = False) -> dict[str, tuple[Any, int]]:
    """column key -> (cell value, display width). Values are escaped markup strings or shared badges."""
    shared = badges()
    if r.kind == "provider":
        cells: dict[str, tuple[Any, int]] = dict.fromkeys(COLUMN_KEYS, EMPTY_CELL)
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
    """Column widths from made cells (the widest cell or the label)."""
    cells = list(cells)
    return _widths({key: max((c[key][1] for c in cells), default=0) for key in COLUMN_KEYS})


def _widths(longest: dict[str, int]) -> dict[str, int]:
    widths: dict[str, int] = {}
    for key, label in COLUMNS:
        fixed = countdown_width() if key == "countdown" else FIXED_WIDTHS.get(key)
        widths[key] = max(fixed or longest.get(key, 0), cell_len(_(label) if label != "#" else label))
    return widths


# Every date format_utc gives between 2001 and 9999 has this width ("2026-01-01 00:00"); others are measured.
_UTC_WIDTH, _UTC_FROM, _UTC_TO = 16, 1_000_000_000_000, 253_402_300_799_000


def _utc_width(ms: int | None) -> int:
    if ms and _UTC_FROM <= ms <= _UTC_TO and not isinstance(ms, bool):
        return _UTC_WIDTH
    return cell_len(format_utc(ms, suffix=False))


def rows_column_widths(rows: list[RowInfo]) -> dict[str, int]:
    """What `column_widths` gives for the cells of `rows`, measured from the rows' texts without
    making any cell (no markup, no countdown): the open of 20,000 profiles measures, it does not format."""
    pos = id_ = type_ = who = secret = expires = source = 0
    sources: dict[str, int] = {}
    label_source: str  # a profile's Source or an env row's "env"/"env-file"
    for r in rows:
        p = r.profile
        if p is not None:
            w = cell_len(str(p.position)) if p.position else 1
            pos = w if w > pos else pos
            w = cell_len(p.profile_id)
            id_ = w if w > id_ else id_
            w = cell_len(p.type)
            type_ = w if w > type_ else type_
            w = cell_len(p.email or p.account_id or "")
            who = w if w > who else who
            w = cell_len(p.masked)
            secret = w if w > secret else secret
            if p.status != "static":
                w = _utc_width(p.expires_ms)
                expires = w if w > expires else expires
            label_source = p.source
        elif r.kind == "provider":
            w = cell_len(r.provider) + 2 + cell_len(r.note)
            id_ = w if w > id_ else id_
            continue
        else:
            w = cell_len(f"${r.env_var}")
            id_ = w if w > id_ else id_
            type_ = max(type_, cell_len("api_key"))
            secret = max(secret, cell_len(r.env_masked))
            label_source = r.env_source
        w = sources.get(label_source, -1)
        if w < 0:
            w = sources[label_source] = cell_len(source_label(label_source))
        source = w if w > source else source
    return _widths({"pos": pos, "id": id_, "type": type_, "who": who, "secret": secret, "expires": expires,
                    "source": source})


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


class _Entry:
    """The cells of one row as made at the table's clock (`gen`), and its rendered lines."""

    __slots__ = ("badge", "cells", "countdown", "gen", "strips")

    def __init__(self, cells: dict[ColumnKey, Any], gen: int, countdown: Any, badge: Any) -> None:
        self.cells = cells
        self.gen = gen
        self.countdown = countdown
        self.badge = badge
        self.strips: dict[tuple[Any, ...], Strip] = {}


class _LazyCells(Mapping[RowKey, dict[ColumnKey, Any]]):
    """DataTable's `_data` (row key -> column key -> cell), made when a row is first read (rendered,
    or asked for with get_cell/get_row_at) and brought up to the table's last tick when read again.
    A table of 20,000 rows makes the ~40 rows on screen, not 20,000."""

    def __init__(self, table: ProfileTable) -> None:
        self.table = table

    def __getitem__(self, row_key: RowKey | str) -> dict[ColumnKey, Any]:
        # DataTable passes RowKeys or plain strings (a RowKey equals its string)
        key = row_key.value if isinstance(row_key, RowKey) else row_key
        # KeyError: no such row shown. (arg-type: `key` may be None for DataTable, never for our rows.)
        return self.table._entry(key).cells  # type: ignore[arg-type]

    def __contains__(self, row_key: object) -> bool:
        key = row_key.value if isinstance(row_key, RowKey) else row_key
        return key in self.table._by_key

    def __iter__(self) -> Iterator[RowKey]:
        return (RowKey(r.key) for r in self.table.rows_shown)

    def __len__(self) -> int:
        return len(self.table.rows_shown)

    def clear(self) -> None:
        self.table._entries.clear()


class _Offsets(Sequence[tuple[RowKey, int]]):
    """DataTable's `_y_offsets` (line -> (row key, line in row)) for one-line rows, without the list
    of one tuple per row that DataTable rebuilds after every change."""

    def __init__(self, table: ProfileTable) -> None:
        self.table = table

    # override: a read-only stand-in for DataTable's private offsets list (issue 21 removes it).
    def __getitem__(self, y: int) -> tuple[RowKey, int]:  # type: ignore[override]
        return self.table._ordered[y].key, 0

    def __len__(self) -> int:
        return len(self.table._ordered)

    def clear(self) -> None:
        pass


class ProfileTable(DataTable):
    """A DataTable for thousands of one-line rows whose cells are made only when shown.

    DataTable keeps every cell of every row and drops all its render caches on any change (one
    `_update_count` for the whole table), then re-renders every visible cell and rebuilds per-row
    lists of the whole table. This table keeps DataTable's widget (keys, cursor, messages, CSS,
    component classes, scrolling) and replaces what costs per row:

    - cells: `_data` is `_LazyCells`: a row's cells are made from its `RowInfo` when first read and
      kept; the countdown and badge of a kept row are brought up to the last tick when read again,
      so a tick rewrites the rows on screen only and rows scrolled into view are current;
    - widths: measured from the rows' texts (`rows_column_widths`), no cell made;
    - geometry: every row is one line, so row regions and offsets are arithmetic (`_get_row_region`,
      `_y_offsets`, `ordered_rows`) instead of sums over the rows above;
    - rendering: `_render_line` renders a row with DataTable's own styles and cell formatter (the
      same segments), cached per row and invalidated per row: a tick or a reorder repaints the rows
      it changed, a cursor move the two rows it touched.

    It relies on internals of the pinned Textual release (`_data`, `_row_locations`, `_y_offsets`,
    `_render_line`, `_get_styles_to_render_cell`, `_update_dimensions`). Row cursor only.
    """

    # Enter opens the profile's details (the screen handles RowSelected): say so in the help.
    BINDINGS = [Binding("enter", "select_cursor", "Details", show=False)]

    def __init__(self, **kwargs: Any) -> None:
        # Before DataTable's __init__: its reactives' watchers may already ask for rows.
        self._ordered: list[Row] = []
        self._by_key: dict[str, RowInfo] = {}
        self._entries: dict[str, _Entry] = {}
        self._header_strips: dict[tuple[Any, ...], Strip] = {}
        self.rows_shown: list[RowInfo] = []
        super().__init__(**kwargs)
        self.columns_shown: tuple[str, ...] = ()
        self.widths: dict[str, int] = {}
        self._available = 0
        self._scrollbar = False
        self.rebuilds = 0  # full rebuilds (show) and in-place patches: tests and the bench read them
        self.patches = 0
        self.rows_made = 0  # rows whose cells were made (tests: only what is on screen)
        self.rows_rendered = 0  # rows rendered into segments
        self.fast_cells = True  # plain cells made without Rich's layout (_cell_segments); tests compare
        self.next_cooldown_end = 0
        self.last_index = 0
        # The clock the cells are made at: a tick moves it (and the refreshing set) and bumps `_gen`.
        self._now = 0
        self._refreshing: frozenset[str] = frozenset()
        self._gen = 0
        # assignment: DataTable's private cell dict, replaced by lazily made cells (issue 21 removes it).
        self._data = _LazyCells(self)  # type: ignore[assignment]

    # -- DataTable's per-row structures, for one-line rows

    @property
    def ordered_rows(self) -> list[Row]:
        return self._ordered

    @property
    # override: DataTable's private offsets list, computed instead (issue 21 removes it).
    def _y_offsets(self) -> _Offsets:  # type: ignore[override]
        return _Offsets(self)

    @property
    def _total_row_height(self) -> int:
        return len(self._ordered)

    def _get_row_region(self, row_index: int) -> Region:
        if not self.is_valid_row_index(row_index):
            return Region(0, 0, 0, 0)
        row_width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        return Region(0, row_index + header, max(self.size.width, row_width), 1)

    def _get_cell_region(self, coordinate: Coordinate) -> Region:
        if not self.is_valid_coordinate(coordinate):
            return Region(0, 0, 0, 0)
        row_index, column_index = coordinate
        columns = self.ordered_columns
        x = sum(column.get_render_width(self) for column in columns[:column_index])
        header = self.header_height if self.show_header else 0
        return Region(x, row_index + header, columns[column_index].get_render_width(self), 1)

    def _update_dimensions(self, new_rows: Any) -> None:
        if not self.columns or self._labelled_row_exists or any(c.auto_width for c in self.columns.values()):
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width, len(self._ordered) + header)

    def clear(self, columns: bool = False) -> ProfileTable:
        self._ordered = []
        self._by_key = {}
        self._entries.clear()
        super().clear(columns)
        return self

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._clear_strips()

    def notify_style_update(self) -> None:
        self._clear_strips()
        super().notify_style_update()

    def _clear_strips(self) -> None:
        self._header_strips.clear()
        for entry in self._entries.values():
            entry.strips.clear()

    # -- cells, made when read

    def _entry(self, key: str) -> _Entry:
        entry = self._entries.get(key)
        if entry is None:
            r = self._by_key[key]
            c = row_cells(r, self._now, key in self._refreshing)
            entry = _Entry({ColumnKey(k): c[k][0] for k in self.columns_shown}, self._gen,
                           c["countdown"][0], c["status"][0])
            self._entries[key] = entry
            self.rows_made += 1
        elif entry.gen != self._gen:
            self._bring_up_to_date(key, entry)
        return entry

    def _bring_up_to_date(self, key: str, entry: _Entry) -> int:
        """The countdown and badge of a made row at the table's clock, as `row_cells` would make them
        (the tick's rule); returns how many of its cells changed (their lines are rendered again)."""
        entry.gen = self._gen
        p = self._by_key[key].profile
        if p is None:
            return 0
        changed = 0
        now = self._now
        if p.expires_ms is not None and p.status not in ("missing", "static"):
            countdown = fit(format_countdown(p.expires_ms - now), countdown_width(), ">")
            if countdown != entry.countdown:
                entry.countdown = countdown
                if "countdown" in self.columns_shown:
                    entry.cells[self._countdown_col] = countdown
                    changed += 1
        kind = "refreshing" if key in self._refreshing else live_status(p, now)
        shared = badges()
        label = shared.get(kind) or badge(kind)
        if label is not entry.badge:
            entry.badge = entry.cells[self._status_col] = label
            changed += 1
        if changed:
            entry.strips.clear()
        return changed

    _countdown_col = ColumnKey("countdown")
    _status_col = ColumnKey("status")

    # override: rows by key only (their cells are made when shown), not DataTable's rows of cells.
    def add_rows(self, keys: Iterable[str]) -> list[RowKey]:  # type: ignore[override]
        """Row keys (of `rows_shown`) appended as one-line unlabelled rows; their cells are made when read."""
        locations, table_rows, ordered = self._row_locations, self.rows, self._ordered
        index = len(table_rows)
        was_empty = index == 0
        out: list[RowKey] = []
        for key in keys:
            row_key = RowKey(key)
            if row_key in locations:
                raise DuplicateKey(f"The row key {row_key!r} already exists.")
            locations[row_key] = index
            row = table_rows[row_key] = Row(row_key, 1)
            ordered.append(row)
            out.append(row_key)
            index += 1
        if not out:
            return out
        self._update_dimensions(out)  # widths are explicit: nothing to measure, no wait for idle
        self.cursor_coordinate = self.cursor_coordinate  # re-validated once, as add_row does per row
        if was_empty and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self.refresh()
        return out

    # -- showing rows

    def show(self, rows: list[RowInfo], now: int, keep: str | None, available: int,
             refreshing: frozenset[str] = frozenset()) -> None:
        """Rebuild for `rows`, fitting `available` cells of width; the cursor stays on `keep` if it can."""
        self.rebuilds += 1
        widths = rows_column_widths(rows)
        self._available = available  # as asked: patch compares what it is asked with
        self._scrollbar = len(rows) + 1 > (self.size.height or 0)
        if self._scrollbar:
            available -= 2  # room for the vertical scrollbar
        columns = choose_columns(widths, available)
        # Every column gets an explicit width (computed above from the data), so this table never
        # has to measure 2,000 rows of cells.
        self.clear(columns=True)
        self._now, self._refreshing = now, refreshing
        self._gen += 1
        labels = dict(COLUMNS)
        for key in columns:
            self.add_column(_(labels[key]) if key != "pos" else labels[key], key=key, width=widths[key])
        self.columns_shown = columns
        self.widths = widths
        self.rows_shown = rows
        self._by_key = {r.key: r for r in rows}
        self.add_rows(r.key for r in rows)
        self.next_cooldown_end = _next_cooldown_end(rows, now)
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
        differ = [i for i, (a, b) in enumerate(zip(old, rows, strict=True)) if a is not b]
        changed = [i for i in differ if old[i] != rows[i]]
        if changed:
            if {old[i].key for i in changed} != {rows[i].key for i in changed}:
                return False
            new_widths = rows_column_widths([rows[i] for i in changed])
            old_widths = rows_column_widths([old[i] for i in changed])
            for key, width in self.widths.items():
                if key in FIXED_WIDTHS:
                    continue
                if new_widths[key] > width:
                    return False  # a column would widen
                if new_widths[key] < width and old_widths[key] == width:
                    return False  # a column might narrow (its widest cell moves away)
        self.patches += 1
        self.rows_shown = rows
        by_key = self._by_key
        for i in differ:  # the same keys: newer RowInfo objects (a reload) replace the shown ones
            by_key[rows[i].key] = rows[i]
        if (now, refreshing) != (self._now, self._refreshing):
            self._now, self._refreshing = now, refreshing
            self._gen += 1
        locations, table_rows, ordered, entries = self._row_locations, self.rows, self._ordered, self._entries
        for i in changed:
            row_key = RowKey(rows[i].key)
            locations[row_key] = i
            ordered[i] = table_rows[row_key]
            entries.pop(rows[i].key, None)  # made again (at `now`) when next read
            self.refresh_row(i)
        self.next_cooldown_end = _next_cooldown_end(rows, now)
        if changed and keep is not None:
            index = locations.get(RowKey(keep))
            if index is not None:
                self.move_cursor(row=index, animate=False, scroll=True)
        return True

    def tick(self, now: int, refreshing: frozenset[str] = frozenset()) -> int:
        """Bring the countdown/status cells of the rows on screen to `now`, repainting the rows that
        changed; returns how many cells changed. Rows off screen are brought up to date when read
        (scrolled into view, or asked for)."""
        if (now, refreshing) == (self._now, self._refreshing):
            return 0
        self._now, self._refreshing = now, refreshing
        self._gen += 1
        changed = 0
        entries, shown = self._entries, self.rows_shown
        for index in self.visible_row_indexes():
            entry = entries.get(shown[index].key)
            if entry is not None:
                n = self._bring_up_to_date(shown[index].key, entry)
                if n:
                    changed += n
                    self.refresh_row(index)
        return changed

    def visible_row_indexes(self) -> range:
        header = self.header_height if self.show_header else 0
        top = max(0, int(self.scroll_y))
        return range(top, min(len(self.rows_shown), top + max(0, self.size.height - header) + 1))

    # -- rendering: DataTable's look, rendered per row

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        if self.cursor_type != "row" or self.fixed_rows or self.fixed_columns:
            return super()._render_line(y, x1, x2, base_style)
        width = self.size.width
        header = self.header_height if self.show_header else 0
        if y < header:
            row_index, key, cache = -1, None, self._header_strips
        else:
            row_index = y - header
            if row_index >= len(self.rows_shown):
                return Strip.blank(width, base_style)
            key = self.rows_shown[row_index].key
            cache = self._entry(key).strips
        cursor = row_index == self.cursor_coordinate.row
        hover = row_index == self.hover_coordinate.row
        cache_key = (row_index, y, x1, x2, width, cursor, hover, self.show_cursor, self._show_hover_cursor,
                     base_style, self._pseudo_class_state)
        strip = cache.get(cache_key)
        if strip is None:
            if len(cache) > 16:
                cache.clear()
            segments = self._row_segments(row_index, key, base_style, cursor, hover)
            strip = Strip(line_crop(segments, x1, x2, width)).adjust_cell_length(width, base_style).simplify()
            cache[cache_key] = strip
        return strip

    def _row_segments(self, row_index: int, key: str | None, base_style: Style, cursor: bool,
                      hover: bool) -> list[Segment]:
        """One row as DataTable's `_render_line_in_row`/`_render_cell` render it (row cursor, one-line
        rows, no fixed rows or columns, no labels): the same styles, formatter and padding."""
        self.rows_rendered += 1
        is_header = row_index == -1
        columns = self.ordered_columns
        if is_header:
            values: list[Any] = [column.label for column in columns]
        else:
            assert key is not None
            cells = self._entry(key).cells
            values = [_format_cell(cells.get(column.key)) for column in columns]
        row_style = self._get_row_style(row_index, base_style)
        show_cursor, show_hover = self.show_cursor, self._show_hover_cursor
        component_style, post_style = self._get_styles_to_render_cell(
            is_header, False, False, hover, cursor, show_cursor, show_hover,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
        console, options, padding = self.app.console, self.app.console_options, self.cell_padding
        segments: list[Segment] = []
        table_width = 0
        for column_index, (column, value) in enumerate(zip(columns, values, strict=True)):
            width = column.get_render_width(self)
            table_width += width
            pre_style = row_style + Style.from_meta({"row": row_index, "column": column_index}) + component_style
            fast = self.fast_cells and _cell_segments(console, value, width, padding, pre_style, post_style)
            if fast:
                segments.extend(fast)
                continue
            lines = console.render_lines(
                Styled(Padding(value, (0, padding)), pre_style=pre_style, post_style=post_style),
                options.update_dimensions(width, 1).update(no_wrap=True))
            segments.extend(lines[0])
        extend_style, _post = self._get_styles_to_render_cell(
            is_header, False, False, hover, row_index == self.cursor_coordinate.row, show_cursor, show_hover,
            False, False)
        extend_style = row_style + extend_style + Style.from_meta(
            {"row": row_index, "column": 0, "out_of_bounds": True})
        segments.append(Segment(" " * max(0, self.size.width - table_width), extend_style))
        return segments

    # -- the screen's questions

    def current_row(self) -> RowInfo | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(Coordinate(self.cursor_row, 0)).row_key.value
        except CellDoesNotExist:
            return None
        return self._by_key.get(key) if key is not None else None

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.last_index = event.cursor_row


def _cell_segments(console: Any, text: Any, width: int, padding: int, pre: Style,
                   post: Style) -> list[Segment] | None:
    """The segments Rich renders for `Styled(Padding(text, (0, padding)), pre, post)` in one line of
    `width` cells, made directly for the plain case (one line of Text that fits, not justified): a
    tenth of the cost. None for anything else (Rich renders it). Each segment's style is Styled's
    `(pre + style) + post`; padding and fill carry no style of their own. tests/tui/test_dashboard_scale.py
    compares both ways for every row, cursor and hover state."""
    # `end` ("\n" for a badge or a label) starts a second line, which DataTable drops: no effect.
    if not isinstance(text, Text) or text.justify not in (None, "default") or text.end not in ("", "\n"):
        return None
    plain = text.plain
    inner = width - 2 * padding
    if "\n" in plain or "\t" in plain or cell_len(plain) > inner or inner < 0:
        return None
    edge = pre + post
    out = [Segment(" " * padding, edge)] if padding else []
    if text.spans:
        # Rich joins the wrapped lines into a new Text: the base style becomes a span, combined the same.
        out.extend(Segment(seg.text, (pre + seg.style) + post) for seg in text.render(console) if seg.text)
    elif plain:
        style = console.get_style(text.style) if text.style else None
        out.append(Segment(plain, (pre + style) + post))
    fill = inner - cell_len(plain)
    if fill:
        out.append(Segment(" " * fill, edge))
    if padding:
        out.append(Segment(" " * padding, edge))
    return out


def _format_cell(value: Any) -> Any:
    """A cell as DataTable shows it (its own formatter; None and empty cells as its empty text)."""
    if value is None:
        return _EMPTY_TEXT
    return default_cell_formatter(value, wrap=False, height=1) or _EMPTY_TEXT


def _next_cooldown_end(rows: list[RowInfo], now: int) -> int:
    return min((r.profile.cooldown_until for r in rows
                if r.profile is not None and r.profile.cooldown_until > now), default=0)
