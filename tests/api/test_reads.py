"""Records come back decoded, page by page, in the zone the API version speaks."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from ssui.api import SharpSpringClient
from ssui.entities import custom_field

from .conftest import MakeClient
from .fakes import FakeApi, result

BERLIN = ZoneInfo("Europe/Berlin")
SHOE = custom_field({"systemName": "shoe_size_384c1e3eacbb3", "label": "Shoe size",
                     "dataType": "int", "isCustom": "1", "relationship": "lead"})


def leads(*ids: int) -> list[dict[str, Any]]:
    return [{"id": str(i), "emailAddress": f"l{i}@example.com", "active": "1"} for i in ids]


def pages_by_offset(rows: list[dict[str, Any]], key: str = "lead") -> Any:
    """A server that honours limit/offset over ``rows``."""
    def respond(request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
        p = body["params"]
        chunk = rows[p["offset"] : p["offset"] + p["limit"]]
        return httpx.Response(200, json={"result": {key: chunk}, "error": None, "id": body["id"]})
    return respond


async def collect(agen: Any) -> list[list[dict[str, Any]]]:
    return [page async for page in agen]


async def test_pages_stop_on_a_short_page_and_offsets_are_record_indexes(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.default = pages_by_offset(leads(1, 2, 3, 4, 5))
    pages = await collect(client.iter_pages("lead", page_size=2))
    assert [[r["id"] for r in p] for p in pages] == [[1, 2], [3, 4], [5]]
    assert [(p["limit"], p["offset"]) for p in api.params] == [(2, 0), (2, 2), (2, 4)]


async def test_pages_stop_on_an_empty_page(client: SharpSpringClient, api: FakeApi) -> None:
    api.default = pages_by_offset(leads(1, 2, 3, 4))
    pages = await collect(client.iter_pages("lead", page_size=2))
    assert sum(len(p) for p in pages) == 4
    assert [p["offset"] for p in api.params] == [0, 2, 4]


async def test_an_empty_list_yields_no_pages(client: SharpSpringClient, api: FakeApi) -> None:
    api.default = result({"lead": []})
    assert await collect(client.iter_pages("lead")) == []
    assert len(api.requests) == 1


async def test_page_size_is_capped_at_500(client: SharpSpringClient, api: FakeApi) -> None:
    api.default = result({"lead": []})
    await collect(client.iter_pages("lead", page_size=2000))
    assert api.params[0]["limit"] == 500
    with pytest.raises(ValueError, match="at least 1"):
        await collect(client.iter_pages("lead", page_size=0))


async def test_where_is_sent_empty_when_the_method_requires_it(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.default = result({"activeList": []})
    await collect(client.iter_pages("list"))
    assert api.params[0]["where"] == {}


async def test_where_is_left_out_when_optional_and_not_given(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.default = result({"getAllemailListings": []})
    await collect(client.iter_pages("email_listing"))
    await collect(client.iter_pages("email_listing", where={"id": 3}))
    assert "where" not in api.params[0]
    assert api.params[1]["where"] == {"id": 3}


async def test_methods_without_where_refuse_a_filter(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.default = result({"getAllgetEmailJobss": []})
    await collect(client.iter_pages("email_job"))
    assert "where" not in api.params[0]
    with pytest.raises(ValueError, match="cannot be filtered"):
        await collect(client.iter_pages("email_job", where={"id": 1}))


async def test_filters_and_field_lists_are_forwarded(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.default = result({"lead": []})
    await collect(client.iter_pages("lead", where={"emailAddress": "a@b.c"},
                                    fields=["id", "emailAddress"]))
    assert api.params[0]["where"] == {"emailAddress": "a@b.c"}
    assert api.params[0]["fields"] == ["id", "emailAddress"]


async def test_has_more_false_ends_paging_even_after_a_full_page(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.default = result({"getWherelistMemberGets": [{"id": "1"}, {"id": "2"}]}, hasMore=False)
    pages = await collect(client.iter_pages("list_member", where={"id": 9}, page_size=2))
    assert len(pages) == 1 and len(api.requests) == 1


async def test_has_more_true_keeps_paging_after_a_short_page(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.then(result({"getWherelistMemberGets": [{"id": "1"}]}, hasMore=True),
             result({"getWherelistMemberGets": [{"id": "2"}]}, hasMore=False))
    pages = await collect(client.iter_pages("list_member", where={"id": 9}, page_size=5))
    assert [p["offset"] for p in api.params] == [0, 1]
    assert len(pages) == 2


async def test_a_server_that_ignores_offset_is_not_paged_forever(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.default = result({"lead": leads(1, 2)})
    pages = await collect(client.iter_pages("lead", page_size=2))
    assert len(pages) == 1 and len(api.requests) == 2


async def test_a_server_that_ignores_limit_ends_after_one_long_page(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.default = result({"lead": leads(*range(1, 8))})
    pages = await collect(client.iter_pages("lead", page_size=5))
    assert [len(p) for p in pages] == [7] and len(api.requests) == 1


async def test_records_are_decoded_with_the_accounts_custom_fields(
    client: SharpSpringClient, api: FakeApi
) -> None:
    client.set_custom_fields("lead", [SHOE])
    api.default = result({"lead": [{"id": "5", "active": "1", "shoe_size_384c1e3eacbb3": "42",
                                    "updateTimestamp": "2026-11-27 10:00:00"}]})
    [[lead]] = await collect(client.iter_pages("lead"))
    assert lead["id"] == 5 and lead["active"] is True
    assert lead["shoe_size_384c1e3eacbb3"] == 42
    assert lead["updateTimestamp"] == datetime(2026, 11, 27, 10, tzinfo=UTC)
    assert client.entity("lead").has_field("shoe_size_384c1e3eacbb3")


async def test_get_returns_one_decoded_record(client: SharpSpringClient, api: FakeApi) -> None:
    api.then(result({"opportunity": [{"id": "3", "amount": "12.50"}]}))
    record = await client.get("opportunity", 3)
    assert record is not None and record["amount"] == Decimal("12.50")
    assert api.bodies[0]["method"] == "getOpportunity"
    assert api.params[0] == {"id": 3}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"lead": {"id": "4"}}, 4),  # a bare object instead of an array of one
        ({"lead": []}, None),
        ({}, None),  # the key missing altogether
        ({"lead": None}, None),
        ({"lead": [{"leadStatus": "open", "shoe_size_384c1e3eacbb3": ""}]}, None),  # pseudo-lead
    ],
    ids=["bare-object", "empty", "missing-key", "null", "pseudo-lead-without-id"],
)
async def test_get_tolerates_every_shape_seen(
    client: SharpSpringClient, api: FakeApi, answer: Any, expected: int | None
) -> None:
    api.then(result(answer))
    record = await client.get("lead", 4)
    assert (record["id"] if record else None) == expected


async def test_get_uses_the_list_method_for_entities_without_a_getter(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.then(result({"activeList": [{"id": "8", "name": "VIP"}]}))
    record = await client.get("list", 8)
    assert record == {"id": 8, "name": "VIP"}
    assert api.bodies[0]["method"] == "getActiveLists"
    assert api.params[0]["where"] == {"id": 8}


async def test_date_range_is_sent_in_utc_on_v1_2(
    make_client: MakeClient, api: FakeApi
) -> None:
    client = make_client(api_version="v1.2", account_tz=BERLIN)
    api.default = result({"lead": []})
    start = datetime(2026, 11, 27, 12, 0, tzinfo=BERLIN)
    end = datetime(2026, 11, 27, 13, 30, 15, tzinfo=BERLIN)
    await collect(client.iter_date_range("lead", start, end, timestamp="create"))
    p = api.params[0]
    assert api.methods == ["getLeadsDateRange"]
    assert (p["startDate"], p["endDate"]) == ("2026-11-27 11:00:00", "2026-11-27 12:30:15")
    assert p["timestamp"] == "create" and p["limit"] == 500 and p["offset"] == 0


async def test_date_range_is_sent_in_the_account_zone_on_v1(
    make_client: MakeClient, api: FakeApi
) -> None:
    client = make_client(api_version="v1", account_tz=BERLIN)
    api.default = result({"lead": [{"id": "1", "updateTimestamp": "2026-07-01 09:00:00"}]})
    start = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)
    pages = await collect(client.iter_date_range("lead", start, datetime(2026, 7, 1, 7, 0,
                                                                        tzinfo=UTC)))
    assert api.params[0]["startDate"] == "2026-07-01 08:00:00"  # CEST is UTC+2
    assert api.params[0]["endDate"] == "2026-07-01 09:00:00"
    assert api.params[0]["timestamp"] == "update"
    # ...and timestamps read back are in the account zone too.
    assert pages[0][0]["updateTimestamp"] == datetime(2026, 7, 1, 9, tzinfo=BERLIN)


async def test_date_range_refuses_a_timestamp_kind_the_api_lacks(
    client: SharpSpringClient,
) -> None:
    with pytest.raises(ValueError, match="'create' or 'update'"):
        await collect(client.iter_date_range("lead", datetime.now(UTC), datetime.now(UTC),
                                             timestamp="delete"))


async def test_events_by_type_sends_where_and_comma_joined_sources(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.then(result({"event": [{"id": "1", "leadID": "5", "eventSource": "pageVisit",
                                "createTimestamp": "2026-11-27 10:00:00"}]}))
    since = datetime(2026, 11, 27, 9, tzinfo=UTC)
    events = await client.events_by_type(["pageVisit", "formSubmit"], lead_id=5, since=since)
    assert api.methods == ["getEventsByType"]
    assert api.params[0] == {
        "where": {"leadID": 5, "createTimestamp": "2026-11-27 09:00:00"},
        "eventSource": "pageVisit,formSubmit", "limit": 500, "offset": 0,
    }
    assert events[0]["leadID"] == 5
    with pytest.raises(ValueError, match="lead ID, a start time"):
        await client.events_by_type(["pageVisit"])


async def test_custom_fields_are_loaded_from_every_page_of_get_fields(
    client: SharpSpringClient, api: FakeApi
) -> None:
    rows = [{"id": str(i), "relationship": "lead", "systemName": f"f{i}_0123456789abc",
             "label": f"F{i}", "dataType": "text", "isCustom": "1"} for i in range(3)]
    rows.append({"id": "9", "relationship": "account", "systemName": "acct_0123456789abc",
                 "label": "A", "dataType": "int", "isCustom": "1"})
    rows.append({"id": "10", "relationship": "lead", "systemName": "firstName",
                 "label": "First", "dataType": "text", "isCustom": "0"})
    api.default = pages_by_offset(rows, "field")
    found = await client.load_custom_fields()
    assert [f.name for f in found["lead"]] == [f"f{i}_0123456789abc" for i in range(3)]
    assert [f.name for f in found["account"]] == ["acct_0123456789abc"]
    assert found["campaign"] == [] and found["opportunity"] == []
    assert client.entity("account").has_field("acct_0123456789abc")
    assert api.params[0]["where"] == {}
