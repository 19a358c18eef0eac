"""Step 3c: GitHub Copilot's device login, on the device-pairing screen (its code, address, QR code,
countdown, copy keys and Esc). The login is core.usecases.cli_logins.CopilotLoginFlow: the use case the
CLI's `login --provider github-copilot` runs, so both faces store the same profile, github-copilot:github.

`CopilotLoginScreen(agent_id, state=None, env=None, clock=None, open_browser=True, login_factory=None)`
dismisses with a `screens.results.LoginResult`: LoginSaved(profile_id) or "cancelled".
"""

from __future__ import annotations

from typing import Any

from openclaw_onboard.core.i18n import N_
from openclaw_onboard.screens.device_login import DeviceLoginScreen


class CopilotLoginScreen(DeviceLoginScreen):
    SUB_TITLE = N_("3 · GitHub Copilot device login")
    PAIR_TITLE = N_("Sign in to GitHub (Copilot) for agent {agent_id}")
    ASKING = N_("Asking GitHub for a code…")
    HAS_BROWSER_LOGIN = False

    def _new_login(self) -> Any:
        if self.login_factory is not None:
            return self.login_factory(agent_id=self.agent_id, state=self.state, env=self.env)
        from openclaw_onboard.core.usecases.cli_logins import CopilotLoginFlow

        return CopilotLoginFlow(self.agent_id, self.state, self.env)
