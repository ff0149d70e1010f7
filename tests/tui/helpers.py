"""Helpers for the app's tests: waiting for workers, and a stand-in for the live mirror."""

from __future__ import annotations

import asyncio
import io
import re
import unicodedata
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from rich.console import Console

from ssui.mirror.scheduler import Stream, StreamStatus
from ssui.tui.testing import settle

__all__ = ["FakeMirror", "foreign_controls", "settle", "terminal_output"]


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
        self.first_sync_retry = None

    def on_change(self, callback: Callable[[str], None]) -> None:
        self.change_listeners.append(callback)

    def on_batch(self, callback: Callable[[Any], None]) -> None:
        self.batch_listeners.append(callback)

    def on_stream(self, callback: Callable[[Any], None]) -> None:
        pass

    def on_trouble(self, callback: Callable[[Any], None]) -> None:
        pass

    def watch_only(self, watches: Any, quota_share: float | None = None) -> None:
        pass

    def changed(self, key: str) -> None:
        for cb in self.change_listeners:
            cb(key)

    async def run(self, progress: Any = None) -> None:
        self.running.set()
        if self.fail_with is not None:
            raise self.fail_with
        await asyncio.Event().wait()


# What Textual itself writes: colours and styles (SGR) and cursor moves. Anything else that
# controls the terminal in the output stream came from data.
_OWN_SEQUENCES = re.compile(r"\x1b\[[0-9;:]*[mHG]")


def terminal_output(app: Any) -> tuple[str, str]:
    """What the app would write to the terminal for its whole screen now, and its plain text."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False,
                      safe_box=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    file = console.file
    assert isinstance(file, io.StringIO)
    return file.getvalue(), console.export_text()


def foreign_controls(output: str) -> list[str]:
    """The control characters in terminal ``output`` that Textual did not put there."""
    rest = _OWN_SEQUENCES.sub("", output)
    return sorted({hex(ord(c)) for c in rest if unicodedata.category(c) == "Cc"
                   and c not in "\n\r"})
