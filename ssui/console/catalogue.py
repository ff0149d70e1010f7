"""Every API method the console knows: the registry's, plus the reference's other methods.

The registry describes the methods ssui mirrors (getLeads, createAccounts, ...). The reference
(shared/sharpspring-api.md §2) lists more that no entity owns (getClients, addListMember,
updateLeadsV2, ...); they are written down here once, with what is known of their params and
result keys, so the console can complete and describe them. Unknown names stay allowed: the
catalogue helps, it never forbids.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from ssui.entities import (
    EVENT_SOURCES,
    EVENTS_BY_TYPE,
    LEAD_TIMELINE,
    REGISTRY,
    Entity,
    Field,
    Kind,
    Where,
)

# What a list template asks for: small enough to read on screen, and a page to step through.
TEMPLATE_LIMIT = 50
DEFAULT_PAGE = 500  # what list methods return when no limit is given (reference §1.5)
_WIRE_TIME = "%Y-%m-%d %H:%M:%S"
# A word being typed inside a JSON string, up to the cursor: what field completion extends.
_OPEN_WORD = re.compile(r'"([A-Za-z_][A-Za-z0-9_]*)$')


class Shape(StrEnum):
    """What a method does, which decides its params template."""

    GET = "get"  # one record by id
    LIST = "list"  # where / limit / offset
    DATE_RANGE = "date_range"  # startDate / endDate / timestamp (+ limit / offset)
    CREATE = "create"  # objects with the required fields
    UPDATE = "update"  # objects with an id
    DELETE = "delete"  # objects with the delete key
    OTHER = "other"  # its own params (a template written out below, or {})


@dataclass(frozen=True, slots=True)
class MethodInfo:
    """One API method: what it does, whose records, the key its result sits under."""

    name: str
    shape: Shape
    summary: str
    entity: str | None = None
    result_key: str | None = None
    where: Where = Where.REQUIRED
    where_keys: tuple[str, ...] = ()
    # A template for OTHER methods, as the reference describes their params.
    params: Mapping[str, Any] | None = None
    paged: bool = False  # takes limit / offset

    @property
    def writes(self) -> bool:
        """True for anything but a read: creates, updates, deletes, list changes, ..."""
        return is_write(self.name)

    def describe(self) -> str:
        """One line for the method field's hint: what it does, where keys, the result key."""
        parts = [self.summary]
        if self.where_keys:
            parts.append("where: " + ", ".join(self.where_keys))
        if self.result_key:
            parts.append(f"result key: {self.result_key}")
        if self.writes:
            parts.append("writes")
        return " · ".join(parts)


def is_write(method: str) -> bool:
    """True unless the method only reads (get*): unknown names count as writes, to be safe."""
    return not method.strip().lower().startswith("get")


def _entity_methods(e: Entity) -> Iterable[MethodInfo]:
    m, what, plural = e.methods, e.label.lower(), e.plural.lower()
    if m.get is not None:
        yield MethodInfo(m.get.name, Shape.GET, f"one {what} by id", e.key, m.get.result_key)
    if m.list is not None:
        yield MethodInfo(m.list.name, Shape.LIST, f"list {plural}", e.key, m.list.result_key,
                         where=m.where, where_keys=m.where_keys, paged=True)
    if m.date_range is not None:
        yield MethodInfo(m.date_range.name, Shape.DATE_RANGE,
                         f"{plural} created or updated between two times", e.key,
                         m.date_range.result_key, paged=True)
    for name, shape, key, verb in ((m.create, Shape.CREATE, "creates", "create"),
                                   (m.update, Shape.UPDATE, "updates", "update"),
                                   (m.delete, Shape.DELETE, "deletes", "delete")):
        if name is not None:
            yield MethodInfo(name, shape, f"{verb} {plural}", e.key, key)


def _other(name: str, summary: str, params: Mapping[str, Any] | None = None,
           result_key: str | None = None, entity: str | None = None,
           paged: bool = False) -> MethodInfo:
    return MethodInfo(name, Shape.OTHER, summary, entity, result_key, params=params or {},
                      paged=paged)


_ID = 1  # the placeholder id a template carries
_PAGE = {"limit": TEMPLATE_LIMIT, "offset": 0}

