"""`ssui sync` and `ssui watch`: the mirror, headless (a progress bar on stderr, events on stdout).

They run on an `AccountSession` and never import textual.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TextIO

import httpx

from ssui.api import RetryPolicy, SharpSpringError
from ssui.cli.errors import CommandError, whole_number
from ssui.config import (
    ConfigError,
    Connection,
    WatchPrefs,
    WatchSettings,
    config_paths,
    parse_share,
    resolve_connection,
)
from ssui.entities import entity
from ssui.mirror.account import AccountMirror
from ssui.mirror.events import WatchBatch, WatchEvent
from ssui.mirror.lock import BUSY
from ssui.mirror.scheduler import Budget, StreamStatus
from ssui.mirror.store import MIRRORED
from ssui.mirror.sync import INCREMENTAL, SyncEngine, SyncProgress
from ssui.mirror.watch import STREAM_KINDS
from ssui.mirror.watch_scope import WatchScope, resolve_me
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
    watch.add_argument("--streams",
                       help=f"comma-separated: {','.join(ALL_STREAMS)} (default: the"
                            " profile's watch settings, else all)")
    watch.add_argument("--owner", metavar="ID|mine|anyone",
                       help="only new leads, accounts and opportunities of this user id, or"
                            " of you (`me` in the profile); default: the profile's setting")
    watch.add_argument("--jsonl", action="store_true", help="one JSON object per line")
    watch.add_argument("--count", type=whole_number(1), metavar="N",
                       help="stop after N events (default: run until Ctrl-C)")
    watch.add_argument("--quota-share", metavar="SHARE",
                       help="share of the daily API quota the polling may use, 0.01 to 0.9"
                            " (0.3 or 30%%; default: the profile's setting, else 0.2)")
    watch.set_defaults(handler=run_watch)
    for command in (sync, watch):
        # As for `call`: `ssui sync --profile X` and `ssui --profile X sync` both work.
        command.add_argument("--profile", metavar="NAME", default=argparse.SUPPRESS,
                             help="use this saved connection (as `ssui --profile NAME` does)")


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


# The order of the summary: what people count first, then the rest as the sync copies it.
_SUMMARY_ORDER = ("lead", "account", "opportunity", "opportunity_lead", "campaign",
                  "user_profile", "deal_stage")
# Off a terminal (a log, CI), a long copy says how far it got at most this often.
LOG_EVERY = 15.0


def counted(key: str, n: int) -> str:
    """``n`` records of one entity in words: "1 lead", "12,000 opportunity leads"."""
    e = entity(key)
    return f"{n:,} {(e.label if n == 1 else e.plural).lower()}"


def sync_summary(prog: SyncProgress, seconds: float, *, caught_up: bool = False) -> str:
    """The last line of a sync: "Synced 100,000 leads, 1,200 accounts, … in 4.2 s".

    ``caught_up``: the sync fetched what changed since the last one, not the whole account.
    """
    keys = sorted((k for k, n in prog.per_entity.items() if n),
                  key=lambda k: (_SUMMARY_ORDER.index(k) if k in _SUMMARY_ORDER
                                 else len(_SUMMARY_ORDER)))
    took = f"in {seconds:.1f} s ({prog.calls:,} call{'s' if prog.calls != 1 else ''})"
    if not keys:
        return f"{'No changes' if caught_up else 'Synced nothing new'} {took}"
    counts = ", ".join(counted(k, prog.per_entity[k]) for k in keys)
    return f"{'Caught up' if caught_up else 'Synced'} {counts} {took}"


class _Bar:
    """The progress of a sync on stderr: a line per entity ("Leads 12,000 of about 100,000").

    On a terminal the current entity's line is redrawn in place and stays when the next
    entity begins; elsewhere (a log) each entity gets one line when it is done, plus one now
    and then while a long one lasts. ``end()`` finishes a line left open, so whatever is
    printed next (an event, a warning) starts on a fresh line; it is called when the sync is
    done, and may be called any time.
    """

    def __init__(self, out: TextIO, *, caught_up: bool = False,
                 expected: Mapping[str, int] | None = None, summary: str = "",
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.out = out
        self.tty = out.isatty()
        self.caught_up = caught_up
        # Records each entity held before this run (a --full copy again): "of about N".
        self.expected = dict(expected or {})
        # With a prefix ("ssui watch"), the bar prints the summary line itself when done.
        self.summary = summary
        self.clock = clock
        self.started = clock()
        self._open = False  # a line is drawn without its newline (terminal only)
        self._entity = self._text = ""  # the entity and text of the line drawn last
        self._done: set[str] = set()
        self._entities_done = 0
        self._logged = self.started

    def line(self, key: str, n: int) -> str:
        """One entity's progress: "Leads 12,000 of about 100,000" or "Leads 3 new or changed"."""
        name = entity(key).plural
        if self.caught_up:
            return f"{name} {n:,} new or changed"
        about = self.expected.get(key, 0)
        return f"{name} {n:,}" + (f" of about {about:,}" if about > n else "")

    def __call__(self, p: SyncProgress) -> None:
        if p.entities_done < self._entities_done:  # a first sync tried again from its start
            self._done.clear()
        # The sync counts an entity done, then reports once more: that count is its last.
        finished = p.entities_done > self._entities_done
        self._entities_done = p.entities_done
        key = p.entity
        if key and key in p.per_entity and (p.per_entity[key] or not self.caught_up):
            self._draw(key, p.per_entity[key], finished)
        if p.done:
            self.end()
            if self.summary:
                said = sync_summary(p, self.clock() - self.started, caught_up=self.caught_up)
                self.say(f"{self.summary}: {said[:1].lower()}{said[1:]}")

    def _draw(self, key: str, n: int, finished: bool) -> None:
        if key in self._done:
            return
        text = printable(self.line(key, n))
        if self.tty:
            if self._open and self._entity != key:
                self.out.write("\n")  # the last entity's line stays as it ended
                self._open = False
            if not self._open or text != self._text:
                self.out.write("\r\033[K" + text)
                self._open = True
            if finished:
                self.end()
        elif finished or self.clock() - self._logged >= LOG_EVERY:
            self.out.write(text + ("" if finished else " …") + "\n")
            self._logged = self.clock()
        self._entity, self._text = key, text
        if finished:
            self._done.add(key)
        self.out.flush()

    def end(self) -> None:
        """Finish the line drawn last, if it is still open."""
        if self._open:
            self.out.write("\n")
            self.out.flush()
            self._open = False

    def say(self, line: str) -> None:
        """Print a line of its own on the bar's stream (the bar's open line ends first)."""
        self.end()
        self.out.write(line + "\n")
        self.out.flush()


