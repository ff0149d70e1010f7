"""Injected faults: parsing, seeded reproducibility, and what each fault looks like."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from ssui.sandbox import FaultSpec, FaultSpecError, SandboxApp, parse_faults
from ssui.sandbox.faults import Fault, FaultPlan

from .conftest import raw_poster

BODY = {"method": "getLead", "params": {"id": 1}, "id": "1"}


def test_a_fault_spec_parses_rates_and_latency() -> None:
    spec = parse_faults("error=0.1,latency=200ms,drop=0.05,ratelimit=0.1")
    assert spec == FaultSpec(error=0.1, drop=0.05, ratelimit=0.1, latency=(0.2, 0.2))
    assert parse_faults("latency=50ms-1.5s").latency == (0.05, 1.5)
    assert parse_faults("") == FaultSpec() and not parse_faults(None).active


@pytest.mark.parametrize("spec", ["error", "error=2", "latency=fast", "boom=0.1",
                                  "error=0.6,drop=0.6", "latency=2s-1s"])
def test_a_bad_fault_spec_is_a_one_line_message(spec: str) -> None:
    with pytest.raises(FaultSpecError) as info:
        parse_faults(spec)
    assert "\n" not in str(info.value) and str(info.value)


def test_the_same_seed_draws_the_same_faults() -> None:
    spec = parse_faults("error=0.2,drop=0.1,ratelimit=0.1,latency=0ms-100ms")
    plan_a, plan_b, plan_c = FaultPlan(spec, 5), FaultPlan(spec, 5), FaultPlan(spec, 6)
    a = [plan_a.draw() for _ in range(300)]
    assert a == [plan_b.draw() for _ in range(300)]
    assert a != [plan_c.draw() for _ in range(300)]


def test_faults_happen_at_the_asked_rates() -> None:
    plan = FaultPlan(parse_faults("error=0.1,drop=0.05,ratelimit=0.2"), 1)
    draws = [plan.draw().fault for _ in range(20000)]
    share = {f: draws.count(f) / len(draws) for f in Fault}
    assert abs(share[Fault.ERROR] - 0.1) < 0.01
    assert abs(share[Fault.DROP] - 0.05) < 0.01
    assert abs(share[Fault.RATELIMIT] - 0.2) < 0.015


async def test_an_error_fault_answers_http_5xx(make_app: Callable[..., SandboxApp]) -> None:
    r = await raw_poster(make_app(faults=parse_faults("error=1")))(BODY)
    assert 500 <= r.status_code < 600


async def test_a_ratelimit_fault_answers_json_107(make_app: Callable[..., SandboxApp]) -> None:
    body = (await raw_poster(make_app(faults=parse_faults("ratelimit=1")))(BODY)).json()
    assert body["error"]["code"] == 107 and body["id"] == "1"


async def test_a_drop_fault_is_a_transport_error_in_process(
    make_app: Callable[..., SandboxApp]
) -> None:
    with pytest.raises(httpx.RemoteProtocolError):
        await raw_poster(make_app(faults=parse_faults("drop=1")))(BODY)


async def test_latency_delays_the_answer(make_app: Callable[..., SandboxApp]) -> None:
    post = raw_poster(make_app(faults=parse_faults("latency=150ms")))
    started = time.perf_counter()
    assert (await post(BODY)).json()["error"] is None
    assert time.perf_counter() - started >= 0.15


async def test_injected_faults_follow_the_seed_request_by_request(
    make_app: Callable[..., SandboxApp]
) -> None:
    async def outcomes(app: SandboxApp) -> list[object]:
        post, out = raw_poster(app), []
        for _ in range(40):
            try:
                r = await post(BODY)
                out.append(r.status_code if r.status_code != 200 else r.json()["error"])
            except httpx.TransportError:
                out.append("dropped")
        return out

    spec = parse_faults("error=0.2,drop=0.2,ratelimit=0.2")
    first = await outcomes(make_app(faults=spec))
    assert first == await outcomes(make_app(faults=spec))
    assert "dropped" in first and None in first
