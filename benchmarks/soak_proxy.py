"""A loopback HTTP/1.1 proxy for the soak test that loses answers after the server gave them.

``python benchmarks/soak_proxy.py --upstream 127.0.0.1:PORT --drop 0.1`` listens on an
ephemeral port of 127.0.0.1 and prints ``PORT <n>`` once it does. Every request is forwarded
to the upstream whole and its whole answer read back; then, for a ``--drop`` share of them
(seeded), the client's connection is aborted instead of answered: the server did the work
(a write happened) and the client cannot know. That is the "outcome unknown" case of every
write. A connection the upstream closes without answering (its own injected drops) is closed
on the client too.

SIGUSR1 turns the drops off (the soak's "faults off" at the end); SIGTERM or SIGINT stop it.
With ``--log FILE`` each lost answer is a JSON line there (time, API method, request id) and
the last line, at exit, is the totals.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import signal
import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO


class Closed(Exception):
    """The other side closed the connection before a whole message came."""


@dataclass
class Stats:
    requests: int = 0
    dropped: int = 0
    upstream_dropped: int = 0
    dropped_methods: dict[str, int] = field(default_factory=dict)


async def read_message(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    """One HTTP/1.1 message: (head, body). Content-Length or chunked bodies; Closed on EOF."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError) as exc:
        raise Closed() from exc
    headers = {}
    for line in head.split(b"\r\n")[1:]:
        name, sep, value = line.partition(b":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    try:
        if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            body = bytearray()
            while True:
                size_line = await reader.readuntil(b"\r\n")
                size = int(size_line.split(b";")[0].strip(), 16)
                chunk = await reader.readexactly(size + 2)
                body += size_line + chunk
                if size == 0:
                    break
            return head, bytes(body)
        length = int(headers.get(b"content-length", b"0") or 0)
        return head, await reader.readexactly(length) if length else b""
    except (asyncio.IncompleteReadError, ConnectionError) as exc:
        raise Closed() from exc


def api_method(body: bytes) -> tuple[str, Any]:
    """The JSON-RPC method and id of a request body ("?" when it is not one)."""
    try:
        request = json.loads(body)
    except ValueError:
        return "?", None
    if not isinstance(request, dict):
        return "?", None
    return str(request.get("method", "?")), request.get("id")


class Proxy:
    def __init__(self, upstream: tuple[str, int], drop: float, seed: int,
                 log: TextIO | None) -> None:
        self.upstream = upstream
        self.drop = drop
        self.rng = random.Random(f"soak-proxy:{seed}")
        self.log = log
        self.stats = Stats()

    def note(self, record: dict[str, Any]) -> None:
        if self.log is not None:
            self.log.write(json.dumps(record) + "\n")
            self.log.flush()

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head, body = await read_message(reader)
                except Closed:
                    return
                self.stats.requests += 1
                answer = await self.forward(head + body)
                if answer is None:  # the upstream is away, or closed without answering
                    writer.transport.abort()
                    return
                rhead, rbody = answer
                # Always draw, so the sequence of drops does not depend on anything else.
                if self.rng.random() < self.drop:
                    method, rid = api_method(body)
                    self.stats.dropped += 1
                    self.stats.dropped_methods[method] = (
                        self.stats.dropped_methods.get(method, 0) + 1)
                    self.note({"t": time.time(), "lost": method, "id": rid})
                    writer.transport.abort()
                    return
                writer.write(rhead + rbody)
                await writer.drain()
                if b"connection: close" in rhead.lower():
                    return
        except (ConnectionError, OSError):
            writer.transport.abort()
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def forward(self, request: bytes) -> tuple[bytes, bytes] | None:
        """One request on a connection of its own (no idle upstream connection to go stale)."""
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            return None
        try:
            up_writer.write(request)
            await up_writer.drain()
            return await read_message(up_reader)
        except (Closed, ConnectionError, OSError):
            self.stats.upstream_dropped += 1
            return None
        finally:
            up_writer.transport.abort()


async def main_async(args: argparse.Namespace) -> int:
    host, _, port = args.upstream.rpartition(":")
    log = open(args.log, "a", encoding="utf-8") if args.log else None  # noqa: SIM115
    proxy = Proxy((host or "127.0.0.1", int(port)), args.drop, args.seed, log)
    server = await asyncio.start_server(proxy.serve, "127.0.0.1", 0)
    print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def faults_off() -> None:
        proxy.drop = 0.0
        proxy.note({"t": time.time(), "drops": "off"})

    loop.add_signal_handler(signal.SIGUSR1, faults_off)
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()
    s = proxy.stats
    proxy.note({"t": time.time(), "totals": {"requests": s.requests, "dropped": s.dropped,
                                             "upstream_dropped": s.upstream_dropped,
                                             "dropped_methods": s.dropped_methods}})
    if log is not None:
        log.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--upstream", required=True, help="HOST:PORT of the sandbox")
    parser.add_argument("--drop", type=float, default=0.1,
                        help="share of answers lost after the server gave them (default 0.1)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--log", help="JSON lines of the lost answers, and the totals")
    return asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
