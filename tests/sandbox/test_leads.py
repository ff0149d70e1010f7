"""Lead methods and their recorded quirks (reference §2.1, §3.2), through ssui.api."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ssui.api import SharpSpringClient
from ssui.sandbox import SandboxApp

from .conftest import Call


async def _lead(call: Call, lead_id: int) -> dict[str, object]:
    rows = (await call("getLead", {"id": lead_id}))["result"]["lead"]
    assert len(rows) == 1
    return dict(rows[0])


async def _create(call: Call, **fields: object) -> int:
    body = await call("createLeads", {"objects": [fields]})
    entry = body["result"]["creates"][0]
    assert entry["success"] is True, entry
    return int(entry["id"])


async def test_get_lead_wraps_one_lead_in_an_array(call: Call) -> None:
    rows = (await call("getLead", {"id": 3}))["result"]["lead"]
    assert [r["id"] for r in rows] == ["3"]


async def test_get_lead_of_an_unknown_id_is_an_empty_array(call: Call) -> None:
    assert (await call("getLead", {"id": 999999}))["result"]["lead"] == []


async def test_get_lead_with_a_list_id_is_210(call: Call) -> None:
    assert (await call("getLead", {"id": [1, 2]}))["error"]["code"] == 210


async def test_get_lead_without_id_is_206(call: Call) -> None:
    assert (await call("getLead", {}))["error"]["code"] == 206


async def test_every_value_is_a_string_or_null(call: Call) -> None:
    leads = (await call("getLeads", {"where": {}, "limit": 50}))["result"]["lead"]
    assert leads
    for lead in leads:
        assert all(v is None or isinstance(v, str) for v in lead.values()), lead


async def test_empty_custom_fields_read_as_empty_string_and_standard_ones_as_null(
    client: SharpSpringClient, call: Call
) -> None:
    custom = await client.load_custom_fields()
    names = {f.name for f in custom["lead"]}
    lead = await _lead(call, await _create(call, emailAddress="bare@example.com"))
    assert names and all(lead[n] == "" for n in names)
    assert lead["firstName"] is None and lead["phoneNumber"] is None
    assert lead["active"] == "1" and lead["leadStatus"] == "unqualified"


async def test_get_leads_filters_by_a_list_of_ids_ignoring_other_filters(call: Call) -> None:
    where = {"id": [2, 4, 6], "emailAddress": "nobody@nowhere.example"}
    rows = (await call("getLeads", {"where": where}))["result"]["lead"]
    assert sorted(int(r["id"]) for r in rows) == [2, 4, 6]


async def test_get_leads_filters_by_a_single_id(call: Call) -> None:
    rows = (await call("getLeads", {"where": {"id": "5"}}))["result"]["lead"]
    assert [r["id"] for r in rows] == ["5"]


async def test_email_matching_ignores_case(call: Call) -> None:
    email = str((await _lead(call, 7))["emailAddress"])
    rows = (await call("getLeads", {"where": {"emailAddress": email.upper()}}))["result"]["lead"]
    assert [r["id"] for r in rows] == ["7"]


async def test_fields_selects_only_the_named_keys(call: Call) -> None:
    params = {"where": {}, "limit": 3, "fields": ["id", "emailAddress", "noSuchField"]}
    rows = (await call("getLeads", params))["result"]["lead"]
    assert [set(r) for r in rows] == [{"id", "emailAddress"}] * 3


async def test_filtering_on_a_key_that_is_not_a_where_key_is_205(call: Call) -> None:
    body = await call("getLeads", {"where": {"city": "Boston"}})
    assert body["error"]["code"] == 205


async def test_get_leads_without_where_is_206(call: Call) -> None:
    assert (await call("getLeads", {}))["error"]["code"] == 206


async def test_create_returns_success_null_error_and_a_numeric_id(call: Call) -> None:
    body = await call("createLeads", {"objects": [{"emailAddress": "x1@example.com",
                                                   "id": 5}]})
    entry = body["result"]["creates"][0]
    assert entry["success"] is True and entry["error"] is None
    assert isinstance(entry["id"], int) and entry["id"] != 5


async def test_create_stores_what_was_sent(call: Call) -> None:
    lead_id = await _create(call, emailAddress="Mia@Example.com", firstName="Mia", leadScore="12",
                            isUnsubscribed=1, leadStatus="open")
    lead = await _lead(call, lead_id)
    assert (lead["emailAddress"], lead["firstName"], lead["leadScore"]) == (
        "Mia@Example.com", "Mia", "12")
    assert (lead["isUnsubscribed"], lead["leadStatus"]) == ("1", "open")


async def test_create_logs_a_lead_creation_event(call: Call) -> None:
    lead_id = await _create(call, emailAddress="evt@example.com")
    events = (await call("getEvents", {"where": {"leadID": lead_id}}))["result"]["event"]
    assert [e["eventSource"] for e in events] == ["leadCreation"]


async def test_a_duplicate_email_in_any_case_is_301(call: Call) -> None:
    email = str((await _lead(call, 1))["emailAddress"])
    objects = [{"emailAddress": email.upper()}, {"emailAddress": "twin@example.com"},
               {"emailAddress": "TWIN@example.com"}]
    creates = (await call("createLeads", {"objects": objects}))["result"]["creates"]
    assert [c["success"] for c in creates] == [False, True, False]
    assert creates[0]["error"]["code"] == 301 and creates[2]["error"]["code"] == 301


async def test_a_missing_email_is_206_and_an_empty_one_205(call: Call) -> None:
    creates = (await call("createLeads", {"objects": [
        {"firstName": "x"}, {"emailAddress": ""}, {"emailAddress": None},
    ]}))["result"]["creates"]
    assert [c["error"]["code"] for c in creates] == [206, 205, 205]


async def test_a_lead_status_outside_the_list_is_205(call: Call) -> None:
    creates = (await call("createLeads", {"objects": [
        {"emailAddress": "s@example.com", "leadStatus": "hot"}]}))["result"]["creates"]
    assert creates[0]["error"]["code"] == 205


async def test_a_value_of_the_wrong_type_is_205(call: Call) -> None:
    creates = (await call("createLeads", {"objects": [
        {"emailAddress": "t1@example.com", "leadScore": "lots"},
        {"emailAddress": "t2@example.com", "active": 7},
        {"emailAddress": "t3@example.com", "firstName": None},
        {"emailAddress": "t4@example.com", "favouriteColour": "red"},
    ]}))["result"]["creates"]
    assert [c["error"]["code"] for c in creates] == [205, 205, 205, 205]


async def test_an_unknown_owner_is_a_foreign_key_failure_303(call: Call) -> None:
    creates = (await call("createLeads", {"objects": [
        {"emailAddress": "o@example.com", "ownerID": 4242}]}))["result"]["creates"]
    assert creates[0]["error"]["code"] == 303


async def _deactivate(call: Call, lead_id: int) -> None:
    body = await call("updateLeads", {"objects": [{"id": lead_id, "active": 0}]})
    assert body["result"]["updates"][0]["success"] is True


async def test_inactive_leads_are_hidden_from_unfiltered_get_leads(call: Call) -> None:
    await _deactivate(call, 1)
    ids = {r["id"] for r in (await call("getLeads", {"where": {}}))["result"]["lead"]}
    assert "1" not in ids and "2" in ids


async def test_inactive_leads_are_returned_when_filtering_by_id_or_email(call: Call) -> None:
    await _deactivate(call, 1)
    email = (await _lead(call, 1))["emailAddress"]
    by_id = (await call("getLeads", {"where": {"id": 1}}))["result"]["lead"]
    by_email = (await call("getLeads", {"where": {"emailAddress": email}}))["result"]["lead"]
    assert [r["active"] for r in by_id + by_email] == ["0", "0"]


async def test_inactive_leads_are_hidden_from_get_leads_date_range(call: Call) -> None:
    await _deactivate(call, 1)
    params = {"startDate": "2000-01-01 00:00:00", "endDate": "2100-01-01 00:00:00",
              "timestamp": "update"}
    ids = {r["id"] for r in (await call("getLeadsDateRange", params))["result"]["lead"]}
    assert "1" not in ids and "2" in ids


async def test_update_by_id_changes_the_email_when_it_is_unused(call: Call) -> None:
    before = await _lead(call, 2)
    body = await call("updateLeads", {"objects": [{"id": 2, "emailAddress": "fresh@example.com"}]})
    assert body["result"]["updates"] == [{"success": True, "error": None}]
    after = await _lead(call, 2)
    assert after["emailAddress"] == "fresh@example.com"
    assert after["updateTimestamp"] >= before["updateTimestamp"]  # type: ignore[operator]


async def test_update_by_email_finds_the_lead_without_an_id(call: Call) -> None:
    email = str((await _lead(call, 3))["emailAddress"])
    await call("updateLeads", {"objects": [{"emailAddress": email.upper(), "title": "CTO"}]})
    lead = await _lead(call, 3)
    assert lead["title"] == "CTO" and lead["emailAddress"] == email


async def test_update_with_another_leads_email_reports_success_but_only_touches_the_time(
    call: Call, app: SandboxApp
) -> None:
    other = str((await _lead(call, 5))["emailAddress"])
    app.store.db.execute("UPDATE lead SET updateTimestamp='2020-01-01 00:00:00' WHERE id=4")
    before = await _lead(call, 4)
    body = await call("updateLeads", {"objects": [{"id": 4, "emailAddress": other,
                                                   "firstName": "Changed"}]})
    assert body["result"]["updates"][0]["success"] is True
    after = await _lead(call, 4)
    assert after["updateTimestamp"] != before["updateTimestamp"]
    assert {k: v for k, v in after.items() if k != "updateTimestamp"} == {
        k: v for k, v in before.items() if k != "updateTimestamp"}


async def test_update_of_an_unknown_id_or_email_reports_success_and_changes_nothing(
    call: Call, app: SandboxApp
) -> None:
    count = app.store.db.execute("SELECT COUNT(*), MAX(updateTimestamp) FROM lead").fetchone()
    body = await call("updateLeads", {"objects": [
        {"id": 987654, "firstName": "Ghost"}, {"emailAddress": "ghost@nowhere.example"}]})
    assert [u["success"] for u in body["result"]["updates"]] == [True, True]
    assert app.store.db.execute(
        "SELECT COUNT(*), MAX(updateTimestamp) FROM lead").fetchone() == count


async def test_an_update_that_changes_nothing_is_302(call: Call) -> None:
    title = (await _lead(call, 6))["title"]
    body = await call("updateLeads", {"objects": [{"id": 6, "title": title}]})
    assert body["result"]["updates"][0]["error"]["code"] == 302
    assert body["error"][0]["code"] == 302


async def test_contact_with_opp_never_goes_back_to_contact(call: Call, app: SandboxApp) -> None:
    row = app.store.db.execute("SELECT id FROM lead WHERE leadStatus='contactWithOpp'").fetchone()
    body = await call("updateLeads", {"objects": [{"id": row[0], "leadStatus": "contact",
                                                   "title": "New title"}]})
    assert body["result"]["updates"][0]["success"] is True
    lead = await _lead(call, row[0])
    assert (lead["leadStatus"], lead["title"]) == ("contactWithOpp", "New title")


async def test_update_leads_v2_answers_404_for_an_unknown_id_or_email(call: Call) -> None:
    body = await call("updateLeadsV2", {"objects": [
        {"id": 987654, "firstName": "Ghost"}, {"emailAddress": "ghost@nowhere.example",
                                               "firstName": "Ghost"},
        {"id": 8, "firstName": "Real"}]})
    assert [u["success"] for u in body["result"]["updates"]] == [False, False, True]
    assert [e["code"] for e in body["error"]] == [404, 404]


async def test_delete_removes_the_lead_and_an_unknown_id_is_302(call: Call) -> None:
    body = await call("deleteLeads", {"objects": [{"id": 9}, {"id": 987654}]})
    deletes = body["result"]["deletes"]
    assert deletes[0] == {"success": True, "error": None}
    assert deletes[1]["error"]["code"] == 302
    assert (await call("getLead", {"id": 9}))["result"]["lead"] == []


async def test_subscribe_to_lead_updates_reports_success(call: Call) -> None:
    body = await call("subscribeToLeadUpdates", {"url": "https://hooks.example.com/x"})
    assert body["result"] == {"success": True}


async def test_v1_serves_times_in_the_account_zone_and_v1_2_in_utc(
    client: SharpSpringClient, client_v1: SharpSpringClient
) -> None:
    utc = (await client.call("getLead", {"id": 1}))["lead"][0]["createTimestamp"]
    local = (await client_v1.call("getLead", {"id": 1}))["lead"][0]["createTimestamp"]
    as_utc = datetime.fromisoformat(utc).replace(tzinfo=UTC)
    expected = as_utc.astimezone(ZoneInfo("America/New_York")).strftime("%Y-%m-%d %H:%M:%S")
    assert local == expected and local != utc


async def test_date_range_create_selects_by_creation_time_inclusively(call: Call) -> None:
    lead = await _lead(call, 10)
    stamp = lead["createTimestamp"]
    rows = (await call("getLeadsDateRange", {"startDate": stamp, "endDate": stamp,
                                             "timestamp": "create"}))["result"]["lead"]
    assert "10" in [r["id"] for r in rows]
    assert all(r["createTimestamp"] == stamp for r in rows)


async def test_date_range_update_includes_leads_never_updated(call: Call) -> None:
    lead_id = await _create(call, emailAddress="never@example.com")
    stamp = str((await _lead(call, lead_id))["createTimestamp"])
    rows = (await call("getLeadsDateRange", {"startDate": stamp[:10], "endDate": "2100-01-01",
                                             "timestamp": "update"}))["result"]["lead"]
    assert str(lead_id) in [r["id"] for r in rows]


@pytest.mark.parametrize("version_offset", [("v1", True), ("v1.2", False)])
async def test_date_range_windows_are_read_in_the_versions_zone(
    client: SharpSpringClient, client_v1: SharpSpringClient, version_offset: tuple[str, bool]
) -> None:
    version, local = version_offset
    c = client_v1 if version == "v1" else client
    lead = (await client.call("getLead", {"id": 11}))["lead"][0]
    utc = datetime.fromisoformat(lead["createTimestamp"]).replace(tzinfo=UTC)
    shown = utc.astimezone(ZoneInfo("America/New_York")) if local else utc
    window = {"startDate": shown.strftime("%Y-%m-%d %H:%M:%S"),
              "endDate": (shown + timedelta(seconds=0)).strftime("%Y-%m-%d %H:%M:%S"),
              "timestamp": "create"}
    rows = (await c.call("getLeadsDateRange", window))["lead"]
    assert "11" in [r["id"] for r in rows]


async def test_date_range_needs_both_dates_and_a_known_timestamp(call: Call) -> None:
    assert (await call("getLeadsDateRange", {"startDate": "2025-01-01"}))["error"]["code"] == 206
    bad = {"startDate": "2025-01-01", "endDate": "2025-02-01", "timestamp": "delete"}
    assert (await call("getLeadsDateRange", bad))["error"]["code"] == 205
    garbled = {"startDate": "yesterday", "endDate": "2025-02-01"}
    assert (await call("getLeadsDateRange", garbled))["error"]["code"] == 205
