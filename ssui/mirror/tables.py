"""The mirror's database: tables per entity, search indexes, bulk loads, meta and custom fields.

Tables and columns come from the registry (plus the account's custom fields, added as columns
when getFields reveals them). A fingerprint of the registry's shape is kept in the file; when it
changes, the mirror is rebuilt from scratch rather than trusted.
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from ssui.entities import REGISTRY, Entity, Field, Kind, entity

from .files import private_dir, tighten_if_present, touch_private
from .lock import MirrorLock
from .paths import mirror_dir
from .query import fold_value, search_text
from .schema import EVENTS_TABLE, column_sql, quote, table

# Entities the mirror keeps a full copy of, in the order a full sync copies them: the small
# lookup tables first, so names (owners, deal stages) are there when the big lists paint.
MIRRORED: tuple[str, ...] = (
    "field", "user_profile", "deal_stage", "campaign", "account", "lead", "opportunity",
    "opportunity_lead",
)

# Bump when the storage layout changes in a way the registry fingerprint cannot see.
# 4: search reads a folded, word-marked copy of the searchable fields through a trigram index.
STORE_FORMAT = 4

# SQLite's trigram tokenizer came in 3.34. Without it, long terms are found by scanning the
# search text instead (slower, same results); the fingerprint notes which, so a mirror made
# before an SQLite upgrade is rebuilt with the index.
TRIGRAMS = sqlite3.sqlite_version_info >= (3, 34, 0)

# How long a write waits for another process's write to finish before it fails with
# "database is locked". A sync keeps its transactions to a page (500 records, well under a
# second); the longest is the search index rebuilt after a bulk load (about 1.5 s for 60,000
# leads here, slower on a busy machine), which another process's edit must outwait.
BUSY_TIMEOUT = 15.0

# SQL functions: a record's search text (``query.search_text``), which the search triggers
# call, so every connection that writes the mirror registers it; and one value folded
# (``query.fold_value``), for the "contains" filter.
SEARCH_TEXT_SQL = "ssui_search_text"
FOLD_SQL = "ssui_fold"


def search_table(key: str) -> str:
    """The table of each record's search text: the trigram index's content, and what the
    terms too short for that index scan."""
    return quote(f"search_{key}")


def trigram_table(key: str) -> str:
    """The trigram index over the search text: substrings and word starts."""
    return quote(f"search_{key}_trigrams")


# Indexed beside the columns a list shows by default: "newest first" is a sort people reach
# for whether or not Created is shown (unindexed, it sorted a million leads in 1.9 s).
SORTED_OFTEN = frozenset({"createTimestamp"})


def schema_fingerprint() -> str:
    """A digest of every mirrored entity's fields and kinds, plus the storage format."""
    parts = [str(STORE_FORMAT), "trigrams" if TRIGRAMS else "scan"]
    for key in MIRRORED:
        e = REGISTRY[key]
        parts.append(key + ":" + ",".join(f"{f.name}/{f.kind}" for f in e.fields))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


