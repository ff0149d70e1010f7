"""Injected faults: server errors, slow answers, dropped connections and rate-limit refusals.

``--faults "error=0.1,latency=200ms,drop=0.05,ratelimit=0.1,lost=0.05"``: ``error``,
``drop``, ``ratelimit`` and ``lost`` are the share of requests (0..1, summing to at most 1) that
get an HTTP 5xx, a connection closed without a response, a JSON error 107, or a connection
closed after the server did the work (the answer is lost: a write happened, and the client
cannot know); ``latency`` delays every answer by a
fixed time (``200ms``, ``1.5s``) or a seeded time in a range (``50ms-400ms``). Each app draws
from its own ``random.Random(seed)``, so the n-th request meets the same fault on every run.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from enum import StrEnum

import httpx

_ERROR_STATUSES = (500, 502, 503)


class FaultSpecError(ValueError):
    """A ``--faults`` spec that does not parse; the message is one line meant for the user."""


class ConnectionDropped(httpx.RemoteProtocolError):
    """Raised by the app when no server can drop the connection for it (in-process transports).

    It is an httpx transport error, so an in-process client sees what a networked one would.
    """


@dataclass(frozen=True, slots=True)
class FaultSpec:
    """Fault rates (shares of requests) and the added latency range in seconds."""

    error: float = 0.0
    drop: float = 0.0
    ratelimit: float = 0.0
    latency: tuple[float, float] = (0.0, 0.0)
    lost: float = 0.0

    @property
    def active(self) -> bool:
        return bool(self.error or self.drop or self.ratelimit or self.lost or self.latency[1])


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$")


def _duration(text: str, item: str) -> float:
    m = _DURATION.match(text)
    if not m:
        raise FaultSpecError(f'bad --faults item "{item}": latency wants a time like 200ms or 1.5s')
    value = float(m.group(1))
    return value / 1000 if m.group(2) in (None, "ms") else value


def parse_faults(spec: str | None) -> FaultSpec:
    """A FaultSpec from ``"error=0.1,latency=200ms,drop=0.05,ratelimit=0.1"`` ("" = none)."""
    rates = {"error": 0.0, "drop": 0.0, "ratelimit": 0.0, "lost": 0.0}
    latency = (0.0, 0.0)
    for item in (spec or "").split(","):
        if not item.strip():
            continue
        name, sep, value = (p.strip() for p in item.partition("="))
        if not sep or not value:
            raise FaultSpecError(f'bad --faults item "{item.strip()}": expected name=value')
        if name == "latency":
            lo_text, _, hi_text = value.partition("-")
            lo = _duration(lo_text, item.strip())
            hi = _duration(hi_text, item.strip()) if hi_text else lo
            if hi < lo:
                raise FaultSpecError(f'bad --faults item "{item.strip()}": range runs backwards')
            latency = (lo, hi)
        elif name in rates:
            try:
                rate = float(value)
            except ValueError:
                rate = -1.0
            if not 0.0 <= rate <= 1.0:
                raise FaultSpecError(
                    f'bad --faults item "{item.strip()}": {name} wants a rate between 0 and 1'
                )
            rates[name] = rate
        else:
            raise FaultSpecError(
                f'unknown --faults item "{name}": use error, latency, drop, ratelimit or lost'
            )
    if sum(rates.values()) > 1.0:
        raise FaultSpecError("bad --faults: error + drop + ratelimit + lost must not exceed 1")
    return FaultSpec(latency=latency, **rates)


class Fault(StrEnum):
    NONE = "none"
    ERROR = "error"
    DROP = "drop"
    RATELIMIT = "ratelimit"
    LOST = "lost"


@dataclass(frozen=True, slots=True)
class Draw:
    """What happens to one request."""

    fault: Fault
    delay: float
    status: int


class FaultPlan:
    """Draws each request's fault from a seeded generator (same seed, same sequence)."""

    def __init__(self, spec: FaultSpec, seed: int) -> None:
        self.spec = spec
        self._rng = random.Random(f"faults:{seed}")

    def draw(self) -> Draw:
        s, rng = self.spec, self._rng
        # Always draw the same three numbers so the sequence does not depend on outcomes.
        r, u, k = rng.random(), rng.random(), rng.randrange(len(_ERROR_STATUSES))
        if r < s.drop:
            fault = Fault.DROP
        elif r < s.drop + s.error:
            fault = Fault.ERROR
        elif r < s.drop + s.error + s.ratelimit:
            fault = Fault.RATELIMIT
        elif r < s.drop + s.error + s.ratelimit + s.lost:
            fault = Fault.LOST
        else:
            fault = Fault.NONE
        lo, hi = s.latency
        return Draw(fault, lo + (hi - lo) * u, _ERROR_STATUSES[k])
