"""getLeadTimeline: one lead's history under ``leadTimeline``."""

from __future__ import annotations

from .conftest import Call


async def test_a_lead_timeline_holds_only_that_leads_events_oldest_first(call: Call) -> None:
    events = (await call("getEvents", {"where": {}, "limit": 500}))["result"]["event"]
    lead_id = events[0]["leadID"]
    body = await call("getLeadTimeline", {"where": {"leadID": lead_id}})
    rows = body["result"]["leadTimeline"]
    assert rows and {r["leadID"] for r in rows} == {lead_id}
    stamps = [r["createTimestamp"] for r in rows]
    assert stamps == sorted(stamps)


async def test_a_lead_timeline_without_a_lead_is_206(call: Call) -> None:
    body = await call("getLeadTimeline", {"where": {}})
    assert body["error"]["code"] == 206
