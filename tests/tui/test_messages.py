"""App messages queued back to back merge instead of queueing up, and lose nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from textual.message import Message

from ssui.mirror.events import WatchBatch, WatchEvent, WatchKind
from ssui.tui.app import SsuiApp
from ssui.tui.messages import EntityChanged, WatchArrived

from .helpers import settle

AppMaker = Callable[..., SsuiApp]


def events(kind: WatchKind, *ids: int) -> tuple[WatchEvent, ...]:
    return tuple(WatchEvent(key=f"event:{i}", kind=kind, entity="event", record_id=i,
                            lead_id=1, occurred_at=datetime(2026, 6, 1, tzinfo=UTC),
                            title=f"{kind.words} {i}") for i in ids)


def test_a_watch_batch_takes_the_queued_one_events_first() -> None:
    older = WatchArrived(WatchBatch(events(WatchKind.PAGE, 1, 2)))
    newer = WatchArrived(WatchBatch(events(WatchKind.FORM, 3)))
    # Textual asks the queued message about the next one; True drops the queued one.
    assert older.can_replace(newer)
    assert [e.record_id for e in newer.batch.events] == [1, 2, 3]
    assert newer.batch.catch_up is False


def test_a_catch_up_and_a_live_batch_stay_apart() -> None:
    older = WatchArrived(WatchBatch(events(WatchKind.PAGE, 1, 2), catch_up=True))
    newer = WatchArrived(WatchBatch(events(WatchKind.FORM, 3)))
    assert not older.can_replace(newer) and len(newer.batch.events) == 1


def test_two_catch_up_batches_stay_a_catch_up() -> None:
    older = WatchArrived(WatchBatch(events(WatchKind.PAGE, 1), catch_up=True))
    newer = WatchArrived(WatchBatch(events(WatchKind.PAGE, 2), catch_up=True))
    assert older.can_replace(newer) and newer.batch.catch_up


def test_a_batch_that_cannot_merge_is_not_replaced() -> None:
    # Not the mirror's batch: what else it carries would be lost in a WatchBatch.
    odd: Any = SimpleNamespace(events=events(WatchKind.PAGE, 9), catch_up=False, source="x")
    older = WatchArrived(WatchBatch(events(WatchKind.PAGE, 1)))
    newer = WatchArrived(odd)
    assert not older.can_replace(newer) and newer.batch is odd
    assert not older.can_replace(EntityChanged("lead"))


def test_a_change_replaces_the_queued_one_for_the_same_entity_only() -> None:
    older, newer = EntityChanged("lead", announce=True), EntityChanged("lead", announce=False)
    assert older.can_replace(newer) and newer.announce  # either's announce
    assert not EntityChanged("lead").can_replace(EntityChanged("account"))
    quiet = EntityChanged("lead", announce=False)
    assert quiet.can_replace(EntityChanged("lead", announce=False))
    assert not quiet.can_replace(EntityChanged("lead"))  # quiet rows, then news: both count


async def test_batches_posted_back_to_back_reach_the_app_as_one_toast(
        make_app: AppMaker) -> None:
    arrived: list[WatchArrived] = []

    def hook(message: Message) -> None:
        if isinstance(message, WatchArrived):
            arrived.append(message)

    app = make_app()
    async with app.run_test(size=(120, 36), message_hook=hook) as pilot:
        await settle(pilot)
        app.post_message(WatchArrived(WatchBatch(events(WatchKind.PAGE, 1, 2))))
        app.post_message(WatchArrived(WatchBatch(events(WatchKind.FORM, 3, 4))))
        await settle(pilot)
        [message] = arrived
        assert [e.record_id for e in message.batch.events] == [1, 2, 3, 4]
        toasts = [n for n in app._notifications if n.title == "New activity"]
        assert [n.message for n in toasts] == ["2 page visits, 2 form fills · A shows them"]
