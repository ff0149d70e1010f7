"""Which events a watcher wants: the watches that are on, and whose new records (no I/O here)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace

from .event_log import EventQuery
from .events import WatchEvent, WatchKind
from .query import Query
from .store import MirrorStore
from .watch import RECORD_KINDS, STREAM_KINDS


@dataclass(frozen=True)
class WatchScope:
    """The watches that are on (``ssui watch --streams`` names) and the owner of new records."""

    streams: frozenset[str] = frozenset(STREAM_KINDS)
    # Only new leads, accounts and opportunities of this user (None: anyone's).
    owner_id: int | None = None

    @classmethod
    def of(cls, streams: Collection[str], owner_id: int | None = None) -> WatchScope:
        return cls(frozenset(streams), owner_id)

    @property
    def kinds(self) -> frozenset[WatchKind]:
        return frozenset(STREAM_KINDS[s] for s in self.streams)

    @property
    def everything(self) -> bool:
        return self.streams == frozenset(STREAM_KINDS) and self.owner_id is None

    def admits(self, event: WatchEvent) -> bool:
        """True when the watcher wants ``event``."""
        if event.kind not in self.kinds:
            return False
        return (self.owner_id is None or event.entity not in RECORD_KINDS
                or event.owner_id == self.owner_id)

    def only(self, events: Iterable[WatchEvent]) -> list[WatchEvent]:
        return [e for e in events if self.admits(e)]

    def narrow(self, query: EventQuery) -> EventQuery:
        """``query`` with what this scope leaves out left out (the Activity feed's rows)."""
        if self.everything:
            return query
        watched = tuple(str(k) for k in WatchKind if k in self.kinds)
        return replace(query, watched=None if len(watched) == len(WatchKind) else watched,
                       record_owner=self.owner_id)


def resolve_me(store: MirrorStore, me: str | None) -> int | None:
    """The user id ``me`` (a profile's user id or email) names in the mirror, if it can tell."""
    if not me:
        return None
    if me.strip().isdigit():
        return int(me)
    wanted = me.strip().casefold()
    for user in store.page(Query("user_profile", limit=100_000)):
        if str(user.get("emailAddress") or "").strip().casefold() == wanted:
            return int(user["id"])
    return None
