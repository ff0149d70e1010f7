"""The secret key never shows: not in errors, reprs, logs, or on an unencrypted wire."""

from __future__ import annotations

import logging
import traceback
from urllib.parse import quote, quote_plus

import httpx
import pytest

from ssui.api import (
    AuthError,
    BadResponseError,
    ConnectionFailedError,
    OutcomeUnknownError,
    RetryPolicy,
    SharpSpringClient,
    SharpSpringError,
    redact,
    redact_url,
)

from .conftest import MakeClient
from .fakes import ACCOUNT, SECRET, FakeApi, api_error, fail, http, result

SECRET_FORMS = (SECRET, quote(SECRET, safe=""), quote_plus(SECRET))
LEAKY_URL = f"https://api.sharpspring.com/pubapi/v1.2/?accountID={ACCOUNT}&secretKey={quote(SECRET)}"


def assert_no_secret(text: str) -> None:
    for form in SECRET_FORMS:
        assert form not in text, f"secret leaked in: {text}"


def test_redact_url_masks_the_secret_key_value() -> None:
    assert redact_url(LEAKY_URL) == (
        f"https://api.sharpspring.com/pubapi/v1.2/?accountID={ACCOUNT}&secretKey=***"
    )
    assert redact_url("https://x/?secretKey=abc&b=2") == "https://x/?secretKey=***&b=2"
    assert redact_url(httpx.URL("https://x/?a=1")) == "https://x/?a=1"


def test_redact_masks_the_secret_plain_and_url_encoded() -> None:
    for form in SECRET_FORMS:
        assert_no_secret(redact(f"error near {form} here", SECRET))
    assert redact("nothing secret", SECRET) == "nothing secret"


def test_client_repr_and_str_hide_the_secret(client: SharpSpringClient) -> None:
    assert_no_secret(repr(client))
    assert_no_secret(str(client))
    assert ACCOUNT in repr(client)


def _shown(error: BaseException) -> str:
    """Everything a person could see of an exception: str, repr and the printed traceback."""
    return "\n".join([str(error), repr(error),
                      "".join(traceback.format_exception(error))])


@pytest.mark.parametrize(
    ("responder", "family"),
    [
        (fail(httpx.ConnectError, f"cannot reach {LEAKY_URL}"), ConnectionFailedError),
        (fail(httpx.ReadError, f"reset while reading {LEAKY_URL}"), ConnectionFailedError),
        (http(401, f"Bad key {SECRET} for account"), AuthError),
        (http(200, f"<html>{LEAKY_URL}</html>", "text/html"), BadResponseError),
        (http(404, f"No route {LEAKY_URL}"), BadResponseError),
        (api_error(205, f"secretKey {SECRET} is not valid here"), SharpSpringError),
    ],
    ids=["connect", "dropped", "401", "not-json", "404", "api-message"],
)
async def test_errors_never_show_the_secret(
    make_client: MakeClient, api: FakeApi, responder: object, family: type[Exception]
) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=1))
    api.default = responder  # type: ignore[assignment]
    with pytest.raises(family) as info:
        await client.call("getLeads", {"where": {}})
    assert_no_secret(_shown(info.value))


async def test_an_unknown_outcome_never_shows_the_secret(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.then(fail(httpx.ReadTimeout, f"timed out on {LEAKY_URL}"))
    with pytest.raises(OutcomeUnknownError) as info:
        await client.create("lead", [{"emailAddress": "a@x"}])
    assert_no_secret(_shown(info.value))


async def test_per_object_errors_never_show_the_secret(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.then(result({"creates": [{"success": False, "error": {
        "code": 999, "message": f"failed with key {SECRET}"}}]}))
    [outcome] = await client.create("lead", [{"emailAddress": "a@x"}])
    assert outcome.error is not None
    assert_no_secret(str(outcome.error))


async def test_logs_never_show_the_secret(
    client: SharpSpringClient, api: FakeApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    api.then(http(503), fail(httpx.ConnectError, f"no route {LEAKY_URL}"), result({}))
    await client.call("getLeads", {"where": {}})
    await client.request_raw("POST", "v1.2/", content=b"{}")
    text = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    assert_no_secret(text)
    # httpx's own request line is there, masked: the check above had something to catch.
    assert "secretKey=***" in caplog.text
    assert any(r.name == "ssui.api" for r in caplog.records)


@pytest.mark.parametrize(
    "base_url",
    ["http://api.sharpspring.com/pubapi", "http://10.0.0.5:8080", "http://192.168.1.2",
     "http://localhost.evil.example", "http://sub.localhost"],
)
def test_plain_http_is_refused_for_hosts_beyond_this_machine(base_url: str) -> None:
    with pytest.raises(ValueError, match="refusing plain http") as info:
        SharpSpringClient(ACCOUNT, SECRET, base_url=base_url)
    assert "\n" not in str(info.value)
    assert_no_secret(str(info.value))


@pytest.mark.parametrize(
    "base_url",
    ["http://localhost:8765/pubapi", "http://127.0.0.1:8765", "http://127.9.9.9",
     "http://[::1]:9000/pubapi", "https://api.sharpspring.com/pubapi"],
)
async def test_plain_http_is_allowed_for_loopback_hosts(base_url: str) -> None:
    async with SharpSpringClient(ACCOUNT, SECRET, base_url=base_url) as client:
        assert str(client.endpoint).endswith("/v1.2/")


@pytest.mark.parametrize("base_url", ["ftp://api.sharpspring.com", "api.sharpspring.com"])
def test_base_urls_that_are_not_http_are_refused(base_url: str) -> None:
    with pytest.raises(ValueError):
        SharpSpringClient(ACCOUNT, SECRET, base_url=base_url)


async def test_raw_requests_never_carry_the_secret_to_another_host(
    client: SharpSpringClient, api: FakeApi
) -> None:
    for target in ("https://evil.example.com/pubapi/v1/", "http://api.sharpspring.com/x",
                   "//evil.example.com/steal"):
        with pytest.raises(ValueError, match=r"only to https://api\.sharpspring\.com"):
            await client.request_raw("POST", target)
    assert api.requests == []


async def test_raw_requests_add_credentials_and_count_against_the_quota(
    client: SharpSpringClient, api: FakeApi
) -> None:
    response = await client.request_raw("post", "v1/", params={"x": "1"},
                                        headers={"X-Test": "yes"}, content=b'{"a":1}')
    request = api.requests[0]
    assert response.status_code == 200
    assert str(request.url).startswith("https://api.sharpspring.com/pubapi/v1/?")
    assert request.url.params["x"] == "1"
    assert request.url.params["secretKey"] == SECRET
    assert request.headers["x-test"] == "yes" and request.content == b'{"a":1}'
    assert client.quota.used == 1