# The reference's methods that no registry entity owns (§2.1-§2.7), with what it says of them.
OTHER_METHODS: tuple[MethodInfo, ...] = (
    _other(EVENTS_BY_TYPE.name, "events of some kinds, for a lead or since a time",
           {"where": {"leadID": _ID}, "eventSource": "pageVisit,formSubmit", **_PAGE},
           EVENTS_BY_TYPE.result_key, "event", paged=True),
    _other("getEventsbyType", "getEventsByType as one source spells it",
           {"where": {"leadID": _ID}, "eventSource": "pageVisit", **_PAGE},
           EVENTS_BY_TYPE.result_key, "event", paged=True),
    _other(LEAD_TIMELINE.name, "one lead's history", {"where": {"leadID": _ID}},
           LEAD_TIMELINE.result_key, "event"),
    MethodInfo("updateLeadsV2", Shape.UPDATE, "update leads; 404 when a lead is missing",
               "lead", "updates"),
    _other("subscribeToLeadUpdates", "SharpSpring posts updated leads to a URL",
           {"url": "https://example.com/hook"}),
    _other("getLeadListMemberships", "a lead's list memberships (params unknown)"),
    _other("getRelatedLeadsByEmail", "leads related by email (params unknown)"),
    _other("getAccountNotes", "an account's notes (params unknown)"),
    _other("getOpportunityNotes", "an opportunity's notes (params unknown)"),
    _other("updateAccountSendLimit", "change an account's send limit (params unknown)"),
    _other("disableAccountSending", "stop an account's email sending (params unknown)"),
    _other("enableAccountSending", "allow an account's email sending (params unknown)"),
    _other("getClients", "the reseller's client accounts", {},
           "getAllcompanyProfileManagedBys"),
    _other("createClient", "create a client account (resellers only)"),
    _other("updateClient", "update a client account (resellers only)"),
    _other("getEmailSendEvents", "email send events (params unknown)"),
    _other("getEmailSend", "an email send (params unknown)"),
    _other("getEmailSendStatus", "an email send's status (params unknown)"),
    _other("getScheduleSends", "scheduled sends (params unknown)"),
    _other("getSendCount", "emails sent (params unknown)"),
    _other("createSendMail", "send an email (params unknown)"),
    _other("getRemovedListMembers", "members removed, unsubscribed or bounced from a list",
           {"where": {"id": _ID, "flag": "removed"}}, "getWherelistLeadMembers"),
    _other("addListMember", "add one lead to a list by id", {"listID": _ID, "memberID": _ID},
           "creates"),
    _other("addListMemberEmailAddress", "add one lead to a list by email",
           {"listID": _ID, "emailAddress": ""}, "creates"),
    _other("addListMembersEmailAddress", "add leads to a list by email",
           {"objects": [{"listID": _ID, "emailAddress": ""}]}, "creates"),
    _other("removeListMember", "take one lead off a list by id",
           {"listID": _ID, "memberID": _ID}, "deletes"),
    _other("removeListMemberEmailAddress", "take one lead off a list by email",
           {"listID": _ID, "emailAddress": ""}, "deletes"),
    _other("removeListMembersEmailAddress", "take leads off a list by email",
           {"objects": [{"listID": _ID, "emailAddress": ""}]}, "deletes"),
    _other("removeListMembersAll", "empty a list (params unknown)"),
    _other("getListMemberships", "the lists an email address is on", {"emailAddress": ""}),
    _other("getContactListMemberships", "list memberships", {"where": {}}, "listMember"),
    _other("getListTags", "list tags", {}, "getAllgetListTagss"),
    _other("getUnsubscribeCategories", "unsubscribe categories", {},
           "getAllunsubscribeCategorys"),
    _other("logCalls", "log phone calls (params unknown)"),
)

# Params a registry method takes beyond its shape's, for completion inside the editor.
PARAM_NAMES = ("where", "limit", "offset", "fields", "objects", "id", "startDate", "endDate",
               "timestamp", "eventSource", "url", "listID", "memberID", "emailAddress", "flag",
               "emailJobID", "eventType")


def _build() -> dict[str, MethodInfo]:
    table: dict[str, MethodInfo] = {}
    for e in REGISTRY.values():
        for info in _entity_methods(e):
            table.setdefault(info.name, info)
    for info in OTHER_METHODS:
        table.setdefault(info.name, info)
    # getEmailEvents has its own params (reference §2.5), though the registry lists it.
    if "getEmailEvents" in table:
        info = table["getEmailEvents"]
        table["getEmailEvents"] = MethodInfo(
            info.name, Shape.OTHER, "opens and clicks of one email job", info.entity,
            info.result_key, params={"emailJobID": _ID, "eventType": "emailOpened"})
    return dict(sorted(table.items(), key=lambda item: item[0].lower()))


