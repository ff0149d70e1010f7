"""Event methods: getEvents and getEventsByType (reference §2.7).

getLeadTimeline answers one lead's events under ``leadTimeline``.
getEvents filters on leadID and createTimestamp (events created *after* that time) and leaves
out Mail Sync events. getEventsByType needs leadID and/or createTimestamp in ``where`` plus a
comma-separated ``eventSource`` list (an unknown type is 219). Our choice for its unknown
shape ([INF]): one array under ``event``, the requested types one after the other in the
order asked, each ordered by time; limit/offset page through that whole array.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..entities import EVENT, EVENT_SOURCES, EVENTS_BY_TYPE, LEAD_TIMELINE
from .errors import ApiError
from .params import Call, where_of, where_sql
from .records import read_rows
from .reply import Handler, Reply

MAIL_SYNC = ("mailboxRecv", "mailboxSend", "mailboxEmailOpen")
_NOT_MAIL_SYNC = f'"eventSource" NOT IN ({", ".join(repr(s) for s in MAIL_SYNC)})'
assert EVENT.methods.list
EVENTS = EVENT.methods.list.result_key


def get_events(call: Call, params: Mapping[str, Any]) -> Reply:
    e = call.store.entity("event")
    clauses, args = where_sql(e, where_of(params, e), call.tz)
    clauses.append(f"({_NOT_MAIL_SYNC} OR \"eventSource\" IS NULL)")
    return Reply({EVENTS: read_rows(call, "event", clauses, args, params)})


def get_events_by_type(call: Call, params: Mapping[str, Any]) -> Reply:
    e = call.store.entity("event")
    where = where_of(params, e)
    if all(where.get(k) in (None, "") for k in ("leadID", "createTimestamp")):
        raise ApiError(206, "where needs leadID and/or createTimestamp")
    source = params.get("eventSource")
    if source in (None, ""):
        raise ApiError(206, "eventSource is required")
    if not isinstance(source, str):
        raise ApiError(219, "eventSource must be a comma-separated list of event types")
    kinds = list(dict.fromkeys(s.strip() for s in source.split(",") if s.strip()))
    bad = [k for k in kinds if k not in EVENT_SOURCES]
    if bad or not kinds:
        raise ApiError(219, f"unknown eventSource {', '.join(bad) or source!r}")
    clauses, args = where_sql(e, where, call.tz)
    clauses.append(f'"eventSource" IN ({", ".join("?" for _ in kinds)})')
    args.extend(kinds)
    rank = " ".join(f"WHEN ? THEN {i}" for i in range(len(kinds)))
    order = f'CASE "eventSource" {rank} END, "createTimestamp", "id"'
    rows = read_rows(call, "event", clauses, [*args, *kinds], params, order=order)
    return Reply({EVENTS_BY_TYPE.result_key: rows})


def get_lead_timeline(call: Call, params: Mapping[str, Any]) -> Reply:
    """One lead's events, oldest first (our choice of shape: event rows, [INF])."""
    e = call.store.entity("event")
    where = where_of(params, e)
    if where.get("leadID") in (None, ""):
        raise ApiError(206, "where needs leadID")
    clauses, args = where_sql(e, {"leadID": where["leadID"]}, call.tz)
    rows = read_rows(call, "event", clauses, args, params, order='"createTimestamp", "id"')
    return Reply({LEAD_TIMELINE.result_key: rows})


HANDLERS: dict[str, Handler] = {
    LEAD_TIMELINE.name: get_lead_timeline,
    EVENT.methods.list.name: get_events,
    EVENTS_BY_TYPE.name: get_events_by_type,
    "getEventsbyType": get_events_by_type,  # AE's spelling
}
