"""What the app asks the mirror for: a page of one entity's rows, and how many match."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Op = Literal["=", "!=", "in", "contains", ">=", "<=", "empty", "not empty"]


@dataclass(frozen=True, slots=True)
class Filter:
    """One condition on one field, e.g. ownerID = 3, or emailAddress in (...)."""

    field: str
    op: Op = "="
    value: Any = None


@dataclass(frozen=True, slots=True)
class Query:
    """The rows a table shows: entity, filters, search text, sort, and the window in view."""

    entity: str
    filters: tuple[Filter, ...] = ()
    search: str = ""
    sort: str | None = None
    descending: bool = False
    offset: int = 0
    limit: int = 50
    columns: tuple[str, ...] = field(default=())
