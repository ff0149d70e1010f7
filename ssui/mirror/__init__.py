"""The local mirror of an account: SQLite store, sync engine, watches and the scheduler."""

from .query import Filter, Query
from .store import MIRRORED, MirrorStore, fts_query, schema_fingerprint

__all__ = ["MIRRORED", "Filter", "MirrorStore", "Query", "fts_query", "schema_fingerprint"]
