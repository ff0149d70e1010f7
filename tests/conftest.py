"""Shared fixtures. Each layer's own fixtures live in its folder's conftest.py.

Every test that needs a sandbox gets it from one factory, ``make_sandbox``: an in-process
``SandboxApp`` on a fresh copy of a seeded database. Seeding is the slow part, so each worker
seeds a database once per (seed, leads, seed_anchor) and every sandbox asked for is a copy.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings

# The property tests try the same examples on every run, so a run's verdict never depends on
# luck; `pytest --hypothesis-profile=explore` tries new ones (and keeps what fails).
settings.register_profile("default", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile("default")

if TYPE_CHECKING:
    from ssui.api import SharpSpringClient
    from ssui.mirror import MirrorStore
    from ssui.sandbox import SandboxApp, SandboxConfig, SandboxServer

# What most tests use (the mirror's and the command's): 300 leads of seed 11.
LEADS = 300
SEED = 11

MakeSandbox = Callable[..., "SandboxApp"]
ClientOn = Callable[..., "SharpSpringClient"]


class SeededSandboxes:
    """Seeded sandbox databases, one per (seed, leads, seed_anchor), copied for each sandbox."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._templates: dict[tuple[int, int, float | None], Path] = {}

    def _template(self, seed: int, leads: int, seed_anchor: float | None) -> Path:
        key = (seed, leads, seed_anchor)
        if key not in self._templates:
            from ssui.sandbox import SandboxConfig, create_app

            path = self.root / f"seed{seed}-leads{leads}-anchor{seed_anchor}.db"
            app = create_app(SandboxConfig(db=path, seed=seed, leads=leads,
                                           seed_anchor=seed_anchor, activity=0, limits=False))
            app.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # all of it in the file
            app.store.close()
            self._templates[key] = path
        return self._templates[key]

    def config(self, db: Path, *, leads: int = LEADS, seed: int = SEED,
               seed_anchor: float | None = None, **config: Any) -> SandboxConfig:
        """The config of a sandbox on ``db``, a fresh copy of the seeded database.

        ``leads``, ``seed`` and ``seed_anchor`` choose the data (seeded with the real clock when
        ``seed_anchor`` is None); every other ``SandboxConfig`` field (faults, limits, clock,
        ...) applies to the copy. No activity and no limits unless asked.
        """
        from ssui.sandbox import SandboxConfig

        if "db" in config:
            raise TypeError("the factory chooses the database file")
        shutil.copy(self._template(seed, leads, seed_anchor), db)
        base = SandboxConfig(db=db, seed=seed, leads=leads, seed_anchor=seed_anchor,
                             activity=0, limits=False)
        return replace(base, **config)


@pytest.fixture(scope="session")
def seeded_sandboxes(tmp_path_factory: pytest.TempPathFactory) -> SeededSandboxes:
    return SeededSandboxes(tmp_path_factory.mktemp("sandbox-templates"))


@pytest.fixture
def make_sandbox(seeded_sandboxes: SeededSandboxes, tmp_path: Path) -> Iterator[MakeSandbox]:
    """``make_sandbox(leads=300, seed=11, seed_anchor=None, **config)``: a fresh in-process
    sandbox per call (see ``SeededSandboxes.config``), closed after the test."""
    from ssui.sandbox import create_app

    apps: list[SandboxApp] = []

    def make(**config: Any) -> SandboxApp:
        app = create_app(seeded_sandboxes.config(tmp_path / f"sandbox{len(apps)}.db", **config))
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.store.close()


@pytest.fixture
def sandbox(make_sandbox: MakeSandbox) -> SandboxApp:
    """An in-process sandbox of 300 leads (seed 11, no limits, no activity), fresh per test."""
    return make_sandbox()


def in_process_client(app: SandboxApp, **kw: Any) -> SharpSpringClient:
    """A client on an in-process sandbox: no sockets, no retries, no rate limit (unless ``kw``
    says otherwise, e.g. ``transport=`` to wrap the app, ``api_version="v1"``)."""
    import httpx

    from ssui.api import RetryPolicy, SharpSpringClient

    kw.setdefault("base_url", "http://127.0.0.1/pubapi")
    kw.setdefault("transport", httpx.ASGITransport(app=app))
    kw.setdefault("rate_limit", None)
    kw.setdefault("retry", RetryPolicy(max_attempts=1))
    return SharpSpringClient(app.config.account_id, app.config.secret_key, **kw)


@pytest.fixture
def client_on() -> ClientOn:
    """``client_on(app, **kw)``: a client on an in-process sandbox (see ``in_process_client``)."""
    return in_process_client


@pytest.fixture(scope="session")
def sandbox_server(seeded_sandboxes: SeededSandboxes,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """A seeded sandbox (200 leads of seed 1, no limits, no activity) on a loopback port, shared.

    Read-only use only: tests that write should start their own ``SandboxServer``.
    """
    from ssui.sandbox import SandboxServer

    db = tmp_path_factory.mktemp("sandbox-server") / "sandbox.db"
    with SandboxServer(seeded_sandboxes.config(db, seed=1, leads=200)) as server:
        yield server


@pytest.fixture
def messy_sandbox(make_sandbox: MakeSandbox) -> SandboxApp:
    """An in-process sandbox (40 leads of seed 5) to which ``load_messy`` adds the messy data."""
    return make_sandbox(seed=5, leads=40)


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
