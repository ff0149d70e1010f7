"""Mirror fixtures: a client on the seeded in-process sandbox and an empty mirror.

The sandboxes come from ``make_sandbox`` (tests/conftest.py): ``sandbox`` is 300 leads,
``large_sandbox`` 10,000, both of seed 11.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from ssui.api import SharpSpringClient
from ssui.mirror import MirrorStore
from ssui.mirror.sync import SyncEngine
from ssui.sandbox import SandboxApp

LARGE = 10_000


@pytest.fixture
def large_sandbox(make_sandbox: Callable[..., SandboxApp]) -> SandboxApp:
    return make_sandbox(leads=LARGE)


@pytest.fixture
async def client(sandbox: SandboxApp,
                 client_on: Callable[..., SharpSpringClient]) -> AsyncIterator[SharpSpringClient]:
    async with client_on(sandbox) as c:
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
