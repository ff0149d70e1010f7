"""What a method handler returns, and the bulk-write loop that builds per-object results."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ObjectError
from .params import Call, object_of


@dataclass(slots=True)
class Reply:
    """A method's result; ``write`` replies carry an error array, reads ``error: null``."""

    result: Any
    write: bool = False
    failures: list[dict[str, Any]] | None = None
    has_more: bool | None = None
    """When set, ``hasMore`` is added at the top level (getListMembers and friends)."""


Handler = Callable[[Call, Mapping[str, Any]], Reply]


def bulk_write(
    call: Call,
    objects: Sequence[Any],
    result_key: str,
    one: Callable[[dict[str, Any]], int | None],
    *,
    with_id: bool,
) -> Reply:
    """Run ``one`` for each object in one transaction; a failing object rolls back alone.

    Success entries are ``{success:true,error:null}`` (+ ``id`` for creates); failures
    ``{success:false,error:{code,message,data}}``. The reply's top-level error is ``[]`` or
    the failed entries' errors in order (RM's observation; reference §1.2, our choice).
    """
    db = call.store.db
    entries: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    with call.store.transaction():
        for obj in objects:
            db.execute("SAVEPOINT one")
            try:
                new_id = one(object_of(obj))
            except ObjectError as exc:
                db.execute("ROLLBACK TO one")
                db.execute("RELEASE one")
                failures.append(exc.as_json())
                entries.append({"success": False, "error": exc.as_json()})
                continue
            db.execute("RELEASE one")
            entry: dict[str, Any] = {"success": True, "error": None}
            if with_id:
                entry["id"] = new_id
            entries.append(entry)
    return Reply({result_key: entries}, write=True, failures=failures)
