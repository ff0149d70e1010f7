"""Test doubles for the config layer and the `ssui` command (imported by the tests)."""

import json
from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import SecretStr

from ssui.config import Connection

ACCOUNT_ID = "3_4F2A9C"
SECRET = "sk-9b7e1d44-do-not-show"
OTHER_ACCOUNT_ID = "3_77B0E1"
OTHER_SECRET = "sk-other-5c3f-do-not-show"


@dataclass
class FakeSharpSpring:
    """A SharpSpring endpoint that knows two accounts and answers calls from `results`."""

    accounts: dict[str, str] = field(
        default_factory=lambda: {ACCOUNT_ID: SECRET, OTHER_ACCOUNT_ID: OTHER_SECRET}
    )
    results: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, tuple[int, str]] = field(default_factory=dict)
    unreachable: bool = False
    requests: list[httpx.Request] = field(default_factory=list)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    @property
    def calls(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(account id, method, params) of every request received."""
        out = []
        for request in self.requests:
            body = json.loads(request.content)
            out.append((request.url.params.get("accountID", ""), body["method"], body["params"]))
        return out

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.unreachable:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        self.requests.append(request)
        body = json.loads(request.content)
        account = request.url.params.get("accountID")
        secret = request.url.params.get("secretKey")
        if account not in self.accounts or self.accounts[account] != secret:
            return self._answer(body, error=(105, "Invalid account ID or secret key"))
        method = body["method"]
        if method in self.errors:
            return self._answer(body, error=self.errors[method])
        return self._answer(body, result=self.results.get(method, {"userProfile": []}))

    @staticmethod
    def _answer(
        body: dict[str, Any], result: Any = None, error: tuple[int, str] | None = None
    ) -> httpx.Response:
        envelope = {
            "result": result,
            "error": None
            if error is None
            else {"code": error[0], "message": error[1], "data": None},
            "id": body.get("id"),
        }
        return httpx.Response(200, json=envelope)


def connection(name: str, account_id: str = ACCOUNT_ID, secret: str = SECRET) -> Connection:
    """A connection as `ssui login` would build it."""
    return Connection(name=name, account_id=account_id, secret_key=SecretStr(secret))
