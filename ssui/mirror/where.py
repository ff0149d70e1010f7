"""Conditions and names as a person types them: ``status=open``, ``leadScore>=50``, ``leads``.

Headless commands (``ssui export``) take a list's filters as text. This module reads that
text into the mirror's ``Filter`` objects, so a typed condition selects exactly the rows the
app's own filter of the same meaning selects. No hand-kept list of names: every name comes from
the registry (and the account's custom fields).

Field names. A name is matched without regard to case, spaces or punctuation ("Zip code",
"zip_code" and "zipcode" are one name), in three tiers, the first that finds exactly one field
winning:

1. the field's label as the app shows it ("Status", "Owner", "Email", "Sales region");
2. its API name ("leadStatus", "ownerID", "emailAddress");
3. a short form of the API name: without the entity's own prefix ("score" for leadScore,
   "name" for campaignName), without a trailing "ID" ("campaign" for campaignID), without a
   leading "is" ("unsubscribed" for isUnsubscribed).

So ``status`` is the lead's Status (leadStatus), as the app labels it; the old text field whose
API name is ``status`` is reached by its label, "Status (legacy)". A name two fields share in
the tier that finds it is refused, naming both, unless it is one of them's exact API name.

Conditions. ``FIELD OP VALUE`` with OP one of ``=``, ``!=``, ``>=``, ``<=`` and ``~``
(contains, folded like search). An empty value means empty: ``city=`` has no city, ``city!=``
has one. For choices, numbers, dates and references a comma separates alternatives
(``status=open,qualified``; with ``!=``, none of them). Flags take 1/0, yes/no or true/false;
"not set" includes empty, as in the app. A day given for a date-and-time field is the whole
day in local time, as in the app (``createTimestamp>=2026-01-01``); a time without a zone is
local time too.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from ssui.entities import Entity, Field, Kind

from .query import Filter, Op


class WhereError(ValueError):
    """A name or condition that cannot be read; the message says what is wrong, in one line."""


# -- names ---------------------------------------------------------------------------------


def name_key(text: str) -> str:
    """A name as it is compared: compatibility forms and case folded, only letters and digits."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).casefold())


def entity_named(text: str, choices: Iterable[Entity]) -> Entity:
    """The entity among ``choices`` that ``text`` names: its key, its label or its plural
    ("lead", "Leads", "opportunities"); WhereError listing the choices otherwise."""
    options = list(choices)
    want = name_key(text)
    for e in options:
        if want and want in {name_key(e.key), name_key(e.label), name_key(e.plural)}:
            return e
    known = ", ".join(e.plural.lower() for e in options)
    raise WhereError(f"unknown list {text!r}; choose from {known}")


def _short_forms(entity: Entity, f: Field) -> set[str]:
    name = f.name
    forms: set[str] = set()
    prefix = name_key(entity.key)
    if name_key(name).startswith(prefix) and len(name_key(name)) > len(prefix):
        forms.add(name_key(name)[len(prefix):])
    if name.endswith(("ID", "Id")) and len(name) > 2:
        forms.add(name_key(name[:-2]))
    if name.startswith("is") and name[2:3].isupper():
        forms.add(name_key(name[2:]))
    return forms


def field_named(entity: Entity, text: str) -> Field:
    """The field of ``entity`` that ``text`` names (see the module's notes on the tiers)."""
    want = name_key(text)
    if not want:
        raise WhereError("no field name given")
    tiers: tuple[Callable[[Field], set[str]], ...] = (
        lambda f: {name_key(f.label)},
        lambda f: {name_key(f.name)},
        lambda f: _short_forms(entity, f),
    )
    for names_of in tiers:
        hits = [f for f in entity.fields if want in names_of(f)]
        if len(hits) == 1:
            return hits[0]
        if hits:
            exact = [f for f in hits if f.name == text.strip()]
            if exact:
                return exact[0]
            which = ", ".join(f"{f.label} ({f.name})" for f in hits)
            raise WhereError(f"{text!r} could be any of {which}; give its API name")
    raise WhereError(_unknown(entity, text))


def _unknown(entity: Entity, text: str) -> str:
    by_key: dict[str, str] = {}
    for f in entity.fields:
        by_key.setdefault(name_key(f.name), f.name)
        by_key.setdefault(name_key(f.label), f.name)
    close = difflib.get_close_matches(name_key(text), list(by_key), n=3, cutoff=0.6)
    hint = dict.fromkeys(by_key[k] for k in close)
    also = f"; did you mean {' or '.join(hint)}?" if hint else ""
    return f"{entity.plural.lower()} have no field {text!r}{also}"


def _shown(f: Field) -> str:
    return f.label if name_key(f.label) == name_key(f.name) else f"{f.label} ({f.name})"


# -- sort ----------------------------------------------------------------------------------


def parse_sort(entity: Entity, text: str) -> tuple[str, bool]:
    """``FIELD``, ``FIELD:asc`` or ``FIELD:desc`` as (API name, descending)."""
    name, colon, direction = text.rpartition(":")
    if not colon or direction.strip().lower() not in ("asc", "desc"):
        name, direction = text, "asc"
    return field_named(entity, name).name, direction.strip().lower() == "desc"


# -- conditions ----------------------------------------------------------------------------

# The first operator after the field name; the name holds none of these characters.
_CONDITION = re.compile(r"^\s*(?P<field>[^=!<>~]+?)\s*(?P<op>!=|>=|<=|==|=|~|>|<)(?P<value>.*)$",
                        re.DOTALL)
TEXTUAL = frozenset({Kind.TEXT, Kind.LONG_TEXT, Kind.ENUM, Kind.JSON})
# Kinds whose values never hold a comma, so "a,b" is two alternatives.
LISTABLE = frozenset({Kind.ENUM, Kind.INT, Kind.REFERENCE, Kind.DECIMAL, Kind.MONEY,
                      Kind.DATE})
