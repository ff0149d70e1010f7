"""The sandbox's SQLite database: tables from the registry, custom-field columns, fast access.

One connection, used by one thread at a time (the server's event loop); writes run in
explicit transactions, bulk loads with executemany. File databases use WAL.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import tzinfo
from pathlib import Path
from typing import Any

from ..entities import (
    DATA_TYPE_OF,
    REGISTRY,
    RELATIONSHIPS,
    Entity,
    Field,
    Kind,
    custom_fields_for,
)
from ..entities.wire import WIRE_DATETIME
from .schema import HIDDEN, SQL_TYPE, all_ddl, all_index_ddl, q
from .values import row_encoder

Row = Sequence[Any]


def data_type_of(f: Field) -> str:
    """The getFields dataType the sandbox shows for a field of this kind."""
    if f.kind is Kind.REFERENCE:
        return "int"
    return DATA_TYPE_OF.get(f.kind, "text")


def _entity_for_relationship(relationship: str) -> Entity:
    for e in REGISTRY.values():
        if e.custom_relationship == relationship:
            return e
    raise KeyError(relationship)


class Store:
    """The database of one sandbox account."""

    def __init__(self, path: str, clock: Callable[[], float] = time.time) -> None:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.clock = clock
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        if path != ":memory:":
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA temp_store=MEMORY")
        self.db.execute("PRAGMA cache_size=-65536")
        with self.transaction():
            for sql in all_ddl():
                self.db.execute(sql)
        self.fresh = self.meta("seeded") is None
        self._entities: dict[str, Entity] = {}
        self._encoders: dict[tuple[str, tuple[str, ...], str], Callable[[Row], dict[str, Any]]] = {}
        self.reload_fields()

    # --- housekeeping -------------------------------------------------------------------
    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN ... COMMIT (ROLLBACK on error); nested use joins the outer transaction."""
        if self.db.in_transaction:
            yield self.db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def create_indexes(self, analyze: bool = True) -> None:
        """Create any missing index (cheap when all exist); ANALYZE after a bulk load."""
        with self.transaction():
            for sql in all_index_ddl():
                self.db.execute(sql)
        if analyze:
            self.db.execute("ANALYZE")

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM _meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO _meta (key, value) VALUES (?, ?)", (key, value))

    def now(self) -> str:
        """The current time as stored (UTC wire text)."""
        return time.strftime(WIRE_DATETIME, time.gmtime(self.clock()))

    # --- entities with their custom fields ----------------------------------------------
    def entity(self, key: str) -> Entity:
        """The registry entity ``key`` plus this account's custom fields."""
        return self._entities[key]

    def reload_fields(self) -> None:
        """Re-read the custom fields (after createFields/updateFields/deleteFields)."""
        cur = self.db.execute(
            "SELECT relationship, systemName, label, dataType, isRequired, isCustom, options "
            "FROM field WHERE isCustom = 1 ORDER BY id"
        )
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur]
        entities = dict(REGISTRY)
        for e in REGISTRY.values():
            if e.custom_relationship:
                entities[e.key] = e.with_custom(custom_fields_for(e.custom_relationship, rows))
        self._entities = entities
        self._encoders.clear()

    def visible_fields(self, key: str, names: Iterable[str] | None = None) -> list[Field]:
        """The entity's fields (custom included), optionally only those named, in entity order."""
        fields = self.entity(key).fields
        if names is None:
            return list(fields)
        wanted = set(names)
        return [f for f in fields if f.name in wanted]

    def encoder(
        self, key: str, fields: Sequence[Field], tz: tzinfo
    ) -> Callable[[Row], dict[str, Any]]:
        """A cached row encoder for these columns in this zone."""
        ck = (key, tuple(f.name for f in fields), str(tz))
        enc = self._encoders.get(ck)
        if enc is None:
            enc = self._encoders[ck] = row_encoder(fields, tz)
        return enc

    # --- reads ----------------------------------------------------------------------------
    def select(
        self,
        key: str,
        columns: Sequence[str],
        where: str = "",
        args: Sequence[Any] = (),
        *,
        order: str = '"id"',
        limit: int | None = None,
        offset: int = 0,
        id_index: str | None = None,
    ) -> list[Row]:
        """Rows in ``order``; with ``id_index`` (an index on id matching ``where``), the page's
        ids are found by skipping ``offset`` entries of that slim index instead of the table."""
        if id_index and limit is not None and order == '"id"':
            inner = f"SELECT id FROM {q(key)} INDEXED BY {q(id_index)}"
            if where:
                inner += f" WHERE {where}"
            inner += f' ORDER BY "id" LIMIT {int(limit)} OFFSET {int(offset)}'
            sql = (f"SELECT {', '.join(q(c) for c in columns)} FROM {q(key)} "
                   f'WHERE "id" IN ({inner}) ORDER BY "id"')
            return self.db.execute(sql, tuple(args)).fetchall()
        sql = f"SELECT {', '.join(q(c) for c in columns)} FROM {q(key)}"
        if where:
            sql += f" WHERE {where}"
        if order:
            sql += f" ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        elif offset:
            sql += f" LIMIT -1 OFFSET {int(offset)}"
        return self.db.execute(sql, tuple(args)).fetchall()

    def get(self, key: str, record_id: int) -> dict[str, Any] | None:
        """One stored row as a column → value dict (hidden columns included)."""
        cur = self.db.execute(f"SELECT * FROM {q(key)} WHERE id = ?", (record_id,))
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cur.description], row, strict=True))

    def exists(self, key: str, record_id: Any) -> bool:
        sql = f"SELECT 1 FROM {q(key)} WHERE id = ?"
        return self.db.execute(sql, (record_id,)).fetchone() is not None

    def lead_id_by_email(self, email: str) -> int | None:
        row = self.db.execute("SELECT id FROM lead WHERE emailAddress = ?", (email,)).fetchone()
        return None if row is None else int(row[0])

    # --- writes ---------------------------------------------------------------------------
    def insert(self, key: str, record: Mapping[str, Any]) -> int:
        cols = list(record)
        sql = (
            f"INSERT INTO {q(key)} ({', '.join(q(c) for c in cols)}) "
            f"VALUES ({', '.join('?' for _ in cols)})"
        )
        cur = self.db.execute(sql, [record[c] for c in cols])
        return int(cur.lastrowid or 0)

    def insert_many(self, key: str, columns: Sequence[str], rows: Iterable[Row]) -> None:
        sql = (
            f"INSERT INTO {q(key)} ({', '.join(q(c) for c in columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})"
        )
        self.db.executemany(sql, rows)

    def update(self, key: str, record_id: int, changes: Mapping[str, Any]) -> int:
        if not changes:
            return 0
        sets = ", ".join(f"{q(c)} = ?" for c in changes)
        cur = self.db.execute(
            f"UPDATE {q(key)} SET {sets} WHERE id = ?", [*changes.values(), record_id]
        )
        return cur.rowcount

    def delete(self, key: str, where: str, args: Sequence[Any]) -> int:
        return self.db.execute(f"DELETE FROM {q(key)} WHERE {where}", tuple(args)).rowcount

    # --- custom field columns -------------------------------------------------------------
    def add_column(self, key: str, f: Field) -> None:
        self.db.execute(f"ALTER TABLE {q(key)} ADD COLUMN {q(f.name)} {SQL_TYPE[f.kind]}")

    def drop_column(self, key: str, name: str) -> None:
        self.db.execute(f"ALTER TABLE {q(key)} DROP COLUMN {q(name)}")

    def add_standard_fields(self) -> None:
        """getFields rows for the standard fields of the entities that carry custom fields."""
        rows = []
        for relationship in RELATIONSHIPS:
            e = _entity_for_relationship(relationship)
            for f in e.fields:
                options = (
                    json.dumps([
                        {"label": c, "value": c, "displayOrder": i}
                        for i, c in enumerate(f.choices)
                    ])
                    if f.choices
                    else None
                )
                rows.append((
                    relationship, f.name, f.label, "system", data_type_of(f), f.max_length,
                    int(f.required), 0, 1, 1, int(not f.read_only), int(relationship == "lead"),
                    options,
                ))
        self.insert_many("field", FIELD_COLUMNS, rows)


FIELD_COLUMNS = (
    "relationship", "systemName", "label", "source", "dataType", "dataLength", "isRequired",
    "isCustom", "isActive", "isAvailableInContactManager", "isEditableInContactManager",
    "isAvailableInForms", "options",
)

__all__ = ["FIELD_COLUMNS", "HIDDEN", "Store", "data_type_of"]
