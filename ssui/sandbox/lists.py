"""List methods (reference §2.6).

- getActiveLists: lists with live memberCount/removedCount (key ``activeList``).
- getListMembers ``where{id: listID}``: current members with the lead's name, email and
  company (the list_member fields a lead also has come from the lead); ``hasMore`` both at
  the top level and inside ``result``.
- getRemovedListMembers ``where{id, flag?}``: members that left, flag ``removed`` (default),
  ``unsubscribed`` or ``hardbounced``, with the lowercase ``firstname/lastname/emailaddress``
  real responses use; an unknown list or flag gives an empty list.
- addListMember(s) / addListMember(s)EmailAddress: ``creates`` with the membership id; 213
  when already a member, 214 for an unknown lead or email, 303 for an unknown list; a removed
  member is re-added under the same id.
- removeListMember(s): ``deletes`` ([INF]: the key is unknown); marks the member removed; 302
  when the lead is not a member.
- deleteList also removes the list's members.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..entities import LIST, LIST_MEMBER
from .errors import ApiError, ObjectError
from .params import Call, objects_of, paging, where_of, where_sql
from .records import _object_id, delete_one
from .reply import Handler, Reply, bulk_write
from .schema import q

_COUNT = "(SELECT COUNT(*) FROM list_member m WHERE m.listID = l.id AND m.isRemoved = {})"
COUNTS = {"memberCount": _COUNT.format(0), "removedCount": _COUNT.format(1)}
FLAGS = ("removed", "unsubscribed", "hardbounced")
assert LIST.methods.list and LIST_MEMBER.methods.list and LIST.methods.delete
ACTIVE_LISTS = LIST.methods.list.result_key
MEMBERS = LIST_MEMBER.methods.list.result_key


def get_active_lists(call: Call, params: Mapping[str, Any]) -> Reply:
    e = call.store.entity("list")
    clauses, args = where_sql(e, where_of(params, e), call.tz)
    fields = call.store.visible_fields("list")
    cols = [COUNTS.get(f.name, f"l.{q(f.name)}") for f in fields]
    limit, offset = paging(params)
    sql = f"SELECT {', '.join(cols)} FROM list l"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += f" ORDER BY l.id LIMIT {limit} OFFSET {offset}"
    encode = call.store.encoder("list", fields, call.tz)
    rows = [encode(r) for r in call.store.db.execute(sql, args)]
    return Reply({ACTIVE_LISTS: rows})


def _list_id(params: Mapping[str, Any]) -> int | None:
    where = where_of(params, LIST_MEMBER)
    value = where.get("id")
    if value in (None, ""):
        raise ApiError(206, "where.id (the list id) is required")
    if isinstance(value, list | dict):
        raise ApiError(210, "where.id must be a single list id")
    try:
        return int(str(value))
    except ValueError:
        return None


def get_list_members(call: Call, params: Mapping[str, Any]) -> Reply:
    list_id = _list_id(params)
    limit, offset = paging(params)
    lead = call.store.entity("lead")
    fields = call.store.visible_fields("list_member")
    cols = [
        f"l.{q(f.name)}" if f.read_only and lead.has_field(f.name) and f.name != "id"
        else f"m.{q(f.name)}"
        for f in fields
    ]
    sql = (
        f"SELECT {', '.join(cols)} FROM list_member m JOIN lead l ON l.id = m.leadID "
        f"WHERE m.listID = ? AND m.isRemoved = 0 ORDER BY m.id LIMIT ? OFFSET ?"
    )
    rows = call.store.db.execute(sql, (list_id, limit + 1, offset)).fetchall()
    has_more = len(rows) > limit
    encode = call.store.encoder("list_member", fields, call.tz)
    result = [encode(r) for r in rows[:limit]]
    return Reply({MEMBERS: result, "hasMore": has_more},
                 has_more=has_more)


def get_removed_list_members(call: Call, params: Mapping[str, Any]) -> Reply:
    list_id = _list_id(params)
    flag = where_of(params, LIST_MEMBER).get("flag") or "removed"
    limit, offset = paging(params)
    rows: list[Any] = []
    if flag in FLAGS:
        rows = call.store.db.execute(
            "SELECT m.id, m.listID, m.isRemoved, m._flag, m.leadID, l.firstName, l.lastName, "
            "l.emailAddress FROM list_member m JOIN lead l ON l.id = m.leadID "
            "WHERE m.listID = ? AND m.isRemoved = 1 AND m._flag = ? ORDER BY m.id LIMIT ? OFFSET ?",
            (list_id, flag, limit + 1, offset),
        ).fetchall()
    has_more = len(rows) > limit
    member = call.store.entity("list_member")
    lead = call.store.entity("lead")
    as_member = call.store.encoder(
        "list_member", [member.field(n) for n in ("id", "listID", "isRemoved", "leadID")], call.tz
    )
    as_lead = call.store.encoder(
        "lead", [lead.field(n) for n in ("firstName", "lastName", "emailAddress")], call.tz
    )
    out = []
    for mid, lid, removed, why, lead_id, first, last, email in rows[:limit]:
        m = as_member((mid, lid, removed, lead_id))
        p = as_lead((first, last, email))
        out.append({
            "listMemberID": m["id"], "listID": m["listID"], "isRemoved": m["isRemoved"],
            "isUnsubscribed": "1" if why == "unsubscribed" else "0",
            "hardBounced": "1" if why == "hardbounced" else "0",
            "leadID": m["leadID"], "firstname": p["firstName"], "lastname": p["lastName"],
            "emailaddress": p["emailAddress"],
        })
    return Reply({"getWherelistLeadMembers": out, "hasMore": has_more}, has_more=has_more)


def _member_list(call: Call, obj: Mapping[str, Any]) -> int:
    if obj.get("listID") in (None, ""):
        raise ObjectError(206, "listID is required")
    list_id = _object_id(obj["listID"])
    if not call.store.exists("list", list_id):
        raise ObjectError(303, f"list {list_id} does not exist")
    return list_id


def _lead_by_id(call: Call, obj: Mapping[str, Any]) -> int:
    if obj.get("memberID") in (None, ""):
        raise ObjectError(206, "memberID is required")
    lead_id = _object_id(obj["memberID"])
    if not call.store.exists("lead", lead_id):
        raise ObjectError(214, f"lead {lead_id} does not exist")
    return lead_id


def _lead_by_email(call: Call, obj: Mapping[str, Any]) -> int:
    if obj.get("emailAddress") in (None, ""):
        raise ObjectError(206, "emailAddress is required")
    lead_id = call.store.lead_id_by_email(str(obj["emailAddress"]))
    if lead_id is None:
        raise ObjectError(214, f"no lead with email {obj['emailAddress']}")
    return lead_id


LeadOf = Callable[[Call, Mapping[str, Any]], int]


def add_member(call: Call, obj: Mapping[str, Any], lead_of: LeadOf) -> int:
    list_id = _member_list(call, obj)
    lead_id = lead_of(call, obj)
    row = call.store.db.execute(
        "SELECT id, isRemoved FROM list_member WHERE listID = ? AND leadID = ?",
        (list_id, lead_id),
    ).fetchone()
    if row is not None:
        if not row[1]:
            raise ObjectError(213, f"lead {lead_id} is already on list {list_id}")
        call.store.update("list_member", row[0], {"isRemoved": 0, "_flag": None})
        return int(row[0])
    return call.store.insert(
        "list_member", {"listID": list_id, "leadID": lead_id, "isRemoved": 0}
    )


def remove_member(call: Call, obj: Mapping[str, Any], lead_of: LeadOf) -> None:
    list_id = _member_list(call, obj)
    lead_id = lead_of(call, obj)
    cur = call.store.db.execute(
        "UPDATE list_member SET isRemoved = 1, _flag = 'removed' "
        "WHERE listID = ? AND leadID = ? AND isRemoved = 0",
        (list_id, lead_id),
    )
    if cur.rowcount == 0:
        raise ObjectError(302, f"lead {lead_id} is not on list {list_id}")


def _single(result_key: str, op: Callable[[Call, Mapping[str, Any], LeadOf], int | None],
            lead_of: LeadOf) -> Handler:
    def handle(call: Call, params: Mapping[str, Any]) -> Reply:
        return bulk_write(call, [dict(params)], result_key, lambda o: op(call, o, lead_of),
                          with_id=result_key == "creates")

    return handle


def _bulk(result_key: str, op: Callable[[Call, Mapping[str, Any], LeadOf], int | None],
          lead_of: LeadOf) -> Handler:
    def handle(call: Call, params: Mapping[str, Any]) -> Reply:
        objects = objects_of(params, call.max_objects)
        return bulk_write(call, objects, result_key, lambda o: op(call, o, lead_of),
                          with_id=result_key == "creates")

    return handle


def delete_lists(call: Call, params: Mapping[str, Any]) -> Reply:
    objects = objects_of(params, call.max_objects)
    e = call.store.entity("list")

    def one(o: dict[str, Any]) -> None:
        delete_one(call, e, o)
        call.store.delete("list_member", '"listID" = ?', [int(o["id"])])

    return bulk_write(call, objects, "deletes", one, with_id=False)


HANDLERS: dict[str, Handler] = {
    LIST.methods.list.name: get_active_lists,
    LIST.methods.delete: delete_lists,
    LIST_MEMBER.methods.list.name: get_list_members,
    "getRemovedListMembers": get_removed_list_members,
    "addListMember": _single("creates", add_member, _lead_by_id),
    "addListMembers": _bulk("creates", add_member, _lead_by_id),
    "addListMemberEmailAddress": _single("creates", add_member, _lead_by_email),
    "addListMembersEmailAddress": _bulk("creates", add_member, _lead_by_email),
    "removeListMember": _single("deletes", remove_member, _lead_by_id),
    "removeListMembers": _bulk("deletes", remove_member, _lead_by_id),
    "removeListMemberEmailAddress": _single("deletes", remove_member, _lead_by_email),
    "removeListMembersEmailAddress": _bulk("deletes", remove_member, _lead_by_email),
}

