"""Reads ride out transient failures; writes are never repeated when they might have happened."""

from __future__ import annotations

import random

import httpx
import pytest

from ssui.api import (
    AuthError,
    ConnectionFailedError,
    Decision,
    InvalidParamsError,
    Jitter,
    OutcomeUnknownError,
    RateLimitedError,
    RequestTimeoutError,
    RetryPolicy,
    ServerUnavailableError,
    SharpSpringClient,
    is_read,
)
from ssui.api.errors import BadResponseError

from .conftest import MakeClient
from .fakes import FakeApi, FakeClock, HalfRandom, api_error, fail, http, result

CREATED = result({"creates": [{"success": True, "error": None, "id": 7}]})


def test_backoff_doubles_up_to_the_cap_without_jitter() -> None:
    policy = RetryPolicy(max_attempts=8, base_delay=0.5, max_delay=8.0, jitter=Jitter.NONE)
    assert [policy.backoff(n) for n in range(1, 8)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_full_jitter_draws_between_zero_and_the_cap() -> None:
    policy = RetryPolicy(rng=random.Random(7))
    delays = [policy.backoff(3) for _ in range(200)]
    assert all(0 <= d <= 2.0 for d in delays)
    assert min(delays) < 0.5 and max(delays) > 1.5  # spread over the range, not fixed


def test_jitter_comes_from_the_injected_random() -> None:
    a = [RetryPolicy(rng=random.Random(1)).backoff(2) for _ in range(3)]
    b = [RetryPolicy(rng=random.Random(1)).backoff(2) for _ in range(3)]
    assert a == b
    assert RetryPolicy(rng=HalfRandom()).backoff(2) == 0.5


def test_equal_jitter_stays_in_the_upper_half() -> None:
    policy = RetryPolicy(jitter=Jitter.EQUAL, rng=random.Random(3))
    assert all(0.5 <= policy.backoff(2) <= 1.0 for _ in range(100))


def test_methods_starting_with_get_are_reads() -> None:
    assert is_read("getLeads") and is_read("getEventsByType") and is_read("getLeadsDateRange")
    assert not is_read("createLeads") and not is_read("updateLeads")
    assert not is_read("addListMembers") and not is_read("deleteLeads")


async def test_reads_are_retried_with_exponential_backoff_on_rate_limit(
    client: SharpSpringClient, api: FakeApi, clock: FakeClock
) -> None:
    api.then(api_error(107), api_error(107), api_error(107), result({"lead": []}))
    assert await client.call("getLeads", {"where": {}}) == {"lead": []}
    # HalfRandom puts full jitter at half of each cap: 0.5, 1.0, 2.0 -> 0.25, 0.5, 1.0.
    assert clock.sleeps == [0.25, 0.5, 1.0]
    assert len(api.requests) == 4
    assert len({b["id"] for b in api.bodies}) == 4  # every attempt is a fresh request


@pytest.mark.parametrize(
    "failure",
    [http(500), http(503), api_error(107), fail(httpx.ReadTimeout), fail(httpx.ConnectError),
     fail(httpx.ReadError)],
    ids=["500", "503", "107", "timeout", "connect", "dropped"],
)
async def test_reads_are_retried_on_every_transient_failure(
    client: SharpSpringClient, api: FakeApi, failure: object
) -> None:
    api.then(failure, result({"lead": [{"id": "1"}]}))  # type: ignore[arg-type]
    assert await client.call("getLeads", {"where": {}}) == {"lead": [{"id": "1"}]}
    assert len(api.requests) == 2


async def test_reads_give_up_after_max_attempts(
    make_client: MakeClient, api: FakeApi, clock: FakeClock
) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=3, jitter=Jitter.NONE))
    api.default = http(503)
    with pytest.raises(ServerUnavailableError):
        await client.call("getLeads", {"where": {}})
    assert len(api.requests) == 3
    assert clock.sleeps == [0.5, 1.0]


@pytest.mark.parametrize(
    "failure", [api_error(205, "bad"), api_error(105, "auth"), http(401, "no"), http(404)],
    ids=["205", "105", "401", "404"],
)
async def test_errors_that_will_not_go_away_are_not_retried(
    client: SharpSpringClient, api: FakeApi, clock: FakeClock, failure: object
) -> None:
    api.default = failure  # type: ignore[assignment]
    with pytest.raises((InvalidParamsError, AuthError, BadResponseError)):
        await client.call("getLeads", {"where": {}})
    assert len(api.requests) == 1
    assert clock.sleeps == []


