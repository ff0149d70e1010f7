"""Accounts, campaigns, opportunities, deal stages, users, emails, events and lists."""

from __future__ import annotations

from datetime import date

from ssui.api import SharpSpringClient
from ssui.sandbox import SandboxApp

from .conftest import Call


async def test_account_round_trip_create_update_delete(client: SharpSpringClient) -> None:
    created = await client.create("account", [{"accountName": "Acme Rockets", "ownerID": 1,
                                               "numberOfEmployees": 40}])
    assert created[0].success and created[0].id
    account = await client.get("account", created[0].id)
    assert account and account["accountName"] == "Acme Rockets"
    assert account["numberOfEmployees"] == 40
    updated = await client.update("account", [{"id": created[0].id, "industry": "Aerospace"}])
    assert updated[0].success
    deleted = await client.delete("account", [created[0].id])
    assert deleted[0].success and await client.get("account", created[0].id) is None


async def test_a_missing_required_field_is_206(call: Call) -> None:
    body = await call("createAccounts", {"objects": [{"industry": "Retail"}]})
    assert body["result"]["creates"][0]["error"]["code"] == 206


async def test_update_or_delete_of_an_unknown_record_is_302(call: Call) -> None:
    up = await call("updateCampaigns", {"objects": [{"id": 99999, "campaignName": "x"}]})
    down = await call("deleteCampaigns", {"objects": [{"id": 99999}]})
    assert up["result"]["updates"][0]["error"]["code"] == 302
    assert down["result"]["deletes"][0]["error"]["code"] == 302


async def test_get_accounts_filters_on_owner(call: Call) -> None:
    rows = (await call("getAccounts", {"where": {"ownerID": 2}}))["result"]["account"]
    assert rows and {r["ownerID"] for r in rows} == {"2"}


async def test_opportunity_close_date_reads_back_at_midnight(client: SharpSpringClient) -> None:
    made = await client.create("opportunity", [{
        "opportunityName": "Big deal", "ownerID": 1, "dealStageID": 2,
        "closeDate": date(2026, 3, 1), "amount": "1500.50"}])
    assert made[0].success, made[0].error
    raw = await client.call("getOpportunity", {"id": made[0].id})
    assert raw["opportunity"][0]["closeDate"] == "2026-03-01 00:00:00"
    assert raw["opportunity"][0]["amount"] == "1500.50"


async def test_an_opportunity_with_an_unknown_deal_stage_is_303(call: Call) -> None:
    body = await call("createOpportunities", {"objects": [{
        "opportunityName": "x", "ownerID": 1, "dealStageID": 777, "closeDate": "2026-01-01"}]})
    assert body["result"]["creates"][0]["error"]["code"] == 303


async def test_opportunity_leads_link_leads_and_filter_by_opportunity(call: Call) -> None:
    body = await call("createOpportunityLeads", {"objects": [{"opportunityID": 1, "leadID": 3}]})
    assert body["result"]["creates"][0]["success"] is True
    rows = (await call("getOpportunityLeads", {"where": {"opportunityID": 1}}))["result"]
    assert "3" in [r["leadID"] for r in rows["getWhereopportunityLeads"]]


async def test_deal_stages_can_be_created_and_deleted_but_not_updated(call: Call) -> None:
    made = await call("createDealStages", {"objects": [{"dealStageName": "Verbal yes"}]})
    new_id = made["result"]["creates"][0]["id"]
    stage = (await call("getDealStage", {"id": new_id}))["result"]["dealStage"]
    assert stage[0]["dealStageName"] == "Verbal yes"
    assert (await call("updateDealStages", {"objects": []}))["error"]["code"] == 204
    gone = await call("deleteDealStages", {"objects": [{"id": new_id}]})
    assert gone["result"]["deletes"][0]["success"] is True


