"""Shared fixtures. Each layer's own fixtures live in its folder's conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from ssui.sandbox import SandboxServer


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[SandboxServer]:
    """A seeded sandbox (200 leads, no limits, no activity) on a loopback port, shared.

    Read-only use only: tests that write should start their own ``SandboxServer``.
    """
    from ssui.sandbox import SandboxConfig, SandboxServer

    config = SandboxConfig(db=":memory:", leads=200, activity=0, limits=False)
    with SandboxServer(config) as server:
        yield server
