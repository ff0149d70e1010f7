"""Everything that can go wrong talking to SharpSpring, as one exception family.

Every exception carries a one-line message a person can act on. Messages never contain the
secret key: the client redacts server text and URLs before they reach an exception.

Two branches: ``ApiError`` when SharpSpring answered with an error code (reference §1.3), and
``TransportError`` when no usable answer came back at all. ``OutcomeUnknownError`` sits apart:
it means a write may or may not have happened, which the caller must check before retrying.

``WriteResult``, the outcome of one object of a bulk write, lives here too: it carries an
``ApiError`` and every error carries the ``WriteResult`` list of the chunks that finished
before it (``completed``), so the two types are defined together. ``results`` parses them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

_MAX_TEXT = 300


def one_line(text: str, limit: int = _MAX_TEXT) -> str:
    """Collapse whitespace so a message stays on one line, and cut it to ``limit`` chars."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class SharpSpringError(Exception):
    """Base of every error the client raises."""

    retryable_by_default = False

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        data: Any = None,
        retryable: bool | None = None,
        status: int | None = None,
    ) -> None:
        self.message = one_line(message)
        self.code = code
        self.data = data
        self.retryable = self.retryable_by_default if retryable is None else retryable
        # HTTP status when the failure came from the HTTP layer rather than the envelope.
        self.status = status
        # Write results of chunks that finished before this error stopped a bulk write.
        self.completed: Sequence[WriteResult] = ()
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        # data is left out: it can be large and it is the server's text, not ours.
        return f"{type(self).__name__}({self.message!r}, code={self.code!r})"


# --- Envelope errors: SharpSpring answered with {"error": {code, message, data}} -------------


class ApiError(SharpSpringError):
    """SharpSpring answered, and the answer is an error code."""

    hint = ""


class AuthError(ApiError):
    """The account ID or secret key is missing or wrong (103-105, HTTP 401)."""

    hint = "Check the account ID and secret key."


class QuotaExceededError(ApiError):
    """The account's daily request quota is used up (106)."""

    hint = "The account's daily API quota is used up; try again tomorrow."


class RateLimitedError(ApiError):
    """Too many requests in one second (107); the server refused the call, so retrying is safe."""

    retryable_by_default = True
    hint = "Too many calls per second."


class InvalidRequestError(ApiError):
    """The request itself is malformed (101, 102, 201-210, 217)."""


class MethodNotFoundError(InvalidRequestError):
    """SharpSpring does not know the method name (204)."""


class InvalidParamsError(InvalidRequestError):
    """Parameters are missing, of the wrong shape or have a bad value (205, 206, 208, 210, 217)."""


class NotFoundError(ApiError):
    """No record with that id (404, or an empty by-id result when the caller needs one)."""


class DuplicateError(ApiError):
    """The record already exists (301), e.g. a lead with that email address."""


class NothingChangedError(ApiError):
    """The write matched no rows or changed nothing (302)."""


class ValidationError(ApiError):
    """A value or relationship was rejected (211-216, 218-223, 303-307)."""


class UnknownApiError(ApiError):
    """SharpSpring's catch-all 999, or a code that is not published."""


# --- Per-object outcomes of bulk writes (reference §1.2) ------------------------------------


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What happened to one input object: ``index`` is its position in the caller's list."""

    index: int
    success: bool
    id: int | None = None
    error: ApiError | None = None


# What each published code means (reference §1.3), used when the server's text is empty.
MEANINGS: dict[int, str] = {
    101: "bad request format",
    102: "the request has no id",
    103: "no account ID was sent",
    104: "no secret key was sent",
    105: "authentication failed",
    106: "the daily request limit is reached",
    107: "the per-second request limit is reached",
    201: "no method was given",
    202: "no params were given",
    203: "no header array",
    204: "no such method",
    205: "invalid parameters",
    206: "missing parameters",
    207: "no objects array",
    208: "a single value was sent where a list is expected",
    209: "too many queries in one request",
    210: "a list was sent where a single value is expected",
    211: "only custom fields can be deleted",
    212: "the object is not owned by this company",
    213: "the lead is already a member of the list",
    214: "the lead is not in this account",
    215: "invalid country code",
    216: "company not found",
    217: "incorrect parameter value",
    218: "the username must be an email address",
    219: "invalid eventSource",
    220: "invalid whoID",
    221: "the username or email is already in use",
    222: "at most 100 leads can be processed",
    223: "user fields missing (userEmail, userPassword, userDisplayName)",
    301: "the entry already exists",
    302: "no rows were changed",
    303: "a related record does not exist (foreign key failure)",
    304: "there are no sub-accounts",
    305: "this account is not a reseller",
    306: "these are not your accounts",
    307: "sub-account not found",
    404: "no record with that ID exists",
    999: "unknown error",
}