async def test_user_profiles_filter_on_active_and_email_in_any_case(call: Call) -> None:
    users = (await call("getUserProfiles", {"where": {}}))["result"]["userProfile"]
    assert len(users) == 8
    active = (await call("getUserProfiles", {"where": {"isActive": 1}}))["result"]["userProfile"]
    assert len(active) == 7
    email = users[0]["emailAddress"].upper()
    one = await call("getUserProfiles", {"where": {"emailAddress": email}})
    assert [u["id"] for u in one["result"]["userProfile"]] == [users[0]["id"]]


async def test_a_new_email_appears_in_the_email_listing(call: Call) -> None:
    made = await call("createEmail", {"objects": [{
        "emailName": "Launch", "subject": "We launched", "fromName": "Ann",
        "fromEmail": "ann@example.com", "html": "<p>hi</p>"}]})
    new_id = made["result"]["creates"][0]["id"]
    listing = await call("getEmailListing", {"where": {"id": new_id}})
    assert listing["result"]["getAllemailListings"][0]["title"] == "Launch"
    assert (await call("getEmail", {"id": new_id}))["result"]["email"][0]["subject"] == \
        "We launched"


async def test_email_listing_takes_no_where_at_all(call: Call) -> None:
    assert (await call("getEmailListing", {}))["error"] is None


async def test_email_events_filter_by_job_and_type(call: Call, app: SandboxApp) -> None:
    job = app.store.db.execute(
        "SELECT emailJobID FROM email_event GROUP BY emailJobID ORDER BY COUNT(*) DESC"
    ).fetchone()[0]
    opens = (await call("getEmailEvents", {"emailJobID": job, "eventType": "open"}))
    rows = opens["result"]["lead"]
    assert rows and {r["emailJobID"] for r in rows} == {str(job)}
    assert (await call("getEmailEvents", {"emailJobID": job, "eventType": "x"}))[
        "error"]["code"] == 205


async def test_get_events_after_a_time_returns_only_later_events(call: Call) -> None:
    since = "2025-06-01 00:00:00"
    rows = (await call("getEvents", {"where": {"createTimestamp": since}}))["result"]["event"]
    assert rows and all(r["createTimestamp"] > since for r in rows)


async def test_events_by_type_returns_each_type_separately_in_time_order(
    call: Call, app: SandboxApp
) -> None:
    lead = app.store.db.execute(
        "SELECT leadID FROM event WHERE eventSource='pageVisit' AND leadID IN "
        "(SELECT leadID FROM event WHERE eventSource='emailOpened') LIMIT 1").fetchone()[0]
    body = await call("getEventsByType", {"where": {"leadID": lead},
                                          "eventSource": "emailOpened, pageVisit"})
    rows = body["result"]["event"]
    kinds = [r["eventSource"] for r in rows]
    assert kinds == sorted(kinds, key=["emailOpened", "pageVisit"].index)
    for kind in ("emailOpened", "pageVisit"):
        times = [r["createTimestamp"] for r in rows if r["eventSource"] == kind]
        assert times and times == sorted(times)


async def test_events_by_type_with_an_unknown_type_is_219(call: Call) -> None:
    body = await call("getEventsByType", {"where": {"leadID": 1},
                                          "eventSource": "pageVisit,telepathy"})
    assert body["error"]["code"] == 219


async def test_events_by_type_needs_a_lead_or_a_time(call: Call) -> None:
    body = await call("getEventsByType", {"where": {}, "eventSource": "pageVisit"})
    assert body["error"]["code"] == 206


async def test_active_lists_count_their_members(call: Call, app: SandboxApp) -> None:
    lists = (await call("getActiveLists", {"where": {}}))["result"]["activeList"]
    members = app.store.db.execute(
        "SELECT COUNT(*) FROM list_member WHERE listID=1 AND isRemoved=0").fetchone()[0]
    first = next(x for x in lists if x["id"] == "1")
    assert first["memberCount"] == str(members)


