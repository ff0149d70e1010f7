"""Generic methods for every registry entity: by-id get, list, date range, create/update/delete.

Which methods exist, their result keys, where keys and the fields come from the registry;
the modules for leads, fields, lists, events and emails override only what differs.

Our choices where the reference is silent ([INF]):
- a reference to a record that does not exist fails the object with 303 (foreign key);
- update or delete of an unknown id fails with 302 (no rows affected), as does an update that
  changes nothing (leads have their own matching rules, see leads.py);
- a key in an object that is not a field of the entity fails it with 205; read-only fields
  (id on create, timestamps) are ignored;
- flags default to 0, except ``active``/``isActive`` which default to 1;
- updateTimestamp is set to createTimestamp on create, so "update" ranges include records
  never updated;
- Opportunity ``closeDate`` is stored and read as ``YYYY-MM-DD 00:00:00`` (reference §3.1);
- ``*DateRange`` windows are inclusive, a date-only endDate means the end of that day, and
  their ``limit`` is not capped at 500 (RM saw larger limits work); other limits are;
- rows come back in id order (the API promises no order; ids follow creation here).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..entities import Entity, Field, Kind
from .errors import ObjectError
from .params import (
    MAX_LIMIT,
    Call,
    date_range,
    objects_of,
    paging,
    record_id,
    selected_fields,
    where_of,
    where_sql,
)
from .reply import Handler, Reply, bulk_write
from .values import to_storage

MIDNIGHT_DATES = frozenset({("opportunity", "closeDate")})


# --- reads ------------------------------------------------------------------------------
def read_rows(
    call: Call,
    key: str,
    clauses: Sequence[str],
    args: Sequence[Any],
    params: Mapping[str, Any],
    *,
    cap: int | None = MAX_LIMIT,
    fields: Sequence[Field] | None = None,
    order: str = '"id"',
    id_index: str | None = None,
) -> list[dict[str, Any]]:
    """Rows of ``key`` matching the clauses, paged by params, encoded as the API sends them."""
    fields = list(fields) if fields is not None else selected_fields(params, call.store, key)
    limit, offset = paging(params, cap)
    rows = call.store.select(
        key, [f.name for f in fields], " AND ".join(clauses), args,
        limit=limit, offset=offset, order=order, id_index=id_index,
    )
    encode = call.store.encoder(key, fields, call.tz)
    return [encode(r) for r in rows]


def get_handler(e: Entity) -> Handler:
    assert e.methods.get is not None
    result_key = e.methods.get.result_key

    def handle(call: Call, params: Mapping[str, Any]) -> Reply:
        rid = record_id(params.get("id"))
        fields = call.store.visible_fields(e.key)
        return Reply({result_key: read_rows(call, e.key, ['"id" = ?'], [rid], {}, fields=fields)})

    return handle


def list_handler(e: Entity) -> Handler:
    assert e.methods.list is not None
    result_key = e.methods.list.result_key

    def handle(call: Call, params: Mapping[str, Any]) -> Reply:
        ent = call.store.entity(e.key)
        clauses, args = where_sql(ent, where_of(params, ent), call.tz)
        return Reply({result_key: read_rows(call, e.key, clauses, args, params)})

    return handle


def date_range_handler(e: Entity, extra: Sequence[str] = ()) -> Handler:
    """``*DateRange``: inclusive window on create/update time; limit may exceed 500 (RM)."""
    assert e.methods.date_range is not None
    result_key = e.methods.date_range.result_key

    def handle(call: Call, params: Mapping[str, Any]) -> Reply:
        column, start, end = date_range(params, e, call.tz)
        clauses = [f'"{column}" BETWEEN ? AND ?', *extra]
        return Reply({result_key: read_rows(call, e.key, clauses, [start, end], params, cap=None)})

    return handle


# --- writes -----------------------------------------------------------------------------
def default_value(f: Field) -> Any:
    if f.kind is Kind.BOOL and not f.custom:
        return 1 if f.name in ("active", "isActive") else 0
    return None


def values_of(call: Call, e: Entity, obj: Mapping[str, Any]) -> dict[str, Any]:
    """The object's settable fields as stored values (unknown keys fail with 205)."""
    out: dict[str, Any] = {}
    for name, value in obj.items():
        if not e.has_field(name):
            raise ObjectError(205, f"{e.label} has no field {name!r}")
        f = e.field(name)
        if f.read_only or name == "id":
            continue
        out[name] = to_storage(f, value, call.tz, midnight=(e.key, name) in MIDNIGHT_DATES)
    return out


