"""Small widgets shared by the onboarding screens.

`WizardInput`: an Input whose cursor blink follows the app (snapshots freeze it) and whose keys act in the
order they were typed (see `WizardInput.on_key`).
`PasteInput`: Textual's Input keeps only the first line of a bracketed paste; a long token or
redirect URL that the terminal wrapped over several lines must arrive whole, so every line is
kept and all whitespace removed (whitespace is never part of a token, a code or a URL).
`SecretInput`: a masked PasteInput with a reveal toggle (ctrl+r).
`WizardOptionList`: an OptionList whose page up/down never raises (Textual's can, right after a reload).
`GuardedInput`: a plain field (provider, profile name, expiry) that refuses a pasted secret: a paste that
looks like a token or key is handed to the screen (`SecretPasted`) instead of being shown in clear text.
"""

from __future__ import annotations

import re
from typing import Any

from openclaw_onboard.core.i18n import N_
from openclaw_onboard.core.textwidth import cells
from openclaw_onboard.screens.textual_compat import (
    FooterKey,
    PagingGuard,
    SelectCurrent,
    SelectOverlay,
    SelectType,
    key_binding_chain,
    select_type_to_search,
)
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Footer, Input, Select

_WHITESPACE = re.compile(r"\s+")
_TOKENISH = re.compile(r"[A-Za-z0-9_\-.=+/]+")


def looks_like_secret(text: str) -> bool:
    """A pasted token/key rather than a provider, profile name or duration: long, one word, has digits.

    Profile names with an email (`work@example.com`) and ids (`openrouter:work`) never match.
    """
    t = _WHITESPACE.sub("", text or "")
    return (len(t) >= 24 and "@" not in t and ":" not in t and bool(_TOKENISH.fullmatch(t))
            and any(c.isdigit() for c in t))


def app_cursor_blink(widget: Input) -> bool:
    """Whether inputs should blink: the app may turn it off (`input_cursor_blink`, for snapshots)."""
    try:
        return bool(getattr(widget.app, "input_cursor_blink", True))
    except Exception:  # no active app (unit use)
        return True


class WizardInput(Input):
    """Input that honours the app's `input_cursor_blink` switch and keeps typed keys in order."""

    class KeyDone(Message):
        """Posted after a non-printable key was handled here; it follows that key's messages (a Submitted)
        up to the app, which then hands over the keys typed behind it (app.tui `OnboardApp.on_event`)."""

    def on_mount(self) -> None:
        if not app_cursor_blink(self):
            self.cursor_blink = False

    async def on_key(self, event: events.Key) -> None:
        """Run a bound key (backspace, arrows, enter, a screen's down/esc...) here, in typing order.

        Textual's Input types a character as its key arrives, but a bound key bubbles up to the app
        first, and the app runs its binding only then: the characters typed right after it in the same
        burst are already in. `abc` Backspace `d` gave `abc` (the backspace deleted the `d`);
        Textual issue #6605. The binding the app would run (the first of the focus chain whose action
        runs) runs now instead, so every key acts in the order it was typed. Priority bindings (ctrl+c,
        F1) were already tried by the app before the key got here.
        """
        if event.is_printable:
            return
        # Posted now, so it reaches the app after the key (if it bubbles) and after what its action posts.
        self.call_next(self.post_message, self.KeyDone())
        if not self.has_focus:
            return
        for node, bindings in key_binding_chain(self.screen):  # as App._check_bindings does, when it bubbled up
            for binding in bindings.key_to_bindings.get(event.key, ()):
                if not binding.priority and await self.app.run_action(binding.action, node):
                    event.stop()
                    event.prevent_default()
                    return
        # Unbound, or no action ran: it bubbles up as before (the app's own tries find the same answer).


class PasteInput(WizardInput):
    """Keeps every line of a paste, with all whitespace removed."""

    def on_paste(self, event: events.Paste) -> None:
        # Runs before Input's own handler (which keeps only the first line); prevent_default skips it.
        event.prevent_default()
        event.stop()
        text = _WHITESPACE.sub("", event.text or "")
        if not text:
            return
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)


class SecretInput(PasteInput):
    """A masked paste-aware input; ctrl+r reveals/hides what was typed."""

    BINDINGS = [Binding("ctrl+r", "toggle_reveal", N_("Reveal/hide"))]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("password", True)
        super().__init__(*args, **kwargs)

    @property
    def revealed(self) -> bool:
        return not self.password

    def action_toggle_reveal(self) -> None:
        self.password = not self.password


class GuardedInput(WizardInput):
    """A non-secret field that never displays a pasted secret: it posts `SecretPasted` instead."""

    class SecretPasted(Message):
        def __init__(self, input: GuardedInput, text: str) -> None:
            super().__init__()
            self.input = input
            self.text = text

    def on_paste(self, event: events.Paste) -> None:
        if looks_like_secret(event.text):
            event.prevent_default()
            event.stop()
            self.post_message(self.SecretPasted(self, event.text))


class WizardOptionList(PagingGuard):
    """OptionList with safe paging."""


class GuardedSelectOverlay(SelectOverlay, PagingGuard):  # SelectOverlay first: Textual styles by the first base
    """Select's dropdown with safe paging."""


class WizardSelect(Select[SelectType]):
    """Select whose dropdown pages safely (PageUp on an opening dropdown raised KeyError)."""

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield GuardedSelectOverlay(type_to_search=select_type_to_search(self)).data_bind(compact=Select.compact)


class FittingFooter(Footer):
    """Textual's footer, fitted to its width: compact (no space around a key, one before its text) only when
    its keys would not fit otherwise, and without the palette key (ctrl+p still works, the help lists it)
    when even that is not enough. A Korean or Japanese description takes two cells a character, and a key
    past the edge is simply not shown: the footer scrolls without a scrollbar."""

    def needed_cells(self, compact: bool) -> int:
        """The width the keys take, as Textual's FooterKey pads them (see its DEFAULT_CSS)."""
        seen: set[str] = set()
        total = 0
        for _node, binding, _enabled, _tooltip in self.screen.active_bindings.values():
            palette = binding.key == self.app.COMMAND_PALETTE_BINDING
            if binding.action in seen or not (binding.show or palette):
                continue
            seen.add(binding.action)
            extra = (2 if compact else 5) if palette else (1 if compact else 3)  # palette: border and padding
            total += cells(self.app.get_key_display(binding)) + cells(binding.description) + extra
        return total

    def _fitted(self) -> tuple[bool, bool]:
        width = self.size.width or self.app.size.width
        compact = self.needed_cells(False) > width
        return compact, not compact or self.needed_cells(True) <= width

    def compose(self) -> ComposeResult:
        compact, palette = self._fitted()  # before the keys are made: they bind to `compact`
        self.set_reactive(Footer.compact, compact)
        self.set_reactive(Footer.show_command_palette, palette)
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                # Each key is born with the style it ends up with (first paint): else it is styled, then
                # restyled when its `compact` (True by default) is first watched, and again when bound to the
                # footer's. Textual binds every key but the palette's, which stays compact.
                if not widget.has_class("-command-palette"):
                    widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(widget.compact, "-compact", update=False)
            yield widget

    def on_resize(self) -> None:
        compact, palette = self._fitted()
        if (compact, palette) != (self.compact, self.show_command_palette):
            self.compact, self.show_command_palette = compact, palette
