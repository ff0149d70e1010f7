"""A list exported as it is shown: CSV or JSON of every row its query matches, not only the
rows loaded on screen, streamed from SQLite in chunks and written atomically.

The rows are the ones ``MirrorStore.page`` would show for the same ``Query`` (its filters,
search text and sort; its window, ``offset`` and ``limit``, is ignored), in the same order.
Nothing here knows about terminals: the app passes its current query and a progress callback,
``ssui export`` builds the query from the command line.

Values, as chosen for re-import and for scripts:

* Columns: every field of the entity as the account has it (custom fields included), in the
  registry's order, unless ``fields`` names some. The CSV header holds the API field names
  (what SharpSpring's import and the API expect), or the labels with ``labels=True``; JSON keys
  are always the API names.
* Dates are ISO (``2026-01-05``); dates with a time are ISO in UTC (``2026-01-05T09:00:00Z``).
  Flags are ``1``/``0`` in CSV (SharpSpring's own spelling) and ``true``/``false`` in JSON.
  References are ids. Amounts are plain numbers (``1500.5``). Empty is an empty cell, ``null``.
* CSV is RFC 4180 (UTF-8, ``\\r\\n``, quoted where needed), optionally with a byte order mark
  for Excel. Values come from strangers' web forms, so by default a text cell that a
  spreadsheet would run as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a
  line break) gets a leading ``'``, unless it is only a number or a phone number (digits,
  spaces and ``+-().``): ``=HYPERLINK(...)`` becomes ``'=HYPERLINK(...)``, ``+47 2212 3456``
  stays. JSON keeps every value exact (DEL, C1 controls and line separators escaped, which
  JSON readers read back unchanged).

A file target is written to a temporary file in the same folder and renamed over the target
at the end, so an export cut short (an error, Ctrl-C, a progress callback that raises) never
leaves a half file under the target's name. Account data is personal data: a new file is
private to its owner (0600, like the mirror; see ``files``), a file it replaces keeps its mode.

The rows are read through a connection of their own, in one read transaction: the count and
the rows agree, a sync writing meanwhile changes neither, and the store's lock is not held
(the app's lists keep answering while an export runs). An in-memory store has no second
connection; it is read under its lock.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import os
import re
import sqlite3
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, cast

import orjson

from ssui.entities import Entity, Field, Kind
from ssui.text import json_safe

from .query import Query, fold_value
from .schema import quote, table
from .store import MirrorStore
from .tables import BUSY_TIMEOUT, FOLD_SQL

Format = Literal["csv", "json"]
FORMATS: tuple[Format, ...] = ("csv", "json")
# Called with (rows written, rows in all) when the export starts, after every chunk, and at the
# end. It may raise to stop the export (the target is then left as it was).
Progress = Callable[[int, int], None]
Target = str | os.PathLike[str] | IO[str] | IO[bytes]
# Rows read and written at a time: enough to keep the per-chunk cost small, few enough that
# memory stays flat (2,000 leads are about 1 MB) and progress moves.
CHUNK = 2_000

# A cell a spreadsheet reads as a formula starts with one of these (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# ... unless it is only a number or a phone number: such a "formula" is arithmetic at worst.
_PLAIN_NUMBER = re.compile(r"[0-9 ().+-]*")
# The same two tests in SQL, so the cells are made safe where they are read (in C, not per
# cell in Python). In a GLOB set a "-" first or last is itself, not a range.
_SQL_STARTS = "GLOB '[" + "".join(c for c in FORMULA_STARTS if c != "-") + "-]*'"
_SQL_NOT_PLAIN = "GLOB '*[^-0-9 ().+]*'"
# Kinds whose column holds text (SQLite's TEXT affinity turns a number into text there).
_TEXT_COLUMNS = frozenset({Kind.TEXT, Kind.LONG_TEXT, Kind.ENUM, Kind.JSON, Kind.DATE,
                           Kind.DATETIME})
# How the mirror stores a date and time (``schema.SQL_DATETIME``, UTC).
_SQL_DATETIME_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
BOM = b"\xef\xbb\xbf"
# The UTF-8 of what ``json_safe`` escapes (DEL, C1 controls, U+2028, U+2029): a cheap test
# before decoding a chunk to escape it.
_JSON_UNSAFE_UTF8 = re.compile(rb"\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]")


class ExportError(ValueError):
    """An export that cannot start (a field the entity does not have, an unknown format)."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote: ``rows`` records, ``bytes`` bytes, to ``path`` (None: a stream)."""

    rows: int
    bytes: int
    path: Path | None


