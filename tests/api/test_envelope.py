"""Requests go out in SharpSpring's envelope; answers are checked before anyone trusts them."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from ssui.api import (
    BadResponseError,
    ConnectionFailedError,
    DuplicateError,
    InvalidParamsError,
    SharpSpringClient,
    build_request,
    parse_response,
)

from .fakes import ACCOUNT, SECRET, FakeApi, api_error, fail, result


def test_request_has_method_params_and_id_and_no_jsonrpc_member() -> None:
    body = build_request("getLeads", {"where": {}})
    assert set(body) == {"method", "params", "id"}
    assert body["method"] == "getLeads"
    assert body["params"] == {"where": {}}
    assert isinstance(body["id"], str) and body["id"]


def test_each_request_gets_a_fresh_string_id() -> None:
    ids = {build_request("getLeads")["id"] for _ in range(1000)}
    assert len(ids) == 1000


def test_missing_params_are_sent_as_an_empty_object() -> None:
    assert build_request("getClients")["params"] == {}


async def test_calls_post_json_to_the_versioned_endpoint_with_credentials_in_the_query(
    client: SharpSpringClient, api: FakeApi
) -> None:
    await client.call("getLeads", {"where": {}, "limit": 5})
    request = api.requests[0]
    assert request.method == "POST"
    assert request.url.path == "/pubapi/v1.2/"
    assert request.url.params["accountID"] == ACCOUNT
    assert request.url.params["secretKey"] == SECRET
    assert request.headers["content-type"] == "application/json"
    sent = json.loads(request.content)
    assert sent["method"] == "getLeads"
    assert sent["params"] == {"where": {}, "limit": 5}
    assert "secretKey" not in request.content.decode()


async def test_call_returns_the_result_value(client: SharpSpringClient, api: FakeApi) -> None:
    api.then(result({"lead": [{"id": "1"}]}))
    assert await client.call("getLeads", {"where": {}}) == {"lead": [{"id": "1"}]}


async def test_an_answer_to_another_request_id_is_a_bad_response(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.then(lambda req, body: httpx.Response(
        200, json={"result": {"lead": []}, "error": None, "id": "someone-else"}))
    with pytest.raises(BadResponseError, match="someone-else"):
        await client.call("getLeads", {"where": {}})


def test_echoed_numeric_id_matches_its_string_form() -> None:
    reply = parse_response({"result": 1, "error": None, "id": 17}, "17")
    assert reply.result == 1


def test_an_answer_without_an_id_is_accepted() -> None:
    assert parse_response({"result": {"x": 1}, "error": None}, "abc").result == {"x": 1}


def test_unknown_top_level_keys_are_tolerated_and_kept() -> None:
    body: dict[str, Any] = {"result": {"lead": []}, "error": None, "id": "a", "callCount": "3",
            "queryLimit": "50000", "somethingNew": True}
    reply = parse_response(body, "a")
    assert reply.result == {"lead": []}
    assert reply.body["queryLimit"] == "50000"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"result": {}, "error": None, "id": "a", "hasMore": True}, True),
        ({"result": {}, "error": None, "id": "a", "hasMore": "0"}, False),
        ({"result": {"hasMore": "1"}, "error": None, "id": "a"}, True),
        ({"result": {}, "error": None, "id": "a"}, None),
    ],
)
def test_has_more_is_read_at_the_top_level_or_inside_result(
    body: dict[str, Any], expected: bool | None
) -> None:
    assert parse_response(body, "a").has_more is expected


@pytest.mark.parametrize("empty", [None, [], {}])
def test_null_or_empty_error_means_success(empty: Any) -> None:
    reply = parse_response({"result": {"lead": []}, "error": empty, "id": "a"}, "a")
    assert reply.error is None
    assert reply.raise_for_error() == {"lead": []}


def test_a_top_level_error_object_raises_the_family_for_its_code() -> None:
    body = {"result": None, "error": {"code": 205, "message": "Invalid parameters",
                                      "data": {"where": "array"}}, "id": "a"}
    reply = parse_response(body, "a")
    with pytest.raises(InvalidParamsError) as info:
        reply.raise_for_error()
    assert info.value.code == 205
    assert info.value.data == {"where": "array"}


def test_an_error_array_in_a_write_answer_is_not_an_exception() -> None:
    failed = {"code": 301, "message": "Entry already exists", "data": None}
    body = {
        "result": {"creates": [{"success": True, "error": None, "id": 9},
                               {"success": False, "error": failed}]},
        "error": [failed],
        "id": "a",
    }
    reply = parse_response(body, "a")
    assert reply.error is None
    assert reply.raise_for_error()["creates"][0]["id"] == 9
    assert [type(e) for e in reply.failed_entries] == [DuplicateError]


def test_an_error_array_without_any_result_raises_its_first_entry() -> None:
    body = {"result": None, "error": [{"code": 205, "message": "bad"}], "id": "a"}
    with pytest.raises(InvalidParamsError):
        parse_response(body, "a").raise_for_error()


@pytest.mark.parametrize(
    "body", [{"id": "a"}, {"foo": 1}, [], "ok", 3, None], ids=str
)
def test_a_body_that_is_not_an_envelope_is_a_bad_response(body: Any) -> None:
    with pytest.raises(BadResponseError):
        parse_response(body, "a")


async def test_call_envelope_returns_api_errors_instead_of_raising(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.then(api_error(204, "Invalid method"))
    body = await client.call_envelope("getNothing", {})
    assert body["error"]["code"] == 204
    assert body["id"] == api.bodies[0]["id"]


async def test_call_envelope_keeps_extra_keys(client: SharpSpringClient, api: FakeApi) -> None:
    api.then(result({"getAllcompanyProfileManagedBys": []}, hasMore=False))
    body = await client.call_envelope("getClients")
    assert body["hasMore"] is False


async def test_call_envelope_still_raises_transport_errors(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.default = fail(httpx.ConnectError)
    with pytest.raises(ConnectionFailedError):
        await client.call_envelope("getLeads", {"where": {}})