async def test_list_members_carry_has_more_at_the_top_and_inside_the_result(call: Call) -> None:
    body = await call("getListMembers", {"where": {"id": 1}, "limit": 2})
    assert body["hasMore"] is True and body["result"]["hasMore"] is True
    rows = body["result"]["getWherelistMemberGets"]
    assert len(rows) == 2 and rows[0]["emailAddress"] and rows[0]["listID"] == "1"
    tail = await call("getListMembers", {"where": {"id": 1}, "limit": 500})
    assert tail["hasMore"] is False


async def test_removed_members_use_lowercase_name_keys_and_the_flag(
    call: Call, app: SandboxApp
) -> None:
    ids = [r[0] for r in app.store.db.execute("SELECT id FROM list_member WHERE listID=1")]
    for member_id, flag in zip(ids, ("unsubscribed", "hardbounced"), strict=False):
        app.store.db.execute("UPDATE list_member SET isRemoved=1, _flag=? WHERE id=?",
                             (flag, member_id))
    for flag, field in (("unsubscribed", "isUnsubscribed"), ("hardbounced", "hardBounced")):
        body = await call("getRemovedListMembers", {"where": {"id": 1, "flag": flag}})
        found = body["result"]["getWherelistLeadMembers"]
        assert found, flag
        assert {"firstname", "lastname", "emailaddress", "listMemberID"} <= set(found[0])
        assert all(r[field] == "1" and r["isRemoved"] == "1" for r in found)


async def test_an_unknown_list_or_flag_gives_an_empty_list(call: Call) -> None:
    for where in ({"id": 9999}, {"id": 1, "flag": "exploded"}):
        body = await call("getRemovedListMembers", {"where": where})
        assert body["error"] is None and body["result"]["getWherelistLeadMembers"] == []


async def test_adding_removing_and_re_adding_a_list_member(call: Call, app: SandboxApp) -> None:
    lead = app.store.db.execute(
        "SELECT id FROM lead WHERE id NOT IN (SELECT leadID FROM list_member WHERE listID=2)"
    ).fetchone()[0]
    added = await call("addListMember", {"listID": 2, "memberID": lead})
    member_id = added["result"]["creates"][0]["id"]
    again = await call("addListMember", {"listID": 2, "memberID": lead})
    assert again["result"]["creates"][0]["error"]["code"] == 213
    removed = await call("removeListMember", {"listID": 2, "memberID": lead})
    assert removed["result"]["deletes"][0]["success"] is True
    back = await call("addListMember", {"listID": 2, "memberID": lead})
    assert back["result"]["creates"][0]["id"] == member_id


async def test_adding_an_unknown_lead_or_email_is_214(call: Call) -> None:
    by_id = await call("addListMember", {"listID": 1, "memberID": 999999})
    by_email = await call("addListMemberEmailAddress", {"listID": 1,
                                                        "emailAddress": "nobody@x.example"})
    assert by_id["result"]["creates"][0]["error"]["code"] == 214
    assert by_email["result"]["creates"][0]["error"]["code"] == 214


async def test_add_list_member_by_email_matches_any_case(call: Call, app: SandboxApp) -> None:
    email = app.store.db.execute(
        "SELECT emailAddress FROM lead WHERE id NOT IN "
        "(SELECT leadID FROM list_member WHERE listID=3)").fetchone()[0]
    body = await call("addListMembersEmailAddress", {"objects": [
        {"listID": 3, "emailAddress": email.upper()}]})
    assert body["result"]["creates"][0]["success"] is True


async def test_create_and_delete_a_list(call: Call) -> None:
    made = await call("createList", {"objects": [{"name": "Beta testers"}]})
    list_id = made["result"]["creates"][0]["id"]
    await call("addListMember", {"listID": list_id, "memberID": 1})
    rows = (await call("getActiveLists", {"where": {"id": list_id}}))["result"]["activeList"]
    assert rows[0]["name"] == "Beta testers" and rows[0]["memberCount"] == "1"
    gone = await call("deleteList", {"objects": [{"id": list_id}]})
    assert gone["result"]["deletes"][0]["success"] is True
    assert (await call("getActiveLists", {"where": {"id": list_id}}))["result"]["activeList"] == []
