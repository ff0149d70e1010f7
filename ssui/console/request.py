"""A console request as a person types it, and the HTTP request it becomes.

``ConsoleRequest`` is plain text in two modes: an API call (a method and its params as JSON)
or a raw HTTP request (method, path relative to the base URL, query, headers, body). It is
what history and saved requests keep, so replaying one gives back exactly what was typed.
``prepare`` checks it and turns it into a ``Prepared`` request; every problem becomes one
``RequestProblem`` that says where (the params, line 3, column 5) and what is wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qsl

import httpx

from ssui.api import build_request, is_loopback
from ssui.api.endpoint import endpoint_url

from .catalogue import is_write

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
CREDENTIALS = ("accountID", "secretKey")
JSON_TYPE = "application/json"
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")


class Mode(StrEnum):
    """How the console sends: an API call (JSON-RPC) or a raw HTTP request."""

    API = "api"
    RAW = "raw"


@dataclass(frozen=True, slots=True)
class ConsoleRequest:
    """What the console's editor holds, as text (the fields of the mode not in use are kept)."""

    mode: Mode = Mode.API
    method: str = ""
    params: str = "{}"
    http_method: str = "POST"
    path: str = ""
    query: str = ""
    headers: str = ""
    body: str = ""

    @property
    def title(self) -> str:
        """A short name: the API method, or the raw request's method and path."""
        if self.mode is Mode.API:
            return self.method.strip() or "(no method)"
        return f"{self.http_method.strip().upper() or 'POST'} {self.path.strip() or '/'}"

    def to_dict(self) -> dict[str, str]:
        out = asdict(self)
        out["mode"] = str(self.mode)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ConsoleRequest:
        """Read one back from a history or saved file, tolerating missing or unknown keys."""
        known = {f.name for f in fields(cls)} - {"mode"}
        values = {k: str(v) for k, v in data.items() if k in known and v is not None}
        try:
            mode = Mode(str(data.get("mode", "api")))
        except ValueError:
            mode = Mode.API
        return cls(mode, **values)


class RequestProblem(ValueError):
    """A request that cannot be sent as typed; ``where`` names the field, with line/column."""

    def __init__(self, message: str, *, where: str, line: int | None = None,
                 column: int | None = None) -> None:
        self.where = where
        self.line = line
        self.column = column
        at = f" at line {line}, column {column}" if line is not None else ""
        super().__init__(f"{where}{at}: {message}")


@dataclass(frozen=True, slots=True)
class Target:
    """Where requests go, without the secret: the base URL, the API endpoint, the account."""

    base: httpx.URL
    endpoint: httpx.URL
    account_id: str

    @classmethod
    def of(cls, base_url: str, api_version: str, account_id: str) -> Target:
        """The target of a connection (its base URL checked as the client checks it)."""
        endpoint = endpoint_url(base_url, api_version)
        return cls(httpx.URL(base_url.rstrip("/") + "/"), endpoint, account_id)

    @classmethod
    def from_endpoint(cls, endpoint: httpx.URL, account_id: str) -> Target:
        """The target of a client, whose endpoint is ``<base>/<version>/``."""
        return cls(endpoint.join("../"), endpoint, account_id)

    @property
    def sandbox(self) -> bool:
        """True when the account is on this machine (a sandbox), never SharpSpring itself."""
        return is_loopback(self.base.host)

    @property
    def api_path(self) -> str:
        """The API endpoint relative to the base URL ("v1.2/"), the raw mode's default path."""
        return str(self.endpoint)[len(str(self.base)):]


@dataclass(frozen=True, slots=True)
class Prepared:
    """A request ready for ``SharpSpringClient.request_raw`` (credentials not yet added)."""

    http_method: str
    url: httpx.URL
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    content: bytes = b""
    # The JSON-RPC call inside, when there is one: what the safety check and "next page" read.
    rpc_method: str | None = None
    params: dict[str, Any] | None = None
    request_id: str | None = None

    @property
    def writes(self) -> bool:
        """True when the request calls a method that writes (create*, update*, delete*, ...)."""
        return self.rpc_method is not None and is_write(self.rpc_method)


def parse_params(text: str) -> dict[str, Any]:
    """The params object typed in the editor (empty text is ``{}``)."""
    if not text.strip():
        return {}
    params = _json(text, "params")
    if not isinstance(params, dict):
        raise RequestProblem(f"must be a JSON object ({{...}}), not {_kind(params)}",
                             where="params")
    return params


