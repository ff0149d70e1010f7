"""Pulling records out of results, and building list/date-range params (reference §2).

Results are shaped loosely across methods: a key wrapping an array, sometimes a bare object,
sometimes nothing at all. These helpers accept every shape seen so callers get a plain list.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ssui.entities import Entity, Where
from ssui.entities.wire import wire_datetime

MAX_PAGE = 500  # the API caps limit at 500 and silently truncates larger values (§1.5)
MAX_OBJECTS = 500  # objects per bulk write (§1.5)
TIMESTAMPS = ("create", "update")


def records_in(result: Any, key: str) -> list[Mapping[str, Any]]:
    """The records under ``key``: an array, a bare object, or none when the key is missing."""
    value = result.get(key) if isinstance(result, Mapping) else result
    if isinstance(value, Mapping):
        return [value]
    if isinstance(value, list):
        return [r for r in value if isinstance(r, Mapping)]
    return []


def has_id(record: Mapping[str, Any], id_field: str | None) -> bool:
    """False for records missing their id, like the id-less pseudo-lead getLead once returned."""
    return id_field is None or record.get(id_field) not in (None, "")


def where_params(entity: Entity, where: Mapping[str, Any] | None) -> dict[str, Any]:
    """The ``where`` part of a list call, as the entity's list method wants it."""
    match entity.methods.where:
        case Where.REQUIRED:
            # Required even when empty: getActiveLists and friends fail without it.
            return {"where": dict(where or {})}
        case Where.OPTIONAL:
            return {"where": dict(where)} if where else {}
    if where:
        raise ValueError(f"{entity.plural} cannot be filtered: the API takes no 'where' for them")
    return {}


def page_size_of(page_size: int) -> int:
    """The page size to ask for: at least 1, at most the API's cap."""
    if page_size < 1:
        raise ValueError(f"page size must be at least 1, got {page_size}")
    return min(page_size, MAX_PAGE)


wire_time = wire_datetime


def chunks(items: Sequence[Any], size: int = MAX_OBJECTS) -> list[tuple[int, Sequence[Any]]]:
    """``items`` cut into runs of at most ``size``, each with the index of its first item."""
    return [(start, items[start : start + size]) for start in range(0, len(items), size)]
