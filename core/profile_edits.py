"""The dashboard's edits of one session, without any UI: reorders waiting to be saved (the order each
provider is meant to have, and the presses in press order), and the undo history (what each saved
reorder, order clear and delete changed, and how to put it back exactly).

The screen shows `apply_intended(status)` and calls the methods below; the writing methods
(`save_next`, `clear_order`, `delete`, `undo`) read and write the files and may wait on another
process's lock, so the screen runs them in a thread, one at a time. Every read and write of the
files goes through `StoreWrites`, the one place to switch to other core functions.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pydantic (~90 ms to import) only when a credential is deleted or restored
    from openclaw_onboard.core.models import AnyCredential
    from openclaw_onboard.core.status import AgentStatus


@dataclass(frozen=True)
class OrderWrite:
    """One K/J press waiting to be saved: `order` is the override it saves for `provider`."""

    agent_id: str
    provider: str
    order: tuple[str, ...]
    moved: str


@dataclass(frozen=True)
class OrderChange:
    """Undo record: `provider`'s order override on `agent_id` was `previous` (None: no override)."""

    agent_id: str
    provider: str
    previous: list[str] | None
    moved: str | None = None  # the profile a K/J moved; None: the override was cleared


@dataclass(frozen=True)
class Removed:
    """Everything a delete took away, with its place: the credential and where it stood in the
    store's profiles, in the override orders, its usage stats and lastGood marks, and its
    `openclaw.json` entry and places (with no override OpenClaw orders by those)."""

    credential: AnyCredential
    store_index: int
    order_at: dict[str, int]  # store order key -> index
    usage: Any = None
    last_good: tuple[str, ...] = ()  # lastGood keys that named the profile
    config_entry: dict[str, Any] | None = None
    config_index: int = 0
    config_order_at: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Deletion:
    """Undo record: `profile_id` was deleted; `removed` puts it back where it was."""

    agent_id: str
    provider: str
    profile_id: str
    removed: Removed


UndoRecord = OrderChange | Deletion


class StoreWrites:
    """The reads and writes the edits make (core.order, core.profiles, core.store, core.config)."""

    def __init__(self, state: Path | None) -> None:
        self.state = state

    def current_override(self, agent_id: str, provider: str) -> list[str] | None:
        from openclaw_onboard.core import order as order_mod
        from openclaw_onboard.core import store as store_mod

        return order_mod.override_order(store_mod.load(agent_id, self.state).store, provider)

    def set_order(self, agent_id: str, provider: str, ids: list[str]) -> None:
        from openclaw_onboard.core import order as order_mod

        order_mod.set_order(provider, ids, agent_id, self.state)

    def clear_order(self, agent_id: str, provider: str) -> None:
        from openclaw_onboard.core import order as order_mod

        order_mod.clear_order(provider, agent_id, self.state)

    def profile_ids(self, agent_id: str, provider: str) -> set[str]:
        from openclaw_onboard.core import store as store_mod

        return set(store_mod.load(agent_id, self.state).store.profiles_for(provider))

    def remove_profile(self, agent_id: str, profile_id: str) -> Removed | None:
        """Delete the profile (core.profiles.remove_profile), having noted everything it removes."""
        from openclaw_onboard.core import config as config_mod
        from openclaw_onboard.core import profiles as profiles_mod
        from openclaw_onboard.core import store as store_mod

        store = store_mod.load(agent_id, self.state).store
        config = config_mod.load_config(self.state).raw.get("auth")
        config = config if isinstance(config, dict) else {}
        config_profiles = p if isinstance(p := config.get("profiles"), dict) else {}
        config_order = o if isinstance(o := config.get("order"), dict) else {}
        ids = list(store.profiles)
        credential = profiles_mod.remove_profile(profile_id, agent_id, self.state)
        if credential is None:
            return None
        return Removed(
            credential=credential,
            store_index=ids.index(profile_id) if profile_id in ids else len(ids),
            order_at={key: lst.index(profile_id) for key, lst in (store.order or {}).items() if profile_id in lst},
            usage=(store.usageStats or {}).get(profile_id),
            last_good=tuple(key for key, pid in (store.lastGood or {}).items() if pid == profile_id),
            config_entry=config_profiles.get(profile_id),
            config_index=list(config_profiles).index(profile_id) if profile_id in config_profiles else 0,
            config_order_at={key: lst.index(profile_id) for key, lst in config_order.items()
                             if isinstance(lst, list) and profile_id in lst})

    def restore_profile(self, agent_id: str, profile_id: str, removed: Removed) -> None:
        """Put back exactly what `remove_profile` removed (a place others filled meanwhile is kept)."""
        from openclaw_onboard.core import config as config_mod
        from openclaw_onboard.core import profiles as profiles_mod
        from openclaw_onboard.core import store as store_mod

        profiles_mod.check_credential_size(removed.credential)

        def mutate(s: Any) -> None:  # may run twice (core.store.update): sets, never adds twice
            if profile_id not in s.profiles:
                items = list(s.profiles.items())
                items.insert(min(removed.store_index, len(items)), (profile_id, removed.credential))
                s.profiles = dict(items)
                s.model_fields_set.add("profiles")
            order = dict(s.order or {})
            for key, at in removed.order_at.items():
                ids = list(order.get(key) or [])
                if profile_id not in ids:
                    ids.insert(min(at, len(ids)), profile_id)
                order[key] = ids
            s.order = order or None
            if removed.usage is not None:
                s.usageStats = {**(s.usageStats or {}), profile_id: removed.usage}
            if removed.last_good:
                s.lastGood = {**{key: profile_id for key in removed.last_good}, **(s.lastGood or {})}

        store_mod.update(mutate, agent_id, self.state)
        config_mod.reinsert_profile(profile_id, removed.config_entry, removed.config_index,
                                    removed.config_order_at, self.state)


