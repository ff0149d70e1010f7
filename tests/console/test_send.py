"""Sending through the session's client against the in-process sandbox, and reading answers."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from ssui.api import SharpSpringClient
from ssui.console import ConsoleRequest, Mode, next_page, send, summarize
from ssui.sandbox import SandboxApp

SECRET = "Zq9-send-SECRET-7f"
ClientOn = Callable[..., SharpSpringClient]


@pytest.fixture
def sandbox(make_sandbox: Callable[..., SandboxApp]) -> SandboxApp:
    return make_sandbox(secret_key=SECRET)


def call(method: str, params: object = None) -> ConsoleRequest:
    return ConsoleRequest(Mode.API, method, json.dumps(params or {}))


async def test_a_list_call_reports_status_size_keys_and_the_calls_used(
        sandbox: SandboxApp, client_on: ClientOn) -> None:
    async with client_on(sandbox) as client:
        exchange = await send(client, call("getLeads", {"where": {}, "limit": 3}))
        assert exchange.status == 200 and exchange.size == len(exchange.text.encode())
        assert exchange.calls_today == 1 == client.quota.used  # the session's own counter
        summary = summarize(exchange)
        assert summary.ok and summary.result_keys == (("lead", "3 items"),)
        assert summary.records == 3 and summary.has_more is None
        assert len(exchange.data["result"]["lead"]) == 3


async def test_next_page_asks_from_offset_plus_limit_until_a_short_page(
        sandbox: SandboxApp, client_on: ClientOn) -> None:
    async with client_on(sandbox) as client:
        first = await send(client, call("getLeads", {"where": {}, "limit": 120}))
        second_request = next_page(first)
        assert second_request is not None
        assert json.loads(second_request.params) == {"where": {}, "limit": 120, "offset": 120}
        second = await send(client, second_request)
        ids = [r["id"] for r in first.data["result"]["lead"]]
        assert not set(ids) & {r["id"] for r in second.data["result"]["lead"]}
        third_request = next_page(second)
        assert third_request is not None
        third = await send(client, third_request)
        records = summarize(third).records
        assert records is not None and records < 120  # 300 leads (some inactive): the end
        assert next_page(third) is None


@pytest.mark.parametrize(("request_", "code", "meaning"), [
    (call("getLeedz"), 204, "no such method"),
    (call("getLeads", {"where": {"id": "abc"}}), 205, "invalid parameters"),
    (call("getLead"), 206, "missing parameters"),
])
async def test_an_api_error_has_its_code_message_and_meaning(
        sandbox: SandboxApp, client_on: ClientOn, request_: ConsoleRequest, code: int,
        meaning: str) -> None:
    async with client_on(sandbox) as client:
        summary = summarize(await send(client, request_))
    assert not summary.ok and summary.error is not None
    assert (summary.error.code, summary.error.meaning) == (code, meaning)
    assert summary.error.message and summary.line().startswith(f"error {code}: ")


async def test_a_bulk_write_names_the_objects_that_failed_and_why(
        sandbox: SandboxApp, client_on: ClientOn) -> None:
    objects = [{"emailAddress": "twice@example.com"}, {"emailAddress": "twice@example.com"}]
    async with client_on(sandbox) as client:
        summary = summarize(await send(client, call("createLeads", {"objects": objects})))
    assert summary.error is None and summary.writes == 2
    [failure] = summary.failures
    assert (failure.key, failure.index, failure.error.code) == ("creates", 1, 301)
    assert failure.error.meaning == "the entry already exists"
    assert summary.line().endswith("1 of 2 failed")


async def test_the_secret_is_masked_in_whatever_the_server_sends_back(
        sandbox: SandboxApp, client_on: ClientOn) -> None:
    async with client_on(sandbox) as client:
        exchange = await send(client, call(f"get{SECRET}"))  # 204 echoes the method name
    assert SECRET not in exchange.text and "***" in exchange.text
    assert summarize(exchange).error is not None


async def test_a_raw_post_carries_the_credentials_unless_the_query_sets_them(
        sandbox: SandboxApp, client_on: ClientOn) -> None:
    body = json.dumps({"method": "getLeads", "params": {"where": {}, "limit": 2}, "id": "r1"})
    async with client_on(sandbox) as client:
        good = await send(client, ConsoleRequest(Mode.RAW, http_method="POST", path="v1.2/",
                                                 body=body))
        wrong = await send(client, ConsoleRequest(Mode.RAW, http_method="POST", path="v1.2/",
                                                  query="secretKey=not-the-key", body=body))
        get = await send(client, ConsoleRequest(Mode.RAW, http_method="GET", path="v1.2/"))
    assert summarize(good).records == 2 and good.data["id"] == "r1"
    wrong_error = summarize(wrong).error
    assert wrong_error is not None and wrong_error.code == 105
    assert get.status == 405 and not get.is_json and summarize(get).result_keys == ()


async def test_no_answer_is_an_exchange_without_a_status(sandbox: SandboxApp,
                                                         client_on: ClientOn) -> None:
    import httpx

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with client_on(sandbox, transport=httpx.MockTransport(refuse)) as client:
        exchange = await send(client, call("getLeads", {"where": {}}))
    assert exchange.status is None and "Could not connect" in exchange.problem
    assert SECRET not in exchange.problem
    error = summarize(exchange).error
    assert error is not None and not summarize(exchange).ok