class StoreTables:
    """The SQLite file and its layout. Thread-safe: every call takes the store's lock.

    Several processes may open one mirror (the app, ``ssui sync``, ``ssui watch``): WAL lets
    them read while one writes, every write transaction takes the write lock up front and waits
    for it (``BUSY_TIMEOUT``), and ``lock`` keeps two syncs from running at once.
    """

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        memory = self.path == ":memory:"
        # The sync lock: held exclusively by a sync, shared by the background streams.
        self.lock = MirrorLock(None if memory else self.path)
        if not memory:
            # Account data: a 0600 file in a 0700 folder (SQLite gives -wal and -shm the
            # database's own mode), made before SQLite opens it so it is never looser.
            file = Path(self.path)
            private_dir(file.parent, tighten=file.parent == mirror_dir())
            touch_private(file)
            for extra in ("-wal", "-shm"):
                tighten_if_present(Path(self.path + extra))
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                                   timeout=BUSY_TIMEOUT)
        self._use_wal()
        self._db.create_function(SEARCH_TEXT_SQL, -1, search_text, deterministic=True)
        # Cached: a "contains" filter folds a column's every value that is not plain ASCII,
        # and a custom field's values repeat ("Île-de-France" on thousands of leads).
        self._db.create_function(FOLD_SQL, 1, functools.lru_cache(4096)(fold_value),
                                 deterministic=True)
        # The search triggers call a function of this connection's; a build that distrusts
        # schemas by default would refuse them. The schema is this store's own.
        self._db.execute("PRAGMA trusted_schema = ON")
        self._lock = threading.RLock()
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA temp_store=MEMORY")
        self._entities: dict[str, Entity] = {k: REGISTRY[k] for k in MIRRORED}
        self._upsert_sql: dict[tuple[str, tuple[str, ...]], str] = {}
        self.rebuilt = False
        self._open()

    # -- lifecycle -------------------------------------------------------------------------

    def _use_wal(self) -> None:
        """WAL: readers never wait for a writer, nor a writer for readers.

        The mode is kept in the file, so this is one change in the file's life; switching
        needs the file to itself and SQLite does not wait for that, so a second process
        opening a new mirror at the same moment tries again until the first is done.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT
        while True:
            try:
                self._db.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _open(self) -> None:
        with self._lock:
            # One transaction: another process opening a new mirror at the same moment waits,
            # then finds the tables made, instead of making them a second time.
            with self.transaction():
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
                if self.get_meta("schema") != schema_fingerprint():
                    self.rebuilt = self.get_meta("schema") is not None
                    self._drop_all()
                    self._create_all()
                    self.set_meta("schema", schema_fingerprint())
                customs = self.get_meta("custom_fields") or {}
                for key, rows in customs.items():
                    self._apply_custom(key, [Field(**_field_args(r)) for r in rows])
            # Indexes and triggers a bulk load cut short left out are put back, unless another
            # process is syncing: its bulk load dropped them on purpose and puts them back.
            if self.lock.try_exclusive():
                try:
                    self.repair()
                finally:
                    self.lock.release_exclusive()

    def repair(self) -> None:
        """Put back the sort indexes and search triggers an interrupted bulk load dropped."""
        with self._lock:
            for e in self._entities.values():
                self._ensure_indexes(e)
                self._ensure_search_triggers(e)

    @asynccontextmanager
    async def syncing(self, on_wait: Callable[[], None] | None = None) -> AsyncIterator[None]:
        """Be the one sync of this mirror for a block: wait while another process syncs
        (``on_wait`` is called while the wait lasts), then repair what a sync cut short left.

        Nested use in one process joins the outer hold.
        """
        async with self.lock.exclusive(on_wait):
            self.repair()
            yield

    def _drop_all(self) -> None:
        # Search indexes first: dropping one drops its own shadow tables, which may not be
        # dropped on their own.
        def tables() -> list[tuple[str, str]]:
            return self._db.execute(
                "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type='table'"
                " AND name != 'meta' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'").fetchall()

        for name, sql in tables():
            if sql.upper().startswith("CREATE VIRTUAL"):
                self._db.execute(f"DROP TABLE IF EXISTS {quote(name)}")
        for name, _ in tables():
            self._db.execute(f"DROP TABLE IF EXISTS {quote(name)}")
        self._db.execute("DELETE FROM meta")

    def _create_all(self) -> None:
        for e in self._entities.values():
            self._create_entity(e)
        self._db.execute(EVENTS_TABLE)
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
            # Search reads a copy of the searchable fields, one record a row, folded (the
            # trigram tokenizer cannot drop accents before SQLite 3.45, nor compose them) and
            # with its word starts marked, so one trigram index answers every term: substrings
            # and one- or two-letter word starts alike, all of a search's terms ANDed inside
            # FTS5 (two indexes' results intersected took 10-45 ms at 100,000 leads). Terms
            # too short for the index scan it. One column: no scan has to visit six.
            s = search_table(e.key)
            self._db.execute(f"CREATE TABLE {s} (id INTEGER PRIMARY KEY, text TEXT)")
            if TRIGRAMS:
                self._db.execute(
                    f"CREATE VIRTUAL TABLE {trigram_table(e.key)} USING fts5(text,"
                    f" content={s}, content_rowid='id',"
                    # Case is folded already: the tokenizer need not fold it again.
                    f" tokenize='trigram case_sensitive 1')")
            self._ensure_search_triggers(e)

    @staticmethod
    def _search_indexes(key: str) -> list[str]:
        return [trigram_table(key)] if TRIGRAMS else []

    def _ensure_search_triggers(self, e: Entity) -> None:
        """Keep the search text and indexes in step with the table; rebuild them if the
        triggers were off.

        Triggers are dropped during a bulk load (a full sync) and the search text and indexes
        rebuilt once at the end, which is several times faster than indexing row by row; an
        interrupted bulk load is repaired here on the next open.
        """
        searchable = [f.name for f in e.searchable_fields]
        if not searchable:
            return
        t, s = table(e), search_table(e.key)
        have = {r[0] for r in self._db.execute(
            "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name = ?",
            (f"e_{e.key}",))}
        names = [f"{e.key}_ai", f"{e.key}_ad", f"{e.key}_au"]
        if all(n in have for n in names):
            return
        indexes = self._search_indexes(e.key)
        text_of = f"{SEARCH_TEXT_SQL}({', '.join(quote(n) for n in searchable)})"
        new_text = f"{SEARCH_TEXT_SQL}({', '.join(f'new.{quote(n)}' for n in searchable)})"
        ins = f"INSERT INTO {s}(id, text) VALUES (new.id, {new_text});" + "".join(
            f" INSERT INTO {x}(rowid, text) SELECT id, text FROM {s} WHERE id = new.id;"
            for x in indexes)
        # An external-content index forgets a row given the text it indexed, so the indexes
        # are told before the search text goes.
        dele = "".join(
            f"INSERT INTO {x}({x}, rowid, text) SELECT 'delete', id, text FROM {s}"
            f" WHERE id = old.id; " for x in indexes) + f"DELETE FROM {s} WHERE id = old.id;"
        # An update that leaves the searchable fields alone (a score, a timestamp) leaves the
        # indexes alone. BINARY: compare exactly, whatever the columns' collation.
        changed = " OR ".join(f"old.{quote(n)} IS NOT new.{quote(n)} COLLATE BINARY"
                              for n in ["id", *searchable])
        with self.transaction():
            for n in names:
                self._db.execute(f"DROP TRIGGER IF EXISTS {quote(n)}")
            self._db.execute(f"DELETE FROM {s}")
            self._db.execute(f"INSERT INTO {s}(id, text) SELECT id, {text_of} FROM {t}")
            for x in indexes:
                self._db.execute(f"INSERT INTO {x}({x}) VALUES ('rebuild')")
            self._db.execute(
                f"CREATE TRIGGER {quote(names[0])} AFTER INSERT ON {t} BEGIN {ins} END")
            self._db.execute(
                f"CREATE TRIGGER {quote(names[1])} AFTER DELETE ON {t} BEGIN {dele} END")
            self._db.execute(
                f"CREATE TRIGGER {quote(names[2])} AFTER UPDATE ON {t} WHEN {changed}"
                f" BEGIN {dele} {ins} END")

    @staticmethod
    def _indexes(e: Entity) -> list[tuple[str, str]]:
        """(name, column) of the indexes that keep sorting and filtering fast."""
        return [(f"ix_{e.key}_{f.name}", f.name) for f in e.fields
                if f.name != "id" and (f.name in e.columns or f.searchable
                                       or f.name in SORTED_OFTEN)]

    def sort_index(self, key: str, column: str) -> str | None:
        """The name of the index a list sorted by ``column`` is read off, if it has one."""
        return next((name for name, col in self._indexes(self._entities[key])
                     if col == column), None)

    def sorts_by_index(self, key: str, column: str) -> bool:
        """True when a list sorted by ``column`` is read off an index; else SQLite sorts
        every row for it."""
        return column == "id" or self.sort_index(key, column) is not None

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
            self.lock.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes; nested use joins the outer transaction."""
        with self._lock:
            if self._db.in_transaction:
                yield
                return
            # IMMEDIATE: take the write lock up front, so another process writing the same
            # mirror makes this wait (busy timeout) instead of failing with "database is locked".
            self._db.execute("BEGIN IMMEDIATE")
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


def _field_json(f: Field) -> dict[str, Any]:
    return {"name": f.name, "label": f.label, "kind": str(f.kind), "required": f.required,
            "choices": list(f.choices), "custom": True}


def _field_args(d: Mapping[str, Any]) -> dict[str, Any]:
    return {"name": d["name"], "label": d["label"], "kind": Kind(d["kind"]),
            "required": bool(d.get("required")), "choices": tuple(d.get("choices") or ()),
            "custom": True}
