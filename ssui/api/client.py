"""The SharpSpring client: calls with limits and retries, and typed helpers per entity.

One client per account connection. The app, the sync scheduler and the console share it, so
they share its rate limiter and quota counter as well.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from types import TracebackType
from typing import Any, Self

import httpx

from ssui.entities import (
    EVENTS_BY_TYPE,
    FIELD,
    REGISTRY,
    Entity,
    Field,
    Method,
    custom_fields_for,
)
from ssui.entities import entity as registry_entity
from ssui.entities.wire import RecordCodec

from .clock import SYSTEM_CLOCK, Clock
from .connection import Connection
from .endpoint import (
    DEFAULT_API_VERSION,
    DEFAULT_BASE_URL,
    endpoint_url,
    split_version,
    zone_for,
)
from .envelope import Reply, build_request, parse_response
from .errors import (
    NotFoundError,
    OutcomeUnknownError,
    RequestTimeoutError,
    SharpSpringError,
    TransportError,
    WriteResult,
)
from .limits import QuotaCounter, RateLimiter
from .results import entries_of, write_results
from .retry import Decision, RetryPolicy, is_read, write_verb
from .shapes import (
    MAX_PAGE,
    TIMESTAMPS,
    chunks,
    has_id,
    page_size_of,
    records_in,
    where_params,
    wire_time,
)

log = logging.getLogger("ssui.api")


class SharpSpringClient:
    """An async client for one SharpSpring account."""

    def __init__(
        self,
        account_id: str,
        secret_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        api_version: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 30.0,
        rate_limit: float | None = 10.0,
        quota: QuotaCounter | None = None,
        daily_quota: int = 50_000,
        retry: RetryPolicy | None = None,
        clock: Clock | None = None,
        account_tz: tzinfo | None = None,
        deadline: float | None = None,
    ) -> None:
        if not account_id.strip():
            raise ValueError("the account ID is empty")
        if not secret_key.strip():
            raise ValueError("the secret key is empty")
        if timeout <= 0:
            raise ValueError(f"timeout must be positive seconds, got {timeout}")
        if deadline is not None and not deadline > 0:
            raise ValueError(f"deadline must be positive seconds, got {deadline}")
        # ``timeout`` bounds each read of one attempt; ``deadline`` bounds a whole call, its
        # retries, backoff and a body that trickles in byte by byte included.
        self.deadline = deadline
        self.account_id = account_id
        # A base URL may carry the version (".../pubapi/v1/"); without one asked, it is that.
        base, in_url = split_version(base_url)
        if api_version is None:
            api_version = in_url or DEFAULT_API_VERSION
        self.api_version = api_version
        self.endpoint = endpoint_url(base_url, api_version)
        self.clock: Clock = clock or SYSTEM_CLOCK
        self.limiter = RateLimiter(rate_limit, clock=self.clock)
        self.quota = quota if quota is not None else QuotaCounter(daily_quota, clock=self.clock)
        self.retry = retry or RetryPolicy()
        self._tz = zone_for(api_version, account_tz)
        self._entities: dict[str, Entity] = {}
        self._codecs: dict[str, RecordCodec] = {}
        self._conn = Connection(
            self.endpoint, httpx.URL(base + "/"), account_id, secret_key,
            transport=transport, timeout=timeout, limiter=self.limiter, quota=self.quota,
        )

    def __repr__(self) -> str:
        return (
            f"SharpSpringClient(account_id={self.account_id!r}, "
            f"endpoint={str(self.endpoint)!r})"
        )

    # --- lifecycle -----------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the HTTP connection pool."""
        await self._conn.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    @property
    def calls_made(self) -> int:
        """HTTP requests this client has sent (the quota may also count other clients')."""
        return self._conn.calls_made

    def scrub(self, text: object) -> str:
        """``text`` with this client's secret key masked (for showing what a server sent)."""
        return self._conn.scrub(text)

    @property
    def tz(self) -> tzinfo:
        """The zone the API's zone-less timestamps are in: UTC for v1.2, the account's for v1."""
        return self._tz

    # --- raw calls -----------------------------------------------------------------------

    async def call(self, method: str, params: Mapping[str, Any] | None = None) -> Any:
        """Call ``method`` and return its ``result``; API and transport errors are raised."""
        return (await self._exchange(method, params)).raise_for_error()

    async def call_envelope(
        self, method: str, params: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The whole response body, API errors included (transport errors still raise)."""
        return (await self._exchange(method, params)).body

    async def request_raw(
        self,
        http_method: str,
        path_or_url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | str | None = None,
    ) -> httpx.Response:
        """A free-form request to the API host with credentials added; not retried.

        ``response.request.url`` holds the secret: show it through ``redact_url``.
        """
        return await self._conn.request(
            http_method, path_or_url, params=params, headers=headers, content=content
        )

    async def _exchange(self, method: str, params: Mapping[str, Any] | None) -> Reply:
        """One call, retried per the policy; returns the reply, API error and all.

        With a ``deadline``, the whole of it (every attempt, the waits between them, slow
        bodies) must finish within that many seconds, or RequestTimeoutError says so.
        """
        progress = _Progress(started=self.clock.now())
        if self.deadline is None:
            return await self._attempts(method, params, progress)
        try:
            async with asyncio.timeout(self.deadline) as scope:
                return await self._attempts(method, params, progress)
        except TimeoutError:
            if not scope.expired():
                raise
        raise self._deadline_error(method, progress) from None

    async def _attempts(
        self, method: str, params: Mapping[str, Any] | None, progress: _Progress
    ) -> Reply:
        failures = 0
        while True:
            body = build_request(method, params)
            progress.params = body["params"]
            reply: Reply | None = None
            progress.attempts += 1
            progress.in_flight = True
            try:
                raw = await self._conn.post(body)
            except SharpSpringError as exc:
                error: SharpSpringError = exc
            else:
                reply = parse_response(raw, body["id"], secret=self._conn.scrub_secret)
                if reply.error is None or not reply.error.retryable:
                    return reply
                error = reply.error
            # Not in a `finally`: a deadline cutting the attempt short must still see it.
            progress.in_flight = False
            progress.last_error = error
            failures += 1
            decision = self.retry.decide(method, error, failures)
            if decision is Decision.RETRY:
                delay = self.retry.backoff(failures)
                log.info("%s: %s; retry %d of %d in %.2f s", method, error, failures,
                         self.retry.max_attempts - 1, delay)
                await self.clock.sleep(delay)
                continue
            if decision is Decision.OUTCOME_UNKNOWN:
                raise _outcome_unknown(method, body["params"], error) from error
            if reply is not None:
                return reply
            if failures > 1 and isinstance(error, TransportError):
                # "did not answer within 30 s" alone hides the retries: say what was waited.
                waited = self.clock.now() - progress.started
                error.message = (
                    f"{error.message.rstrip('.')} ({failures} attempts, {waited:.0f} s in all)"
                )
                error.args = (error.message,)
            raise error

    def _deadline_error(self, method: str, progress: _Progress) -> SharpSpringError:
        attempts = f"{progress.attempts} attempt{'s' if progress.attempts != 1 else ''}"
        last = progress.last_error
        why = f"; last: {last.message.rstrip('.')}" if last is not None else ""
        error = RequestTimeoutError(
            f"SharpSpring did not answer within {self.deadline:g} s ({attempts}{why})"
        )
        if progress.in_flight and not is_read(method):
            # The deadline cut an attempt short: the write may have reached SharpSpring.
            return _outcome_unknown(method, progress.params, error)
        return error

    # --- entities and custom fields ----------------------------------------------------------

    def entity(self, key: str) -> Entity:
        """The entity registered under ``key``, with this account's custom fields."""
        return self._entities.get(key) or registry_entity(key)

    def set_custom_fields(self, entity_key: str, fields: Sequence[Field]) -> None:
        """Decode (and encode) ``entity_key`` records with these custom fields from now on."""
        self._entities[entity_key] = registry_entity(entity_key).with_custom(fields)
        self._codecs.pop(entity_key, None)

    def codec(self, entity_key: str) -> RecordCodec:
        """The record codec for an entity in the API's zone."""
        codec = self._codecs.get(entity_key)
        if codec is None:
            codec = self._codecs[entity_key] = RecordCodec(self.entity(entity_key), self._tz)
        return codec

    async def load_custom_fields(self) -> dict[str, list[Field]]:
        """Read getFields (all pages) and attach each entity's custom fields."""
        assert FIELD.methods.list is not None
        rows: list[Mapping[str, Any]] = []
        async for page in self._raw_pages(FIELD.methods.list.name, FIELD.methods.list.result_key,
                                          {"where": {}}, MAX_PAGE):
            rows.extend(page)
        found: dict[str, list[Field]] = {}
        for key, ent in REGISTRY.items():
            if ent.custom_relationship:
                found[key] = custom_fields_for(ent.custom_relationship, rows)
                self.set_custom_fields(key, found[key])
        return found

    # --- reads ---------------------------------------------------------------------------

    async def get(
        self, entity_key: str, id: int | str, *, required: bool = False
    ) -> dict[str, Any] | None:
        """One record by id, or None when there is none (NotFoundError if ``required``)."""
        ent = self.entity(entity_key)
        methods = ent.methods
        if methods.get is not None:
            result = await self.call(methods.get.name, {"id": id})
            rows = records_in(result, methods.get.result_key)
        elif methods.list is not None and "id" in methods.where_keys:
            result = await self.call(methods.list.name, {"where": {"id": id}, "limit": 1,
                                                         "offset": 0})
            rows = records_in(result, methods.list.result_key)
        else:
            raise ValueError(f"{ent.plural} cannot be fetched by id")
        rows = [r for r in rows if has_id(r, ent.id_field)]
        if not rows:
            if required:
                raise NotFoundError(f"No {ent.label.lower()} with ID {id} exists", code=404)
            return None
        return self.codec(entity_key).decode(rows[0])

    async def page(
        self,
        entity_key: str,
        offset: int = 0,
        *,
        where: Mapping[str, Any] | None = None,
        fields: Sequence[str] | None = None,
        limit: int = MAX_PAGE,
    ) -> list[dict[str, Any]]:
        """One page of decoded records from the entity's list method, from record ``offset``.

        For callers that checkpoint offsets or fetch pages ahead (the mirror's full sync);
        ``iter_pages`` walks them all.
        """
        method, params = self._list_call(entity_key, where, fields)
        params.update(limit=page_size_of(limit), offset=offset)
        result = await self.call(method.name, params)
        return self.codec(entity_key).decode_many(records_in(result, method.result_key))

    def _list_call(self, entity_key: str, where: Mapping[str, Any] | None,
                   fields: Sequence[str] | None) -> tuple[Method, dict[str, Any]]:
        """The entity's list method and its params (where, fields), without the paging."""
        ent = self.entity(entity_key)
        method = ent.methods.list
        if method is None:
            raise ValueError(f"{ent.plural} cannot be listed")
        params = where_params(ent, where)
        if fields:
            params["fields"] = list(fields)
        return method, params

    async def iter_pages(
        self,
        entity_key: str,
        where: Mapping[str, Any] | None = None,
        fields: Sequence[str] | None = None,
        page_size: int = MAX_PAGE,
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Pages of decoded records from the entity's list method, until a short page."""
        method, params = self._list_call(entity_key, where, fields)
        codec = self.codec(entity_key)
        async for page in self._raw_pages(method.name, method.result_key, params, page_size):
            yield codec.decode_many(page)

    async def iter_date_range(
        self,
        entity_key: str,
        start: datetime,
        end: datetime,
        timestamp: str = "update",
        fields: Sequence[str] | None = None,
        page_size: int = MAX_PAGE,
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Pages of records created or updated between ``start`` and ``end``.

        Times are sent in the API's zone (``tz``); naive datetimes are taken as already in it.
        """
        ent = self.entity(entity_key)
        method = ent.methods.date_range
        if method is None:
            raise ValueError(f"{ent.plural} have no date-range search")
        if timestamp not in TIMESTAMPS:
            raise ValueError(f"timestamp must be 'create' or 'update', got {timestamp!r}")
        params: dict[str, Any] = {
            "startDate": wire_time(start, self._tz),
            "endDate": wire_time(end, self._tz),
            "timestamp": timestamp,
        }
        if fields:
            params["fields"] = list(fields)
        codec = self.codec(entity_key)
        async for page in self._raw_pages(method.name, method.result_key, params, page_size):
            yield codec.decode_many(page)

    async def _raw_pages(
        self, method: str, result_key: str, params: Mapping[str, Any], page_size: int
    ) -> AsyncIterator[list[Mapping[str, Any]]]:
        """Wire records page by page over limit/offset (offset is a record index, §1.5)."""
        size = page_size_of(page_size)
        offset = 0
        previous: list[Mapping[str, Any]] | None = None
        while True:
            reply = await self._exchange(method, {**params, "limit": size, "offset": offset})
            rows = records_in(reply.raise_for_error(), result_key)
            if rows == previous:
                # A server that ignores offset would otherwise be paged forever.
                log.warning("%s returned the same page at offset %d; stopping", method, offset)
                return
            if rows:
                yield rows
            more = reply.has_more
            # hasMore, where a method sends it, wins; otherwise a short page is the end. A page
            # longer than asked means the server ignored limit and sent everything.
            if more is False or (more is None and len(rows) != size) or not rows:
                return
            offset += len(rows)
            previous = rows

    async def events_by_type(
        self,
        event_sources: Sequence[str],
        *,
        lead_id: int | str | None = None,
        since: datetime | None = None,
        limit: int = MAX_PAGE,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Events of the given kinds ("pageVisit", "formSubmit", ...) for a lead or since a time."""
        if not event_sources:
            raise ValueError("name at least one event source, e.g. 'pageVisit'")
        where: dict[str, Any] = {}
        if lead_id is not None:
            where["leadID"] = lead_id
        if since is not None:
            where["createTimestamp"] = wire_time(since, self._tz)
        if not where:
            raise ValueError("getEventsByType needs a lead ID, a start time, or both")
        params = {
            "where": where,
            "eventSource": ",".join(event_sources),
            "limit": page_size_of(limit),
            "offset": offset,
        }
        result = await self.call(EVENTS_BY_TYPE.name, params)
        return self.codec("event").decode_many(records_in(result, EVENTS_BY_TYPE.result_key))

    # --- writes --------------------------------------------------------------------------

    async def create(
        self, entity_key: str, records: Sequence[Mapping[str, Any]]
    ) -> list[WriteResult]:
        """Create records; one result per record, in order (new ids in ``WriteResult.id``)."""
        ent = self.entity(entity_key)
        return await self._write_records(entity_key, ent.methods.create, "creates", records)

    async def update(
        self, entity_key: str, records: Sequence[Mapping[str, Any]]
    ) -> list[WriteResult]:
        """Update records (matched by id); one result per record, in order."""
        ent = self.entity(entity_key)
        return await self._write_records(entity_key, ent.methods.update, "updates", records)

    async def _write_records(self, entity_key: str, method: str | None, key: str,
                             records: Sequence[Mapping[str, Any]]) -> list[WriteResult]:
        """Encode records for the wire and send them with ``method`` (creates/updates)."""
        if method is None:
            verb = "created" if key == "creates" else "updated"
            raise ValueError(f"{self.entity(entity_key).plural} cannot be {verb} through the API")
        codec = self.codec(entity_key)
        return await self._write(method, key, [codec.encode_write(r) for r in records])

    async def delete(self, entity_key: str, ids: Sequence[int | str]) -> list[WriteResult]:
        """Delete records by id (by systemName for fields); one result per id, in order."""
        ent = self.entity(entity_key)
        if ent.methods.delete is None:
            raise ValueError(f"{ent.plural} cannot be deleted through the API")
        objects = [{ent.delete_key: i} for i in ids]
        return await self._write(ent.methods.delete, "deletes", objects)

    async def _write(
        self, method: str, key: str, objects: Sequence[Mapping[str, Any]]
    ) -> list[WriteResult]:
        """Send objects in chunks of 500; per-object failures are results, not exceptions."""
        results: list[WriteResult] = []
        verb = write_verb(method)
        for start, chunk in chunks(objects):
            try:
                result = await self.call(method, {"objects": list(chunk)})
            except SharpSpringError as exc:
                # Earlier chunks did happen: hand their results over with the error.
                exc.completed = tuple(results)
                if isinstance(exc, OutcomeUnknownError):
                    exc.first_index = start
                raise
            results.extend(write_results(entries_of(result, key), len(chunk), start, verb=verb,
                                         secret=self._conn.scrub_secret))
        return results


@dataclass
class _Progress:
    """How far one call got, for the message when its deadline runs out."""

    started: float
    attempts: int = 0
    in_flight: bool = False
    last_error: SharpSpringError | None = None
    params: Mapping[str, Any] | None = None


def _outcome_unknown(
    method: str, params: Mapping[str, Any] | None, error: SharpSpringError
) -> OutcomeUnknownError:
    objects = params.get("objects") if params is not None else None
    count = len(objects) if isinstance(objects, list) else None
    what = (
        f"the {count} record{'s' if count != 1 else ''} sent" if count is not None
        else "the request"
    )
    return OutcomeUnknownError(
        f"{method}: {error.message.rstrip('.')}. {what[:1].upper() + what[1:]} may or may not "
        f"have been {write_verb(method)}; check in SharpSpring before retrying.",
        method=method,
        count=count,
    )
