"""Call limits (reference §1.5): 10 a second (107), a daily quota (106), 500 objects (209)."""

from __future__ import annotations

from collections.abc import Callable

from ssui.sandbox import SandboxApp

from .conftest import raw_poster


class FakeClock:
    def __init__(self, start: float = 1_767_225_600.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


BODY = {"method": "getLead", "params": {"id": 1}, "id": "1"}


async def _codes(app: SandboxApp, n: int) -> list[int | None]:
    post = raw_poster(app)
    out = []
    for _ in range(n):
        error = (await post(BODY)).json()["error"]
        out.append(None if error is None else error["code"])
    return out


async def test_the_eleventh_call_within_a_second_is_107(
    make_app: Callable[..., SandboxApp]
) -> None:
    clock = FakeClock()
    app = make_app(limits=True, clock=clock)
    assert await _codes(app, 11) == [None] * 10 + [107]


async def test_calls_are_accepted_again_as_time_passes(
    make_app: Callable[..., SandboxApp]
) -> None:
    clock = FakeClock()
    app = make_app(limits=True, clock=clock)
    await _codes(app, 10)
    clock.now += 0.1
    assert await _codes(app, 2) == [None, 107]
    clock.now += 1.0
    assert await _codes(app, 10) == [None] * 10


async def test_the_daily_quota_gives_106_until_the_next_utc_day(
    make_app: Callable[..., SandboxApp]
) -> None:
    clock = FakeClock()
    app = make_app(limits=True, clock=clock, daily_quota=3)
    assert await _codes(app, 4) == [None, None, None, 106]
    clock.now += 86400
    assert await _codes(app, 1) == [None]


async def test_unauthenticated_calls_do_not_count(make_app: Callable[..., SandboxApp]) -> None:
    app = make_app(limits=True, clock=FakeClock(), daily_quota=1)
    post = raw_poster(app)
    for _ in range(5):
        await post(BODY, query={"accountID": "SANDBOX", "secretKey": "wrong"})
    assert await _codes(app, 2) == [None, 106]


async def test_limits_can_be_switched_off(make_app: Callable[..., SandboxApp]) -> None:
    app = make_app(limits=False, clock=FakeClock(), daily_quota=1)
    assert await _codes(app, 30) == [None] * 30


async def test_more_than_500_objects_is_209(make_app: Callable[..., SandboxApp]) -> None:
    app = make_app()
    objects = [{"emailAddress": f"bulk{i}@example.com"} for i in range(501)]
    body = (await raw_poster(app)({"method": "createLeads", "params": {"objects": objects},
                                   "id": "1"})).json()
    assert body["error"]["code"] == 209


async def test_objects_shape_errors_are_207_and_208(make_app: Callable[..., SandboxApp]) -> None:
    post = raw_poster(make_app())
    missing = (await post({"method": "createLeads", "params": {}, "id": "1"})).json()
    scalar = (await post({"method": "createLeads", "params": {"objects": "x"}, "id": "1"})).json()
    assert (missing["error"]["code"], scalar["error"]["code"]) == (207, 208)
