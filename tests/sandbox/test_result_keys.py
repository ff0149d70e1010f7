"""Every method answers under the result key the registry (and the reference) names."""

from __future__ import annotations

from typing import Any

import pytest

from ssui.entities import REGISTRY
from ssui.sandbox import SandboxApp

from .conftest import Call

READS = [
    (m.name, m.result_key, e.key, kind)
    for e in REGISTRY.values()
    for kind, m in (("get", e.methods.get), ("list", e.methods.list),
                    ("date_range", e.methods.date_range))
    if m is not None
]

SPECIAL_PARAMS: dict[str, dict[str, Any]] = {
    "getListMembers": {"where": {"id": 1}},
    "getEmailEvents": {"emailJobID": 1},
}


def _params(method: str, kind: str) -> dict[str, Any]:
    if method in SPECIAL_PARAMS:
        return SPECIAL_PARAMS[method]
    if kind == "get":
        return {"id": 1}
    if kind == "date_range":
        return {"startDate": "2000-01-01", "endDate": "2100-01-01", "timestamp": "create"}
    return {"where": {}, "limit": 5}


@pytest.mark.parametrize(("method", "key", "entity", "kind"), READS,
                         ids=[r[0] for r in READS])
async def test_each_read_answers_under_its_registry_key_with_rows(
    call: Call, method: str, key: str, entity: str, kind: str
) -> None:
    body = await call(method, _params(method, kind))
    assert body["error"] is None, body["error"]
    rows = body["result"][key]
    assert isinstance(rows, list) and rows, f"{method} returned no rows"
    fields = set(REGISTRY[entity].field_names)
    assert set(rows[0]) >= fields


@pytest.mark.parametrize(("method", "key"), [
    ("getOpportunityLeads", "getWhereopportunityLeads"),
    ("getOpportunityLead", "opportunityLead"),
    ("getDealStages", "dealStage"),
    ("getEmailListing", "getAllemailListings"),
    ("getEmailJobs", "getAllgetEmailJobss"),
    ("getActiveLists", "activeList"),
    ("getListMembers", "getWherelistMemberGets"),
    ("getRemovedListMembers", "getWherelistLeadMembers"),
    ("getEventsByType", "event"),
    ("getUserProfiles", "userProfile"),
    ("getFields", "field"),
])
async def test_the_odd_result_keys_are_spelled_as_the_api_spells_them(
    call: Call, method: str, key: str
) -> None:
    params: dict[str, Any] = {"where": {}, "id": 1}
    if method in ("getListMembers", "getRemovedListMembers"):
        params = {"where": {"id": 1}}
    if method == "getEventsByType":
        params = {"where": {"leadID": 1}, "eventSource": "leadCreation"}
    body = await call(method, params)
    assert body["error"] is None and key in body["result"]


async def test_the_seeded_account_has_a_row_in_every_table(app: SandboxApp) -> None:
    for key in REGISTRY:
        assert app.store.db.execute(f'SELECT COUNT(*) FROM "{key}"').fetchone()[0] > 0, key
