"""The sandbox as a plain ASGI app speaking SharpSpring's JSON-over-POST API.

``POST /pubapi/v1/`` and ``/pubapi/v1.2/`` (trailing slash optional; other verbs 405).
Credentials come from the query string (``accountID``, ``secretKey``) or, if absent there,
from ``X-Account-Id`` + ``Authorization: bearer <secret>``. The body is
``{method, params, id}`` (a ``header`` member is ignored, Content-Type is not checked); the
answer is ``{"result":…,"error":…,"id":…}`` in HTTP 200, errors included.

Checks run in this order: 101 bad JSON → 102 no id → 103 no accountID → 104 no secretKey →
105 wrong credentials → 106 daily quota → 107 per-second limit → 201 no method → 204 unknown
method → 202 no params → the method's own checks. A wrong account or secret gives JSON 105 by
default; ``wrong_secret="http401"`` gives AE's HTTP 401 text instead (reference §1.1; the real
answer is unknown). Reads answer ``error: null``; writes ``error: []`` or the failed objects'
errors (reference §1.2, our choice). v1 speaks the account's zone, v1.2 UTC; storage is UTC.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, tzinfo
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import orjson

from .config import SandboxConfig
from .errors import ApiError
from .faults import ConnectionDropped, Fault, FaultPlan
from .limits import Limits
from .methods import build_handlers
from .params import Call, as_mapping
from .reply import Reply
from .seed import open_store
from .store import Store

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

log = logging.getLogger("ssui.sandbox")

VERSIONS = {"/pubapi/v1": "v1", "/pubapi/v1.2": "v1.2"}
UNAUTHORIZED = b"Unable to determine clusterID from provided accountID/secretKey"


def _dumps(body: Any) -> bytes:
    # orjson: encoding 500 leads a page is most of the server's work; it is ~5x faster.
    return orjson.dumps(body, default=str)


class SandboxApp:
    """The ASGI callable; ``store`` is the account's data, ``activity`` its background life."""

    def __init__(self, config: SandboxConfig, store: Store | None = None) -> None:
        self.config = config
        self.store = store or open_store(config)
        self.handlers = build_handlers()
        self.limits = (
            Limits(config.per_second, config.daily_quota, config.clock) if config.limits else None
        )
        self.faults = FaultPlan(config.faults, config.seed) if config.faults.active else None
        self.zones: dict[str, tzinfo] = {"v1": ZoneInfo(config.account_tz), "v1.2": UTC}
        self.dropper: Callable[[Scope], bool] | None = None
        """Set by SandboxServer: aborts the request's connection, True if it could."""
        self._activity: asyncio.Task[None] | None = None

    # --- ASGI -------------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.start_activity()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.stop_activity()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def start_activity(self) -> None:
        """Start the stream of new leads, visits and opens in the running loop (if enabled)."""
        from .activity import run_activity

        if self.config.activity > 0 and self._activity is None:
            self._activity = asyncio.get_running_loop().create_task(
                run_activity(self.store, self.config), name="ssui-sandbox-activity"
            )

    async def stop_activity(self) -> None:
        task, self._activity = self._activity, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        version = VERSIONS.get(scope["path"].rstrip("/"))
        if version is None:
            await _send(send, 404, b"Not Found", "text/plain")
            return
        if scope["method"] != "POST":
            await _send(send, 405, b"Method Not Allowed", "text/plain", [(b"allow", b"POST")])
            return
        body = await _read_body(receive)
        if self.faults is not None:
            draw = self.faults.draw()
            if draw.delay:
                await asyncio.sleep(draw.delay)
            if draw.fault is Fault.DROP:
                await self._drop(scope)
                return
            if draw.fault is Fault.ERROR:
                await _send(send, draw.status, b"Service Unavailable (injected)", "text/plain")
                return
            if draw.fault is Fault.RATELIMIT:
                err = ApiError(107, "injected fault")
                await _send(send, 200, _dumps(_error_body(err, _request_id(body))))
                return
        status, payload, ctype = self.handle(version, scope, body)
        if self.faults is not None and draw.fault is Fault.LOST:
            await self._drop(scope)  # the work is done; its answer never arrives
            return
        await _send(send, status, payload, ctype)

    async def _drop(self, scope: Scope) -> None:
        if self.dropper is not None and self.dropper(scope):
            # Let the transport report the loss before we return, so the server neither
            # answers 500 nor logs the missing response.
            for _ in range(3):
                await asyncio.sleep(0)
            return
        raise ConnectionDropped("Server disconnected without sending a response (injected)")

    # --- one request, synchronously ----------------------------------------------------------
    def handle(self, version: str, scope: Scope, body: bytes) -> tuple[int, bytes, str]:
        """(status, body, content type) for one POST."""
        request_id: Any = None
        try:
            try:
                request = json.loads(body)
            except ValueError:
                raise ApiError(101, "the body is not valid JSON") from None
            if not isinstance(request, dict):
                raise ApiError(101, "the body must be a JSON object")
            request_id = request.get("id")
            if request_id is None:
                raise ApiError(102)
            if not self._authenticated(scope):
                return 401, UNAUTHORIZED, "text/plain"
            if self.limits is not None:
                self.limits.check()
            reply = self._dispatch(version, request)
        except ApiError as exc:
            return 200, _dumps(_error_body(exc, request_id)), "application/json"
        except Exception as exc:  # a bug in the sandbox: say so like the API would
            log.exception("sandbox method failed")
            err = ApiError(999, f"{type(exc).__name__}: {exc}")
            return 200, _dumps(_error_body(err, request_id)), "application/json"
        out: dict[str, Any] = {
            "result": reply.result,
            "error": (reply.failures or []) if reply.write else None,
            "id": request_id,
        }
        if reply.has_more is not None:
            out["hasMore"] = reply.has_more
        return 200, _dumps(out), "application/json"

    def _authenticated(self, scope: Scope) -> bool:
        """False when HTTP 401 is the answer; raises 103/104/105 as JSON errors."""
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        account = (query.get("accountID") or [""])[0] or headers.get("x-account-id", "")
        secret = (query.get("secretKey") or [""])[0]
        if not secret:
            scheme, _, token = headers.get("authorization", "").partition(" ")
            secret = token.strip() if scheme.lower() == "bearer" else ""
        if not account:
            raise ApiError(103)
        if not secret:
            raise ApiError(104)
        if account != self.config.account_id or secret != self.config.secret_key:
            if self.config.wrong_secret == "http401":
                return False
            raise ApiError(105)
        return True

    def _dispatch(self, version: str, request: dict[str, Any]) -> Reply:
        method = request.get("method")
        if method in (None, "") or not isinstance(method, str):
            raise ApiError(201)
        handler = self.handlers.get(method)
        if handler is None:
            raise ApiError(204, method)
        if request.get("params") is None:
            raise ApiError(202)
        params = as_mapping(request["params"], "params")
        call = Call(self.store, self.zones[version], self.config.max_objects)
        return handler(call, params)


def _error_body(exc: ApiError, request_id: Any) -> dict[str, Any]:
    return {"result": None, "error": exc.as_json(), "id": request_id}


def _request_id(body: bytes) -> Any:
    try:
        request = json.loads(body)
    except ValueError:
        return None
    return request.get("id") if isinstance(request, dict) else None


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _send(
    send: Send,
    status: int,
    body: bytes,
    content_type: str = "application/json",
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def create_app(config: SandboxConfig | None = None) -> SandboxApp:
    """The sandbox's ASGI app for ``config`` (opening, and on first use seeding, its database)."""
    return SandboxApp(config or SandboxConfig())
