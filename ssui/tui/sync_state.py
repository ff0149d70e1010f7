"""What the header says about the mirror: in sync, syncing, retrying, failing (no Textual)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from ssui.mirror.scheduler import Stream, StreamStatus
from ssui.mirror.sync import SyncProgress


class Level(StrEnum):
    OFFLINE = "offline"
    OK = "ok"
    BUSY = "busy"
    WARN = "warn"
    ERROR = "error"


@dataclass(frozen=True)
class SyncState:
    """One line for the header, and how alarming it is."""

    level: Level
    text: str
    quota: str = ""
    detail: str = ""


class Quota(Protocol):
    @property
    def used(self) -> int: ...

    @property
    def limit(self) -> int: ...


def quota_text(quota: Quota | None) -> str:
    if quota is None:
        return ""
    return f"{quota.used:,} / {quota.limit:,} calls today"


def describe(streams: Iterable[Stream] | None, progress: SyncProgress | None = None,
             quota: Quota | Any = None, error: str | None = None) -> SyncState:
    """The header's sync line from the scheduler's streams and the first sync's progress."""
    q = quota_text(quota) if quota is not None and hasattr(quota, "used") else ""
    if error:
        return SyncState(Level.ERROR, "sync stopped", q, error)
    if streams is None:
        return SyncState(Level.OFFLINE, "offline copy", q)
    if progress is not None and not progress.done:
        step = f" ({progress.entities_done + 1}/{progress.entities_total})" if (
            progress.entities_total) else ""
        what = progress.entity.replace("_", " ") or "account"
        return SyncState(Level.BUSY, f"first sync: {what} {progress.records:,}{step}", q)
    streams = list(streams)
    failing = [s for s in streams if s.status is StreamStatus.FAILING]
    retrying = [s for s in streams if s.status is StreamStatus.RETRYING]
    if failing:
        names = ", ".join(s.name for s in failing)
        return SyncState(Level.ERROR, f"failing: {names}", q, failing[0].last_error or "")
    if retrying:
        names = ", ".join(s.name for s in retrying)
        return SyncState(Level.WARN, f"retrying: {names}", q, retrying[0].last_error or "")
    if any(s.status is StreamStatus.RUNNING for s in streams):
        return SyncState(Level.BUSY, "syncing", q)
    if all(s.status is StreamStatus.IDLE for s in streams):
        return SyncState(Level.BUSY, "starting", q)
    return SyncState(Level.OK, "in sync", q)
