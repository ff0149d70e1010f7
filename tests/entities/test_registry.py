"""The registry describes every SharpSpring entity the app, client and sandbox use."""

from typing import Any

import pytest

from ssui.entities import (
    BROWSABLE,
    LEAD,
    REGISTRY,
    Kind,
    custom_field,
    custom_fields_for,
    entity,
    entity_for_method,
)

EXPECTED_KEYS = {
    "lead": "lead",
    "account": "account",
    "campaign": "campaign",
    "opportunity": "opportunity",
    "deal_stage": "dealStage",
    "user_profile": "userProfile",
    "field": "field",
    "event": "event",
    "email_listing": "getAllemailListings",
    "email_job": "getAllgetEmailJobss",
    "list": "activeList",
    "list_member": "getWherelistMemberGets",
}


@pytest.mark.parametrize(("key", "result_key"), EXPECTED_KEYS.items())
def test_list_methods_use_the_result_keys_the_api_really_returns(key: str, result_key: str) -> None:
    lst = entity(key).methods.list
    assert lst is not None
    assert lst.result_key == result_key


def test_opportunity_leads_have_their_odd_result_keys() -> None:
    m = entity("opportunity_lead").methods
    assert m.get is not None and m.get.result_key == "opportunityLead"
    assert m.list is not None and m.list.result_key == "getWhereopportunityLeads"
    assert m.date_range is not None and m.date_range.result_key == "opportunityLead"


def test_lead_fields_cover_everything_a_user_can_set() -> None:
    settable = {
        "emailAddress", "accountID", "ownerID", "campaignID", "leadStatus", "leadScore",
        "leadScoreWeighted", "persona", "active", "firstName", "lastName", "companyName",
        "title", "street", "city", "country", "state", "zipcode", "website", "phoneNumber",
        "trackingID", "officePhoneNumber", "phoneNumberExtension", "mobilePhoneNumber",
        "faxNumber", "description", "industry", "isUnsubscribed", "isQualified", "isContact",
        "isCustomer", "status",
    }
    assert settable <= {f.name for f in LEAD.writable_fields}
    assert [f.name for f in LEAD.required_fields] == ["emailAddress"]
    assert LEAD.field("updateTimestamp").read_only
    assert LEAD.field("id").read_only


def test_references_name_the_entity_they_point_at() -> None:
    refs = {f.name: f.ref for f in entity("opportunity").references}
    assert refs == {
        "ownerID": "user_profile",
        "dealStageID": "deal_stage",
        "accountID": "account",
        "campaignID": "campaign",
        "originatingLeadID": "lead",
        "primaryLeadID": "lead",
    }
    for e in REGISTRY.values():
        for f in e.references:
            assert f.ref in REGISTRY, (e.key, f.name)


def test_table_columns_are_fields_of_their_entity() -> None:
    for e in REGISTRY.values():
        for c in e.columns:
            assert e.has_field(c), (e.key, c)


def test_browsable_entities_are_the_four_tabs() -> None:
    assert [e.plural for e in BROWSABLE] == ["Leads", "Accounts", "Campaigns", "Opportunities"]


def test_a_method_name_finds_its_entity() -> None:
    assert entity_for_method("getLeadsDateRange") is LEAD
    assert entity_for_method("createOpportunityLeads") is entity("opportunity_lead")
    assert entity_for_method("noSuchMethod") is None


def test_unknown_entity_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="known: lead"):
        entity("leed")


def test_custom_fields_from_getfields_rows_join_their_entity() -> None:
    rows: list[dict[str, Any]] = [
        {"id": "1", "relationship": "lead", "systemName": "shoe_size_384c1e3eacbb3",
         "label": "Shoe size", "dataType": "int", "isCustom": "1", "isRequired": "0"},
        {"id": "2", "relationship": "lead", "systemName": "Favorite_Color_5a0dd86e6e290",
         "label": "Favorite color", "dataType": "picklist", "isCustom": "1",
         "options": [{"label": "Red", "value": "red", "displayOrder": "2"},
                     {"label": "Blue", "value": "blue", "displayOrder": "1"}]},
        {"id": "3", "relationship": "account", "systemName": "tier_57f6638adc5b8",
         "label": "Tier", "dataType": "text", "isCustom": "1"},
        {"id": "4", "relationship": "lead", "systemName": "firstName", "label": "First Name",
         "dataType": "text", "isCustom": "0"},
    ]
    fields = custom_fields_for("lead", rows)
    assert [f.name for f in fields] == ["shoe_size_384c1e3eacbb3", "Favorite_Color_5a0dd86e6e290"]
    assert fields[0].kind is Kind.INT and fields[0].label == "Shoe size"
    assert fields[1].kind is Kind.ENUM and fields[1].choices == ("blue", "red")
    lead = LEAD.with_custom(fields)
    assert lead.field("shoe_size_384c1e3eacbb3").custom
    assert len(lead.fields) == len(LEAD.fields) + 2
    # Replacing the custom set does not stack the old one.
    assert len(lead.with_custom(fields[:1]).fields) == len(LEAD.fields) + 1


def test_an_unknown_data_type_is_carried_as_text() -> None:
    f = custom_field({"systemName": "x_1", "label": "X", "dataType": "hologram"})
    assert f.kind is Kind.TEXT


def test_display_name_falls_back_from_name_to_email_to_id() -> None:
    assert LEAD.display_name({"firstName": "Ann", "lastName": "Lee"}) == "Ann Lee"
    assert LEAD.display_name({"firstName": None, "emailAddress": "a@b.io"}) == "a@b.io"
    assert LEAD.display_name({"id": 7}) == "Lead #7"


def test_form_sections_name_each_writable_field_of_their_entity_once() -> None:
    from ssui.entities import BROWSABLE

    for e in BROWSABLE:
        named = [n for _, names in e.sections for n in names]
        assert len(named) == len(set(named)), e.key
        assert all(e.has_field(n) and e.field(n).settable for n in named), e.key
        left = [f.name for f in e.writable_fields if f.name not in named and not f.custom]
        assert left == [], f"{e.key}: {left} are in no section"


def test_custom_fields_keep_their_shape_and_length() -> None:
    from ssui.entities.custom import custom_field

    f = custom_field({"systemName": "alt_email", "label": "Alt email", "dataType": "email",
                      "dataLength": "80"})
    assert (f.format, f.max_length) == ("email", 80)
