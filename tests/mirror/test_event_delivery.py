"""A consumer's place in the event log is kept only once the events were handed on.

A `ssui watch` killed between reading events and printing them (kill -9, a listener that
raised) must get them again when it starts: delivered at least once, never lost.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from ssui.mirror import MirrorStore
from ssui.mirror.event_log import EventReader
from ssui.mirror.events import WatchEvent, WatchKind


def events(*ids: int) -> list[WatchEvent]:
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    return [WatchEvent(key=f"event:{i}", kind=WatchKind.FORM, entity="event", record_id=i,
                       lead_id=1, occurred_at=at, title=f"Form {i}") for i in ids]


def test_events_read_but_not_handed_on_come_again_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "mirror.db"
    store = MirrorStore(path)
    reader = EventReader(store, "watch")
    reader.commit()  # its first start: from now on
    store.add_events(events(1, 2, 3))
    assert [e.title for e in reader.read()] == ["Form 1", "Form 2", "Form 3"]
    store.close()  # killed before it printed them

    store = MirrorStore(path)
    again = EventReader(store, "watch")
    assert [e.title for e in again.read()] == ["Form 1", "Form 2", "Form 3"]
    again.commit()  # printed this time
    store.close()

    store = MirrorStore(path)
    assert EventReader(store, "watch").read() == []
    store.close()
