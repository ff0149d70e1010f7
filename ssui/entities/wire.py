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
import math
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal, InvalidOperation
from html import unescape
from typing import Any

from .model import Entity, Field, Kind

Decoder = Callable[[Any], Any]
Encoder = Callable[[Any], Any]

WIRE_DATETIME = "%Y-%m-%d %H:%M:%S"
# Integers beyond this many digits are not ids or counts; Python also refuses to turn them
# into text (sys.get_int_max_str_digits), and making one from "1e999999999" would take ages.
_MAX_DIGITS = 4000


class WireValueError(ValueError):
    """A value that cannot be written to the API as the field's kind."""


def _as_text(v: Any) -> Any:
    """``str(v)``, or ``v`` as it came when it has no text (an int of 5,000 digits)."""
    try:
        return str(v)
    except ValueError:
        return v


def _text(v: Any) -> Any:
    if v is None or v == "":
        return None
    if type(v) is str:
        return unescape(v) if "&" in v else v
    return _as_text(v)


def _int(v: Any) -> Any:
    if v is None or v == "":
        return None
    if not isinstance(v, Decimal):  # int(Decimal("1e999999999")) would build a billion digits
        try:
            return int(v)
        except (TypeError, ValueError, OverflowError):
            pass
    try:
        number = v if isinstance(v, Decimal) else Decimal(v) if type(v) is str else Decimal(str(v))
    except (InvalidOperation, ValueError):
        return v
    # "12.0" and "1e3" are whole numbers; "Infinity", "NaN" and "1e999999999" are not ids.
    if not number.is_finite() or number.adjusted() > _MAX_DIGITS:
        return v
    return int(number)


def _float(v: Any) -> Any:
    if v is None or v == "":
        return None
    try:
        return float(v)
    except (TypeError, ValueError, OverflowError):
        return v


def _money(v: Any) -> Any:
    if v is None or v == "":
        return None
    try:
        return Decimal(v) if type(v) is str else Decimal(str(v))
    except (InvalidOperation, ValueError):
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
    except (TypeError, ValueError, KeyError):  # KeyError: a dict (v[:10] looks a key up)
        return v


def _json(v: Any) -> Any:
    if v is None or v == "":
        return None
    if type(v) is str and v[:1] in ("{", "["):
        try:
            return json.loads(v)
        except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested too deep
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
    return _as_text(v)


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
    if isinstance(v, Decimal) and v.is_finite() and abs(v.adjusted()) < _MAX_DIGITS:
        return format(v, "f")  # no exponent; beyond the bound "f" would spell a million zeros
    return str(v)


def _fmt_write_number(f: Field, v: Any) -> str:
    """A decimal or amount to write: text as typed, or a finite number without rounding."""
    if isinstance(v, str):
        return v
    finite = (isinstance(v, int) and not isinstance(v, bool)) or (
        (isinstance(v, float) and math.isfinite(v)) or (isinstance(v, Decimal) and v.is_finite()))
    if not finite:
        raise WireValueError(f"{f.label}: expected a number, got {_brief(v)}")
    try:
        return _fmt_number(v)
    except ValueError:  # an int of more digits than Python will spell
        raise WireValueError(f"{f.label}: the number has too many digits") from None


def wire_datetime(moment: datetime, tz: tzinfo) -> str:
    """A datetime as the API's zone-less text in ``tz``; naive values are taken as in ``tz``."""
    local = moment.astimezone(tz) if moment.tzinfo is not None else moment
    # Not strftime: its %Y writes the year 999 as "999", which no parser reads back.
    return local.replace(tzinfo=None, microsecond=0).isoformat(" ")


def _brief(v: Any) -> str:
    """A value for an error message: its repr cut short, or its type when it has none."""
    try:
        text = repr(v)
    except ValueError:  # an int too long to spell
        return f"a {type(v).__name__}"
    return text if len(text) <= 60 else text[:59] + "…"


def _wire_datetime(v: Any, tz: tzinfo) -> str:
    if isinstance(v, str):
        return v
    if not isinstance(v, datetime):
        raise WireValueError(f"expected a date and time, got {_brief(v)}")
    try:
        return wire_datetime(v, tz)
    except OverflowError:  # the first or last day of year 1 or 9999, moved to another zone
        raise WireValueError(f"{_brief(v)} is out of the range of dates") from None


def _wire_date(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, datetime):
        v = v.date()
    if not isinstance(v, date):
        raise WireValueError(f"expected a date, got {_brief(v)}")
    return v.isoformat()


def _json_text(v: Any) -> str:
    try:
        return json.dumps(v, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        # Not JSON (a set, a NaN, a cycle, nested too deep, an int too long to spell).
        raise WireValueError(f"not JSON: {_brief(v)}: {exc}") from None


def _fallback_text(f: Field, v: Any) -> str:
    try:
        return str(v)
    except ValueError:  # an int too long to spell
        raise WireValueError(f"{f.label}: {_brief(v)} cannot be sent as text") from None


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
            return v if isinstance(v, str) else _json_text(v)
        case Kind.INT | Kind.REFERENCE | Kind.DECIMAL | Kind.MONEY:
            return _fallback_text(f, v) if isinstance(v, int) else _fmt_number(v)
    return _fallback_text(f, v)


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
                raise WireValueError(f"{f.label}: expected a whole number, got {_brief(v)}")
            try:
                return int(v)
            except ValueError:  # "", "12a", or more digits than any id has
                raise WireValueError(
                    f"{f.label}: expected a whole number, got {_brief(v)}") from None
        case Kind.DECIMAL | Kind.MONEY:
            return _fmt_write_number(f, v)
        case Kind.DATETIME:
            return _wire_datetime(v, tz)
        case Kind.DATE:
            return _wire_date(v)
        case Kind.JSON:
            return v
    return _fallback_text(f, v)


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
                    out[k] = _as_text(v)
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
            k: encode_read(e.field(k), v, tz) if e.has_field(k)
            else (None if v is None else _fallback_text(Field(k, k), v))
            for k, v in record.items()
        }

    def encode_write(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """A record as a create/update object; keys the entity does not know pass as-is."""
        e, tz = self.entity, self.tz
        return {
            k: encode_write(e.field(k), v, tz) if e.has_field(k) else v for k, v in record.items()
        }
