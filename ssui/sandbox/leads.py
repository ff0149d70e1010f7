"""Lead methods, with the quirks the reference records (§2.1, §3.2).

- getLeads/getLeadsDateRange hide inactive leads (active=0) unless filtering by id or email;
  with a list of ids, other filters are ignored and only the first 500 ids count.
- createLeads ignores ``id``, needs ``emailAddress`` (206 missing, 205 empty), fails a
  duplicate email (any case) with 301, turns an empty leadStatus into "unqualified" and logs
  a leadCreation event.
- updateLeads finds the lead by ``id``, else by ``emailAddress`` (any case). An unknown id or
  email is reported as success and changes nothing; an id plus another lead's email only
  touches updateTimestamp; changing nothing is 302; contactWithOpp never goes back to
  contact. updateLeadsV2 is the same but answers 404 for an unknown lead ([INF]: the email
  clash keeps the updateLeads behaviour).
- deleteLeads also drops the lead's list memberships and opportunity links (events stay).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..entities import LEAD
from .errors import ApiError, ObjectError
from .params import Call, objects_of, where_of, where_sql
from .records import (
    _object_id,
    apply_update,
    changed,
    check_references,
    check_required,
    date_range_handler,
    insert_record,
    read_rows,
    values_of,
)
from .reply import Handler, Reply, bulk_write
from .schema import LIVE

ACTIVE = LIVE
LIVE_INDEX = "ix_lead_live"
assert LEAD.methods.list and LEAD.methods.date_range


def get_leads(call: Call, params: Mapping[str, Any]) -> Reply:
    e = call.store.entity("lead")
    where = dict(where_of(params, e))
    if isinstance(where.get("id"), list):
        where = {"id": where["id"]}
    clauses, args = where_sql(e, where, call.tz)
    if any(where.get(k) not in (None, "") for k in ("id", "emailAddress")):
        return Reply({"lead": read_rows(call, "lead", clauses, args, params)})
    clauses.append(ACTIVE)
    index = LIVE_INDEX if len(clauses) == 1 else None
    return Reply({"lead": read_rows(call, "lead", clauses, args, params, id_index=index)})


def create_lead(call: Call, obj: Mapping[str, Any]) -> int:
    e = call.store.entity("lead")
    values = values_of(call, e, obj)
    check_required(e, obj, values)
    if call.store.lead_id_by_email(values["emailAddress"]) is not None:
        raise ObjectError(301, f"a lead with email {values['emailAddress']} already exists")
    if values.get("leadStatus") is None:
        values["leadStatus"] = "unqualified"
    check_references(call, e, values)
    lead_id = insert_record(call, e, values)
    call.store.insert("event", {
        "leadID": lead_id, "eventName": "Lead created", "eventSource": "leadCreation",
        "whatType": "lead", "whatID": str(lead_id), "createTimestamp": call.store.now(),
    })
    return lead_id


def update_lead(call: Call, obj: Mapping[str, Any], *, strict: bool) -> None:
    e = call.store.entity("lead")
    values = values_of(call, e, obj)
    email = values.get("emailAddress")
    if email == "":
        raise ObjectError(205, "emailAddress may not be empty")
    if obj.get("id") not in (None, ""):
        lead_id: int | None = _object_id(obj["id"])
        assert lead_id is not None
        current = call.store.get("lead", lead_id)
        if current is None:
            if strict:
                raise ObjectError(404, f"no lead with id {lead_id}")
            return
        if email is not None:
            owner = call.store.lead_id_by_email(email)
            if owner is not None and owner != lead_id:
                apply_update(call, e, lead_id, {})
                return
    else:
        if email is None:
            raise ObjectError(206, "id or emailAddress is required")
        lead_id = call.store.lead_id_by_email(email)
        if lead_id is None:
            if strict:
                raise ObjectError(404, f"no lead with email {email}")
            return
        current = call.store.get("lead", lead_id)
        assert current is not None
        values.pop("emailAddress")
    if values.get("leadStatus") is None:
        values.pop("leadStatus", None)
    elif current.get("leadStatus") == "contactWithOpp" and values["leadStatus"] == "contact":
        values.pop("leadStatus")
    diff = changed(current, values)
    if not diff:
        raise ObjectError(302, "nothing changed")
    check_references(call, e, diff)
    apply_update(call, e, lead_id, diff)


def delete_lead(call: Call, obj: Mapping[str, Any]) -> None:
    if obj.get("id") in (None, ""):
        raise ObjectError(206, "id is required")
    lead_id = _object_id(obj["id"])
    if call.store.delete("lead", '"id" = ?', [lead_id]) == 0:
        raise ObjectError(302, f"no lead with id {lead_id}")
    call.store.delete("list_member", '"leadID" = ?', [lead_id])
    call.store.delete("opportunity_lead", '"leadID" = ?', [lead_id])


def create_leads(call: Call, params: Mapping[str, Any]) -> Reply:
    objects = objects_of(params, call.max_objects)
    return bulk_write(call, objects, "creates", lambda o: create_lead(call, o), with_id=True)


def _updates(strict: bool) -> Handler:
    def handle(call: Call, params: Mapping[str, Any]) -> Reply:
        objects = objects_of(params, call.max_objects)

        def one(o: dict[str, Any]) -> None:
            update_lead(call, o, strict=strict)

        return bulk_write(call, objects, "updates", one, with_id=False)

    return handle


def delete_leads(call: Call, params: Mapping[str, Any]) -> Reply:
    objects = objects_of(params, call.max_objects)

    def one(o: dict[str, Any]) -> None:
        delete_lead(call, o)

    return bulk_write(call, objects, "deletes", one, with_id=False)


def subscribe_to_lead_updates(call: Call, params: Mapping[str, Any]) -> Reply:
    """Records the URL; the sandbox does not post to it (the payload is unknown)."""
    url = params.get("url")
    if url in (None, ""):
        raise ApiError(206, "url is required")
    with call.store.transaction():
        call.store.insert("_subscription", {"url": str(url), "createTimestamp": call.store.now()})
    return Reply({"success": True}, write=True, failures=[])


HANDLERS: dict[str, Handler] = {
    LEAD.methods.list.name: get_leads,
    LEAD.methods.date_range.name: date_range_handler(LEAD, extra=(ACTIVE,)),
    str(LEAD.methods.create): create_leads,
    str(LEAD.methods.update): _updates(strict=False),
    "updateLeadsV2": _updates(strict=True),
    str(LEAD.methods.delete): delete_leads,
    "subscribeToLeadUpdates": subscribe_to_lead_updates,
}