ORDERED = frozenset({Kind.TEXT, Kind.LONG_TEXT, Kind.INT, Kind.REFERENCE, Kind.DECIMAL,
                     Kind.MONEY, Kind.DATE, Kind.DATETIME})
_YES = frozenset({"1", "true", "yes", "y", "on"})
_NO = frozenset({"0", "false", "no", "n", "off"})
_WHOLE = re.compile(r"^[+-]?\d+$")
OPERATORS = "=, !=, >=, <= or ~ (contains)"


def parse_where(entity: Entity, text: str) -> tuple[Filter, ...]:
    """One typed condition as the mirror's filters (all of which must hold)."""
    m = _CONDITION.match(text)
    if m is None:
        raise WhereError(f"no operator; write FIELD=VALUE, with {OPERATORS}")
    f = field_named(entity, m["field"])
    op = {"==": "="}.get(m["op"], m["op"])
    if op in (">", "<"):
        raise WhereError(f"{op} is not offered; use {op}= (at least, at most)")
    return _conditions(f, op, _unquoted(m["value"].strip()))


def parse_conditions(entity: Entity, texts: Sequence[str]) -> tuple[Filter, ...]:
    """Several typed conditions, all of which must hold."""
    return tuple(c for t in texts for c in parse_where(entity, t))


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _conditions(f: Field, op: str, value: str) -> tuple[Filter, ...]:
    if value == "":
        if op in ("=", "!="):
            return (Filter(f.name, "empty" if op == "=" else "not empty"),)
        raise WhereError(f"{_shown(f)}: {op} needs a value")
    if op == "~":
        if f.kind not in TEXTUAL:
            raise WhereError(f"{_shown(f)}: ~ (contains) is for text fields; use = or a range")
        return (Filter(f.name, "contains", value),)
    if f.kind is Kind.JSON:
        raise WhereError(f"{_shown(f)}: only ~ (contains) and empty (=, !=) read this field")
    if f.kind is Kind.BOOL:
        return (_flag(f, op, value),)
    if op in (">=", "<=") and f.kind not in ORDERED:
        raise WhereError(f"{_shown(f)}: {op} is for numbers, dates and text; use = or !=")
    if f.kind is Kind.DATETIME:
        return _moment(f, op, value)
    parts = [p.strip() for p in value.split(",")] if f.kind in LISTABLE else [value]
    values = [_value(f, p) for p in parts]
    if len(values) == 1:
        return (Filter(f.name, _op(op), values[0]),)
    if op == "=":
        return (Filter(f.name, "in", tuple(values)),)
    if op == "!=":
        return tuple(Filter(f.name, "!=", v) for v in values)
    raise WhereError(f"{_shown(f)}: {op} takes one value")


def _op(op: str) -> Op:
    ops: dict[str, Op] = {"=": "=", "!=": "!=", ">=": ">=", "<=": "<="}
    return ops[op]


def _flag(f: Field, op: str, value: str) -> Filter:
    word = value.strip().lower()
    if word not in _YES | _NO:
        raise WhereError(f"{_shown(f)}: {value!r} is not yes or no (1/0, true/false)")
    if op not in ("=", "!="):
        raise WhereError(f"{_shown(f)}: a flag takes = or !=")
    # As the app's flag filter: "no" is "not set", which an empty flag is too.
    yes = (word in _YES) == (op == "=")
    return Filter(f.name, "=" if yes else "!=", True)


def _value(f: Field, text: str) -> Any:
    if text == "":
        raise WhereError(f"{_shown(f)}: an empty value among the alternatives")
    match f.kind:
        case Kind.INT | Kind.REFERENCE:
            if not _WHOLE.match(text):
                what = "an id" if f.kind is Kind.REFERENCE else "a whole number"
                raise WhereError(f"{_shown(f)}: {text!r} is not {what}")
            return int(text)
        case Kind.DECIMAL | Kind.MONEY:
            try:
                number = Decimal(text)
            except InvalidOperation:
                number = Decimal("NaN")
            if not number.is_finite():
                raise WhereError(f"{_shown(f)}: {text!r} is not a number")
            return number
        case Kind.DATE:
            return _day(f, text).isoformat()
        case Kind.ENUM if f.choices:
            for choice in f.choices:
                if choice.casefold() == text.casefold():
                    return choice
            raise WhereError(f"{_shown(f)}: {text!r} is not one of {', '.join(f.choices)}")
    return text


def _day(f: Field, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise WhereError(f"{_shown(f)}: {text!r} is not a date (YYYY-MM-DD)") from None


def _moment(f: Field, op: str, text: str) -> tuple[Filter, ...]:
    """A date-and-time condition: a day is the whole local day; a time is local unless it
    names its zone. The mirror keeps UTC (``schema.sql_time`` converts the bounds)."""
    if len(text) == 10:
        day = _day(f, text)
        start = datetime.combine(day, time.min).astimezone()
        end = datetime.combine(day, time.max).astimezone().replace(microsecond=0)
        if op == "=":
            return (Filter(f.name, ">=", start), Filter(f.name, "<=", end))
        if op == ">=":
            return (Filter(f.name, ">=", start),)
        if op == "<=":
            return (Filter(f.name, "<=", end),)
        raise WhereError(f"{_shown(f)}: != takes a date and time, not a day")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise WhereError(f"{_shown(f)}: {text!r} is not a date and time"
                         " (YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS], with a zone if not local)"
                         ) from None
    if moment.tzinfo is None:
        moment = moment.astimezone()  # local time
    return (Filter(f.name, _op(op), moment.replace(microsecond=0)),)
