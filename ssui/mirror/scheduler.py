"""One scheduler owns every periodic API call, and plans them from the account's budget.

Each stream (activity, leads, accounts, ...) gets a share of a call budget: by default 20% of
the daily quota and at most 5 calls a second. A stream's interval is its cost per tick divided
by its share of that rate, so the whole ssui process stays inside the budget however many
streams run. A tick that comes due while the previous one still runs is dropped, not queued;
a failing stream backs off exponentially, and its state is there for the app to show.

Failures of the network or of the API's limits (107, 5xx, timeouts, dropped connections, bad
answers), and another process syncing the mirror (``MirrorBusy``), pass: a stream retries
them on its own, for as long as they last, after a delay that doubles up to a minute, with
jitter. Only what needs the user (a wrong secret key, the daily
quota used up) stops a stream, until the user asks again (``refresh_now``).

What the user watches can change while it runs: ``set_budget`` and ``enable`` re-plan at
once, so a larger share shortens the waits now, not after the next long one.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from ssui.api.errors import AuthError, QuotaExceededError

from .lock import MirrorBusy


class StreamStatus(StrEnum):
    IDLE = "idle"
    RUNNING = "running"
    OK = "ok"
    RETRYING = "retrying"
    FAILING = "failing"
    # Stopped by an error only the user can fix; ``last_error`` says what to do.
    STOPPED = "stopped"


class NeedsUser(StrEnum):
    """What a stopped stream waits for the user to do something about."""

    CREDENTIALS = "credentials"  # a wrong account ID or secret key (SharpSpring 101-105)
    QUOTA = "quota"  # the day's API quota is used up (SharpSpring 106)


@dataclass(frozen=True)
class Budget:
    """How much of the account's quota ssui's background work may spend."""

    daily_quota: int = 50_000
    daily_share: float = 0.20
    max_per_second: float = 5.0

    @property
    def calls_per_second(self) -> float:
        return min(self.daily_quota * self.daily_share / 86_400, self.max_per_second)


@dataclass
class Stream:
    """One periodic job: its share of the budget, its cost per tick and what it does."""

    name: str
    run: Callable[[], Awaitable[object]]
    share: float
    cost: float = 1.0
    min_interval: float = 2.0
    max_interval: float = 3600.0
    # A stream that must run at least this often (the reconcile: a deletion leaves the mirror
    # within the hour) is planned first: it takes what running that often costs, up to its
    # ``share`` of the budget, and leaves the rest to the others.
    target_interval: float | None = None
    # A deferred stream first runs one interval after start, not at once (costly passes).
    deferred: bool = False
    # A stream that is off makes no calls and takes no share of the budget.
    enabled: bool = True
    # State, for the app's status line.
    status: StreamStatus = StreamStatus.IDLE
    interval: float = 0.0
    last_ok: datetime | None = None
    failing_since: datetime | None = None
    last_error: str | None = None
    # Why a stopped stream stopped.
    needs: NeedsUser | None = None
    failures: int = 0
    runs: int = 0
    dropped: int = 0
    next_due: float = 0.0
    _task: asyncio.Task[None] | None = field(default=None, repr=False)


# A failure that passes on its own is retried after 1, 2, 4 ... seconds, at most a minute.
RETRY_FIRST = 1.0
RETRY_CAP = 60.0
# After this many failures in a row, the stream is shown as failing (still retrying).
FAILING_AFTER = 3


def needs_user(exc: BaseException) -> bool:
    """True for failures no retry can fix: wrong credentials, the day's quota used up."""
    return user_must_fix(exc) is not None


def user_must_fix(exc: BaseException) -> NeedsUser | None:
    """What the user must fix before ``exc`` can pass (None: a retry will do)."""
    if isinstance(exc, AuthError):
        return NeedsUser.CREDENTIALS
    if isinstance(exc, QuotaExceededError):
        return NeedsUser.QUOTA
    return None


