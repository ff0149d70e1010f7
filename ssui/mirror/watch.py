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
from enum import StrEnum
from typing import Any

from ssui.api.errors import MethodNotFoundError
from ssui.api.shapes import records_in
from ssui.entities import EVENT, entity
from ssui.entities.wire import RecordCodec, wire_datetime

from .sync import PAGE, SyncEngine

EVENT_OVERLAP = timedelta(minutes=2)
HISTORY = timedelta(days=30)


class WatchKind(StrEnum):
    """The things a user can watch for (FEATURES.md, Watches)."""

    LEAD = "lead_created"
    ACCOUNT = "account_created"
    OPPORTUNITY = "opportunity_created"
    EMAIL = "email_opened"
    PAGE = "page_visited"
    FORM = "form_submitted"


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


@dataclass(frozen=True)
class WatchBatch:
    """Events delivered together; ``catch_up`` marks what happened while ssui was closed."""

    events: tuple[dict[str, Any], ...]
    catch_up: bool = False


@dataclass
class WatchEngine:
    """Produces watch events from the sync engine's calls."""

    sync: SyncEngine
    delivered: list[WatchBatch] = field(default_factory=list)
    _use_by_type: bool = True
    # The first poll of a run brings what happened while ssui was closed: the catch-up.
    _polled: bool = False

    @property
    def store(self) -> Any:
        return self.sync.store

    def _deliver(self, fresh: list[dict[str, Any]], catch_up: bool = False) -> WatchBatch | None:
        if not fresh:
            return None
        batch = WatchBatch(tuple(fresh), catch_up)
        self.delivered.append(batch)
        return batch

    # -- record watches --------------------------------------------------------------------

    def record_events(self, key: str, new: Sequence[Mapping[str, Any]],
                      since: datetime) -> list[dict[str, Any]]:
        """Events for records that were created after ``since`` (not merely unknown)."""
        kind = RECORD_KINDS.get(key)
        if kind is None:
            return []
        e = self.store.entity(key)
        now = self.sync.now()
        out = []
        for rec in new:
            created = rec.get("createTimestamp")
            if isinstance(created, datetime) and created < since:
                continue
            out.append({
                "key": f"{kind}:{rec['id']}", "kind": str(kind), "entity": key,
                "record_id": rec["id"],
                "lead_id": rec["id"] if key == "lead" else rec.get("primaryLeadID"),
                "title": e.display_name(rec), "detail": self._owner_note(rec),
                "occurred_at": created if isinstance(created, datetime) else now,
                "seen_at": now, "payload": {"ownerID": rec.get("ownerID")},
            })
        return out

    def _owner_note(self, rec: Mapping[str, Any]) -> str | None:
        owner = rec.get("ownerID")
        if owner is None:
            return None
        user = self.store.get("user_profile", owner) if isinstance(owner, int) else None
        return f"owner {entity('user_profile').display_name(user) if user else owner}"

    async def poll_records(self, key: str) -> WatchBatch | None:
        """Incremental sync of one entity, announcing the records created since last time."""
        state = self.sync.state(key)
        since_text = state.get("watch_since") or state.get("started")
        since = (datetime.fromisoformat(since_text) if since_text else self.sync.now()) - \
            timedelta(minutes=10)
        new, _changed = await self.sync.incremental(key)
        fresh = self.store.add_events(self.record_events(key, new, since))
        return self._deliver(fresh)

    # -- activity watches ------------------------------------------------------------------

    async def _fetch_events(self, since: datetime) -> list[dict[str, Any]]:
        codec = RecordCodec(EVENT, self.sync.client.tz)
        when = wire_datetime(since, self.sync.client.tz)
        rows: list[dict[str, Any]] = []
        offset = 0
        while True:
            if self._use_by_type:
                params = {"where": {"createTimestamp": when}, "limit": PAGE, "offset": offset,
                          "eventSource": ",".join([*EVENT_KINDS, "leadCreation"])}
                try:
                    result = await self.sync.call("getEventsByType", params)
                except MethodNotFoundError:
                    self._use_by_type = False
                    continue
            else:
                result = await self.sync.call("getEvents", {
                    "where": {"createTimestamp": when}, "limit": PAGE, "offset": offset})
            page = codec.decode_many(records_in(result, "event"))
            rows.extend(page)
            if len(page) < PAGE:
                return rows
            offset += PAGE

    def activity_events(self, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        leads = self.store.get_many("lead", [r["leadID"] for r in rows
                                             if isinstance(r.get("leadID"), int)])
        lead_entity = entity("lead")
        now = self.sync.now()
        out = []
        for r in rows:
            kind = EVENT_KINDS.get(str(r.get("eventSource")))
            if kind is None or r.get("id") is None:
                continue
            lead = leads.get(r.get("leadID"))
            who = lead_entity.display_name(lead) if lead else f"lead #{r.get('leadID')}"
            out.append({
                "key": f"event:{r['id']}", "kind": str(kind), "entity": "event",
                "record_id": r["id"], "lead_id": r.get("leadID"),
                "title": str(r.get("eventName") or kind), "detail": who,
                "occurred_at": r.get("createTimestamp") or now, "seen_at": now,
                "payload": {k: v for k, v in r.items() if k != "id"},
            })
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
        fresh = self.store.add_events(self.activity_events(rows))
        new_leads = any(r.get("eventSource") == "leadCreation" for r in rows)
        mark = max([*(min(s, now) for s in stamps),
                    datetime.fromisoformat(cursor_text) if cursor_text else now - HISTORY])
        self.store.set_meta("watch:events", mark.isoformat())
        catch_up = not self._polled
        self._polled = True
        if first_run:
            # The first run stores recent history for the activity views, announcing nothing.
            return None, new_leads
        return self._deliver(fresh, catch_up=catch_up), new_leads
