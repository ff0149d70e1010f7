"""Reading a method's ``params``: where, paging, field selection, date ranges and objects.

Shape errors follow the reference's codes: a missing required part is 206, a wrong type 205,
a scalar where a list belongs 208, a list where a scalar belongs 210, a missing ``objects``
207 and more than 500 objects (or ids) 209.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from typing import Any

from ..entities import Entity, Field, Kind, Where
from .errors import ApiError, ObjectError
from .schema import q
from .store import Store
from .values import parse_api_time, to_storage

MAX_LIMIT = 500


@dataclass(slots=True)
class Call:
    """One method call: the store, the version's zone and limits."""

    store: Store
    tz: tzinfo
    max_objects: int = 500


def as_mapping(value: Any, name: str) -> dict[str, Any]:
    """A params member that must be an object (PHP clients send ``[]`` for an empty one)."""
    if isinstance(value, dict):
        return value
    if isinstance(value, list) and not value:
        return {}
    if isinstance(value, list):
        raise ApiError(205, f"{name} must be an object")
    raise ApiError(208, f"{name} must be an object")


def where_of(params: Mapping[str, Any], e: Entity, mode: Where | None = None) -> dict[str, Any]:
    mode = mode or e.methods.where
    if "where" not in params or params["where"] is None:
        if mode is Where.REQUIRED:
            raise ApiError(206, "where is required (it may be {})")
        return {}
    if mode is Where.NONE:
        return {}
    return as_mapping(params["where"], "where")


def _int(value: Any, name: str) -> int:
    if isinstance(value, list | dict):
        raise ApiError(210, f"{name} must be a single value")
    if isinstance(value, bool):
        raise ApiError(205, f"{name} must be a whole number")
    try:
        return int(str(value).strip())
    except ValueError:
        raise ApiError(205, f"{name} must be a whole number") from None


def paging(params: Mapping[str, Any], cap: int | None = MAX_LIMIT) -> tuple[int, int]:
    """(limit, offset): limit defaults to 500 and is capped silently; offset is a record index."""
    limit = MAX_LIMIT if params.get("limit") in (None, "") else _int(params["limit"], "limit")
    offset = 0 if params.get("offset") in (None, "") else _int(params["offset"], "offset")
    if limit < 0 or offset < 0:
        raise ApiError(205, "limit and offset must not be negative")
    if cap is not None:
        limit = min(limit, cap)
    return limit, offset


def selected_fields(params: Mapping[str, Any], store: Store, key: str) -> list[Field]:
    """The ``fields`` selection (unknown names are ignored; none or [] = every field)."""
    names = params.get("fields")
    if names in (None, "", []):
        return store.visible_fields(key)
    if not isinstance(names, list):
        raise ApiError(208, "fields must be a list of systemNames")
    chosen = store.visible_fields(key, [str(n) for n in names])
    return chosen or store.visible_fields(key)


def record_id(value: Any, name: str = "id") -> int:
    """An id in a by-id getter (a list is 210, anything not a whole number 205)."""
    if value is None or value == "":
        raise ApiError(206, f"{name} is required")
    return _int(value, name)


def where_sql(
    e: Entity, where: Mapping[str, Any], tz: tzinfo, *, id_list_max: int = MAX_LIMIT
) -> tuple[list[str], list[Any]]:
    """SQL conditions for a ``where`` object, by the registry's where keys.

    ``id`` may be a list (only the first 500 count); a date-time key means "after that time"
    (getEvents' createTimestamp); ``""`` means no filter on that key.
    """
    clauses: list[str] = []
    args: list[Any] = []
    for key, value in where.items():
        if key not in e.methods.where_keys:
            allowed = ", ".join(e.methods.where_keys) or "none"
            raise ApiError(205, f"cannot filter {e.plural.lower()} on {key!r} (allowed: {allowed})")
        if value is None or value == "":
            continue
        f = e.field(key)
        if isinstance(value, list):
            if key != "id":
                raise ApiError(210, f"where.{key} must be a single value")
            ids = [_int(v, "where.id") for v in value[:id_list_max]]
            if not ids:
                clauses.append("0")
                continue
            clauses.append(f'"id" IN ({", ".join("?" for _ in ids)})')
            args.extend(ids)
            continue
        if isinstance(value, dict):
            raise ApiError(210, f"where.{key} must be a single value")
        if f.kind is Kind.DATETIME:
            try:
                clauses.append(f"{q(key)} > ?")
                args.append(parse_api_time(value, tz))
            except ValueError:
                raise ApiError(205, f"where.{key} must be YYYY-MM-DD HH:MM:SS") from None
            continue
        try:
            stored = to_storage(f, value, tz)
        except ObjectError as exc:
            raise ApiError(205, f"where.{key}: {exc.message}") from None
        clauses.append(f"{q(key)} = ?")
        args.append(stored)
    return clauses, args


def date_range(
    params: Mapping[str, Any], e: Entity, tz: tzinfo
) -> tuple[str, str, str]:
    """(column, start, end) in stored UTC for a ``*DateRange`` call."""
    for name in ("startDate", "endDate"):
        if params.get(name) in (None, ""):
            raise ApiError(206, f"{name} is required")
    kind = params.get("timestamp") or "create"
    if kind not in ("create", "update"):
        raise ApiError(205, 'timestamp must be "create" or "update"')
    column = f"{kind}Timestamp"
    if not e.has_field(column):
        column = "createTimestamp"
    try:
        start = parse_api_time(params["startDate"], tz)
        end = parse_api_time(params["endDate"], tz, end_of_day=True)
    except (ValueError, TypeError):
        raise ApiError(205, "startDate and endDate must be YYYY-MM-DD HH:MM:SS") from None
    return column, start, end


def objects_of(params: Mapping[str, Any], max_objects: int) -> Sequence[Any]:
    """The ``objects`` array of a bulk write."""
    if params.get("objects") is None:
        raise ApiError(207, "objects is required")
    objects = params["objects"]
    if not isinstance(objects, list):
        raise ApiError(208, "objects must be an array")
    if len(objects) > max_objects:
        raise ApiError(209, f"at most {max_objects} objects per request")
    return objects


def object_of(obj: Any) -> dict[str, Any]:
    if isinstance(obj, dict):
        return obj
    raise ObjectError(205, "each object must be a JSON object")