def check_references(call: Call, e: Entity, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        f = e.field(name)
        if (f.kind is Kind.REFERENCE and f.ref and value is not None
                and not call.store.exists(f.ref, value)):
            raise ObjectError(303, f"{name} {value} does not exist")


def check_required(e: Entity, obj: Mapping[str, Any], values: Mapping[str, Any]) -> None:
    for f in e.required_fields:
        if f.read_only:
            continue
        if f.name not in obj:
            raise ObjectError(206, f"{f.name} is required")
        if values.get(f.name) in (None, ""):
            raise ObjectError(205, f"{f.name} may not be empty")


def insert_record(call: Call, e: Entity, values: Mapping[str, Any]) -> int:
    """Insert with defaults and timestamps; returns the new id."""
    record = {f.name: default_value(f) for f in e.fields if f.name != "id"}
    record.update(values)
    now = call.store.now()
    for stamp in ("createTimestamp", "updateTimestamp"):
        if e.has_field(stamp) and e.field(stamp).read_only:
            record[stamp] = now
    record = {k: v for k, v in record.items() if v is not None}
    return call.store.insert(e.key, record)


def create_one(call: Call, e: Entity, obj: Mapping[str, Any]) -> int:
    values = values_of(call, e, obj)
    check_required(e, obj, values)
    check_references(call, e, values)
    return insert_record(call, e, values)


def changed(current: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if current.get(k) != v}


def apply_update(call: Call, e: Entity, rid: int, changes: dict[str, Any]) -> None:
    if e.has_field("updateTimestamp"):
        changes = {**changes, "updateTimestamp": call.store.now()}
    call.store.update(e.key, rid, changes)


def update_one(call: Call, e: Entity, obj: Mapping[str, Any]) -> None:
    if obj.get("id") in (None, ""):
        raise ObjectError(206, "id is required")
    rid = _object_id(obj["id"])
    values = values_of(call, e, obj)
    for f in e.required_fields:
        if f.name in values and values[f.name] in (None, ""):
            raise ObjectError(205, f"{f.name} may not be empty")
    current = call.store.get(e.key, rid)
    if current is None:
        raise ObjectError(302, f"no {e.label.lower()} with id {rid}")
    diff = changed(current, values)
    if not diff:
        raise ObjectError(302, "nothing changed")
    check_references(call, e, diff)
    apply_update(call, e, rid, diff)


def _object_id(value: Any) -> int:
    if isinstance(value, bool | list | dict):
        raise ObjectError(205, "id must be a whole number")
    try:
        return int(str(value).strip())
    except ValueError:
        raise ObjectError(205, "id must be a whole number") from None


def delete_one(call: Call, e: Entity, obj: Mapping[str, Any]) -> None:
    if obj.get("id") in (None, ""):
        raise ObjectError(206, "id is required")
    rid = _object_id(obj["id"])
    if call.store.delete(e.key, '"id" = ?', [rid]) == 0:
        raise ObjectError(302, f"no {e.label.lower()} with id {rid}")


def create_handler(e: Entity) -> Handler:
    def handle(call: Call, params: Mapping[str, Any]) -> Reply:
        objects = objects_of(params, call.max_objects)
        ent = call.store.entity(e.key)
        return bulk_write(
            call, objects, "creates", lambda o: create_one(call, ent, o), with_id=True
        )

    return handle


def bulk_handler(e: Entity, key: str,
                  apply: Callable[[Call, Entity, Mapping[str, Any]], None]) -> Handler:
    """A write method that applies ``apply`` to each object and answers under ``key``."""
    def handle(call: Call, params: Mapping[str, Any]) -> Reply:
        objects = objects_of(params, call.max_objects)
        ent = call.store.entity(e.key)

        def one(o: dict[str, Any]) -> None:
            apply(call, ent, o)

        return bulk_write(call, objects, key, one, with_id=False)

    return handle


def update_handler(e: Entity) -> Handler:
    return bulk_handler(e, "updates", update_one)


def delete_handler(e: Entity) -> Handler:
    return bulk_handler(e, "deletes", delete_one)


def generic_handlers(e: Entity) -> dict[str, Handler]:
    """Every method the registry lists for ``e``, served generically."""
    m = e.methods
    out: dict[str, Handler] = {}
    if m.get:
        out[m.get.name] = get_handler(e)
    if m.list:
        out[m.list.name] = list_handler(e)
    if m.date_range:
        out[m.date_range.name] = date_range_handler(e)
    if m.create:
        out[m.create] = create_handler(e)
    if m.update:
        out[m.update] = update_handler(e)
    if m.delete:
        out[m.delete] = delete_handler(e)
    return out
