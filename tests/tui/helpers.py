"""Helpers for the app's tests: waiting for workers, and a stand-in for the live mirror."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from ssui.mirror.scheduler import Stream, StreamStatus
from ssui.tui.testing import settle

__all__ = ["FakeMirror", "settle"]


async def _idle() -> None:
    return None


class FakeMirror:
    """What the app uses of ``AccountMirror``: listeners, scheduler streams, quota, run()."""

    def __init__(self, store: Any, *, fail_with: Exception | None = None) -> None:
        self.store = store
        self.fail_with = fail_with
        self.change_listeners: list[Callable[[str], None]] = []
        self.batch_listeners: list[Callable[[Any], None]] = []
        self.client = SimpleNamespace(quota=SimpleNamespace(used=1234, limit=50_000))
        self.scheduler = SimpleNamespace(streams={
            name: Stream(name, _idle, share=0.1, status=StreamStatus.OK)
            for name in ("activity", "leads", "accounts")})
        self.running = asyncio.Event()

    def on_change(self, callback: Callable[[str], None]) -> None:
        self.change_listeners.append(callback)

    def on_batch(self, callback: Callable[[Any], None]) -> None:
        self.batch_listeners.append(callback)

    def changed(self, key: str) -> None:
        for cb in self.change_listeners:
            cb(key)

    async def run(self, progress: Any = None) -> None:
        self.running.set()
        if self.fail_with is not None:
            raise self.fail_with
        await asyncio.Event().wait()
