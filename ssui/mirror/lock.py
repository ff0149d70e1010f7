"""One sync of a mirror at a time, across processes: a lock file next to the database.

A sync (``ssui sync``, the app's first full copy) takes the lock exclusively and waits its turn
while another process holds it. The background streams of the app and of ``ssui watch`` take it
shared and never wait: while another process syncs they fail with :class:`MirrorBusy`, which the
scheduler retries like any failure that passes. Several watchers poll side by side; a sync
excludes them and every other sync, so its long steps (the search index rebuilt after a bulk
load) never collide with another writer's.

The lock is ``flock`` on ``<mirror>.lock``, created 0600; the operating system releases it when
the process ends, however it ends (``kill -9`` included), so a crashed sync never blocks the
next. Within one process the lock is counted: nested holders share the one ``flock``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from .files import private_file

BUSY = "another sync of this mirror is running"


class MirrorBusy(Exception):
    """Another process is syncing this mirror; try again when it is done."""

    hint = "ssui tries again shortly"

    def __init__(self, message: str = BUSY) -> None:
        super().__init__(message)


_UNLOCKED, _SHARED, _EXCLUSIVE = 0, 1, 2


class MirrorLock:
    """The sync lock of one mirror file (``path`` None: a store in memory, this process only)."""

    def __init__(self, path: str | Path | None) -> None:
        self.path = None if path is None else Path(f"{path}.lock")
        self._fd: int | None = None
        self._held = _UNLOCKED
        self._shared = 0
        self._exclusive = 0
        self._guard = threading.Lock()

    # -- taking and releasing --------------------------------------------------------------

    def try_shared(self) -> bool:
        """Take the lock shared (polling); False when another process syncs."""
        with self._guard:
            if self._held == _UNLOCKED and not self._flock(_SHARED):
                return False
            self._held = max(self._held, _SHARED)
            self._shared += 1
            return True

    def try_exclusive(self) -> bool:
        """Take the lock exclusively (a sync); False when anyone else holds it.

        Held shared by this process (a stream is running), it is refused too: converting a
        ``flock`` is not atomic, and the stream is about to finish.
        """
        with self._guard:
            if self._held == _SHARED or (self._held == _UNLOCKED
                                         and not self._flock(_EXCLUSIVE)):
                return False
            self._held = _EXCLUSIVE
            self._exclusive += 1
            return True

    def release_shared(self) -> None:
        with self._guard:
            self._shared -= 1
            self._settle()

    def release_exclusive(self) -> None:
        with self._guard:
            self._exclusive -= 1
            self._settle()

    def _settle(self) -> None:
        # Never downgraded while this process still holds it: that too is not atomic.
        if self._shared == 0 and self._exclusive == 0 and self._held != _UNLOCKED:
            self._unflock()
            self._held = _UNLOCKED

    @property
    def held(self) -> bool:
        """True while this process holds the lock (either way)."""
        return self._held != _UNLOCKED

    # -- as context managers ---------------------------------------------------------------

    @contextmanager
    def shared(self) -> Iterator[None]:
        """Hold the lock shared for a block; :class:`MirrorBusy` when another process syncs."""
        if not self.try_shared():
            raise MirrorBusy()
        try:
            yield
        finally:
            self.release_shared()

    @asynccontextmanager
    async def exclusive(self, on_wait: Callable[[], None] | None = None, *,
                        poll: float = 0.1, grace: float = 0.5) -> AsyncIterator[None]:
        """Hold the lock exclusively for a block, waiting (without blocking the event loop)
        while anyone else holds it; ``on_wait`` is called at every look while the wait has
        lasted ``grace`` seconds or more (a watcher's poll is usually over by then)."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        while not self.try_exclusive():
            if on_wait is not None and loop.time() - started >= grace:
                on_wait()
            await asyncio.sleep(poll)
        try:
            yield
        finally:
            self.release_exclusive()

    def close(self) -> None:
        """Release everything and close the lock file."""
        with self._guard:
            self._shared = self._exclusive = 0
            self._settle()
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    # -- the operating system's part -------------------------------------------------------

    def _open(self) -> int | None:
        if self.path is None:
            return None
        if self._fd is None:
            self._fd = private_file(self.path, os.O_RDWR)
        return self._fd

    def _flock(self, mode: int) -> bool:
        fd = self._open()
        if fd is None or sys.platform == "win32":
            return True  # in memory, or no flock: this process is the only one that counts
        import fcntl

        op = fcntl.LOCK_EX if mode == _EXCLUSIVE else fcntl.LOCK_SH
        try:
            fcntl.flock(fd, op | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unflock(self) -> None:
        if self._fd is None or sys.platform == "win32":
            return
        import fcntl

        fcntl.flock(self._fd, fcntl.LOCK_UN)


__all__ = ["BUSY", "MirrorBusy", "MirrorLock"]
