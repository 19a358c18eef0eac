"""The one answer of every use case (core.usecases): what was saved, or why nothing was."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openclaw_onboard.core.usecases.profiles import UndoRecord


class Verdict(Enum):
    SAVED = "saved"
    NOTHING_SAVED = "nothing-saved"
    # The store was written but openclaw.json was not: `Outcome.fix` says how to finish.
    CONFIG_NOT_UPDATED = "config-not-updated"


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    message: str  # one complete sentence for the user: what happened, or why nothing did
    profile_id: str | None = None
    notes: tuple[str, ...] = ()  # said out loud, not errors (an unknown provider, a kept login)
    details: tuple[str, ...] = ()  # more lines of what was done (the profiles an agent got copied)
    fix: str | None = None  # CONFIG_NOT_UPDATED: the exact command that completes the save
    replaced: bool = False  # SAVED over an existing profile of the same id
    changed: bool = True  # False: the action found nothing to do (clearing an order that was not set)
    agent_id: str | None = None  # add_agent: the agent it made
    undo: UndoRecord | None = None  # remove/set/clear: what core.usecases.profiles.undo needs to put it back

    @property
    def saved(self) -> bool:
        return self.verdict is not Verdict.NOTHING_SAVED


def nothing_saved(reason: str, profile_id: str | None = None, notes: tuple[str, ...] = ()) -> Outcome:
    return Outcome(Verdict.NOTHING_SAVED, reason, profile_id, notes)
