"""Step 1: which agent gets the credential. Lists agents with profile counts and their worst status;
adds a new agent (validated name, optional copy of another agent's profiles).

`AgentSelectScreen(state=None, clock=None)` dismisses with `AgentChosen(agent_id)` or "quit".
The new agent's directory (and the copy of another agent's store, which may wait on its lock) is
written in a worker thread, never on the event loop.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path

from openclaw_onboard.core.agents import AgentSummary, agent_summaries, validate_agent_id
from openclaw_onboard.core.clock import now_ms as default_clock
from openclaw_onboard.core.errors import OpenClawError
from openclaw_onboard.core.i18n import N_, _, ngettext
from openclaw_onboard.core.paths import DEFAULT_AGENT_ID, state_dir
from openclaw_onboard.core.textwidth import cells, pad, truncate
from openclaw_onboard.screens.base import WizardScreen
from openclaw_onboard.screens.i18n import status_label, tr
from openclaw_onboard.screens.results import AgentChosen, AgentSelectResult
from openclaw_onboard.screens.widgets import FittingFooter, WizardInput, WizardOptionList, WizardSelect
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.markup import escape
from textual.reactive import var
from textual.widget import AwaitMount
from textual.widgets import Button, Header, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

ADD_OPTION_ID = "__add__"
# The word says it; a problem is also bold. No colour: the row may be under the (blue) cursor.
STATUS_STYLE = {"expiring": "b", "expired": "b", "missing": "b"}


def home_relative(path: Path, env: Mapping[str, str] | None = None) -> str:
    """`~/.openclaw` rather than `/home/me/.openclaw`."""
    home = (os.environ if env is None else env).get("HOME", "").rstrip("/")
    text = str(path)
    if home and (text == home or text.startswith(home + "/")):
        return "~" + text[len(home):]
    return text


def status_markup(status: str | None) -> str:
    if status is None:
        return "[i]{}[/]".format(_("no profiles yet"))
    label = _("ok (static)") if status == "static" else status_label(status)
    style = STATUS_STYLE.get(status)
    return f"[{style}]{label}[/]" if style else label


def agent_prompt(summary: AgentSummary, width: int = 16, exists: bool = True) -> str:
    # Padded in cells before escaping: a CJK name takes two cells a character, and escaping adds characters.
    name = escape(pad(summary.agent_id, width))
    if summary.error:
        return "[b]{}[/]  [b]{}[/] [i]{}[/]".format(name, _("unreadable store"), escape(truncate(summary.error, 60)))
    count, inherited = summary.profile_count, summary.inherited_count
    profiles = pad(ngettext("{n} profile", "{n} profiles", count).format(n=count), 11)
    new = "" if exists else "  [i]{}[/]".format(_("(new)"))
    worst = status_markup(summary.worst_status) if count or inherited else "[i]{}[/]".format(_("no profiles yet"))
    # A sub-agent uses main's profiles too (OpenClaw merges them): counted apart from its own, after the status
    # (of all it uses) so the columns stay aligned.
    main = "  [i]{}[/]".format(ngettext("+{n} from main", "+{n} from main", inherited).format(n=inherited)) \
        if inherited else ""
    return f"[b]{name}[/]  {profiles}  {worst}{main}{new}"


ADD_FORM_AFTER_S = 0.2  # after the first frame, before a person has read the list and pressed `a`


class AddAgentForm(Vertical):
    """The "New agent" form: a name, the agent to copy profiles from, Create and Cancel. Shown by the
    screen's `-adding` class; its events are handled by AgentSelectScreen."""

    def __init__(self, copy_sources: list[tuple[str, str]]) -> None:
        super().__init__(id="add-form")
        self.copy_sources = copy_sources

    def compose(self) -> ComposeResult:
        with Horizontal(classes="form-row"):
            yield tr(Label(classes="form-label"), lambda: _("Name"))
            yield tr(WizardInput(id="agent-name", max_length=64, compact=True),
                     lambda: _("e.g. work (lowercase letters, digits, - or _)"))
        # Under the name it explains, above the Copy-from dropdown (which opens downwards over
        # whatever follows it).
        yield Static("", id="add-error", classes="error", markup=False)
        with Horizontal(classes="form-row"):
            yield tr(Label(classes="form-label"), lambda: _("Copy from"))
            yield tr(WizardSelect(self.copy_sources, id="copy-from", allow_blank=True, compact=True),
                     lambda: _("nobody (start empty)"), "prompt")
        with Horizontal(id="add-buttons"):
            yield tr(Button(id="add-create", variant="primary", compact=True), lambda: _("Create agent"))
            yield tr(Button(id="add-cancel", compact=True), lambda: _("Cancel"))

    def on_mount(self) -> None:
        tr(self, lambda: _("New agent"), "border_title")


