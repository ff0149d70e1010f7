"""Which filters an entity's list offers, read off the registry, and how typed values become
conditions with words ("Score 50–80", "Status is open"). No Textual here.

Each field's kind decides its filter: a reference is picked by name, a picklist is chosen
from its values, a flag is yes or no, a number, amount or date is a range (from, to, either
may stay empty). A text key of the list call (a lead's email) takes a list of values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, Literal

from ssui.entities import Entity, Field, Kind
from ssui.mirror import Filter
from ssui.mirror.schema import SQL_DATETIME
from ssui.tui.browse_state import ActiveFilter
from ssui.tui.form.values import Invalid, parse, parse_date

How = Literal["pick", "choice", "flag", "range", "list"]
NUMBERS = frozenset({Kind.INT, Kind.DECIMAL, Kind.MONEY})
DATES = frozenset({Kind.DATE, Kind.DATETIME})
# References a list is not filtered by: picking one lead among 100,000 is a search, not a filter.
_NOT_PICKED = frozenset({"lead"})
_ORDER: dict[How, int] = {"pick": 0, "choice": 1, "range": 2, "flag": 3, "list": 4}


@dataclass(frozen=True, slots=True)
class FilterKind:
    """One filter of a list: the field, and how it is set."""

    field: Field
    how: How

    @property
    def slot(self) -> str:
        # References and lists keep the slot names saved views and older code know.
        prefix = "where" if self.how in ("pick", "list") else self.how
        return f"{prefix}:{self.field.name}"

    @property
    def dates(self) -> bool:
        return self.field.kind in DATES


def filter_kinds(entity: Entity) -> list[FilterKind]:
    """The filters ``entity``'s list offers (custom fields aside), references first."""
    out: list[FilterKind] = []
    for f in entity.fields:
        if f.custom or f.name == "id":
            continue
        if f.kind is Kind.REFERENCE and f.ref is not None and f.ref not in _NOT_PICKED:
            out.append(FilterKind(f, "pick"))
        elif f.kind is Kind.ENUM and f.choices:
            out.append(FilterKind(f, "choice"))
        elif f.kind is Kind.BOOL:
            out.append(FilterKind(f, "flag"))
        elif f.kind in NUMBERS or f.kind in DATES:
            out.append(FilterKind(f, "range"))
        elif f.kind is Kind.TEXT and f.name in entity.methods.where_keys:
            out.append(FilterKind(f, "list"))
    return sorted(out, key=lambda k: _ORDER[k.how])


# -- values -> conditions ----------------------------------------------------------------------


def choice_filter(kind: FilterKind, value: str) -> ActiveFilter:
    f = kind.field
    return ActiveFilter(kind.slot, f"{f.label} is {value}", (Filter(f.name, "=", value),),
                        (value,))


def flag_filter(kind: FilterKind, yes: bool) -> ActiveFilter:
    """Yes: the flag is set. No: it is not (an empty flag counts as not set)."""
    f = kind.field
    label = f.label if yes else f"Not {f.label[:1].lower()}{f.label[1:]}"
    return ActiveFilter(kind.slot, label, (Filter(f.name, "=" if yes else "!=", True),),
                        ("yes" if yes else "no",))


def range_filter(kind: FilterKind, low_text: str, high_text: str, *,
                 today: date | None = None) -> ActiveFilter | None:
    """The range typed as from/to text (either may be empty); None when both are.

    Raises ``RangeError`` naming the end that is wrong, in one line.
    """
    f = kind.field
    low_text, high_text = low_text.strip(), high_text.strip()
    if not low_text and not high_text:
        return None
    today = today or date.today()
    low = _bound(kind, low_text, "from", today)
    high = _bound(kind, high_text, "to", today)
    if low is not None and high is not None and low[0] > high[0]:
        raise RangeError("to", f"{f.label}: “to” comes before “from”")
    conditions: list[Filter] = []
    if low is not None:
        conditions.append(Filter(f.name, ">=", low[0]))
    if high is not None:
        conditions.append(Filter(f.name, "<=", high[0]))
    shown_low, shown_high = (low[1] if low else ""), (high[1] if high else "")
    if low and high:
        words = f"{f.label} {shown_low}–{shown_high}"
    elif low:
        words = f"{f.label} {'since' if kind.dates else 'at least'} {shown_low}"
    else:
        words = f"{f.label} {'until' if kind.dates else 'at most'} {shown_high}"
    return ActiveFilter(kind.slot, words, tuple(conditions), (low_text, high_text))


class RangeError(ValueError):
    """A range's end that is not a number or date; ``end`` is "from" or "to"."""

    def __init__(self, end: str, message: str) -> None:
        super().__init__(message)
        self.end = end


def _bound(kind: FilterKind, text: str, end: str, today: date) -> tuple[Any, str] | None:
    """One end of a range as (the mirror's value, the words for it); None when empty."""
    if not text:
        return None
    f = kind.field
    try:
        if kind.dates:
            day = parse_date(text, today)
            return _day_bound(f, day, end == "to"), day.isoformat()
        value = parse(f, text)
    except Invalid as exc:
        raise RangeError(end, f"{f.label} {end}: {exc}") from None
    number = float(value) if f.kind is not Kind.INT else int(value)
    return number, _number_words(f, number)


def _day_bound(f: Field, day: date, end: bool) -> str:
    """A day as the mirror compares it: a date, or the first (last) second of that local day
    in UTC, the way the mirror stores times."""
    if f.kind is Kind.DATE:
        return day.isoformat()
    moment = datetime.combine(day, time.max if end else time.min).astimezone()
    if end:
        moment = moment.replace(microsecond=0)
    return moment.astimezone(UTC).strftime(SQL_DATETIME)


def _number_words(f: Field, number: float) -> str:
    if f.kind is Kind.MONEY:
        return f"{number:,.2f}"
    if isinstance(number, int) or number == int(number):
        return f"{int(number):,}"
    return f"{number:,g}"
