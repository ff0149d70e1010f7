"""How registry entities become SQLite tables: column types and value conversion.

Storage choices: flags as 0/1, money and decimals as REAL (sortable; read back as Decimal),
datetimes as UTC text "YYYY-MM-DD HH:MM:SS" (sorts as time), dates as ISO text, JSON as text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from ssui.entities import Entity, Field, Kind

SQL_TYPES: dict[Kind, str] = {
    Kind.TEXT: "TEXT",
    Kind.LONG_TEXT: "TEXT",
    Kind.ENUM: "TEXT",
    Kind.INT: "INTEGER",
    Kind.REFERENCE: "INTEGER",
    Kind.BOOL: "INTEGER",
    Kind.DECIMAL: "REAL",
    Kind.MONEY: "REAL",
    Kind.DATE: "TEXT",
    Kind.DATETIME: "TEXT",
    Kind.JSON: "TEXT",
}

# Text columns sort without regard to case, as a person expects.
TEXT_KINDS = frozenset({Kind.TEXT, Kind.LONG_TEXT, Kind.ENUM})

SQL_DATETIME = "%Y-%m-%d %H:%M:%S"


def quote(name: str) -> str:
    """An SQL identifier, quoted (custom field names come from the account)."""
    return '"' + name.replace('"', '""') + '"'


def table(entity: Entity | str) -> str:
    key = entity if isinstance(entity, str) else entity.key
    return quote(f"e_{key}")


def fts_table(entity: Entity | str) -> str:
    key = entity if isinstance(entity, str) else entity.key
    return quote(f"e_{key}_fts")


def column_sql(f: Field) -> str:
    collate = " COLLATE NOCASE" if f.kind in TEXT_KINDS else ""
    return f"{quote(f.name)} {SQL_TYPES[f.kind]}{collate}"


def sql_time(v: Any) -> Any:
    """A datetime as the mirror stores it: UTC text that sorts as time."""
    if isinstance(v, datetime):
        if v.tzinfo is not None:
            v = v.astimezone(UTC)
        return v.strftime(SQL_DATETIME)
    return v


def _to_date(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.date().isoformat()
    return v.isoformat() if isinstance(v, date) else v


def _to_json(v: Any) -> Any:
    return v if v is None or isinstance(v, str) else json.dumps(v, separators=(",", ":"))


def _to_number(v: Any) -> Any:
    return float(v) if isinstance(v, Decimal) else v


def _to_bool(v: Any) -> Any:
    return int(v) if isinstance(v, bool) else v


def _same(v: Any) -> Any:
    return v


def to_sql(f: Field) -> Callable[[Any], Any]:
    """The function that turns a decoded value of this field into a column value."""
    match f.kind:
        case Kind.DATETIME:
            return sql_time
        case Kind.DATE:
            return _to_date
        case Kind.JSON:
            return _to_json
        case Kind.DECIMAL | Kind.MONEY:
            return _to_number
        case Kind.BOOL:
            return _to_bool
    return _same


def _from_datetime(v: Any) -> Any:
    if isinstance(v, str):
        try:
            return datetime.fromisoformat(v).replace(tzinfo=UTC)
        except ValueError:
            return v
    return v


def _from_date(v: Any) -> Any:
    if isinstance(v, str):
        try:
            return date.fromisoformat(v)
        except ValueError:
            return v
    return v


def _from_money(v: Any) -> Any:
    return Decimal(repr(v)) if isinstance(v, float) else v


def _from_bool(v: Any) -> Any:
    return bool(v) if isinstance(v, int) else v


def _from_json(v: Any) -> Any:
    if isinstance(v, str) and v[:1] in ("{", "["):
        try:
            return json.loads(v)
        except ValueError:
            return v
    return v


def from_sql(f: Field) -> Callable[[Any], Any]:
    """The function that turns a column value back into the decoded Python value."""
    match f.kind:
        case Kind.DATETIME:
            return _from_datetime
        case Kind.DATE:
            return _from_date
        case Kind.MONEY:
            return _from_money
        case Kind.BOOL:
            return _from_bool
        case Kind.JSON:
            return _from_json
    return _same


# The event log: one row per watch event (see event_log.py), unique by key.
EVENTS_TABLE = (
    "CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE NOT NULL,"
    " kind TEXT NOT NULL, entity TEXT NOT NULL, record_id INTEGER, lead_id INTEGER,"
    " owner_id INTEGER, title TEXT NOT NULL, lead_name TEXT, lead_email TEXT,"
    " occurred_at TEXT NOT NULL, seen_at TEXT, record TEXT)")
