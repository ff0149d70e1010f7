"""Watches: turning what sync sees into typed events, each delivered exactly once.

Record watches (new lead, account, opportunity) come from the incremental sync: a record whose
id the mirror did not know and whose createTimestamp is recent. Activity watches (email opened,
page visited, form submitted) come from ``getEventsByType`` (falling back to ``getEvents``)
since a persisted cursor minus an overlap. Every event is stored under a unique key, so an
overlap or a restart never delivers one twice; what arrived while ssui was closed is delivered
as one catch-up batch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ssui.api.errors import MethodNotFoundError
from ssui.entities.wire import wire_datetime

from .events import WatchBatch, WatchEvent, WatchKind, plain_record
from .sync import PAGE, SyncEngine

EVENT_OVERLAP = timedelta(minutes=2)
HISTORY = timedelta(days=30)


# Stream names as `ssui watch --streams` spells them.
STREAM_KINDS: Mapping[str, WatchKind] = {
    "leads": WatchKind.LEAD,
    "accounts": WatchKind.ACCOUNT,
    "opportunities": WatchKind.OPPORTUNITY,
    "emails": WatchKind.EMAIL,
    "pages": WatchKind.PAGE,
    "forms": WatchKind.FORM,
}

RECORD_KINDS: Mapping[str, WatchKind] = {
    "lead": WatchKind.LEAD,
    "account": WatchKind.ACCOUNT,
    "opportunity": WatchKind.OPPORTUNITY,
}

EVENT_KINDS: Mapping[str, WatchKind] = {
    "emailOpened": WatchKind.EMAIL,
    "pageVisit": WatchKind.PAGE,
    "formSubmit": WatchKind.FORM,
}
# Lead creations are asked for too: they tell the leads stream to poll now.
WATCHED_SOURCES = (*EVENT_KINDS, "leadCreation")


@dataclass
class WatchEngine:
    """Produces watch events from the sync engine's calls."""

    sync: SyncEngine
    _use_by_type: bool = True
    # The first poll of a run brings what happened while ssui was closed: the catch-up.
    _polled: bool = False
    # What the very first poll of this mirror imported as history (not news).
    imported: list[WatchEvent] = field(default_factory=list)
    # Record events logged by the sync engine and not yet handed back by catch_up_records.
    _logged: list[WatchEvent] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.sync.on_new = self._log_new

    def _log_new(self, key: str, records: Sequence[Mapping[str, Any]],
                 since: datetime) -> None:
        """Whichever sync stores a record first (incremental, a copy made again, another
        process's), the record goes into the event log in the same transaction."""
        self._logged += self.store.add_events(in_time_order(self.record_events(key, records,
                                                                                since)))

    @property
    def store(self) -> Any:
        return self.sync.store

    def _deliver(self, fresh: list[WatchEvent], catch_up: bool = False) -> WatchBatch | None:
        if not fresh:
            return None
        return WatchBatch(tuple(fresh), catch_up)

    # -- record watches --------------------------------------------------------------------

    def record_events(self, key: str, new: Sequence[Mapping[str, Any]],
                      since: datetime) -> list[WatchEvent]:
        """Events for records that were created after ``since`` (not merely unknown)."""
        kind = RECORD_KINDS.get(key)
        if kind is None:
            return []
        e = self.store.entity(key)
        now = self.sync.now().replace(microsecond=0)  # the log keeps seconds
        out = []
        for rec in new:
            created = rec.get("createTimestamp")
            if isinstance(created, datetime) and created < since:
                continue
            lead_id = rec["id"] if key == "lead" else rec.get("primaryLeadID")
            lead = rec if key == "lead" else self._lead(lead_id)
            owner = rec.get("ownerID")
            out.append(WatchEvent(
                key=f"{kind}:{rec['id']}", kind=kind, entity=key, record_id=rec["id"],
                lead_id=lead_id if isinstance(lead_id, int) else None,
                occurred_at=created if isinstance(created, datetime) else now,
                title=e.display_name(rec), owner_id=owner if isinstance(owner, int) else None,
                lead_name=_name_of(lead), lead_email=_email_of(lead),
                record=plain_record(rec), seen_at=now))
        return out

    def _lead(self, lead_id: Any) -> Mapping[str, Any] | None:
        return self.store.get("lead", lead_id) if isinstance(lead_id, int) else None

    async def poll_records(self, key: str) -> WatchBatch | None:
        """Incremental sync of one entity, announcing the records created since last time."""
        new, _changed = await self.catch_up_records(key)
        return self._deliver(new)

    async def catch_up_records(self, key: str) -> tuple[list[WatchEvent], list[dict[str, Any]]]:
        """Incremental sync of one entity; its new records go into the event log.

        Whoever syncs (the app's watch, ``ssui sync``), the records it is first to see are
        logged as events as they are stored, so every consumer hears of them. Returns the new
        events and the records that changed (new ones included).
        """
        self._logged = [e for e in self._logged if e.entity != key]  # a full copy's: told
        new, changed = await self.sync.incremental(key)
        fresh = [e for e in self._logged if e.entity == key]
        self._logged = [e for e in self._logged if e.entity != key]
        return fresh, new + changed

    # -- activity watches ------------------------------------------------------------------

    async def _fetch_events(self, since: datetime) -> list[dict[str, Any]]:
        client = self.sync.client
        rows: list[dict[str, Any]] = []
        offset = 0
        while True:
            if self._use_by_type:
                try:
                    page = await client.events_by_type(WATCHED_SOURCES, since=since,
                                                       offset=offset)
                except MethodNotFoundError:
                    self._use_by_type = False
                    continue
            else:
                when = wire_datetime(since, client.tz)
                page = await client.page("event", offset, where={"createTimestamp": when})
            rows.extend(page)
            if len(page) < PAGE:
                return rows
            offset += PAGE

    def activity_events(self, rows: Sequence[Mapping[str, Any]]) -> list[WatchEvent]:
        leads = self.store.get_many("lead", [r["leadID"] for r in rows
                                             if isinstance(r.get("leadID"), int)])
        now = self.sync.now().replace(microsecond=0)  # the log keeps seconds
        out = []
        for r in rows:
            kind = EVENT_KINDS.get(str(r.get("eventSource")))
            if kind is None or r.get("id") is None:
                continue
            lead_id = r.get("leadID")
            lead = leads.get(lead_id) if isinstance(lead_id, int) else None
            created = r.get("createTimestamp")
            out.append(WatchEvent(
                key=f"event:{r['id']}", kind=kind, entity="event", record_id=r["id"],
                lead_id=lead_id if isinstance(lead_id, int) else None,
                occurred_at=created if isinstance(created, datetime) else now,
                title=str(r.get("eventName") or kind.words),
                lead_name=_name_of(lead), lead_email=_email_of(lead),
                owner_id=lead.get("ownerID") if lead else None, record=plain_record(r),
                seen_at=now))
        return out

    async def poll_activity(self) -> tuple[WatchBatch | None, bool]:
        """One events call; returns the batch and whether new leads were signalled."""
        cursor_text = self.store.get_meta("watch:events")
        first_run = cursor_text is None
        now = self.sync.now()
        since = (datetime.fromisoformat(cursor_text) - EVENT_OVERLAP) if cursor_text \
            else now - HISTORY
        rows = await self._fetch_events(since)
        stamps = [r["createTimestamp"] for r in rows if isinstance(r.get("createTimestamp"),
                                                                   datetime)]
        fresh = self.store.add_events(in_time_order(self.activity_events(rows)))
        new_leads = any(r.get("eventSource") == "leadCreation" for r in rows)
        mark = max([*(min(s, now) for s in stamps),
                    datetime.fromisoformat(cursor_text) if cursor_text else now - HISTORY])
        self.store.set_meta("watch:events", mark.isoformat())
        catch_up = not self._polled
        self._polled = True
        if first_run:
            # The first run stores recent history for the activity views, announcing nothing.
            self.imported = fresh
            return None, new_leads
        return self._deliver(fresh, catch_up=catch_up), new_leads


def in_time_order(events: Sequence[WatchEvent]) -> list[WatchEvent]:
    """Events as they happened: the API answers grouped by kind, the log reads like a log."""
    return sorted(events, key=lambda e: (e.occurred_at, e.key))


def _name_of(lead: Mapping[str, Any] | None) -> str | None:
    """A lead's name; None when it has none (its email, if any, is shown instead)."""
    if not lead:
        return None
    parts = [str(lead[n]) for n in ("firstName", "lastName") if lead.get(n) not in (None, "")]
    return " ".join(parts) or None


def _email_of(lead: Mapping[str, Any] | None) -> str | None:
    email = lead.get("emailAddress") if lead else None
    return str(email) if email else None


__all__ = ["EVENT_KINDS", "RECORD_KINDS", "STREAM_KINDS", "WatchBatch", "WatchEngine",
           "WatchEvent", "WatchKind"]
