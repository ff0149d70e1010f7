"""Per-account call limits: 10 calls a second (code 107) and a daily quota (code 106).

The per-second limit is a token bucket holding ``per_second`` calls and refilling at
``per_second`` a second ([INF]: the real server's window is unknown; a bucket is the most
lenient reading of "at most 10 queries/second" and accepts any client that paces itself at
10/s, bursts included). The daily quota counts the calls that passed the per-second check
within one UTC day. Only authenticated calls count.
"""

from __future__ import annotations

from collections.abc import Callable

from .errors import ApiError


class Limits:
    """Checks one call against the per-second bucket and the daily quota."""

    def __init__(self, per_second: int, daily_quota: int, clock: Callable[[], float]) -> None:
        self.per_second = per_second
        self.daily_quota = daily_quota
        self.clock = clock
        self._tokens = float(per_second)
        self._last: float | None = None
        self._day = -1
        self._used_today = 0

    def check(self) -> None:
        """Count one call, or raise ApiError 106/107 when it is over a limit."""
        now = self.clock()
        day = int(now // 86400)
        if day != self._day:
            self._day, self._used_today = day, 0
        if self._used_today >= self.daily_quota:
            raise ApiError(106, f"{self.daily_quota} calls a day")
        if self._last is not None:
            elapsed = max(0.0, now - self._last)
            self._tokens = min(float(self.per_second), self._tokens + elapsed * self.per_second)
        self._last = now
        if self._tokens < 1.0 - 1e-6:  # float noise must not refuse a paced call
            raise ApiError(107, f"{self.per_second} calls a second")
        self._tokens = max(0.0, self._tokens - 1.0)
        self._used_today += 1
