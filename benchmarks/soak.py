"""Soak test: ssui's own code paths against a faulty, living sandbox for about five minutes.

    python benchmarks/soak.py                    # about 5 minutes on 2 cores
    python benchmarks/soak.py --minutes 2 --leads 500

Not part of the test suite. What runs, all on 127.0.0.1 with ephemeral ports and temporary
SSUI_DATA_DIR / SSUI_CONFIG_DIR (nothing of the user's is read or written):

- ``ssui sandbox serve --faults 'error=0.2,drop=0.05,latency=200ms,ratelimit=0.1'`` with
  activity on (new leads, visits, form fills, opens, opportunities);
- ``soak_proxy.py`` between every client and the sandbox, losing 10% of the answers after the
  server gave them (a write happened; the client sees a dropped connection);
- in this process, an ``AccountMirror`` (as the app opens it, through ``AccountSession``):
  the first full sync, then its scheduler with every watch on for the whole run, and the
  writes: lead edits (with the conflict check), creates and deletes. An unknown outcome is
  resolved as the app's form does: an edit or delete by reading the record back, a create
  with ``find_created`` (never sent again blindly);
- ``ssui watch --jsonl`` as a second consumer of the event log, ``kill -9``-ed mid-run and
  started again;
- ``ssui sync`` in a loop as a second sync process on the same mirror; the first one is a
  ``--full`` that is ``kill -9``-ed mid-copy (the next one resumes it).

At the end the faults go off (the proxy stops losing answers; the sandbox is restarted on the
same database and port without faults or activity), one more ``ssui sync`` runs, and the
ground truth is read: every write attempt is checked against the sandbox's database (read
only) the moment its outcome is known, every event the sandbox made against what each
consumer was handed, and every record of every mirrored entity against a clean client's read.

Prints a table of counts that must all be 0; exits 0 when they are, else 1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FAULTS = "error=0.2,drop=0.05,latency=200ms,ratelimit=0.1"
ACCOUNT_ID = "SANDBOX"
SECRET = "sandbox-secret"
ACTIVITY_SOURCES = ("emailOpened", "pageVisit", "formSubmit")
# Record watches: (entity, the event kind they make).
RECORD_WATCHES = (("lead", "lead_created"), ("account", "account_created"),
                  ("opportunity", "opportunity_created"))
START = time.monotonic()


def say(text: str) -> None:
    print(f"[{time.monotonic() - START:6.1f}s] {text}", flush=True)


# -- processes ------------------------------------------------------------------------------


def ssui_command() -> list[str]:
    exe = Path(sys.executable).with_name("ssui")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "ssui"]


@dataclass
class Proc:
    """A child process with its output in files."""

    name: str
    popen: subprocess.Popen[bytes]
    out: Path
    err: Path

    def text(self) -> str:
        return self.out.read_text(errors="replace") if self.out.exists() else ""

    def err_text(self) -> str:
        return self.err.read_text(errors="replace") if self.err.exists() else ""


def spawn(name: str, cmd: list[str], work: Path, env: dict[str, str]) -> Proc:
    out, err = work / f"{name}.out", work / f"{name}.err"
    with open(out, "wb") as o, open(err, "wb") as e:
        popen = subprocess.Popen(cmd, stdout=o, stderr=e, env=env, cwd=work,
                                 start_new_session=True)
    return Proc(name, popen, out, err)


async def wait_for_line(proc: Proc, pattern: str, timeout: float) -> re.Match[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        m = re.search(pattern, proc.text())
        if m:
            return m
        if proc.popen.poll() is not None:
            break
        await asyncio.sleep(0.1)
    raise RuntimeError(f"{proc.name} did not start: {proc.err_text()[-2000:]}")


async def stop(proc: Proc, sig: int = signal.SIGINT, timeout: float = 20.0) -> int:
    if proc.popen.poll() is None:
        proc.popen.send_signal(sig)
    deadline = time.monotonic() + timeout
    while proc.popen.poll() is None and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    if proc.popen.poll() is None:
        # Still running: SIGABRT makes Python's fault handler (PYTHONFAULTHANDLER, set for
        # every child) write where each thread is to its stderr, for the report.
        proc.popen.send_signal(signal.SIGABRT)
        await asyncio.sleep(2)
    if proc.popen.poll() is None:
        proc.popen.kill()
    return proc.popen.wait()


def crashed(stderr: str) -> bool:
    """A traceback, or the CLI's "internal error" line: anything but a clean, reported failure."""
    return "Traceback (most recent call last)" in stderr or "internal error" in stderr


