"""Python's full garbage collections, moved off the keystrokes.

A full pass of the cycle collector over what a session holds takes 10 to 20 ms (at a million
leads, typing a search: three in 21 keystrokes, each on a keystroke's frame). The interpreter
starts one whenever enough objects have piled up, which is while the user is typing. Here the
app starts them instead, when no key or click came for a moment; under sustained input one
still runs after a while, so garbage in cycles never piles up for long.

No Textual here: the app calls ``input_seen`` on input and ``tick`` from a timer.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

#: No automatic full collection (the third generation's threshold, out of reach).
NEVER = 1 << 30


class IdleCollector:
    """Runs the full collections the interpreter would, but while the user is idle.

    ``due``: as many second-generation collections as the interpreter's own threshold asks
    for before a full one (10 by default). ``idle``: seconds without input before it runs.
    ``overdue``: this many times ``due`` and it runs anyway.
    """

    def __init__(self, *, idle: float = 0.5, overdue: int = 10,
                 clock: Callable[[], float] = time.monotonic,
                 collect: Callable[[], object] = gc.collect) -> None:
        self.idle = idle
        self.overdue = overdue
        self._clock = clock
        self._collect = collect
        self._last_input = clock()
        self._saved: tuple[int, int, int] | None = None
        self.due = gc.get_threshold()[2] or 10
        self.runs = 0

    def start(self) -> None:
        """Take the full collections over from the interpreter."""
        if self._saved is None:
            self._saved = gc.get_threshold()
            gc.set_threshold(self._saved[0], self._saved[1], NEVER)

    @property
    def runs_here(self) -> bool:
        """True while it has the full collections (between ``start`` and ``stop``)."""
        return self._saved is not None

    def stop(self) -> None:
        """Give them back (the app is closing)."""
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def input_seen(self) -> None:
        self._last_input = self._clock()

    def tick(self, pending: int | None = None) -> bool:
        """Run a full collection if one is due and the user is idle (or it is overdue);
        True when it ran. ``pending``: second-generation collections since the last full
        one (the interpreter's own count unless given)."""
        if pending is None:
            pending = gc.get_count()[2]
        if pending < self.due:
            return False
        quiet = self._clock() - self._last_input >= self.idle
        if not quiet and pending < self.due * self.overdue:
            return False
        self._collect()
        self.runs += 1
        return True
