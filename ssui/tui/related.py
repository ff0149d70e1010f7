"""Records related to one record, found from the registry's references (no Textual here).

A lead's account comes from its accountID; its opportunities from every opportunity field
that points at leads (primaryLeadID, originatingLeadID) and from the opportunity_lead links.
Nothing here names those fields: they are read off the registry, so a new reference shows up
without code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ssui.entities import BROWSABLE, REGISTRY, Entity, Kind
from ssui.mirror import MIRRORED, Filter, MirrorStore, Query

SHOWN = 8
BROWSABLE_KEYS = tuple(e.key for e in BROWSABLE)


@dataclass
class RelatedGroup:
    """Records of one entity related to the record in view (the first few, and how many)."""

    title: str
    entity: Entity
    records: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    exact: bool = True


def _links() -> list[tuple[Entity, str, str, str]]:
    """Link tables as (entity, field to us, field to them, their entity): opportunity_lead."""
    out = []
    for key in MIRRORED:
        e = REGISTRY[key]
        refs = [f for f in e.fields if f.kind is Kind.REFERENCE and f.ref in BROWSABLE_KEYS]
        if key not in BROWSABLE_KEYS and len(refs) == 2:
            a, b = refs
            assert a.ref is not None and b.ref is not None
            out.append((e, a.name, b.name, b.ref))
            out.append((e, b.name, a.name, a.ref))
    return out


def related(store: MirrorStore, entity_key: str, record: dict[str, Any],
            shown: int = SHOWN) -> list[RelatedGroup]:
    """The groups of records related to ``record``: what it points at, then what points at it."""
    me = store.entity(entity_key)
    rid = record.get("id")
    groups: list[RelatedGroup] = []
    for f in me.references:
        value = record.get(f.name)
        if f.ref in BROWSABLE_KEYS and value is not None:
            assert f.ref is not None
            other = store.get(f.ref, int(value))
            groups.append(RelatedGroup(f.label, store.entity(f.ref),
                                       [other] if other else [], 1 if other else 0))
    if rid is None:
        return groups
    for other_entity in BROWSABLE:
        them = store.entity(other_entity.key)
        paths = [Query(them.key, (Filter(f.name, "=", rid),), limit=shown + 1)
                 for f in them.references if f.ref == entity_key]
        ids: dict[int, dict[str, Any]] = {}
        totals: list[int] = []
        for q in paths:
            totals.append(store.count(q))
            for r in store.page(q):
                ids.setdefault(r["id"], r)
        for link, mine, theirs, their_key in _links():
            if link.key == entity_key or their_key != them.key:
                continue
            if not link.has_field(mine) or REGISTRY[link.key].field(mine).ref != entity_key:
                continue
            lq = Query(link.key, (Filter(mine, "=", rid),), limit=shown + 1)
            totals.append(store.count(lq))
            linked = [r[theirs] for r in store.page(lq) if r.get(theirs) is not None]
            for i, r in store.get_many(them.key, linked).items():
                ids.setdefault(i, r)
        if not totals or not ids:
            continue
        # One path counts exactly; several may overlap, so their union is only bounded.
        complete = all(t <= shown for t in totals)
        exact = complete or len(totals) == 1
        total = len(ids) if complete else max(max(totals), len(ids))
        rows = sorted(ids.values(), key=lambda r: r["id"], reverse=True)[:shown]
        groups.append(RelatedGroup(them.plural, them, rows, total, exact=exact))
    return groups
