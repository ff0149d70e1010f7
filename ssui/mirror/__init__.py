"""The local mirror of an account: SQLite store, sync engine, watches and the scheduler."""

from .paths import data_dir, mirror_path
from .query import Filter, Query
from .store import MIRRORED, MirrorStore, fts_query, schema_fingerprint

__all__ = [
    "MIRRORED", "Filter", "MirrorStore", "Query", "data_dir", "fts_query", "mirror_path",
    "schema_fingerprint",
]
