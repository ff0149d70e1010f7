"""``ssui call --history`` and ``--curl``: the command's calls in the console's terms."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import orjson

from ssui.api import SharpSpringError
from ssui.config import Connection, Profile

from .curl import curl_command
from .history import History, HistoryEntry
from .request import ConsoleRequest, Mode, Target, params_text, prepare
from .response import Exchange

Record = Callable[[Any, bool], None]


def call_request(method: str, params: Mapping[str, Any]) -> ConsoleRequest:
    """The console request for one ``ssui call``."""
    return ConsoleRequest(Mode.API, method, params_text(params))


def curl_for_call(profile: Profile, method: str, params: Mapping[str, Any], *,
                  secret: str | None = None) -> str:
    """The curl command for ``ssui call METHOD PARAMS`` on ``profile`` (no secret needed).

    ``secret``, when known, is looked for in the params: a copy of it becomes the variable.
    """
    target = Target.of(profile.base_url, profile.api_version, profile.account_id)
    return curl_command(prepare(call_request(method, params), target), target, secret=secret)


@contextmanager
def recording(connection: Connection | None, method: str,
              params: Mapping[str, Any]) -> Iterator[Record]:
    """Record one ``ssui call`` in ``connection``'s history (None: record nothing).

    Yields ``record(answer, envelope)`` for the answer; an error raised inside is recorded
    with its code and message, then raised on.
    """
    started = time.perf_counter()
    if connection is None:
        yield lambda answer, envelope: None
        return
    history = History.for_connection(connection.name, connection.account_id,
                                     secret=connection.secret_key.get_secret_value())
    request = call_request(method, params)

    def record(answer: Any, envelope: bool) -> None:
        body = answer if envelope else {"result": answer, "error": None}
        size = len(orjson.dumps(body, default=str))
        exchange = Exchange(request, None, status=200, seconds=time.perf_counter() - started,
                            size=size, data=body)
        history.add(HistoryEntry.of(exchange, source="call"))

    try:
        yield record
    except SharpSpringError as exc:
        head = f"error {exc.code}: " if exc.code is not None else ""
        history.add(HistoryEntry(
            datetime.now(UTC), request, exc.status if exc.code is None else 200,
            round((time.perf_counter() - started) * 1000, 1), None, f"{head}{exc}",
            source="call"))
        raise
