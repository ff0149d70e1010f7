"""The mirror's event log: every watch event stored once, in the order it arrived."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from .events import WatchEvent, WatchKind
from .schema import sql_time
from .tables import StoreTables


class StoreEvents(StoreTables):
    """Watch events (form fills, visits, opens, new records), each under a unique key."""

    def add_events(self, events: Iterable[WatchEvent]) -> list[WatchEvent]:
        """Store events; those already stored (same key) are skipped. Returns the new ones."""
        fresh: list[WatchEvent] = []
        with self.transaction():
            for ev in events:
                cur = self._db.execute(
                    f"INSERT INTO events({', '.join(_COLUMNS[1:])})"
                    f" VALUES ({', '.join('?' for _ in _COLUMNS[1:])}) ON CONFLICT(key) DO NOTHING",
                    (ev.key, str(ev.kind), ev.entity, ev.record_id, ev.lead_id, ev.owner_id,
                     ev.title, ev.lead_name, ev.lead_email, sql_time(ev.occurred_at),
                     sql_time(ev.seen_at), json.dumps(dict(ev.record), default=str)))
                if cur.rowcount:
                    fresh.append(replace(ev, seq=cur.lastrowid))
        return fresh

    def events(self, *, after: int = 0, kinds: Sequence[str] = (), lead_id: int | None = None,
               limit: int = 200, newest_first: bool = False) -> list[WatchEvent]:
        """Stored events after ``seq`` ``after``, oldest first (or newest first)."""
        clauses: list[str] = ["seq > ?"]
        args: list[Any] = [after]
        if kinds:
            clauses.append(f"kind IN ({','.join('?' for _ in kinds)})")
            args.extend(kinds)
        if lead_id is not None:
            clauses.append("lead_id = ?")
            args.append(lead_id)
        order = "DESC" if newest_first else "ASC"
        sql = (f"SELECT {', '.join(_COLUMNS)} FROM events WHERE {' AND '.join(clauses)}"
               f" ORDER BY seq {order} LIMIT {int(limit)}")
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [_event(row) for row in rows]

    def feed_count(self, feed: EventQuery) -> int:
        """How many stored events ``feed`` matches (the Activity tab's honest count)."""
        where, args = _feed_where(feed)
        with self._lock:
            return int(self._db.execute(f"SELECT count(*) FROM events {where}", args)
                       .fetchone()[0])

    def feed_page(self, feed: EventQuery, offset: int, limit: int) -> list[WatchEvent]:
        """A window of the events ``feed`` matches, newest first."""
        where, args = _feed_where(feed)
        sql = (f"SELECT {', '.join(_COLUMNS)} FROM events {where}"
               f" ORDER BY seq DESC LIMIT {int(limit)} OFFSET {int(offset)}")
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [_event(row) for row in rows]

    def last_seq(self) -> int:
        """The newest stored event's place in the log (0 when it is empty)."""
        with self._lock:
            row = self._db.execute("SELECT max(seq) FROM events").fetchone()
        return int(row[0] or 0)


class EventReader:
    """One consumer's place in the event log (the app, or one `ssui watch`).

    Every consumer reads the whole log from its own cursor, so two of them on one mirror both
    see every event, whichever process stored it. The cursor is kept under the consumer's name:
    a consumer that starts again sees what arrived since it last ran, or, on its first start,
    what arrives from now on.
    """

    def __init__(self, store: StoreEvents, name: str) -> None:
        self.store = store
        self.meta_key = f"consumer:{name}"
        saved = store.get_meta(self.meta_key)
        # What the log held when this consumer started arrived while it was closed.
        self.backlog_end = store.last_seq()
        self.cursor = int(saved) if saved is not None else self.backlog_end
        self._saved = int(saved) if saved is not None else None
        self.started = datetime.now(UTC).replace(microsecond=0)
        self._ignored: set[int] = set()

    def while_closed(self, event: WatchEvent) -> bool:
        """True for what happened before this consumer started (a catch-up, not live news)."""
        return (event.seq or 0) <= self.backlog_end or event.occurred_at < self.started

    def read(self, limit: int = 10_000) -> list[WatchEvent]:
        """The events stored since the last read, oldest first; the cursor moves past them.

        The move is kept by ``commit``, once the events were handed on: a consumer killed in
        between (``kill -9`` while printing) gets them again when it starts, never loses them.
        """
        events = self.store.events(after=self.cursor, limit=limit)
        if events:
            self.cursor = max(e.seq or 0 for e in events)
        return [e for e in events if e.seq not in self._ignored]

    def commit(self) -> None:
        """Keep the cursor: what was read so far has been handed on."""
        if self.cursor != self._saved:
            self.store.set_meta(self.meta_key, self.cursor)
            self._saved = self.cursor

    def ignore(self, seqs: Iterable[int | None]) -> None:
        """Never hand out these events (history imported on a first run is no news)."""
        self._ignored.update(s for s in seqs if s is not None)

    def rewind(self, seq: int) -> None:
        """Put the cursor back just after ``seq``: what came later is handed out next time."""
        self.cursor = min(self.cursor, seq)
        self.store.set_meta(self.meta_key, self.cursor)
        self._saved = self.cursor

    def skip_to_end(self) -> None:
        """Move past everything stored so far (history imported on a first run)."""
        self.cursor = self.store.last_seq()
        self.store.set_meta(self.meta_key, self.cursor)
        self._saved = self.cursor


@dataclass(frozen=True)
class EventQuery:
    """Which stored events a feed shows: by kind, by owner, by text (all when empty)."""

    kinds: tuple[str, ...] = ()
    owner_id: int | None = None
    search: str = ""
    # Only events after this place in the log (a toast's "show these").
    after: int = 0
    # What the watch settings let through: only these kinds (None: every kind), and of new
    # leads, accounts and opportunities only those of this owner.
    watched: tuple[str, ...] | None = None
    record_owner: int | None = None


def _feed_where(feed: EventQuery) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    args: list[Any] = []
    if feed.after:
        clauses.append("seq > ?")
        args.append(feed.after)
    if feed.kinds:
        clauses.append(f"kind IN ({','.join('?' for _ in feed.kinds)})")
        args.extend(feed.kinds)
    if feed.owner_id is not None:
        clauses.append("owner_id = ?")
        args.append(feed.owner_id)
    if feed.watched is not None:
        clauses.append(f"kind IN ({','.join('?' for _ in feed.watched)})" if feed.watched
                       else "0")
        args.extend(feed.watched)
    if feed.record_owner is not None:
        clauses.append(f"(entity NOT IN ({','.join('?' for _ in _OWNED)}) OR owner_id = ?)")
        args.extend([*_OWNED, feed.record_owner])
    for word in feed.search.split():
        # Events are few next to leads and their text is short: a scan reads them in time.
        clauses.append("(title LIKE ? ESCAPE '\\' OR lead_name LIKE ? ESCAPE '\\'"
                       " OR lead_email LIKE ? ESCAPE '\\')")
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        args.extend([f"%{escaped}%"] * 3)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", args


# The events that are new records, whose owner the watch settings may choose.
_OWNED = ("lead", "account", "opportunity")

_COLUMNS = ("seq", "key", "kind", "entity", "record_id", "lead_id", "owner_id", "title",
            "lead_name", "lead_email", "occurred_at", "seen_at", "record")


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).replace(tzinfo=UTC)


def _event(row: Sequence[Any]) -> WatchEvent:
    (seq, key, kind, entity, record_id, lead_id, owner_id, title, lead_name, lead_email,
     occurred_at, seen_at, record) = row
    occurred = _time(occurred_at)
    assert occurred is not None
    return WatchEvent(key=key, kind=WatchKind(kind), entity=entity, record_id=record_id,
                      lead_id=lead_id, owner_id=owner_id, title=title, lead_name=lead_name,
                      lead_email=lead_email, occurred_at=occurred, seen_at=_time(seen_at),
                      record=json.loads(record) if record else {}, seq=seq)