def _json(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RequestProblem(f"invalid JSON: {exc.msg}", where=where, line=exc.lineno,
                             column=exc.colno) from None
    except RecursionError:
        raise RequestProblem("the JSON is nested too deeply", where=where) from None


def _kind(value: Any) -> str:
    return {list: "an array", str: "a string", bool: "true or false", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def encode_json(value: Any) -> bytes:
    """Compact JSON as SharpSpring gets it (lone surrogates escaped, never an error)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    try:
        return text.encode()
    except UnicodeEncodeError:
        return json.dumps(value, separators=(",", ":")).encode()


def prepare(request: ConsoleRequest, target: Target) -> Prepared:
    """The HTTP request ``request`` stands for, or a RequestProblem saying what to fix."""
    if request.mode is Mode.API:
        return _prepare_call(request, target)
    return _prepare_raw(request, target)


def _prepare_call(request: ConsoleRequest, target: Target) -> Prepared:
    method = request.method.strip()
    if not method:
        raise RequestProblem("name a method, e.g. getLeads", where="method")
    if any(c.isspace() or not c.isprintable() for c in method):
        raise RequestProblem("a method name has no spaces or control characters",
                             where="method")
    params = parse_params(request.params)
    body = build_request(method, params)
    return Prepared("POST", target.endpoint, headers={"Content-Type": JSON_TYPE},
                    content=encode_json(body), rpc_method=method, params=params,
                    request_id=body["id"])


def _prepare_raw(request: ConsoleRequest, target: Target) -> Prepared:
    http_method = request.http_method.strip().upper() or "POST"
    if not _TOKEN.fullmatch(http_method):
        raise RequestProblem(f"not an HTTP method: {http_method[:20]!r}", where="HTTP method")
    url = resolve_path(request.path, target)
    query = parse_query(request.query)
    headers = parse_headers(request.headers)
    content = request.body.encode("utf-8", "replace")
    if content and not any(k.lower() == "content-type" for k in headers):
        headers["Content-Type"] = JSON_TYPE
    rpc_method, params, request_id = _call_inside(request.body)
    return Prepared(http_method, url, query, headers, content, rpc_method, params, request_id)


def resolve_path(path: str, target: Target) -> httpx.URL:
    """``path`` joined to the base URL; a URL to any other place is refused.

    The credentials go with every raw request, so it may go only where the API is.
    """
    text = path.strip()
    if any(not c.isprintable() for c in text):
        raise RequestProblem("the path holds a control character", where="path")
    try:
        url = target.base.join(text)
    except (httpx.InvalidURL, ValueError) as exc:
        raise RequestProblem(f"not a usable path: {exc}", where="path") from None
    base = target.base
    if (url.scheme, url.host, url.port) != (base.scheme, base.host, base.port):
        raise RequestProblem(f"requests go only to {base}: give a path relative to it",
                             where="path")
    if url.query:
        raise RequestProblem("put the query in the query field", where="path")
    return url


def parse_query(text: str) -> dict[str, str]:
    """``a=1&b=2`` (a leading ``?`` is allowed) as a dict; a repeated name keeps its last."""
    text = text.strip().removeprefix("?")
    if any(not c.isprintable() for c in text):
        raise RequestProblem("the query holds a control character", where="query")
    return dict(parse_qsl(text, keep_blank_values=True))


def parse_headers(text: str) -> dict[str, str]:
    """One ``Name: value`` a line; blank lines are skipped."""
    headers: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if not colon or not _TOKEN.fullmatch(name):
            raise RequestProblem("write each header as Name: value", where="headers",
                                 line=number, column=1)
        if not _HEADER_VALUE.fullmatch(value):
            raise RequestProblem("a header value holds only printable ASCII", where="headers",
                                 line=number, column=len(name) + 2)
        headers[name] = value
    return headers


def _call_inside(body: str) -> tuple[str | None, dict[str, Any] | None, str | None]:
    """The JSON-RPC method, params and id a raw body carries, if it is a call at all."""
    try:
        data = json.loads(body) if body.strip() else None
    except (ValueError, RecursionError):
        return None, None, None
    if not isinstance(data, dict):
        return None, None, None
    method = data.get("method")
    params = data.get("params")
    request_id = data.get("id")
    return (method if isinstance(method, str) else None,
            params if isinstance(params, dict) else None,
            str(request_id) if isinstance(request_id, str | int) else None)


def call_body(method: str, params: Mapping[str, Any]) -> str:
    """A raw body for one call, as the raw mode's editor starts it (the id is fixed)."""
    return json.dumps({"method": method, "params": dict(params), "id": "console"}, indent=2)


def params_text(params: Mapping[str, Any]) -> str:
    """Params as the editor shows them: indented JSON."""
    return json.dumps(dict(params), indent=2, ensure_ascii=False)
