"""Rows for a table from the mirror: one query, read a window at a time (no Textual here)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ssui.mirror import Filter, MirrorStore, Query


class MirrorRows:
    """A table's row source over one mirror query (entity, filters, search, sort)."""

    def __init__(self, store: MirrorStore, query: Query) -> None:
        self.store = store
        self.query = replace(query, offset=0)

    def count(self) -> int:
        return self.store.count(self.query)

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        return self.store.page(replace(self.query, offset=offset, limit=limit))

    def index_of(self, record: dict[str, Any]) -> int | None:
        """Where ``record`` now sits in this query's order, or None if it no longer matches.

        Counted in SQL (rows that sort before it), so it stays fast at 100,000 rows: the same
        order as ``MirrorStore.page`` (sort column, then id; NULLs first ascending).
        """
        q = self.query
        rid = record.get("id")
        if rid is None:
            return None
        if self.store.count(self._with(Filter("id", "=", rid))) == 0:
            return None
        col = q.sort if q.sort and self.store.entity(q.entity).has_field(q.sort) else None
        if col is None:
            before = Filter("id", ">=", rid) if q.descending else Filter("id", "<=", rid)
            return self.store.count(self._with(before)) - 1
        fresh = self.store.get(q.entity, int(rid)) or record
        value = fresh.get(col)
        if value is None:
            same = Filter(col, "=", None)
            if q.descending:  # NULLs last: everything non-null, then NULLs with a higher id
                total = self.store.count(q)
                return total - self.store.count(self._with(same, Filter("id", "<=", rid)))
            return self.store.count(self._with(same, Filter("id", "<=", rid))) - 1
        if q.descending:
            return (self.store.count(self._with(Filter(col, ">=", value)))
                    - self.store.count(self._with(Filter(col, "=", value),
                                                  Filter("id", "<=", rid))))
        nulls = self.store.count(self._with(Filter(col, "=", None)))
        return (nulls + self.store.count(self._with(Filter(col, "<=", value)))
                - self.store.count(self._with(Filter(col, "=", value), Filter("id", ">=", rid))))

    def _with(self, *extra: Filter) -> Query:
        return replace(self.query, filters=self.query.filters + extra)
