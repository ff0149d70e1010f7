"""Fixtures for client tests: a fake clock, a fake SharpSpring, and clients wired to both."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from ssui.api import RetryPolicy, SharpSpringClient

from .fakes import ACCOUNT, SECRET, FakeApi, FakeClock, HalfRandom

MakeClient = Callable[..., SharpSpringClient]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def api(clock: FakeClock) -> FakeApi:
    return FakeApi(clock)


@pytest.fixture
async def make_client(api: FakeApi, clock: FakeClock) -> AsyncIterator[MakeClient]:
    """Build clients on the fake API; no rate limit and mid-range jitter unless asked."""
    made: list[SharpSpringClient] = []

    def make(**kw: Any) -> SharpSpringClient:
        kw.setdefault("transport", httpx.MockTransport(api))
        kw.setdefault("clock", clock)
        kw.setdefault("rate_limit", None)
        kw.setdefault("retry", RetryPolicy(rng=HalfRandom()))
        client = SharpSpringClient(ACCOUNT, SECRET, **kw)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


@pytest.fixture
def client(make_client: MakeClient) -> SharpSpringClient:
    return make_client()
