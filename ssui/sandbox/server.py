"""Serving the sandbox over loopback HTTP from a background thread (uvicorn).

``SandboxServer(config)`` binds 127.0.0.1 on an ephemeral port by default; uvicorn makes its
own socket (its TCP_NODELAY matters: a plain socket costs ~40 ms a request) and the real port
is read back once it has started. Activity runs in the server's own loop. For in-process use,
``transport(config)`` wraps the app in ``httpx.ASGITransport``.

Dropped-connection faults need the raw connection, which ASGI does not expose; the server
uses a thin subclass of uvicorn's h11 protocol that remembers each connection's transport by
client address so the app can abort it without answering.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import replace
from typing import Any

import httpx
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from .app import SandboxApp, Scope, create_app
from .config import SandboxConfig

Peer = tuple[str, int]


def _protocol_with_drop(connections: dict[Peer, asyncio.Transport]) -> type[H11Protocol]:
    class DroppableH11(H11Protocol):
        _peer: Peer | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            peer = transport.get_extra_info("peername")
            if isinstance(peer, tuple):
                self._peer = (str(peer[0]), int(peer[1]))
                connections[self._peer] = transport

        def connection_lost(self, exc: Exception | None) -> None:
            if self._peer is not None:
                connections.pop(self._peer, None)
            super().connection_lost(exc)

    return DroppableH11


class SandboxServer:
    """The sandbox on http://127.0.0.1:PORT/pubapi, in a background thread."""

    def __init__(self, config: SandboxConfig | None = None, **overrides: Any) -> None:
        self.config = replace(config or SandboxConfig(), **overrides)
        self.app: SandboxApp | None = None
        self.port: int | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._connections: dict[Peer, asyncio.Transport] = {}

    @property
    def host(self) -> str:
        return self.config.host

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/pubapi``; add ``/v1.2/`` or ``/v1/`` for the endpoint."""
        if self.port is None:
            raise RuntimeError("the sandbox server is not running")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/pubapi"

    @property
    def account_id(self) -> str:
        return self.config.account_id

    @property
    def secret_key(self) -> str:
        return self.config.secret_key

    def start(self, timeout: float = 30.0) -> SandboxServer:
        """Open (and seed) the database, start serving, and return once the port is bound."""
        if self._thread is not None:
            return self
        _check_bindable(self.config.host, self.config.port)
        self.app = app = create_app(self.config)
        app.dropper = self._drop
        uv = uvicorn.Config(
            app, host=self.config.host, port=self.config.port, lifespan="on",
            log_level="warning", access_log=False, loop="asyncio", ws="none",
            http=_protocol_with_drop(self._connections), timeout_graceful_shutdown=2,
        )
        self._server = server = uvicorn.Server(uv)
        self._thread = threading.Thread(target=server.run, name="ssui-sandbox", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the sandbox could not start on {self.config.host}")
            time.sleep(0.005)
        sockets = [s for srv in server.servers for s in (srv.sockets or ())]
        self.port = int(sockets[0].getsockname()[1])
        return self

    def stop(self) -> None:
        """Stop serving (activity included) and close the database."""
        server, thread = self._server, self._thread
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(timeout=10)
        self._server = self._thread = None
        self.port = None
        if self.app is not None:
            self.app.store.close()
            self.app = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _drop(self, scope: Scope) -> bool:
        client = scope.get("client")
        transport = self._connections.get((str(client[0]), int(client[1]))) if client else None
        if transport is None:
            return False
        transport.abort()
        return True


def _check_bindable(host: str, port: int) -> None:
    """RuntimeError in one line when ``host:port`` cannot be bound (taken, not an address of
    this machine, ...), before uvicorn tries and logs the failure with a traceback."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError, OverflowError) as exc:
        raise RuntimeError(f"cannot serve on {host}: {getattr(exc, 'strerror', None) or exc}"
                           ) from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # As uvicorn binds: a port in TIME_WAIT after the last run is free to use again.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            where = f"{host}:{port}" if port else host
            raise RuntimeError(f"cannot serve on {where}: {exc.strerror or exc}") from None


def transport(config: SandboxConfig | None = None) -> httpx.ASGITransport:
    """An in-process httpx transport to a fresh sandbox app (no sockets, no activity)."""
    return httpx.ASGITransport(app=create_app(config))
