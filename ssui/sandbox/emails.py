"""Email methods. getEmail, getEmailListing and getEmailJobs are served generically from the
registry; this module adds what links them.

- createEmail/updateEmail/deleteEmail keep the email's listing row (same id) in step, so a new
  email shows up in getEmailListing.
- getEmailEvents takes ``{emailJobID, eventType?}`` ([INF] for the unknown eventType values:
  open, click, bounce, unsubscribe, spam; another value is 205) and pages with limit/offset.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..entities import EMAIL, EMAIL_EVENT, Entity
from .errors import ApiError
from .params import Call, objects_of, record_id
from .records import bulk_handler, create_one, delete_one, read_rows, update_one
from .reply import Handler, Reply, bulk_write

EMAIL_EVENT_TYPES = ("open", "click", "bounce", "unsubscribe", "spam")


def _sync_listing(call: Call, email_id: int) -> None:
    row = call.store.get("email", email_id)
    if row is None:
        call.store.delete("email_listing", '"id" = ?', [email_id])
        return
    listing = call.store.get("email_listing", email_id)
    if listing is None:
        call.store.insert("email_listing", {
            "id": email_id, "title": row["emailName"], "subject": row["subject"],
            "createTimestamp": call.store.now(),
        })
    else:
        call.store.update("email_listing", email_id, {
            "title": row["emailName"], "subject": row["subject"],
        })


def create_emails(call: Call, params: Mapping[str, Any]) -> Reply:
    objects = objects_of(params, call.max_objects)
    e = call.store.entity("email")

    def one(o: dict[str, Any]) -> int:
        new_id = create_one(call, e, o)
        _sync_listing(call, new_id)
        return new_id

    return bulk_write(call, objects, "creates", one, with_id=True)


def _update_email(call: Call, e: Entity, o: Mapping[str, Any]) -> None:
    update_one(call, e, o)
    _sync_listing(call, int(o["id"]))


def _delete_email(call: Call, e: Entity, o: Mapping[str, Any]) -> None:
    delete_one(call, e, o)
    _sync_listing(call, int(o["id"]))


update_emails = bulk_handler(EMAIL, "updates", _update_email)
delete_emails = bulk_handler(EMAIL, "deletes", _delete_email)


def get_email_events(call: Call, params: Mapping[str, Any]) -> Reply:
    job = record_id(params.get("emailJobID"), "emailJobID")
    clauses, args = ['"emailJobID" = ?'], [job]
    kind = params.get("eventType")
    if kind not in (None, ""):
        if kind not in EMAIL_EVENT_TYPES:
            raise ApiError(205, f"eventType must be one of {', '.join(EMAIL_EVENT_TYPES)}")
        clauses.append('"_eventType" = ?')
        args.append(kind)
    assert EMAIL_EVENT.methods.list
    rows = read_rows(call, "email_event", clauses, args, params, order='"createDate", rowid')
    return Reply({EMAIL_EVENT.methods.list.result_key: rows})


assert EMAIL.methods.create and EMAIL.methods.update and EMAIL.methods.delete
assert EMAIL_EVENT.methods.list
HANDLERS: dict[str, Handler] = {
    EMAIL.methods.create: create_emails,
    EMAIL.methods.update: update_emails,
    EMAIL.methods.delete: delete_emails,
    EMAIL_EVENT.methods.list.name: get_email_events,
}
