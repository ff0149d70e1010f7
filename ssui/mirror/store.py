"""The local mirror: an SQLite copy of the account, one table per entity.

Tables and columns come from the registry (plus the account's custom fields, added as columns
when getFields reveals them). A fingerprint of the registry's shape is kept in the file; when it
changes, the mirror is rebuilt from scratch rather than trusted.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ssui.entities import REGISTRY, Entity, Field, Kind, entity

from .query import Filter, Query
from .schema import column_sql, from_sql, fts_table, quote, sql_time, table, to_sql

# Entities the mirror keeps a full copy of, in the order a full sync copies them: the small
# lookup tables first, so names (owners, deal stages) are there when the big lists paint.
MIRRORED: tuple[str, ...] = (
    "field", "user_profile", "deal_stage", "campaign", "account", "lead", "opportunity",
    "opportunity_lead",
)

# Bump when the storage layout changes in a way the registry fingerprint cannot see.
STORE_FORMAT = 2

_WORD = re.compile(r"\w+", re.UNICODE)


def schema_fingerprint() -> str:
    """A digest of every mirrored entity's fields and kinds, plus the storage format."""
    parts = [str(STORE_FORMAT)]
    for key in MIRRORED:
        e = REGISTRY[key]
        parts.append(key + ":" + ",".join(f"{f.name}/{f.kind}" for f in e.fields))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


