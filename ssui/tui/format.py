"""How a field's value reads on screen, by its kind (no Textual here).

One place decides that flags read ✓, money carries thousands separators, datetimes show in the
user's local time and references show names; the table and the detail pane both use it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from rich.cells import cell_len, split_graphemes

from ssui.entities import Field, Kind
from ssui.text import printable

# (field, referenced id) -> the referenced record's name.
Resolver = Callable[[Field, Any], str]

NUMERIC = frozenset({Kind.INT, Kind.DECIMAL, Kind.MONEY})
BLANK = ""

# Column widths (in cells) for a table, by kind; text columns may grow to fill the screen.
WIDTHS: dict[Kind, int] = {
    Kind.TEXT: 14,
    Kind.LONG_TEXT: 20,
    Kind.INT: 7,
    Kind.DECIMAL: 8,
    Kind.MONEY: 13,
    Kind.BOOL: 3,
    Kind.DATE: 10,
    Kind.DATETIME: 16,
    Kind.ENUM: 12,
    Kind.REFERENCE: 14,
    Kind.JSON: 16,
}
# Some text fields are known to be wide (emails) or are best narrow; by API name.
NAMED_WIDTHS: dict[str, int] = {"emailAddress": 26, "id": 6, "firstName": 10, "lastName": 12}
GROWS = frozenset({Kind.TEXT, Kind.LONG_TEXT, Kind.REFERENCE})


def local_time(value: datetime) -> datetime:
    """A datetime in the user's local time zone (naive values are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone()


# A date-time column too narrow for "2026-10-06 18:23" shows the date alone: a table short of
# room gives up the time of day before it cuts names.
DATE_ONLY = 10


def date_part(text: str, width: int) -> str:
    """A date-time cell's text for a column ``width`` wide: the date alone when the whole
    does not fit (and the text is one of ours, "YYYY-MM-DD HH:MM")."""
    if width < len(text) and width >= DATE_ONLY and text[4:5] == "-" and text[10:11] == " ":
        return text[:DATE_ONLY]
    return text


def format_datetime(value: datetime, *, seconds: bool = False) -> str:
    return local_time(value).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def format_number(value: Any, *, places: int | None = None) -> str:
    """A number with thousands separators; ``places`` fixes the decimals (money: 2)."""
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if places is not None:
        return f"{d:,.{places}f}"
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.normalize():,f}"


def format_value(field: Field, value: Any, resolve: Resolver | None = None, *,
                 one_line: bool = True) -> str:
    """``value`` of ``field`` as text for a person; empty values read as an empty string."""
    if value is None or value == "":
        return BLANK
    kind = field.kind
    if kind is Kind.BOOL:
        return "✓" if value is True or str(value).lower() in ("1", "true", "yes") else BLANK
    if kind is Kind.REFERENCE:
        if resolve is not None:
            return printable(resolve(field, value))
        return f"#{value}"
    if kind is Kind.MONEY:
        return format_number(value, places=2)
    if kind is Kind.DECIMAL:
        return format_number(value)
    if kind is Kind.INT:
        return str(value)
    if kind is Kind.DATETIME and isinstance(value, datetime):
        return format_datetime(value)
    if kind is Kind.DATE and isinstance(value, date):
        return value.isoformat()
    if kind is Kind.JSON and not isinstance(value, str):
        return printable(json.dumps(value, separators=(",", ":"), default=str))
    return printable(str(value), one_line=one_line)


# Skin-tone modifiers: Rich counts 👍🏽 as one 2-cell grapheme, while tmux and many terminals
# draw the modifier as a second emoji. In a table cell the difference would push every column to
# its right, so there the base emoji stands alone (the detail pane keeps the whole value).
_SKIN_TONES = re.compile("[\U0001F3FB-\U0001F3FF]")
_REGIONAL = range(0x1F1E6, 0x1F200)


def graphemes(text: str) -> list[tuple[str, int]]:
    """``text`` as (grapheme, cells) pairs, by Rich's width rules; a flag's two letters are one."""
    spans, _ = split_graphemes(text)
    out: list[tuple[str, int]] = []
    for start, end, cells in spans:
        piece = text[start:end]
        if (out and len(piece) == 1 and ord(piece) in _REGIONAL and len(out[-1][0]) == 1
                and ord(out[-1][0]) in _REGIONAL):
            out[-1] = (out[-1][0] + piece, out[-1][1] + cells)
        else:
            out.append((piece, cells))
    return out


def cell_text(text: str) -> str:
    """A table cell's text: what every terminal draws as wide as Rich measures it."""
    if text.isascii():
        return text
    return _SKIN_TONES.sub("", text)


def fit(text: str, width: int, *, right: bool = False, centred: bool = False) -> str:
    """``text`` padded or shortened to exactly ``width`` cells; shortened text ends in …

    It is cut only between graphemes (never inside an emoji sequence, a flag or a letter and
    its accents), and a wide character that does not fit leaves a space instead.
    """
    if width <= 0:
        return ""
    if text.isascii():
        length = len(text)
        if length > width:
            return text[: width - 1] + "…"
    else:
        length = cell_len(text)
        if length > width:
            room, kept = width - 1, []
            for piece, cells in graphemes(text):
                if cells > room:
                    break
                kept.append(piece)
                room -= cells
            return "".join(kept) + " " * room + "…"
    if centred:
        left = (width - length) // 2
        return " " * left + text + " " * (width - length - left)
    if right:
        return " " * (width - length) + text
    return text + " " * (width - length)


def column_width(field: Field) -> int:
    """How wide a table column for ``field`` starts out (a long label may be cut instead)."""
    base = NAMED_WIDTHS.get(field.name, WIDTHS.get(field.kind, 16))
    return max(base, min(len(field.label), 12))


def min_width(field: Field, *, is_name: bool = False) -> int:
    """How narrow a column may get before the table scrolls sideways instead.

    Name columns keep more room than other text: they are what a person reads a row by.
    """
    start = column_width(field)
    if field.kind not in GROWS:
        return start
    if is_name:
        return min(start, 10)
    return min(start, max(6, min(len(field.label), 8)))


def right_aligned(field: Field) -> bool:
    return field.kind in NUMERIC
