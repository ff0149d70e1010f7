"""Reading and writing the mirror's records: upserts, deletes, by id, and list queries."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from .query import Query, fold, search_plan
from .schema import from_sql, quote, table, to_sql
from .tables import FOLD_SQL, TRIGRAMS, StoreTables, search_table, trigram_table

# A window read off the sort column's index (``_walk_sort_index``) may take four of SQLite's
# steps per match: sorting the matches takes about nine, each cheaper than a walk's (which
# reads a row by its index entry); the walk is tried only when it should end sooner, at
# about five steps for each row walked.
WALK_STEPS_PER_MATCH = 4
WALK_STEPS_PER_ROW = 5
WALK_CHECK_EVERY = 1000


class StoreRecords(StoreTables):
    """Records of every mirrored entity, and the queries the lists, search and counts run."""


    def upsert(self, key: str, records: Iterable[Mapping[str, Any]]) -> int:
        """Insert or update decoded records; keys the entity does not know are ignored."""
        e = self._entities[key]
        convert = {f.name: to_sql(f) for f in e.fields}
        groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for rec in records:
            names = tuple(k for k in rec if k in convert)
            if "id" not in names or rec["id"] is None:
                continue
            groups.setdefault(names, []).append(tuple(convert[k](rec[k]) for k in names))
        n = 0
        with self.transaction():
            for names, rows in groups.items():
                self._db.executemany(self._upsert_statement(key, names), rows)
                n += len(rows)
        return n

    def _upsert_statement(self, key: str, names: tuple[str, ...]) -> str:
        sql = self._upsert_sql.get((key, names))
        if sql is None:
            cols = ", ".join(quote(n) for n in names)
            marks = ", ".join("?" for _ in names)
            sets = ", ".join(f"{quote(n)} = excluded.{quote(n)}" for n in names if n != "id")
            tail = f"DO UPDATE SET {sets}" if sets else "DO NOTHING"
            sql = f"INSERT INTO {table(key)} ({cols}) VALUES ({marks}) ON CONFLICT(id) {tail}"
            self._upsert_sql[(key, names)] = sql
        return sql

    def delete(self, key: str, ids: Iterable[int]) -> int:
        with self.transaction():
            cur = self._db.executemany(
                f"DELETE FROM {table(key)} WHERE id = ?", [(i,) for i in ids])
        return cur.rowcount

    def get(self, key: str, record_id: int) -> dict[str, Any] | None:
        rows = self._select(key, "WHERE id = ?", (record_id,))
        return rows[0] if rows else None

    def get_many(self, key: str, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        wanted = list(dict.fromkeys(ids))
        out: dict[int, dict[str, Any]] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ",".join("?" for _ in chunk)
            for r in self._select(key, f"WHERE id IN ({marks})", tuple(chunk)):
                out[r["id"]] = r
        return out

    def ids(self, key: str) -> set[int]:
        with self._lock:
            return {r[0] for r in self._db.execute(f"SELECT id FROM {table(key)}")}

    def count_all(self, key: str) -> int:
        with self._lock:
            return int(self._db.execute(f"SELECT count(*) FROM {table(key)}").fetchone()[0])

    def max_id(self, key: str) -> int:
        """The highest id mirrored (0 when none): how wide an id column must be."""
        with self._lock:
            row = self._db.execute(f"SELECT max(id) FROM {table(key)}").fetchone()
            return int(row[0] or 0)

    def _select(self, key: str, where: str, args: tuple[Any, ...],
                tail: str = "", source: str | None = None) -> list[dict[str, Any]]:
        e = self._entities[key]
        names = e.field_names
        conv = [from_sql(f) for f in e.fields]
        cols = ", ".join(quote(n) for n in names)
        with self._lock:
            rows = self._db.execute(
                f"SELECT {cols} FROM {source or table(key)} {where} {tail}", args)
            return [{n: c(v) for n, c, v in zip(names, conv, row, strict=True)} for row in rows]

    # -- queries for the app ---------------------------------------------------------------

    def _where(self, q: Query) -> tuple[str, list[Any]]:
        e = self._entities[q.entity]
        clauses: list[str] = []
        args: list[Any] = []
        for f in q.filters:
            fdef = e.field(f.field)
            col = quote(f.field)
            conv = to_sql(fdef)
            if f.op == "in":
                values = [conv(v) for v in f.value]
                if not values:
                    clauses.append("0")
                    continue
                clauses.append(f"{col} IN ({','.join('?' for _ in values)})")
                args.extend(values)
            elif f.op == "contains":
                # Case and accents fold as in search. LIKE already ignores ASCII case, so only
                # values with a character outside printable ASCII (a GLOB, in C, finds them)
                # pay for folding in Python.
                clauses.append(f"({col} LIKE ? ESCAPE '\\' OR ({col} GLOB '*[^ -~]*'"
                               f" AND {FOLD_SQL}({col}) LIKE ? ESCAPE '\\'))")
                pattern = "%" + _like_escape(fold(str(f.value))) + "%"
                args.extend((pattern, pattern))
            elif f.op == "empty":
                clauses.append(f"({col} IS NULL OR {col} = '')")
            elif f.op == "not empty":
                clauses.append(f"({col} IS NOT NULL AND {col} != '')")
            elif f.value is None:
                clauses.append(f"{col} IS {'NOT ' if f.op == '!=' else ''}NULL")
            elif f.op == "!=":
                # "is not X": a record with no value is not X either.
                clauses.append(f"({col} IS NULL OR {col} != ?)")
                args.append(conv(f.value))
            else:
                clauses.append(f"{col} {f.op} ?")
                args.append(conv(f.value))
        found = self._search_ids(q)
        if found is not None:
            clauses.append(f"id IN ({found[0]})")
            args.extend(found[1])
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", args

    def _search_ids(self, q: Query) -> tuple[str, list[Any]] | None:
        """A SELECT of the ids of the records the query's search text matches, and its
        arguments; None when there is no search (every record matches).

        The trigram index finds patterns of three characters or more, all of a search's in
        one MATCH. A search with a shorter one (a CJK pair, an emoji) scans the search text
        for all its patterns instead: one pass over it, about 11 ms at 100,000 leads, where
        narrowing the index's matches by the scan took twice that when they were many.
        """
        e = self._entities[q.entity]
        plan = search_plan(q.search)
        if plan.empty or not e.searchable_fields:
            return None
        if plan.unsearchable:
            return "SELECT NULL WHERE 0", []
        if TRIGRAMS and not plan.scanned:
            tri = trigram_table(q.entity)
            return f"SELECT rowid FROM {tri} WHERE {tri} MATCH ?", [trigram_query(plan.indexed)]
        # The short patterns first: the longer ones are then checked on fewer rows. LIKE
        # skips ahead fast only to an ASCII character; instr is twice as fast for others.
        patterns = plan.scanned + plan.indexed
        checks = ["text LIKE ? ESCAPE '\\'" if p.isascii() else "instr(text, ?)"
                  for p in patterns]
        sql = f"SELECT id FROM {search_table(q.entity)} WHERE {' AND '.join(checks)}"
        return sql, [("%" + _like_escape(p) + "%" if p.isascii() else p) for p in patterns]

    def page(self, q: Query, matches: int | None = None) -> list[dict[str, Any]]:
        """The rows of one window of a query, in the query's order.

        ``matches``: how many rows the query has, when the caller knows (a table counts its
        rows first); a filtered window sorted by an indexed column may then be read off
        that column's index (see ``_walk_sort_index``).
        """
        e = self._entities[q.entity]
        direction = "DESC" if q.descending else "ASC"
        found = None if q.filters or (q.sort and e.has_field(q.sort)) else self._search_ids(q)
        if found is not None:
            # A search alone, in id order: the index hands its matches over in id order, so
            # the window is read off it and the walk stops there (a one-letter search at a
            # million leads matches hundreds of thousands; the window is a hundred of them).
            window = (f"{found[0]} ORDER BY 1 {direction}"
                      f" LIMIT {int(q.limit)} OFFSET {int(q.offset)}")
            return self._select(q.entity, f"WHERE id IN ({window})", tuple(found[1]),
                                f"ORDER BY id {direction}")
        where, args = self._where(q)
        tail = f"{self._order(q)} LIMIT {int(q.limit)} OFFSET {int(q.offset)}"
        if matches is not None:
            walked = self._walk_sort_index(q, matches, where, tuple(args), tail)
            if walked is not None:
                return walked
        return self._select(q.entity, where, tuple(args), tail)

    def _walk_sort_index(self, q: Query, matches: int, where: str, args: tuple[Any, ...],
                         tail: str) -> list[dict[str, Any]] | None:
        """A filtered window read by walking the sort column's index in order, keeping the
        rows that match, until the window is full; None when that does not pay.

        Without statistics SQLite reads every match through a filter's index and sorts
        them all for one window: "Status is open" sorted by last name at 100,000 leads
        sorts 16,667 rows (7 ms), "Score 40 to 90" by Updated 51,000 (35 ms). When the
        matches are a good share of the rows, the walk meets a window's hundred after a few
        hundred rows (0.1 to 0.5 ms). When they are few, or lie late in the sort order, the
        walk would be long: it gives up after about as long as sorting the matches takes
        (counted in SQLite's own steps), and the sort runs instead.
        """
        if not (q.filters and q.sort and not q.search and matches > 0):
            return None
        if any(f.field == q.sort for f in q.filters):
            return None  # the sort column's own index already serves both
        index = self.sort_index(q.entity, q.sort)
        if index is None:
            return None
        total = self.count_all(q.entity)
        budget = WALK_STEPS_PER_MATCH * matches
        if (q.offset + q.limit) * total / matches * WALK_STEPS_PER_ROW > budget:
            return None  # expected to give up
        steps = 0

        def over_budget() -> bool:
            nonlocal steps
            steps += WALK_CHECK_EVERY
            return steps > budget

        with self._lock:
            self._db.set_progress_handler(over_budget, WALK_CHECK_EVERY)
            try:
                return self._select(q.entity, where, args, tail,
                                    source=f"{table(q.entity)} INDEXED BY {quote(index)}")
            except sqlite3.OperationalError:
                return None  # gave up, or the index is being rebuilt (a bulk load)
            finally:
                self._db.set_progress_handler(None, 0)

    def ordered_ids(self, q: Query, cap: int) -> tuple[list[int], bool]:
        """The ids of a query's first ``cap`` rows in its order (``page``'s), and whether
        they are all its rows.

        One pass gives a filtered view's count and its order: at 100,000 leads a filter
        matching 4,000 of them takes about 10 ms for both, where a count and a sorted page
        took 9 ms each. The rows of any window are then read by id.
        """
        where, args = self._where(q)
        with self._lock:
            ids = [r[0] for r in self._db.execute(
                f"SELECT id FROM {table(q.entity)} {where} {self._order(q)}"
                f" LIMIT {int(cap) + 1}", args)]
        return ids[:cap], len(ids) <= cap

    def reads_twice(self, q: Query) -> bool:
        """True when counting a filtered query and sorting its first page would each read
        every matching row (SQLite's plans say so: the count reads the table, not only an
        index, and the page sorts its matches in a temporary tree). Its ids in order, read
        once, then serve both (``ordered_ids``).

        Otherwise the two are cheap on their own, and reading every id would cost more: a
        count kept in one index, or a page read off the sort column's index that stops
        after a hundred rows.
        """
        if not q.filters:
            return False  # a search alone is counted in its own index
        where, args = self._where(q)
        name = table(q.entity)
        with self._lock:
            def plan(sql: str) -> list[str]:
                return [str(r[3]) for r in self._db.execute("EXPLAIN QUERY PLAN " + sql, args)]
            count = plan(f"SELECT count(*) FROM {name} {where}")
            page = plan(f"SELECT id FROM {name} {where} {self._order(q)} LIMIT 100")
        return (not any("COVERING INDEX" in step for step in count)
                and any("TEMP B-TREE FOR ORDER BY" in step for step in page))

    def _order(self, q: Query) -> str:
        direction = "DESC" if q.descending else "ASC"
        if q.sort and self._entities[q.entity].has_field(q.sort):
            return f"ORDER BY {quote(q.sort)} {direction}, id {direction}"
        return f"ORDER BY id {direction}"

    def count(self, q: Query) -> int:
        """How many rows match a query, whatever window is in view."""
        found = None if q.filters else self._search_ids(q)
        if found is not None:
            # A search alone is counted in the search index itself: several times faster
            # than counting the table rows it selects (a one-letter prefix matches many).
            with self._lock:
                row = self._db.execute(f"SELECT count(*) FROM ({found[0]})", found[1])
                return int(row.fetchone()[0])
        where, args = self._where(q)
        with self._lock:
            row = self._db.execute(f"SELECT count(*) FROM {table(q.entity)} {where}", args)
            return int(row.fetchone()[0])


def fts_query(text: str) -> str:
    """Search text as a query of the trigram index: the patterns it can find (see
    ``query.SearchPlan``), each a quoted phrase; "" when there are none."""
    return trigram_query(search_plan(text).indexed)


def trigram_query(patterns: tuple[str, ...]) -> str:
    """Patterns as a query of the trigram index: each a quoted phrase, so it matches as a
    substring whatever characters it holds; every one must match."""
    return " ".join('"' + p.replace('"', '""') + '"' for p in patterns)


def _like_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
