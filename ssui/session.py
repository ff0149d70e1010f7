"""One account session: the connection, its one client, its mirror store and the live mirror.

Everything that talks to an account (the app, ``ssui sync``, ``ssui watch``, and the forms,
activity feed and console built on them) opens an ``AccountSession`` instead of wiring a
client, a store and an ``AccountMirror`` itself, so the rate limiter and the quota counter are
shared by everything that runs against the account. It never imports textual.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from types import TracebackType

import httpx

from ssui.api import SharpSpringClient
from ssui.config import Connection, open_client
from ssui.mirror import MirrorStore, mirror_path
from ssui.mirror.account import AccountMirror
from ssui.mirror.scheduler import Budget

# The longest one call of the app, `ssui watch` or `ssui sync` takes, every retry included:
# the client's four tries of up to 30 s each, and the waits between them, fit inside it.
CALL_DEADLINE = 150.0


class AccountSession:
    """One account: its ``store``, and when live its ``connection``, ``client`` and ``mirror``.

    Use ``async with AccountSession.open(connection) as session:``, or call :meth:`aclose`
    (which closes the client, then the store) when the session was opened without one. An
    offline session (:meth:`offline`) browses a store with no connection behind it.
    """

    def __init__(self, name: str, store: MirrorStore, *, connection: Connection | None = None,
                 client: SharpSpringClient | None = None,
                 mirror: AccountMirror | None = None) -> None:
        self.name = name
        self.store = store
        self.connection = connection
        self.client = client
        self.mirror = mirror
        self._closed = False

    @classmethod
    def offline(cls, store: MirrorStore, name: str = "offline") -> AccountSession:
        """A session on ``store`` alone: browse what it holds, never call the API."""
        return cls(name, store)

    @property
    def live(self) -> bool:
        """True when the session talks to the account (and keeps its mirror fresh)."""
        return self.mirror is not None

    @classmethod
    def open(cls, connection: Connection, *,
             transport: httpx.AsyncBaseTransport | None = None,
             quota_share: float | None = None,
             store_path: Path | None = None, consumer: str = "app") -> AccountSession:
        """Open the client and the on-disk mirror of ``connection`` (no call is made yet).

        ``quota_share`` is the share of the daily quota background polling may use;
        ``store_path`` overrides where the mirror lives (default: the profile's data dir);
        ``consumer`` names whose place in the event log the mirror's listeners follow.
        Every call ends within ``CALL_DEADLINE`` seconds, retries included: a server that
        holds a connection open (or sends a byte now and then) never holds a watch or a save.
        """
        client = open_client(connection, transport, deadline=CALL_DEADLINE)
        store = MirrorStore(store_path or mirror_path(connection.name, connection.account_id))
        budget = Budget(daily_quota=client.quota.limit,
                        **({} if quota_share is None else {"daily_share": quota_share}))
        return cls(connection.name, store, connection=connection, client=client,
                   mirror=AccountMirror(client, store, budget, consumer=consumer))

    async def aclose(self) -> None:
        """Close the client, then the store; closing twice does nothing."""
        if self._closed:
            return
        self._closed = True
        try:
            if self.client is not None:
                with contextlib.suppress(Exception):
                    await self.client.aclose()
        finally:
            self.store.close()

    async def __aenter__(self) -> AccountSession:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.aclose()