def formula_safe(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet will not run: a leading ``'`` when it starts like a
    formula and is not only a number or a phone number (what the export does in SQL)."""
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def synced(store: MirrorStore, key: str) -> bool:
    """Whether the mirror holds a complete copy of entity ``key``: its first full sync got to
    the end (the mark ``SyncEngine`` sets; later syncs only keep it fresh)."""
    state = store.get_meta(f"sync:{key}") or {}
    return bool(state.get("full_done"))


def export_query(store: MirrorStore, query: Query, fmt: Format, target: Target, *,
                 fields: Sequence[str] | None = None, labels: bool = False,
                 safe_formulas: bool = True, bom: bool = False,
                 progress: Progress | None = None, chunk: int = CHUNK) -> ExportResult:
    """Write every row of ``query.entity`` that ``query`` matches, in its order, as ``fmt``.

    ``target`` is a path (written atomically, see the module notes) or an open stream, text or
    binary (a text stream should be opened with ``newline=""``; it is written to and flushed,
    not closed). ``fields``: API names of the columns, in order (default: every field).
    ``labels``: the CSV header holds labels instead of API names. ``safe_formulas``: neutralise
    CSV cells a spreadsheet would run (default on). ``bom``: start a CSV with a UTF-8 byte
    order mark (Excel then reads accents right). ``progress(done, total)``: see ``Progress``.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    entity = store.entity(query.entity)
    columns = _columns(entity, fields)
    if isinstance(target, str | os.PathLike):
        path = Path(target)
        written, size = _to_file(path, lambda sink: _write(
            store, query, entity, columns, fmt, sink, labels, safe_formulas, bom, progress,
            chunk))
        return ExportResult(written, size, path)
    sink = _Sink(target)
    written = _write(store, query, entity, columns, fmt, sink, labels, safe_formulas, bom,
                     progress, chunk)
    sink.flush()
    return ExportResult(written, sink.bytes, None)


def _columns(entity: Entity, names: Sequence[str] | None) -> tuple[Field, ...]:
    if names is None:
        return entity.fields
    unknown = [n for n in names if not entity.has_field(n)]
    if unknown:
        raise ExportError(f"{entity.plural.lower()} have no field {', '.join(unknown)}")
    if not names:
        raise ExportError("no fields to export")
    return tuple(entity.field(n) for n in dict.fromkeys(names))


# -- where the bytes go ----------------------------------------------------------------------


class _Sink:
    """A stream the export writes UTF-8 to, counting bytes; a text stream gets text."""

    def __init__(self, stream: IO[str] | IO[bytes]) -> None:
        self.stream = stream
        text = isinstance(stream, io.TextIOBase) or (
            hasattr(stream, "encoding") and not isinstance(
                stream, io.BufferedIOBase | io.RawIOBase))
        self._text = cast("IO[str]", stream) if text else None
        self._binary = None if text else cast("IO[bytes]", stream)
        self.bytes = 0

    def write(self, data: bytes | bytearray) -> None:
        if self._binary is not None:
            self._binary.write(data)
        elif self._text is not None:
            self._text.write(data.decode("utf-8"))
        self.bytes += len(data)

    def flush(self) -> None:
        self.stream.flush()


def _to_file(path: Path, write: Callable[[_Sink], int]) -> tuple[int, int]:
    """Write through ``write`` to a temporary file beside ``path``, then rename it over
    ``path``; on any failure the temporary file goes and ``path`` is left as it was."""
    if path.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(path))
    folder = path.parent
    # mkstemp: a name nobody else has, created 0600.
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    try:
        with open(fd, "wb", buffering=1 << 20) as f:
            sink = _Sink(f)
            written = write(sink)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))  # a replaced file keeps its mode
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _sync_folder(folder)
    return written, sink.bytes


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; elsewhere the rename is what there is)."""
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- reading the rows ------------------------------------------------------------------------


@contextlib.contextmanager
def _reader(store: MirrorStore) -> Iterator[sqlite3.Connection]:
    """A connection to read the rows through, in one snapshot (see the module notes)."""
    db = _own_connection(store)
    if db is None:
        with store._lock:
            yield store._db
        return
    try:
        yield db
    finally:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        db.close()


def _own_connection(store: MirrorStore) -> sqlite3.Connection | None:
    if store.path == ":memory:" or store.path.startswith("file:"):
        return None
    try:
        uri = Path(store.path).resolve().as_uri() + "?mode=ro"
        db = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT, isolation_level=None,
                             check_same_thread=False)
    except (sqlite3.Error, ValueError):
        return None
    try:
        # The "contains" filter folds values as the store's own connection does.
        db.create_function(FOLD_SQL, 1, functools.lru_cache(4096)(fold_value),
                           deterministic=True)
        db.execute("PRAGMA temp_store=MEMORY")  # a sort by an unindexed column
        db.execute("BEGIN")
        db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # the snapshot starts
    except sqlite3.Error:
        db.close()
        return None
    return db


def _order(entity: Entity, q: Query) -> str:
    # As MirrorStore.page orders a query, so the export's rows come in the list's order.
    direction = "DESC" if q.descending else "ASC"
    if q.sort and entity.has_field(q.sort):
        return f"ORDER BY {quote(q.sort)} {direction}, id {direction}"
    return f"ORDER BY id {direction}"


def _iso(col: str) -> str:
    """SQL: a stored date and time as ISO 8601 in UTC; anything else as it is."""
    return (f"CASE WHEN {col} GLOB '{_SQL_DATETIME_GLOB}'"
            f" THEN substr({col}, 1, 10) || 'T' || substr({col}, 12) || 'Z' ELSE {col} END")


def _formula_safe_sql(expr: str, text: bool) -> str:
    """SQL: ``expr`` with a leading ' when it is text that starts like a formula (see
    ``formula_safe``). A number is left alone: in a number column only a stray text value is
    looked at (a float as text, "-1.0e-05", would look like a formula)."""
    stray = "" if text else f"typeof({expr}) = 'text' AND "
    return (f"CASE WHEN {stray}{expr} {_SQL_STARTS} AND {expr} {_SQL_NOT_PLAIN}"
            f" THEN '''' || {expr} ELSE {expr} END")


def _select(f: Field, fmt: Format, safe_formulas: bool) -> str:
    expr = quote(f.name)
    if f.kind is Kind.DATETIME:
        expr = _iso(expr)
    if fmt == "csv" and safe_formulas and f.name != "id":  # the id is the primary key
        expr = _formula_safe_sql(expr, f.kind in _TEXT_COLUMNS)
    return expr


def _write(store: MirrorStore, q: Query, entity: Entity, columns: tuple[Field, ...],
           fmt: Format, sink: _Sink, labels: bool, safe_formulas: bool, bom: bool,
           progress: Progress | None, chunk: int) -> int:
    chunk = max(1, chunk)
    where, args = store._where(q)  # the filters and search exactly as the list reads them
    cols = ", ".join(_select(f, fmt, safe_formulas) for f in columns)
    with _reader(store) as db:
        total = int(db.execute(f"SELECT count(*) FROM {table(entity)} {where}", args)
                    .fetchone()[0])
        cursor = db.execute(f"SELECT {cols} FROM {table(entity)} {where} {_order(entity, q)}",
                            args)
        if progress:
            progress(0, total)
        chunks = iter(lambda: cursor.fetchmany(chunk), [])
        if fmt == "csv":
            header = [f.label if labels else f.name for f in columns]
            done = _write_csv(sink, header, chunks, bom, total, progress)
        else:
            done = _write_json(sink, columns, chunks, total, progress)
    if progress:
        progress(done, max(total, done))
    return done


Chunks = Iterator[list[tuple[Any, ...]]]


def _write_csv(sink: _Sink, header: list[str], chunks: Chunks, bom: bool, total: int,
               progress: Progress | None) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    sink.write((BOM if bom else b"") + buffer.getvalue().encode("utf-8"))
    done = 0
    for rows in chunks:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(rows)  # None is an empty cell, flags 1/0: the stored values
        sink.write(buffer.getvalue().encode("utf-8"))
        done += len(rows)
        if progress and done < total:
            progress(done, total)
    return done


def _write_json(sink: _Sink, columns: tuple[Field, ...], chunks: Chunks, total: int,
                progress: Progress | None) -> int:
    names = [f.name for f in columns]
    flags = [f.name for f in columns if f.kind is Kind.BOOL]
    blobs = [f.name for f in columns if f.kind is Kind.JSON]
    dumps = orjson.dumps
    done = 0
    sink.write(b"[")
    for rows in chunks:
        # Each record's JSON is copied into one buffer at once: orjson's result keeps spare
        # room (about 11 KB a lead), which a list of 2,000 of them would hold on to.
        data = bytearray(b"\n" if done == 0 else b",\n")
        for i, row in enumerate(rows):
            record = dict(zip(names, row, strict=True))
            for n in flags:
                v = record[n]
                if isinstance(v, int):
                    record[n] = bool(v)
            for n in blobs:
                record[n] = _json_value(record[n])
            if i:
                data += b",\n"
            data += dumps(record)
        if _JSON_UNSAFE_UTF8.search(data):
            data = bytearray(json_safe(data.decode("utf-8")).encode("utf-8"))
        sink.write(data)
        done += len(rows)
        if progress and done < total:
            progress(done, total)
    sink.write(b"\n]\n" if done else b"]\n")
    return done


def _json_value(v: Any) -> Any:
    """A JSON field's stored text as the value it holds (as ``schema.from_sql`` reads it)."""
    if isinstance(v, str) and v[:1] in ("{", "["):
        try:
            return orjson.loads(v)
        except orjson.JSONDecodeError:
            return v
    return v