CATALOGUE: Mapping[str, MethodInfo] = _build()
METHOD_NAMES: tuple[str, ...] = tuple(CATALOGUE)


def lookup(name: str) -> MethodInfo | None:
    """The method called ``name`` (exactly, else ignoring case), or None."""
    name = name.strip()
    found = CATALOGUE.get(name)
    if found is None:
        folded = name.casefold()
        found = next((m for n, m in CATALOGUE.items() if n.casefold() == folded), None)
    return found


def complete(prefix: str, limit: int | None = None) -> list[str]:
    """Method names starting with ``prefix`` (case ignored), shortest first, then by name."""
    folded = prefix.strip().casefold()
    names = sorted((n for n in METHOD_NAMES if n.casefold().startswith(folded)),
                   key=lambda n: (len(n), n.casefold()))
    return names if limit is None else names[:limit]


def _placeholder(f: Field, now: datetime) -> Any:
    if f.kind in (Kind.INT, Kind.REFERENCE, Kind.DECIMAL, Kind.MONEY, Kind.BOOL):
        return 0
    if f.kind is Kind.DATE:
        return now.strftime("%Y-%m-%d")
    if f.kind is Kind.DATETIME:
        return now.strftime(_WIRE_TIME)
    if f.kind is Kind.ENUM and f.choices:
        return f.choices[0]
    if f.kind is Kind.JSON:
        return {}
    return ""


def template(name: str, *, now: datetime | None = None,
             entities: Mapping[str, Entity] | None = None) -> dict[str, Any]:
    """The params to start from for ``name`` ({} for a method nobody knows).

    ``entities`` replaces registry entities (the account's, with its custom fields) when
    required fields are filled in; ``now`` is the end of a date range (default: now, UTC).
    """
    info = lookup(name)
    if info is None:
        return {}
    now = now or datetime.now(UTC)
    entity = None
    if info.entity is not None:
        entity = (entities or {}).get(info.entity) or REGISTRY.get(info.entity)
    match info.shape:
        case Shape.GET:
            return {"id": _ID}
        case Shape.LIST:
            if info.where is Where.NONE:
                return dict(_PAGE)
            return {"where": {}, **_PAGE}
        case Shape.DATE_RANGE:
            return {"startDate": (now - timedelta(days=1)).strftime(_WIRE_TIME),
                    "endDate": now.strftime(_WIRE_TIME), "timestamp": "update", **_PAGE}
        case Shape.CREATE:
            fields = entity.required_fields if entity is not None else ()
            return {"objects": [{f.name: _placeholder(f, now) for f in fields}]}
        case Shape.UPDATE:
            return {"objects": [{"id": _ID}]}
        case Shape.DELETE:
            key = entity.delete_key if entity is not None else "id"
            return {"objects": [{key: "" if key != "id" else _ID}]}
    return dict(info.params or {})


def vocabulary(name: str, entities: Mapping[str, Entity] | None = None) -> tuple[str, ...]:
    """The words worth completing in ``name``'s params: param names, then its entity's fields.

    The event kinds join them for the methods that take an ``eventSource``.
    """
    info = lookup(name)
    words: dict[str, None] = dict.fromkeys(PARAM_NAMES)
    if info is not None and info.entity is not None:
        entity = (entities or {}).get(info.entity) or REGISTRY.get(info.entity)
        if entity is not None:
            words.update(dict.fromkeys(entity.field_names))
        if info.entity == "event":
            words.update(dict.fromkeys(EVENT_SOURCES))
    return tuple(words)


def page_size(params: Mapping[str, Any]) -> int:
    """The page a list call asks for: its ``limit``, or the API's default of 500."""
    limit = params.get("limit")
    try:
        size = int(limit) if limit is not None and not isinstance(limit, bool) else DEFAULT_PAGE
    except (TypeError, ValueError):
        size = DEFAULT_PAGE
    return max(1, min(size, DEFAULT_PAGE))


def word_completion(before: str, after: str, words: Sequence[str]) -> str:
    """What completes the word typed inside quotes just before the cursor ("" for nothing).

    ``before`` is the line up to the cursor and ``after`` the rest of it; a word already
    followed by more letters is left alone. The first of ``words`` that extends it wins.
    """
    if after[:1].isalnum() or after[:1] == "_":
        return ""
    found = _OPEN_WORD.search(before)
    if found is None:
        return ""
    typed = found.group(1)
    for word in words:
        if word.startswith(typed) and word != typed:
            return word[len(typed):]
    return ""
