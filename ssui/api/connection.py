"""One HTTP exchange with SharpSpring: limits, credentials, and failures turned into our errors.

Everything here happens once per HTTP request: wait for the rate limiter, send, count the
request against the quota if it may have reached the server, then map the HTTP outcome to
the exception family. Retrying is the client's business, not this layer's.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import Any

import httpx
import orjson

from .errors import (
    AuthError,
    BadResponseError,
    ConnectionFailedError,
    RateLimitedError,
    RequestTimeoutError,
    ServerUnavailableError,
    TransportError,
    one_line,
)
from .limits import QuotaCounter, RateLimiter
from .redact import guard_logger, redact, redact_url

log = logging.getLogger("ssui.api")


class Connection:
    """The HTTP side of a client: one endpoint, one set of credentials, shared limits."""

    def __init__(
        self,
        endpoint: httpx.URL,
        base: httpx.URL,
        account_id: str,
        secret_key: str,
        *,
        transport: httpx.AsyncBaseTransport | None,
        timeout: float,
        limiter: RateLimiter,
        quota: QuotaCounter,
    ) -> None:
        guard_logger("httpx")  # httpx logs every request URL, secret included, at INFO
        self.endpoint = endpoint
        self.base = base
        self.timeout = timeout
        self.limiter = limiter
        self.quota = quota
        self.calls_made = 0
        self._secret = secret_key
        self._auth = {"accountID": account_id, "secretKey": secret_key}
        self.shown_endpoint = redact_url(endpoint.copy_merge_params(self._auth))
        # Redirects are not followed: a redirect would carry the secret to another URL.
        self.http = httpx.AsyncClient(
            transport=transport, timeout=timeout, follow_redirects=False,
            headers={"Accept": "application/json"},
        )

    @property
    def scrub_secret(self) -> str:
        """The secret, for redacting server text only; never put it in anything shown."""
        return self._secret

    def scrub(self, text: object) -> str:
        """Text with the secret masked, ready to show."""
        return redact(text, self._secret)

    async def post(self, body: Mapping[str, Any]) -> Any:
        """POST one envelope and return the decoded JSON answer."""
        content = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        response = await self._send(
            "POST", self.endpoint, params=self._auth, content=content,
            headers={"Content-Type": "application/json"},
        )
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s -> HTTP %s (%s)", body.get("method"), response.status_code,
                      self.shown_endpoint)
        return self._decode(response)

    async def request(
        self,
        http_method: str,
        path_or_url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | str | None = None,
    ) -> httpx.Response:
        """A free-form request to SharpSpring's host, any status returned.

        The credentials are added to the query, each unless ``params`` sets it (a console
        user trying another key, or none, on purpose).
        """
        url = self.base.join(path_or_url)
        if (url.scheme, url.host, url.port) != (self.base.scheme, self.base.host, self.base.port):
            raise ValueError(
                f"raw requests go only to {self.base.scheme}://{self.base.host}; "
                "the secret key is never sent anywhere else"
            )
        merged = {**self._auth, **(params or {})}
        response = await self._send(
            http_method.upper(), url, params=merged, content=content, headers=headers
        )
        log.debug("%s %s -> HTTP %s", http_method.upper(), redact_url(response.request.url),
                  response.status_code)
        return response

    async def _send(
        self,
        http_method: str,
        url: httpx.URL,
        *,
        params: Mapping[str, Any],
        content: bytes | str | None,
        headers: Mapping[str, str] | None,
    ) -> httpx.Response:
        await self.limiter.acquire()
        try:
            response = await self.http.request(
                http_method, url, params=params, content=content, headers=headers
            )
        except httpx.HTTPError as exc:
            error = self._transport_error(exc, url)
            if error.maybe_processed:
                self._count()
            raise error from None  # httpx's exception holds the URL with the secret
        except asyncio.CancelledError:
            self._count()  # cut short (a call's deadline): it may have reached SharpSpring
            raise
        self._count()
        return response

    def _count(self) -> None:
        self.calls_made += 1
        self.quota.record()

    def _transport_error(self, exc: httpx.HTTPError, url: httpx.URL) -> TransportError:
        host = url.host
        detail = one_line(self.scrub(exc), 160) or type(exc).__name__
        if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
            return RequestTimeoutError(
                f"Could not connect to {host} within {self.timeout:g} s", maybe_processed=False
            )
        if isinstance(exc, httpx.TimeoutException):
            return RequestTimeoutError(f"SharpSpring did not answer within {self.timeout:g} s")
        if isinstance(exc, httpx.ConnectError | httpx.ProxyError):
            return ConnectionFailedError(
                f"Could not connect to {host}: {detail}", maybe_processed=False
            )
        if isinstance(exc, httpx.LocalProtocolError | httpx.UnsupportedProtocol):
            return TransportError(
                f"The request to {host} could not be sent: {detail}", maybe_processed=False
            )
        if isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError):
            return ConnectionFailedError(
                f"The connection to {host} dropped before SharpSpring answered: {detail}"
            )
        if isinstance(exc, httpx.DecodingError):
            return BadResponseError(f"SharpSpring's answer could not be decoded: {detail}")
        return TransportError(f"The request to {host} failed: {detail}")

    def _decode(self, response: httpx.Response) -> Any:
        status = response.status_code
        if status == 401:
            body = _json(response.content)
            if isinstance(body, dict) and body.get("error"):
                return body  # an envelope error (105) explains it better than the status
            text = one_line(self.scrub(response.text), 200) or "no reason given"
            raise AuthError(
                f"SharpSpring refused the credentials (HTTP 401): {text}. "
                f"{AuthError.hint}", status=401,
            )
        if status == 429:
            # Not documented (SharpSpring signals 107 in a 200 body), but unmistakable.
            raise RateLimitedError("SharpSpring asked to slow down (HTTP 429)", status=429)
        if status >= 500:
            raise ServerUnavailableError(
                f"SharpSpring is unavailable (HTTP {status}); try again shortly", status=status
            )
        if status not in (200, 201):
            raise BadResponseError(
                f"SharpSpring answered HTTP {status} {response.reason_phrase} at "
                f"{self.shown_endpoint}: {self._snippet(response)}",
                status=status,
                # 3xx/4xx: the API endpoint never took the call (wrong URL, proxy, ...).
                maybe_processed=False,
            )
        body = _json(response.content)
        if body is _NOT_JSON:
            kind = response.headers.get("content-type", "no content type")
            raise BadResponseError(
                f"SharpSpring's answer is not JSON (HTTP {status}, {kind}): "
                f"{self._snippet(response)}",
                status=status,
            )
        return body

    def _snippet(self, response: httpx.Response) -> str:
        return one_line(self.scrub(response.text), 120) or "empty body"

    async def aclose(self) -> None:
        await self.http.aclose()


_NOT_JSON = object()


def _json(content: bytes) -> Any:
    """The decoded body, or _NOT_JSON (a JSON ``null`` is a value, not a parse failure)."""
    try:
        # orjson: a full sync parses ~60 MB of JSON; it is several times faster than json.
        return orjson.loads(content)
    except ValueError:
        return _NOT_JSON
