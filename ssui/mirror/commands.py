"""The headless mirror commands: `ssui sync` and `ssui watch`.

They print to the terminal (a progress bar on stderr, events on stdout) and never import
textual; the `ssui` command line registers them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TextIO

import httpx

from ssui.config import Connection, open_client, resolve_connection
from ssui.entities import entity
from ssui.text import json_safe, printable

from .account import AccountMirror
from .paths import mirror_path
from .scheduler import Budget
from .store import MirrorStore
from .sync import SyncEngine, SyncProgress
from .watch import STREAM_KINDS, WatchBatch

ALL_STREAMS = tuple(STREAM_KINDS)


def add_parsers(commands: Any) -> None:
    """Register `sync` and `watch` on the `ssui` subcommand parser."""
    sync = commands.add_parser("sync", help="copy the account into the local mirror")
    sync.add_argument("--full", action="store_true",
                      help="copy everything again instead of resuming or catching up")
    sync.set_defaults(handler=run_sync)
    watch = commands.add_parser(
        "watch", help="print new leads, accounts, opportunities, email opens, page visits"
                      " and form fills as they happen")
    watch.add_argument("--streams", default=",".join(ALL_STREAMS),
                       help=f"comma-separated: {','.join(ALL_STREAMS)} (default: all)")
    watch.add_argument("--owner", type=int, metavar="ID",
                       help="only opportunities owned by this user id")
    watch.add_argument("--jsonl", action="store_true", help="one JSON object per line")
    watch.add_argument("--count", type=int, metavar="N",
                       help="stop after N events (default: run until Ctrl-C)")
    watch.add_argument("--quota-share", type=float, default=0.2, metavar="FRACTION",
                       help="share of the daily API quota background polling may use"
                            " (default 0.2)")
    watch.set_defaults(handler=run_watch)


def parse_streams(text: str) -> tuple[str, ...]:
    """The stream names of `--streams`, or ValueError naming the unknown ones."""
    names = tuple(dict.fromkeys(s.strip() for s in text.split(",") if s.strip()))
    unknown = [n for n in names if n not in STREAM_KINDS]
    if unknown or not names:
        raise ValueError(f"--streams: unknown {', '.join(unknown) or '(none given)'};"
                         f" choose from {', '.join(ALL_STREAMS)}")
    return names


def _connection(args: argparse.Namespace) -> Connection:
    return resolve_connection(getattr(args, "profile", None))


def open_store(connection: Connection) -> MirrorStore:
    return MirrorStore(mirror_path(connection.name, connection.account_id))


# -- ssui sync -----------------------------------------------------------------------------


class _Bar:
    """A one-line progress report on stderr, redrawn in place on a terminal."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tty = out.isatty()
        self._last = -1

    def __call__(self, p: SyncProgress) -> None:
        line = (f"syncing {p.entity or '…'}: {p.records:,} records, {p.calls} calls"
                f" [{p.entities_done}/{p.entities_total}]")
        if self.tty:
            self.out.write("\r\033[K" + line)
        elif p.entities_done != self._last:  # a log, not a terminal: a line per entity
            self.out.write(line + "\n")
            self._last = p.entities_done
        self.out.flush()

    def end(self) -> None:
        if self.tty:
            self.out.write("\n")


async def sync(connection: Connection, full: bool,
               transport: httpx.AsyncBaseTransport | None = None,
               out: TextIO = sys.stderr) -> SyncProgress:
    store = open_store(connection)
    bar = _Bar(out)
    try:
        async with open_client(connection, transport) as client:
            engine = SyncEngine(client, store)
            if full or not engine.has_full_sync():
                prog = await engine.full_sync(force=full, progress=bar)
            else:
                prog = SyncProgress(entities_total=4)
                for key in ("lead", "account", "campaign", "opportunity"):
                    new, changed = await engine.incremental(key)
                    prog.records += len(new) + len(changed)
                    prog.per_entity[key] = len(new) + len(changed)
                    prog.entities_done += 1
                    prog.entity, prog.calls = key, engine.calls
                    bar(prog)
                prog.done = True
        bar.end()
        return prog
    finally:
        store.close()


