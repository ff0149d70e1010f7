"""Rows for a table from the mirror: one query, read a window at a time (no Textual here)."""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from typing import Any

from ssui.mirror import Filter, MirrorStore, Query

#: A filtered view of up to this many rows is read once in order (ids only), which gives its
#: count and every window of it; a bigger one reads its first this many that way.
ORDER_CAP = 50_000


class MirrorRows:
    """A table's row source over one mirror query (entity, filters, search, sort).

    A filtered view whose count and sorted page would each read all its rows
    (``MirrorStore.reads_twice``) reads its ids in order first, in one pass: its count,
    the windows the user scrolls to and where a record sits then cost no more queries. The
    ids are the order as read; the rows are read again by id, so they are current, and a
    window with a record deleted since is read the long way.
    """

    def __init__(self, store: MirrorStore, query: Query) -> None:
        self.store = store
        self.query = replace(query, offset=0)

    @cached_property
    def _ordered(self) -> tuple[list[int], bool] | None:
        """The view's ids in order and whether that is all of them, where it pays."""
        q = self.query
        return self.store.ordered_ids(q, ORDER_CAP) if self.store.reads_twice(q) else None

    @cached_property
    def _places(self) -> dict[int, int]:
        return {r: i for i, r in enumerate(self._ordered[0] if self._ordered else ())}

    @cached_property
    def _count(self) -> int:
        order = self._ordered
        if order is not None and order[1]:
            return len(order[0])
        return self.store.count(self.query)

    def count(self) -> int:
        return self._count

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        order = self._ordered
        if order is not None and (order[1] or offset + limit <= len(order[0])):
            ids = order[0][offset:offset + limit]
            found = self.store.get_many(self.query.entity, ids)
            if len(found) == len(ids):
                return [found[i] for i in ids]
        return self.store.page(replace(self.query, offset=offset, limit=limit),
                               matches=self._count)

    def index_of(self, record: dict[str, Any]) -> int | None:
        """Where ``record`` now sits in this query's order, or None if it no longer matches.

        Looked up in the ids read in order when they hold it; otherwise counted in SQL (rows
        that sort before it), so it stays fast at 100,000 rows: the same order as
        ``MirrorStore.page`` (sort column, then id; NULLs first ascending).
        """
        rid = record.get("id")
        order = self._ordered
        if order is not None and rid is not None:
            place = self._places.get(int(rid))
            if place is not None or order[1]:
                return place
        q = self.query
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
