"""One deadline per call: every attempt, the pauses between them and a trickling body count.

httpx's timeouts are per read, so a server sending one byte every few seconds never trips
them; the client's ``deadline`` bounds the whole call. Deadlines here are fractions of a second.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from ssui.api import OutcomeUnknownError, RequestTimeoutError, RetryPolicy, SharpSpringClient

from .conftest import MakeClient
from .fakes import SECRET, FakeApi, FakeClock, fail


class _Drip(httpx.AsyncByteStream):
    """A body that never ends: one byte, then another every ``every`` seconds."""

    def __init__(self, every: float) -> None:
        self.every = every

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"{"
        while True:
            await asyncio.sleep(self.every)
            yield b" "


class DripTransport(httpx.AsyncBaseTransport):
    """A server that answers 200 at once, then drips its body out forever."""

    def __init__(self, every: float = 0.05) -> None:
        self.every = every
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return httpx.Response(200, headers={"content-type": "application/json"},
                              stream=_Drip(self.every))


class SilentTransport(httpx.AsyncBaseTransport):
    """A server that takes the request and never answers: each attempt ends in httpx's read
    timeout (the real transport's behaviour; a custom transport has to play it itself)."""

    def __init__(self) -> None:
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        await asyncio.sleep(request.extensions["timeout"]["read"])
        raise httpx.ReadTimeout("timed out", request=request)


async def test_a_trickling_body_is_cut_off_at_the_deadline(make_client: MakeClient) -> None:
    drip = DripTransport(every=0.05)  # far below the per-read timeout: it never trips
    client = make_client(transport=drip, deadline=0.5, timeout=30)
    started = time.monotonic()
    with pytest.raises(RequestTimeoutError) as info:
        await client.call("getLeads", {"where": {}})
    assert time.monotonic() - started < 3
    assert str(info.value) == "SharpSpring did not answer within 0.5 s (1 attempt)"
    assert SECRET not in str(info.value)


async def test_the_deadline_covers_the_retries(
    make_client: MakeClient, clock: FakeClock
) -> None:
    silent = SilentTransport()
    # A real wait between attempts, so the deadline falls in the middle of the retries.
    client = make_client(transport=silent, deadline=0.5, timeout=0.2,
                         retry=RetryPolicy(max_attempts=10, base_delay=0, max_delay=0),
                         clock=None)
    started = time.monotonic()
    with pytest.raises(RequestTimeoutError) as info:
        await client.call("getLeads", {"where": {}})
    waited = time.monotonic() - started
    assert 0.4 < waited < 3
    message = str(info.value)
    assert message.startswith("SharpSpring did not answer within 0.5 s (3 attempts")
    assert "last: SharpSpring did not answer within 0.2 s" in message
    assert silent.requests == 3


async def test_a_write_cut_off_by_the_deadline_has_an_unknown_outcome(
    make_client: MakeClient,
) -> None:
    client = make_client(transport=DripTransport(), deadline=0.3)
    with pytest.raises(OutcomeUnknownError) as info:
        await client.create("lead", [{"emailAddress": "a@example.com"}])
    message = str(info.value)
    assert "did not answer within 0.3 s (1 attempt)" in message
    assert "may or may not have been created" in message


async def test_no_deadline_by_default(client: SharpSpringClient) -> None:
    assert client.deadline is None


@pytest.mark.parametrize("deadline", [0, -1.0, float("nan")])
def test_a_deadline_must_be_positive(deadline: float) -> None:
    with pytest.raises(ValueError, match="deadline"):
        SharpSpringClient("A", "S", deadline=deadline)


async def test_giving_up_after_retries_says_how_many_and_how_long(
    client: SharpSpringClient, api: FakeApi
) -> None:
    # Per-read timeouts on every attempt: the message is not just "within 30 s".
    api.default = fail(httpx.ReadTimeout)
    with pytest.raises(RequestTimeoutError) as info:
        await client.call("getLeads", {"where": {}})
    assert str(info.value).startswith("SharpSpring did not answer within 30 s (4 attempts, ")
    assert str(info.value).endswith(" s in all)")
