"""The SQLite schema, derived from the entity registry: a table per entity, a column per field.

Custom fields become columns too (createFields adds them with ALTER TABLE). A few hidden
columns, prefixed ``_``, hold what the API exposes only indirectly (why a list member left).
Text values are stored as the API spells them; timestamps as UTC ``YYYY-MM-DD HH:MM:SS``.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..entities import REGISTRY, Entity, Field, Kind

SQL_TYPE: Mapping[Kind, str] = {
    Kind.TEXT: "TEXT",
    Kind.LONG_TEXT: "TEXT",
    Kind.INT: "INTEGER",
    Kind.DECIMAL: "REAL",
    Kind.MONEY: "TEXT",  # kept as decimal text so amounts never pass through a float
    Kind.BOOL: "INTEGER",
    Kind.DATE: "TEXT",
    Kind.DATETIME: "TEXT",
    Kind.ENUM: "TEXT",
    Kind.REFERENCE: "INTEGER",
    Kind.JSON: "TEXT",
}

# Columns the registry does not describe but the sandbox needs to act like the API.
HIDDEN: Mapping[str, tuple[tuple[str, str], ...]] = {
    # removed | unsubscribed | hardbounced: getRemovedListMembers' ``flag``.
    "list_member": (("_flag", "TEXT"),),
    # getEmailEvents' ``eventType`` (open, click, bounce, unsubscribe, spam).
    "email_event": (("_eventType", "TEXT"),),
}

# Reference targets worth an index: the joins and filters the methods run.
_INDEXED_REFS = frozenset({"lead", "list", "email_job", "opportunity"})


def q(name: str) -> str:
    """A quoted SQL identifier (field names are case-sensitive and may be keywords)."""
    return '"' + name.replace('"', '""') + '"'


def column_def(f: Field) -> str:
    if f.name == "id":
        # AUTOINCREMENT: an id is never handed out again after a delete ([INF]: a real account's
        # ids only grow), so a mirror keyed by id never takes a new record for a deleted one.
        return '"id" INTEGER PRIMARY KEY AUTOINCREMENT'
    collate = " COLLATE NOCASE" if f.name == "emailAddress" else ""  # emails match any case
    return f"{q(f.name)} {SQL_TYPE[f.kind]}{collate}"


def table_ddl(e: Entity) -> str:
    cols = [column_def(f) for f in e.fields]
    cols += [f"{q(name)} {sqltype}" for name, sqltype in HIDDEN.get(e.key, ())]
    return f"CREATE TABLE IF NOT EXISTS {q(e.key)} ({', '.join(cols)})"


LIVE = 'COALESCE("active", 1) != 0'
"""Leads that unfiltered getLeads and getLeadsDateRange show (inactive ones are hidden)."""


def index_ddl(e: Entity) -> list[str]:
    names: list[str] = []
    for f in e.fields:
        if f.name == "id":
            continue
        if (
            f.name in e.methods.where_keys
            or f.name in ("emailAddress", "createTimestamp", "updateTimestamp")
            or (f.kind is Kind.REFERENCE and f.ref in _INDEXED_REFS)
        ):
            names.append(f.name)
    out = [
        f"CREATE INDEX IF NOT EXISTS {q(f'ix_{e.key}_{n}')} ON {q(e.key)} ({q(n)})" for n in names
    ]
    if e.has_field("active"):
        # Paging the live leads skips OFFSET rows in this slim index, not in the wide table.
        out.append(f"CREATE INDEX IF NOT EXISTS {q(f'ix_{e.key}_live')} ON {q(e.key)} (id) "
                   f"WHERE {LIVE}")
    return out


def all_ddl() -> list[str]:
    tables = [table_ddl(e) for e in REGISTRY.values()]
    tables.append("CREATE TABLE IF NOT EXISTS _meta (key TEXT PRIMARY KEY, value TEXT)")
    tables.append("CREATE TABLE IF NOT EXISTS _subscription (url TEXT, createTimestamp TEXT)")
    return tables


def all_index_ddl() -> list[str]:
    return [sql for e in REGISTRY.values() for sql in index_ddl(e)]
