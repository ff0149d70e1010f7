"""The Activity feed's rows: the mirror's event log as a table (no Textual here).

The feed is not a SharpSpring entity, but describing its columns as one lets it use the same
virtual table, formatting and name lookups as the entity tabs.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ssui.entities import Entity, Methods
from ssui.entities.build import choice, moment, record_id, ref, text
from ssui.mirror import MirrorStore
from ssui.mirror.event_log import EventQuery
from ssui.mirror.events import WatchEvent, WatchKind

KIND_LABELS = tuple(k.label for k in WatchKind)

ACTIVITY = Entity(
    key="activity",
    label="Event",
    plural="Activity",
    methods=Methods(),
    fields=(
        record_id(),
        moment("occurred_at", "Time"),
        choice("kind", "Kind", KIND_LABELS),
        text("who", "Who"),
        text("title", "What"),
        ref("owner_id", "Owner", "user_profile"),
    ),
    columns=("occurred_at", "kind", "who", "title", "owner_id"),
)

# The row key that carries the event itself (the table shows only the columns).
EVENT = "_event"


def event_row(event: WatchEvent) -> dict[str, Any]:
    """One event as a feed row: the columns, plus the event under ``EVENT``."""
    what = event.title
    if event.entity == "lead":  # the lead is already in "who": say where they work instead
        what = str(event.record.get("companyName") or "")
    return {"id": event.seq, "occurred_at": event.occurred_at, "kind": event.kind.label,
            "who": event.who, "title": what, "owner_id": event.owner_id, EVENT: event}


def opens(event: WatchEvent) -> tuple[str, int] | None:
    """The (entity, id) that Enter on this event opens: the new record, else its lead."""
    if event.entity in ("lead", "account", "opportunity") and event.record_id is not None:
        return event.entity, event.record_id
    if event.lead_id is not None:
        return "lead", event.lead_id
    return None


class EventRows:
    """A table's row source over the event log, newest first."""

    def __init__(self, store: MirrorStore, query: EventQuery) -> None:
        self.store = store
        self.query = query

    def count(self) -> int:
        return self.store.feed_count(self.query)

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        return [event_row(e) for e in self.store.feed_page(self.query, offset, limit)]

    def index_of(self, seq: int) -> int | None:
        """Where the event with ``seq`` sits now (newer events come before it)."""
        if self.store.feed_count(replace(self.query, after=seq - 1)) == \
                self.store.feed_count(replace(self.query, after=seq)):
            return None  # it does not match this feed
        return self.store.feed_count(replace(self.query, after=seq))
