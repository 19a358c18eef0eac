"""The help screen (`?` or F1): every key of the screen underneath, generated from its bindings.

Nothing here is written by hand: each row comes from an active binding (the focused widget's, the
screen's and the app's), so the help can never disagree with what the keys do. Keys bound to the same
action are shown on one row (`K / shift+↑`); system bindings without a description are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openclaw_onboard.core.i18n import N_, _
from openclaw_onboard.screens.base import WizardModal
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

# Textual's generic keys that every screen has (focus moves, copy): noise in a per-screen help.
_GENERIC_ACTIONS = {"app.focus_next", "app.focus_previous", "focus_next", "focus_previous", "screen.copy_text",
                    "copy_text"}


@dataclass(frozen=True)
class HelpRow:
    keys: str
    description: str
    where: str  # "screen", "field" (the focused widget) or "app"


def help_rows(screen: Screen[object]) -> list[HelpRow]:
    """The keys active on `screen` now, one row per description, in binding order."""
    app = screen.app
    grouped: dict[str, tuple[list[str], str]] = {}
    for key, active in screen.active_bindings.items():
        binding: Binding = active.binding
        if binding.action in _GENERIC_ACTIONS:
            continue
        # The tooltip is the longer wording (the footer has room for the short description only).
        description = binding.tooltip or binding.description
        if not description:
            continue
        node = active.node
        where = "app" if node is app else "screen" if node is screen else "field"
        shown = app.get_key_display(Binding(key, binding.action, description))
        # One row per description: keys that say the same thing do the same thing (j and ↓).
        keys, _ = grouped.setdefault(description, ([], where))
        if shown not in keys:
            keys.append(shown)
    rows = [HelpRow(" / ".join(keys), description, where) for description, (keys, where) in grouped.items()]
    order = {"screen": 0, "field": 1, "app": 2}
    return sorted(rows, key=lambda r: order[r.where])


def help_title(screen: Screen[Any], app: App[Any]) -> str:
    """The help screen's title: the screen's title and sub-title (already in the current language)."""
    parts = (screen.title or app.title, screen.sub_title or "")
    return " · ".join(t for t in parts if t) or type(screen).__name__


class HelpScreen(WizardModal[None]):
    """Lists `help_rows(screen)` for the screen it was opened over; any of esc, q, ?, F1 closes it."""

    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,q,question_mark,f1,enter", "close", N_("Close help"))]

    def __init__(self, screen: Screen[object], title: str) -> None:
        super().__init__()
        self.under = screen
        self.rows = help_rows(screen)
        self.title_text = title

    def compose(self) -> ComposeResult:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        section = ""
        titles = {"screen": _("This screen"), "field": _("In the focused field"), "app": _("Everywhere")}
        for row in self.rows:
            if row.where != section:
                section = row.where
                grid.add_row(Text(titles[section], style="underline"), "")
            grid.add_row(Text(row.keys), Text(row.description))
        with Vertical(id="help-box"):
            yield Static(Text.assemble((_("Keys: "), "bold"), self.title_text), id="help-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(grid, id="help-body")
            yield Static(_("esc, q, ? or F1 closes this help"), id="help-hint")

    async def retranslate(self) -> None:
        """Another language: the rows (translated bindings) and the title of the screen underneath."""
        super().retranslate()
        self.rows = help_rows(self.under)
        self.title_text = help_title(self.under, self.app)
        await self.recompose()

    def action_close(self) -> None:
        self.dismiss(None)
