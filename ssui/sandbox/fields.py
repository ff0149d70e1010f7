"""Field methods: getFields lists standard and custom fields; custom ones can be created,
updated and deleted, and each is a real column of its entity's table.

createFields makes the systemName PHP-style: the label as a slug + "_" + 13 hex characters
(uniqid: 8 for the seconds, 5 for the microseconds of the creation time). The systemName never
changes afterwards. deleteFields takes ``{systemName}``; standard fields give 211, unknown
ones 302 ([INF]). Picklist ``options`` are read back as an array of {label,value,displayOrder}.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from ..entities import DATA_TYPES, FIELD, RELATIONSHIPS, custom_field
from .errors import ObjectError
from .params import Call, objects_of, where_of, where_sql
from .records import _object_id, changed, read_rows, values_of
from .reply import Handler, Reply, bulk_write
from .store import FIELD_COLUMNS, Store, _entity_for_relationship

_SLUG = re.compile(r"[^A-Za-z0-9]+")
_IMMUTABLE = ("relationship", "systemName", "dataType", "isCustom", "source")


def slug(label: str) -> str:
    return _SLUG.sub("_", label).strip("_") or "field"


def uniqid(moment: float) -> str:
    """PHP's uniqid(): seconds and microseconds in hex, 13 characters."""
    sec = int(moment)
    usec = round((moment - sec) * 1_000_000) % 1_000_000
    return f"{sec:08x}{usec:05x}"


def normalize_options(options: Any) -> str | None:
    """Picklist options as stored JSON: a list of {label, value, displayOrder}."""
    if options in (None, "", []):
        return None
    if isinstance(options, str):
        try:
            options = json.loads(options)
        except ValueError:
            options = [o.strip() for o in options.split(",") if o.strip()]
    if not isinstance(options, list):
        raise ObjectError(205, "options must be a list")
    rows = []
    for i, o in enumerate(options):
        if isinstance(o, Mapping):
            value = str(o.get("value", o.get("label", "")))
            label = str(o.get("label", value))
            order = int(str(o.get("displayOrder", i)) or i)
        else:
            value = label = str(o)
            order = i
        rows.append({"label": label, "value": value, "displayOrder": order})
    return json.dumps(rows)


class _Names:
    """Hands out unique uniqid suffixes even within one batch."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.last = 0.0

    def next(self, label: str) -> str:
        moment = max(self.store.clock(), self.last + 0.000001)
        self.last = moment
        name = f"{slug(label)}_{uniqid(moment)}"
        while self.store.db.execute("SELECT 1 FROM field WHERE systemName=?", (name,)).fetchone():
            moment += 0.000001
            self.last = moment
            name = f"{slug(label)}_{uniqid(moment)}"
        return name


def create_field(
    store: Store,
    obj: Mapping[str, Any],
    names: _Names | None = None,
    *,
    system_name: str | None = None,
) -> int:
    """Validate one createFields object, add its row and its column; returns the field id."""
    for name in ("relationship", "dataType", "label"):
        if name not in obj:
            raise ObjectError(206, f"{name} is required")
        if obj[name] in (None, ""):
            raise ObjectError(205, f"{name} may not be empty")
    relationship, data_type = str(obj["relationship"]), str(obj["dataType"])
    if relationship not in RELATIONSHIPS:
        raise ObjectError(205, f"relationship must be one of {', '.join(RELATIONSHIPS)}")
    if data_type.lower() not in DATA_TYPES:
        raise ObjectError(205, f"unknown dataType {data_type!r}")
    system_name = system_name or (names or _Names(store)).next(str(obj["label"]))
    row: dict[str, Any] = {
        "relationship": relationship, "systemName": system_name, "label": str(obj["label"]),
        "source": "custom", "dataType": data_type, "isCustom": 1, "isActive": 1,
        "isRequired": 0, "isAvailableInContactManager": 1, "isEditableInContactManager": 1,
        "isAvailableInForms": 1, "dataLength": None, "options": None,
    }
    for flag in ("isRequired", "isActive", "isAvailableInContactManager",
                 "isEditableInContactManager", "isAvailableInForms"):
        if obj.get(flag) not in (None, ""):
            row[flag] = 1 if str(obj[flag]).lower() in ("1", "true") else 0
    if obj.get("dataLength") not in (None, ""):
        row["dataLength"] = _object_id(obj["dataLength"])
    row["options"] = normalize_options(obj.get("options"))
    assert set(row) == {*FIELD_COLUMNS}
    field_id = store.insert("field", row)
    store.add_column(_entity_for_relationship(relationship).key, custom_field(row))
    return field_id


def get_fields(call: Call, params: Mapping[str, Any]) -> Reply:
    e = call.store.entity("field")
    clauses, args = where_sql(e, where_of(params, e), call.tz)
    rows = read_rows(call, "field", clauses, args, params)
    for r in rows:
        if isinstance(r.get("options"), str):
            r["options"] = json.loads(r["options"])
    return Reply({"field": rows})


def create_fields(call: Call, params: Mapping[str, Any]) -> Reply:
    objects = objects_of(params, call.max_objects)
    names = _Names(call.store)
    try:
        return bulk_write(
            call, objects, "creates", lambda o: create_field(call.store, o, names), with_id=True
        )
    finally:
        call.store.reload_fields()


def update_field(call: Call, obj: Mapping[str, Any]) -> None:
    if obj.get("id") in (None, ""):
        raise ObjectError(206, "id is required")
    fid = _object_id(obj["id"])
    current = call.store.get("field", fid)
    if current is None:
        raise ObjectError(302, f"no field with id {fid}")
    rest = {k: v for k, v in obj.items() if k not in _IMMUTABLE and k != "options"}
    values = values_of(call, call.store.entity("field"), rest)
    if "options" in obj:
        values["options"] = normalize_options(obj["options"])
    if values.get("label") in (None, "") and "label" in values:
        raise ObjectError(205, "label may not be empty")
    diff = changed(current, values)
    if not diff:
        raise ObjectError(302, "nothing changed")
    call.store.update("field", fid, diff)


def delete_field(call: Call, obj: Mapping[str, Any]) -> None:
    name = obj.get("systemName")
    if name in (None, ""):
        raise ObjectError(206, "systemName is required")
    row = call.store.db.execute(
        "SELECT id, relationship, isCustom FROM field WHERE systemName = ?", (str(name),)
    ).fetchone()
    if row is None:
        raise ObjectError(302, f"no field {name!r}")
    if not row[2]:
        raise ObjectError(211, f"{name} is a standard field")
    call.store.delete("field", '"id" = ?', [row[0]])
    call.store.drop_column(_entity_for_relationship(row[1]).key, str(name))


def _writes(result_key: str, one: Any) -> Handler:
    def handle(call: Call, params: Mapping[str, Any]) -> Reply:
        objects = objects_of(params, call.max_objects)
        try:
            return bulk_write(call, objects, result_key, lambda o: one(call, o), with_id=False)
        finally:
            call.store.reload_fields()

    return handle


assert FIELD.methods.list and FIELD.methods.create and FIELD.methods.update
assert FIELD.methods.delete
HANDLERS: dict[str, Handler] = {
    FIELD.methods.list.name: get_fields,
    FIELD.methods.create: create_fields,
    FIELD.methods.update: _writes("updates", update_field),
    FIELD.methods.delete: _writes("deletes", delete_field),
}
