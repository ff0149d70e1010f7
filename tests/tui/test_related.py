"""Related records come from the registry's references, with honest counts."""

from __future__ import annotations

from ssui.mirror import Filter, MirrorStore, Query
from ssui.tui.related import related


def _groups(store: MirrorStore, key: str, rid: int) -> dict[str, tuple[int, list[int]]]:
    record = store.get(key, rid)
    assert record is not None
    return {g.title: (g.total, [r["id"] for r in g.records]) for g in related(store, key, record)}


def test_a_lead_shows_its_account_and_its_opportunities(store: MirrorStore) -> None:
    lead = store.get("lead", 6)
    assert lead is not None
    groups = _groups(store, "lead", 6)
    assert groups["Account"] == (1, [lead["accountID"]])
    primary = {r["id"] for r in store.page(Query(
        "opportunity", (Filter("primaryLeadID", "=", 6),), limit=100))}
    assert primary and set(groups["Opportunities"][1]) == primary


def test_an_account_shows_its_leads_and_opportunities_with_true_totals(
        store: MirrorStore) -> None:
    groups = _groups(store, "account", 1)
    leads = store.count(Query("lead", (Filter("accountID", "=", 1),)))
    opps = store.count(Query("opportunity", (Filter("accountID", "=", 1),)))
    assert groups["Leads"][0] == leads and len(groups["Leads"][1]) == min(leads, 8)
    assert groups["Opportunities"][0] == opps
