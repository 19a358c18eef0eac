"""The dashboard's edits of one session, without any UI: reorders waiting to be saved (the order each
provider is meant to have, and the presses in press order), and the undo history (the records the use
cases return, newest last).

The screen shows `apply_intended(status)` and calls the methods below; the writing methods
(`save_next`, `clear_order`, `delete`, `undo`) run the same use cases as the CLI
(`core.usecases.profiles`: `set_order`, `clear_order`, `remove_profile`, `undo`), which read and write the
files and may wait on another process's lock, so the screen runs them in a thread, one at a time. A
use case that saves nothing raises `EditRefused` here, carrying its outcome.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from openclaw_onboard.core.errors import OpenClawError
from openclaw_onboard.core.usecases.outcome import Outcome
from openclaw_onboard.core.usecases.profiles import Deletion, OrderChange, Removed, UndoRecord

if TYPE_CHECKING:
    from openclaw_onboard.core.status import AgentStatus

__all__ = ["Deletion", "EditRefused", "OrderChange", "OrderWrite", "ProfileEdits", "Removed", "UndoRecord"]


class EditRefused(OpenClawError):
    """A use case saved nothing; str() is its reason."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.message)
        self.outcome = outcome


@dataclass(frozen=True)
class OrderWrite:
    """One K/J press waiting to be saved: `order` is the override it saves for `provider`."""

    agent_id: str
    provider: str
    order: tuple[str, ...]
    moved: str


def _done(outcome: Outcome) -> Outcome:
    if not outcome.saved:
        raise EditRefused(outcome)
    return outcome


class ProfileEdits:
    """Pending reorders and the undo history of one dashboard (every agent it shows)."""

    def __init__(self, state: Path | None, actions: Any = None) -> None:
        """`actions`: what has the use cases' functions (tests pass a stand-in); default core.usecases.profiles."""
        if actions is None:
            from openclaw_onboard.core.usecases import profiles as actions_module

            actions = actions_module
        self.state = state
        self.actions: ModuleType | Any = actions
        self.intended: dict[tuple[str, str], list[str]] = {}  # (agent_id, provider) -> order being saved
        self.queue: deque[OrderWrite] = deque()
        self.undo_stack: list[UndoRecord] = []

    # -- reorders

    def move(self, agent_id: str, provider: str, ordered: Sequence[str], profile_id: str,
             step: int) -> list[str] | None:
        """Press K/J: `profile_id` swaps with its neighbour in `ordered` (the effective order shown).
        Returns the new order (shown at once, queued to be saved), None at either end."""
        i = list(ordered).index(profile_id)
        j = i + step
        if not 0 <= j < len(ordered):
            return None
        new = list(ordered)
        new[i], new[j] = new[j], new[i]
        self.intended[(agent_id, provider)] = new
        self.queue.append(OrderWrite(agent_id, provider, tuple(new), profile_id))
        return new

    @property
    def saving(self) -> bool:
        return bool(self.queue)

    def save_next(self) -> OrderWrite | None:
        """Save the oldest press (its undo record is kept); None when none is waiting. On an error
        nothing more is saved: the presses are dropped, and the screen shows what is on disk."""
        if not self.queue:
            return None
        job = self.queue[0]
        try:
            outcome = _done(self.actions.set_order(job.provider, list(job.order), job.agent_id, self.state))
        except BaseException:
            self.queue.clear()
            self.intended.clear()
            raise
        self.queue.popleft()
        if isinstance(outcome.undo, OrderChange):
            self.undo_stack.append(replace(outcome.undo, moved=job.moved))
        return job

    def settled(self) -> None:
        """Every press is saved and the files were read again: show what is on disk from now on."""
        if not self.queue:
            self.intended.clear()

    def apply_intended(self, status: AgentStatus) -> AgentStatus:
        """`status` with the orders still being saved applied (positions renumbered), so the table
        never flips back to the on-disk order between a press and its write."""
        for ps in status.providers:
            new = self.intended.get((status.agent_id, ps.provider))
            if new is None:
                continue
            by_id = {p.profile_id: p for p in ps.profiles}
            if not set(new) <= set(by_id):
                continue  # a profile went away meanwhile: the read after the write shows the truth
            chosen = set(new)
            # Profiles whose position stays keep their object: the table compares rows by identity
            # first, so a K/J costs the rows it moved, not every profile of the provider.
            ps.profiles = ([p if (p := by_id[pid]).position == i + 1 else p._replace(position=i + 1)
                            for i, pid in enumerate(new)]
                           + [p for p in ps.profiles if p.profile_id not in chosen])
            ps.order_source = "override"
        return status

    # -- other changes

    def clear_order(self, agent_id: str, provider: str) -> OrderChange | None:
        """Remove `provider`'s override; None when it had none (nothing written)."""
        outcome = _done(self.actions.clear_order(provider, agent_id, self.state))
        if not outcome.changed or not isinstance(outcome.undo, OrderChange):
            return None
        self.undo_stack.append(outcome.undo)
        return outcome.undo

    def delete(self, agent_id: str, profile_id: str) -> Outcome:
        """Remove the profile. The outcome is SAVED or CONFIG_NOT_UPDATED (its message says what to do);
        its `undo` is None when only an invalid entry was dropped (nothing to give back)."""
        outcome = _done(self.actions.remove_profile(profile_id, agent_id, self.state))
        if isinstance(outcome.undo, Deletion):
            self.undo_stack.append(outcome.undo)
        return outcome

    # -- undo

    def newest(self, agent_id: str) -> UndoRecord | None:
        """The record `undo(agent_id)` would undo."""
        return next((r for r in reversed(self.undo_stack) if r.agent_id == agent_id), None)

    def undo(self, agent_id: str) -> UndoRecord | None:
        """Undo the newest change on `agent_id`; None when there is none. On an error the record stays."""
        record = self.newest(agent_id)
        if record is None:
            return None
        _done(self.actions.undo(record, self.state))
        index = next(i for i, r in enumerate(self.undo_stack) if r is record)
        del self.undo_stack[index]
        return record
