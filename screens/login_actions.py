"""What the Codex browser login and the device pairing screens do alike: finish, cancel, switch.

Each screen keeps its running login (a callback session or a device poll) under `_flow` and its
worker group in WORKER_GROUP; leaving always cancels the worker and closes the flow first, so a
port is never left bound and a poll never left running.
"""

from __future__ import annotations

import contextlib
from typing import Any

from openclaw_onboard.core.errors import OpenClawError
from openclaw_onboard.screens.results import LoginResult, LoginSaved
from textual.screen import Screen


class LoginActions(Screen[LoginResult]):
    """The actions, on the screens that mix them in (a Screen itself, so that its workers and dismiss are typed)."""

    WORKER_GROUP: str
    phase: str
    profile_id: str | None

    def _take_flow(self) -> Any:  # the running login object, removed from the screen
        raise NotImplementedError

    async def _close_flow(self) -> None:
        flow = self._take_flow()
        if flow is not None:
            with contextlib.suppress(OpenClawError):
                await flow.cancel()

    async def _leave(self, result: LoginResult) -> None:
        self.phase = "cancelled"
        self.workers.cancel_group(self, self.WORKER_GROUP)
        await self._close_flow()
        self.dismiss(result)

    def action_continue(self) -> None:
        if self.phase == "saved" and self.profile_id is not None:
            self.dismiss(LoginSaved(self.profile_id))

    async def action_cancel(self) -> None:
        if self.phase == "saved" and self.profile_id is not None:
            self.dismiss(LoginSaved(self.profile_id))
            return
        await self._leave("cancelled")
