"""The local mirror: an SQLite copy of the account, one table per entity.

``MirrorStore`` joins the three concerns, each in its own module: the database and its layout
(``tables``), the records and their queries (``records``), and the watch event log
(``event_log``).
"""

from __future__ import annotations

from .event_log import StoreEvents
from .query import Filter, Query
from .records import StoreRecords, fts_query
from .tables import MIRRORED, schema_fingerprint


class MirrorStore(StoreRecords, StoreEvents):
    """One account's mirror. Thread-safe: every call takes the store's lock."""


__all__ = ["MIRRORED", "Filter", "MirrorStore", "Query", "fts_query", "schema_fingerprint"]
