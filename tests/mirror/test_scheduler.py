"""One scheduler keeps every stream inside the account's call budget."""

import asyncio
from datetime import UTC, datetime

from ssui.api.errors import AuthError, ServerUnavailableError
from ssui.mirror.scheduler import Budget, Scheduler, Stream, StreamStatus


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


async def _noop() -> None:
    return None


def test_intervals_keep_the_default_budget_to_a_fifth_of_the_daily_quota() -> None:
    streams = [Stream("activity", _noop, share=0.7), Stream("leads", _noop, share=0.2),
               Stream("lookups", _noop, share=0.1, cost=3)]
    s = Scheduler(streams, Budget())
    assert s.planned_calls_per_day() <= 50_000 * 0.2 + 1
    # The activity stream is what makes a form fill show up quickly.
    assert s.streams["activity"].interval <= 15


def test_a_smaller_quota_stretches_the_intervals() -> None:
    big = Scheduler([Stream("a", _noop, share=1.0)], Budget(daily_quota=50_000))
    small = Scheduler([Stream("a", _noop, share=1.0)], Budget(daily_quota=5_000))
    assert small.streams["a"].interval > big.streams["a"].interval


def test_the_per_second_cap_bounds_a_huge_quota() -> None:
    s = Scheduler([Stream("a", _noop, share=1.0, min_interval=0.0)],
                  Budget(daily_quota=10**9, max_per_second=5))
    assert s.streams["a"].interval == 0.2


async def test_a_tick_that_overlaps_a_running_one_is_dropped() -> None:
    clock = FakeClock()
    gate = asyncio.Event()
    runs = 0

    async def slow() -> None:
        nonlocal runs
        runs += 1
        await gate.wait()

    s = Scheduler([Stream("slow", slow, share=1.0)], clock=clock)
    assert len(s.tick()) == 1
    await asyncio.sleep(0)
    clock.t += 10_000
    assert s.tick() == []
    assert s.streams["slow"].dropped == 1
    gate.set()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert runs == 1
    assert s.streams["slow"].status is StreamStatus.OK


async def test_a_failure_that_passes_is_retried_soon_doubling_and_never_given_up() -> None:
    clock = FakeClock()

    async def broken() -> None:
        raise ServerUnavailableError("HTTP 503 from SharpSpring", status=503)

    s = Scheduler([Stream("x", broken, share=1.0, min_interval=300.0)], clock=clock)
    st = s.streams["x"]
    ceilings = []
    for n in range(1, 11):
        clock.t = st.next_due
        (started,) = s.tick()
        assert started._task is not None
        await started._task
        delay = st.next_due - clock.t
        ceiling = min(2.0 ** (n - 1), 60.0)
        assert ceiling / 2 <= delay <= ceiling  # jittered below a doubling ceiling
        ceilings.append(ceiling)
    assert ceilings[-1] == 60.0  # capped at a minute, however long it lasts
    assert st.status is StreamStatus.FAILING and st.failures == 10
    assert st.last_error == "HTTP 503 from SharpSpring"
    assert st.failing_since is not None


async def test_a_wrong_secret_stops_the_stream_until_the_user_asks_again() -> None:
    clock = FakeClock()
    calls = 0

    async def refused() -> None:
        nonlocal calls
        calls += 1
        raise AuthError("Invalid secret", code=105)

    s = Scheduler([Stream("x", refused, share=1.0)], clock=clock)
    st = s.streams["x"]
    (started,) = s.tick()
    assert started._task is not None
    await started._task
    assert st.status is StreamStatus.STOPPED and "105" in (st.last_error or "")
    clock.t += 10 * 86_400
    assert s.tick() == []  # never due again on its own
    s.refresh_now()
    assert [x.name for x in s.tick()] == ["x"]


async def test_refresh_now_makes_a_stream_due_at_once() -> None:
    clock = FakeClock()
    s = Scheduler([Stream("a", _noop, share=0.5), Stream("b", _noop, share=0.5)], clock=clock)
    for st in s.streams.values():
        st.next_due = clock.t + 100
    s.refresh_now("b")
    assert [st.name for st in s.due()] == ["b"]


def test_a_nearly_spent_daily_quota_slows_every_stream() -> None:
    left = 50_000

    noon = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    s = Scheduler([Stream("a", _noop, share=1.0)], Budget(), remaining_today=lambda: left,
                  wall=lambda: noon)
    relaxed = s.streams["a"].interval
    left = 100
    s.plan()
    assert s.streams["a"].interval > relaxed
    left = 0
    s.plan()
    assert s.streams["a"].interval == s.streams["a"].max_interval


def test_a_deferred_stream_waits_one_interval_before_its_first_run() -> None:
    clock = FakeClock()
    s = Scheduler([Stream("cheap", _noop, share=0.5),
                   Stream("costly", _noop, share=0.5, cost=20, deferred=True)], clock=clock)
    assert [st.name for st in s.due()] == ["cheap"]
    clock.t += s.streams["costly"].interval
    assert "costly" in [st.name for st in s.due()]


def test_a_larger_share_shortens_the_wait_now_not_after_the_next_long_one() -> None:
    clock = FakeClock()
    s = Scheduler([Stream("activity", _noop, share=0.7), Stream("leads", _noop, share=0.3)],
                  Budget(daily_share=0.2), clock=clock)
    for st in s.streams.values():
        st.next_due = clock.t + st.interval  # each just ran
    slow = s.streams["activity"].interval
    s.set_budget(Budget(daily_share=0.5))
    fast = s.streams["activity"].interval
    assert fast < slow / 2 and s.streams["activity"].next_due == clock.t + fast
    assert s.planned_calls_per_day() <= 50_000 * 0.5 + 1


def test_a_stream_turned_off_makes_no_calls_and_its_share_goes_to_the_others() -> None:
    clock = FakeClock()
    s = Scheduler([Stream("activity", _noop, share=0.5), Stream("leads", _noop, share=0.5)],
                  clock=clock)
    shared = s.streams["leads"].interval
    s.enable("activity", False)
    assert s.streams["leads"].interval == shared / 2
    assert [st.name for st in s.due()] == ["leads"]
    s.refresh_now()  # r polls what is on
    assert [st.name for st in s.due()] == ["leads"]
    assert s.planned_calls_per_day() == 86_400 / s.streams["leads"].interval
    s.enable("activity")
    assert "activity" in [st.name for st in s.due()]  # on again: runs at once
