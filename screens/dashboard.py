"""Profile-status dashboard: every credential of one agent, in effective order, with live countdowns.

This module is the screen (loading, filter, messages, actions); the table, its rows and cells live in
`screens.profile_table`. Data comes from `core.status.agent_status`; every change is a use case the CLI
runs too (`core.usecases.profiles`: set/clear order, remove, undo, refresh; kept in order with the undo
history by `core.profile_edits`), which lock and write atomically, in a thread so a store held by another
process never freezes the screen. The table is rebuilt only when the data changes (our own writes, or
another process's, detected by polling `os.stat` of the files every half second); the one-second tick
only rewrites the countdown and status cells whose text changed.

Dismisses with a `screens.results.DashboardResult`: "quit" (q), "agents" (esc) or AddCredential (a).
"""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from openclaw_onboard.core import agentconfig, sqlite_store
from openclaw_onboard.core import paths as paths_mod
from openclaw_onboard.core import status as core_status
from openclaw_onboard.core.clock import now_ms as clock_now
from openclaw_onboard.core.errors import OpenClawError
from openclaw_onboard.core.i18n import N_, _, ngettext
from openclaw_onboard.core.profile_edits import Deletion, OrderWrite, ProfileEdits, UndoRecord
from openclaw_onboard.core.status import AgentStatus, agent_status
from openclaw_onboard.core.textwidth import cells
from openclaw_onboard.core.timefmt import format_countdown, format_utc
from openclaw_onboard.core.usecases.outcome import Verdict
from openclaw_onboard.screens.agent_select import home_relative
from openclaw_onboard.screens.base import WizardScreen
from openclaw_onboard.screens.confirm import ConfirmScreen
from openclaw_onboard.screens.i18n import status_label, tr
from openclaw_onboard.screens.profile_details import ProfileDetailsScreen
from openclaw_onboard.screens.profile_table import (
    COUNT_STYLES,
    STATUS_ORDER,
    ProfileTable,
    RowInfo,
    build_rows,
    live_status,
    with_provider_rows,
)
from openclaw_onboard.screens.results import AddCredential, DashboardResult
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.reactive import var
from textual.widgets import Footer, Input, Static

__all__ = ["DashboardScreen", "format_countdown", "live_status"]

POLL_INTERVAL_S = 0.5
TICK_INTERVAL_S = 1.0


def _format(msgid: str, **fields: Any) -> str:
    return _(msgid).format(**fields)


def undo_what(record: UndoRecord) -> str:
    """What an undo record undoes, in the current language."""
    if isinstance(record, Deletion):
        return _("delete {profile_id}").format(profile_id=record.profile_id)
    if record.moved is not None:
        return _("move {profile_id}").format(profile_id=record.moved)
    return _("clear order of {provider}").format(provider=record.provider)


ORDER_PREVIEW_MIN_CELLS = 40  # an order's ids in a reorder's message get at least this much room


