"""Bulk writes go out 500 at a time and report each object's fate, failures included."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
import pytest

from ssui.api import (
    DuplicateError,
    InvalidParamsError,
    NothingChangedError,
    OutcomeUnknownError,
    QuotaExceededError,
    SharpSpringClient,
    UnknownApiError,
)

from .fakes import FakeApi, api_error, fail, result


def creates_all(request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
    """A server that creates every object, ids counting up from 1000 + offset in the request."""
    objects = body["params"]["objects"]
    entries = [{"success": True, "error": None, "id": 1000 + i} for i in range(len(objects))]
    return httpx.Response(200, json={"result": {"creates": entries}, "error": [],
                                     "id": body["id"]})


async def test_create_sends_encoded_objects_and_returns_new_ids(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.default = creates_all
    results = await client.create("opportunity", [{
        "opportunityName": "Deal", "ownerID": "7", "isClosed": False,
        "amount": Decimal("1999.90"), "closeDate": datetime(2026, 12, 1, tzinfo=UTC),
    }])
    assert api.methods == ["createOpportunities"]
    [sent] = api.params[0]["objects"]
    assert sent["ownerID"] == 7 and sent["isClosed"] == 0 and sent["amount"] == "1999.90"
    assert [(r.index, r.success, r.id, r.error) for r in results] == [(0, True, 1000, None)]


async def test_writes_are_chunked_to_500_objects_per_request(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.default = creates_all
    records = [{"emailAddress": f"p{i}@example.com"} for i in range(1201)]
    results = await client.create("lead", records)
    assert [len(p["objects"]) for p in api.params] == [500, 500, 201]
    assert api.params[1]["objects"][0]["emailAddress"] == "p500@example.com"
    assert [r.index for r in results] == list(range(1201))
    assert results[500].id == 1000 and results[1200].id == 1200


async def test_a_partial_failure_is_results_not_an_exception(
    client: SharpSpringClient, api: FakeApi
) -> None:
    dup = {"code": 301, "message": "Entry already exists", "data": None}
    api.then(lambda req, body: httpx.Response(200, json={
        "result": {"creates": [{"success": True, "error": None, "id": 11},
                               {"success": False, "error": dup},
                               {"success": True, "error": None, "id": 12}]},
        "error": [dup],  # the array form RM observed: copies of the failed entries' errors
        "id": body["id"]}))
    results = await client.create("lead", [{"emailAddress": e} for e in ("a@x", "a@x", "b@x")])
    assert [r.success for r in results] == [True, False, True]
    assert [r.id for r in results] == [11, None, 12]
    assert isinstance(results[1].error, DuplicateError)
    assert "Entry already exists" in str(results[1].error)


async def test_update_results_carry_per_object_errors(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.then(result({"updates": [
        {"success": False, "error": {"code": 302, "message": "No rows affected"}},
        {"success": False, "error": {"code": 205, "message": "Invalid value"}},
        {"success": "1", "error": None},
    ]}))
    results = await client.update("lead", [{"id": 1}, {"id": 2, "leadScore": None}, {"id": 3}])
    assert api.methods == ["updateLeads"]
    assert isinstance(results[0].error, NothingChangedError)
    assert isinstance(results[1].error, InvalidParamsError)
    assert results[2].success and results[2].id is None


async def test_objects_without_an_entry_in_the_answer_are_reported_as_failed(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.then(result({"creates": [{"success": True, "error": None, "id": 1}]}))
    results = await client.create("lead", [{"emailAddress": "a@x"}, {"emailAddress": "b@x"}])
    assert results[0].success and not results[1].success
    assert isinstance(results[1].error, UnknownApiError)
    assert "may or may not have been created" in str(results[1].error)


async def test_delete_sends_id_objects(client: SharpSpringClient, api: FakeApi) -> None:
    api.then(result({"deletes": [{"success": True, "error": None}] * 2}))
    results = await client.delete("lead", [5, 6])
    assert api.methods == ["deleteLeads"]
    assert api.params[0] == {"objects": [{"id": 5}, {"id": 6}]}
    assert [r.success for r in results] == [True, True]


async def test_fields_are_deleted_by_system_name(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.then(result({"deletes": [{"success": True, "error": None}]}))
    await client.delete("field", ["shoe_size_384c1e3eacbb3"])
    assert api.params[0] == {"objects": [{"systemName": "shoe_size_384c1e3eacbb3"}]}


async def test_writes_the_api_does_not_offer_are_refused_locally(
    client: SharpSpringClient, api: FakeApi
) -> None:
    with pytest.raises(ValueError, match="cannot be updated"):
        await client.update("deal_stage", [{"id": 1}])
    with pytest.raises(ValueError, match="cannot be created"):
        await client.create("event", [{"leadID": 1}])
    assert api.requests == []


async def test_a_failed_later_chunk_hands_over_the_results_of_earlier_ones(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.then(creates_all, api_error(106, "Daily limit"))
    with pytest.raises(QuotaExceededError) as info:
        await client.create("lead", [{"emailAddress": f"{i}@x"} for i in range(600)])
    assert len(info.value.completed) == 500
    assert all(r.success for r in info.value.completed)


async def test_an_unanswered_later_chunk_says_which_objects_are_in_doubt(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.then(creates_all, fail(httpx.ReadTimeout))
    with pytest.raises(OutcomeUnknownError) as info:
        await client.create("lead", [{"emailAddress": f"{i}@x"} for i in range(600)])
    assert info.value.first_index == 500 and info.value.count == 100
    assert len(info.value.completed) == 500
    assert "100 records sent may or may not have been created" in str(info.value)


async def test_an_empty_write_sends_nothing(client: SharpSpringClient, api: FakeApi) -> None:
    assert await client.create("lead", []) == []
    assert api.requests == []