# -- ground truth: the sandbox's own database, read only ----------------------------------


class Truth:
    def __init__(self, db: Path) -> None:
        self.db = db

    def rows(self, sql: str, args: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        for attempt in range(50):
            con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10)
            try:
                return con.execute(sql, tuple(args)).fetchall()
            except sqlite3.OperationalError:
                if attempt == 49:
                    raise
                time.sleep(0.05)
            finally:
                con.close()
        raise AssertionError("unreachable")

    def one(self, sql: str, args: Iterable[Any] = ()) -> Any:
        rows = self.rows(sql, args)
        return rows[0][0] if rows else None

    def title(self, lead_id: int) -> Any:
        return self.one("SELECT title FROM lead WHERE id = ?", (lead_id,))

    def lead_exists(self, lead_id: int) -> bool:
        return bool(self.one("SELECT count(*) FROM lead WHERE id = ?", (lead_id,)) == 1)

    def email_count(self, email: str) -> int:
        return int(self.one("SELECT count(*) FROM lead WHERE emailAddress = ? COLLATE NOCASE",
                            (email,)))

    def max_event_id(self) -> int:
        return int(self.one("SELECT COALESCE(MAX(id), 0) FROM event"))

    def ids(self, table: str) -> set[int]:
        return {int(r[0]) for r in self.rows(f'SELECT id FROM "{table}"')}


# -- the writes and what they reported ----------------------------------------------------


@dataclass
class Attempt:
    op: str  # edit | create | delete
    intent: int
    n: int
    record_id: int | None
    value: str  # the title sent (edit), the email (create)
    reported: str = ""  # applied | failed | unknown | crash
    resolved: str | None = None  # for unknown: applied | not_applied | None (unresolved)
    truth: bool | None = None  # the server holds this attempt's effect
    error: str = ""

    @property
    def claim(self) -> str | None:
        return self.resolved if self.reported == "unknown" else self.reported

    @property
    def misreported(self) -> bool:
        claim = self.claim
        if claim not in ("applied", "failed", "not_applied") or self.truth is None:
            return False
        return (claim == "applied") != self.truth


@dataclass
class Ledger:
    attempts: list[Attempt] = field(default_factory=list)
    crashes: list[str] = field(default_factory=list)
    done: Counter[str] = field(default_factory=Counter)

    def crash(self, what: str) -> None:
        self.crashes.append(what)
        say(f"CRASH: {what[:300]}")