class MirrorStore:
    """One account's mirror. Thread-safe: every call takes the store's lock."""

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA temp_store=MEMORY")
        self._entities: dict[str, Entity] = {k: REGISTRY[k] for k in MIRRORED}
        self._upsert_sql: dict[tuple[str, tuple[str, ...]], str] = {}
        self.rebuilt = False
        self._open()

    # -- lifecycle -------------------------------------------------------------------------

    def _open(self) -> None:
        with self._lock:
            self._db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            if self.get_meta("schema") != schema_fingerprint():
                self.rebuilt = self.get_meta("schema") is not None
                self._drop_all()
                self._create_all()
                self.set_meta("schema", schema_fingerprint())
            customs = self.get_meta("custom_fields") or {}
            for key, rows in customs.items():
                self._apply_custom(key, [Field(**_field_args(r)) for r in rows])
            for e in self._entities.values():
                self._ensure_indexes(e)
                self._ensure_search_triggers(e)

    def _drop_all(self) -> None:
        names = [r[0] for r in self._db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name != 'meta'"
            " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts_%'")]
        for name in names:
            self._db.execute(f"DROP TABLE IF EXISTS {quote(name)}")
        self._db.execute("DELETE FROM meta")

    def _create_all(self) -> None:
        for e in self._entities.values():
            self._create_entity(e)
        self._db.execute(
            "CREATE TABLE events (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE NOT NULL,"
            " kind TEXT NOT NULL, entity TEXT, record_id INTEGER, lead_id INTEGER,"
            " title TEXT, detail TEXT, occurred_at TEXT, seen_at TEXT, payload TEXT)")
        self._db.execute("CREATE INDEX events_kind ON events(kind, seq)")
        self._db.execute("CREATE INDEX events_lead ON events(lead_id, occurred_at)")

    def _create_entity(self, e: Entity) -> None:
        t = table(e)
        cols = ", ".join(
            (f"{quote(f.name)} INTEGER PRIMARY KEY" if f.name == "id" else column_sql(f))
            for f in e.fields
        )
        self._db.execute(f"CREATE TABLE {t} ({cols})")
        self._ensure_indexes(e)
        if e.searchable_fields:
            cols_fts = ", ".join(quote(f.name) for f in e.searchable_fields)
            self._db.execute(
                f"CREATE VIRTUAL TABLE {fts_table(e)} USING fts5({cols_fts}, content={t},"
                f" content_rowid='id', tokenize='unicode61 remove_diacritics 2',"
                # Prefix indexes: search as you type asks for one- to three-letter prefixes.
                f" prefix='1 2 3')")
            self._ensure_search_triggers(e)

    def _ensure_search_triggers(self, e: Entity) -> None:
        """Keep the search index in step with the table; rebuild it if the triggers were off.

        Triggers are dropped during a bulk load (a full sync) and the index rebuilt once at
        the end, which is several times faster than indexing row by row; an interrupted bulk
        load is repaired here on the next open.
        """
        searchable = [f.name for f in e.searchable_fields]
        if not searchable:
            return
        t, fts = table(e), fts_table(e)
        have = {r[0] for r in self._db.execute(
            "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name = ?",
            (f"e_{e.key}",))}
        names = [f"{e.key}_ai", f"{e.key}_ad", f"{e.key}_au"]
        if all(n in have for n in names):
            return
        cols_fts = ", ".join(quote(n) for n in searchable)
        new = ", ".join(f"new.{quote(n)}" for n in searchable)
        old = ", ".join(f"old.{quote(n)}" for n in searchable)
        ins = f"INSERT INTO {fts}(rowid, {cols_fts}) VALUES (new.id, {new});"
        dele = f"INSERT INTO {fts}({fts}, rowid, {cols_fts}) VALUES ('delete', old.id, {old});"
        with self.transaction():
            for n in names:
                self._db.execute(f"DROP TRIGGER IF EXISTS {quote(n)}")
            self._db.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
            self._db.execute(
                f"CREATE TRIGGER {quote(names[0])} AFTER INSERT ON {t} BEGIN {ins} END")
            self._db.execute(
                f"CREATE TRIGGER {quote(names[1])} AFTER DELETE ON {t} BEGIN {dele} END")
            self._db.execute(
                f"CREATE TRIGGER {quote(names[2])} AFTER UPDATE ON {t} BEGIN {dele} {ins} END")

    @staticmethod
    def _indexes(e: Entity) -> list[tuple[str, str]]:
        """(name, column) of the indexes that keep sorting and filtering fast."""
        return [(f"ix_{e.key}_{f.name}", f.name) for f in e.fields
                if f.name != "id" and (f.name in e.columns or f.searchable)]

    def _ensure_indexes(self, e: Entity) -> None:
        for name, col in self._indexes(e):
            self._db.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {table(e)}({quote(col)})")

    @contextmanager
    def bulk_load(self, key: str) -> Iterator[None]:
        """Load many rows fast: search and sort indexes are dropped, and rebuilt once at the
        end (about three times faster than maintaining them row by row). A load cut short is
        repaired on the next open."""
        e = self._entities[key]
        # The lock is not held while the caller loads: it awaits the network meanwhile.
        with self._lock:
            for n in (f"{e.key}_ai", f"{e.key}_ad", f"{e.key}_au"):
                self._db.execute(f"DROP TRIGGER IF EXISTS {quote(n)}")
            for name, _ in self._indexes(e):
                self._db.execute(f"DROP INDEX IF EXISTS {quote(name)}")
        try:
            yield
        finally:
            with self._lock:
                self._ensure_indexes(e)
                self._ensure_search_triggers(e)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes; nested use joins the outer transaction."""
        with self._lock:
            if self._db.in_transaction:
                yield
                return
            self._db.execute("BEGIN")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- meta and cursors ------------------------------------------------------------------

    def get_meta(self, key: str) -> Any:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def set_meta(self, key: str, value: Any) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value, default=str)))

    # -- custom fields ---------------------------------------------------------------------

    def entity(self, key: str) -> Entity:
        """The entity as this account has it (with its custom fields)."""
        return self._entities.get(key) or entity(key)

    def set_custom_fields(self, key: str, fields: Sequence[Field]) -> None:
        """Record an entity's custom fields and add a column for each new one."""
        with self._lock:
            self._apply_custom(key, list(fields))
            customs = self.get_meta("custom_fields") or {}
            customs[key] = [_field_json(f) for f in fields]
            self.set_meta("custom_fields", customs)

    def _apply_custom(self, key: str, fields: list[Field]) -> None:
        e = self._entities[key].with_custom(fields)
        have = {r[1] for r in self._db.execute(f"PRAGMA table_info({table(key)})")}
        for f in e.custom_fields:
            if f.name not in have:
                self._db.execute(f"ALTER TABLE {table(key)} ADD COLUMN {column_sql(f)}")
        self._entities[key] = e
        self._upsert_sql = {k: v for k, v in self._upsert_sql.items() if k[0] != key}

    # -- records ---------------------------------------------------------------------------

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

    def _select(self, key: str, where: str, args: tuple[Any, ...],
                tail: str = "") -> list[dict[str, Any]]:
        e = self._entities[key]
        names = e.field_names
        conv = [from_sql(f) for f in e.fields]
        cols = ", ".join(quote(n) for n in names)
        with self._lock:
            rows = self._db.execute(f"SELECT {cols} FROM {table(key)} {where} {tail}", args)
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
                clauses.append(f"{col} LIKE ? ESCAPE '\\'")
                args.append("%" + _like_escape(str(f.value)) + "%")
            elif f.op == "empty":
                clauses.append(f"({col} IS NULL OR {col} = '')")
            elif f.op == "not empty":
                clauses.append(f"({col} IS NOT NULL AND {col} != '')")
            elif f.value is None:
                clauses.append(f"{col} IS {'NOT ' if f.op == '!=' else ''}NULL")
            else:
                clauses.append(f"{col} {f.op} ?")
                args.append(conv(f.value))
        match = fts_query(q.search)
        if match and e.searchable_fields:
            clauses.append(f"id IN (SELECT rowid FROM {fts_table(e)} WHERE {fts_table(e)} MATCH ?)")
            args.append(match)
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", args

    def page(self, q: Query) -> list[dict[str, Any]]:
        """The rows of one window of a query, in the query's order."""
        where, args = self._where(q)
        e = self._entities[q.entity]
        direction = "DESC" if q.descending else "ASC"
        order = f"ORDER BY {quote(q.sort)} {direction}, id {direction}" if (
            q.sort and e.has_field(q.sort)) else f"ORDER BY id {direction}"
        return self._select(q.entity, where, tuple(args),
                            f"{order} LIMIT {int(q.limit)} OFFSET {int(q.offset)}")

    def count(self, q: Query) -> int:
        """How many rows match a query, whatever window is in view."""
        match = fts_query(q.search)
        e = self._entities[q.entity]
        if match and not q.filters and e.searchable_fields:
            # A search alone is counted in the search index itself: several times faster
            # than counting the table rows it selects (a one-letter prefix matches many).
            fts = fts_table(e)
            with self._lock:
                row = self._db.execute(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH ?",
                                       (match,))
                return int(row.fetchone()[0])
        where, args = self._where(q)
        with self._lock:
            row = self._db.execute(f"SELECT count(*) FROM {table(q.entity)} {where}", args)
            return int(row.fetchone()[0])

    def position(self, q: Query, record_id: int) -> int | None:
        """Where a record sits in a query's order (0-based), or None if it does not match."""
        where, args = self._where(Query(q.entity, q.filters, q.search))
        rows = self._select(q.entity, where, tuple(args))
        key = q.sort if q.sort else "id"
        ordered = sorted(rows, key=lambda r: (r.get(key) is None, r.get(key), r["id"]),
                         reverse=q.descending)
        for i, r in enumerate(ordered):
            if r["id"] == record_id:
                return i
        return None

    # -- events (watch history) ------------------------------------------------------------

    def add_events(self, events: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Store events; those already stored (same key) are skipped. Returns the new ones."""
        fresh: list[dict[str, Any]] = []
        with self.transaction():
            for ev in events:
                cur = self._db.execute(
                    "INSERT INTO events(key, kind, entity, record_id, lead_id, title, detail,"
                    " occurred_at, seen_at, payload) VALUES (?,?,?,?,?,?,?,?,?,?)"
                    " ON CONFLICT(key) DO NOTHING",
                    (ev["key"], ev["kind"], ev.get("entity"), ev.get("record_id"),
                     ev.get("lead_id"), ev.get("title"), ev.get("detail"),
                     sql_time(ev.get("occurred_at")), sql_time(ev.get("seen_at")),
                     json.dumps(ev.get("payload"), default=str)))
                if cur.rowcount:
                    fresh.append({**ev, "seq": cur.lastrowid})
        return fresh

    def events(self, *, after: int = 0, kinds: Sequence[str] = (), lead_id: int | None = None,
               limit: int = 200, newest_first: bool = False) -> list[dict[str, Any]]:
        clauses: list[str] = ["seq > ?"]
        args: list[Any] = [after]
        if kinds:
            clauses.append(f"kind IN ({','.join('?' for _ in kinds)})")
            args.extend(kinds)
        if lead_id is not None:
            clauses.append("lead_id = ?")
            args.append(lead_id)
        order = "DESC" if newest_first else "ASC"
        sql = (f"SELECT seq, key, kind, entity, record_id, lead_id, title, detail, occurred_at,"
               f" seen_at, payload FROM events WHERE {' AND '.join(clauses)}"
               f" ORDER BY seq {order} LIMIT {int(limit)}")
        names = ("seq", "key", "kind", "entity", "record_id", "lead_id", "title", "detail",
                 "occurred_at", "seen_at", "payload")
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        out = []
        for row in rows:
            d = dict(zip(names, row, strict=True))
            d["payload"] = json.loads(d["payload"]) if d["payload"] else None
            out.append(d)
        return out

    def last_event_seq(self) -> int:
        with self._lock:
            row = self._db.execute("SELECT max(seq) FROM events").fetchone()
        return int(row[0] or 0)


def fts_query(text: str) -> str:
    """Search text as an FTS5 query: every word must match, each as a prefix."""
    words = _WORD.findall(text)
    return " ".join(f'"{w}"*' for w in words)


def _like_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _field_json(f: Field) -> dict[str, Any]:
    return {"name": f.name, "label": f.label, "kind": str(f.kind), "required": f.required,
            "choices": list(f.choices), "custom": True}


def _field_args(d: Mapping[str, Any]) -> dict[str, Any]:
    return {"name": d["name"], "label": d["label"], "kind": Kind(d["kind"]),
            "required": bool(d.get("required")), "choices": tuple(d.get("choices") or ()),
            "custom": True}


__all__ = ["MIRRORED", "Filter", "MirrorStore", "Query", "fts_query", "schema_fingerprint"]
