"""`ssui sync` and `ssui watch`: the mirror, headless (a progress bar on stderr, events on stdout).

They run on an `AccountSession` and never import textual.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TextIO

import httpx

from ssui.config import Connection, resolve_connection
from ssui.entities import entity
from ssui.mirror.account import AccountMirror
from ssui.mirror.events import WatchBatch, WatchEvent
from ssui.mirror.scheduler import StreamStatus
from ssui.mirror.sync import INCREMENTAL, SyncProgress
from ssui.mirror.watch import STREAM_KINDS
from ssui.session import AccountSession
from ssui.text import json_safe, printable

ALL_STREAMS = tuple(STREAM_KINDS)
TROUBLE = (StreamStatus.RETRYING, StreamStatus.FAILING, StreamStatus.STOPPED)


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
    for command in (sync, watch):
        # As for `call`: `ssui sync --profile X` and `ssui --profile X sync` both work.
        command.add_argument("--profile", metavar="NAME", default=argparse.SUPPRESS)


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


def _live(session: AccountSession) -> AccountMirror:
    # AccountSession.open always makes a live session; only an offline one has no mirror.
    assert session.mirror is not None
    return session.mirror


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
    """Copy the account into its mirror: everything, or what changed since the last sync."""
    bar = _Bar(out)
    async with AccountSession.open(connection, transport=transport) as session:
        mirror = _live(session)
        engine = mirror.sync
        if full or not engine.has_full_sync():
            prog = await engine.full_sync(force=full, progress=bar)
        else:
            prog = SyncProgress(entities_total=len(INCREMENTAL))
            await mirror.refresh_lookups()
            for key in INCREMENTAL:
                # New leads, accounts and opportunities go into the event log as well, so the
                # app and `ssui watch` announce what this sync was first to fetch.
                _new, changed = await mirror.watch.catch_up_records(key)
                prog.records += len(changed)
                prog.per_entity[key] = len(changed)
                prog.entities_done += 1
                prog.entity, prog.calls = key, engine.calls
                bar(prog)
            prog.done = True
    bar.end()
    return prog


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


def event_line(event: WatchEvent, catch_up: bool, jsonl: bool) -> str:
    """One event as `ssui watch` prints it: a JSON object, or a line that reads like one."""
    who = event.who if event.who != event.title else ""
    if jsonl:
        # The keys `ssui watch --jsonl` has always printed, so scripts reading it keep working.
        line = {"kind": str(event.kind), "title": event.title, "detail": who or None,
                "entity": event.entity, "record_id": event.record_id,
                "lead_id": event.lead_id, "lead_name": event.lead_name,
                "lead_email": event.lead_email, "owner_id": event.owner_id,
                "occurred_at": event.occurred_at, "seq": event.seq,
                "payload": dict(event.record), "catch_up": catch_up}
        return json_safe(json.dumps(line, default=_plain, ensure_ascii=False))
    stamp = event.occurred_at.astimezone().strftime("%H:%M:%S")
    tail = f" — {who}" if who else ""
    mark = " (while closed)" if catch_up else ""
    return printable(f"{stamp}  {event.kind.words:<20} {event.title}{tail}{mark}")


async def watch(connection: Connection, streams: Sequence[str], owner: int | None,
                jsonl: bool, count: int | None,
                transport: httpx.AsyncBaseTransport | None = None,
                out: TextIO = sys.stdout, quota_share: float = 0.2,
                err: TextIO | None = None) -> int:
    """Print events until ``count`` have been printed (or forever); returns how many.

    Progress and outages ("retrying in 8 s …", then "back in sync") go to ``err``.
    """
    err = err or sys.stderr
    kinds = {str(STREAM_KINDS[s]) for s in streams}
    printed = 0
    done = asyncio.Event()
    # The log place of the last event printed: with --count, what a batch held beyond it is
    # left for the next run, not marked delivered.
    last_printed: int | None = None

    def show(batch: WatchBatch) -> None:
        nonlocal printed, last_printed
        for ev in batch.events:
            if done.is_set():
                break
            if str(ev.kind) not in kinds:
                continue
            if owner is not None and ev.entity == "opportunity" and ev.owner_id != owner:
                continue
            out.write(event_line(ev, batch.catch_up, jsonl) + "\n")
            out.flush()
            printed += 1
            last_printed = ev.seq
            if count is not None and printed >= count:
                done.set()

    # Each `ssui watch` reads the event log from its own place, so it sees every event even
    # when the app (or another watch) stored it.
    async with AccountSession.open(connection, transport=transport, quota_share=quota_share,
                                   consumer="watch") as session:
        mirror = _live(session)
        mirror.on_batch(show)
        runner = asyncio.create_task(mirror.run(progress=_Bar(err)))
        waiter = asyncio.create_task(done.wait())
        reporter = asyncio.create_task(_report_outages(mirror, err))
        finished, _ = await asyncio.wait({runner, waiter}, return_when=asyncio.FIRST_COMPLETED)
        for t in (runner, waiter, reporter):
            t.cancel()
        await asyncio.gather(runner, waiter, reporter, return_exceptions=True)
        if done.is_set() and last_printed is not None:
            mirror.reader.rewind(last_printed)
        if runner in finished and (error := runner.exception()) is not None:
            raise error
    return printed


async def _report_outages(mirror: AccountMirror, err: TextIO, every: float = 1.0) -> None:
    """Say on ``err`` when the watch cannot reach SharpSpring, and when it is back."""
    troubled = False
    said = ""
    while True:
        await asyncio.sleep(every)
        problems = [s for s in mirror.scheduler.streams.values() if s.status in TROUBLE]
        retry = mirror.first_sync_retry
        if retry is not None:
            line = f"first sync: retrying ({retry.reason})"
        elif problems:
            s = problems[0]
            what = "stopped" if s.status is StreamStatus.STOPPED else "retrying"
            line = f"{s.name}: {what} ({s.last_error or 'no answer'})"
        else:
            line = ""
        if line and line != said:
            err.write(printable(f"ssui watch: {line}") + "\n")
        elif not line and troubled:
            err.write("ssui watch: back in sync\n")
        err.flush()
        troubled, said = bool(line), line


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