class Writer:
    """The writes, through the mirror exactly as the app makes them."""

    def __init__(self, mirror: Any, truth: Truth, ledger: Ledger, run: str) -> None:
        self.mirror = mirror
        self.truth = truth
        self.ledger = ledger
        self.run = run

    async def _resolve(self, check: Callable[[], Awaitable[bool]]) -> str | None:
        """Resolve an unknown outcome with the app's read; None when every read failed."""
        from ssui.api.errors import SharpSpringError

        for attempt in range(12):
            try:
                return "applied" if await check() else "not_applied"
            except SharpSpringError:
                await asyncio.sleep(min(0.5 * 2 ** attempt, 5.0))
        return None

    async def _attempt(self, a: Attempt, send: Callable[[], Awaitable[tuple[bool, str]]],
                       check: Callable[[], Awaitable[bool]],
                       truth: Callable[[], bool]) -> Attempt:
        from ssui.api.errors import OutcomeUnknownError, SharpSpringError

        self.ledger.attempts.append(a)
        try:
            ok, why = await send()
            a.reported, a.error = ("applied" if ok else "failed"), why
        except OutcomeUnknownError as exc:
            a.reported, a.error = "unknown", str(exc)[:200]
            a.resolved = await self._resolve(check)
        except SharpSpringError as exc:
            a.reported, a.error = "failed", f"{type(exc).__name__}: {exc}"[:200]
        except Exception as exc:
            a.reported, a.error = "crash", f"{type(exc).__name__}: {exc}"
            self.ledger.crash(f"{a.op} #{a.intent}.{a.n}: {a.error}")
        a.truth = truth()
        if a.misreported:
            say(f"MISREPORTED {a}")
        return a

    def _title_is(self, lead_id: int, value: str) -> bool:
        return bool(self.truth.title(lead_id) == value)

    def _more_of(self, email: str, before: int) -> bool:
        return self.truth.email_count(email) > before

    async def edit(self, intent: int, lead_id: int) -> None:
        from ssui.mirror.account import same_value

        for n in range(1, 7):
            value = f"Soak {self.run} edit {intent}.{n}"
            original = self.mirror.store.get("lead", lead_id) or {"id": lead_id}

            async def send(value: str = value, original: dict[str, Any] = original
                           ) -> tuple[bool, str]:
                out = await self.mirror.update("lead", lead_id, {"title": value},
                                               original=original)
                return out.success, "" if out.error is None else (
                    f"{type(out.error).__name__}: {out.error}")

            async def check(value: str = value) -> bool:
                current = await self.mirror.sync.refresh_record("lead", lead_id)
                return current is not None and same_value(current.get("title"), value)

            a = await self._attempt(Attempt("edit", intent, n, lead_id, value), send, check,
                                    partial(self._title_is, lead_id, value))
            if a.claim == "applied":
                break
            await asyncio.sleep(0.5)
        self.ledger.done["edit"] += 1

    async def create(self, intent: int) -> None:
        email = f"soak-{self.run}-{intent}@soak.example"
        values = {"emailAddress": email, "firstName": "Soak", "lastName": f"Create {intent}",
                  "title": f"Soak {self.run} create {intent}", "companyName": "Soak Test"}
        for n in range(1, 7):
            before = self.truth.email_count(email)

            async def send() -> tuple[bool, str]:
                (out,) = await self.mirror.create("lead", [values])
                return out.success, "" if out.error is None else (
                    f"{type(out.error).__name__}: {out.error}")

            async def check() -> bool:
                return await self.mirror.find_created("lead", values) is not None

            a = await self._attempt(Attempt("create", intent, n, None, email), send, check,
                                    partial(self._more_of, email, before))
            if a.claim == "applied":
                break
            await asyncio.sleep(0.5)
        self.ledger.done["create"] += 1

    async def delete(self, intent: int, lead_id: int) -> None:
        for n in range(1, 7):
            async def send() -> tuple[bool, str]:
                (out,) = await self.mirror.delete("lead", [lead_id])
                return out.success, "" if out.error is None else (
                    f"{type(out.error).__name__}: {out.error}")

            async def check() -> bool:
                return await self.mirror.sync.refresh_record("lead", lead_id) is None

            a = await self._attempt(Attempt("delete", intent, n, lead_id, str(lead_id)), send,
                                    check, lambda: not self.truth.lead_exists(lead_id))
            if a.claim == "applied":
                break
            await asyncio.sleep(0.5)
        self.ledger.done["delete"] += 1


# -- the soak -------------------------------------------------------------------------------


