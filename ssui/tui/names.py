"""Names for referenced records: ownerID 3 reads "Maya Lind" (no Textual here)."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from ssui.entities import Field
from ssui.mirror import MirrorStore
from ssui.text import printable


class NameResolver:
    """Looks up and caches the display names of referenced records through the mirror.

    Callable as ``resolver(field, id)``; ``prime`` fetches many names with one query, so a
    table asks for a whole window's worth at once instead of one query per cell.
    """

    def __init__(self, store: MirrorStore) -> None:
        self.store = store
        self._names: dict[tuple[str, int], str] = {}
        self._lock = threading.Lock()

    def __call__(self, field: Field, value: Any) -> str:
        if field.ref is None:
            return str(value)
        return self.name(field.ref, value)

    def name(self, entity_key: str, value: Any) -> str:
        """The name of record ``value`` of ``entity_key`` ("#id" when the mirror lacks it)."""
        try:
            record_id = int(value)
        except (TypeError, ValueError):
            return str(value)
        key = (entity_key, record_id)
        with self._lock:
            name = self._names.get(key)
        if name is None:
            self.prime(entity_key, [record_id])
            with self._lock:
                name = self._names.get(key, f"#{record_id}")
        return name

    def prime(self, entity_key: str, ids: Iterable[Any]) -> None:
        """Fetch the names of ``ids`` not cached yet, with one query."""
        wanted: list[int] = []
        with self._lock:
            for v in ids:
                try:
                    i = int(v)
                except (TypeError, ValueError):
                    continue
                if (entity_key, i) not in self._names:
                    wanted.append(i)
        if not wanted:
            return
        ent = self.store.entity(entity_key)
        found = self.store.get_many(entity_key, wanted)
        with self._lock:
            # A miss is not cached: during a first sync the referenced record may arrive a
            # moment later, and its name should then replace the "#id".
            for i, rec in found.items():
                self._names[(entity_key, i)] = printable(ent.display_name(rec))

    def prime_rows(self, fields: Iterable[Field], rows: Iterable[dict[str, Any]]) -> None:
        """Fetch every name the reference ``fields`` of ``rows`` will need."""
        rows = list(rows)
        by_entity: dict[str, set[Any]] = {}
        for f in fields:
            if f.ref is None:
                continue
            ids = by_entity.setdefault(f.ref, set())
            ids.update(r.get(f.name) for r in rows if r.get(f.name) is not None)
        for key, ids in by_entity.items():
            self.prime(key, ids)

    def forget(self, entity_key: str | None = None) -> None:
        """Drop cached names (of one entity, or all) after the mirror changed."""
        with self._lock:
            if entity_key is None:
                self._names.clear()
            else:
                self._names = {k: v for k, v in self._names.items() if k[0] != entity_key}
