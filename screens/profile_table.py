"""The dashboard's profile table: rows (provider header, profile, env key), their cells, and the widget.

`ProfileTable.show(rows, now, keep)` rebuilds the table for the screen's width (optional columns are
added while they fit, most useful first), `patch` rewrites the rows a reorder changed, and
`ProfileTable.tick(now)` brings the countdown and status cells of the rows on screen up to date. A
row's cells are made when it is first shown (20,000 rows open as fast as 40). The widget is a
`ScrollView` drawn with Textual's Line API (public API only). Everything here is display: the
screen owns loading and actions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

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
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.renderables.styled import Styled
from textual.scroll_view import ScrollView
from textual.strip import Strip

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
        samples = (format_countdown(2 * DAY_MS - 1000), format_countdown(999 * DAY_MS + 23 * HOUR_MS), _("never"),
                   _("needs login"), _("refreshing"))
        found = _COUNTDOWN_WIDTHS[lang] = max(COUNTDOWN_WIDTH, *(cell_len(s) for s in samples))
    return found


# ---------------------------------------------------------------------------------------------- pure helpers

def live_status(p: ProfileStatus, now: int) -> str:
    """The badge of a profile at `now`: core's status re-evaluated, and `cooldown` while one runs."""
    status: str = p.status
    if p.reason == "refresh_pending":  # another process holds a 9.x refresh claim: it is being refreshed
        return "refreshing"
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


