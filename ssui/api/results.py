"""Per-object outcomes of bulk writes (reference §1.2).

A bulk write succeeds as a request even when some objects fail; each input object gets an
entry ``{success, error, id?}`` in input order. A partial failure is therefore a list of
results, not an exception. ``WriteResult`` itself is defined in ``errors`` (an error carries
the results of the chunks that finished before it, and a result carries its error).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .errors import ApiError, UnknownApiError, WriteResult, error_from_code
from .redact import redact


def _success(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true")
    return bool(value)


def _id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def entries_of(result: Any, key: str) -> list[Any]:
    """The per-object entries under ``key`` ("creates", ...); a bare list is accepted too."""
    entries = result.get(key) if isinstance(result, Mapping) else result
    return list(entries) if isinstance(entries, list) else []


def write_results(
    entries: Sequence[Any],
    count: int,
    start: int = 0,
    *,
    verb: str = "written",
    secret: str | None = None,
) -> list[WriteResult]:
    """One WriteResult per input object of a chunk; objects without an entry are failures."""
    results: list[WriteResult] = []
    for i in range(count):
        entry = entries[i] if i < len(entries) else None
        index = start + i
        if not isinstance(entry, Mapping):
            results.append(WriteResult(index, False, None, UnknownApiError(
                f"SharpSpring returned no result for object {index}; "
                f"it may or may not have been {verb}"
            )))
            continue
        ok = _success(entry.get("success"))
        err = entry.get("error")
        error: ApiError | None = None
        if isinstance(err, Mapping) and err:
            message = err.get("message")
            if isinstance(message, str) and secret:
                message = redact(message, secret)
            error = error_from_code(err.get("code"), message, err.get("data"))
        elif not ok:
            error = UnknownApiError(f"SharpSpring reported object {index} as failed, no reason")
        results.append(WriteResult(index, ok and error is None, _id(entry.get("id")), error))
    return results
