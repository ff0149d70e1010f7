"""Full garbage collections wait for a pause in the typing, and never for too long."""

from __future__ import annotations

import gc
from collections.abc import Callable

from ssui.tui.app import SsuiApp
from ssui.tui.collector import NEVER, IdleCollector

from .helpers import settle


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def collector(clock: Clock, runs: list[int]) -> IdleCollector:
    c = IdleCollector(idle=0.5, overdue=10, clock=clock, collect=lambda: runs.append(1))
    c.due = 10
    return c


def test_a_due_collection_waits_while_keys_keep_coming_then_runs_in_the_pause() -> None:
    clock, runs = Clock(), list[int]()
    c = collector(clock, runs)
    assert not c.tick(pending=9)  # not due yet, however idle
    c.input_seen()
    clock.now += 0.2
    assert not c.tick(pending=12) and not runs  # due, but a key came 0.2 s ago
    clock.now += 0.4
    assert c.tick(pending=12) and runs == [1]  # 0.6 s without input


def test_under_sustained_input_an_overdue_collection_runs_anyway() -> None:
    clock, runs = Clock(), list[int]()
    c = collector(clock, runs)
    c.input_seen()
    assert not c.tick(pending=99)
    assert c.tick(pending=100) and runs == [1]


def test_start_takes_the_full_collections_from_the_interpreter_and_stop_gives_them_back(
        ) -> None:
    before = gc.get_threshold()
    c = IdleCollector()
    c.start()
    try:
        assert gc.get_threshold() == (before[0], before[1], NEVER) and c.runs_here
        assert c.due == (before[2] or 10)
    finally:
        c.stop()
    assert gc.get_threshold() == before and not c.runs_here


async def test_the_app_collects_when_idle_and_restores_the_interpreter_on_exit(
        make_app: Callable[..., SsuiApp]) -> None:
    before = gc.get_threshold()
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.collector.runs_here and gc.get_threshold()[2] == NEVER
        app.collector.due = 1
        app.collector.idle = 0.0
        for _ in range(3):
            gc.collect(1)  # a second-generation pass: one full collection is now due
        await pilot.pause(0.6)  # the app's timer ticks
        assert app.collector.runs >= 1
    assert gc.get_threshold() == before
