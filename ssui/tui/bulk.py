"""Writes to many marked records at once: update, delete, add to a list (no Textual here).

Each runs one API call per chunk of ``CHUNK`` records (the API takes at most 500 objects a
call) and turns the answers into one ``BulkResult``: the ids done, the ids that failed with
their error, and the ids of a chunk whose answer never came (outcome unknown). Nothing is
sent twice: a chunk that failed or whose outcome is unknown is reported, never retried.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ssui.api.errors import NothingChangedError, OutcomeUnknownError, SharpSpringError
from ssui.api.shapes import MAX_OBJECTS
from ssui.mirror.account import AccountMirror, same_value

CHUNK = MAX_OBJECTS
# Marks at most this many records (ctrl+a); asks first above CONFIRM_ABOVE.
MARK_LIMIT = 10_000
CONFIRM_ABOVE = 500
# The scheduler stream that re-reads each entity's changed records.
STREAMS: Mapping[str, str] = {"lead": "leads", "account": "accounts",
                              "campaign": "campaigns", "opportunity": "opportunities"}


@dataclass(frozen=True)
class Failure:
    """One record a bulk write did not change, and why."""

    record_id: int
    error: str


@dataclass
class BulkResult:
    """What one bulk write did, per record."""

    verb: str  # "updated", "deleted", "added"
    noun: str  # "leads"
    done: list[int] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    # Records not sent: someone changed a field being set since the mirror's copy (or deleted
    # the record), and the edit would overwrite what they did unseen. The error says what
    # ("City is now 'Bergen'", "deleted on the server").
    skipped: list[Failure] = field(default_factory=list)
    unknown: list[int] = field(default_factory=list)
    unknown_errors: list[str] = field(default_factory=list)
    calls: int = 0  # the write calls
    reads: int = 0  # the reads before them (a bulk edit checks each chunk first)

    @property
    def troubled(self) -> list[int]:
        """The ids that failed, were skipped, or whose outcome is unknown."""
        return [f.record_id for f in (*self.failed, *self.skipped)] + list(self.unknown)

    def summary(self) -> str:
        """ "498 updated, 2 failed" (and "500 outcome unknown")."""
        parts = [f"{len(self.done):,} {self.verb}"]
        if self.failed:
            parts.append(f"{len(self.failed):,} failed")
        if self.skipped:
            parts.append(f"{len(self.skipped):,} not sent (changed on the server since)")
        if self.unknown:
            parts.append(f"{len(self.unknown):,} outcome unknown (not resent: check them "
                         "in SharpSpring)")
        return ", ".join(parts)


def chunked(ids: Sequence[int]) -> list[list[int]]:
    return [list(ids[i:i + CHUNK]) for i in range(0, len(ids), CHUNK)]


def _error_text(error: object) -> str:
    return str(error) if error is not None else "no result for this record"


async def bulk_update(mirror: AccountMirror, key: str, ids: Sequence[int],
                      changes: Mapping[str, Any], noun: str) -> BulkResult:
    """Set ``changes`` on every record of ``ids``: one read and one update call per chunk.

    Each chunk is read from the server first. A record whose value of a field being set
    differs there from the mirror's (the copy the user looked at), and from the new value, is
    not sent: someone else changed it meanwhile, and the edit would overwrite that unseen
    (the form's conflict rule, by value). Nor is a record gone from the server. Both are
    reported as skipped, and the mirror takes the server's copies.

    The mirror takes the new values as soon as a chunk's answer says they were applied (the
    table shows them at once); the entity's sync stream is then made due, so the server's
    copies (timestamps included) follow.
    """
    result = BulkResult("updated", noun)
    store = mirror.store
    entity = store.entity(key)
    for all_ids in chunked(ids):
        known = store.get_many(key, all_ids)
        try:
            current = {r["id"]: r for r in await mirror.client.page(
                key, where={"id": all_ids}, limit=len(all_ids))}
        except SharpSpringError as exc:
            result.failed.extend(Failure(i, f"not sent: could not read it first ({exc})")
                                 for i in all_ids)
            continue
        result.reads += 1
        chunk = []
        for rid in all_ids:
            why = _clash(entity, known.get(rid), current.get(rid), changes)
            if why is None:
                chunk.append(rid)
            else:
                result.skipped.append(Failure(rid, why))
        with store.transaction():  # the list shows the server's copies, the gone ones gone
            store.upsert(key, list(current.values()))
            store.delete(key, [i for i in all_ids if i not in current])
        answers = await _send(result, chunk, lambda chunk: mirror.client.update(
            key, [{**changes, "id": i} for i in chunk])) if chunk else None
        if answers is None:
            continue
        ok: list[int] = []
        for answer, rid in zip(answers, chunk, strict=True):
            if answer.success or _already(answer.error, current.get(rid), changes):
                ok.append(rid)
            else:
                result.failed.append(Failure(rid, _error_text(answer.error)))
        if ok:
            store.upsert(key, [{**current.get(i, {}), **changes, "id": i} for i in ok])
            result.done.extend(ok)
    _sync_soon(mirror, key)
    return result


async def _each_chunk(result: BulkResult, ids: Sequence[int],
                      send: Callable[[list[int]], Awaitable[Sequence[Any]]]) -> BulkResult:
    """Send ``ids`` a chunk at a time, once each, noting per record what its answer said.

    A chunk whose answer was lost is noted as unknown and never sent again; a call that
    failed whole fails each of its records.
    """
    for chunk in chunked(ids):
        answers = await _send(result, chunk, send)
        if answers is None:
            continue
        for answer, rid in zip(answers, chunk, strict=True):
            if answer.success:
                result.done.append(rid)
            else:
                result.failed.append(Failure(rid, _error_text(answer.error)))
    return result


async def _send(result: BulkResult, chunk: list[int],
                send: Callable[[list[int]], Awaitable[Sequence[Any]]]) -> Sequence[Any] | None:
    """One write call for ``chunk``: its per-record answers, or None when the call as a whole
    failed (each record failed) or its answer was lost (each record's outcome unknown)."""
    result.calls += 1
    try:
        return await send(chunk)
    except OutcomeUnknownError as exc:
        result.unknown.extend(chunk)
        result.unknown_errors.append(str(exc))
    except SharpSpringError as exc:
        result.failed.extend(Failure(i, str(exc)) for i in chunk)
    return None


async def bulk_delete(mirror: AccountMirror, key: str, ids: Sequence[int],
                      noun: str) -> BulkResult:
    """Delete every record of ``ids``: one delete call per chunk (the mirror drops them)."""
    return await _each_chunk(BulkResult("deleted", noun), ids,
                             lambda chunk: mirror.delete(key, chunk))


async def active_lists(mirror: AccountMirror) -> list[dict[str, Any]]:
    """The account's lists (getActiveLists), by name."""
    rows = [r async for page in mirror.client.iter_pages("list") for r in page]
    return sorted(rows, key=lambda r: (str(r.get("name") or "").casefold(), r.get("id")))


async def add_to_list(mirror: AccountMirror, list_id: int, lead_ids: Sequence[int],
                      noun: str) -> BulkResult:
    """Add the leads to one list: one addListMembers call per chunk."""
    return await _each_chunk(BulkResult("added", noun), lead_ids, lambda chunk: (
        mirror.client.create("list_member",
                             [{"listID": list_id, "memberID": i} for i in chunk])))


def _clash(entity: Any, mine: Mapping[str, Any] | None, theirs: Mapping[str, Any] | None,
           changes: Mapping[str, Any]) -> str | None:
    """Why one record is not sent ("City is now 'Bergen'"), or None to send it."""
    if theirs is None:
        return "deleted on the server"
    if mine is None:
        return None
    changed = [f for f, v in changes.items() if not same_value(mine.get(f), theirs.get(f))
               and not same_value(theirs.get(f), v)]
    if not changed:
        return None
    return ", ".join(f"{_label(entity, f)} is now {_shown(theirs.get(f))}" for f in changed)


def _label(entity: Any, name: str) -> str:
    return str(entity.field(name).label) if entity.has_field(name) else name


def _shown(value: Any) -> str:
    return "empty" if value in (None, "") else repr(value) if isinstance(value, str) else str(
        value)


def _already(error: object, record: Mapping[str, Any] | None,
             changes: Mapping[str, Any]) -> bool:
    """A "nothing changed" answer for a record that holds every value already: done."""
    return isinstance(error, NothingChangedError) and record is not None and all(
        same_value(record.get(k), v) for k, v in changes.items())


def _sync_soon(mirror: AccountMirror, key: str) -> None:
    stream = STREAMS.get(key)
    scheduler = getattr(mirror, "scheduler", None)
    if stream is not None and scheduler is not None and stream in getattr(
            scheduler, "streams", {}):
        scheduler.refresh_now(stream)
