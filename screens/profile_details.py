"""Details of one auth profile: every piece of metadata, secrets masked.

Secrets are only shown after an explicit confirmation (`v`, then "Reveal"), and are
masked again with `v` (or by leaving). The screen reads the store itself so that it
always shows what is on disk, not what the dashboard last rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from openclaw_onboard.core.clock import now_ms as clock_now
from openclaw_onboard.core.errors import OpenClawError
from openclaw_onboard.core.i18n import N_, _
from openclaw_onboard.core.masking import mask_secret
from openclaw_onboard.core.timefmt import format_utc
from openclaw_onboard.screens.base import WizardModal
from openclaw_onboard.screens.confirm import ConfirmScreen
from openclaw_onboard.screens.i18n import status_label
from openclaw_onboard.screens.widgets import FittingFooter
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

# Credential fields that hold secrets: masked unless revealed.
SECRET_FIELDS = ("key", "token", "access", "refresh", "idToken")
# Metadata shown in this order; anything else the file carries follows (masked: it may be a secret).
KNOWN_FIELDS = ("type", "provider", "email", "accountId", "projectId", "enterpriseUrl", "displayName", "clientId")
# The pane's own labels, in the reader's language; the other rows are named by their JSON field, as stored.
LABELS = {"type": N_("Type"), "provider": N_("Provider"), "expires": N_("Expires"), "status": N_("Status"),
          "position": N_("Position"), "source": N_("Source")}


def label(name: str) -> str:
    return _(LABELS[name]) if name in LABELS else name
USAGE_FIELDS = ("lastUsed", "cooldownUntil", "disabledUntil", "disabledReason", "errorCount", "lastFailureAt")
TIME_FIELDS = {"lastUsed", "cooldownUntil", "disabledUntil", "lastFailureAt"}


class ProfileDetailsScreen(WizardModal[None]):
    """All metadata of `profile_id` in `agent_id`; `v` reveals secrets after a confirmation."""

    CSS_PATH = "profile_details.tcss"
    BINDINGS = [
        Binding("escape,q", "close", N_("Close")),
        Binding("v", "toggle_reveal", N_("Reveal/mask secrets")),
        Binding("question_mark", "app.help", N_("Help"), key_display="?"),
    ]

    def __init__(self, profile_id: str, agent_id: str = "main", state: Path | None = None,
                 clock: Callable[[], int] | None = None, status: Any | None = None) -> None:
        super().__init__()
        self.profile_id = profile_id
        self.agent_id = agent_id
        self.state = state
        self.clock = clock or clock_now
        self.status = status  # core.status.ProfileStatus when the caller has one
        self.revealed = False
        self.shown_text = ""  # plain text of what the body shows (for tests and copy)

    def compose(self) -> ComposeResult:
        with Vertical(id="details-box"):
            yield Static(id="details-title")
            with VerticalScroll(id="details-scroll"):
                yield Static(id="details-body")
            yield Static(id="details-hint")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.render_details()

    def _load(self) -> tuple[Any, dict[str, Any], str | None]:
        """(credential or None, usage stats dict, error)."""
        from openclaw_onboard.core import store as store_mod

        try:
            loaded = store_mod.load(self.agent_id, self.state)
        except OpenClawError as exc:
            return None, {}, str(exc)
        cred = loaded.store.profiles.get(self.profile_id)
        stats = (loaded.store.usageStats or {}).get(self.profile_id)
        extra: dict[str, Any] = {}
        if isinstance(stats, dict):  # usageStats entries are kept raw, as OpenClaw writes them
            extra = dict(stats)
        last_good = [p for p, pid in (loaded.store.lastGood or {}).items() if pid == self.profile_id]
        if last_good:
            extra["lastGood for"] = ", ".join(last_good)
        return cred, extra, None

    def render_details(self) -> None:
        cred, usage, error = self._load()
        title = self.query_one("#details-title", Static)
        title.update(Text.assemble((_("Profile") + " ", "bold"), (self.profile_id, "bold"),
                                   ("  ·  " + _("agent {agent_id}").format(agent_id=self.agent_id), "italic")))
        body = self.query_one("#details-body", Static)
        hint = self.query_one("#details-hint", Static)
        if cred is None:
            missing = error or _('Auth profile "{profile_id}" not found (it may have been removed).').format(
                profile_id=self.profile_id)
            body.update(Text(missing))
            self.shown_text = missing
            hint.update("")
            return
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        data = cred.dump()
        for name in KNOWN_FIELDS:
            value = data.get(name) if name not in ("type", "provider") else getattr(cred, name)
            if value:
                grid.add_row(label(name), Text(str(value)))
        expires = cred.expires_ms if cred.type != "api_key" else None
        now = self.clock()
        st = self.status
        fenced = st is not None and st.reason in ("refresh_failed", "refresh_pending")
        if fenced:  # a 9.x refresh fence: markers, not tokens, and `expires: 1` is no date
            assert st is not None
            grid.add_row(label("expires"), Text(_("refresh failed: log in again") if st.reason == "refresh_failed"
                                         else _("refresh in progress (another process)"), style="bold"))
        elif expires:
            remaining = expires - now
            from openclaw_onboard.core.timefmt import describe_expiry  # in the reader's language

            grid.add_row(label("expires"), Text(f"{format_utc(expires)}  ({describe_expiry(remaining)})"))
        elif cred.type == "oauth":
            grid.add_row(label("expires"), Text(_("no expiry recorded"), style="bold"))
        else:
            grid.add_row(label("expires"), Text(_("never (static)")))
        if st is not None:
            from openclaw_onboard.screens.profile_table import source_label

            grid.add_row(label("status"), Text(status_label(st.status)))
            grid.add_row(label("position"),
                         Text(str(st.position) if st.position else _("not in the effective order")))
            grid.add_row(label("source"), Text(source_label(st.source)))
        for name in SECRET_FIELDS:
            value = data.get(name)
            if fenced and name in ("access", "refresh"):
                continue  # fence markers: nothing to mask or reveal
            if isinstance(value, str) and value:
                shown = Text(value, style="bold reverse") if self.revealed else Text(mask_secret(value))
                grid.add_row(name, shown)
        for name in ("keyRef", "tokenRef"):
            ref = data.get(name)
            if isinstance(ref, dict):
                grid.add_row(name, Text(f"{ref.get('source')}:{ref.get('provider') or ''}:{ref.get('id')}"))
        known = {*KNOWN_FIELDS, *SECRET_FIELDS, "expires", "keyRef", "tokenRef"}
        for name, value in data.items():
            if name in known:
                continue
            text = str(value)
            if not self.revealed and len(text) > 12:
                text = mask_secret(text)  # unknown fields may be secrets
            grid.add_row(name, Text(text, style="italic"))
        for name, value in usage.items():
            if value in (None, 0, {}, ""):
                continue
            usage_text = format_utc(value) if name in TIME_FIELDS and isinstance(value, int | float) else str(value)
            grid.add_row(f"usage.{name}", Text(usage_text))
        body.update(grid)
        self.shown_text = "\n".join(
            f"{a} {b}" for a, b in zip(grid.columns[0].cells, grid.columns[1].cells, strict=True))
        if self.revealed:
            hint.update(Text(_("Secrets are visible. Press v to mask them again."), style="bold reverse"))
        else:
            hint.update(Text(_("Secrets are masked. Press v to reveal them (asks first).")))

    def retranslate(self) -> None:
        super().retranslate()
        self.render_details()

    def action_close(self) -> None:
        self.revealed = False
        self.dismiss(None)

    def action_toggle_reveal(self) -> None:
        if self.revealed:
            self.revealed = False
            self.render_details()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.revealed = True
                self.render_details()

        self.app.push_screen(
            ConfirmScreen(lambda: _("Show the secrets of {profile_id} in clear text on this screen?").format(
                              profile_id=self.profile_id),
                          detail=lambda: _("Anyone who can see your terminal will see them."),
                          yes=lambda: _("Reveal"), no=lambda: _("Keep masked"), default=False),
            answered,
        )