@dataclass
class SyncReport(SyncProgress):
    """What `ssui sync` did: its progress at the end, how long it took, and which sync."""

    seconds: float = 0.0
    caught_up: bool = False
    """Only what changed since the last sync was fetched (not the whole account)."""

    @property
    def summary(self) -> str:
        return sync_summary(self, self.seconds, caught_up=self.caught_up)


async def sync(connection: Connection, full: bool,
               transport: httpx.AsyncBaseTransport | None = None,
               out: TextIO | None = None) -> SyncReport:
    """Copy the account into its mirror: everything, or what changed since the last sync.

    One sync of a mirror runs at a time: while another (`ssui sync`, the app's first copy,
    a poll of the app or of `ssui watch`) holds it, this one says so on ``out`` and waits.
    """
    bar = _Bar(out or sys.stderr)  # looked up now: whoever replaced sys.stderr gets it
    told = False

    def waiting() -> None:
        nonlocal told
        if not told:
            told = True
            bar.say(f"ssui sync: {BUSY}; waiting")

    async with AccountSession.open(connection, transport=transport) as session:
        mirror = _live(session)
        engine = mirror.sync
        if session.client is not None:
            # Nobody waits on a sync the way they wait on a screen: ride out a longer outage
            # before giving up (the app keeps the client's own, quicker policy).
            session.client.retry = SYNC_RETRY
            session.client.deadline = SYNC_DEADLINE
        try:
            prog = await _sync_in(session, mirror, engine, full, bar, waiting)
        except SharpSpringError as exc:
            bar.end()
            raise CommandError(_stopped(exc, full)) from None
    bar.end()
    return SyncReport(**vars(prog), seconds=bar.clock() - bar.started,
                      caught_up=bar.caught_up)


