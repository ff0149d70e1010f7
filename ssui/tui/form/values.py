"""What a record form knows without drawing anything: sections, text <-> values, validation.

Every input of a form holds text; this module turns a field's value into the text the user
edits, and the text back into a value of the field's kind, or a one-line message saying what
is wrong with it. Dates and times are typed and shown in the user's local time; the wire codec
turns them into the zone the API version speaks. No Textual here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from ssui.entities import Entity, Field, Kind
from ssui.mirror.account import same_value
from ssui.tui.format import local_time

Record = Mapping[str, Any]

# Read-only fields a form shows (set by the server); others are never shown on a form.
SHOWN_READ_ONLY = ("id", "createTimestamp", "updateTimestamp")
# Kinds a form edits with a text input (references, flags and picklists have their own).
TYPED = frozenset({Kind.TEXT, Kind.LONG_TEXT, Kind.INT, Kind.DECIMAL, Kind.MONEY, Kind.DATE,
                   Kind.DATETIME, Kind.JSON})

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PHONE = re.compile(r"^[0-9+()./\- ]+((x|ext\.?)\s*[0-9]+)?$", re.IGNORECASE)
_URL = re.compile(r"^(https?://)?[^\s/.]+(\.[^\s/.]+)+(/\S*)?$", re.IGNORECASE)
_RELATIVE = re.compile(r"^([+-])\s*(\d+)\s*(d|w)?$")
_MONEY_NOISE = re.compile(r"[\s,$€£¥_]")


class Invalid(ValueError):
    """A field's text that is not a value of its kind; the message is one line for the user."""


@dataclass(frozen=True)
class Section:
    """One heading of a form and its fields, in order."""

    title: str
    fields: tuple[Field, ...]


def sections(entity: Entity) -> list[Section]:
    """The form's sections: the registry's, then Other, Custom and Record (read-only)."""
    out: list[Section] = []
    placed: set[str] = set()
    for title, names in entity.sections:
        fields = tuple(entity.field(n) for n in names if entity.has_field(n))
        placed.update(names)
        if fields:
            out.append(Section(title, fields))
    other = tuple(f for f in entity.fields if f.settable and not f.custom
                  and f.name not in placed and f.kind is not Kind.JSON)
    if other:
        out.append(Section("Other", other))
    custom = tuple(f for f in entity.custom_fields if f.settable)
    if custom:
        out.append(Section("Custom", custom))
    record = tuple(entity.field(n) for n in SHOWN_READ_ONLY if entity.has_field(n))
    if record:
        out.append(Section("Record", record))
    return out


# -- value -> text ------------------------------------------------------------------------------


def to_text(field: Field, value: Any) -> str:
    """The text an input starts with for ``value`` (local time for dates and times)."""
    if value is None:
        return ""
    if field.kind is Kind.DATETIME and isinstance(value, datetime):
        return local_time(value).strftime("%Y-%m-%d %H:%M")
    if field.kind is Kind.DATE and isinstance(value, date):
        return value.isoformat()
    if field.kind is Kind.MONEY and isinstance(value, Decimal):
        return format(value, "f")
    if field.kind is Kind.DECIMAL and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- text -> value ------------------------------------------------------------------------------


def parse(field: Field, text: str, *, today: date | None = None) -> Any:
    """The value ``text`` stands for in ``field`` (None when empty), or Invalid saying why."""
    stripped = text.strip()
    if not stripped:
        if field.required:
            raise Invalid(f"{field.label} is required")
        return None
    match field.kind:
        case Kind.TEXT | Kind.LONG_TEXT:
            return _text(field, text if field.kind is Kind.LONG_TEXT else stripped)
        case Kind.INT:
            try:
                return int(stripped.replace(",", "").replace("_", ""))
            except ValueError:
                raise Invalid("a whole number, like 42") from None
        case Kind.DECIMAL:
            try:
                number = Decimal(stripped.replace(",", "").replace("_", ""))
            except InvalidOperation:
                raise Invalid("a number, like 12.5") from None
            if not number.is_finite():
                raise Invalid("a number, like 12.5")
            return float(number)
        case Kind.MONEY:
            try:
                amount = Decimal(_MONEY_NOISE.sub("", stripped))
            except InvalidOperation:
                raise Invalid("an amount, like 1250.00") from None
            if not amount.is_finite():
                raise Invalid("an amount, like 1250.00")
            return amount
        case Kind.DATE:
            return parse_date(stripped, today or date.today())
        case Kind.DATETIME:
            return parse_datetime(stripped, today or date.today())
        case Kind.ENUM:
            if stripped not in field.choices:
                raise Invalid(f"one of {', '.join(field.choices)}")
            return stripped
    return stripped


def _text(field: Field, text: str) -> str:
    if field.max_length is not None and len(text) > field.max_length:
        raise Invalid(f"at most {field.max_length} characters (this has {len(text)})")
    shape = field.format
    if shape == "email" and not _EMAIL.match(text):
        raise Invalid("not an email address (name@example.com)")
    if shape == "phone" and not _PHONE.match(text):
        raise Invalid("a phone number: digits, spaces and + ( ) - . only")
    if shape == "url" and not _URL.match(text):
        raise Invalid("a web address, like example.com or https://example.com/page")
    return text


def parse_date(text: str, today: date) -> date:
    """YYYY-MM-DD, or today / tomorrow / yesterday, or +7 / -3d / +2w from today."""
    word = text.strip().lower()
    named = {"today": 0, "tomorrow": 1, "yesterday": -1}
    if word in named:
        return today + timedelta(days=named[word])
    m = _RELATIVE.match(word)
    if m:
        n = int(m.group(2)) * (7 if m.group(3) == "w" else 1)
        return today + timedelta(days=n if m.group(1) == "+" else -n)
    try:
        return date.fromisoformat(word)
    except ValueError:
        raise Invalid("a date as YYYY-MM-DD (or today, +7d)") from None


def parse_datetime(text: str, today: date) -> datetime:
    """YYYY-MM-DD HH:MM[:SS] in local time (or "now"), as an aware datetime."""
    word = text.strip().lower()
    if word == "now":
        return datetime.now().astimezone().replace(microsecond=0)
    try:
        naive = datetime.fromisoformat(word.replace("t", " "))
    except ValueError:
        try:
            naive = datetime.combine(parse_date(word, today), datetime.min.time())
        except Invalid:
            raise Invalid("a date and time as YYYY-MM-DD HH:MM (your local time)") from None
    if naive.tzinfo is not None:
        return naive
    return naive.astimezone()  # the local zone, daylight saving included


# -- what changed -------------------------------------------------------------------------------


def changes(original: Record, values: Mapping[str, Any]) -> dict[str, Any]:
    """The fields whose value in ``values`` differs from ``original`` (what an update sends)."""
    return {k: v for k, v in values.items() if not same_value(original.get(k), v)}