def profile_label(p: ProfileStatus) -> str:
    """The Profile cell. main's profile used by a sub-agent (OpenClaw merges main's store under it) is
    marked at every width, not only in the Source column that wide terminals show."""
    if p.source == "main":
        return _("{profile_id} (main's)").format(profile_id=p.profile_id)
    return p.profile_id


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
    if p.reason == "refresh_failed":  # a 9.x refresh fence that failed: the refresh token is gone
        countdown = _("needs login")
    elif p.reason == "refresh_pending":
        countdown = _("refreshing")
    elif p.status == "missing":
        countdown = _("no expiry")
    elif p.status == "static":
        countdown = _("never")
    else:
        countdown = format_countdown(None if p.expires_ms is None else p.expires_ms - now)
    # Not in the effective order: shown in italics with "-" as its position (not by colour alone).
    unused = "" if p.position else "italic"
    return {
        "pos": _cell(str(p.position) if p.position else "-", unused),
        "id": _cell(profile_label(p), unused),
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
    for r in rows:
        p = r.profile
        if p is not None:
            w = cell_len(str(p.position)) if p.position else 1
            pos = w if w > pos else pos
            w = cell_len(profile_label(p))
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
            label_source: str = p.source
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

    def __init__(self, cells: dict[str, Any], gen: int, countdown: Any, badge: Any) -> None:
        self.cells = cells
        self.gen = gen
        self.countdown = countdown
        self.badge = badge
        self.strips: dict[tuple[Any, ...], Strip] = {}


EMPTY_TEXT = Text(no_wrap=True, end="")


def format_cell(value: Any) -> Any:
    """A cell as it is drawn: markup strings become one-line Text (as DataTable's formatter makes
    them), Text is drawn as it is, nothing is the empty text."""
    if isinstance(value, str):
        if not value:
            return EMPTY_TEXT
        text = Text.from_markup(value, end="")
        text.no_wrap = True
        return text or EMPTY_TEXT
    return EMPTY_TEXT if value is None else value


class ProfileTable(ScrollView, can_focus=True):
    """The profile rows: one-line rows under a header line, a row cursor, drawn with the Line API.

    It looks and answers keys as a DataTable with `cursor_type="row"` does (the same component
    classes, styles and padding), and costs what is on screen: a row's cells are made when it is
    first drawn or asked for, the countdown and badge of a made row are brought up to the last tick
    when read again (a tick rewrites the rows on screen only), column widths are measured from the
    rows' texts, and each row's lines are cached and invalidated per row: a tick or a reorder repaints
    the rows it changed, a cursor move the two rows it touched.
    """

    DEFAULT_CSS = """
    ProfileTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .datatable--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .datatable--header {
                background-tint: $foreground 5%;
            }
        }
        & > .datatable--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .datatable--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .datatable--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .datatable--header-cursor {
            background: $accent-darken-1;
            color: $foreground;
        }
        & > .datatable--header-hover {
            background: $accent 30%;
        }
        & > .datatable--hover {
            background: $block-hover-background;
        }
    }
    """
    # DataTable's names, so the app's stylesheet styles both tables alike.
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "datatable--cursor", "datatable--hover", "datatable--header", "datatable--header-cursor",
        "datatable--header-hover",
    }
    # DataTable's keys for a row cursor. Enter opens the profile's details (the screen handles
    # RowSelected): say so in the help.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Details", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("right", "cursor_right", "Cursor right", show=False),  # a row cursor: scroll sideways
        Binding("left", "cursor_left", "Cursor left", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("ctrl+home", "scroll_top", "Top", show=False),
        Binding("ctrl+end", "scroll_bottom", "Bottom", show=False),
        Binding("home", "scroll_home", "Home", show=False),
        Binding("end", "scroll_end", "End", show=False),
    ]
    HEADER_HEIGHT = 1
    CELL_PADDING = 1

    class _RowMessage(Message):
        """A row of the table, by index and key (the two messages below)."""

        def __init__(self, table: ProfileTable, cursor_row: int, row_key: str | None) -> None:
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row
            self.row_key = row_key

        @property
        def control(self) -> ProfileTable:
            return self.table

    class RowHighlighted(_RowMessage):
        """The cursor moved to another row."""

    class RowSelected(_RowMessage):
        """Enter on a row, or a click on the cursor's row."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows_shown: list[RowInfo] = []
        self.columns_shown: tuple[str, ...] = ()
        self.widths: dict[str, int] = {}
        self.labels: list[Text] = []  # the header's labels, one per shown column
        self._index: dict[str, int] = {}  # row key -> index in rows_shown
        self._by_key: dict[str, RowInfo] = {}
        self._entries: dict[str, _Entry] = {}
        self._header_strips: dict[tuple[Any, ...], Strip] = {}
        self._styles: dict[tuple[Any, ...], tuple[Style, Style]] = {}
        self._pseudo: Any = None  # the widget's pseudo-class state at the last render (focus, theme)
        self.cursor_row = 0
        self.hover_row = 0
        self.show_hover = False  # the mouse's faint cursor: hidden once the keyboard is used
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

    # -- rows and cells

    @property
    def row_count(self) -> int:
        return len(self.rows_shown)

    def get_row_index(self, key: str) -> int:
        """The index of the row `key`; KeyError if it is not shown."""
        return self._index[key]

    def get_cell(self, row_key: str, column: str) -> Any:
        """A shown column's cell of a row (an escaped markup string or a shared badge)."""
        return self._entry(row_key).cells[column]

    def get_row_at(self, index: int) -> list[Any]:
        """The cells of the shown columns of the row at `index`."""
        cells = self._entry(self.rows_shown[index].key).cells
        return [cells[column] for column in self.columns_shown]

    def current_row(self) -> RowInfo | None:
        if not 0 <= self.cursor_row < len(self.rows_shown):
            return None
        return self.rows_shown[self.cursor_row]

    def _entry(self, key: str) -> _Entry:
        entry = self._entries.get(key)
        if entry is None:
            r = self._by_key[key]
            c = row_cells(r, self._now, key in self._refreshing)
            entry = _Entry({k: c[k][0] for k in self.columns_shown}, self._gen, c["countdown"][0], c["status"][0])
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
                    entry.cells["countdown"] = countdown
                    changed += 1
        kind = "refreshing" if key in self._refreshing else live_status(p, now)
        label = badges().get(kind) or badge(kind)
        if label is not entry.badge:
            entry.badge = entry.cells["status"] = label
            changed += 1
        if changed:
            entry.strips.clear()
        return changed

    # -- showing rows

    def show(self, rows: list[RowInfo], now: int, keep: str | None, available: int,
             refreshing: frozenset[str] = frozenset()) -> None:
        """Rebuild for `rows`, fitting `available` cells of width; the cursor stays on `keep` if it can."""
        self.rebuilds += 1
        widths = rows_column_widths(rows)
        self._available = available  # as asked: patch compares what it is asked with
        self._scrollbar = len(rows) + self.HEADER_HEIGHT > (self.size.height or 0)
        if self._scrollbar:
            available -= 2  # room for the vertical scrollbar
        columns = choose_columns(widths, available)
        self._now, self._refreshing = now, refreshing
        self._gen += 1
        labels = dict(COLUMNS)
        self.columns_shown = columns
        self.labels = [Text.from_markup(_(labels[key]) if key != "pos" else labels[key]) for key in columns]
        self.widths = widths
        self.rows_shown = rows
        self._by_key = {r.key: r for r in rows}
        self._index = {r.key: i for i, r in enumerate(rows)}
        self._entries.clear()
        self._header_strips.clear()
        self.next_cooldown_end = _next_cooldown_end(rows, now)
        self.virtual_size = Size(sum(widths[k] + 2 * self.CELL_PADDING for k in columns),
                                 len(rows) + self.HEADER_HEIGHT)
        index = 0
        if rows:
            if keep is not None:
                found = self._index.get(keep)
                # the row is gone (deleted, filtered): stay near where we were
                index = found if found is not None else min(self.last_index, len(rows) - 1)
            if index == 0 and rows[0].kind == "provider" and len(rows) > 1 and keep is None:
                index = 1  # start on the first profile, not on its provider header
        self.cursor_row = -1  # the move below highlights and announces it
        self.refresh()
        self.move_cursor(row=index, scroll=True)

    def patch(self, rows: list[RowInfo], now: int, keep: str | None, available: int,
              refreshing: frozenset[str] = frozenset()) -> bool:
        """Show `rows` by rewriting only the rows that differ from those shown (a reorder swaps two),
        when that gives exactly what `show` would: same length, the changed rows' keys permuted among
        themselves, and column widths unchanged. Returns False (nothing done) otherwise."""
        old = self.rows_shown
        if available != self._available or len(rows) != len(old) or not self.columns_shown:
            return False
        if (len(rows) + self.HEADER_HEIGHT > (self.size.height or 0)) != self._scrollbar:
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
        for i in changed:
            self._index[rows[i].key] = i
            self._entries.pop(rows[i].key, None)  # made again (at `now`) when next read
            self.refresh_row(i)
        self.next_cooldown_end = _next_cooldown_end(rows, now)
        if changed and keep is not None:
            index = self._index.get(keep)
            if index is not None:
                self.move_cursor(row=index, scroll=True)
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
        top = max(0, int(self.scroll_y))
        return range(top, min(len(self.rows_shown), top + max(0, self.size.height - self.HEADER_HEIGHT) + 1))

    def refresh_row(self, index: int) -> None:
        self.refresh_lines(index + self.HEADER_HEIGHT)

    def clear_render_cache(self) -> None:
        """Forget every rendered line (they are rendered again when next drawn)."""
        self._styles.clear()
        self._header_strips.clear()
        for entry in self._entries.values():
            entry.strips.clear()

    def notify_style_update(self) -> None:
        self.clear_render_cache()
        super().notify_style_update()

    # -- the cursor

    def move_cursor(self, *, row: int, animate: bool = False, scroll: bool = True) -> None:
        """Put the cursor on `row` (kept within the rows), repaint the two rows it touched, say so
        (RowHighlighted) and scroll it into view."""
        row = max(0, min(row, len(self.rows_shown) - 1))
        old = self.cursor_row
        if row != old:
            self.cursor_row = row
            if old >= 0:
                self.refresh_row(old)
            self.refresh_row(row)
            if self.rows_shown:
                self.last_index = row
                self.post_message(self.RowHighlighted(self, row, self.rows_shown[row].key))
        if scroll:
            self._scroll_cursor_into_view(animate)

    def _scroll_cursor_into_view(self, animate: bool = False) -> None:
        width = max(self.size.width, self.virtual_size.width)
        region = Region(int(self.scroll_x), self.cursor_row + self.HEADER_HEIGHT, width, 1)
        self.scroll_to_region(region, animate=animate, spacing=Spacing(self.HEADER_HEIGHT, 0, 0, 0), force=True)

    def _keyboard(self) -> None:
        if self.show_hover:
            self.show_hover = False
            self.refresh_row(self.hover_row)

    def action_cursor_up(self) -> None:
        self._keyboard()
        self.move_cursor(row=self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self._keyboard()
        self.move_cursor(row=self.cursor_row + 1)

    def action_cursor_right(self) -> None:
        self._keyboard()
        self.action_scroll_right()  # as DataTable: nothing to scroll lets the key go on to the screen

    def action_cursor_left(self) -> None:
        self._keyboard()
        self.action_scroll_left()

    def _page(self) -> int:
        return max(0, self.scrollable_content_region.height - self.HEADER_HEIGHT)

    def action_page_down(self) -> None:
        self._keyboard()
        height = self._page()
        target = min(len(self.rows_shown) - 1, self.cursor_row + height)  # DataTable's page, for 1-line rows
        self.scroll_relative(y=height, animate=False, force=True)
        self.move_cursor(row=target, scroll=False)

    def action_page_up(self) -> None:
        self._keyboard()
        height = self._page()
        target = max(0, self.cursor_row - height)
        self.scroll_relative(y=-height, animate=False)
        self.move_cursor(row=target, scroll=False)

    def action_scroll_top(self) -> None:
        self._keyboard()
        self.move_cursor(row=0)

    def action_scroll_bottom(self) -> None:
        self._keyboard()
        self.move_cursor(row=len(self.rows_shown) - 1)

    def action_scroll_home(self) -> None:
        self._keyboard()
        self.scroll_x = 0

    def action_scroll_end(self) -> None:
        self._keyboard()
        self.scroll_x = self.max_scroll_x

    def action_select_cursor(self) -> None:
        self._keyboard()
        row = self.current_row()
        if row is not None:
            self.post_message(self.RowSelected(self, self.cursor_row, row.key))

    # -- the mouse: a faint cursor under it; a click moves the cursor, a second click selects

    def on_mouse_move(self, event: events.MouseMove) -> None:
        row = event.style.meta.get("row") if event.style.meta else None
        if row is None:
            if self.show_hover:
                self.show_hover = False
                self.refresh_row(self.hover_row)
            return
        if row != self.hover_row or not self.show_hover:
            old, self.hover_row, self.show_hover = self.hover_row, row, True
            self.refresh_row(old)
            self.refresh_row(row)

    def on_leave(self, event: events.Leave) -> None:
        if self.show_hover:
            self.show_hover = False
            self.refresh_row(self.hover_row)

    def on_click(self, event: events.Click) -> None:
        row = event.style.meta.get("row") if event.style.meta else None
        if row is None or row < 0 or row >= len(self.rows_shown):
            return  # the header, or below the rows
        event.stop()
        again = row == self.cursor_row
        self.move_cursor(row=row, animate=True)
        if again:
            self.action_select_cursor()

    # -- rendering: the Line API

    def render_lines(self, crop: Region) -> list[Strip]:
        self._pseudo = self.get_pseudo_class_state()  # focus and theme change the cursor's look
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        x1 = int(self.scroll_x)
        row_index = -1 if y < self.HEADER_HEIGHT else y - self.HEADER_HEIGHT + int(self.scroll_y)
        return self._line(row_index, x1, x1 + self.size.width, self.rich_style)

    def _line(self, row_index: int, x1: int, x2: int, base_style: Style) -> Strip:
        width = self.size.width
        if row_index < 0:
            key, cache = None, self._header_strips
        elif row_index >= len(self.rows_shown):
            return Strip.blank(width, base_style)
        else:
            key = self.rows_shown[row_index].key
            cache = self._entry(key).strips
        cursor = row_index == self.cursor_row
        hover = row_index == self.hover_row
        cache_key = (row_index, x1, x2, width, cursor, hover, self.show_hover, base_style, self._pseudo)
        strip = cache.get(cache_key)
        if strip is None:
            if len(cache) > 16:
                cache.clear()
            strip = Strip(self.row_segments(row_index, key, base_style, cursor, hover))
            strip = strip.crop(x1, x2).adjust_cell_length(width, base_style).simplify()
            cache[cache_key] = strip
        return strip

    def _cell_styles(self, header: bool, hover: bool, cursor: bool) -> tuple[Style, Style]:
        """(style over the cell, style after the cell's own) as DataTable's `_get_styles_to_render_cell`
        makes them for a row cursor (cursor foreground from CSS, background from the cell)."""
        key = (header, hover, cursor, self.show_hover, self._pseudo)
        found = self._styles.get(key)
        if found is None:
            get = self.get_component_rich_style
            style = Style()
            if hover and self.show_hover:
                style += get("datatable--hover")
                if header:
                    style += get("datatable--header-hover")
            if cursor:
                style += get("datatable--cursor")
                if header:
                    style += get("datatable--header-cursor")
            found = self._styles[key] = (style, Style.from_color(color=style.color))
        return found

    def row_segments(self, row_index: int, key: str | None, base_style: Style, cursor: bool,
                     hover: bool) -> list[Segment]:
        """One row's segments over the whole table width (-1: the header line)."""
        self.rows_rendered += 1
        is_header = row_index == -1
        if is_header:
            values: list[Any] = self.labels
            row_style = self.get_component_styles("datatable--header").rich_style
        else:
            assert key is not None
            cells = self._entry(key).cells
            values = [format_cell(cells.get(column)) for column in self.columns_shown]
            row_style = base_style
        component_style, post_style = self._cell_styles(is_header, hover, cursor)
        console, options, padding = self.app.console, self.app.console_options, self.CELL_PADDING
        segments: list[Segment] = []
        table_width = 0
        for column_index, (column, value) in enumerate(zip(self.columns_shown, values, strict=True)):
            width = self.widths[column] + 2 * padding
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
        extend_style = row_style + component_style + Style.from_meta(
            {"row": row_index, "column": 0, "out_of_bounds": True})
        segments.append(Segment(" " * max(0, self.size.width - table_width), extend_style))
        return segments


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




def _next_cooldown_end(rows: list[RowInfo], now: int) -> int:
    return min((r.profile.cooldown_until for r in rows
                if r.profile is not None and r.profile.cooldown_until > now), default=0)
