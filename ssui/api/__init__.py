"""The SharpSpring API client: envelopes, errors, limits, retries and typed entity helpers.

This layer never imports textual; the UI, the sync loop and the console all build on it.
"""

from .client import SharpSpringClient
from .clock import SYSTEM_CLOCK, Clock, SystemClock
from .endpoint import API_VERSIONS, DEFAULT_API_VERSION, DEFAULT_BASE_URL, is_loopback
from .envelope import Reply, build_request, new_request_id, parse_response
from .errors import (
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
    OutcomeUnknownError,
    QuotaExceededError,
    RateLimitedError,
    RequestTimeoutError,
    ServerUnavailableError,
    SharpSpringError,
    TransportError,
    UnknownApiError,
    ValidationError,
    WriteResult,
    error_from_code,
)
from .limits import QuotaCounter, RateLimiter
from .redact import redact, redact_url
from .retry import Decision, Jitter, RetryPolicy, is_read

__all__ = [
    "API_VERSIONS", "DEFAULT_API_VERSION", "DEFAULT_BASE_URL", "SYSTEM_CLOCK", "ApiError",
    "AuthError", "BadResponseError", "Clock", "ConnectionFailedError", "Decision", "DuplicateError",
    "InvalidParamsError", "InvalidRequestError", "Jitter", "MethodNotFoundError",
    "NotFoundError", "NothingChangedError", "OutcomeUnknownError", "QuotaCounter",
    "QuotaExceededError", "RateLimitedError", "RateLimiter", "Reply", "RequestTimeoutError",
    "RetryPolicy", "ServerUnavailableError", "SharpSpringClient", "SharpSpringError",
    "SystemClock", "TransportError", "UnknownApiError", "ValidationError", "WriteResult",
    "build_request", "error_from_code", "is_loopback", "is_read", "new_request_id",
    "parse_response", "redact", "redact_url",
]
