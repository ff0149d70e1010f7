"""The mirror of one account as the app and the headless commands use it.

It wires the store, the sync engine, the watches and the scheduler together, and routes every
write through the API first: the mirror changes only after the API says an object succeeded,
and then from a fresh read of that record.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ssui.api import SharpSpringClient
from ssui.api.errors import ApiError, NotFoundError, SharpSpringError

from .event_log import EventReader
from .lock import BUSY
from .query import Query
from .scheduler import (
    Budget,
    NeedsUser,
    Scheduler,
    Stream,
    StreamStatus,
    needs_user,
    retry_delay,
    what_to_do,
)
from .store import MIRRORED, MirrorStore
from .sync import (
    LOOKUPS,
    RECONCILED,
    RECONCILED_LINKS,
    ProgressCallback,
    SyncEngine,
    SyncProgress,
)
from .watch import WatchBatch, WatchEngine

BatchCallback = Callable[[WatchBatch], None]
ChangeCallback = Callable[[str], None]

# The scheduler stream that serves each watch (`ssui watch --streams` names): one events call
# serves the three activity watches; the record watches ride on their list's sync.
WATCH_SOURCES: Mapping[str, str] = {
    "forms": "activity", "pages": "activity", "emails": "activity",
    "leads": "leads", "accounts": "accounts", "opportunities": "opportunities",
}
# A list whose new records nobody watches still syncs (its tab shows it), this much slower.
UNWATCHED_PACE = 0.25

# The reconcile is how a record deleted elsewhere leaves the mirror: no call reports a
# deletion, only a listing of every id shows one missing (``fields: [id]``, 500 ids a call).
# It runs every RECONCILE_EVERY seconds while that costs at most RECONCILE_SHARE of the polling
# budget, and as often as that share pays for beyond. At the default budget (20% of 50,000
# calls a day: 0.116 calls/s) that share pays for 250 calls an hour; a 100,000-lead account
# (about 10,000 accounts, 8,000 opportunities, a few campaigns) costs 201 + 21 + 17 + 1 = 240
# calls a pass, so it is reconciled every 58 minutes (the pass itself takes under a minute at
# 10 calls/s): a deletion leaves its mirror within the hour. A 5,000-lead account costs
# about 15 calls a pass and is reconciled every 50 minutes (430 calls a day, 4% of the budget).
RECONCILE_EVERY = 50 * 60.0
RECONCILE_SHARE = 0.6
# The streams as the notifications name them.
STREAM_WORDS = {
    "activity": "activity", "leads": "leads", "opportunities": "opportunities",
    "accounts": "accounts", "campaigns": "campaigns",
    "opportunity_leads": "opportunities' leads", "lookups": "users and deal stages",
    "reconcile": "check for deleted records",
    "reconcile_links": "check for removed opportunity leads",
}
# The links between opportunities and leads are reconciled apart, on this share: hourly up to
# about 60,000 leads (8,750 links, 18 calls), every hour and a half at 100,000.
LINKS_SHARE = 0.05


@dataclass(frozen=True)
class Clash:
    """One field the user changed that someone else changed on the server meanwhile."""

    field: str
    original: Any  # what the user started from
    theirs: Any  # what the server holds now
    mine: Any  # what the user wants


class ConflictError(Exception):
    """The server's copy of fields the user changed differs from what the user started from."""

    def __init__(self, message: str, clashes: Sequence[Clash] = ()) -> None:
        super().__init__(message)
        self.clashes = tuple(clashes)


@dataclass(frozen=True)
class WriteOutcome:
    """What happened to one object of a write: success (with the fresh record) or the error.

    ``record`` is the record as the server holds it after the write. When the write succeeded
    but reading it back failed, ``record`` is the mirror's copy with the changes applied,
    ``stale`` is True and the read is retried in the background.
    """

    index: int
    success: bool
    record_id: int | None = None
    record: dict[str, Any] | None = None
    error: ApiError | Exception | None = None
    stale: bool = False


