"""A small reusable yes/no modal: `ConfirmScreen(question, yes="Yes", no="No")` dismisses with a bool."""

from __future__ import annotations

from openclaw_onboard.screens.base import WizardModal
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static


class ConfirmScreen(WizardModal[bool]):
    CSS_PATH = "confirm.tcss"
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
        Binding("left,right", "switch", "Switch", show=False),
    ]

    def __init__(self, question: str, *, detail: str | None = None, yes: str = "Yes", no: str = "No",
                 default: bool = True) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes_label = yes
        self.no_label = no
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(self.question, id="confirm-question", markup=False)
            if self.detail:
                yield Static(self.detail, id="confirm-detail", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.yes_label} (y)", id="confirm-yes", variant="primary")
                yield Button(f"{self.no_label} (n)", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-yes" if self.default else "#confirm-no", Button).focus()

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
