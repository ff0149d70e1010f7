"""Requests as typed: params checked with line and column, raw requests kept to the API host."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ssui.console import ConsoleRequest, Mode, RequestProblem, Target, parse_params, prepare

TARGET = Target.of("https://api.sharpspring.com/pubapi", "v1.2", "ACC")
LOOPBACK = Target.of("http://127.0.0.1:8765/pubapi", "v1", "ACC")


def raw(**fields: str) -> ConsoleRequest:
    return ConsoleRequest(Mode.RAW, **fields)


def test_broken_params_say_where_by_line_and_column() -> None:
    with pytest.raises(RequestProblem) as info:
        parse_params('{\n  "where": {}\n  "limit": 3\n}')
    problem = info.value
    assert (problem.where, problem.line, problem.column) == ("params", 3, 3)
    assert str(problem) == "params at line 3, column 3: invalid JSON: Expecting ',' delimiter"


@pytest.mark.parametrize(("text", "kind"), [("[1, 2]", "an array"), ('"x"', "a string"),
                                            ("null", "null"), ("3", "a number")])
def test_params_must_be_an_object(text: str, kind: str) -> None:
    with pytest.raises(RequestProblem, match=f"must be a JSON object .*not {kind}"):
        parse_params(text)


def test_empty_params_are_an_empty_object() -> None:
    assert parse_params("  \n") == {}


def test_an_api_call_is_one_post_to_the_endpoint_with_a_fresh_id() -> None:
    prepared = prepare(ConsoleRequest(method=" getLeads ", params='{"limit": 2}'), TARGET)
    assert prepared.http_method == "POST"
    assert str(prepared.url) == "https://api.sharpspring.com/pubapi/v1.2/"
    body = json.loads(prepared.content)
    assert body == {"method": "getLeads", "params": {"limit": 2}, "id": prepared.request_id}
    assert prepared.query == {}  # the client adds the credentials
    assert prepared.rpc_method == "getLeads" and not prepared.writes
    assert prepared.params == {"limit": 2}


def test_a_call_without_a_method_names_the_method_field() -> None:
    with pytest.raises(RequestProblem) as info:
        prepare(ConsoleRequest(method="  "), TARGET)
    assert info.value.where == "method"


def test_a_raw_request_joins_its_path_to_the_base_url() -> None:
    prepared = prepare(raw(http_method="get", path="v1.2/", query="?a=1&b=&a=2",
                           headers="X-Test: yes\n\n"), TARGET)
    assert prepared.http_method == "GET"
    assert str(prepared.url) == "https://api.sharpspring.com/pubapi/v1.2/"
    assert prepared.query == {"a": "2", "b": ""}
    assert prepared.headers == {"X-Test": "yes"}
    assert prepared.content == b"" and prepared.rpc_method is None


@pytest.mark.parametrize("path", ["https://evil.example.com/pubapi/v1/", "//evil.example.com/x",
                                  "http://api.sharpspring.com/pubapi/v1.2/"])
def test_a_raw_request_never_goes_anywhere_but_the_api_host(path: str) -> None:
    with pytest.raises(RequestProblem, match="requests go only to"):
        prepare(raw(path=path), TARGET)


def test_plain_http_is_for_loopback_only_and_a_loopback_target_is_a_sandbox() -> None:
    assert LOOPBACK.sandbox and not TARGET.sandbox
    assert LOOPBACK.api_path == "v1/"
    with pytest.raises(ValueError, match="refusing plain http"):
        Target.of("http://api.sharpspring.com/pubapi", "v1.2", "ACC")


def test_a_raw_post_that_calls_a_write_method_is_a_write() -> None:
    body = json.dumps({"method": "deleteLeads", "params": {"objects": [{"id": 1}]}, "id": "x"})
    prepared = prepare(raw(path="v1.2/", body=body), TARGET)
    assert prepared.rpc_method == "deleteLeads" and prepared.writes
    assert prepared.headers == {"Content-Type": "application/json"}
    assert not prepare(raw(path="v1.2/", body='{"method": "getLeads"}'), TARGET).writes
    assert not prepare(raw(path="v1.2/", body="not json"), TARGET).writes


@pytest.mark.parametrize(("headers", "line"), [("no colon here", 1), ("A: 1\nBad Name: x", 2),
                                               ("X: caf\u00e9", 1)])
def test_a_bad_header_line_is_named(headers: str, line: int) -> None:
    with pytest.raises(RequestProblem) as info:
        prepare(raw(path="v1.2/", headers=headers), TARGET)
    assert (info.value.where, info.value.line) == ("headers", line)


def test_a_request_survives_the_round_trip_through_a_file() -> None:
    request = raw(http_method="PUT", path="x", query="q=1", headers="A: b", body="{}")
    assert ConsoleRequest.from_dict(json.loads(json.dumps(request.to_dict()))) == request
    assert ConsoleRequest.from_dict({"mode": "nonsense", "method": "getLeads", "extra": 1}) == \
        ConsoleRequest(Mode.API, "getLeads")


@given(st.text())
def test_any_text_in_the_params_editor_is_a_request_or_a_problem(text: str) -> None:
    try:
        prepared = prepare(ConsoleRequest(method="getLeads", params=text), TARGET)
    except RequestProblem:
        return
    sent = json.loads(prepared.content)["params"]
    assert sent == (json.loads(text) if text.strip() else {})


@given(st.text(), st.text(), st.text(), st.text(), st.text())
def test_any_raw_request_is_a_request_or_a_problem(method: str, path: str, query: str,
                                                   headers: str, body: str) -> None:
    try:
        prepared = prepare(raw(http_method=method, path=path, query=query, headers=headers,
                               body=body), TARGET)
    except RequestProblem:
        return
    assert prepared.url.host == "api.sharpspring.com"
    httpx.Request(prepared.http_method, prepared.url, params=prepared.query,
                  headers=prepared.headers, content=prepared.content)  # httpx takes it as is
