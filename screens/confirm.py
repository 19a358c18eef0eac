"""A small reusable yes/no modal: `ConfirmScreen(question, yes="Yes", no="No")` dismisses with a bool.

`question`, `detail`, `yes` and `no` may be callables that return the text: the dialog is then shown
again in another language when the command palette switches it."""

from __future__ import annotations

from collections.abc import Callable

from openclaw_onboard.core.i18n import N_, _
from openclaw_onboard.screens.base import WizardModal
from openclaw_onboard.screens.i18n import tr
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

# A text, or a function that makes it in the current language (shown again after a language switch).
Text = str | Callable[[], str]


def _text(text: Text) -> str:
    return text() if callable(text) else text


class ConfirmScreen(WizardModal[bool]):
    CSS_PATH = "confirm.tcss"
    BINDINGS = [
        Binding("y", "answer(True)", N_("Yes")),
        Binding("n,escape", "answer(False)", N_("No")),
        Binding("left,right", "switch", N_("Switch"), show=False),
    ]

    def __init__(self, question: Text, *, detail: Text | None = None, yes: Text | None = None,
                 no: Text | None = None, default: bool = True) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes_label: Text = yes if yes is not None else (lambda: _("Yes"))
        self.no_label: Text = no if no is not None else (lambda: _("No"))
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield tr(Static(id="confirm-question", markup=False), lambda: _text(self.question))
            if self.detail:
                detail = self.detail
                yield tr(Static(id="confirm-detail", markup=False), lambda: _text(detail))
            with Horizontal(id="confirm-buttons"):
                # The key stays the same in every language: y and n.
                yield tr(Button(id="confirm-yes", variant="primary"),
                         lambda: _("{label} (y)").format(label=_text(self.yes_label)))
                yield tr(Button(id="confirm-no"), lambda: _("{label} (n)").format(label=_text(self.no_label)))

    def on_mount(self) -> None:
        # A mashed key can answer and close the question before its mount event runs: nothing left to focus.
        for button in self.query("#confirm-yes" if self.default else "#confirm-no").results(Button):
            button.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    def action_switch(self) -> None:
        yes = self.query_one("#confirm-yes", Button)
        (self.query_one("#confirm-no", Button) if yes.has_focus else yes).focus()


class QuitConfirm(ConfirmScreen):
    """The ctrl+c question; the app quits at once when ctrl+c comes again while it is open."""