class AgentSelectScreen(WizardScreen[AgentSelectResult]):
    CSS_PATH = "agent_select.tcss"
    TITLE = N_("OpenClaw onboarding")
    SUB_TITLE = N_("1 · Choose an agent")
    BINDINGS = [
        Binding("a", "show_add", N_("Add agent")),
        Binding("escape", "escape", N_("Close form / quit")),
        Binding("q", "quit_wizard", N_("Quit")),
    ]

    # The add form's state: watchers show it and its error line (CSS classes), nothing refreshes by hand.
    adding: var[bool] = var(False)
    add_error: var[str] = var("")
    creating: var[bool] = var(False)

    def __init__(self, state: Path | None = None, clock: Callable[[], int] | None = None,
                 env: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.env = env
        self.state = state if state is not None else state_dir(env)
        self.clock = clock or default_clock
        self.summaries: list[AgentSummary] = []
        self._add_form_mounted: AwaitMount | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        with Vertical(id="agent-body"):
            yield tr(Static(id="agent-title", classes="title"),
                     lambda: _("Which agent should get the new credential?"))
            where = escape(home_relative(self.state, self.env))
            yield tr(Static(id="agent-help", classes="help"),
                     lambda: _("Each agent keeps its own logins in {path}").format(
                         path=f"[b]{where}/agents/<id>/agent/[/]"))
            yield WizardOptionList(id="agents")
            # The add form (AddAgentForm) is mounted below the list the first time it is asked for.
        yield FittingFooter()

    def on_mount(self) -> None:
        try:
            self.reload()
            self.query_one("#agents", OptionList).focus()
        except NoMatches:
            # Mashing found it (seed 1203, under load): keys that close this screen can be handled before its
            # mount event, whose list is then gone with it. Only that is harmless.
            if self.is_attached and self.query("#agent-body"):
                raise
            return
        # The add form (Input, Select, Buttons: Textual's largest stylesheets, ~30 ms) is mounted, hidden,
        # shortly after the first frame: not before it (issue #15); not right after it either, where its
        # work delayed the frame's bytes reaching the terminal; and not on `a`, since keys typed while it
        # was being mounted went to the list and were lost (`a` then "work" at once, in tmux).
        self.set_timer(ADD_FORM_AFTER_S, self._mount_add_form)

    def _mount_add_form(self) -> AwaitMount | None:
        if self._add_form_mounted is None and self.is_attached:
            form = AddAgentForm(self._copy_sources())
            self._add_form_mounted = self.query_one("#agent-body", Vertical).mount(form)
        return self._add_form_mounted

    async def _show_add_form(self) -> AddAgentForm:
        """The add form, mounted now if the first frame has not been shown yet."""
        mounted = self._mount_add_form()
        if mounted is not None:
            await mounted  # also when `a` comes while it is being mounted
        return self.query_one(AddAgentForm)

    def watch_adding(self, adding: bool) -> None:
        self.set_class(adding, "-adding")

    def watch_add_error(self, error: str) -> None:
        for line in self.query("#add-error").results(Static):  # none before the form was first shown
            line.update(error)
        self.set_class(bool(error), "-add-error")

    def retranslate(self) -> None:
        super().retranslate()
        agents = self.query_one("#agents", OptionList)
        highlighted = agents.highlighted
        self.reload()  # the rows' words (profiles, status)
        agents.highlighted = highlighted

    # -- data ---------------------------------------------------------------------------------------
    def reload(self, select: str | None = None) -> None:
        try:
            self.summaries = agent_summaries(self.state, self.clock())
        except OpenClawError as exc:
            self.summaries = []
            self.notify(escape(str(exc)), severity="error")  # error text quotes names: no markup
        known = {s.agent_id for s in self.summaries}
        rows = list(self.summaries)
        if DEFAULT_AGENT_ID not in known:
            rows.insert(0, AgentSummary(DEFAULT_AGENT_ID, 0, None))
        width = max([cells(r.agent_id) for r in rows] + [8])
        options: list[Option | None] = [
            Option(agent_prompt(r, width, exists=r.agent_id in known), id=r.agent_id) for r in rows
        ]
        options.append(None)
        options.append(Option("[b]{}[/]".format(_("+ Add a new agent…")), id=ADD_OPTION_ID))
        agents = self.query_one("#agents", OptionList)
        agents.clear_options()
        agents.add_options(options)
        target = select or DEFAULT_AGENT_ID
        for index, row in enumerate(rows):
            if row.agent_id == target:
                agents.highlighted = index
        for select_widget in self.query("#copy-from").results(Select):  # none before the form was shown
            select_widget.set_options(self._copy_sources())

    def _copy_sources(self) -> list[tuple[str, str]]:
        """"Copy from" choices: the agents that have profiles."""
        return [(s.agent_id, s.agent_id) for s in self.summaries if s.profile_count]

    # -- events -------------------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#agents")
    async def _agent_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id == ADD_OPTION_ID:
            showing = self.action_show_add()
            if showing is not None:
                await showing
        elif event.option.id:
            self.dismiss(AgentChosen(event.option.id))

    def action_show_add(self) -> Awaitable[None] | None:
        """Show the form and focus the name, at once when the form is mounted (as it is once the first frame
        is out): an awaiting action lets the keys typed after `a` reach the list before the focus moves.
        Only before that frame is there something to wait for (the returned awaitable)."""
        name = next(iter(self.query("#agent-name").results(WizardInput)), None)
        if name is None:
            return self._show_add_once_mounted()
        self._open_add_form(name)
        return None

    async def _show_add_once_mounted(self) -> None:
        form = await self._show_add_form()
        name = next(iter(form.query("#agent-name").results(WizardInput)), None)
        if name is None:  # the screen was replaced while its form was being mounted: nothing to show
            return
        self._open_add_form(name)

    def _open_add_form(self, name: WizardInput) -> None:
        self.add_error = ""
        self.adding = True
        self.set_focus(name)  # now, not through name.focus()'s queued callback: the next key may already be read

    def hide_add(self) -> None:
        self.adding = False
        self.add_error = ""
        self.query_one("#agent-name", WizardInput).value = ""
        self.query_one("#copy-from", Select).clear()
        self.query_one("#agents", OptionList).focus()

    def action_escape(self) -> None:
        if self.adding:
            self.hide_add()
        else:  # the first step: esc asks, as ctrl+c does (OnboardApp's question), rather than quitting at once
            ask = getattr(self.app, "action_request_quit", None)
            if ask is not None:
                ask()
            else:
                self.dismiss("quit")

    def action_quit_wizard(self) -> None:
        self.dismiss("quit")

    @on(WizardInput.Changed, "#agent-name")
    def _name_changed(self, event: WizardInput.Changed) -> None:
        # The error was about the old text: editing the name takes it away.
        self.add_error = ""

    @on(WizardInput.Submitted, "#agent-name")
    @on(Button.Pressed, "#add-create")
    def create_agent(self, event: WizardInput.Submitted | Button.Pressed | None = None) -> None:
        if event is not None:
            event.stop()
        if self.creating:  # a second Enter while the first is being written
            return
        name = self.query_one("#agent-name", WizardInput).value
        select = self.query_one("#copy-from", Select)
        # Textual 8's "nothing chosen" is Select.NULL (Select.BLANK is False): is_blank() covers both.
        copy_from = None if select.is_blank() else str(select.value)
        try:
            validate_agent_id(name)
        except OpenClawError as exc:
            self.add_error = str(exc)
            self.query_one("#agent-name", WizardInput).focus()
            return
        self.creating = True
        self._create_worker(name, copy_from)

    @work(thread=True, exclusive=True, group="add-agent", exit_on_error=False)
    def _create_worker(self, name: str, copy_from: str | None) -> None:
        from openclaw_onboard.core.usecases.agents import add_agent
        from openclaw_onboard.core.usecases.outcome import Verdict

        outcome = add_agent(name, copy_auth_from=copy_from, state=self.state)
        if outcome.verdict is Verdict.NOTHING_SAVED or outcome.agent_id is None:
            self.app.call_from_thread(self._create_failed, outcome.message)
            return
        self.app.call_from_thread(self._created, outcome.agent_id, copy_from)

    def _create_failed(self, error: str) -> None:
        self.creating = False
        if self.is_attached:
            self.add_error = error
            self.query_one("#agent-name", WizardInput).focus()

    def _created(self, agent_id: str, copy_from: str | None) -> None:
        self.creating = False
        if not self.is_attached:
            return
        self.notify(_('Agent "{agent_id}" created with {source}\'s profiles').format(
            agent_id=agent_id, source=copy_from) if copy_from else _('Agent "{agent_id}" created').format(
            agent_id=agent_id))
        self.hide_add()
        self.reload(select=agent_id)

    @on(Button.Pressed, "#add-cancel")
    def _cancel_add(self, event: Button.Pressed) -> None:
        event.stop()
        self.hide_add()
