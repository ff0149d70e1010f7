"""Sandbox fixtures: this folder's seeded account (a copy per test, from ``make_sandbox``),
raw posts to it and in-process clients."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest

from ssui.api import SharpSpringClient
from ssui.sandbox import SandboxApp, SandboxConfig

ANCHOR = 1_767_225_600.0  # 2026-01-01 00:00:00 UTC
LEADS = 200
CREDS = {"accountID": "SANDBOX", "secretKey": "sandbox-secret"}
BASE = "http://127.0.0.1/pubapi"

Raw = Callable[..., Awaitable[httpx.Response]]
Call = Callable[..., Awaitable[dict[str, Any]]]
ClientOn = Callable[..., SharpSpringClient]


# The account every test here sees: what seeds it, for ``make_sandbox``.
ACCOUNT: dict[str, Any] = {"seed": 7, "leads": LEADS, "seed_anchor": ANCHOR}


def base_config(**overrides: Any) -> SandboxConfig:
    """The same account's config in memory, for tests that build a sandbox themselves (its
    seeding, its server, its transport)."""
    cfg = SandboxConfig(db=":memory:", activity=0, limits=False, **ACCOUNT)
    return replace(cfg, **overrides)


@pytest.fixture
def make_app(make_sandbox: Callable[..., SandboxApp]) -> Callable[..., SandboxApp]:
    """A fresh seeded app per call (this folder's account: 200 leads of seed 7, history up to
    ANCHOR), with config overrides; from the shared ``make_sandbox`` factory."""

    def make(**overrides: Any) -> SandboxApp:
        return make_sandbox(**{**ACCOUNT, **overrides})

    return make


@pytest.fixture
def app(make_app: Callable[..., SandboxApp]) -> SandboxApp:
    return make_app()


@pytest.fixture
def raw(app: SandboxApp) -> Raw:
    """POST a body to the app over httpx (no ssui.api in between)."""
    return raw_poster(app)


def raw_poster(app: SandboxApp) -> Raw:
    async def post(
        body: Any = None,
        *,
        version: str = "v1.2",
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
        http_method: str = "POST",
        path: str | None = None,
    ) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            url = path or f"/pubapi/{version}/"
            if content is None and body is not None:
                content = httpx.Request("POST", "/", json=body).content
            return await c.request(http_method, url, params=CREDS if query is None else query,
                                   headers=headers, content=content)

    return post


@pytest.fixture
async def client(app: SandboxApp, client_on: ClientOn) -> AsyncIterator[SharpSpringClient]:
    async with client_on(app) as c:
        yield c


@pytest.fixture
async def client_v1(app: SandboxApp, client_on: ClientOn) -> AsyncIterator[SharpSpringClient]:
    async with client_on(app, api_version="v1") as c:
        yield c


@pytest.fixture
def call(client: SharpSpringClient) -> Call:
    """The whole response envelope of one method call through ssui.api."""

    async def do(method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return await client.call_envelope(method, {} if params is None else params)

    return do
