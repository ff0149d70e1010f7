"""getFields/createFields/updateFields/deleteFields and custom-field round trips (§2.3, §4)."""

from __future__ import annotations

import re

from ssui.api import SharpSpringClient
from ssui.entities import LEAD, Kind

from .conftest import Call


async def test_get_fields_lists_standard_and_custom_fields(call: Call) -> None:
    rows = (await call("getFields", {"where": {"relationship": "lead"}}))["result"]["field"]
    standard = {r["systemName"] for r in rows if r["isCustom"] == "0"}
    custom = [r for r in rows if r["isCustom"] == "1"]
    assert standard == set(LEAD.field_names)
    assert len(custom) == 4
    assert {r["dataType"] for r in custom} == {"text", "number", "boolean", "picklist"}


async def test_picklist_options_read_as_an_array(call: Call) -> None:
    rows = (await call("getFields", {"where": {"isCustom": 1}}))["result"]["field"]
    picklist = next(r for r in rows if r["dataType"] == "picklist")
    assert isinstance(picklist["options"], list)
    assert set(picklist["options"][0]) == {"label", "value", "displayOrder"}


async def test_create_fields_makes_a_php_style_system_name(call: Call) -> None:
    body = await call("createFields", {"objects": [
        {"relationship": "lead", "label": "Shoe Size", "dataType": "int"}]})
    field_id = body["result"]["creates"][0]["id"]
    rows = (await call("getFields", {"where": {"id": field_id}}))["result"]["field"]
    assert re.fullmatch(r"Shoe_Size_[0-9a-f]{13}", rows[0]["systemName"])


async def test_a_custom_field_round_trips_through_leads(client: SharpSpringClient) -> None:
    made = await client.call("createFields", {"objects": [
        {"relationship": "lead", "label": "Favorite Color", "dataType": "text"}]})
    field_id = made["creates"][0]["id"]
    rows = (await client.call("getFields", {"where": {"id": field_id}}))["field"]
    name = rows[0]["systemName"]
    custom = await client.load_custom_fields()
    assert name in {f.name for f in custom["lead"]}
    created = await client.create("lead", [{"emailAddress": "color@example.com", name: "teal"}])
    lead = await client.get("lead", created[0].id or 0)
    assert lead is not None and lead[name] == "teal"


async def test_required_custom_fields_are_enforced_on_create(call: Call) -> None:
    made = await call("createFields", {"objects": [
        {"relationship": "account", "label": "Region", "dataType": "text", "isRequired": 1}]})
    assert made["result"]["creates"][0]["success"] is True
    body = await call("createAccounts", {"objects": [{"accountName": "No region"}]})
    assert body["result"]["creates"][0]["error"]["code"] == 206


async def test_create_fields_validates_its_objects(call: Call) -> None:
    body = await call("createFields", {"objects": [
        {"relationship": "lead", "label": "X"},
        {"relationship": "planet", "label": "X", "dataType": "text"},
        {"relationship": "lead", "label": "X", "dataType": "hologram"}]})
    assert [c["error"]["code"] for c in body["result"]["creates"]] == [206, 205, 205]


async def test_update_fields_renames_without_changing_the_system_name(call: Call) -> None:
    rows = (await call("getFields", {"where": {"isCustom": 1, "relationship": "lead"}}))
    row = rows["result"]["field"][0]
    body = await call("updateFields", {"objects": [{"id": row["id"], "label": "Renamed"}]})
    assert body["result"]["updates"][0]["success"] is True
    after = (await call("getFields", {"where": {"id": row["id"]}}))["result"]["field"][0]
    assert (after["label"], after["systemName"]) == ("Renamed", row["systemName"])


async def test_deleting_a_standard_field_is_211(call: Call) -> None:
    body = await call("deleteFields", {"objects": [{"systemName": "firstName"}]})
    assert body["result"]["deletes"][0]["error"]["code"] == 211


async def test_deleting_a_custom_field_drops_it_from_records(call: Call) -> None:
    rows = (await call("getFields", {"where": {"isCustom": 1, "relationship": "lead"}}))
    name = rows["result"]["field"][0]["systemName"]
    body = await call("deleteFields", {"objects": [{"systemName": name}]})
    assert body["result"]["deletes"][0]["success"] is True
    lead = (await call("getLead", {"id": 1}))["result"]["lead"][0]
    assert name not in lead
    again = await call("deleteFields", {"objects": [{"systemName": name}]})
    assert again["result"]["deletes"][0]["error"]["code"] == 302


async def test_custom_fields_decode_to_their_kinds(client: SharpSpringClient) -> None:
    custom = await client.load_custom_fields()
    kinds = {f.kind for f in custom["opportunity"]}
    assert kinds == {Kind.TEXT, Kind.DECIMAL, Kind.BOOL, Kind.ENUM}
