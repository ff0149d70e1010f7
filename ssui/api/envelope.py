"""The request and response envelopes (reference §1.1, §1.2).

Request:  ``{"method": ..., "params": {...}, "id": "<fresh string>"}`` (no jsonrpc member).
Response: ``{"result": ..., "error": ..., "id": <echo>}`` plus keys some methods add
(``hasMore``, ``callCount``, ``queryLimit``), which are tolerated and kept.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ApiError, BadResponseError, UnknownApiError, error_from_code, one_line
from .redact import redact

# A random per-process prefix plus a counter: unique per call, cheaper than uuid4.
_PREFIX = os.urandom(4).hex()
_COUNTER = itertools.count(1)


def new_request_id() -> str:
    """A fresh request id; SharpSpring echoes it back so answers can be matched to calls."""
    return f"{_PREFIX}-{next(_COUNTER)}"


def build_request(
    method: str, params: Mapping[str, Any] | None = None, *, request_id: str | None = None
) -> dict[str, Any]:
    """The JSON body for one call."""
    if not method:
        raise ValueError("a SharpSpring call needs a method name")
    return {
        "method": method,
        "params": dict(params) if params is not None else {},
        "id": new_request_id() if request_id is None else request_id,
    }


def _truthy(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


@dataclass(frozen=True, slots=True)
class Reply:
    """One parsed response body.

    ``error`` is the top-level error object as an exception (not raised). ``failed_entries``
    holds the array form some servers send on partly failed writes: copies of the per-object
    errors, which the per-object results already carry, so it is information, not a failure.
    """

    body: dict[str, Any]
    result: Any
    error: ApiError | None
    failed_entries: tuple[ApiError, ...] = ()

    @property
    def has_more(self) -> bool | None:
        """The ``hasMore`` flag, top-level or inside ``result``; None when absent."""
        flag = self.body.get("hasMore")
        if flag is None and isinstance(self.result, Mapping):
            flag = self.result.get("hasMore")
        return _truthy(flag)

    def raise_for_error(self) -> Any:
        """The result, or the top-level error raised."""
        if self.error is not None:
            raise self.error
        return self.result


def _error(obj: Mapping[str, Any], secret: str | None) -> ApiError:
    message = obj.get("message")
    if isinstance(message, str) and secret:
        message = redact(message, secret)
    return error_from_code(obj.get("code"), message, obj.get("data"))


def parse_response(
    body: Any, expected_id: str | None, *, secret: str | None = None
) -> Reply:
    """Check a decoded response body and split it into result and error.

    Raises BadResponseError when the body is not an envelope or echoes another id. A
    missing or null id is accepted: error answers to malformed requests may lack one.
    """
    if not isinstance(body, dict):
        raise BadResponseError(
            f"SharpSpring sent a {type(body).__name__} where a response object was expected"
        )
    if "result" not in body and "error" not in body:
        keys = ", ".join(sorted(map(str, body))) or "none"
        raise BadResponseError(f"SharpSpring's response has no result or error (keys: {keys})")
    echoed = body.get("id")
    if expected_id is not None and echoed is not None and str(echoed) != expected_id:
        raise BadResponseError(
            f"SharpSpring answered request {one_line(str(echoed), 60)!r} "
            f"instead of {expected_id!r}; the answer was discarded"
        )
    result = body.get("result")
    raw_error = body.get("error")
    if raw_error is None or raw_error == [] or raw_error == {}:
        return Reply(body, result, None)
    if isinstance(raw_error, Mapping):
        return Reply(body, result, _error(raw_error, secret))
    if isinstance(raw_error, list):
        entries = tuple(_error(e, secret) for e in raw_error if isinstance(e, Mapping))
        # The array form belongs to writes, where result holds per-object outcomes. With no
        # result at all there is nothing else to go on, so the first entry is the error.
        if result is None and entries:
            return Reply(body, result, entries[0], entries)
        return Reply(body, result, None, entries)
    text = redact(one_line(str(raw_error), 200), secret)
    return Reply(body, result, UnknownApiError(f"SharpSpring reported an error: {text}"))
