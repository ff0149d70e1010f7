"""The account's limits: at most 10 calls a second and 50,000 a day (reference §1.5).

One ``RateLimiter`` and one ``QuotaCounter`` belong to one client, and everything that talks
to the account (the app, the sync scheduler, the console) shares that client, so they all
count against the same limits.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from datetime import date

from .clock import SYSTEM_CLOCK, Clock


class RateLimiter:
    """Spaces calls so no window holds more than the allowed number.

    A sliding window rather than a token bucket: a bucket that starts full lets almost twice
    the rate through in the first second, and SharpSpring answers that with error 107.
    ``rate`` is calls per second; ``None`` turns limiting off.
    """

    def __init__(self, rate: float | None = 10.0, *, clock: Clock | None = None) -> None:
        if rate is not None and rate <= 0:
            raise ValueError(f"rate limit must be positive calls per second, got {rate}")
        self.rate = rate
        self._clock = clock or SYSTEM_CLOCK
        # N calls per window of N/rate seconds: 10/s -> 10 calls in any 1 s; 0.5/s -> 1 in 2 s.
        self._calls = max(1, round(rate)) if rate else 0
        self._window = self._calls / rate if rate else 0.0
        self._sent: deque[float] = deque(maxlen=self._calls or None)
        self._lock = asyncio.Lock()
        self.waited = 0.0  # seconds spent waiting in total, for status displays

    @property
    def enabled(self) -> bool:
        return self.rate is not None

    async def acquire(self) -> None:
        """Wait until one more call fits in the window, then take the slot."""
        if self.rate is None:
            return
        # The lock makes concurrent callers queue in order instead of all waking at once.
        async with self._lock:
            clock, sent = self._clock, self._sent
            while len(sent) == self._calls:
                wait = sent[0] + self._window - clock.now()
                if wait <= 1e-9:  # float residue from the clock arithmetic
                    break
                self.waited += wait
                await clock.sleep(wait)
            sent.append(clock.now())


QuotaListener = Callable[["QuotaCounter"], None]


class QuotaCounter:
    """Counts the requests sent today against the account's daily quota.

    The day is the UTC day; the count starts again at 0 when it changes. ``on_change`` is
    called after every ``record`` (e.g. to persist the count or refresh a status bar).
    """

    def __init__(
        self,
        limit: int = 50_000,
        *,
        used: int = 0,
        day: date | None = None,
        clock: Clock | None = None,
        on_change: QuotaListener | None = None,
    ) -> None:
        if limit <= 0:
            raise ValueError(f"daily quota must be positive, got {limit}")
        self.limit = limit
        self._clock = clock or SYSTEM_CLOCK
        self._day = day or self._clock.today()
        self._used = used
        self.on_change = on_change

    def _roll(self) -> None:
        today = self._clock.today()
        if today != self._day:
            self._day, self._used = today, 0

    @property
    def day(self) -> date:
        """The UTC day the count belongs to."""
        self._roll()
        return self._day

    @property
    def used(self) -> int:
        self._roll()
        return self._used

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)

    @property
    def fraction_used(self) -> float:
        return self.used / self.limit

    @property
    def exhausted(self) -> bool:
        return self.used >= self.limit

    def record(self, calls: int = 1) -> None:
        """Count ``calls`` requests as sent."""
        self._roll()
        self._used += calls
        if self.on_change is not None:
            self.on_change(self)

    def __repr__(self) -> str:
        return f"QuotaCounter(used={self.used}, limit={self.limit}, day={self._day})"
