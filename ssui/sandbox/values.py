"""Values between the wire and the database, following the registry's field kinds.

Reads go through the entities' wire encoding (``ssui.entities.wire.encode_read``): every
scalar a string, standard empties null, custom empties ``""``. ``row_encoder`` specialises
it per column so paging stays fast; a test holds it equal to ``RecordCodec.encode_read``.

Writes (``to_storage``) accept ints or numeric strings and 0/1 flags (reference §3.1) and
fail the object with 205 on anything else. Our choices where the reference is silent ([INF]):
null is accepted only for references, flags and custom fields (RM's nullable lead fields);
``""`` only for text-like fields and custom fields; over-long text is cut to the field's
length, as MySQL does outside strict mode.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

from ..entities import Field, Kind
from ..entities.wire import WIRE_DATETIME, encode_read
from .errors import ObjectError

_TEXTUAL = (Kind.TEXT, Kind.LONG_TEXT, Kind.ENUM, Kind.DATE, Kind.DATETIME, Kind.JSON)
_BOOLS: dict[Any, int] = {0: 0, 1: 1, "0": 0, "1": 1, "true": 1, "false": 0}


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(WIRE_DATETIME)


def parse_api_time(text: Any, api_tz: tzinfo, *, end_of_day: bool = False) -> str:
    """An API time ("YYYY-MM-DD[ HH:MM:SS]" in the version's zone) as stored UTC text."""
    if not isinstance(text, str):
        raise ValueError(text)
    text = text.strip()
    if len(text) == 10:
        d = date.fromisoformat(text)
        moment = datetime(d.year, d.month, d.day, 23, 59, 59) if end_of_day else datetime(
            d.year, d.month, d.day
        )
    else:
        moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=api_tz)
    return utc_text(moment)


def _bad(f: Field, v: Any, why: str) -> ObjectError:
    return ObjectError(205, f"{f.name}: {why} (got {json.dumps(v)[:60]})")


def to_storage(f: Field, v: Any, api_tz: tzinfo, *, midnight: bool = False) -> Any:
    """A write value for field ``f`` as the database keeps it (ObjectError 205 if invalid)."""
    if v is None:
        if f.custom or f.kind in (Kind.REFERENCE, Kind.BOOL):
            return None
        raise _bad(f, v, "may not be null")
    if isinstance(v, str) and v == "":
        if f.custom:
            return None
        if f.kind in (Kind.TEXT, Kind.LONG_TEXT):
            return ""
        if f.kind in (Kind.DATE, Kind.DATETIME, Kind.JSON, Kind.ENUM):
            return None
        raise _bad(f, v, "may not be empty")
    if isinstance(v, dict | list) and f.kind is not Kind.JSON:
        raise _bad(f, v, "expected a single value")
    match f.kind:
        case Kind.TEXT | Kind.LONG_TEXT:
            text = v if isinstance(v, str) else json.dumps(v) if isinstance(v, bool) else str(v)
            return text[: f.max_length] if f.max_length else text
        case Kind.INT | Kind.REFERENCE:
            if isinstance(v, bool):
                raise _bad(f, v, "expected a whole number")
            if isinstance(v, int):
                return v
            try:
                number = Decimal(str(v).strip())
            except InvalidOperation:
                raise _bad(f, v, "expected a whole number") from None
            if number != number.to_integral_value():
                raise _bad(f, v, "expected a whole number")
            return int(number)
        case Kind.DECIMAL | Kind.MONEY:
            if isinstance(v, bool):
                raise _bad(f, v, "expected a number")
            try:
                number = Decimal(str(v).strip())
            except InvalidOperation:
                raise _bad(f, v, "expected a number") from None
            if not number.is_finite():
                raise _bad(f, v, "expected a number")
            return float(number) if f.kind is Kind.DECIMAL else format(number, "f")
        case Kind.BOOL:
            key = v.strip().lower() if isinstance(v, str) else int(v) if isinstance(v, bool) else v
            try:
                return _BOOLS[key]
            except (KeyError, TypeError):
                raise _bad(f, v, "expected 0 or 1") from None
        case Kind.DATE:
            if not isinstance(v, str):
                raise _bad(f, v, "expected YYYY-MM-DD")
            try:
                d = date.fromisoformat(v.strip()[:10])
                if len(v.strip()) > 10:
                    datetime.fromisoformat(v.strip())
            except ValueError:
                raise _bad(f, v, "expected YYYY-MM-DD") from None
            return f"{d.isoformat()} 00:00:00" if midnight else d.isoformat()
        case Kind.DATETIME:
            try:
                return parse_api_time(v, api_tz)
            except ValueError:
                raise _bad(f, v, "expected YYYY-MM-DD HH:MM:SS") from None
        case Kind.ENUM:
            text = str(v)
            if f.choices and not f.custom and text not in f.choices:
                raise _bad(f, v, f"expected one of {', '.join(f.choices)}")
            return text
        case Kind.JSON:
            return v if isinstance(v, str) else json.dumps(v, separators=(",", ":"))
    raise AssertionError(f.kind)  # pragma: no cover


Encoder = Callable[[Any], Any]


def read_encoder(f: Field, tz: tzinfo) -> Encoder:
    """``encode_read(f, stored, tz)`` for one column, with the common cases short-cut."""
    empty: Any = "" if f.custom else None

    def slow(v: Any) -> Any:
        return encode_read(f, v, tz)

    match f.kind:
        case Kind.TEXT | Kind.LONG_TEXT | Kind.ENUM | Kind.DATE | Kind.MONEY | Kind.JSON:
            return lambda v: v if type(v) is str else empty if v is None else slow(v)
        case Kind.INT | Kind.REFERENCE:
            return lambda v: str(v) if type(v) is int else empty if v is None else slow(v)
        case Kind.BOOL:
            return lambda v: empty if v is None else "1" if v else "0"
        case Kind.DATETIME if tz is UTC:
            return lambda v: v if type(v) is str else empty if v is None else slow(v)
        case Kind.DATETIME:
            fromiso = datetime.fromisoformat

            def local(v: Any) -> Any:
                if type(v) is not str:
                    return empty if v is None else slow(v)
                try:
                    moment = fromiso(v).replace(tzinfo=UTC)
                except ValueError:
                    return v
                return encode_read(f, moment, tz)

            return local
    return lambda v: empty if v is None else slow(v)


def _passes_through(f: Field, tz: tzinfo) -> bool:
    """True when a stored value already is its wire form: standard columns with TEXT affinity
    (SQLite hands back str or None there, and None is how the API sends an empty one)."""
    if f.custom:
        return False
    if f.kind is Kind.DATETIME:
        return tz is UTC
    return f.kind in (Kind.TEXT, Kind.LONG_TEXT, Kind.ENUM, Kind.DATE, Kind.MONEY, Kind.JSON)


def row_encoder(fields: Sequence[Field], tz: tzinfo) -> Callable[[Sequence[Any]], dict[str, Any]]:
    """Turns a database row (columns in ``fields`` order) into an API-shaped record."""
    names = [f.name for f in fields]
    work = [(f.name, read_encoder(f, tz)) for f in fields if not _passes_through(f, tz)]

    def encode(row: Sequence[Any]) -> dict[str, Any]:
        record = dict(zip(names, row, strict=True))
        for name, enc in work:
            record[name] = enc(record[name])
        return record

    return encode


def is_text_like(f: Field) -> bool:
    return f.kind in _TEXTUAL
