"""Time as the client sees it, injectable so tests never sleep."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime
from typing import Protocol


class Clock(Protocol):
    """Monotonic seconds for spacing calls, a sleep, and today's UTC date for the quota."""

    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...

    def today(self) -> date: ...


class SystemClock:
    """The real clock."""

    def now(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

    def today(self) -> date:
        # The quota is counted per UTC day, whatever zone the user's machine is in.
        return datetime.now(UTC).date()


SYSTEM_CLOCK = SystemClock()