class ProfileEdits:
    """Pending reorders and the undo history of one dashboard (every agent it shows)."""

    def __init__(self, writes: StoreWrites) -> None:
        self.writes = writes
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
            previous = self.writes.current_override(job.agent_id, job.provider)
            self.writes.set_order(job.agent_id, job.provider, list(job.order))
        except BaseException:
            self.queue.clear()
            self.intended.clear()
            raise
        self.queue.popleft()
        self.undo_stack.append(OrderChange(job.agent_id, job.provider, previous, job.moved))
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
        previous = self.writes.current_override(agent_id, provider)
        if previous is None:
            return None
        self.writes.clear_order(agent_id, provider)
        record = OrderChange(agent_id, provider, previous)
        self.undo_stack.append(record)
        return record

    def delete(self, agent_id: str, provider: str, profile_id: str) -> Deletion | None:
        removed = self.writes.remove_profile(agent_id, profile_id)
        if removed is None:
            return None  # only an invalid entry was dropped: nothing to give back
        record = Deletion(agent_id, provider, profile_id, removed)
        self.undo_stack.append(record)
        return record

    # -- undo

    def newest(self, agent_id: str) -> UndoRecord | None:
        """The record `undo(agent_id)` would undo."""
        return next((r for r in reversed(self.undo_stack) if r.agent_id == agent_id), None)

    def undo(self, agent_id: str) -> UndoRecord | None:
        """Undo the newest change on `agent_id`; None when there is none. On an error the record stays."""
        record = self.newest(agent_id)
        if record is None:
            return None
        self.restore(record)
        index = next(i for i, r in enumerate(self.undo_stack) if r is record)
        del self.undo_stack[index]
        return record

    def restore(self, record: UndoRecord) -> None:
        if isinstance(record, Deletion):
            self.writes.restore_profile(record.agent_id, record.profile_id, record.removed)
            return
        agent_id, provider = record.agent_id, record.provider
        if record.previous is None:
            self.writes.clear_order(agent_id, provider)
            return
        # Only ids that still exist for the provider (another process may have removed one).
        existing = self.writes.profile_ids(agent_id, provider)
        restored = [pid for pid in record.previous if pid in existing]
        if restored:
            self.writes.set_order(agent_id, provider, restored)
        else:
            self.writes.clear_order(agent_id, provider)
