"""The wire format: SharpSpring's strings to Python values and back.

Reads come as strings almost everywhere ("1"/"0", "123", "2026-11-27 10:00:00"), sometimes as
bare numbers, ``null`` for unset standard fields and ``""`` for unset custom fields, and text
typed in SharpSpring's UI may arrive HTML-encoded. Decoding turns every empty value into
``None`` and every other value into the field kind's Python type; a value that does not parse
is kept as it came rather than lost.

Timestamps carry no zone on the wire: v1 speaks the account's zone, v1.2 UTC. A codec is
built for one zone and returns aware datetimes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from html import unescape
from typing import Any

from .model import Entity, Field, Kind

Decoder = Callable[[Any], Any]
Encoder = Callable[[Any], Any]

WIRE_DATETIME = "%Y-%m-%d %H:%M:%S"


class WireValueError(ValueError):
    """A value that cannot be written to the API as the field's kind."""


def _text(v: Any) -> Any:
    if v is None or v == "":
        return None
    if type(v) is str:
        return unescape(v) if "&" in v else v
    return str(v)


def _int(v: Any) -> Any:
    if v is None or v == "":
        return None
    try:
        return int(v)
    except (TypeError, ValueError):
        try:
            return int(Decimal(str(v)))
        except (InvalidOperation, ValueError):
            return v


def _float(v: Any) -> Any:
    if v is None or v == "":
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return v


def _money(v: Any) -> Any:
    if v is None or v == "":
        return None
    try:
        return Decimal(v) if type(v) is str else Decimal(str(v))
    except InvalidOperation:
        return v


_BOOLS: dict[Any, bool | None] = {
    "1": True, "0": False, 1: True, 0: False, "true": True, "false": False,
    "True": True, "False": False, "": None, None: None,
}


def _bool(v: Any) -> Any:
    try:
        return _BOOLS[v]
    except (KeyError, TypeError):
        return v


def _date(v: Any) -> Any:
    if v is None or v == "" or v == "0000-00-00" or v == "0000-00-00 00:00:00":
        return None
    try:
        return date.fromisoformat(v[:10])
    except (TypeError, ValueError):
        return v


def _json(v: Any) -> Any:
    if v is None or v == "":
        return None
    if type(v) is str and v[:1] in ("{", "["):
        try:
            return json.loads(v)
        except ValueError:
            return v
    return v


def _datetime_decoder(tz: tzinfo) -> Decoder:
    fromiso = datetime.fromisoformat

    def decode(v: Any) -> Any:
        if v is None or v == "" or v == "0000-00-00 00:00:00":
            return None
        try:
            return fromiso(v).replace(tzinfo=tz)
        except (TypeError, ValueError):
            return v

    return decode


def _enum_decoder(v: Any) -> Any:
    if v is None or v == "":
        return None
    return str(v)


def decoder_for(f: Field, tz: tzinfo = UTC) -> Decoder:
    """The function that turns this field's wire value into a Python value."""
    match f.kind:
        case Kind.TEXT | Kind.LONG_TEXT:
            return _text
        case Kind.INT | Kind.REFERENCE:
            return _int
        case Kind.DECIMAL:
            return _float
        case Kind.MONEY:
            return _money
        case Kind.BOOL:
            return _bool
        case Kind.DATE:
            return _date
        case Kind.DATETIME:
            return _datetime_decoder(tz)
        case Kind.ENUM:
            return _enum_decoder
        case Kind.JSON:
            return _json
    raise AssertionError(f.kind)  # pragma: no cover


def _fmt_number(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


def wire_datetime(moment: datetime, tz: tzinfo) -> str:
    """A datetime as the API's zone-less text in ``tz``; naive values are taken as in ``tz``."""
    local = moment.astimezone(tz) if moment.tzinfo is not None else moment
    return local.strftime(WIRE_DATETIME)


def _wire_datetime(v: Any, tz: tzinfo) -> str:
    if isinstance(v, str):
        return v
    if not isinstance(v, datetime):
        raise WireValueError(f"expected a date and time, got {v!r}")
    return wire_datetime(v, tz)


def _wire_date(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, datetime):
        v = v.date()
    if not isinstance(v, date):
        raise WireValueError(f"expected a date, got {v!r}")
    return v.isoformat()


def encode_read(f: Field, v: Any, tz: tzinfo = UTC) -> Any:
    """A Python value as the API sends it in a read: strings, null or "" when empty."""
    if v is None:
        return "" if f.custom else None
    match f.kind:
        case Kind.BOOL:
            return "1" if v else "0"
        case Kind.DATETIME:
            return _wire_datetime(v, tz)
        case Kind.DATE:
            return _wire_date(v)
        case Kind.JSON:
            return v if isinstance(v, str) else json.dumps(v, separators=(",", ":"))
        case Kind.INT | Kind.REFERENCE | Kind.DECIMAL | Kind.MONEY:
            return _fmt_number(v)
    return str(v)


def encode_write(f: Field, v: Any, tz: tzinfo = UTC) -> Any:
    """A Python value as the API accepts it in create/update objects.

    Flags go as 0/1, ids and counts as ints, decimals as strings (no float rounding),
    dates and times as the API's zone-less text. An empty standard string is sent as ""
    (the API rejects null there, code 205); an empty reference as null.
    """
    if v is None:
        if f.kind in (Kind.INT, Kind.REFERENCE, Kind.DECIMAL, Kind.MONEY, Kind.BOOL):
            return None
        return ""
    match f.kind:
        case Kind.BOOL:
            return 1 if v else 0
        case Kind.INT | Kind.REFERENCE:
            if isinstance(v, bool) or not isinstance(v, int | str):
                raise WireValueError(f"{f.label}: expected a whole number, got {v!r}")
            return int(v)
        case Kind.DECIMAL | Kind.MONEY:
            return _fmt_number(v)
        case Kind.DATETIME:
            return _wire_datetime(v, tz)
        case Kind.DATE:
            return _wire_date(v)
        case Kind.JSON:
            return v
    return str(v)


class RecordCodec:
    """Decodes and encodes whole records of one entity (custom fields included) in one zone."""

    __slots__ = ("_decoders", "entity", "tz")

    def __init__(self, entity: Entity, tz: tzinfo = UTC) -> None:
        self.entity = entity
        self.tz = tz
        self._decoders: dict[str, Decoder] = {f.name: decoder_for(f, tz) for f in entity.fields}

    def decode(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """One wire record to Python values; unknown keys pass through as text."""
        # Hot path (100,000 leads a second): text, the commonest kind, is decoded inline.
        decs = self._decoders
        out: dict[str, Any] = {}
        for k, v in raw.items():
            d = decs.get(k, _text)
            if d is _text:
                if v is None or v == "":
                    out[k] = None
                elif type(v) is str:
                    out[k] = unescape(v) if "&" in v else v
                else:
                    out[k] = str(v)
            else:
                out[k] = d(v)
        return out

    def decode_many(self, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        decode = self.decode
        return [decode(r) for r in rows]

    def encode_read(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """A record as the API would send it (used by the sandbox and round-trip tests)."""
        e, tz = self.entity, self.tz
        return {
            k: encode_read(e.field(k), v, tz) if e.has_field(k) else (None if v is None else str(v))
            for k, v in record.items()
        }

    def encode_write(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """A record as a create/update object; keys the entity does not know pass as-is."""
        e, tz = self.entity, self.tz
        return {
            k: encode_write(e.field(k), v, tz) if e.has_field(k) else v for k, v in record.items()
        }
