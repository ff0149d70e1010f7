"""limit/offset paging (reference §1.5): capped at 500, default 500, offset a record index."""

from __future__ import annotations

from ssui.api import SharpSpringClient
from ssui.sandbox import SandboxApp

from .conftest import Call


async def test_limit_is_capped_silently_at_500(call: Call, app: SandboxApp) -> None:
    total = app.store.db.execute("SELECT COUNT(*) FROM event").fetchone()[0]
    assert total > 500
    rows = (await call("getEvents", {"where": {}, "limit": 1000}))["result"]["event"]
    assert len(rows) == 500


async def test_limit_defaults_to_500(call: Call) -> None:
    rows = (await call("getEvents", {"where": {}}))["result"]["event"]
    assert len(rows) == 500


async def test_offset_is_a_record_index_not_a_page_number(call: Call) -> None:
    first = (await call("getLeads", {"where": {}, "limit": 10}))["result"]["lead"]
    shifted = (await call("getLeads", {"where": {}, "limit": 5, "offset": 3}))["result"]["lead"]
    assert [r["id"] for r in shifted] == [r["id"] for r in first[3:8]]


async def test_the_end_is_a_short_page_and_no_totals_are_sent(call: Call, app: SandboxApp) -> None:
    active = app.store.db.execute("SELECT COUNT(*) FROM lead WHERE active != 0").fetchone()[0]
    body = await call("getLeads", {"where": {}, "limit": 50, "offset": active - 7})
    assert len(body["result"]["lead"]) == 7
    assert set(body) == {"result", "error", "id"} and set(body["result"]) == {"lead"}


async def test_a_negative_or_non_numeric_limit_is_205(call: Call) -> None:
    assert (await call("getLeads", {"where": {}, "limit": -1}))["error"]["code"] == 205
    assert (await call("getLeads", {"where": {}, "limit": "many"}))["error"]["code"] == 205
    assert (await call("getLeads", {"where": {}, "limit": [5]}))["error"]["code"] == 210


async def test_paging_through_ssui_api_sees_every_active_lead_once(
    client: SharpSpringClient, app: SandboxApp
) -> None:
    expected = {r[0] for r in app.store.db.execute("SELECT id FROM lead WHERE active != 0")}
    seen: list[int] = []
    async for page in client.iter_pages("lead", page_size=37):
        seen.extend(r["id"] for r in page)
    assert len(seen) == len(set(seen)) and set(seen) == expected