@pytest.mark.parametrize(
    ("failure", "reason"),
    [
        (fail(httpx.ReadTimeout), "did not answer"),
        (fail(httpx.ReadError), "dropped"),
        (fail(httpx.RemoteProtocolError), "dropped"),
        (http(500), "HTTP 500"),
        (http(200, "<html>oops</html>", "text/html"), "not JSON"),
    ],
    ids=["timeout", "dropped", "protocol", "500", "garbled"],
)
async def test_create_is_not_retried_when_outcome_unknown(
    client: SharpSpringClient, api: FakeApi, failure: object, reason: str
) -> None:
    api.then(failure, CREATED)  # type: ignore[arg-type]
    with pytest.raises(OutcomeUnknownError) as info:
        await client.create("lead", [{"emailAddress": "a@example.com"},
                                     {"emailAddress": "b@example.com"}])
    assert len(api.requests) == 1
    message = str(info.value)
    assert reason in message
    assert "2 records sent may or may not have been created" in message
    assert "check" in message.lower() and "before retrying" in message
    assert info.value.count == 2 and info.value.method == "createLeads"


async def test_create_is_retried_when_the_server_refused_it_with_107(
    client: SharpSpringClient, api: FakeApi, clock: FakeClock
) -> None:
    api.then(api_error(107, "Too many requests"), CREATED)
    results = await client.create("lead", [{"emailAddress": "a@example.com"}])
    assert results[0].id == 7
    assert api.methods == ["createLeads", "createLeads"]
    assert clock.sleeps == [0.25]


@pytest.mark.parametrize("failure", [fail(httpx.ConnectError), fail(httpx.ConnectTimeout)],
                         ids=["refused", "connect-timeout"])
async def test_create_is_retried_when_the_connection_never_reached_the_server(
    client: SharpSpringClient, api: FakeApi, failure: object
) -> None:
    api.then(failure, CREATED)  # type: ignore[arg-type]
    results = await client.create("lead", [{"emailAddress": "a@example.com"}])
    assert results[0].success and len(api.requests) == 2


async def test_create_gives_up_on_rate_limit_after_max_attempts(
    make_client: MakeClient, api: FakeApi
) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=2, rng=HalfRandom()))
    api.default = api_error(107)
    with pytest.raises(RateLimitedError):
        await client.create("lead", [{"emailAddress": "a@example.com"}])
    assert len(api.requests) == 2


@pytest.mark.parametrize("method", ["updateLeads", "deleteLeads"])
async def test_update_and_delete_report_outcome_unknown_after_a_timeout(
    client: SharpSpringClient, api: FakeApi, method: str
) -> None:
    api.then(fail(httpx.ReadTimeout), result({}))
    with pytest.raises(OutcomeUnknownError, match="may or may not have been"):
        await client.call(method, {"objects": [{"id": 1}]})
    assert len(api.requests) == 1


@pytest.mark.parametrize("failure", [api_error(107), fail(httpx.ConnectError)],
                         ids=["107", "refused"])
async def test_update_is_retried_when_the_request_was_not_processed(
    client: SharpSpringClient, api: FakeApi, failure: object
) -> None:
    api.then(failure, result({"updates": [{"success": True, "error": None}]}))  # type: ignore[arg-type]
    results = await client.update("lead", [{"id": 1, "firstName": "Ann"}])
    assert results[0].success and len(api.requests) == 2


def test_retry_decisions_by_method_and_error() -> None:
    policy = RetryPolicy()
    timeout = RequestTimeoutError("t")
    refused = ConnectionFailedError("r", maybe_processed=False)
    limited = RateLimitedError("l", code=107)
    assert policy.decide("getLeads", timeout, 1) is Decision.RETRY
    assert policy.decide("getLeads", timeout, 4) is Decision.RAISE
    assert policy.decide("createLeads", timeout, 1) is Decision.OUTCOME_UNKNOWN
    assert policy.decide("addListMembers", timeout, 1) is Decision.OUTCOME_UNKNOWN
    assert policy.decide("createLeads", refused, 1) is Decision.RETRY
    assert policy.decide("createLeads", limited, 1) is Decision.RETRY
    assert policy.decide("updateLeads", limited, 4) is Decision.RAISE
    assert policy.decide("deleteLeads", ServerUnavailableError("s"), 1) is Decision.OUTCOME_UNKNOWN


async def test_every_retry_is_a_request_counted_against_the_quota(
    client: SharpSpringClient, api: FakeApi
) -> None:
    api.then(http(503), http(503), result({}))
    await client.call("getLeads", {"where": {}})
    assert client.quota.used == 3 and client.calls_made == 3
