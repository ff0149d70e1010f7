"""Sandbox fixtures: a seeded template database copied per test, in-process clients."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from ssui.api import RetryPolicy, SharpSpringClient
from ssui.sandbox import SandboxApp, SandboxConfig, create_app

ANCHOR = 1_767_225_600.0  # 2026-01-01 00:00:00 UTC
LEADS = 200
CREDS = {"accountID": "SANDBOX", "secretKey": "sandbox-secret"}
BASE = "http://127.0.0.1/pubapi"

Raw = Callable[..., Awaitable[httpx.Response]]
Call = Callable[..., Awaitable[dict[str, Any]]]


def base_config(**overrides: Any) -> SandboxConfig:
    cfg = SandboxConfig(db=":memory:", seed=7, leads=LEADS, activity=0, limits=False,
                        seed_anchor=ANCHOR)
    return replace(cfg, **overrides)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One seeded database file; tests get copies, so seeding happens once."""
    path = tmp_path_factory.mktemp("sandbox") / "template.db"
    app = create_app(base_config(db=path))
    app.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    app.store.close()
    return path


@pytest.fixture
def make_app(template_db: Path, tmp_path: Path) -> Iterator[Callable[..., SandboxApp]]:
    """A fresh seeded app per call (a copy of the template), with config overrides."""
    apps: list[SandboxApp] = []

    def make(**overrides: Any) -> SandboxApp:
        db = tmp_path / f"sandbox{len(apps)}.db"
        shutil.copy(template_db, db)
        app = create_app(base_config(db=db, **overrides))
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.store.close()


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


def make_client(app: SandboxApp, version: str = "v1.2") -> SharpSpringClient:
    return SharpSpringClient(
        "SANDBOX", "sandbox-secret", base_url=BASE, api_version=version,
        transport=httpx.ASGITransport(app=app), rate_limit=None,
        retry=RetryPolicy(max_attempts=1),
    )


@pytest.fixture
async def client(app: SandboxApp) -> AsyncIterator[SharpSpringClient]:
    async with make_client(app) as c:
        yield c


@pytest.fixture
async def client_v1(app: SandboxApp) -> AsyncIterator[SharpSpringClient]:
    async with make_client(app, "v1") as c:
        yield c


@pytest.fixture
def call(client: SharpSpringClient) -> Call:
    """The whole response envelope of one method call through ssui.api."""

    async def do(method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return await client.call_envelope(method, {} if params is None else params)

    return do
