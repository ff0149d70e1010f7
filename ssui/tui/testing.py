"""Driving the app headless (tests, screenshots, benchmarks): wait until it has settled."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from ssui.tui.app import MIRROR_GROUP


async def settle(pilot: Pilot[Any], rounds: int = 20) -> None:
    """Let messages flow and one-shot workers finish; the mirror's endless loop is skipped.

    Waits on the workers themselves, never on a fixed sleep.
    """
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        busy = [w for w in app.workers if w.group != MIRROR_GROUP and w.is_running]
        if not busy:
            await pilot.pause()
            busy = [w for w in app.workers if w.group != MIRROR_GROUP and w.is_running]
            if not busy:
                return
        await app.workers.wait_for_complete(busy)
    raise AssertionError("workers kept starting; the app never settled")
