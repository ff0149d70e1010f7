"""Wire format: the API's strings become Python values and go back the way the API wants."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from ssui.entities import LEAD, OPPORTUNITY, custom_field, entity
from ssui.entities.wire import RecordCodec, WireValueError, encode_write

# Shapes as the reference's samples show them: strings everywhere, null for unset standard
# fields, "" for unset custom fields, an occasional bare number.
LEAD_SAMPLE = {
    "id": "12345", "accountID": None, "ownerID": "311", "campaignID": 42,
    "leadStatus": "open", "leadScore": "15", "leadScoreWeighted": "4", "persona": None,
    "active": "1", "firstName": "Ann", "lastName": "O&#039;Neil &amp; Sons",
    "emailAddress": "ann@example.com", "companyName": None, "title": "CEO",
    "isUnsubscribed": "0", "updateTimestamp": "2026-11-27 10:00:00",
    "createTimestamp": "2026-11-20 08:30:15", "shoe_size_384c1e3eacbb3": "",
}
SHOE = custom_field({"systemName": "shoe_size_384c1e3eacbb3", "label": "Shoe size",
                     "dataType": "int", "isCustom": "1"})


def test_lead_sample_decodes_to_python_values() -> None:
    rec = RecordCodec(LEAD.with_custom([SHOE])).decode(LEAD_SAMPLE)
    assert rec["id"] == 12345
    assert rec["ownerID"] == 311
    assert rec["campaignID"] == 42
    assert rec["accountID"] is None
    assert rec["active"] is True
    assert rec["isUnsubscribed"] is False
    assert rec["leadScore"] == 15
    assert rec["lastName"] == "O'Neil & Sons"
    assert rec["updateTimestamp"] == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    assert rec["shoe_size_384c1e3eacbb3"] is None


def test_v1_timestamps_are_read_in_the_account_zone() -> None:
    ny = ZoneInfo("America/New_York")
    rec = RecordCodec(LEAD, ny).decode({"updateTimestamp": "2026-11-27 10:00:00"})
    assert rec["updateTimestamp"] == datetime(2026, 11, 27, 15, 0, tzinfo=UTC)


def test_read_encoding_round_trips_the_sample() -> None:
    codec = RecordCodec(LEAD.with_custom([SHOE]))
    decoded = codec.decode(LEAD_SAMPLE)
    again = codec.encode_read(decoded)
    expected = dict(LEAD_SAMPLE, campaignID="42", lastName="O'Neil & Sons")
    assert again == expected
    assert codec.decode(again) == decoded


def test_opportunity_money_and_close_date_round_trip() -> None:
    raw = {"id": "9", "amount": "12500.50", "probability": "0.75",
           "closeDate": "2026-12-31 00:00:00", "isWon": "0", "dealStageID": "3"}
    codec = RecordCodec(OPPORTUNITY)
    rec = codec.decode(raw)
    assert rec["amount"] == Decimal("12500.50")
    assert rec["probability"] == 0.75
    assert rec["closeDate"] == date(2026, 12, 31)
    assert codec.encode_write(rec) == {"id": 9, "amount": "12500.50", "probability": "0.75",
                                       "closeDate": "2026-12-31", "isWon": 0, "dealStageID": 3}


def test_writes_send_flags_as_0_1_and_empty_references_as_null() -> None:
    out = RecordCodec(LEAD).encode_write(
        {"active": False, "accountID": None, "firstName": None, "leadScore": 3})
    assert out == {"active": 0, "accountID": None, "firstName": "", "leadScore": 3}


def test_aware_datetimes_are_written_in_the_api_zone() -> None:
    ny = ZoneInfo("America/New_York")
    when = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
    assert encode_write(entity("lead").field("updateTimestamp"), when, ny) == "2026-11-27 10:00:00"


def test_a_value_that_does_not_parse_is_kept_not_lost() -> None:
    rec = RecordCodec(LEAD).decode({"leadScore": "lots", "updateTimestamp": "yesterday"})
    assert rec == {"leadScore": "lots", "updateTimestamp": "yesterday"}


def test_writing_a_non_number_to_an_id_field_is_refused_with_the_field_label() -> None:
    with pytest.raises(WireValueError, match="Owner"):
        encode_write(LEAD.field("ownerID"), 1.5)


def test_json_event_data_may_be_a_string_or_an_object() -> None:
    codec = RecordCodec(entity("event"))
    assert codec.decode({"eventData": '{"url": "/pricing"}'})["eventData"] == {"url": "/pricing"}
    assert codec.decode({"eventData": {"url": "/a"}})["eventData"] == {"url": "/a"}