SYNC_RETRY = RetryPolicy(max_attempts=8, base_delay=1.0, max_delay=30.0)
"""How `ssui sync` retries a failing call: 8 tries over a minute or two, not the 4 quick ones
of the client's default."""
SYNC_DEADLINE = 420.0
"""The longest one call of `ssui sync` takes: its 8 tries of up to 30 s and the waits between
them fit inside it."""


def _stopped(exc: SharpSpringError, full: bool) -> str:
    """The one line of a sync a failing call stopped: what failed, and that nothing is lost."""
    reason = f"error {exc.code}: {exc}" if exc.code is not None else str(exc)
    again = "`ssui sync` (without --full, which starts over)" if full else "`ssui sync`"
    return (f"sync stopped: {reason.rstrip('.')}. What it copied is kept; the next {again} "
            "resumes from there")


async def _sync_in(session: AccountSession, mirror: AccountMirror, engine: SyncEngine,
                   full: bool, bar: _Bar, waiting: Callable[[], None]) -> SyncProgress:
    """The sync proper: a whole copy (resumed, unless ``full``), or what changed since."""
    async with session.store.syncing(waiting):
        if full or not engine.has_full_sync():
            if engine.has_full_sync():  # copied before: the counts then are a good guess
                bar.expected = {k: session.store.count_all(k) for k in MIRRORED}
            prog = await engine.full_sync(force=full, progress=bar)
        else:
            bar.caught_up = True
            prog = SyncProgress(entities_total=len(INCREMENTAL))
            await mirror.refresh_lookups()
            for key in INCREMENTAL:
                # New leads, accounts and opportunities go into the event log as well, so
                # the app and `ssui watch` announce what this sync was first to fetch.
                prog.entity = key
                _new, changed = await mirror.watch.catch_up_records(key)
                prog.records += len(changed)
                prog.per_entity[key] = len(changed)
                prog.entities_done += 1
                prog.calls = engine.calls
                if changed:
                    bar(prog)
            prog.done = True
            bar(prog)
    return prog


def run_sync(args: argparse.Namespace) -> int:
    connection = _connection(args)
    report = asyncio.run(sync(connection, args.full, getattr(args, "transport", None)))
    print(printable(f"{report.summary}; the mirror of {connection.name} is up to date"))
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


async def watch(connection: Connection, streams: Sequence[str], owner: int | str | None,
                jsonl: bool, count: int | None,
                transport: httpx.AsyncBaseTransport | None = None,
                out: TextIO | None = None, quota_share: float = 0.2,
                err: TextIO | None = None) -> int:
    """Print events until ``count`` have been printed (or forever); returns how many.

    Only the watches in ``streams`` poll; ``owner`` (a user id, or "mine" for the profile's
    ``me``) narrows new leads, accounts and opportunities. Progress and outages ("retrying in
    8 s …", then "back in sync") go to ``err``.
    """
    out = out or sys.stdout  # looked up now: whoever replaced sys.stdout gets the lines
    err = err or sys.stderr
    owner_id = owner if isinstance(owner, int) else None
    printed = 0
    done = asyncio.Event()
    # The log place of the last event printed: with --count, what a batch held beyond it is
    # left for the next run, not marked delivered.
    last_printed: int | None = None
    bar = _Bar(err, summary="ssui watch")

    def show(batch: WatchBatch) -> None:
        nonlocal printed, last_printed, owner_id
        if owner == "mine" and owner_id is None:
            # An email names a user the mirror knows once the users are synced.
            owner_id = resolve_me(session.store, connection.me)
        scope = WatchScope.of(streams, owner_id)
        for ev in batch.events:
            if done.is_set():
                break
            if not scope.admits(ev) or (owner == "mine" and owner_id is None
                                        and ev.entity in ("lead", "account", "opportunity")):
                continue
            # On a terminal stdout and stderr share the screen: the first sync's progress line
            # ends before the first event, which starts a line of its own.
            bar.end()
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
        mirror.watch_only(streams)
        mirror.on_batch(show)
        runner = asyncio.create_task(mirror.run(progress=bar))
        waiter = asyncio.create_task(done.wait())
        reporter = asyncio.create_task(_report_outages(mirror, err, bar=bar))
        finished, _ = await asyncio.wait({runner, waiter}, return_when=asyncio.FIRST_COMPLETED)
        for t in (runner, waiter, reporter):
            t.cancel()
        await asyncio.gather(runner, waiter, reporter, return_exceptions=True)
        if done.is_set() and last_printed is not None:
            mirror.reader.rewind(last_printed)
        if runner in finished and (error := runner.exception()) is not None:
            raise error
    return printed


