"""The method catalogue: every method the API has, completion, and params templates."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from ssui.console import CATALOGUE, MethodInfo, complete, is_write, lookup, params_template
from ssui.console.catalogue import Shape, page_size, vocabulary, word_completion
from ssui.entities import REGISTRY, custom_field
from ssui.sandbox.methods import build_handlers

NOW = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


def known(name: str) -> MethodInfo:
    info = lookup(name)
    assert info is not None, name
    return info


def test_every_method_the_sandbox_answers_and_every_registry_method_is_known() -> None:
    assert set(build_handlers()) <= set(CATALOGUE)
    for e in REGISTRY.values():
        m = e.methods
        names = {m.create, m.update, m.delete} | {x.name for x in (m.get, m.list, m.date_range)
                                                  if x is not None}
        assert names - {None} <= set(CATALOGUE), e.key


def test_methods_beyond_the_registry_come_from_the_reference_with_their_result_keys() -> None:
    assert known("getClients").result_key == "getAllcompanyProfileManagedBys"
    assert known("getUnsubscribeCategories").result_key == "getAllunsubscribeCategorys"
    assert known("getEmailJobs").result_key == "getAllgetEmailJobss"
    assert known("getOpportunityLeads").result_key == "getWhereopportunityLeads"
    assert lookup("getleads") is lookup("getLeads")  # case is forgiven
    assert lookup("getLeedz") is None  # unknown names are simply unknown


def test_completion_offers_the_shortest_match_first() -> None:
    assert complete("getLe")[:3] == ["getLead", "getLeads", "getLeadTimeline"]
    assert complete("GETLEADSD") == ["getLeadsDateRange"]
    assert complete("nothingLikeIt") == []
    assert len(complete("", 5)) == 5


def test_templates_follow_each_methods_shape() -> None:
    assert params_template("getLead") == {"id": 1}
    assert params_template("getLeads") == {"where": {}, "limit": 50, "offset": 0}
    assert params_template("getEmailJobs") == {"limit": 50, "offset": 0}  # takes no where
    assert params_template("getLeadsDateRange", now=NOW) == {
        "startDate": "2026-03-03 05:06:07", "endDate": "2026-03-04 05:06:07",
        "timestamp": "update", "limit": 50, "offset": 0}
    assert params_template("createLeads") == {"objects": [{"emailAddress": ""}]}
    assert params_template("createOpportunities", now=NOW) == {"objects": [{
        "opportunityName": "", "ownerID": 0, "dealStageID": 0, "closeDate": "2026-03-04"}]}
    assert params_template("updateAccounts") == {"objects": [{"id": 1}]}
    assert params_template("deleteFields") == {"objects": [{"systemName": ""}]}
    assert params_template("addListMember") == {"listID": 1, "memberID": 1}
    assert params_template("getEventsByType")["eventSource"] == "pageVisit,formSubmit"
    assert params_template("someUnknownMethod") == {}
    assert known("getLeads").shape is Shape.LIST


def test_a_create_template_carries_the_accounts_required_custom_fields() -> None:
    shoe = custom_field({"systemName": "shoe_size_384c1e3eacbb3", "label": "Shoe size",
                         "dataType": "int", "isRequired": "1", "isCustom": "1"})
    lead = REGISTRY["lead"].with_custom([shoe])
    assert lead.field("shoe_size_384c1e3eacbb3").required
    template = params_template("createLeads", entities={"lead": lead})
    assert template == {"objects": [{"emailAddress": "", "shoe_size_384c1e3eacbb3": 0}]}
    assert "shoe_size_384c1e3eacbb3" in vocabulary("getLeads", {"lead": lead})


def test_reads_are_get_methods_and_everything_else_counts_as_a_write() -> None:
    assert not is_write("getLeads") and not is_write("getEventsbyType")
    for method in ("createLeads", "updateLeadsV2", "deleteFields", "addListMember",
                   "removeListMembersAll", "subscribeToLeadUpdates", "anUnknownMethod"):
        assert is_write(method), method


def test_field_names_complete_inside_quotes_only() -> None:
    words = vocabulary("getLeads")
    assert "emailAddress" in words and "where" in words and "leadStatus" in words
    assert word_completion('{"where": {"emailAd', "", words) == "dress"
    assert word_completion('{"lim', '": 3}', words) == "it"
    assert word_completion("{lim", "", words) == ""  # not inside quotes
    assert word_completion('{"emailAd', "dr", words) == ""  # the word goes on already
    assert word_completion('{"limit', "", words) == ""  # complete already


def test_the_page_size_is_the_limit_or_the_apis_default() -> None:
    assert page_size({"limit": 20}) == 20
    assert page_size({}) == 500 and page_size({"limit": "x"}) == 500
    assert page_size({"limit": 9999}) == 500 and page_size({"limit": 0}) == 1


@given(st.text(), st.text(), st.lists(st.text(max_size=12), max_size=5))
def test_completion_never_fails_on_any_text(before: str, after: str, words: list[str]) -> None:
    out = word_completion(before, after, words)
    assert isinstance(out, str)
