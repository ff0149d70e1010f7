"""Sending a console request through the session's one client, and reading what came back.

Both modes go out through ``SharpSpringClient.request_raw``: the same rate limiter and quota
counter as everything else in the session, the credentials added by the client, one attempt
(a console shows what happened; it does not retry behind the user's back). The answer is
decoded, the secret masked in it, and parsed off the event loop when it is large.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import orjson

from ssui.api import SharpSpringClient, SharpSpringError

from .request import ConsoleRequest, Prepared, Target, prepare
from .response import NOT_JSON, Exchange

# Bodies larger than this are decoded and parsed in a thread, so the app keeps drawing.
_OFF_LOOP = 256 * 1024


def target_of(client: SharpSpringClient) -> Target:
    """Where ``client`` sends requests (its base URL, endpoint and account)."""
    return Target.from_endpoint(client.endpoint, client.account_id)


async def send(client: SharpSpringClient, request: ConsoleRequest,
               prepared: Prepared | None = None) -> Exchange:
    """Send ``request`` (already prepared, or prepared here: RequestProblem if it cannot be).

    A failure with no answer (refused, timed out, dropped) is an exchange without a status,
    not an exception.
    """
    prepared = prepared or prepare(request, target_of(client))
    started = time.perf_counter()
    try:
        response = await client.request_raw(
            prepared.http_method, str(prepared.url), params=prepared.query,
            headers=prepared.headers, content=prepared.content or None)
    except SharpSpringError as exc:
        return Exchange(request, prepared, seconds=time.perf_counter() - started,
                        problem=str(exc), calls_today=client.quota.used,
                        daily_quota=client.quota.limit)
    seconds = time.perf_counter() - started
    content = response.content
    if len(content) > _OFF_LOOP:
        text, data = await asyncio.to_thread(_read, client, content)
    else:
        text, data = _read(client, content)
    return Exchange(request, prepared, status=response.status_code,
                    reason=response.reason_phrase, seconds=seconds, size=len(content),
                    content_type=response.headers.get("content-type", ""), text=text, data=data,
                    calls_today=client.quota.used, daily_quota=client.quota.limit)


def _read(client: SharpSpringClient, content: bytes) -> tuple[str, Any]:
    """The body as text with the secret masked, and its JSON (or NOT_JSON)."""
    text = client.scrub(content.decode("utf-8", "replace"))
    try:
        return text, orjson.loads(text)
    except orjson.JSONDecodeError:
        return text, NOT_JSON
