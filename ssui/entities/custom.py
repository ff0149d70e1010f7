"""Custom fields: turn getFields rows into field descriptions the other layers understand."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ssui.text import printable

from .model import Field, Kind

# getFields dataType -> our kind. The full list of dataTypes is unknown (reference §4);
# anything not listed here is carried as text, so nothing is lost.
DATA_TYPES: Mapping[str, Kind] = {
    "text": Kind.TEXT,
    "string": Kind.TEXT,
    "country": Kind.TEXT,
    "state": Kind.TEXT,
    "phone": Kind.TEXT,
    "url": Kind.TEXT,
    "email": Kind.TEXT,
    "textarea": Kind.LONG_TEXT,
    "int": Kind.INT,
    "integer": Kind.INT,
    "number": Kind.DECIMAL,
    "float": Kind.DECIMAL,
    "decimal": Kind.DECIMAL,
    "currency": Kind.MONEY,
    "money": Kind.MONEY,
    "boolean": Kind.BOOL,
    "bit": Kind.BOOL,
    "checkbox": Kind.BOOL,
    "date": Kind.DATE,
    "datetime": Kind.DATETIME,
    "picklist": Kind.ENUM,
    "select": Kind.ENUM,
    "radio": Kind.ENUM,
}

# Kind -> the dataType the sandbox and createFields use for it.
DATA_TYPE_OF: Mapping[Kind, str] = {
    Kind.TEXT: "text",
    Kind.LONG_TEXT: "textarea",
    Kind.INT: "int",
    Kind.DECIMAL: "number",
    Kind.MONEY: "currency",
    Kind.BOOL: "boolean",
    Kind.DATE: "date",
    Kind.DATETIME: "datetime",
    Kind.ENUM: "picklist",
}


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes")


def _option_values(options: Any) -> tuple[str, ...]:
    if isinstance(options, str):
        try:
            options = json.loads(options) if options else []
        except ValueError:
            return ()
    if not isinstance(options, list):
        return ()
    rows = [o for o in options if isinstance(o, Mapping)]
    rows.sort(key=lambda o: int(str(o.get("displayOrder") or 0) or 0))
    return tuple(str(o.get("value", o.get("label", ""))) for o in rows)


def custom_field(row: Mapping[str, Any]) -> Field:
    """A field description from one getFields row (custom or not)."""
    data_type = str(row.get("dataType") or "").lower()
    kind = DATA_TYPES.get(data_type, Kind.TEXT)
    choices = _option_values(row.get("options")) if kind is Kind.ENUM else ()
    if kind is Kind.ENUM and not choices:
        kind = Kind.TEXT
    return Field(
        name=str(row["systemName"]),
        # A label is account data shown on screen: made safe once, where it is read.
        label=printable(str(row.get("label") or row["systemName"])),
        kind=kind,
        required=_truthy(row.get("isRequired", "0")),
        choices=choices,
        custom=True,
        format=data_type if data_type in ("email", "phone", "url") else "",
        max_length=_length(row.get("dataLength")) if kind is Kind.TEXT else None,
    )


def _length(value: Any) -> int | None:
    """getFields' dataLength as a length limit (None when missing or not a positive number)."""
    try:
        n = int(str(value))
    except (TypeError, ValueError):
        return None
    return n if n > 0 else None


def custom_fields_for(relationship: str, rows: Iterable[Mapping[str, Any]]) -> list[Field]:
    """The custom fields among getFields rows that belong to one entity."""
    return [
        custom_field(r)
        for r in rows
        if str(r.get("relationship")) == relationship
        and _truthy(r.get("isCustom", "0"))
        and r.get("systemName")
    ]
