"""What `d` offers on a profile a sub-agent inherits from main (OpenClaw merges main's store under every
agent): it cannot be deleted from the sub-agent, which has no copy of it. Dismisses with "copy" (copy it
into the sub-agent: core.usecases.profiles.copy_profile), "remove-main" (remove it from main, and so
from every agent that inherits it: remove_profile on main) or None (nothing)."""

from __future__ import annotations

from typing import Literal

from openclaw_onboard.core.i18n import N_, _
from openclaw_onboard.screens.base import WizardModal
from openclaw_onboard.screens.i18n import tr
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

InheritedChoiceResult = Literal["copy", "remove-main"] | None


class InheritedChoice(WizardModal[InheritedChoiceResult]):
    CSS_PATH = "confirm.tcss"  # the yes/no dialog's look (#confirm-dialog, #confirm-question...)
    DEFAULT_CSS = """
    InheritedChoice {
        align: center middle;
        background: $background 60%;
    }
    """
    BINDINGS = [
        Binding("c", "choose('copy')", N_("Copy here")),
        Binding("m", "choose('remove-main')", N_("Remove from main")),
        Binding("n,escape", "choose(None)", N_("Cancel")),
        Binding("left,right", "switch", N_("Switch"), show=False),
    ]

    def __init__(self, profile_id: str, agent_id: str) -> None:
        super().__init__()
        self.profile_id = profile_id
        self.agent_id = agent_id

    def compose(self) -> ComposeResult:
        pid, agent = self.profile_id, self.agent_id
        with Vertical(id="confirm-dialog"):
            yield tr(Static(id="confirm-question", markup=False), lambda: _(
                "{profile_id} belongs to the main agent; agent {agent_id} uses it from there.").format(
                    profile_id=pid, agent_id=agent))
            yield tr(Static(id="confirm-detail", markup=False), lambda: _(
                "Copy it into {agent_id} to have its own (then change or delete it there), or remove it from "
                "main: every agent that uses it loses it (u on main's dashboard puts it back).").format(agent_id=agent))
            with Horizontal(id="confirm-buttons"):
                yield tr(Button(id="choice-copy", variant="primary"),
                         lambda: _("Copy into {agent_id} (c)").format(agent_id=agent))
                yield tr(Button(id="choice-remove-main", variant="error"), lambda: _("Remove from main (m)"))
                yield tr(Button(id="choice-cancel"), lambda: _("Cancel (n)"))

    def on_mount(self) -> None:
        self.query_one("#choice-cancel", Button).focus()  # a stray Enter does nothing

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        choices: dict[str | None, InheritedChoiceResult] = {"choice-copy": "copy", "choice-remove-main": "remove-main"}
        self.dismiss(choices.get(event.button.id))

    def action_choose(self, choice: InheritedChoiceResult) -> None:
        self.dismiss(choice)

    def action_switch(self) -> None:
        self.focus_next(Button)
