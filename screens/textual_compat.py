"""Every use of Textual's private API by the wizard, in one place (Textual is pinned: see pyproject.toml).

Each name here is a class or attribute Textual does not export; tests/tui/test_textual_compat.py
checks each one against the installed Textual, so an upgrade that renames or reshapes one fails
there, by name, instead of somewhere in a screen.

- `FooterKey`: the footer's key widget (FittingFooter sets its `compact` before the first paint).
- `SelectCurrent`, `SelectOverlay`, `SelectType`: a Select's parts (WizardSelect swaps the overlay for
  one that pages safely).
- `ToggleButton`: the base of Checkbox and RadioButton (tr() sets its `label`).
- `option_line_known`: OptionList's option-to-line map (`_update_lines`, `_index_to_line`), which
  its `_move_page` reads and raises on when the highlighted option is not laid out.
- `select_type_to_search`: what a Select was built with (`_type_to_search`), handed to its overlay.
- `PagingGuard`: an OptionList whose `_move_page` (page up/down) returns instead of raising.
- `pending_result_callback`: the callback a screen's `dismiss` would call (`_result_callbacks`), for a
  screen dismissed while a modal covers it.
- `key_binding_chain`: the nodes and bindings the app tries a non-priority key against, focused widget
  first (`Screen._modal_binding_chain`, what `App._check_bindings` walks), for a text field that runs a
  bound key in typing order (screens.widgets.WizardInput).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from textual.binding import BindingsMap
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import OptionList
from textual.widgets._footer import FooterKey
from textual.widgets._select import SelectCurrent, SelectOverlay, SelectType
from textual.widgets._toggle_button import ToggleButton

__all__ = ["FooterKey", "PagingGuard", "SelectCurrent", "SelectOverlay", "SelectType", "ToggleButton",
           "key_binding_chain", "option_line_known", "pending_result_callback", "select_type_to_search"]


def option_line_known(option_list: OptionList) -> bool:
    """Whether the highlighted option of `option_list` has a line (OptionList's `_move_page` needs it)."""
    option_list._update_lines()
    return (option_list.highlighted or 0) in option_list._index_to_line


def select_type_to_search(select: Any) -> bool:
    """The `type_to_search` a Select was made with."""
    return bool(select._type_to_search)


def key_binding_chain(screen: Screen[Any]) -> list[tuple[DOMNode, BindingsMap]]:
    """Where the app looks up a non-priority key, in its order: the focused widget, its ancestors, the screen,
    and the app unless a modal screen hides it."""
    return list(screen._modal_binding_chain)


def pending_result_callback(screen: Any) -> Callable[[Any], None] | None:
    """The callback `screen.dismiss(result)` would call with its result (None: none waiting)."""
    callbacks = screen._result_callbacks
    return callbacks[-1] if callbacks else None


class PagingGuard(OptionList):
    """Page up/down that cannot crash.

    Textual's `_move_page` reads the line of the highlighted option, which is not laid out while the
    list has no room (a Select's dropdown as it opens, a list in a terminal a few lines high):
    KeyError. Found by key mashing.
    """

    def _move_page(self, direction: Literal[-1, 1]) -> None:
        if not option_line_known(self):
            return
        super()._move_page(direction)
