"""The API's error codes and the exceptions the sandbox raises to produce them.

An ``ApiError`` fails the whole request (top-level ``error``); an ``ObjectError`` fails one
object of a bulk write and becomes that entry's ``error`` (reference §1.2).
"""

from __future__ import annotations

from typing import Any

MESSAGES: dict[int, str] = {
    101: "Invalid request format",
    102: "No request id provided",
    103: "No account ID provided",
    104: "No secret key provided",
    105: "Authentication failed",
    106: "Daily query limit exceeded",
    107: "Per-second query limit exceeded",
    201: "No method specified",
    202: "No params provided",
    204: "Invalid method",
    205: "Invalid parameters",
    206: "Missing parameters",
    207: "No objects array provided",
    208: "Scalar given where an array was expected",
    209: "Too many queries in one request",
    210: "Array given where a scalar was expected",
    211: "Only custom fields can be deleted",
    213: "Lead is already a member of this list",
    214: "Lead does not exist in this account",
    219: "Invalid eventSource",
    301: "Entry already exists",
    302: "No table rows affected",
    303: "Foreign key constraint failed",
    404: "A record with that ID does not exist",
    999: "Unknown error",
}


class SandboxError(Exception):
    """An API error code with its message and optional data."""

    def __init__(self, code: int, detail: str | None = None, data: Any = None) -> None:
        message = MESSAGES.get(code, MESSAGES[999])
        if detail:
            message = f"{message}: {detail}"
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "data": self.data}


class ApiError(SandboxError):
    """Fails the whole request."""


class ObjectError(SandboxError):
    """Fails one object of a bulk write; the request itself succeeds."""