_FAMILY: dict[int, type[ApiError]] = {
    **dict.fromkeys((103, 104, 105), AuthError),
    106: QuotaExceededError,
    107: RateLimitedError,
    **dict.fromkeys((101, 102, 201, 202, 203, 207, 209), InvalidRequestError),
    204: MethodNotFoundError,
    **dict.fromkeys((205, 206, 208, 210, 217), InvalidParamsError),
    404: NotFoundError,
    301: DuplicateError,
    302: NothingChangedError,
    **dict.fromkeys((*range(211, 217), *range(218, 224), *range(303, 308)), ValidationError),
    999: UnknownApiError,
}


def family_for(code: int | None) -> type[ApiError]:
    """The exception class that stands for an error code (UnknownApiError if unpublished)."""
    return _FAMILY.get(code, UnknownApiError) if code is not None else UnknownApiError


def _as_code(code: Any) -> int | None:
    try:
        return int(code)
    except (TypeError, ValueError):
        return None


def describe(code: int | None, server_text: str | None, hint: str = "") -> str:
    """One line: the server's words, what the code means when that adds something, a hint."""
    text = one_line(server_text or "")
    meaning = MEANINGS.get(code, "") if code is not None else ""
    label = f"SharpSpring error {code}" if code is not None else "SharpSpring error"
    if not text:
        text = meaning[:1].upper() + meaning[1:] if meaning else "SharpSpring reported an error"
        meaning = ""
    elif meaning and (meaning.lower() in text.lower() or text.lower() in meaning.lower()):
        meaning = ""
    out = f"{text} ({label}: {meaning})" if meaning else f"{text} ({label})"
    return f"{out}. {hint}" if hint else out


def error_from_code(code: Any, message: Any, data: Any = None) -> ApiError:
    """The ApiError subclass for an envelope error ``{code, message, data}``."""
    num = _as_code(code)
    cls = family_for(num)
    text = message if isinstance(message, str) else ("" if message is None else str(message))
    return cls(describe(num, text, cls.hint), code=num, data=data)


# --- Transport errors: no usable answer ---------------------------------------------------


class TransportError(SharpSpringError):
    """No usable answer came back.

    ``maybe_processed`` is False only when the request provably never reached SharpSpring
    (connection refused, connect timeout): that is what makes retrying a write safe.
    """

    def __init__(self, message: str, *, maybe_processed: bool = True, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.maybe_processed = maybe_processed


class ServerUnavailableError(TransportError):
    """SharpSpring answered with HTTP 5xx."""

    retryable_by_default = True


class ConnectionFailedError(TransportError):
    """The connection could not be made, or dropped before an answer came."""

    retryable_by_default = True


class RequestTimeoutError(TransportError):
    """No answer within the client's timeout."""

    retryable_by_default = True


class BadResponseError(TransportError):
    """An answer came, but not one SharpSpring's API would send (not JSON, wrong id, ...)."""


# --- A write that may or may not have happened --------------------------------------------


class OutcomeUnknownError(SharpSpringError):
    """A write was sent but no answer came, so it may or may not have been applied.

    Never retried automatically: retrying a create could make duplicates.
    """

    def __init__(self, message: str, *, method: str, count: int | None = None) -> None:
        super().__init__(message)
        self.method = method
        # How many objects the unanswered request carried, and the caller's index of the
        # first one (bulk writes go out in chunks; ``completed`` holds the earlier chunks).
        self.count = count
        self.first_index = 0