def what_to_do(exc: BaseException) -> str:
    """The error in one line, with what the user can do about it."""
    text = str(exc) or type(exc).__name__
    code = getattr(exc, "code", None)
    where = f"SharpSpring error {code}: " if isinstance(code, int) else ""
    hint = getattr(exc, "hint", "")
    return f"{where}{text}" + (f" — {hint}" if hint and hint not in text else "")


def retry_delay(failures: int, rng: random.Random | None = None) -> float:
    """Seconds before retry number ``failures``: doubling from a second, capped, jittered."""
    ceiling = min(RETRY_FIRST * 2.0 ** (failures - 1), RETRY_CAP)
    jitter = rng.random() if rng is not None else random.random()
    return ceiling * (0.5 + 0.5 * jitter)


class Scheduler:
    """Runs streams on their intervals until stopped."""

    def __init__(self, streams: Sequence[Stream], budget: Budget | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 on_change: Callable[[Stream], None] | None = None,
                 remaining_today: Callable[[], int] | None = None,
                 wall: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.budget = budget or Budget()
        # Calls the account has left today (the client's quota counter), when known: the
        # app, the console and other tools spend from the same quota.
        self.remaining_today = remaining_today
        self.wall = wall
        self.streams = {s.name: s for s in streams}
        self.clock = clock
        self.on_change = on_change
        self._wake = asyncio.Event()
        self._stopped = False
        self.plan()
        now = clock()
        for s in self.streams.values():
            s.next_due = now + (s.interval if s.deferred else 0.0)

    def plan(self) -> None:
        """Derive each stream's interval from its share of the budget (streams that are on).

        A stream with a ``target_interval`` comes first: it runs that often if that costs at
        most its ``share`` of the rate, else as often as that share pays for. What it leaves
        is divided among the other streams by their shares. A stream held to its
        ``max_interval`` (a tiny share) spends more than its share, and one held to its
        ``min_interval`` less: the others divide what is left after them, so the plan spends
        the rate, no more (unless every stream is at its ``max_interval``).
        """
        rate = self.rate()
        left = rate
        for s in self.streams.values():
            if not s.enabled:
                s.interval = math.inf
            elif s.target_interval is not None:
                most = rate * s.share
                wanted = max(s.target_interval, s.cost / most) if most > 0 else s.max_interval
                s.interval = min(max(wanted, s.min_interval), s.max_interval)
                left -= s.cost / s.interval
        free = [s for s in self.streams.values() if s.enabled and s.target_interval is None]
        while free:
            left = max(left, 0.0)
            total = sum(s.share for s in free) or 1.0
            slow, fast = [], []
            for s in free:
                per_second = left * s.share / total
                wanted = s.cost / per_second if per_second > 0 else s.max_interval
                s.interval = min(max(wanted, s.min_interval), s.max_interval)
                if s.interval < wanted:
                    slow.append(s)  # held to max_interval: spends more than its share
                elif s.interval > wanted:
                    fast.append(s)  # held to min_interval: spends less
            # Those that spend more first: what they take may hold others to their maximum.
            fixed = slow or fast
            if not fixed:
                break
            for s in fixed:
                left -= s.cost / s.interval
                free.remove(s)

    def replan(self) -> None:
        """Plan again after the budget or a stream changed, taking effect now.

        A stream that waits longer than its new interval is brought forward; one just turned
        on runs at once; one stopped for the user stays stopped.
        """
        self.plan()
        now = self.clock()
        for s in self.streams.values():
            if not s.enabled:
                s.next_due = math.inf
            elif s.status is not StreamStatus.STOPPED:
                s.next_due = now if s.next_due == math.inf else min(s.next_due,
                                                                    now + s.interval)
        self._wake.set()

    def set_budget(self, budget: Budget) -> None:
        """Spend ``budget`` from now on."""
        self.budget = budget
        self.replan()

    def enable(self, name: str, on: bool = True) -> None:
        """Turn one stream on or off (its share goes to the others while it is off)."""
        stream = self.streams[name]
        if stream.enabled != on:
            stream.enabled = on
            self.replan()

    def rate(self) -> float:
        """Calls per second background work may spend now.

        The budget's rate, lowered when what is left of today's quota would not last until
        midnight UTC at that rate: the budget's share of what is left, spread over the rest
        of the day.
        """
        rate = self.budget.calls_per_second
        if self.remaining_today is not None:
            now = self.wall()
            left = 86_400 - (now.hour * 3600 + now.minute * 60 + now.second)
            rate = min(rate, self.budget.daily_share * max(self.remaining_today(), 0)
                       / max(left, 60))
        return rate

    def planned_calls_per_day(self) -> float:
        """The calls a day the plan makes, at today's pace (streams that are on)."""
        return sum(s.cost * 86_400 / s.interval for s in self.streams.values() if s.enabled)

    def refresh_now(self, name: str | None = None) -> None:
        """Make one stream (or all that are on) due at once."""
        now = self.clock()
        for s in self.streams.values():
            if s.enabled and (name is None or s.name == name):
                s.next_due = now
        self._wake.set()

    def due(self) -> list[Stream]:
        now = self.clock()
        return [s for s in self.streams.values() if s.enabled and s.next_due <= now]

    def tick(self) -> list[Stream]:
        """Start every due stream; a stream still running from last time is dropped."""
        started = []
        if self.remaining_today is not None:
            self.plan()
        now = self.clock()
        for s in self.due():
            if s._task is not None and not s._task.done():
                s.dropped += 1
                s.next_due = now + s.interval
                continue
            s.next_due = now + s.interval
            s._task = asyncio.get_running_loop().create_task(self._run(s))
            started.append(s)
        return started

    async def _run(self, s: Stream) -> None:
        s.status = StreamStatus.RUNNING
        self._changed(s)
        try:
            await s.run()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a stream's failure must never stop the others
            s.failures += 1
            s.last_error = what_to_do(exc)
            s.failing_since = s.failing_since or datetime.now(UTC)
            s.needs = user_must_fix(exc)
            if s.needs is not None:
                s.status = StreamStatus.STOPPED
                s.next_due = math.inf
            elif isinstance(exc, MirrorBusy):
                # Another process is syncing the mirror: nothing is wrong, it is only busy.
                s.status = StreamStatus.RETRYING
                s.next_due = self.clock() + min(retry_delay(s.failures), s.interval * 2)
            else:
                s.status = (StreamStatus.RETRYING if s.failures < FAILING_AFTER
                            else StreamStatus.FAILING)
                s.next_due = self.clock() + min(retry_delay(s.failures), s.interval * 2)
        else:
            s.failures = 0
            s.failing_since = None
            s.last_error = None
            s.needs = None
            s.last_ok = datetime.now(UTC)
            s.status = StreamStatus.OK
        finally:
            s.runs += 1
            self._changed(s)

    def _changed(self, s: Stream) -> None:
        if self.on_change is not None:
            self.on_change(s)

    async def run(self) -> None:
        """Tick until ``stop()``; sleeps until the next stream is due or a refresh is asked."""
        self._stopped = False  # a scheduler stopped earlier may be run again (a retry)
        while not self._stopped:
            self.tick()
            nxt = min((s.next_due for s in self.streams.values() if s.enabled),
                      default=self.clock() + 60)
            # Every stream stopped (nothing is due until the user asks): look again now and then.
            delay = max(0.05, min(nxt - self.clock(), 3600.0))
            self._wake.clear()
            # asyncio.timeout, not wait_for: on Python 3.11 a cancel that lands while
            # wait_for is waking can be lost, and the scheduler would never stop.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._wake.wait()

    async def stop(self) -> None:
        self._stopped = True
        self._wake.set()
        tasks = [s._task for s in self.streams.values() if s._task and not s._task.done()]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
