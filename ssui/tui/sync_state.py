"""What the header says about the mirror: in sync, syncing, retrying, failing (no Textual)."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Protocol

from ssui.mirror.account import Retry
from ssui.mirror.scheduler import NeedsUser, Stream, StreamStatus
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
    quota_detail: str = ""
    # The banner's line while work stopped until the user acts ("" while nothing did).
    banner: str = ""


class Quota(Protocol):
    @property
    def used(self) -> int: ...

    @property
    def limit(self) -> int: ...


def quota_text(quota: Quota | None) -> str:
    """Calls used today against the account's quota."""
    if quota is None:
        return ""
    return f"{quota.used:,} / {quota.limit:,} calls today"


def describe(streams: Iterable[Stream] | None, progress: SyncProgress | None = None,
             quota: Quota | Any = None, error: str | None = None,
             first_sync_retry: Retry | None = None, now: float | None = None,
             budget: int | None = None) -> SyncState:
    """The header's sync line from the scheduler's streams and the first sync's progress.

    ``now`` is the scheduler's clock (``time.monotonic``), for "retrying in 8 s".
    """
    q = quota_text(quota) if quota is not None and hasattr(quota, "used") else ""
    state = _line(streams, progress, q, error, first_sync_retry,
                  time.monotonic() if now is None else now)
    # One header line must fit 80 columns: the polling budget is the quota's tooltip.
    budget_text = f"background polling may use {budget:,} of them a day" if budget else ""
    return replace(state, quota_detail=budget_text if q else "")


def _line(streams: Iterable[Stream] | None, progress: SyncProgress | None, q: str,
          error: str | None, first_sync_retry: Retry | None, now: float) -> SyncState:
    if error:
        return SyncState(Level.ERROR, "sync stopped", q, error)
    if streams is None:
        return SyncState(Level.OFFLINE, "offline copy", q)
    if first_sync_retry is not None and first_sync_retry.at > now:
        return SyncState(Level.WARN, f"first sync: retrying in {_wait(first_sync_retry.at, now)}",
                         q, first_sync_retry.reason)
    if progress is not None and not progress.done:
        step = f" ({progress.entities_done + 1}/{progress.entities_total})" if (
            progress.entities_total) else ""
        what = progress.entity.replace("_", " ") or "account"
        return SyncState(Level.BUSY, f"first sync: {what} {progress.records:,}{step}", q)
    streams = list(streams)
    stopped = [s for s in streams if s.status is StreamStatus.STOPPED]
    failing = [s for s in streams if s.status is StreamStatus.FAILING]
    retrying = [s for s in streams if s.status is StreamStatus.RETRYING]
    if stopped:
        names = ", ".join(s.name for s in stopped)
        return SyncState(Level.ERROR, f"stopped: {names} (r tries again)", q,
                         stopped[0].last_error or "")
    if failing or retrying:
        first = min(failing + retrying, key=lambda s: s.next_due)
        names = ", ".join(s.name for s in streams if s in failing or s in retrying)
        level = Level.ERROR if failing else Level.WARN
        return SyncState(level, f"{names}: retrying in {_wait(first.next_due, now)}", q,
                         first.last_error or "")
    if any(s.status is StreamStatus.RUNNING for s in streams):
        return SyncState(Level.BUSY, "syncing", q)
    if all(s.status is StreamStatus.IDLE for s in streams):
        return SyncState(Level.BUSY, "starting", q)
    due = min((s.next_due for s in streams if s.status is StreamStatus.OK), default=math.inf)
    if due == math.inf:
        return SyncState(Level.OK, "in sync", q)
    return SyncState(Level.OK, f"in sync · next poll in {_wait(due, now)}", q)


def _wait(at: float, now: float) -> str:
    seconds = max(0, math.ceil(at - now))
    return f"{seconds} s" if seconds < 120 else f"{math.ceil(seconds / 60)} min"


def stop_banner(streams: Iterable[Stream] | None, error: str | None = None,
                error_needs: NeedsUser | None = None, *,
                fix_credentials: str = "run ssui login") -> str:
    """The banner's line when work stopped until the user acts ("" while nothing did).

    A stream stops for wrong credentials or a spent daily quota; the whole mirror stops when
    its first sync meets one of them (``error``, what it needs in ``error_needs``).
    """
    stopped = [s for s in streams or () if s.status is StreamStatus.STOPPED]
    needs = error_needs if error else next((s.needs for s in stopped if s.needs), None)
    if not (stopped or error):
        return ""
    what = "Sync stopped" if error else "Watches stopped"
    # What to do comes first, so that 80 columns show it; the full error is in the log.
    if needs is NeedsUser.CREDENTIALS:
        todo = f"SharpSpring refused the ID or key · {fix_credentials}, then press r"
    elif needs is NeedsUser.QUOTA:
        todo = "today's API quota is used up · press r after midnight UTC"
    else:
        reason = error or next((s.last_error for s in stopped if s.last_error), "")
        todo = f"{reason} · press r to try again"
    return f"✖ {what}: {todo} · ctrl+l: the full error"