def same_value(a: Any, b: Any) -> bool:
    """Whether two decoded values mean the same (an empty text and None are both "empty")."""
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    try:
        return bool(a == b)
    except Exception:
        return False


@dataclass(frozen=True)
class Trouble:
    """One failure of the background work, as the user may want to read it in full."""

    what: str  # the stream in words (STREAM_WORDS), or "first sync"
    text: str  # the error, with what to do
    needs: NeedsUser | None  # set when it stopped until the user acts
    retry_at: float | None  # time.monotonic() of the next try, when it retries on its own


@dataclass(frozen=True)
class Retry:
    """A step that failed for a reason that passes, and when it is tried again."""

    reason: str
    at: float  # time.monotonic()


class AccountMirror:
    """Store + sync + watches + scheduler for one connection."""

    def __init__(self, client: SharpSpringClient, store: MirrorStore,
                 budget: Budget | None = None, *, consumer: str = "app",
                 clock: Callable[[], float] = time.monotonic) -> None:
        """``consumer`` names whose delivery cursor this mirror's listeners follow; ``clock``
        is the scheduler's (``time.monotonic``)."""
        self.client = client
        self.store = store
        self.sync = SyncEngine(client, store)
        self.watch = WatchEngine(self.sync)
        self.reader = EventReader(store, consumer)
        self.first_sync_retry: Retry | None = None
        self._batch_listeners: list[BatchCallback] = []
        self._change_listeners: list[ChangeCallback] = []
        self._refreshing: set[asyncio.Task[None]] = set()
        self._stream_listeners: list[Callable[[Stream], None]] = []
        self._trouble_listeners: list[Callable[[Trouble], None]] = []
        quota = client.quota
        self.scheduler = Scheduler(
            self._streams(), budget or Budget(daily_quota=quota.limit),
            remaining_today=lambda: int(quota.remaining), on_change=self._stream_changed,
            clock=clock)
        self._shares = {s.name: s.share for s in self.scheduler.streams.values()}

    # -- listeners -------------------------------------------------------------------------

    def on_batch(self, callback: BatchCallback) -> None:
        self._batch_listeners.append(callback)

    def on_change(self, callback: ChangeCallback) -> None:
        """Called with an entity key whenever that entity's rows changed in the mirror."""
        self._change_listeners.append(callback)

    def on_stream(self, callback: Callable[[Stream], None]) -> None:
        """Called whenever a stream starts, succeeds, fails or stops."""
        self._stream_listeners.append(callback)

    def on_trouble(self, callback: Callable[[Trouble], None]) -> None:
        """Called with every failure of a stream or of the first sync, in full."""
        self._trouble_listeners.append(callback)

    def _stream_changed(self, s: Stream) -> None:
        for cb in self._stream_listeners:
            cb(s)
        if s.status in (StreamStatus.RETRYING, StreamStatus.FAILING, StreamStatus.STOPPED):
            stopped = s.status is StreamStatus.STOPPED
            self._trouble(Trouble(STREAM_WORDS.get(s.name, s.name), s.last_error or "no answer",
                                  s.needs, None if stopped else s.next_due))

    def _trouble(self, trouble: Trouble) -> None:
        for cb in self._trouble_listeners:
            cb(trouble)

    # -- what is watched -------------------------------------------------------------------

    def watch_only(self, watches: Collection[str], quota_share: float | None = None) -> None:
        """Spend the polling budget on ``watches`` (names of WATCH_SOURCES), from now on.

        The events call stops when no activity watch is on; a list whose new records are not
        watched keeps syncing, more slowly. ``quota_share`` sets the share of the daily quota
        the polling may use.
        """
        sched = self.scheduler
        wanted = {WATCH_SOURCES[w] for w in watches}
        for name in set(WATCH_SOURCES.values()):
            stream = sched.streams[name]
            if name == "activity":
                stream.enabled = name in wanted
            else:
                stream.share = self._shares[name] * (1.0 if name in wanted else UNWATCHED_PACE)
        if quota_share is not None:
            sched.budget = replace(sched.budget, daily_share=quota_share)
        sched.replan()

    def deliver(self) -> None:
        """Hand the listeners what the event log gained since they last heard, whoever stored it.

        What happened before this mirror started (while ssui was closed) comes as its own
        catch-up batch.
        """
        events = self.reader.read()
        earlier = tuple(e for e in events if self.reader.while_closed(e))
        later = tuple(e for e in events if not self.reader.while_closed(e))
        for batch in (WatchBatch(earlier, catch_up=True), WatchBatch(later)):
            if batch.events:
                for cb in self._batch_listeners:
                    cb(batch)
        # Only now is the place kept: a process killed while handing them on sees them again.
        self.reader.commit()

    def _changed(self, key: str) -> None:
        for cb in self._change_listeners:
            cb(key)

    # -- streams ---------------------------------------------------------------------------

    def _streams(self) -> list[Stream]:
        def records(key: str) -> Callable[[], Any]:
            async def run() -> None:
                before = self.sync.calls
                await self.watch.poll_records(key)
                self.deliver()
                if self.sync.calls > before:
                    self._changed(key)
            return run

        async def activity() -> None:
            _batch, new_leads = await self.watch.poll_activity()
            if self.watch.imported:
                # The first run imports recent history for the activity views: not news.
                self.reader.ignore(e.seq for e in self.watch.imported)
                self.watch.imported = []
            self.deliver()
            if new_leads:
                self.scheduler.refresh_now("leads")

        async def lookups() -> None:
            await self.refresh_lookups()

        def reconcile(keys: Sequence[str]) -> Callable[[], Any]:
            async def run() -> None:
                for key in keys:
                    removed, inactive = await self.sync.reconcile(key)
                    if removed or inactive:
                        self._changed(key)
                self._cost_reconcile()
            return run

        streams = [
            Stream("activity", activity, share=0.70, min_interval=3.0),
            Stream("leads", records("lead"), share=0.12),
            Stream("opportunities", records("opportunity"), share=0.06),
            Stream("accounts", records("account"), share=0.05),
            Stream("campaigns", records("campaign"), share=0.03),
            Stream("opportunity_leads", records("opportunity_lead"), share=0.02),
            Stream("lookups", lookups, share=0.01, cost=3.0),
            Stream("reconcile", reconcile(RECONCILED), share=RECONCILE_SHARE,
                   cost=self.sync.reconcile_cost(), target_interval=RECONCILE_EVERY,
                   max_interval=24 * 3600, deferred=True),
            Stream("reconcile_links", reconcile(RECONCILED_LINKS), share=LINKS_SHARE,
                   cost=self.sync.reconcile_cost(RECONCILED_LINKS),
                   target_interval=RECONCILE_EVERY, max_interval=24 * 3600, deferred=True),
        ]
        for s in streams:
            s.run = self._beside_syncs(s.run)
        return streams

    def _beside_syncs(self, run: Callable[[], Awaitable[object]]) -> Callable[[], Any]:
        """``run`` holding the mirror's sync lock shared: streams poll side by side (here and
        in other processes), and none while another process syncs (``MirrorBusy``, which the
        scheduler retries shortly)."""
        async def guarded() -> None:
            with self.store.lock.shared():
                await run()
        return guarded

    def _cost_reconcile(self) -> None:
        """What a reconcile costs follows the size of the account."""
        self.scheduler.streams["reconcile"].cost = self.sync.reconcile_cost()
        self.scheduler.streams["reconcile_links"].cost = \
            self.sync.reconcile_cost(RECONCILED_LINKS)
        self.scheduler.plan()

    # -- running ---------------------------------------------------------------------------

    async def poll_once(self, *names: str) -> None:
        """Run the named streams (all, when none are named) once, now, in order."""
        for stream in self.scheduler.streams.values():
            if not names or stream.name in names:
                await stream.run()

    async def ensure_synced(self, progress: ProgressCallback | None = None,
                            cancel: asyncio.Event | None = None) -> SyncProgress | None:
        """Run (or resume) the first full sync if the mirror has never completed one.

        A failure that passes (rate limit, 5xx, a dropped connection) is retried for as long
        as it lasts, resuming where the copy stopped; ``first_sync_retry`` says when. While
        another process syncs the mirror, this waits for it (``first_sync_retry`` says so),
        then resumes what it copied (usually nothing is left but one getFields call).
        """
        failures = 0
        copied = self._copied()
        told = False

        def waiting() -> None:
            nonlocal told
            self.first_sync_retry = Retry(f"{BUSY}; waiting", time.monotonic() + 1.0)
            if not told:
                told = True
                self._trouble(Trouble("first sync", self.first_sync_retry.reason, None,
                                      self.first_sync_retry.at))

        while not self.sync.has_full_sync():
            try:
                result = await self.sync.full_sync(progress=progress, cancel=cancel,
                                                   on_wait=waiting)
            except SharpSpringError as exc:
                if needs_user(exc):
                    raise
                # A try that got further than the last one starts the backoff afresh.
                failures = 1 if self._copied() > copied else failures + 1
                copied = self._copied()
                delay = retry_delay(failures)
                self.first_sync_retry = Retry(what_to_do(exc), time.monotonic() + delay)
                self._trouble(Trouble("first sync", self.first_sync_retry.reason, None,
                                      self.first_sync_retry.at))
                await asyncio.sleep(delay)
                continue
            self.first_sync_retry = None
            self._cost_reconcile()
            for key in ("lead", "account", "campaign", "opportunity"):
                self._changed(key)
            return result
        return None

    async def refresh_lookups(self) -> None:
        """Read the small lists again: users, deal stages, and the fields (custom ones too)."""
        for key in LOOKUPS:
            self.store.upsert(key, [r async for page in self.client.iter_pages(key)
                                    for r in page])
        await self.sync.sync_fields()

    def _copied(self) -> int:
        """How far the first sync has come (records stored at its checkpoints)."""
        return sum(int(self.sync.state(k).get("offset", 0)) + bool(self.sync.state(k).get(
            "full_done")) for k in MIRRORED)

    async def run(self, progress: ProgressCallback | None = None) -> None:
        """Sync if needed, then keep the mirror fresh until cancelled."""
        await self.ensure_synced(progress)
        try:
            await self.scheduler.run()
        finally:
            await self.scheduler.stop()

    # -- writes ----------------------------------------------------------------------------

    async def create(self, key: str, records: Sequence[Mapping[str, Any]]) -> list[WriteOutcome]:
        """Create records; a create is never resent (OutcomeUnknownError propagates)."""
        results = await self.client.create(key, list(records))
        return await self._settle(key, results, [None] * len(records), list(records))

    async def update(self, key: str, record_id: int, changes: Mapping[str, Any],
                     original: Mapping[str, Any] | None = None) -> WriteOutcome:
        """Update one record with ``changes`` (only the fields the user changed).

        With ``original`` (the values the user started from), the server's copy is read
        first: when any changed field's value there differs from the original, nothing is
        sent and the outcome's error is a ConflictError listing the clashes. The comparison
        is by value, not by ``updateTimestamp``, whose one-second resolution hides an edit
        made in the same second. A record gone from the server gives NotFoundError.
        """
        entity = self.store.entity(key)
        if original is not None:
            current = await self.sync.refresh_record(key, record_id)
            if current is None:
                self._changed(key)
                return WriteOutcome(0, False, record_id, error=_gone(entity.label, record_id))
            clashes = [Clash(f, original.get(f), current.get(f), v) for f, v in changes.items()
                       if not same_value(original.get(f), current.get(f))
                       and not same_value(current.get(f), v)]
            if clashes:
                labels = ", ".join(entity.field(c.field).label if entity.has_field(c.field)
                                   else c.field for c in clashes)
                return WriteOutcome(0, False, record_id, record=current, error=ConflictError(
                    f"changed on the server since you opened it: {labels}", clashes))
        results = await self.client.update(key, [{"id": record_id, **changes}])
        return (await self._settle(key, results, [record_id], [changes]))[0]

    async def delete(self, key: str, ids: Sequence[int]) -> list[WriteOutcome]:
        results = await self.client.delete(key, list(ids))
        outcomes = []
        gone = []
        for r, rid in zip(results, ids, strict=True):
            if r.success:
                gone.append(rid)
            outcomes.append(WriteOutcome(r.index, r.success, rid, error=r.error))
        if gone:
            self.store.delete(key, gone)
            self._changed(key)
        return outcomes

    async def _settle(self, key: str, results: Sequence[Any], ids: Sequence[int | None],
                      sent: Sequence[Mapping[str, Any]]) -> list[WriteOutcome]:
        """Turn the API's per-object results into outcomes, each success read back.

        A write the API applied stays applied whatever happens to the read after it: if that
        read fails, the mirror gets the sent values and the read is retried in the background.
        An update whose read-back finds no record reports the record as gone.
        """
        entity = self.store.entity(key)
        outcomes = []
        for r, rid, values in zip(results, ids, sent, strict=True):
            record_id = r.id if getattr(r, "id", None) is not None else rid
            if not r.success or record_id is None:
                outcomes.append(WriteOutcome(r.index, False, record_id, error=r.error))
                continue
            try:
                fresh = await self.sync.refresh_record(key, record_id)
            except SharpSpringError:
                local = {**(self.store.get(key, record_id) or {}), **values, "id": record_id}
                self.store.upsert(key, [local])
                self._refresh_later(key, record_id)
                outcomes.append(WriteOutcome(r.index, True, record_id,
                                             self.store.get(key, record_id), stale=True))
                continue
            if fresh is None and rid is not None:
                outcomes.append(WriteOutcome(r.index, False, record_id,
                                             error=_gone(entity.label, record_id)))
                continue
            outcomes.append(WriteOutcome(r.index, True, record_id, fresh))
        if outcomes:
            self._changed(key)
        return outcomes

    def _refresh_later(self, key: str, record_id: int) -> None:
        """Read one record again in the background until a read succeeds (or ten tries)."""
        async def retry() -> None:
            for attempt in range(1, 11):
                await asyncio.sleep(retry_delay(attempt))
                try:
                    await self.sync.refresh_record(key, record_id)
                except SharpSpringError:
                    continue
                self._changed(key)
                return

        task = asyncio.get_running_loop().create_task(retry())
        self._refreshing.add(task)
        task.add_done_callback(self._refreshing.discard)

    async def find_created(self, key: str, values: Mapping[str, Any]) -> dict[str, Any] | None:
        """After a create whose outcome is unknown: the record it made, if it made one.

        A lead is looked up by its email address (unique in SharpSpring); other records by
        their name among the records changed lately. Whatever is found is stored.
        """
        entity = self.store.entity(key)
        if key == "lead" and values.get("emailAddress"):
            email = str(values["emailAddress"])
            rows = await self.client.page("lead", where={"emailAddress": email}, limit=1)
            rows = [r for r in rows if str(r.get("emailAddress", "")).casefold()
                    == email.casefold()]
            if rows:
                self.store.upsert(key, rows[:1])
                self._changed(key)
                return self.store.get(key, rows[0]["id"])
            return None
        await self.watch.poll_records(key)
        names = [n for n in entity.name_fields if values.get(n) not in (None, "")]
        if not names:
            return None
        rows = self.store.page(Query(key, sort="createTimestamp", descending=True, limit=200))
        for row in rows:
            if all(same_value(row.get(n), values[n]) for n in names):
                self._changed(key)
                return row
        return None


def _gone(label: str, record_id: int) -> NotFoundError:
    return NotFoundError(f"{label} #{record_id} is not on the server any more: someone deleted "
                         "it", code=404)
