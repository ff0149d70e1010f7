"""What came back, made readable: status, time, size, result keys, errors and their meaning.

``Exchange`` is one request and its answer (or the failure that stopped it); ``Summary``
reads it the way a person wants to: which keys the result holds and how many records each,
whether ``hasMore`` says there is more, the API error's code, message and what the reference
says it means, and which objects of a bulk write failed and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ssui.api.errors import MEANINGS

from .catalogue import lookup, page_size
from .request import ConsoleRequest, Mode, Prepared, params_text

NOT_JSON: Any = object()
WRITE_KEYS = ("creates", "updates", "deletes")


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    """An error SharpSpring reported: its code, its words, and what the code means."""

    code: int | None
    message: str
    meaning: str = ""

    @classmethod
    def of(cls, raw: Any) -> ErrorInfo:
        if not isinstance(raw, Mapping):
            return cls(None, str(raw))
        code = raw.get("code")
        try:
            number: int | None = int(code) if code is not None else None
        except (TypeError, ValueError):
            number = None
        message = raw.get("message")
        text = message if isinstance(message, str) else ("" if message is None else str(message))
        return cls(number, text, MEANINGS.get(number, "") if number is not None else "")

    def line(self) -> str:
        """``error 204: Invalid method · means: no such method``."""
        head = f"error {self.code}" if self.code is not None else "error"
        text = f"{head}: {self.message}" if self.message else head
        return f"{text} · means: {self.meaning}" if self.meaning else text


@dataclass(frozen=True, slots=True)
class Failure:
    """One object of a bulk write that failed: its position in the request, and why."""

    key: str
    index: int
    error: ErrorInfo


@dataclass(frozen=True)
class Exchange:
    """One request sent and what came of it.

    ``status`` is None when no answer came (``problem`` says why). ``text`` is the body as
    shown: decoded and with the secret masked; ``data`` its JSON, or ``NOT_JSON``.
    """

    request: ConsoleRequest
    prepared: Prepared | None
    status: int | None = None
    reason: str = ""
    seconds: float = 0.0
    size: int = 0
    content_type: str = ""
    text: str = ""
    data: Any = NOT_JSON
    problem: str = ""
    calls_today: int = 0
    daily_quota: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_json(self) -> bool:
        return self.data is not NOT_JSON

    @property
    def envelope(self) -> Mapping[str, Any] | None:
        """The body when it is SharpSpring's ``{result, error, id}``."""
        data = self.data
        if isinstance(data, Mapping) and ("result" in data or "error" in data):
            return data
        return None


@dataclass(frozen=True)
class Summary:
    """An exchange read for a person."""

    ok: bool
    error: ErrorInfo | None
    result_keys: tuple[tuple[str, str], ...]
    has_more: bool | None
    records: int | None
    failures: tuple[Failure, ...]
    writes: int  # objects a bulk write reported on

    def line(self) -> str:
        """What the history keeps of the answer: error, or keys and counts."""
        if self.error is not None:
            return self.error.line()
        parts = [f"{k}: {v}" for k, v in self.result_keys]
        if self.failures:
            parts.append(f"{len(self.failures)} of {self.writes} failed")
        if self.has_more is not None:
            parts.append(f"hasMore: {str(self.has_more).lower()}")
        return " · ".join(parts) or "no result"


def _flag(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return f"{len(value):,} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, Mapping):
        return f"{{{len(value)} key{'s' if len(value) != 1 else ''}}}"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return repr(text if len(text) <= 40 else text[:39] + "…")


def summarize(exchange: Exchange) -> Summary:
    """The summary of an exchange (an answer that is not an envelope has no result keys)."""
    body = exchange.envelope
    if exchange.status is None:
        return Summary(False, ErrorInfo(None, exchange.problem or "no answer"), (), None, None,
                       (), 0)
    if body is None:
        ok = 200 <= exchange.status < 300
        return Summary(ok, None, (), None, None, (), 0)
    result = body.get("result")
    raw_error = body.get("error")
    error = None
    if isinstance(raw_error, Mapping) and raw_error:
        error = ErrorInfo.of(raw_error)
    elif isinstance(raw_error, list) and raw_error and result is None:
        error = ErrorInfo.of(raw_error[0])
    elif raw_error not in (None, [], {}) and not isinstance(raw_error, list | Mapping):
        error = ErrorInfo(None, str(raw_error))
    keys: list[tuple[str, str]] = []
    if isinstance(result, Mapping):
        keys = [(str(k), _describe(v)) for k, v in result.items()]
    elif result is not None:
        keys = [("result", _describe(result))]
    more = _flag(body.get("hasMore"))
    if more is None and isinstance(result, Mapping):
        more = _flag(result.get("hasMore"))
    failures, writes = _failures(result)
    return Summary(error is None and 200 <= exchange.status < 300, error, tuple(keys), more,
                   _records(exchange, result), tuple(failures), writes)


def _records(exchange: Exchange, result: Any) -> int | None:
    """How many records a list call returned (under its result key, or a lone list)."""
    prepared = exchange.prepared
    info = lookup(prepared.rpc_method) if prepared and prepared.rpc_method else None
    if isinstance(result, list):
        return len(result)
    if not isinstance(result, Mapping):
        return None
    if info is not None and info.result_key and isinstance(result.get(info.result_key), list):
        return len(result[info.result_key])
    lists = [v for v in result.values() if isinstance(v, list)]
    return len(lists[0]) if len(lists) == 1 else None


def _failures(result: Any) -> tuple[list[Failure], int]:
    failures: list[Failure] = []
    writes = 0
    if not isinstance(result, Mapping):
        return failures, writes
    for key in WRITE_KEYS:
        entries = result.get(key)
        if not isinstance(entries, list):
            continue
        writes += len(entries)
        for i, entry in enumerate(entries):
            if not isinstance(entry, Mapping):
                failures.append(Failure(key, i, ErrorInfo(None, "no result for this object")))
                continue
            err = entry.get("error")
            if _flag(entry.get("success")) and not err:
                continue
            failures.append(Failure(key, i, ErrorInfo.of(err) if err else ErrorInfo(
                None, "reported as failed, no reason given")))
    return failures, writes


def next_page(exchange: Exchange, summary: Summary | None = None) -> ConsoleRequest | None:
    """The same list call one page on (offset += limit), or None when there is no next page.

    Only for API calls of list methods (or any call that pages with limit/offset) that
    answered without an error, and not after the last page: ``hasMore`` false, or (without
    ``hasMore``) fewer records than asked for.
    """
    request, prepared = exchange.request, exchange.prepared
    if request.mode is not Mode.API or prepared is None or prepared.params is None:
        return None
    summary = summary or summarize(exchange)
    if not summary.ok:
        return None
    params = prepared.params
    info = lookup(prepared.rpc_method or "")
    if not ((info is not None and info.paged) or "offset" in params or "limit" in params):
        return None
    size = page_size(params)
    if summary.has_more is False or (summary.has_more is None and summary.records is not None
                                     and summary.records < size):
        return None
    try:
        offset = int(params.get("offset") or 0)
    except (TypeError, ValueError):
        offset = 0
    return replace(request, params=params_text({**params, "offset": offset + size,
                                                "limit": size}))
