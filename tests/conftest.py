"""Shared fixtures. Each layer's own fixtures live in its folder's conftest.py."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ssui.api import SharpSpringClient
    from ssui.mirror import MirrorStore
    from ssui.sandbox import SandboxApp, SandboxServer


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    """A seeded sandbox (200 leads, no limits, no activity) on a loopback port, shared.

    Read-only use only: tests that write should start their own ``SandboxServer``.
    """
    from ssui.sandbox import SandboxConfig, SandboxServer

    config = SandboxConfig(db=":memory:", leads=200, activity=0, limits=False)
    with SandboxServer(config) as server:
        yield server


@pytest.fixture
def messy_sandbox(tmp_path: Path) -> Iterator[SandboxApp]:
    """An in-process sandbox (40 seeded leads) to which ``load_messy`` adds the messy data."""
    from ssui.sandbox import SandboxConfig, create_app

    app = create_app(SandboxConfig(db=tmp_path / "messy-sandbox.db", seed=5, leads=40,
                                   activity=0, limits=False))
    yield app
    app.store.close()


def in_process_client(app: SandboxApp) -> SharpSpringClient:
    """A client on an in-process sandbox: no sockets, no retries, no rate limit."""
    import httpx

    from ssui.api import RetryPolicy, SharpSpringClient

    return SharpSpringClient(app.config.account_id, app.config.secret_key,
                             base_url="http://127.0.0.1/pubapi",
                             transport=httpx.ASGITransport(app=app), rate_limit=None,
                             retry=RetryPolicy(max_attempts=1))


@pytest.fixture
async def messy_store(messy_sandbox: SandboxApp, tmp_path: Path) -> AsyncIterator[MirrorStore]:
    """A mirror, fully synced over the API, of an account full of messy real-world data."""
    from ssui.mirror import MirrorStore
    from ssui.mirror.sync import SyncEngine
    from ssui.sandbox.messy import load_messy

    store = MirrorStore(tmp_path / "messy-mirror.db")
    async with in_process_client(messy_sandbox) as client:
        await load_messy(client.call)
        await SyncEngine(client, store).full_sync()
    yield store
    store.close()


@pytest.fixture
def client_on() -> Callable[[SandboxApp], SharpSpringClient]:
    """``client_on(app)``: a client on an in-process sandbox (see ``in_process_client``)."""
    return in_process_client
