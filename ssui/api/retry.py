"""When to try a call again, and how long to wait first.

Reads (any method whose name starts with "get") are safe to repeat, so they are retried on
every transient failure: 107, HTTP 5xx, timeouts and dropped or refused connections.

Writes are retried only when the failure proves SharpSpring did not process the request:
error 107 (the server refused the call) or a connection that never reached the server
(refused, connect timeout). Anything after the request may have been sent (a read timeout, a
dropped connection, HTTP 5xx, a garbled 200) leaves the outcome unknown and becomes
``OutcomeUnknownError``:
- a create repeated blindly can make duplicates;
- an update or delete is idempotent in effect, but a second attempt reports misleading
  results (302 "nothing changed", 404) and can overwrite someone else's edit made in between.
So every write follows the same rule, and the caller decides after checking.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import StrEnum

from .errors import RateLimitedError, SharpSpringError, TransportError


class Jitter(StrEnum):
    """How much randomness goes into a backoff delay."""

    FULL = "full"  # anywhere in [0, cap]: spreads clients out best (AWS architecture blog)
    EQUAL = "equal"  # in [cap/2, cap]: never retries almost at once
    NONE = "none"  # exactly cap: predictable, for tests and scripts


class Decision(StrEnum):
    """What to do after a failed attempt."""

    RETRY = "retry"
    RAISE = "raise"
    OUTCOME_UNKNOWN = "outcome_unknown"


def is_read(method: str) -> bool:
    """True for methods that only read (their name starts with "get")."""
    return method.startswith("get")


def write_verb(method: str) -> str:
    """The past tense a person would use for what a write method does ("created", ...)."""
    for prefix, verb in (
        ("create", "created"), ("add", "created"), ("update", "updated"),
        ("delete", "deleted"), ("remove", "removed"),
    ):
        if method.startswith(prefix):
            return verb
    return "applied"


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter; ``max_attempts`` counts the first try."""

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    jitter: Jitter = Jitter.FULL
    rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")
        if self.base_delay < 0 or self.max_delay < 0:
            raise ValueError("retry delays cannot be negative")

    def backoff(self, failures: int) -> float:
        """Seconds to wait after the ``failures``-th failed attempt (1 for the first)."""
        cap = min(self.max_delay, self.base_delay * 2.0 ** (failures - 1))
        match self.jitter:
            case Jitter.FULL:
                return self.rng.uniform(0, cap)
            case Jitter.EQUAL:
                return cap / 2 + self.rng.uniform(0, cap / 2)
        return cap

    def decide(self, method: str, error: SharpSpringError, failures: int) -> Decision:
        """Retry, raise, or declare the outcome unknown after the ``failures``-th failure."""
        more = failures < self.max_attempts
        if is_read(method):
            return Decision.RETRY if error.retryable and more else Decision.RAISE
        refused = isinstance(error, RateLimitedError) or (
            isinstance(error, TransportError) and not error.maybe_processed
        )
        if refused:
            return Decision.RETRY if error.retryable and more else Decision.RAISE
        if isinstance(error, TransportError):
            return Decision.OUTCOME_UNKNOWN
        return Decision.RAISE


NO_RETRY = RetryPolicy(max_attempts=1)
