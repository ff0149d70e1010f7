"""Keeping the mirror equal to the account: full sync, incremental sync and reconcile.

Full sync pages through every mirrored entity (limit/offset, 500 a call) and checkpoints the
offset after each page, so an interrupted sync resumes where it stopped; upserts by id make a
repeated page harmless. Incremental sync asks each ``*DateRange`` method with
``timestamp: update`` (which includes records created and never updated) from the last
high-water mark minus an overlap window: the API promises no order and its clock is not ours.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from ssui.api import SharpSpringClient
from ssui.api.shapes import MAX_PAGE
from ssui.entities import custom_fields_for, entity

from .store import MIRRORED, MirrorStore

# Every read goes through the client's helpers (method names, result keys and codecs come
# from the registry there); the mirror only chooses what to read and where to keep it.
PAGE = MAX_PAGE
OVERLAP = timedelta(minutes=10)
# Entities whose custom fields getFields describes.
CUSTOMISABLE = ("lead", "account", "opportunity", "campaign")
# The small lists, read whole on every refresh (users have no date-range method).
LOOKUPS = ("deal_stage", "user_profile")
# The other mirrored entities, which an incremental sync asks for what changed.
INCREMENTAL = tuple(k for k in MIRRORED
                    if entity(k).methods.date_range is not None and k not in LOOKUPS)
# The entities the background reconcile checks for records deleted elsewhere.
RECONCILED = ("lead", "account", "opportunity", "campaign")
# An opportunity's links to its leads: a link removed on the server reports no change either.
# They are checked by a reconcile of their own, on a small share of the budget.
RECONCILED_LINKS = ("opportunity_lead",)


def listing_calls(records: int) -> int:
    """The calls that page through ``records`` ids: the full pages, then a short one (which
    is empty when the count is a multiple of the page)."""
    return records // PAGE + 1


@dataclass
class SyncProgress:
    """How far a sync has come: what a progress bar shows."""

    entity: str = ""
    records: int = 0
    calls: int = 0
    entities_done: int = 0
    entities_total: int = 0
    done: bool = False
    per_entity: dict[str, int] = field(default_factory=dict)


class SyncCancelled(Exception):
    """The sync was cancelled; what it fetched so far is kept and it resumes next time."""


ProgressCallback = Callable[[SyncProgress], None]
# Records the mirror did not know, as they are stored (inside the same transaction), with the
# moment before which a record's creation is history, not news.
NewRecordsCallback = Callable[[str, Sequence[Mapping[str, Any]], datetime], None]


class SyncEngine:
    """Brings one mirror up to date through one client."""

    def __init__(self, client: SharpSpringClient, store: MirrorStore,
                 now: Callable[[], datetime] | None = None, ahead: int = 3) -> None:
        self.client = client
        self.store = store
        self.now = now or (lambda: datetime.now(UTC))
        self._calls_before = client.calls_made
        # Pages fetched ahead during a full sync (the client's rate limiter still applies).
        self.ahead = ahead
        # Custom fields known from an earlier run decode this run's records too.
        for key in CUSTOMISABLE:
            client.set_custom_fields(key, store.entity(key).custom_fields)
        # Told of every record this engine is first to store, whichever path stores it (the
        # watches log them as events, so nothing enters the mirror unannounced).
        self.on_new: NewRecordsCallback | None = None

    def _stored_new(self, key: str, records: Sequence[Mapping[str, Any]],
                    since: datetime) -> None:
        if records and self.on_new is not None:
            self.on_new(key, records, since - OVERLAP)

    @property
    def calls(self) -> int:
        """API requests made through this engine's client since the engine was made."""
        return self.client.calls_made - self._calls_before

    # -- custom fields ---------------------------------------------------------------------

    async def sync_fields(self) -> list[dict[str, Any]]:
        """Read getFields, keep the rows, and teach the store and client the custom fields."""
        rows = [r async for page in self.client.iter_pages("field") for r in page]
        with self.store.transaction():
            self.store.delete("field", self.store.ids("field") - {r["id"] for r in rows})
            self.store.upsert("field", rows)
            for key in CUSTOMISABLE:
                custom = custom_fields_for(key, rows)
                self.store.set_custom_fields(key, custom)
                self.client.set_custom_fields(key, custom)
        return rows

    # -- full sync -------------------------------------------------------------------------

    def state(self, key: str) -> dict[str, Any]:
        return dict(self.store.get_meta(f"sync:{key}") or {})

    def _save_state(self, key: str, state: Mapping[str, Any]) -> None:
        self.store.set_meta(f"sync:{key}", dict(state))

    def has_full_sync(self) -> bool:
        return all(self.state(k).get("full_done") for k in MIRRORED)

    async def full_sync(self, *, force: bool = False, progress: ProgressCallback | None = None,
                        cancel: asyncio.Event | None = None,
                        on_wait: Callable[[], None] | None = None) -> SyncProgress:
        """Copy every mirrored entity; resumes an interrupted run unless ``force``.

        One sync of a mirror runs at a time: while another process syncs it, this one waits
        (``on_wait`` is called now and then while the wait lasts).
        """
        async with self.store.syncing(on_wait):
            return await self._full_sync(force, progress, cancel)

    async def _full_sync(self, force: bool, progress: ProgressCallback | None,
                         cancel: asyncio.Event | None) -> SyncProgress:
        prog = SyncProgress(entities_total=len(MIRRORED))
        await self.sync_fields()
        for key in MIRRORED:
            prog.entity = key
            state = self.state(key)
            if force or not state.get("started"):
                # A copy made again (``--full``) announces what was created since the last
                # one caught up; the very first copy announces nothing.
                caught_up = state.get("high_water") or state.get("announce_after")
                state = {"started": self.now().isoformat(), "offset": 0, "full_done": False,
                         "seen": []}
                if caught_up:
                    state["announce_after"] = caught_up
            if not state.get("full_done"):
                await self._full_entity(key, state, prog, progress, cancel)
            prog.entities_done += 1
            prog.calls = self.calls
            if progress:
                progress(prog)
        prog.done = True
        if progress:
            progress(prog)
        return prog

    async def _full_entity(self, key: str, state: dict[str, Any], prog: SyncProgress,
                           progress: ProgressCallback | None,
                           cancel: asyncio.Event | None) -> None:
        if key == "field":
            state.update(full_done=True, high_water=state["started"])
            self._save_state(key, state)
            return
        with self.store.bulk_load(key):
            await self._page_through(key, state, prog, progress, cancel)

    async def _page_through(self, key: str, state: dict[str, Any], prog: SyncProgress,
                            progress: ProgressCallback | None,
                            cancel: asyncio.Event | None) -> None:
        # Up to AHEAD pages are in flight while the current one is stored: the server works
        # on the next page while we decode and write this one. Pages are stored in order and
        # the checkpoint only ever covers stored pages, so a resume has no gaps.
        offset = int(state.get("offset", 0))
        # A copy that runs from the first record to the last sees every id the account has:
        # what the mirror holds beyond that was deleted elsewhere (checked by id first).
        whole = offset == 0
        seen: set[int] = set()
        ahead: deque[asyncio.Task[list[dict[str, Any]]]] = deque()
        next_offset = offset
        # Fetch one page at first: most entities fit in one, and a page fetched ahead past
        # the end is a wasted call. Once a page comes back full, look ahead.
        depth = 1
        after = state.get("announce_after")
        known = self.store.ids(key) if after and self.on_new is not None else None
        try:
            while True:
                if cancel is not None and cancel.is_set():
                    raise SyncCancelled(f"sync cancelled during {entity(key).plural.lower()}")
                while len(ahead) < depth:
                    ahead.append(asyncio.ensure_future(self.client.page(key, next_offset)))
                    next_offset += PAGE
                page = await ahead.popleft()
                seen.update(r["id"] for r in page if isinstance(r.get("id"), int))
                with self.store.transaction():
                    self.store.upsert(key, page)
                    if known is not None and after:
                        self._stored_new(key, [r for r in page if r.get("id") not in known],
                                         datetime.fromisoformat(after))
                    offset += len(page)
                    state["offset"] = offset
                    if len(page) < PAGE:
                        state["full_done"] = True
                        # Changes made while we paged are caught by the first incremental run.
                        state["high_water"] = state["started"]
                    self._save_state(key, state)
                prog.records += len(page)
                prog.per_entity[key] = prog.per_entity.get(key, 0) + len(page)
                prog.calls = self.calls
                if progress:
                    progress(prog)
                if len(page) < PAGE:
                    if whole:
                        await self._settle_missing(key, sorted(self.store.ids(key) - seen))
                    return
                depth = self.ahead
        finally:
            for task in ahead:
                task.cancel()
            await asyncio.gather(*ahead, return_exceptions=True)
            # Calls that were sent for pages past the end still count against the quota.
            prog.calls = self.calls

    # -- incremental sync ------------------------------------------------------------------

    async def changed_since(self, key: str, since: datetime, timestamp: str = "update",
                            until: datetime | None = None) -> list[dict[str, Any]]:
        """Every record the date-range method reports for [since, until], de-duplicated."""
        end = until or (self.now() + timedelta(days=1))
        seen: dict[Any, dict[str, Any]] = {}
        async for page in self.client.iter_date_range(key, since, end, timestamp):
            for rec in page:
                seen[rec.get("id")] = rec
        return list(seen.values())

    async def incremental(self, key: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Fetch what changed in one entity since its high-water mark.

        Returns (new records, changed records) as they now stand in the mirror; "new" means the
        mirror did not know the id before.
        """
        state = self.state(key)
        hw_text = state.get("high_water")
        hw = datetime.fromisoformat(hw_text) if hw_text else self.now() - timedelta(days=1)
        started = self.now()
        records = await self.changed_since(key, hw - OVERLAP)
        known = self.store.get_many(key, [r["id"] for r in records if r.get("id") is not None])
        new, changed = [], []
        for rec in records:
            if rec.get("id") is None:
                continue
            old = known.get(rec["id"])
            if old is None:
                new.append(rec)
            elif any(old.get(k) != v for k, v in rec.items()):
                changed.append(rec)
        stamps = [r["updateTimestamp"] for r in records
                  if isinstance(r.get("updateTimestamp"), datetime)]
        stamps += [r["createTimestamp"] for r in records
                   if isinstance(r.get("createTimestamp"), datetime)]
        # The mark only moves forward, and never past the moment this fetch began.
        mark = max([hw, *[min(s, started) for s in stamps]])
        # A page a transaction: after a week away thousands may have changed, and another
        # process writing the mirror waits for each transaction. The mark moves with the last
        # page only, so a run cut short fetches again what it had not finished storing.
        # New records are logged with the page that stores them: a process killed between the
        # two would otherwise know them next time and never announce them.
        since = datetime.fromisoformat(state["started"]) if state.get("started") else started
        rows = new + changed
        pages = [rows[i : i + PAGE] for i in range(0, len(rows), PAGE)] or [[]]
        last = len(pages) - 1
        for n, page in enumerate(pages):
            with self.store.transaction():
                self.store.upsert(key, page)
                self._stored_new(key, [r for r in page if r["id"] not in known], since)
                if n == last:
                    state["high_water"] = mark.isoformat()
                    self._save_state(key, state)
        return new, changed

    # -- deletes and inactive leads --------------------------------------------------------

    async def refresh_record(self, key: str, record_id: int) -> dict[str, Any] | None:
        """Re-read one record by id; an empty answer removes it from the mirror."""
        record = await self.client.get(key, record_id)
        if record is None or record.get("id") != record_id:
            self.store.delete(key, [record_id])
            return None
        self.store.upsert(key, [record])
        return self.store.get(key, record_id)

    async def reconcile(self, key: str) -> tuple[int, int]:
        """Find records deleted (or, for leads, deactivated) elsewhere.

        Reads every id through ``fields: [id]`` (cheap), compares with the mirror, and checks
        the missing ids by id: leads the API hides because they are inactive come back when
        asked for by id and stay, marked inactive. Returns (removed, deactivated).
        """
        remote: set[int] = set()
        async for page in self.client.iter_pages(key, fields=["id"]):
            remote.update(r["id"] for r in page if isinstance(r.get("id"), int))
        return await self._settle_missing(key, sorted(self.store.ids(key) - remote))

    def reconcile_cost(self, keys: Sequence[str] = RECONCILED) -> int:
        """The calls one reconcile of ``keys`` makes, from what the mirror holds (plus one a
        page of ids found missing, which is none on most runs)."""
        return sum(listing_calls(self.store.count_all(k)) for k in keys)

    async def _settle_missing(self, key: str, missing: list[int]) -> tuple[int, int]:
        """Ids the mirror has and a listing did not: asked for by id, the gone ones removed.

        Inactive leads (the API's lists hide them) and records a listing skipped because the
        account changed while it was paged come back by id, and stay. Returns (removed, kept).
        """
        removed = kept = 0
        by_id = "id" in entity(key).methods.where_keys
        for i in range(0, len(missing), PAGE):
            chunk = missing[i : i + PAGE]
            found = await self.client.page(key, where={"id": chunk}) if by_id else []
            found_ids = {r["id"] for r in found}
            gone = [x for x in chunk if x not in found_ids]
            removed += self.store.delete(key, gone) if gone else 0
            if found:
                self.store.upsert(key, found)
                kept += len(found)
        return removed, kept

