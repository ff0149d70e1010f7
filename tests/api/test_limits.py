"""At most 10 calls a second and a count of the day's calls, shared by everyone on the account."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest

from ssui.api import QuotaCounter, RateLimiter, SharpSpringClient, SystemClock

from .conftest import MakeClient
from .fakes import FakeApi, FakeClock, fail


async def test_rate_limiter_lets_ten_calls_a_second_through(clock: FakeClock) -> None:
    limiter = RateLimiter(10, clock=clock)
    start = clock.now()
    times = []
    for _ in range(25):
        await limiter.acquire()
        times.append(round(clock.now() - start, 6))
    assert times == [0.0] * 10 + [1.0] * 10 + [2.0] * 5


async def test_rate_limiter_spaces_calls_only_as_much_as_needed(clock: FakeClock) -> None:
    limiter = RateLimiter(10, clock=clock)
    for _ in range(10):
        await limiter.acquire()
        clock.t += 0.05  # ten calls spread over half a second
    await limiter.acquire()  # the 11th may go one second after the first
    assert clock.sleeps == [pytest.approx(0.5)]


async def test_client_never_sends_more_than_ten_calls_in_any_second(
    make_client: MakeClient, api: FakeApi, clock: FakeClock
) -> None:
    client = make_client(rate_limit=10.0)
    for _ in range(35):
        await client.call("getLeads", {"where": {}})
    times = api.times
    assert len(times) == 35
    for i in range(len(times) - 10):
        assert times[i + 10] - times[i] >= 1.0 - 1e-9
    assert times[-1] - times[0] == pytest.approx(3.0)
    assert client.limiter.waited == pytest.approx(3.0)


async def test_rate_limit_none_never_waits(clock: FakeClock) -> None:
    limiter = RateLimiter(None, clock=clock)
    for _ in range(100):
        await limiter.acquire()
    assert clock.sleeps == [] and not limiter.enabled


async def test_fractional_rates_are_honoured(clock: FakeClock) -> None:
    limiter = RateLimiter(0.5, clock=clock)
    for _ in range(3):
        await limiter.acquire()
    assert clock.sleeps == [2.0, 2.0]


@pytest.mark.parametrize("rate", [0, -1])
def test_a_rate_limit_must_be_positive(rate: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(rate)


def test_quota_counts_calls_against_the_daily_limit(clock: FakeClock) -> None:
    quota = QuotaCounter(50_000, clock=clock)
    for _ in range(5):
        quota.record()
    assert (quota.used, quota.limit, quota.remaining) == (5, 50_000, 49_995)
    assert quota.fraction_used == pytest.approx(5 / 50_000)
    assert not quota.exhausted


def test_quota_starts_again_at_the_utc_day_boundary(clock: FakeClock) -> None:
    quota = QuotaCounter(100, used=99, clock=clock)
    assert quota.used == 99 and quota.day == clock.day
    clock.day = clock.day + timedelta(days=1)
    assert quota.used == 0 and quota.remaining == 100
    quota.record()
    assert quota.used == 1 and quota.day == date(2026, 11, 28)


def test_quota_restored_from_another_day_starts_at_zero(clock: FakeClock) -> None:
    quota = QuotaCounter(100, used=70, day=date(2026, 11, 26), clock=clock)
    assert quota.used == 0


def test_quota_reports_every_change(clock: FakeClock) -> None:
    seen: list[int] = []
    quota = QuotaCounter(10, clock=clock, on_change=lambda q: seen.append(q.used))
    quota.record()
    quota.record(2)
    assert seen == [1, 3]


def test_quota_is_exhausted_at_its_limit(clock: FakeClock) -> None:
    quota = QuotaCounter(2, clock=clock)
    quota.record(2)
    assert quota.exhausted and quota.remaining == 0 and quota.fraction_used == 1.0


def test_system_clock_gives_the_utc_date() -> None:
    from datetime import UTC, datetime

    assert SystemClock().today() in {datetime.now(UTC).date(),
                                     datetime.now(UTC).date() - timedelta(days=1)}


async def test_client_counts_every_request_it_sends(
    client: SharpSpringClient, api: FakeApi
) -> None:
    for _ in range(3):
        await client.call("getLeads", {"where": {}})
    assert client.quota.used == 3 and client.calls_made == 3
    assert client.quota.limit == 50_000


async def test_one_quota_counter_is_shared_by_every_client_given_it(
    make_client: MakeClient, api: FakeApi, clock: FakeClock
) -> None:
    shared = QuotaCounter(1000, clock=clock)
    app, console = make_client(quota=shared), make_client(quota=shared)
    await app.call("getLeads", {"where": {}})
    await console.call("getLeads", {"where": {}})
    await console.request_raw("POST", "v1.2/", content=b"{}")
    assert shared.used == 3
    assert (app.calls_made, console.calls_made) == (1, 2)


async def test_the_daily_quota_setting_sets_the_limit(make_client: MakeClient) -> None:
    assert make_client(daily_quota=5_000).quota.limit == 5_000


async def test_a_refused_connection_is_not_counted_but_a_timeout_is(
    make_client: MakeClient, api: FakeApi
) -> None:
    from ssui.api import ConnectionFailedError, RequestTimeoutError, RetryPolicy

    client = make_client(retry=RetryPolicy(max_attempts=1))
    api.then(fail(httpx.ConnectError), fail(httpx.ReadTimeout))
    with pytest.raises(ConnectionFailedError):
        await client.call("getLeads", {"where": {}})
    assert client.quota.used == 0
    with pytest.raises(RequestTimeoutError):
        await client.call("getLeads", {"where": {}})
    assert client.quota.used == 1
