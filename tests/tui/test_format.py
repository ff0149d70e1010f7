"""Values read the way a person expects, by the kind of field they are in."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from ssui.entities import ACCOUNT, LEAD, OPPORTUNITY, Field, Kind
from ssui.tui.format import column_width, format_value, min_width


def test_flags_read_as_a_tick_or_nothing() -> None:
    active = LEAD.field("active")
    assert format_value(active, True) == "✓"
    assert format_value(active, False) == ""
    assert format_value(active, None) == ""


def test_money_has_thousands_separators_and_two_decimals() -> None:
    revenue = ACCOUNT.field("annualRevenue")
    assert format_value(revenue, Decimal("1234567.5")) == "1,234,567.50"
    assert format_value(revenue, 0) == "0.00"


def test_decimals_drop_trailing_zeros() -> None:
    probability = OPPORTUNITY.field("probability")
    assert format_value(probability, Decimal("20.0")) == "20"
    assert format_value(probability, Decimal("12.50")) == "12.5"


def test_datetimes_show_in_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    stamp = LEAD.field("updateTimestamp")
    assert format_value(stamp, datetime(2026, 3, 1, 12, 0, tzinfo=UTC)) == "2026-03-01 21:00"
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def test_dates_are_iso_dates() -> None:
    assert format_value(OPPORTUNITY.field("closeDate"), date(2026, 4, 30)) == "2026-04-30"


def test_references_show_the_name_the_resolver_gives() -> None:
    owner = LEAD.field("ownerID")
    assert format_value(owner, 3, lambda f, v: f"{f.label} {v}") == "Owner 3"
    assert format_value(owner, 3) == "#3"


def test_long_text_is_one_line_in_a_table_and_whole_in_the_detail() -> None:
    description = LEAD.field("description")
    assert format_value(description, "first\nsecond") == "first ⏎ second"
    assert format_value(description, "first\nsecond", one_line=False) == "first\nsecond"


def test_columns_are_at_least_as_wide_as_short_labels_and_names_shrink_last() -> None:
    assert column_width(LEAD.field("emailAddress")) >= 20
    flag = Field("x", "Unsubscribed from everything", Kind.BOOL)
    assert column_width(flag) == 12  # a long label is cut, not the column stretched
    assert min_width(LEAD.field("firstName"), is_name=True) >= min_width(
        LEAD.field("companyName"))
