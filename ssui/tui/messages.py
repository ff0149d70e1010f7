"""Messages that travel up to the app from any widget, or reach it from the mirror."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.worker import Worker, WorkerState

from ssui.mirror.events import WatchBatch


@dataclass
class TaskFailed(Message):
    """A background task failed; the app shows it once, as a toast (this message bubbles)."""

    what: str
    error: BaseException | None

    @property
    def text(self) -> str:
        return (str(self.error) or type(self.error).__name__) if self.error else "unknown error"


@dataclass
class SyncNow(Message):
    """The user asked for fresh data: poll the account now, or restart a stopped sync."""


@dataclass
class EntityChanged(Message):
    """The mirror's rows of one entity changed (posted from the mirror's callbacks).

    ``announce`` is False for the first sync's own progress: rows that fill an empty mirror
    are not news ("+100,000 new" would say nothing).
    """

    entity_key: str
    announce: bool = True

    def can_replace(self, message: Message) -> bool:
        # Textual asks a queued message whether the next one may take its place, and drops
        # it when the answer is yes: the next one must then say everything this one did.
        if not isinstance(message, EntityChanged) or message.entity_key != self.entity_key:
            return False
        if not self.announce and message.announce:
            return False  # the sync's quiet rows then news: merged, the rows would be "new"
        message.announce = message.announce or self.announce
        return True


@dataclass
class WatchArrived(Message):
    """The mirror's watches delivered a batch of events; batches queued back to back merge."""

    batch: WatchBatch

    def can_replace(self, message: Message) -> bool:
        # As for EntityChanged: this one is dropped, so the next one takes its events first.
        if not isinstance(message, WatchArrived):
            return False
        merged = merge_batches(self.batch, message.batch)
        if merged is None:
            return False
        message.batch = merged
        return True


def merge_batches(first: WatchBatch, then: WatchBatch) -> WatchBatch | None:
    """One batch with the events of both, in order; None when that would lose something."""
    if not (isinstance(first, WatchBatch) and isinstance(then, WatchBatch)):
        return None  # not the mirror's batch: its other fields would be lost
    if first.catch_up != then.catch_up:
        return None  # "while ssui was closed" and "just now" are told apart
    return WatchBatch(first.events + then.events, catch_up=first.catch_up)


def failure(event: Worker.StateChanged) -> TaskFailed | None:
    """The TaskFailed to post for a worker state change, if the worker failed.

    Worker state messages do not bubble, so each widget that runs workers turns its own
    failures into this one message, and the app's single handler shows them.
    """
    if event.state is not WorkerState.ERROR:
        return None
    w = event.worker
    return TaskFailed(w.description or w.name or "a background task", w.error)
