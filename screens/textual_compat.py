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
- `event_clock`: the clock Textual stamps events with (`textual._time.get_time`), to compare with `event.time`.
- `CrashHooksApp`: an App whose unhandled exceptions (`_handle_exception`, Textual's only way in) go to two
  methods with public names: `exception_is_harmless` (drop it) and `crash_report` (the one line printed,
  through `_print_error_renderables`, instead of Textual's traceback with locals); what Textual's own
  handler records (`_return_code`, `_exception`, `_exception_event`, `_close_messages_no_wait`) is kept
  so `run_test` still re-raises.
- `SafeCommandPalette`: Textual's palette whose command-gathering worker (`_gather_commands`, in
  `_GATHER_COMMANDS_GROUP`) and list actions (`_action_command_list`) survive the palette closing under them.
- `key_binding_chain`: the nodes and bindings the app tries a non-priority key against, focused widget
  first (`Screen._modal_binding_chain`, what `App._check_bindings` walks), for a text field that runs a
  bound key in typing order (screens.widgets.WizardInput).

app/ uses these too (the app layer may import screens/): one module holds every private name.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from textual import _time, work
from textual.app import App
from textual.binding import BindingsMap
from textual.command import CommandPalette
from textual.css.query import NoMatches
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import OptionList
from textual.widgets._footer import FooterKey
from textual.widgets._select import SelectCurrent, SelectOverlay, SelectType
from textual.widgets._toggle_button import ToggleButton

__all__ = ["CrashHooksApp", "FooterKey", "PagingGuard", "SafeCommandPalette", "SelectCurrent", "SelectOverlay",
           "SelectType", "ToggleButton", "event_clock", "key_binding_chain", "option_line_known",
           "pending_result_callback", "select_type_to_search"]

ReturnType = TypeVar("ReturnType")


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


def event_clock() -> float:
    """Now, on the clock `events.Key.time` and every message's `time` are read from."""
    return _time.get_time()


class CrashHooksApp(App[ReturnType]):
    """An App whose unhandled exceptions go to `exception_is_harmless` and `crash_report`.

    Textual's own handler prints a traceback with local variables when the app exits (tokens, in
    token code); an app that answers `crash_report` with a line prints that line alone instead.
    """

    crash_line: str | None = None  # what is printed once the terminal is restored (None: Textual's output)

    def exception_is_harmless(self, error: Exception) -> bool:
        """True: `error` is dropped (logged by the override, if it wants); the app goes on."""
        return False

    def crash_report(self, error: Exception) -> str | None:
        """The one line to print instead of Textual's traceback (None: Textual's own output)."""
        return None

    def _handle_exception(self, error: Exception) -> None:
        if self.exception_is_harmless(error):
            return
        if self.crash_line is None:  # the first error is the one worth a report
            self.crash_line = self.crash_report(error)
        if self.crash_line is None:
            super()._handle_exception(error)
            return
        # Textual's bookkeeping without its traceback: exit code 1, and the first error kept for run_test().
        self._return_code = 1
        if self._exception is None:
            self._exception = error
            self._exception_event.set()
        self._close_messages_no_wait()

    def _print_error_renderables(self) -> None:
        """Called by Textual once the terminal is restored: our one line, written as is (no wrapping)."""
        if self.crash_line is None:
            super()._print_error_renderables()
            return
        self._exit_renderables.clear()
        with contextlib.suppress(Exception):
            sys.stderr.write(self.crash_line + "\n")
            sys.stderr.flush()


class SafeCommandPalette(CommandPalette):
    """Textual's palette, minus a crash: its command-gathering worker queries the palette's widgets,
    and a fast Enter/Esc closes the palette first (NoMatches 'CommandList' took the whole app down)."""

    @work(exclusive=True, group=CommandPalette._GATHER_COMMANDS_GROUP, exit_on_error=False)
    async def _gather_commands(self, search_value: str) -> None:
        if not self.is_attached:
            return
        with contextlib.suppress(NoMatches):  # the palette closed while gathering
            # The undecorated method (@work wraps it with functools.wraps), which typeshed's types do not show.
            await CommandPalette._gather_commands.__wrapped__(self, search_value)  # type: ignore[attr-defined]

    def _action_command_list(self, action: str) -> None:
        # page up/down before the list was laid out: Textual's OptionList raises KeyError.
        with contextlib.suppress(KeyError, IndexError, NoMatches):
            super()._action_command_list(action)