@dataclass
class Soak:
    args: argparse.Namespace
    work: Path
    env: dict[str, str]
    ledger: Ledger = field(default_factory=Ledger)
    procs: list[Proc] = field(default_factory=list)
    sync_runs: list[tuple[str, int, bool]] = field(default_factory=list)  # (name, rc, crashed)
    kills: list[str] = field(default_factory=list)
    sync_seconds: list[float] = field(default_factory=list)
    resumed: str = ""
    store: Any = None
    watch_runs: list[Proc] = field(default_factory=list)
    delivered: list[str] = field(default_factory=list)
    sandbox: Proc | None = None
    proxy: Proc | None = None
    sandbox_port: int = 0

    def start_sandbox(self, name: str, faults: str, activity: float,
                      port: int = 0) -> Proc:
        a = self.args
        cmd = [*ssui_command(), "sandbox", "serve", "--db", str(self.work / "sandbox.db"),
               "--leads", str(a.leads), "--seed", str(a.seed), "--activity", str(activity),
               "--faults", faults, "--port", str(port)]
        proc = spawn(name, cmd, self.work, self.env)
        self.procs.append(proc)
        return proc

    async def main(self) -> int:
        a = self.args
        run = f"{int(time.time()) % 100000}"
        truth = Truth(self.work / "sandbox.db")

        # -- the faulty sandbox and the lossy proxy --
        self.sandbox = self.start_sandbox("sandbox-faulty", a.faults, a.activity)
        m = await wait_for_line(self.sandbox, r"http://127\.0\.0\.1:(\d+)/pubapi", 120)
        self.sandbox_port = int(m.group(1))
        self.proxy = spawn("proxy", [sys.executable, str(HERE / "soak_proxy.py"),
                                     "--upstream", f"127.0.0.1:{self.sandbox_port}",
                                     "--drop", str(a.proxy_drop), "--seed", str(a.seed),
                                     "--log", str(self.work / "proxy.jsonl")],
                           self.work, self.env)
        self.procs.append(self.proxy)
        pm = await wait_for_line(self.proxy, r"PORT (\d+)", 30)
        proxy_url = f"http://127.0.0.1:{pm.group(1)}/pubapi"
        self.env["SHARPSPRING_BASE_URL"] = os.environ["SHARPSPRING_BASE_URL"] = proxy_url
        say(f"sandbox on :{self.sandbox_port} (faults {a.faults}, activity {a.activity}/s),"
            f" proxy on :{pm.group(1)} (loses {a.proxy_drop:.0%} of answers); work dir"
            f" {self.work}")

        from ssui.config import resolve_connection
        from ssui.mirror.event_log import EventReader
        from ssui.mirror.watch import STREAM_KINDS
        from ssui.session import AccountSession

        connection = resolve_connection(None)
        session = AccountSession.open(connection, consumer="soak")
        mirror = session.mirror
        assert mirror is not None
        store = self.store = session.store
        mirror.on_batch(lambda batch: self.delivered.extend(e.key for e in batch.events))

        # -- the first full sync, through every fault --
        # Records on the server before it (inactive leads too, which the lists hide): no news.
        before_sync = {k: truth.ids(k) for k, _ in RECORD_WATCHES}
        t = time.monotonic()
        troubles: list[str] = []
        mirror.on_trouble(lambda tr: troubles.append(tr.text))
        await mirror.ensure_synced()
        say(f"first full sync done in {time.monotonic() - t:.1f} s"
            f" ({store.count_all('lead')} leads; {len(troubles)} retries on the way)")
        base_ids = {k: store.ids(k) | before_sync[k] for k, _ in RECORD_WATCHES}

        # -- the first activity poll imports history (not news); what it stored is known --
        ev_base = truth.max_event_id()
        for _ in range(60):
            try:
                await mirror.poll_once("activity")
                break
            except Exception as exc:
                say(f"first activity poll: {type(exc).__name__}; again")
                await asyncio.sleep(1)
        imported = {e.key for e in store.events(after=0, limit=1_000_000)}
        say(f"activity history imported: {len(imported)} events")

        # -- `ssui watch` reads the log from here on --
        watch_reader = EventReader(store, "watch")
        watch_reader.rewind(watch_reader.cursor)
        watch_from = watch_reader.cursor
        self.start_watch(1)

        # -- this process's watches, for the whole run --
        mirror.watch_only(tuple(STREAM_KINDS), quota_share=a.quota_share)
        runner = asyncio.create_task(mirror.run())

        # -- the run: writes, a second sync process, one kill -9 of each --
        faulty = max(60.0, a.minutes * 60 - 45)
        t0 = time.monotonic()
        stop_syncs = asyncio.Event()
        syncer = asyncio.create_task(self.sync_loop(stop_syncs, faulty))
        writer = Writer(mirror, truth, self.ledger, run)
        writes = asyncio.create_task(self.writes(writer, store, faulty))
        killer = asyncio.create_task(self.kill_watch(faulty * 0.5))
        reporter = asyncio.create_task(self.report(t0, faulty))
        while time.monotonic() - t0 < faulty:
            await asyncio.sleep(0.5)
            if runner.done():
                self.ledger.crash(f"the mirror's scheduler ended: {runner.exception()!r}")
                runner = asyncio.create_task(mirror.run())
        say("faulty phase over; waiting for the writes and the sync in progress")
        stop_syncs.set()
        await killer
        try:
            await asyncio.wait_for(asyncio.shield(writes), timeout=120)
        except TimeoutError:
            say("the writes did not finish within 2 minutes of the end")
        await syncer

        # -- faults off: the proxy loses nothing; the sandbox restarts clean, no activity --
        assert self.proxy is not None and self.sandbox is not None
        self.proxy.popen.send_signal(signal.SIGUSR1)
        rc = await stop(self.sandbox)
        say(f"faulty sandbox stopped (exit {rc}); restarting it without faults or activity")
        self.sandbox = self.start_sandbox("sandbox-clean", "", 0, self.sandbox_port)
        await wait_for_line(self.sandbox, r"http://127\.0\.0\.1:(\d+)/pubapi", 60)

        # Unknown outcomes still unresolved are resolved now, faults off.
        for at in self.ledger.attempts:
            if at.reported == "unknown" and at.resolved is None:
                say(f"unresolved during the run: {at.op} #{at.intent}.{at.n}")

        # -- the final incremental sync (the CLI's), then this process's streams once --
        await self.run_sync("sync-final", [])
        reporter.cancel()
        runner.cancel()
        await asyncio.gather(runner, reporter, return_exceptions=True)
        await mirror.scheduler.stop()
        for _ in range(5):
            try:
                await mirror.poll_once()
                break
            except Exception as exc:
                say(f"final poll: {type(exc).__name__}: {exc}; again")
                await asyncio.sleep(1)
        mirror.deliver()
        # What is in the log now is everything; let `ssui watch` hand it out, then stop it.
        log_events = store.events(after=0, limit=1_000_000)
        log_seq = {e.key: e.seq or 0 for e in log_events}
        wanted_watch = {k for k, s in log_seq.items() if s > watch_from}
        await self.drain_watch(wanted_watch)

        # -- ground truth, and the counts --
        return await self.verify(session, truth, run, ev_base, imported, base_ids, log_seq,
                                 watch_from)

    # -- pieces of the run -----------------------------------------------------------------

    def start_watch(self, n: int) -> Proc:
        proc = spawn(f"watch-{n}", [*ssui_command(), "watch", "--jsonl", "--quota-share", "0.9"],
                     self.work, self.env)
        self.procs.append(proc)
        self.watch_runs.append(proc)
        say(f"`ssui watch --jsonl` #{n} started (pid {proc.popen.pid})")
        return proc

    async def kill_watch(self, after: float) -> None:
        await asyncio.sleep(after)
        proc = self.watch_runs[-1]
        lines = len(proc.text().splitlines())
        if proc.popen.poll() is not None:
            self.ledger.crash(f"ssui watch ended early (exit {proc.popen.returncode}):"
                              f" {proc.err_text()[-500:]}")
        os.kill(proc.popen.pid, signal.SIGKILL)
        proc.popen.wait()
        self.kills.append(f"ssui watch after {lines} events")
        say(f"kill -9 `ssui watch` #{len(self.watch_runs)} after {lines} events; restarting")
        await asyncio.sleep(2)
        self.start_watch(len(self.watch_runs) + 1)

    async def run_sync(self, name: str, flags: list[str],
                       kill_when: Callable[[], bool] | None = None) -> int:
        proc = spawn(name, [*ssui_command(), "sync", *flags], self.work, self.env)
        self.procs.append(proc)
        t = time.monotonic()
        while proc.popen.poll() is None:
            await asyncio.sleep(0.05)
            if kill_when is not None and kill_when():
                os.kill(proc.popen.pid, signal.SIGKILL)
                proc.popen.wait()
                self.kills.append(f"ssui sync {' '.join(flags)} mid-copy of the leads")
                say(f"kill -9 `ssui sync {' '.join(flags)}` mid-copy: "
                    f"{proc.err_text().strip().splitlines()[-1:] or ['(no output yet)']}")
                return -9
        rc = proc.popen.returncode
        err = proc.err_text()
        if name != "sync-full-killed" and self.kills and not self.resumed and rc == 0:
            # The first sync to succeed after the kill -9 of a --full resumes its copy.
            self.resumed = proc.text().strip()[:200]
            say(f"after the kill -9: {self.resumed}")
        self.sync_seconds.append(time.monotonic() - t)
        bad = crashed(err) or rc not in (0, 1)
        self.sync_runs.append((name, rc, bad))
        if bad:
            self.ledger.crash(f"{name} exit {rc}: {err[-1500:]}")
        elif rc:
            say(f"{name}: failed cleanly ({err.strip().splitlines()[-1:]})")
        return rc

    async def sync_loop(self, stop_event: asyncio.Event, faulty: float) -> None:
        """A second sync process: `ssui sync --full` killed mid-copy, then `ssui sync`s."""
        await asyncio.sleep(3)
        def mid_leads() -> bool:
            # Some pages of the leads copied again, not all: the copy is half done.
            state = self.store.get_meta("sync:lead") or {}
            return not state.get("full_done") and int(state.get("offset", 0)) > 0

        if await self.run_sync("sync-full-killed", ["--full"], kill_when=mid_leads) != -9:
            say("the --full sync finished before it could be killed mid-copy")
        n = 0
        while not stop_event.is_set():
            n += 1
            await self.run_sync(f"sync-{n}", [])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop_event.wait(), timeout=faulty / 12)
        say(f"second sync process: {len(self.sync_runs)} runs, exit codes "
            f"{dict(Counter(rc for _, rc, _ in self.sync_runs))}, longest"
            f" {max(self.sync_seconds, default=0):.1f} s (waits for the lock included)")

    async def writes(self, writer: Writer, store: Any, faulty: float) -> None:
        a = self.args
        rng = random.Random(f"soak:{a.seed}")
        active = sorted(i for i, r in store.get_many("lead", store.ids("lead")).items()
                        if r.get("active") is not False)
        targets = rng.sample(active, a.edits + a.deletes)
        ops: list[Callable[[], Awaitable[None]]] = []
        ops += [partial(writer.edit, i, lid) for i, lid in enumerate(targets[: a.edits])]
        ops += [partial(writer.create, i) for i in range(a.creates)]
        ops += [partial(writer.delete, i, lid) for i, lid in enumerate(targets[a.edits:])]
        rng.shuffle(ops)
        queue: asyncio.Queue[Callable[[], Awaitable[None]]] = asyncio.Queue()
        for op in ops:
            queue.put_nowait(op)
        # Two writers (a person and a script, say), paced to spread over most of the run.
        pace = faulty * 0.8 / max(1, len(ops)) * 2

        async def worker() -> None:
            while not queue.empty():
                op = queue.get_nowait()
                t = time.monotonic()
                try:
                    await op()
                except Exception as exc:
                    self.ledger.crash(f"write worker: {type(exc).__name__}: {exc}")
                await asyncio.sleep(max(0.0, pace - (time.monotonic() - t)))

        await asyncio.sleep(2)
        await asyncio.gather(worker(), worker())
        say(f"writes done: {dict(self.ledger.done)}")

    async def report(self, t0: float, faulty: float) -> None:
        while True:
            await asyncio.sleep(20)
            at = self.ledger.attempts
            outcomes = Counter(a.reported for a in at)
            watched = sum(len(p.text().splitlines()) for p in self.watch_runs)
            say(f"{time.monotonic() - t0:5.0f}/{faulty:.0f} s: writes {dict(self.ledger.done)}"
                f" attempts {dict(outcomes)}; events delivered here {len(self.delivered)},"
                f" to ssui watch {watched}; syncs {len(self.sync_runs)};"
                f" crashes {len(self.ledger.crashes)}")

    async def drain_watch(self, wanted: set[str], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        proc = self.watch_runs[-1]
        while time.monotonic() < deadline:
            got = set(watch_keys(self.watch_runs)[0])
            if wanted <= got:
                break
            await asyncio.sleep(1)
        rc = await stop(proc)
        err = proc.err_text()
        if crashed(err) or rc not in (0, 130, -signal.SIGINT):
            self.ledger.crash(f"ssui watch exit {rc}: {err[-4000:]}")

    # -- the verdict -----------------------------------------------------------------------

    async def verify(self, session: Any, truth: Truth, run: str, ev_base: int,
                     imported: set[str], base_ids: dict[str, set[int]],
                     log_seq: dict[str, int], watch_from: int) -> int:
        from ssui.api import SharpSpringClient

        at = self.ledger.attempts
        # Writes.
        soak_ids = {int(r[0]) for r in truth.rows(
            "SELECT id FROM lead WHERE emailAddress LIKE ?", (f"soak-{run}-%",))}
        dup_rows = truth.rows("SELECT emailAddress, count(*) FROM lead GROUP BY emailAddress"
                              " COLLATE NOCASE HAVING count(*) > 1")
        duplicates = sum(int(n) - 1 for _, n in dup_rows)
        misreported = [x for x in at if x.misreported]
        unresolved = [x for x in at if x.reported == "unknown" and x.resolved is None]
        lost_edits = []
        by_intent: dict[tuple[str, int], list[Attempt]] = {}
        for x in at:
            by_intent.setdefault((x.op, x.intent), []).append(x)
        for (op, _), xs in by_intent.items():
            applied = [x for x in xs if x.claim == "applied"]
            if op == "edit" and applied:
                last = applied[-1]
                assert last.record_id is not None
                if truth.title(last.record_id) != last.value:
                    lost_edits.append(last)
            if op == "create" and applied and truth.email_count(applied[-1].value) == 0:
                misreported.append(applied[-1])
            if op == "delete" and applied and truth.lead_exists(xs[0].record_id or 0):
                misreported.append(applied[-1])

        # Events: what the sandbox made during the run, against the log and each consumer.
        expected = {f"event:{i}" for (i,) in truth.rows(
            f"SELECT id FROM event WHERE id > ? AND eventSource IN"
            f" ({','.join('?' for _ in ACTIVITY_SOURCES)})", (ev_base, *ACTIVITY_SOURCES))}
        expected -= imported
        for key, kind in RECORD_WATCHES:
            new = truth.ids(key) - base_ids[key] - (soak_ids if key == "lead" else set())
            expected |= {f"{kind}:{i}" for i in new}
        mine = {f"lead_created:{i}" for i in soak_ids}  # the soak's creates: not news
        in_log = set(log_seq)
        lost_log = expected - in_log
        here = [k for k in self.delivered if k not in mine]
        watch_list, partial = watch_keys(self.watch_runs)
        watched = [k for k in watch_list if k not in mine]
        want_here = expected & in_log
        want_watch = {k for k in expected & in_log if log_seq[k] > watch_from}
        lost_here = want_here - set(here)
        lost_watch = want_watch - set(watched)
        dup_here = len(here) - len(set(here))
        dup_watch = len(watched) - len(set(watched))
        extra = (set(here) | set(watched)) - expected
        say(f"events: {len(expected)} made by the sandbox's activity; log holds"
            f" {len(expected & in_log)}; delivered here {len(set(here))}"
            f" (lost {len(lost_here)}, twice {dup_here}), to ssui watch {len(set(watched))}"
            f" of {len(want_watch)} (lost {len(lost_watch)}, twice {dup_watch},"
            f" {partial} partial lines); not made by the activity: {len(extra)}")
        for label, keys in (("lost from the log", lost_log), ("lost here", lost_here),
                            ("lost by ssui watch", lost_watch), ("unexpected", extra)):
            if keys:
                say(f"  {label}: {sorted(keys)[:10]}")

        # The mirror, record by record, against a clean client straight to the sandbox.
        client = SharpSpringClient(ACCOUNT_ID, SECRET,
                                   base_url=f"http://127.0.0.1:{self.sandbox_port}/pubapi")
        try:
            diffs = await compare_mirror(client, session.store)
        finally:
            await client.aclose()
            await session.aclose()
        say(f"mirror differences: {len(diffs)}")
        for d in diffs[:10]:
            say(f"  {d}")

        outcomes = Counter(x.reported for x in at)
        resolved = Counter(x.resolved for x in at if x.reported == "unknown")
        say(f"write attempts: {len(at)} ({dict(outcomes)}); unknown resolved as"
            f" {dict(resolved)}; intents {dict(self.ledger.done)}")
        not_done = [k for k, xs in by_intent.items() if not any(x.claim == "applied"
                                                                  for x in xs)]
        if not_done:
            say(f"intents never applied after 6 attempts: {not_done}")
        for x in misreported[:10]:
            say(f"  misreported: {x}")
        proxy_totals = proxy_stats(self.work / "proxy.jsonl")
        say(f"proxy: {proxy_totals}")
        say(f"kill -9: {self.kills}")
        sandbox_errors = sum(crashed(p.err_text()) or "sandbox method failed" in p.err_text()
                             for p in self.procs if p.name.startswith("sandbox"))
        if sandbox_errors:
            self.ledger.crash("the sandbox logged an error (see sandbox-*.err)")

        table = [
            ("crashes", len(self.ledger.crashes)),
            ("edits lost", len(lost_edits)),
            ("duplicate creates", duplicates),
            ("writes misreported", len(misreported)),
            ("events lost", len(lost_log) + len(lost_here) + len(lost_watch)),
            ("events duplicated", dup_here + dup_watch),
            ("mirror differences", len(diffs)),
        ]
        info = [
            ("unknown outcomes left unresolved", len(unresolved)),
            ("events not made by the activity", len(extra)),
        ]
        print()
        print("| check | count |")
        print("|---|---:|")
        for name, n in table:
            print(f"| {name} | {n} |")
        print()
        print("(not counted above) " + "; ".join(f"{n}: {c}" for n, c in info))
        print(f"write attempts {len(at)}: {dict(outcomes)}, unknown resolved {dict(resolved)};"
              f" events {len(expected)}; proxy lost {proxy_totals.get('dropped', '?')} answers;"
              f" sync runs {len(self.sync_runs)}; kill -9 {len(self.kills)}")
        return 0 if all(n == 0 for _, n in table) else 1


def watch_keys(runs: list[Proc]) -> tuple[list[str], int]:
    """The event keys `ssui watch --jsonl` printed, every run in order; and partial lines."""
    keys: list[str] = []
    partial = 0
    for proc in runs:
        for line in proc.text().splitlines():
            try:
                ev = json.loads(line)
            except ValueError:
                partial += 1
                continue
            if ev.get("entity") == "event":
                keys.append(f"event:{ev['record_id']}")
            else:
                keys.append(f"{ev['kind']}:{ev['record_id']}")
    return keys, partial


def proxy_stats(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    for line in reversed(path.read_text().splitlines()):
        with contextlib.suppress(ValueError):
            rec = json.loads(line)
            if "totals" in rec:
                return dict(rec["totals"])
    lost = sum(1 for line in path.read_text().splitlines() if '"lost"' in line)
    return {"dropped": lost}


async def compare_mirror(client: Any, store: Any) -> list[str]:
    """Every record of every mirrored entity, field by field: mirror against server."""
    from ssui.mirror import MIRRORED
    from ssui.mirror.account import same_value

    await client.load_custom_fields()
    diffs: list[str] = []
    for key in MIRRORED:
        server: dict[int, dict[str, Any]] = {}
        offset = 0
        while True:
            page = await client.page(key, offset)
            server.update({r["id"]: r for r in page if isinstance(r.get("id"), int)})
            offset += len(page)
            if len(page) < 500:
                break
        mine = store.get_many(key, store.ids(key))
        hidden = sorted(set(mine) - set(server))
        for i in range(0, len(hidden), 500):  # inactive leads: the lists hide them
            with contextlib.suppress(Exception):
                found = await client.page(key, where={"id": hidden[i:i + 500]})
                server.update({r["id"]: r for r in found if isinstance(r.get("id"), int)})
        for rid in sorted(set(server) | set(mine)):
            s, m = server.get(rid), mine.get(rid)
            if s is None:
                diffs.append(f"{key} #{rid}: in the mirror, not on the server")
                continue
            if m is None:
                diffs.append(f"{key} #{rid}: on the server, not in the mirror")
                continue
            for name in sorted(set(s) | set(m)):
                if not same_value(s.get(name), m.get(name)):
                    diffs.append(f"{key} #{rid}.{name}: mirror {m.get(name)!r},"
                                 f" server {s.get(name)!r}")
    return diffs


def main() -> int:
    parser = argparse.ArgumentParser(description="ssui soak test (about 5 minutes)")
    parser.add_argument("--minutes", type=float, default=5.0,
                        help="about how long the whole soak takes (default 5)")
    parser.add_argument("--leads", type=int, default=2000, help="leads seeded (default 2000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--activity", type=float, default=1.0,
                        help="sandbox activity per second during the run (default 1)")
    parser.add_argument("--faults", default=FAULTS, help=f"sandbox faults (default {FAULTS})")
    parser.add_argument("--proxy-drop", type=float, default=0.1,
                        help="share of answers the proxy loses after the server gave them")
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--creates", type=int, default=20)
    parser.add_argument("--deletes", type=int, default=10)
    parser.add_argument("--quota-share", type=float, default=3.0,
                        help="this process's polling budget, a share of the daily quota"
                             " (default 3.0: about 1.7 calls a second, so five minutes see"
                             " many polls)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ssui-soak-"))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SSUI_", "SHARPSPRING_"))}
    env.update(SSUI_DATA_DIR=str(work / "data"), SSUI_CONFIG_DIR=str(work / "config"),
               SHARPSPRING_ACCOUNT_ID=ACCOUNT_ID, SHARPSPRING_SECRET_KEY=SECRET,
               SSUI_DEBUG="1", PYTHONUNBUFFERED="1", PYTHONFAULTHANDLER="1")
    for k in [k for k in os.environ if k.startswith(("SSUI_", "SHARPSPRING_"))]:
        del os.environ[k]
    os.environ.update({k: v for k, v in env.items() if k.startswith(("SSUI_", "SHARPSPRING_"))})
    soak = Soak(args, work, env)
    started = time.monotonic()
    # Stopped by SIGTERM (a `timeout`, say): still stop the children, in the `finally` below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    # Started in the background by a script (`soak.py &`), this process ignores Ctrl-C, and so
    # would every child: then the SIGINT that stops `ssui watch` and the sandbox does nothing.
    # A handler here is reset to the default in each child, which then stops on SIGINT.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        status = asyncio.run(soak.main())
    finally:
        for proc in soak.procs:
            if proc.popen.poll() is None:
                proc.popen.send_signal(signal.SIGTERM if proc.name == "proxy"
                                       else signal.SIGINT)
        for proc in soak.procs:
            try:
                proc.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.popen.kill()
        print(f"wall time {time.monotonic() - started:.0f} s")
        if args.keep:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())

