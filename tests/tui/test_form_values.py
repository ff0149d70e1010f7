"""Text typed into a form field to a value of the field's kind, or one line saying why not."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from ssui.entities import ACCOUNT, CAMPAIGN, LEAD, OPPORTUNITY, Field, Kind
from ssui.mirror.account import same_value
from ssui.tui.form.values import Invalid, changes, parse, parse_date, sections, to_text

TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(("field", "text", "value"), [
    (LEAD.field("firstName"), "  Jane ", "Jane"),
    (LEAD.field("emailAddress"), "jane@example.org", "jane@example.org"),
    (LEAD.field("phoneNumber"), "+1 (555) 010-0200 ext. 12", "+1 (555) 010-0200 ext. 12"),
    (LEAD.field("website"), "https://acme.io/about", "https://acme.io/about"),
    (LEAD.field("leadScore"), "1,200", 1200),
    (OPPORTUNITY.field("probability"), "12.5", 12.5),
    (OPPORTUNITY.field("amount"), "$12,500.50", Decimal("12500.50")),
    (OPPORTUNITY.field("closeDate"), "2027-03-31", date(2027, 3, 31)),
    (OPPORTUNITY.field("closeDate"), "today", TODAY),
    (OPPORTUNITY.field("closeDate"), "+2w", date(2026, 12, 16)),
    (CAMPAIGN.field("startDate"), "-3d", date(2026, 11, 29)),
    (LEAD.field("leadStatus"), "open", "open"),
    (LEAD.field("description"), "line one\nline two", "line one\nline two"),
    (LEAD.field("title"), "", None),
])
def test_a_valid_text_becomes_the_value_the_api_is_sent(field: Field, text: str,
                                                        value: object) -> None:
    assert parse(field, text, today=TODAY) == value


@pytest.mark.parametrize(("field", "text", "message"), [
    (LEAD.field("emailAddress"), "", "Email is required"),
    (LEAD.field("emailAddress"), "jane@", "not an email address"),
    (LEAD.field("phoneNumber"), "call me", "a phone number"),
    (LEAD.field("website"), "not a site", "a web address"),
    (LEAD.field("leadScore"), "12.5", "a whole number"),
    (OPPORTUNITY.field("probability"), "much", "a number"),
    (OPPORTUNITY.field("amount"), "lots", "an amount"),
    (OPPORTUNITY.field("closeDate"), "31/03/2027", "a date as YYYY-MM-DD"),
    (LEAD.field("leadStatus"), "hot", "one of unqualified, open"),
    (LEAD.field("state"), "x" * 51, "at most 50 characters (this has 51)"),
    (ACCOUNT.field("accountName"), "   ", "Name is required"),
])
def test_a_bad_text_says_what_the_field_wants(field: Field, text: str, message: str) -> None:
    with pytest.raises(Invalid, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(field, text, today=TODAY)


def test_a_date_and_time_is_typed_in_local_time_and_kept_aware() -> None:
    f = Field("meeting", "Meeting", Kind.DATETIME)
    value = parse(f, "2027-01-15 14:30", today=TODAY)
    assert isinstance(value, datetime) and value.tzinfo is not None
    assert value.astimezone().strftime("%Y-%m-%d %H:%M") == "2027-01-15 14:30"
    assert to_text(f, value) == "2027-01-15 14:30"
    with pytest.raises(Invalid, match="your local time"):
        parse(f, "half past two", today=TODAY)


def test_relative_dates() -> None:
    assert parse_date("tomorrow", TODAY) == date(2026, 12, 3)
    assert parse_date("+7", TODAY) == date(2026, 12, 9)


def test_only_changed_fields_are_sent_and_empty_means_empty() -> None:
    original = {"firstName": "Jane", "title": None, "city": "Oslo"}
    assert changes(original, {"firstName": "Jane", "title": "", "city": "Bergen"}) == {
        "city": "Bergen"}
    assert same_value(None, "") and not same_value("a", "b")


def test_the_lead_form_starts_with_first_name_last_name_and_email() -> None:
    first = sections(LEAD)[0]
    assert first.title == "Person"
    assert [f.name for f in first.fields[:3]] == ["firstName", "lastName", "emailAddress"]
    assert sections(LEAD)[-1].title == "Record"
    assert [f.name for f in sections(LEAD)[-1].fields] == [
        "id", "createTimestamp", "updateTimestamp"]
