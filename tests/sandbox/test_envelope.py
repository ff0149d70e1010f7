"""The request/response envelope and the request-level error codes (reference §1)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from ssui.sandbox import SandboxApp

from .conftest import CREDS, Raw, raw_poster


async def test_a_read_answers_result_error_null_and_the_echoed_id(raw: Raw) -> None:
    r = await raw({"method": "getLead", "params": {"id": 1}, "id": "abc"})
    assert r.status_code == 200
    body = r.json()
    assert list(body) == ["result", "error", "id"]
    assert body["error"] is None
    assert body["id"] == "abc"
    assert body["result"]["lead"][0]["id"] == "1"


async def test_an_empty_string_id_is_accepted_and_echoed(raw: Raw) -> None:
    body = (await raw({"method": "getLead", "params": {"id": 1}, "id": ""})).json()
    assert body["id"] == "" and body["error"] is None


@pytest.mark.parametrize("path", ["/pubapi/v1/", "/pubapi/v1", "/pubapi/v1.2/", "/pubapi/v1.2"])
async def test_both_versions_answer_with_or_without_trailing_slash(raw: Raw, path: str) -> None:
    r = await raw({"method": "getLead", "params": {"id": 1}, "id": "1"}, path=path)
    assert r.json()["result"]["lead"][0]["id"] == "1"


@pytest.mark.parametrize("verb", ["GET", "PUT", "DELETE", "PATCH"])
async def test_other_http_verbs_get_405(raw: Raw, verb: str) -> None:
    r = await raw(http_method=verb)
    assert r.status_code == 405
    assert r.headers["allow"] == "POST"


async def test_an_unknown_path_gets_404(raw: Raw) -> None:
    r = await raw({"method": "getLead", "params": {"id": 1}, "id": "1"}, path="/pubapi/v3/")
    assert r.status_code == 404


async def test_a_header_member_in_the_body_is_ignored(raw: Raw) -> None:
    body = {"method": "getLead", "params": {"id": 1}, "id": "1",
            "header": {"accountID": "nope", "secretKey": "nope"}}
    assert (await raw(body)).json()["error"] is None


async def test_content_type_is_not_enforced(raw: Raw) -> None:
    content = json.dumps({"method": "getLead", "params": {"id": 1}, "id": "1"}).encode()
    r = await raw(content=content, headers={"content-type": "text/plain"})
    assert r.json()["error"] is None


async def test_credentials_may_come_from_headers(raw: Raw) -> None:
    headers = {"X-Account-Id": "SANDBOX", "Authorization": "bearer sandbox-secret"}
    r = await raw({"method": "getLead", "params": {"id": 1}, "id": "1"}, query={},
                  headers=headers)
    assert r.json()["error"] is None


async def test_query_credentials_win_over_headers(raw: Raw) -> None:
    headers = {"X-Account-Id": "SANDBOX", "Authorization": "bearer sandbox-secret"}
    bad_query = {"accountID": "SANDBOX", "secretKey": "wrong"}
    r = await raw({"method": "getLead", "params": {"id": 1}, "id": "1"}, query=bad_query,
                  headers=headers)
    assert r.json()["error"]["code"] == 105


async def _code(raw: Raw, **kw: object) -> int:
    r = await raw(**kw)
    assert r.status_code == 200
    body = r.json()
    assert body["result"] is None
    return int(body["error"]["code"])


async def test_a_body_that_is_not_json_is_101(raw: Raw) -> None:
    assert await _code(raw, content=b"{not json") == 101


async def test_a_body_that_is_not_an_object_is_101(raw: Raw) -> None:
    assert await _code(raw, body=[1, 2]) == 101


async def test_a_request_without_id_is_102(raw: Raw) -> None:
    assert await _code(raw, body={"method": "getLead", "params": {"id": 1}}) == 102


async def test_no_account_id_is_103(raw: Raw) -> None:
    body = {"method": "getLead", "params": {"id": 1}, "id": "1"}
    assert await _code(raw, body=body, query={"secretKey": "sandbox-secret"}) == 103


async def test_no_secret_key_is_104(raw: Raw) -> None:
    body = {"method": "getLead", "params": {"id": 1}, "id": "1"}
    assert await _code(raw, body=body, query={"accountID": "SANDBOX"}) == 104


async def test_a_wrong_secret_is_json_error_105_by_default(raw: Raw) -> None:
    body = {"method": "getLead", "params": {"id": 1}, "id": "1"}
    query = {**CREDS, "secretKey": "wrong"}
    assert await _code(raw, body=body, query=query) == 105


async def test_a_wrong_account_is_105_too(raw: Raw) -> None:
    body = {"method": "getLead", "params": {"id": 1}, "id": "1"}
    assert await _code(raw, body=body, query={**CREDS, "accountID": "OTHER"}) == 105


async def test_a_wrong_secret_can_answer_http_401_text(
        make_app: Callable[..., SandboxApp]) -> None:
    app = make_app(wrong_secret="http401")
    r = await raw_poster(app)({"method": "getLead", "params": {"id": 1}, "id": "1"},
                              query={**CREDS, "secretKey": "wrong"})
    assert r.status_code == 401
    assert r.text == "Unable to determine clusterID from provided accountID/secretKey"


async def test_no_method_is_201(raw: Raw) -> None:
    assert await _code(raw, body={"params": {}, "id": "1"}) == 201


async def test_an_unknown_method_is_204(raw: Raw) -> None:
    assert await _code(raw, body={"method": "getLeadz", "params": {}, "id": "1"}) == 204


async def test_no_params_is_202(raw: Raw) -> None:
    assert await _code(raw, body={"method": "getLeads", "id": "1"}) == 202


async def test_params_sent_as_an_empty_array_count_as_an_empty_object(raw: Raw) -> None:
    body = (await raw({"method": "getEmailJobs", "params": [], "id": "1"})).json()
    assert body["error"] is None


async def test_a_successful_write_answers_error_as_an_empty_array(raw: Raw) -> None:
    body = (await raw({"method": "createLeads", "id": "1",
                       "params": {"objects": [{"emailAddress": "new@example.com"}]}})).json()
    assert body["error"] == []
    assert body["result"]["creates"][0]["success"] is True


async def test_a_partly_failed_write_lists_the_failed_errors_at_the_top(raw: Raw) -> None:
    objects = [{"emailAddress": "a1@example.com"}, {"firstName": "no email"},
               {"emailAddress": "a2@example.com", "leadStatus": "bogus"}]
    body = (await raw({"method": "createLeads", "params": {"objects": objects}, "id": "1"})).json()
    creates = body["result"]["creates"]
    assert [c["success"] for c in creates] == [True, False, False]
    assert [e["code"] for e in body["error"]] == [206, 205]
    assert body["error"] == [creates[1]["error"], creates[2]["error"]]


async def test_an_internal_failure_is_reported_as_999(raw: Raw, app: SandboxApp) -> None:
    def broken(call: object, params: object) -> object:
        raise RuntimeError("boom")

    app.handlers = {**app.handlers, "getLead": broken}  # type: ignore[dict-item]
    assert await _code(raw, body={"method": "getLead", "params": {"id": 1}, "id": "1"}) == 999
