"""Every published error code and every HTTP failure becomes an exception a person understands."""

from __future__ import annotations

import httpx
import pytest

from ssui.api import (
    ApiError,
    AuthError,
    BadResponseError,
    ConnectionFailedError,
    DuplicateError,
    InvalidParamsError,
    InvalidRequestError,
    MethodNotFoundError,
    NotFoundError,
    NothingChangedError,
    QuotaExceededError,
    RateLimitedError,
    RequestTimeoutError,
    RetryPolicy,
    ServerUnavailableError,
    SharpSpringClient,
    SharpSpringError,
    TransportError,
    UnknownApiError,
    ValidationError,
    error_from_code,
)

from .conftest import MakeClient
from .fakes import FakeApi, api_error, fail, http, result

# Reference §1.3, code by code.
PUBLISHED: dict[int, type[ApiError]] = {
    101: InvalidRequestError, 102: InvalidRequestError,
    103: AuthError, 104: AuthError, 105: AuthError,
    106: QuotaExceededError, 107: RateLimitedError,
    201: InvalidRequestError, 202: InvalidRequestError, 203: InvalidRequestError,
    204: MethodNotFoundError, 205: InvalidParamsError, 206: InvalidParamsError,
    207: InvalidRequestError, 208: InvalidParamsError, 209: InvalidRequestError,
    210: InvalidParamsError,
    211: ValidationError, 212: ValidationError, 213: ValidationError, 214: ValidationError,
    215: ValidationError, 216: ValidationError, 217: InvalidParamsError,
    218: ValidationError, 219: ValidationError, 220: ValidationError, 221: ValidationError,
    222: ValidationError, 223: ValidationError,
    301: DuplicateError, 302: NothingChangedError,
    303: ValidationError, 304: ValidationError, 305: ValidationError, 306: ValidationError,
    307: ValidationError,
    404: NotFoundError, 999: UnknownApiError,
}


@pytest.mark.parametrize(("code", "family"), sorted(PUBLISHED.items()))
def test_every_published_code_maps_to_its_family(code: int, family: type[ApiError]) -> None:
    error = error_from_code(code, "", None)
    assert type(error) is family
    assert error.code == code
    assert f"error {code}" in error.message
    # With no text from the server, the message still says what went wrong.
    assert len(error.message) > len(f"SharpSpring error {code}") + 5


@pytest.mark.parametrize("code", [0, 108, 224, 308, 500, "abc", None])
def test_unpublished_codes_are_unknown_api_errors(code: object) -> None:
    assert type(error_from_code(code, "Something odd", None)) is UnknownApiError


def test_code_sent_as_a_string_is_understood() -> None:
    assert type(error_from_code("301", "Entry already exists", None)) is DuplicateError


def test_subfamilies_are_caught_by_their_parents() -> None:
    assert isinstance(error_from_code(204, "", None), InvalidRequestError)
    assert isinstance(error_from_code(206, "", None), InvalidRequestError)
    assert isinstance(error_from_code(106, "", None), SharpSpringError)


def test_only_rate_limiting_is_retryable_among_api_errors() -> None:
    retryable = {c for c in PUBLISHED if error_from_code(c, "", None).retryable}
    assert retryable == {107}


def test_server_text_is_kept_and_folded_onto_one_line() -> None:
    error = error_from_code(205, "Invalid parameters:\n  emailAddress\tmissing", {"x": 1})
    assert "\n" not in str(error) and "\t" not in str(error)
    assert "Invalid parameters: emailAddress missing" in str(error)
    assert error.data == {"x": 1}


def test_auth_errors_tell_the_person_what_to_check() -> None:
    assert "secret key" in str(error_from_code(105, "Authentication failed", None))


async def test_http_401_text_body_is_an_auth_error_that_keeps_the_text(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.then(http(401, "Unable to determine clusterID from provided accountID/secretKey"))
    with pytest.raises(AuthError) as info:
        await client.call("getLeads", {"where": {}})
    assert "Unable to determine clusterID" in info.value.message
    assert info.value.status == 401
    assert len(api.requests) == 1  # never retried


async def test_http_401_carrying_an_envelope_uses_the_envelope_code(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.then(lambda req, body: httpx.Response(401, json={
        "result": None, "error": {"code": 105, "message": "Invalid credentials"},
        "id": body["id"]}))
    with pytest.raises(AuthError) as info:
        await client.call("getLeads", {"where": {}})
    assert info.value.code == 105


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_http_5xx_is_server_unavailable_and_retryable(
    make_client: MakeClient, api: FakeApi, status: int
) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=1))
    api.then(http(status, "<html>Bad gateway</html>", "text/html"))
    with pytest.raises(ServerUnavailableError) as info:
        await client.call("getLeads", {"where": {}})
    assert info.value.retryable
    assert info.value.status == status
    assert f"HTTP {status}" in str(info.value)


async def test_a_body_that_is_not_json_is_a_bad_response(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.then(http(200, "<html>Maintenance</html>", "text/html"))
    with pytest.raises(BadResponseError, match="not JSON") as info:
        await client.call("getLeads", {"where": {}})
    assert "text/html" in str(info.value)
    assert not info.value.retryable


@pytest.mark.parametrize("status", [301, 400, 403, 404, 418])
async def test_http_statuses_other_than_200_and_201_are_bad_responses(
    client: SharpSpringClient, api: FakeApi, status: int
) -> None:
    api.then(http(status, "nope"))
    with pytest.raises(BadResponseError, match=f"HTTP {status}"):
        await client.call("getLeads", {"where": {}})


async def test_http_201_with_an_envelope_is_accepted(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.then(lambda req, body: httpx.Response(
        201, json={"result": {"ok": 1}, "error": None, "id": body["id"]}))
    assert await client.call("getX") == {"ok": 1}


@pytest.mark.parametrize(
    ("exc", "family", "words"),
    [
        (httpx.ReadTimeout, RequestTimeoutError, "did not answer within 30 s"),
        (httpx.ConnectTimeout, RequestTimeoutError, "Could not connect"),
        (httpx.ConnectError, ConnectionFailedError, "Could not connect"),
        (httpx.ReadError, ConnectionFailedError, "dropped"),
        (httpx.RemoteProtocolError, ConnectionFailedError, "dropped"),
    ],
)
async def test_network_failures_become_transport_errors(
    make_client: MakeClient, api: FakeApi, exc: type[httpx.RequestError],
    family: type[TransportError], words: str,
) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=1))
    api.then(fail(exc))
    with pytest.raises(family, match=words) as info:
        await client.call("getLeads", {"where": {}})
    assert info.value.retryable
    assert info.value.__cause__ is None  # httpx's exception, URL and all, is not chained


async def test_an_empty_by_id_result_is_none_or_not_found_when_required(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.default = result({"lead": []})
    assert await client.get("lead", 42) is None
    with pytest.raises(NotFoundError, match="No lead with ID 42") as info:
        await client.get("lead", 42, required=True)
    assert info.value.code == 404


async def test_an_api_error_on_a_read_is_raised_from_call(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.then(api_error(106, "Daily query limit exceeded"))
    with pytest.raises(QuotaExceededError, match="Daily query limit exceeded"):
        await client.call("getLeads", {"where": {}})
    assert len(api.requests) == 1


def test_exception_repr_names_the_class_and_code() -> None:
    assert repr(error_from_code(301, "dup", None)).startswith("DuplicateError('dup")