def order_preview(order: Sequence[str], room: int = 160) -> str:
    """An order as the message line says it: its ids while they fit `room` cells, then "… (+N more)"
    (within the room too). Every K/J says it: with 400 profiles the whole list was 12,000 characters
    to lay out per press, most of it cut off anyway."""
    def rest(more: int) -> str:
        return " … " + ngettext("(+{n} more)", "(+{n} more)", more).format(n=more)

    if cells(", ".join(order)) <= room:
        return ", ".join(order)
    budget = room - cells(rest(len(order)))
    shown: list[str] = []
    used = 0
    for pid in order:
        used += cells(pid) + (2 if shown else 0)
        if used > budget and shown:
            break
        shown.append(pid)
    return ", ".join(shown) + rest(len(order) - len(shown))


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while thousands of long-lived objects are made (a status read,
    its rows and the table's): each collection of the oldest generation walks every object of the
    app, and a 2,000-profile open triggered several (~40 ms each); they are collected once after."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _update_static(widget: Static, text: Text) -> None:
    """`widget.update(text)`, skipped when the text is the same, and without a layout of the screen
    when its height provably stays: as many lines as before, each (then and now) within the width, so
    nothing wraps. The summary changes every second and the message on every K/J: each update was a
    layout and a repaint of the whole screen."""
    before = getattr(widget, "_shown_text", None)
    if before is not None and before == text and before.style == text.style:  # Text's == skips the style
        return
    width = widget.content_region.width
    old_lines = before.plain.split("\n") if before is not None else None
    new_lines = text.plain.split("\n")
    same_shape = (old_lines is not None and width > 0 and len(old_lines) == len(new_lines)
                  and all(cells(line) <= width for line in (*old_lines, *new_lines)))
    widget._shown_text = text  # type: ignore[attr-defined]  # kept on the Static it was shown in
    widget.update(text, layout=not same_shape)


# What a key cannot do on a row that is not a profile, by the key's verb (whole sentences: word order).
CANNOT_ON_ENV = {"move": N_("Cannot move an environment key; select a profile row."),
                 "delete": N_("Cannot delete an environment key; select a profile row."),
                 "test": N_("Cannot test an environment key; select a profile row."),
                 "refresh": N_("Cannot refresh an environment key; select a profile row.")}
CANNOT_ON_PROVIDER = {"move": N_("Cannot move a provider header; select a profile row."),
                      "delete": N_("Cannot delete a provider header; select a profile row."),
                      "test": N_("Cannot test a provider header; select a profile row."),
                      "refresh": N_("Cannot refresh a provider header; select a profile row.")}


def _stat_sig(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


# ---------------------------------------------------------------------------------------------- the screen

class DashboardScreen(WizardScreen[DashboardResult]):
    """Per-agent profile status with live countdowns and keyboard reordering."""

    CSS_PATH = "dashboard.tcss"
    SUB_TITLE = N_("Profile dashboard")
    AUTO_FOCUS = "#dash-table"
    # Labels say what moves: a profile (K/J, saved) or the cursor (j/k, like ↑/↓). The footer shows
    # the everyday keys that fit 80 columns; `?` lists them all.
    BINDINGS = [
        Binding("escape", "leave", N_("Agents")),
        Binding("q", "quit_dashboard", N_("Quit"), show=False),
        Binding("K,shift+up", "move(-1)", N_("Move up"), key_display="K",
                tooltip=N_("Move the profile up in the order (saved at once)")),
        Binding("J,shift+down", "move(1)", N_("Move down"), key_display="J",
                tooltip=N_("Move the profile down in the order (saved at once)")),
        Binding("j", "cursor(1)", N_("Cursor down"), show=False),
        Binding("k", "cursor(-1)", N_("Cursor up"), show=False),
        Binding("u", "undo", N_("Undo"), tooltip=N_("Undo the last reorder, clear or delete")),
        Binding("c", "clear_order", N_("Clear order"), show=False),
        Binding("r", "refresh_profile", N_("Refresh"), show=False),
        Binding("t", "test_profile", N_("Test key"), show=False, tooltip=N_("Test the selected key with one request")),
        Binding("d", "delete", N_("Delete")),
        Binding("a", "add", N_("Add")),
        Binding("slash", "filter", N_("Filter"), key_display="/"),
        Binding("enter", "details", N_("Details"), show=False),
        Binding("n,ctrl+right", "switch_agent(1)", N_("Next agent"), show=False),
        Binding("p,ctrl+left", "switch_agent(-1)", N_("Previous agent"), show=False),
    ]

    # What the message line says (None: the default hint); its watcher writes the widget.
    message: var[Text | None] = var(None, init=False, always_update=True)  # Text == ignores the style
    filter_text: var[str] = var("", init=False)
    busy: var[bool] = var(False)  # a store write is running in a thread

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
        self.refreshing: set[tuple[str, str]] = set()  # (agent_id, profile_id)
        self._sig: tuple[Any, ...] | None = None
        # Reorders (shown at once, saved by one writer in press order) and the undo history: core's model.
        self.edits = ProfileEdits(state)
        self._order_writer_running = False
        self._orders_idle = asyncio.Event()  # set while no reorder is waiting to be written
        self._orders_idle.set()
        self._said: tuple[Callable[[], str], str] | None = None  # the message line's maker and style
        self._load_gen = 0  # bumped by every reload: a read in a thread that lands late is dropped
        # (counted at, valid until, counts per live status, next expiry): see _summary_counts
        self._summary_cache: tuple[int, int, dict[str, int], tuple[int, str] | None] | None = None
        self._loads_running = 0

    # -- layout

    def compose(self) -> ComposeResult:
        yield Static(id="dash-title")
        yield Static(id="dash-summary")
        yield Static(id="dash-message")
        yield tr(Input(id="dash-filter"),
                 lambda: _("filter: part of a profile id, provider or email (enter: done, escape: clear)"))
        yield ProfileTable(id="dash-table")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#dash-filter", Input).display = False
        self.reload(keep=self.highlight)
        self._update_message()
        self.set_interval(TICK_INTERVAL_S, self.tick, name="dashboard-countdown")
        self.set_interval(POLL_INTERVAL_S, self.poll_files, name="dashboard-poll")

    @property
    def table(self) -> ProfileTable:
        return self.query_one("#dash-table", ProfileTable)

    # -- loading

    def _watched_paths(self) -> list[Path]:
        ap = paths_mod.agent_paths(self.agent_id, self.state)
        state = ap.state
        main = paths_mod.agent_paths(paths_mod.DEFAULT_AGENT_ID, state)
        # The SQLite era's databases and their write-ahead logs too (a commit grows the -wal, a checkpoint
        # rewrites the database): an order 9.x set meanwhile is seen before our next save, not written over.
        databases = [sqlite_store.state_db_path(str(state)), sqlite_store.agent_db_path(str(ap.agent_dir)),
                     sqlite_store.agent_db_path(str(main.agent_dir))]
        return [ap.store, ap.auth_state, ap.legacy_auth, paths_mod.config_path(state), paths_mod.env_file_path(state),
                main.store, *(Path(db) for db in databases), *(Path(f"{db}-wal") for db in databases)]

    def _signature(self) -> tuple[Any, ...]:
        return (self.agent_id, *(_stat_sig(p) for p in self._watched_paths()))

    def reload(self, keep: str | None = None, patch: bool = True) -> None:
        """Re-read the agent's status and update the table, keeping the cursor on `keep` (or where it
        was). Only the rows that changed are rewritten when that shows the same as a rebuild (`patch`):
        the reload after our own reorder, or another process's write that changed a few profiles.
        Reads on the event loop: for opening and switching; `reload_in_thread` for the rest."""
        self._load_gen += 1
        self._sig = self._signature()
        with gc_paused():
            self._apply_read(self._read_status(self.agent_id), keep, patch)

    def _read_status(self, agent_id: str) -> AgentStatus | str:
        """The agent's status from disk, or the error to show (runs in a thread or on the loop)."""
        try:
            return agent_status(agent_id, self.state, self.env, self.clock())
        except OpenClawError as exc:
            return str(exc)

    def _apply_read(self, read: AgentStatus | str, keep: str | None = None, patch: bool = True) -> None:
        """Show a status read (with the reorders still being saved applied) or its error."""
        if keep is None:
            keep = self.current_key()
        if isinstance(read, str):
            self.status, self.rows, self.load_error = None, [], read
        else:
            self.status = self.edits.apply_intended(read)
            self.rows = build_rows(self.status)
            self.load_error = None
        self._summary_cache = None
        self.rebuild_table(keep, patch=patch)
        self.update_header()

    def reload_in_thread(self) -> None:
        """Reload with the files read in a thread (20,000 profiles take a third of a second to read):
        the screen keeps answering keys meanwhile; a newer reload supersedes an older one."""
        self._load_gen += 1
        self._sig = self._signature()  # before the read: a write landing during it is seen by the next poll
        self._load_worker(self._load_gen, self.agent_id)

    @property
    def reading(self) -> bool:
        """A reload's read is running in a thread. (Not `loading`: that is Textual's loading-indicator reactive.)"""
        return self._loads_running > 0

    @work(group="dashboard-load", exit_on_error=False)
    async def _load_worker(self, gen: int, agent_id: str) -> None:
        self._loads_running += 1
        try:
            read = await asyncio.to_thread(self._read_status, agent_id)
        finally:
            self._loads_running -= 1
        if gen == self._load_gen and agent_id == self.agent_id and self.is_attached and not self.saving_order:
            with gc_paused():
                self._apply_read(read)

    def poll_files(self) -> None:
        """Reload when another process changed one of the agent's files (cheap `os.stat` per call)."""
        if self.busy or self.saving_order or self.reading:
            return  # our own write is landing (its completion reloads), or a read is under way
        if self._signature() != self._sig:
            self.reload_in_thread()
        elif self.table.next_cooldown_end and self.clock() >= self.table.next_cooldown_end:
            self.reload_in_thread()  # a cooldown ended: the effective order changes

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

    def _refreshing_here(self) -> frozenset[str]:
        return frozenset(pid for (agent, pid) in self.refreshing if agent == self.agent_id)

    def rebuild_table(self, keep: str | None = None, patch: bool = False) -> None:
        """`patch`: rewrite only the rows that changed when that shows the same (a reorder: two rows,
        not thousands), else rebuild."""
        now = self.clock()
        available = max(self.size.width or self.app.size.width, 40)
        rows, refreshing = self.visible_rows(), self._refreshing_here()
        if not (patch and self.table.patch(rows, now, keep, available, refreshing)):
            self.table.show(rows, now, keep, available, refreshing)
        self.update_summary(now)

    def current_row(self) -> RowInfo | None:
        return self.table.current_row()

    def current_key(self) -> str | None:
        row = self.current_row()
        return row.key if row else None

    # -- countdowns

    def tick(self) -> int:
        """Rewrite the countdown/status cells whose text changed (one repaint); returns how many changed."""
        if not self.is_attached or self.status is None:
            return 0
        now = self.clock()
        changed = self.table.tick(now, self._refreshing_here())
        self.update_summary(now)
        return changed

    # -- header and summary

    def update_header(self) -> None:
        agents = self.agent_ids()
        index = agents.index(self.agent_id) + 1 if self.agent_id in agents else 0
        title = Text.assemble((_("OpenClaw auth profiles"), "bold"), "  ·  ", _("agent") + " ",
                              (self.agent_id, "bold"),
                              (" " + _("({index}/{count}, n/p to switch)").format(index=index, count=len(agents))
                               if len(agents) > 1 else ""))
        self.query_one("#dash-title", Static).update(title)

    def update_summary(self, now: int | None = None) -> None:
        now = self.clock() if now is None else now
        summary = self.query_one("#dash-summary", Static)
        if self.status is None:
            _update_static(summary, Text(self.load_error or _("Loading…"), style="bold"))
            self.set_class(self.load_error is not None, "-load-error")
            return
        self.set_class(False, "-load-error")
        counts, next_exp = self._summary_counts(now)
        parts: list[Any] = []
        for kind in STATUS_ORDER:
            if counts[kind]:
                # The word carries the meaning; the colour only repeats it (readable without colour).
                parts += [(f"{status_label(kind)} ", COUNT_STYLES[kind]), (str(counts[kind]), "bold"), "  "]
        env_count = sum(len(ps.env_keys) for ps in self.status.providers)
        if env_count:
            parts += [_("env keys") + " ", (str(env_count), "bold"), "  "]
        if not env_count and not any(ps.profiles for ps in self.status.providers):
            parts += [(_("no credentials yet: press a to add one") + "  ", "bold")]
        if next_exp is not None:
            # Its own line: at 80 columns the counts and the next expiry do not fit on one.
            parts += ["\n" + _("next expiry") + " ", (next_exp[1], "bold"),
                      " " + _("in {countdown}").format(countdown=format_countdown(next_exp[0] - now).strip()),
                      f" ({format_utc(next_exp[0])})"]
        else:
            parts += ["\n" + _("nothing expires")]
        _update_static(summary, Text.assemble(*parts))

    def _summary_counts(self, now: int) -> tuple[dict[str, int], tuple[int, str] | None]:
        """Profiles per live status and the next expiry at `now`. Counted once, then reused until a
        profile may change its badge (its expiry, the warning window before it, or its cooldown's end):
        the one-second tick costs the rows on screen, not a pass over thousands of profiles."""
        assert self.status is not None
        cache = self._summary_cache
        if cache is not None and cache[0] <= now < cache[1]:
            return cache[2], cache[3]
        counts = dict.fromkeys(STATUS_ORDER, 0)
        next_exp: tuple[int, str] | None = None
        until = 1 << 62
        window = core_status.WARN_WINDOW_MS
        for p in self.status.profiles:
            kind = live_status(p, now)
            counts[kind] = counts.get(kind, 0) + 1
            expires = p.expires_ms
            if expires is not None and p.status not in ("missing", "static"):
                if expires > now and (next_exp is None or expires < next_exp[0]):
                    next_exp = (expires, p.profile_id)
                for at in (expires - window, expires):
                    if now < at < until:
                        until = at
            if now < p.cooldown_until < until:
                until = p.cooldown_until
        self._summary_cache = (now, until, counts, next_exp)
        return counts, next_exp

    def watch_message(self) -> None:
        self._update_message()

    def _update_message(self) -> None:
        widget = self.query_one("#dash-message", Static)
        if self.message is not None:
            _update_static(widget, self.message)
        elif self.status is not None and (self.status.problems or self.status.warnings):
            items = [*self.status.problems, *self.status.warnings]
            more = len(items) - 1
            tail = " " + ngettext("(+{n} more)", "(+{n} more)", more).format(n=more) if more else ""
            _update_static(widget, Text(f"⚠ {items[0]}{tail}"))
        elif self.filter_text:
            _update_static(widget, Text(_("filter: {text}  (/ to change, escape to clear)").format(
                text=repr(self.filter_text))))
        else:
            _update_static(widget, Text(_("K/J reorder (saved at once) · u undo · enter details · ? all keys")))

    def _order_message(self, msgid: str, provider: str, order: Sequence[str]) -> str:
        """`msgid` with the order's ids that fit the message line's one line (whatever the language)."""
        fixed = cells(_(msgid).format(provider=provider, order=""))
        width = self.query_one("#dash-message", Static).content_region.width or self.app.size.width - 2
        return _(msgid).format(provider=provider,
                               order=order_preview(order, max(ORDER_PREVIEW_MIN_CELLS, width - fixed)))

    def say(self, text: str | Callable[[], str], style: str = "") -> None:
        """The message line; a callable `text` is made again in another language after a switch."""
        make = text if callable(text) else (lambda: text)
        self._said = (make, style)
        self.message = Text(make(), style=style)

    def retranslate(self) -> None:
        super().retranslate()
        self.update_header()
        self.rebuild_table(self.current_key())
        if self.message is not None and self._said is not None:
            make, style = self._said
            self.message = Text(make(), style=style)
        self._update_message()

    # -- agents

    def agent_ids(self) -> list[str]:
        agents = agentconfig.list_agents(self.state)
        if self.agent_id not in agents:
            agents = [self.agent_id, *agents]
        return agents

    def action_switch_agent(self, step: int) -> None:
        agents = self.agent_ids()
        if len(agents) < 2:
            self.say(lambda: _("This is the only agent."))
            return
        self.agent_id = agents[(agents.index(self.agent_id) + step) % len(agents)]
        self.message = None
        self.table.last_index = 0
        self.reload(keep="", patch=False)
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
        self.dismiss("agents")

    def action_quit_dashboard(self) -> None:
        self.dismiss("quit")

    def action_add(self) -> None:
        self.dismiss(AddCredential(self.agent_id))

    # -- filter

    def action_filter(self) -> None:
        filt = self.query_one("#dash-filter", Input)
        filt.display = True
        filt.focus()

    @on(Input.Changed, "#dash-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip()

    def watch_filter_text(self) -> None:
        self.rebuild_table(self.current_key(), patch=True)
        self._update_message()

    @on(Input.Submitted, "#dash-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self._close_filter(clear=True)
        else:
            self.table.focus()

    def _close_filter(self, clear: bool) -> None:
        filt = self.query_one("#dash-filter", Input)
        if clear:
            filt.value = ""
            self.filter_text = ""
        filt.display = False
        self.table.focus()
        self._update_message()

    # -- details

    def action_details(self) -> None:
        row = self.current_row()
        if row is None or row.kind == "provider":
            return
        if row.kind == "env":
            env_file = home_relative(paths_mod.env_file_path(self.state), self.env)
            variable, masked, source = row.env_var, row.env_masked, row.env_source
            self.say(lambda: _("${variable} = {masked}, from {where}. Change it there.").format(
                variable=variable, masked=masked, where=env_file if source == "env-file" else _("the environment")))
            return
        self.app.push_screen(ProfileDetailsScreen(row.key, self.agent_id, self.state, self.clock, row.profile))

    @on(ProfileTable.RowSelected, "#dash-table")
    def _row_selected(self, event: ProfileTable.RowSelected) -> None:
        event.stop()
        self.action_details()

    # -- reorder and undo (store writes run in a thread; moves go through one order writer, in press order)

    def _profile_row(self, verb: str) -> RowInfo | None:
        row = self.current_row()
        if row is None or row.kind != "profile":
            if row is None:
                self.say(lambda: _("Nothing selected."), "bold")
            elif row.kind == "env":
                self.say(lambda: _(CANNOT_ON_ENV[verb]), "bold")
            else:
                self.say(lambda: _(CANNOT_ON_PROVIDER[verb]), "bold")
            self.app.bell()
            return None
        return row

    @property
    def undo_stack(self) -> list[UndoRecord]:
        return self.edits.undo_stack

    async def _in_thread(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a store read/write off the event loop (it may wait on another process's lock)."""
        self.busy = True
        try:
            return await asyncio.to_thread(fn, *args)
        finally:
            self.busy = False

    @property
    def saving_order(self) -> bool:
        """Reorders are still being written (the table shows the intended order meanwhile)."""
        return self._order_writer_running or self.edits.saving

    def action_move(self, step: int) -> None:
        """Move the profile in the order: shown at once, saved by the order writer (in press order)."""
        row = self._profile_row("move")
        if row is None or self.status is None:
            return
        pid, provider, agent_id = row.key, row.provider, self.agent_id
        ps = next(ps for ps in self.status.providers if ps.provider == provider)
        ordered = [p.profile_id for p in ps.profiles if p.position is not None]
        if pid not in ordered:
            self.say(lambda: _("Press c to clear the order override and use every profile: {profile_id} is not in "
                               "the effective order of {provider} (the order leaves it out).").format(
                profile_id=pid, provider=provider), "bold")
            self.app.bell()
            return
        new = self.edits.move(agent_id, provider, ordered, pid, step)
        if new is None:
            self.app.bell()
            return
        self.status = self.edits.apply_intended(self.status)
        self.rows = with_provider_rows(self.rows, ps)
        self.rebuild_table(keep=pid, patch=True)  # the cursor follows the moved profile
        self.say(lambda: self._order_message(N_("Saving the order of {provider}: {order}"), provider, new), "bold")
        if not self._order_writer_running:
            self._order_writer_running = True
            self._orders_idle.clear()
            # Started once the moved rows are on screen: the write's thread (reading and writing the
            # store) would otherwise hold the interpreter while the frame is being made.
            self.call_after_refresh(self._order_writer)

    async def _wait_for_order_writes(self) -> None:
        """Let pending reorders land first, so undo, clear and delete apply after them."""
        await self._orders_idle.wait()

    @work(group="dashboard-order", exit_on_error=False)
    async def _order_writer(self) -> None:
        """The one order writer: saves queued presses one at a time, each in a thread (the store lock
        may wait on another process), then re-reads the agent in a thread once the queue is empty
        (presses during that read are saved, then read again) and reconciles the table with it."""
        last: OrderWrite | None = None
        read: AgentStatus | str | None = None
        try:
            while True:
                while self.edits.saving:
                    agent_id = self.edits.queue[0].agent_id
                    try:
                        job = await self._in_thread(self.edits.save_next)
                    except OpenClawError as exc:
                        self.say(partial(_format, N_("Could not reorder: {error}"), error=str(exc)), "bold")
                        self._reload_if_here(agent_id)
                        return
                    last = job
                if last is None or not self.is_attached or last.agent_id != self.agent_id:
                    break
                self._load_gen += 1  # supersedes a poll's read under way
                self._sig = self._signature()
                read = await asyncio.to_thread(self._read_status, last.agent_id)
                if not self.edits.saving:
                    break  # else: presses came in during the read; save them, then read again
        finally:
            self._order_writer_running = False
            self._orders_idle.set()
        self.edits.settled()
        if last is None or read is None or not self.is_attached or last.agent_id != self.agent_id:
            return
        with gc_paused():
            self._apply_read(read)
        moved = next((r.profile for r in self.rows if r.key == last.moved), None)
        if moved is not None and moved.in_cooldown:
            self.say(lambda: _("{profile_id} is in cooldown, so it stays last until that ends; order of {provider} "
                               "saved.").format(profile_id=last.moved, provider=last.provider), "bold")
        else:
            self.say(lambda: self._order_message(N_("Order of {provider} saved: {order}"), last.provider,
                                                 last.order), "bold")

    def _reload_if_here(self, agent_id: str, keep: str | None = None) -> bool:
        if not self.is_attached or agent_id != self.agent_id:
            return False
        self.reload(keep=keep)
        return True

    async def action_clear_order(self) -> None:
        row = self.current_row()
        if row is None:
            return
        provider, keep, agent_id = row.provider, row.key, self.agent_id
        await self._wait_for_order_writes()

        try:
            record = await self._in_thread(self.edits.clear_order, agent_id, provider)
        except OpenClawError as exc:
            error = str(exc)
            self.say(lambda: _("Could not clear the order: {error}").format(error=error), "bold")
            return
        if record is None:
            self.say(lambda: _("{provider} has no order override on agent {agent_id}.").format(
                provider=provider, agent_id=agent_id))
            return
        self.say(lambda: _("Order override of {provider} cleared (u to undo).").format(provider=provider), "bold")
        self._reload_if_here(agent_id, keep)

    async def action_undo(self) -> None:
        """Undo the newest change on this agent: an order change or a delete (the credential comes back)."""
        await self._wait_for_order_writes()
        record = self.edits.newest(self.agent_id)
        if record is None:
            self.say(lambda: _("Nothing to undo."))
            self.app.bell()
            return
        keep = record.profile_id if isinstance(record, Deletion) else self.current_key()
        try:
            await self._in_thread(self.edits.undo, record.agent_id)
        except OpenClawError as exc:
            error = str(exc)
            self.say(lambda: _("Could not undo {what}: {error}").format(what=undo_what(record), error=error), "bold")
            return
        self.say(lambda: _("Undone: {what}.").format(what=undo_what(record)), "bold")
        self._reload_if_here(record.agent_id, keep)

    # -- delete

    def action_delete(self) -> None:
        row = self._profile_row("delete")
        if row is None:
            return
        pid, agent_id, provider = row.key, self.agent_id, row.provider
        if row.profile is not None and row.profile.source == "main" and agent_id != paths_mod.DEFAULT_AGENT_ID:
            self._inherited_choice(pid, agent_id)
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                self.say(lambda: _("Nothing deleted."))
                return
            self._delete_worker(pid, provider, agent_id)

        self.app.push_screen(ConfirmScreen(lambda: _("Delete {profile_id} from agent {agent_id}?").format(
                                               profile_id=pid, agent_id=agent_id),
                                           detail=lambda: _("Its credential is removed from auth-profiles.json; "
                                                            "u (undo) on this dashboard puts it back."),
                                           yes=lambda: _("Delete"), no=lambda: _("Keep"), default=False),
                             answered)

    def _inherited_choice(self, pid: str, agent_id: str) -> None:
        """main's profile seen from a sub-agent: copy it here, or remove it from main (both use cases)."""
        from openclaw_onboard.screens.inherited import InheritedChoice, InheritedChoiceResult

        def chosen(choice: InheritedChoiceResult) -> None:
            if choice is None:
                self.say(lambda: _("Nothing changed."))
            else:
                self._inherited_worker(choice, pid, agent_id)

        self.app.push_screen(InheritedChoice(pid, agent_id), chosen)

    @work(group="dashboard-write", exit_on_error=False)
    async def _inherited_worker(self, choice: str, pid: str, agent_id: str) -> None:
        from openclaw_onboard.core.usecases.profiles import copy_profile

        await self._wait_for_order_writes()
        main = paths_mod.DEFAULT_AGENT_ID
        if choice == "copy":
            outcome = await self._in_thread(copy_profile, pid, main, agent_id, self.state)
        else:
            try:  # main's undo history: the dashboard of main (u there) puts it back
                outcome = await self._in_thread(self.edits.delete, main, pid)
            except OpenClawError as exc:
                error = str(exc)
                self.say(lambda: _("Could not delete {profile_id}: {error}").format(profile_id=pid, error=error),
                         "bold")
                return
        self.say(outcome.message, "bold")
        self._reload_if_here(agent_id, pid)

    @work(group="dashboard-write", exit_on_error=False)
    async def _delete_worker(self, pid: str, provider: str, agent_id: str) -> None:
        await self._wait_for_order_writes()
        try:
            outcome = await self._in_thread(self.edits.delete, agent_id, pid)
        except OpenClawError as exc:
            error = str(exc)
            self.say(lambda: _("Could not delete {profile_id}: {error}").format(profile_id=pid, error=error), "bold")
            return
        if outcome.verdict is Verdict.CONFIG_NOT_UPDATED:
            self.say(outcome.message, "bold")  # removed from the store; says how to finish
        else:
            self.say(lambda: _("Deleted {profile_id} from agent {agent_id} (u to undo).").format(
                profile_id=pid, agent_id=agent_id), "bold")
        self._reload_if_here(agent_id)

    # -- refresh

    def action_test_profile(self) -> None:
        row = self._profile_row("test")
        if row is not None and row.profile is not None:
            from openclaw_onboard.screens.probe_action import probe_profile

            probe_profile(self, self.agent_id, row.profile.profile_id, self.state, self.env)

    def action_refresh_profile(self) -> None:
        row = self._profile_row("refresh")
        if row is None:
            return
        p = row.profile
        assert p is not None
        profile_id, kind = p.profile_id, p.type
        if p.type != "oauth":
            self.say(lambda: _("{profile_id} is a {type} credential: it cannot be refreshed, only replaced "
                               "(a to add).").format(profile_id=profile_id, type=kind), "bold")
            return
        key = (self.agent_id, p.profile_id)
        if key in self.refreshing:
            self.say(lambda: _("{profile_id} is already being refreshed…").format(profile_id=profile_id))
            return
        self.refreshing.add(key)
        self.say(lambda: "⟳ " + _("Refreshing {profile_id}…").format(profile_id=profile_id), "bold")
        self.tick()
        self._refresh_worker(self.agent_id, p.profile_id)

    @work(thread=True, group="dashboard-refresh", exit_on_error=False)
    def _refresh_worker(self, agent_id: str, profile_id: str) -> None:
        from openclaw_onboard.core import store as store_mod
        from openclaw_onboard.core.usecases.profiles import refresh_profile

        expires: int | None = None
        try:
            outcome = refresh_profile(profile_id, agent_id, self.state, force=True, now_ms=self.clock())
            if outcome.saved:
                cred = store_mod.load(agent_id, self.state).store.profiles.get(profile_id)
                expires = cred.expires_ms if cred is not None else None
            error = None if outcome.saved else outcome.message.removeprefix(f"{profile_id}: ")
        except Exception as exc:  # anything unexpected: said, never a crash of the screen
            error = f"{type(exc).__name__}: {exc}"
        self.app.call_from_thread(self._refresh_done, agent_id, profile_id, expires, error)

    def _refresh_done(self, agent_id: str, profile_id: str, expires: int | None, error: str | None) -> None:
        self.refreshing.discard((agent_id, profile_id))
        if not self.is_attached:
            return
        if error is not None:
            text = error
            # The verdict first: the line wraps, but the important part must never be the part cut off.
            self.say(lambda: "✗ " + _("{profile_id}: refresh failed. {error}").format(profile_id=profile_id,
                                                                                      error=text), "bold")
        else:
            now = self.clock()
            if expires:
                self.say(lambda: "✓ " + _("Refreshed {profile_id}: now expires {date} (in {countdown}).").format(
                    profile_id=profile_id, date=format_utc(expires),
                    countdown=format_countdown(expires - now).strip()), "bold")
            else:
                self.say(lambda: "✓ " + _("Refreshed {profile_id}: no expiry returned.").format(
                    profile_id=profile_id), "bold")
        if agent_id == self.agent_id:
            self.reload()

    # -- resize: hide or show columns

    def on_resize(self) -> None:
        if self.status is not None or self.load_error is not None:
            # The first Resize comes right after mount, at the size the table was built for: no rebuild.
            self.rebuild_table(self.current_key(), patch=True)
