"""Stand-ins for time and for SharpSpring, so client tests never sleep or touch a network."""

from __future__ import annotations

import json
import random
from collections import deque
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx

ACCOUNT = "ACC123"
SECRET = "S3cr3t+Key/0123456789abcdef"

Responder = Callable[[httpx.Request, dict[str, Any]], httpx.Response]


class FakeClock:
    """Monotonic time that moves only when someone sleeps or a test advances it."""

    def __init__(self, start: float = 1000.0, day: date = date(2026, 11, 27)) -> None:
        self.t = start
        self.day = day
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds

    def today(self) -> date:
        return self.day


class HalfRandom(random.Random):
    """A Random whose draws are always the middle: uniform(0, x) == x / 2."""

    def random(self) -> float:
        return 0.5


def result(value: Any, **extra: Any) -> Responder:
    """Answer with ``value`` as the result (id echoed)."""
    def respond(request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
        return httpx.Response(
            200, json={"result": value, "error": None, "id": body.get("id"), **extra}
        )
    return respond


def api_error(code: int, message: str = "", data: Any = None) -> Responder:
    """Answer with a top-level error object."""
    def respond(request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
        err = {"code": code, "message": message, "data": data}
        return httpx.Response(200, json={"result": None, "error": err, "id": body.get("id")})
    return respond


def http(status: int, text: str = "", content_type: str = "text/plain") -> Responder:
    """Answer with a raw HTTP status and body."""
    def respond(request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
        return httpx.Response(status, text=text, headers={"content-type": content_type})
    return respond


def fail(exc: type[httpx.RequestError], text: str = "boom") -> Responder:
    """Raise an httpx transport exception, as a network failure would."""
    def respond(request: httpx.Request, body: dict[str, Any]) -> httpx.Response:
        raise exc(text, request=request)
    return respond


class FakeApi:
    """Records every request and answers from a queue of responders, then from ``default``."""

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.clock = clock
        self.requests: list[httpx.Request] = []
        self.bodies: list[dict[str, Any]] = []
        self.times: list[float] = []
        self.queue: deque[Responder] = deque()
        self.default: Responder = result({})

    def then(self, *responders: Responder) -> FakeApi:
        self.queue.extend(responders)
        return self

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        try:
            body = json.loads(request.content) if request.content else {}
        except ValueError:
            body = {}
        self.bodies.append(body)
        if self.clock is not None:
            self.times.append(self.clock.now())
        responder = self.queue.popleft() if self.queue else self.default
        return responder(request, body)

    @property
    def methods(self) -> list[str]:
        return [b.get("method", "") for b in self.bodies]

    @property
    def params(self) -> list[dict[str, Any]]:
        return [b.get("params", {}) for b in self.bodies]
