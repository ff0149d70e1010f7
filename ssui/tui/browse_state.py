"""What a person has asked a list to show: search, sort, filters (no Textual here)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ssui.mirror import Filter, Query

_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True, slots=True)
class ActiveFilter:
    """One filter the user set, with the words that describe it ("Owner is Maya Lind")."""

    slot: str
    label: str
    filters: tuple[Filter, ...]
    # What was typed or chosen (a range's from and to), to show it again when editing.
    text: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BrowseState:
    """A list's search, sort and filters; the query follows from it."""

    search: str = ""
    sort: str | None = None
    descending: bool = False
    filters: tuple[ActiveFilter, ...] = ()

    def query(self, entity_key: str, limit: int = 100) -> Query:
        conditions = tuple(f for a in self.filters for f in a.filters)
        return Query(entity_key, conditions, self.search.strip(), self.sort, self.descending,
                     0, limit)

    @property
    def narrowed(self) -> bool:
        """True when search or filters hide some records."""
        return bool(self.search.strip() or self.filters)


@dataclass(frozen=True, slots=True)
class Place:
    """Where a user was in a list: its search, sort and filters, the record at the cursor
    (and its row, on screen too), and whether the detail was open. The back stack keeps these.
    """

    entity_key: str
    state: BrowseState
    record_id: int | None
    cursor: int
    screen_row: int
    detail_open: bool


def email_list(text: str) -> tuple[str, ...]:
    """Email addresses typed as a list: commas, semicolons, spaces or new lines between."""
    seen: dict[str, None] = {}
    for part in _SEPARATORS.split(text):
        part = part.strip().strip("<>").lower()
        if part:
            seen.setdefault(part, None)
    return tuple(seen)