def run_sync(args: argparse.Namespace) -> int:
    connection = _connection(args)
    prog = asyncio.run(sync(connection, args.full, getattr(args, "transport", None)))
    counts = ", ".join(f"{n:,} {entity(k).plural.lower() if n != 1 else entity(k).label.lower()}"
                       for k, n in prog.per_entity.items() if n)
    print(printable(f"mirror of {connection.name} is up to date ({counts or 'no changes'};"
          f" {prog.calls} calls)"))
    return 0


# -- ssui watch ----------------------------------------------------------------------------


def _plain(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return str(v)
    return str(v)


def event_line(event: Mapping[str, Any], catch_up: bool, jsonl: bool) -> str:
    if jsonl:
        keep = ("kind", "title", "detail", "entity", "record_id", "lead_id", "occurred_at",
                "seq", "payload")
        return json_safe(json.dumps({**{k: event.get(k) for k in keep}, "catch_up": catch_up},
                                    default=_plain, ensure_ascii=False))
    when = event.get("occurred_at")
    stamp = when.astimezone().strftime("%H:%M:%S") if isinstance(when, datetime) else str(when)
    kind = str(event["kind"]).replace("_", " ")
    tail = f" — {event['detail']}" if event.get("detail") else ""
    mark = " (while closed)" if catch_up else ""
    return printable(f"{stamp}  {kind:<20} {event.get('title') or ''}{tail}{mark}")


async def watch(connection: Connection, streams: Sequence[str], owner: int | None,
                jsonl: bool, count: int | None,
                transport: httpx.AsyncBaseTransport | None = None,
                out: TextIO = sys.stdout, quota_share: float = 0.2) -> int:
    """Print events until ``count`` have been printed (or forever); returns how many."""
    kinds = {str(STREAM_KINDS[s]) for s in streams}
    store = open_store(connection)
    printed = 0
    done = asyncio.Event()

    def show(batch: WatchBatch) -> None:
        nonlocal printed
        for ev in batch.events:
            if str(ev["kind"]) not in kinds or done.is_set():
                continue
            if owner is not None and ev.get("entity") == "opportunity" and \
                    (ev.get("payload") or {}).get("ownerID") != owner:
                continue
            out.write(event_line(ev, batch.catch_up, jsonl) + "\n")
            out.flush()
            printed += 1
            if count is not None and printed >= count:
                done.set()

    try:
        async with open_client(connection, transport) as client:
            budget = Budget(daily_quota=client.quota.limit, daily_share=quota_share)
            mirror = AccountMirror(client, store, budget)
            mirror.on_batch(show)
            runner = asyncio.create_task(mirror.run(progress=_Bar(sys.stderr)))
            waiter = asyncio.create_task(done.wait())
            finished, _ = await asyncio.wait({runner, waiter},
                                             return_when=asyncio.FIRST_COMPLETED)
            for t in (runner, waiter):
                t.cancel()
            await asyncio.gather(runner, waiter, return_exceptions=True)
            if runner in finished and runner.exception() is not None:
                raise runner.exception()  # type: ignore[misc]
    finally:
        store.close()
    return printed


def run_watch(args: argparse.Namespace) -> int:
    try:
        streams = parse_streams(args.streams)
        if not 0 < args.quota_share <= 1:
            raise ValueError("--quota-share must be more than 0 and at most 1")
    except ValueError as exc:
        print(f"ssui watch: {printable(str(exc))}", file=sys.stderr)
        return 2
    connection = _connection(args)
    if not args.jsonl:
        print(f"watching {', '.join(streams)} on {connection.name} (Ctrl-C to stop)",
              file=sys.stderr)
    asyncio.run(watch(connection, streams, args.owner, args.jsonl, args.count,
                      getattr(args, "transport", None), quota_share=args.quota_share))
    return 0
