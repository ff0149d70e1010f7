"""Fixtures for the app's tests: a deterministic mirror and an app on it.

The account comes from ``ssui.tui.sample`` (every value derived from the record number, no
randomness), the same builder the screenshots and the benchmark use. ``helpers.settle`` waits
for the one-shot workers and never for the mirror's endless loop, so no test sleeps.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ssui.mirror import MirrorStore
from ssui.session import AccountSession
from ssui.tui.app import SsuiApp
from ssui.tui.sample import SampleSize, sample_store

SIZE = SampleSize(leads=300, accounts=30, campaigns=8, opportunities=60, events_for_leads=20)


@pytest.fixture(autouse=True)
def utc_local_time() -> Iterator[None]:
    """Local time is UTC in these tests, so times on screen do not depend on the machine."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture(autouse=True)
def collectable_after_each_test() -> Iterator[None]:
    """The app freezes start-up objects out of the collector; give them back after a test."""
    yield
    gc.unfreeze()


@pytest.fixture
def store() -> MirrorStore:
    return sample_store(SIZE)


@pytest.fixture
def make_app(store: MirrorStore) -> Callable[..., SsuiApp]:
    def make(mirror: Any = None, *, read_only: bool = False,
             keymap: dict[str, str] | None = None) -> SsuiApp:
        session = AccountSession("acme-test", store, mirror=mirror)
        return SsuiApp(session, read_only, keymap=keymap)
    return make
