"""Mirror fixtures: a seeded in-process sandbox, a client on it and an empty mirror."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ssui.api import RetryPolicy, SharpSpringClient
from ssui.mirror import MirrorStore
from ssui.mirror.sync import SyncEngine
from ssui.sandbox import SandboxApp, SandboxConfig, create_app

SMALL = 300
LARGE = 10_000


def sandbox_config(db: Path, leads: int, **kw: Any) -> SandboxConfig:
    return SandboxConfig(db=db, seed=11, leads=leads, activity=0, limits=False, **kw)


def client_for(app: SandboxApp, **kw: Any) -> SharpSpringClient:
    kw.setdefault("retry", RetryPolicy(max_attempts=1))
    return SharpSpringClient(app.config.account_id, app.config.secret_key,
                             base_url="http://127.0.0.1/pubapi",
                             transport=httpx.ASGITransport(app=app), rate_limit=None, **kw)


@pytest.fixture(scope="session")
def small_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mirror-sandbox") / "small.db"
    app = create_app(sandbox_config(path, SMALL))
    app.store.close()
    return path


@pytest.fixture(scope="session")
def large_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("mirror-sandbox") / "large.db"
    app = create_app(sandbox_config(path, LARGE))
    app.store.close()
    return path


@pytest.fixture
def make_sandbox(small_template: Path, large_template: Path,
                 tmp_path: Path) -> Iterator[Callable[..., SandboxApp]]:
    """A fresh copy of a seeded sandbox (``large=True``: 10,000 leads) per call."""
    apps: list[SandboxApp] = []

    def make(large: bool = False, **kw: Any) -> SandboxApp:
        db = tmp_path / f"sandbox{len(apps)}.db"
        shutil.copy(large_template if large else small_template, db)
        app = create_app(sandbox_config(db, LARGE if large else SMALL, **kw))
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.store.close()


@pytest.fixture
def sandbox(make_sandbox: Callable[..., SandboxApp]) -> SandboxApp:
    return make_sandbox()


@pytest.fixture
def large_sandbox(make_sandbox: Callable[..., SandboxApp]) -> SandboxApp:
    return make_sandbox(large=True)


@pytest.fixture
async def client(sandbox: SandboxApp) -> AsyncIterator[SharpSpringClient]:
    async with client_for(sandbox) as c:
        yield c


@pytest.fixture
def mirror_path(tmp_path: Path) -> Path:
    return tmp_path / "mirror.db"


@pytest.fixture
def store(mirror_path: Path) -> Iterator[MirrorStore]:
    s = MirrorStore(mirror_path)
    yield s
    s.close()


@pytest.fixture
def engine(client: SharpSpringClient, store: MirrorStore) -> SyncEngine:
    return SyncEngine(client, store)