async def _report_outages(mirror: AccountMirror, err: TextIO, every: float = 1.0,
                          bar: _Bar | None = None) -> None:
    """Say on ``err`` when the watch cannot reach SharpSpring, and when it is back (on a
    line of its own: ``bar``'s progress line, if open, ends first)."""
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
        if bar is not None and ((line and line != said) or (not line and troubled)):
            bar.end()
        if line and line != said:
            err.write(printable(f"ssui watch: {line}") + "\n")
        elif not line and troubled:
            err.write("ssui watch: back in sync\n")
        err.flush()
        troubled, said = bool(line), line


def parse_owner(text: str) -> int | str:
    """``--owner``: a user id, "mine" or "anyone"; ValueError saying so."""
    value = text.strip().lower()
    if value in ("mine", "anyone"):
        return value
    if value.isdigit() and int(value) > 0:
        return int(value)
    raise ValueError(f"--owner: {text!r} is not a user id, \"mine\" or \"anyone\"")


def flag_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The watch settings the command line's flags set (they win over the profile's)."""
    changes: dict[str, Any] = {}
    if args.streams is not None:
        changes["streams"] = parse_streams(args.streams)
    if args.owner is not None:
        changes["owner"] = parse_owner(args.owner)
    if args.quota_share is not None:
        try:
            changes["quota_share"] = parse_share(args.quota_share)
        except ValueError as exc:
            raise ValueError(f"--quota-share: {exc}") from None
    return changes


def run_watch(args: argparse.Namespace) -> int:
    try:
        flags = flag_settings(args)
    except ValueError as exc:
        print(f"ssui watch: {printable(str(exc))}", file=sys.stderr)
        return 2
    connection = _connection(args)
    prefs = WatchPrefs.of(connection)
    settings: WatchSettings = prefs.settings.model_copy(update=flags)
    if settings.owner == "mine" and not connection.me:
        where = (f"`me = \"<your user id or email>\"` under [profiles.{connection.name}] in"
                 f" {config_paths().config_file}" if prefs.kept else
                 "a saved profile with `me = \"<your user id or email>\"` (`ssui login`)")
        raise ConfigError(f"watching \"mine\" needs to know who you are: {where}")
    if not settings.streams:
        print("ssui watch: every watch is off in the settings; pass --streams", file=sys.stderr)
        return 2
    if not args.jsonl:
        whose = {"anyone": "", "mine": " (new records: yours)"}.get(
            str(settings.owner), f" (new records of user {settings.owner})")
        quota = Budget().daily_quota
        calls = round(settings.quota_share * quota)
        print(printable(f"watching {', '.join(settings.streams)}{whose} on {connection.name},"
                        f" polling with at most {settings.quota_share:.0%} of the daily quota"
                        f" ({calls:,} of {quota:,} calls) (Ctrl-C to stop)"), file=sys.stderr)
    owner = None if settings.owner == "anyone" else settings.owner
    asyncio.run(watch(connection, settings.streams, owner, args.jsonl, args.count,
                      getattr(args, "transport", None), quota_share=settings.quota_share))
    return 0
