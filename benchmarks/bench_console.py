"""How fast the request console (the Console tab, key 6) is: a big answer, and a long history.

Run:  python benchmarks/bench_console.py [--runs 10] [--leads 500] [--entries 10000]

- tree paint: the real app over a sandbox on a loopback port (``--leads`` leads); getLeads
  with limit 500 sent from the console (F5) ``--runs`` times: from the answer's bytes being in
  (the client's ``request_raw`` returned) to the first frame showing it as a tree (target: at
  most 200 ms), and its parts: decode + parse, the view building the tree, then the frame;
- history search: ``--entries`` requests in the connection's history (a temporary data
  directory), the history screen (F4) on them, a search typed letter by letter 60-150 ms apart
  and taken back: from each key to the frame whose list holds its matches (target: at most
  50 ms a keystroke), and the full garbage collections that fell in that time.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import math
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pydantic import SecretStr
from textual.pilot import Pilot

from benchmarks.bench_tui import TYPING_GAP, Frames, ms, press_and_time, wait_for, watch_frames
from ssui.api import SharpSpringClient
from ssui.config import Connection
from ssui.console import ConsoleRequest, History, HistoryEntry, Mode, SavedRequests
from ssui.sandbox import SandboxConfig, SandboxServer
from ssui.session import AccountSession
from ssui.tui.app import SsuiApp
from ssui.tui.console.history_screen import HistoryScreen
from ssui.tui.console.panel import ConsolePanel
from ssui.tui.sample import SampleSize, sample_store
from ssui.tui.screens.main import MainScreen
from ssui.tui.testing import settle

SCREEN = (160, 50)
SEARCH = "update jane 200"
NAMES = ("jane", "ada", "eric", "li", "omar", "sofia", "ken", "maria", "tom", "zoe")
KINDS = (  # method, params (name, Name and n filled in), the outcome the history keeps
    ("getLeads", '{{"where": {{"emailAddress": "{name}{n}@example.com"}}}}', "lead: 1 item"),
    ("getAccounts", '{{"where": {{}}, "limit": 50, "offset": {n}}}', "account: 50 items"),
    ("updateLeads", '{{"objects": [{{"id": {n}, "firstName": "{Name}"}}]}}', "updates: 1 item"),
    ("createLeads", '{{"objects": [{{"emailAddress": "{name}{n}@mail.org"}}]}}', "creates: 1 item"),
    ("getOpportunities", '{{"where": {{"ownerID": {n}}}}}', "opportunity: 12 items"),
    ("getLead", '{{"id": {n}}}', "lead: 1 item · hasMore: false"),
    ("deleteLeads", '{{"objects": [{{"id": {n}}}]}}', "error 301: Entity not found"),
)


class Marks:
    """When the last answer's bytes came in, reached the response view, and left it built."""

    arrived = given = built = 0.0


def session_on(server: SandboxServer, name: str) -> AccountSession:
    connection = Connection(name=name, account_id=server.account_id,
                            secret_key=SecretStr(server.secret_key), base_url=server.base_url)
    client = SharpSpringClient(server.account_id, server.secret_key, base_url=server.base_url)
    store = sample_store(SampleSize(leads=200, accounts=20, opportunities=40))
    return AccountSession(name, store, connection=connection, client=client)


async def open_console(pilot: Pilot[Any]) -> ConsolePanel:
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    return screen.console


def instrument(panel: ConsolePanel, marks: Marks) -> None:
    """Note the moments of ``marks``: wrap the client's ``request_raw`` and the view's ``show``."""
    client = panel.session.client
    assert client is not None
    request_raw, show = client.request_raw, panel.response.show

    async def timed_request(*args: Any, **kw: Any) -> Any:
        response = await request_raw(*args, **kw)
        marks.arrived = time.perf_counter()
        return response

    def timed_show(exchange: Any) -> Any:
        marks.given = time.perf_counter()
        summary = show(exchange)
        marks.built = time.perf_counter()
        return summary

    client.request_raw = timed_request  # type: ignore[method-assign]
    panel.response.show = timed_show  # type: ignore[method-assign]


async def bench_tree(server: SandboxServer, runs: int) -> dict[str, Any]:
    app = SsuiApp(session_on(server, "bench-tree"))
    frames, marks = Frames(), Marks()
    out: dict[str, Any] = {"times": [], "size": 0}
    async with app.run_test(size=SCREEN) as pilot:
        panel = await open_console(pilot)
        instrument(panel, marks)
        watch_frames(app, frames)
        panel.load(ConsoleRequest(Mode.API, "getLeads", '{"where": {}, "limit": 500}'))
        await settle(pilot)
        for _ in range(runs):
            sent = time.perf_counter()
            frames.probe = lambda: marks.built > marks.arrived > sent  # noqa: B023
            await pilot.press("f5")
            await wait_for(lambda: frames.first_after(sent) is not None)  # noqa: B023
            painted = frames.first_after(sent) or 0.0
            out["times"].append((painted - marks.arrived, marks.given - marks.arrived,
                                 marks.built - marks.given, painted - marks.built))
            exchange = panel.exchange
            assert exchange is not None and exchange.status == 200, exchange
            out["size"] = exchange.size
            frames.probe = lambda: True
            await settle(pilot)
            await asyncio.sleep(0.25)  # a person's pace: the last answer's frames are all in
        result = next(n for n in panel.response.json_tree.root.children
                      if str(n.label) == "result {1}")
        out["nodes"] = len(result.children[0].children) - 1  # and "… more"
    return out


def entry(i: int, start: datetime) -> HistoryEntry:
    """The i-th of a varied, made-up history: lists, gets, writes, errors and raw requests."""
    name, n = NAMES[i % len(NAMES)], i * 7 + 1
    at, took, size = start + timedelta(seconds=37 * i), 20.0 + i % 300, 300 + i % 5000
    if i % 11 == 0:
        raw = ConsoleRequest(Mode.RAW, http_method="GET", path="v1.2/", query=f"id={n}")
        return HistoryEntry(at, raw, 405, took, 120, "", "app")
    method, params, outcome = KINDS[i % len(KINDS)]
    outcome += " · 1 of 1 failed" if method == "createLeads" and i % 9 == 0 else ""
    request = ConsoleRequest(Mode.API, method, params.format(name=name, Name=name.title(), n=n))
    return HistoryEntry(at, request, 200, took, size, outcome, "call" if i % 13 == 0 else "app")


class TimedHistory(HistoryScreen):
    """The history screen, noting which search its list was last filled for, and how long."""

    def __init__(self, history: History, saved: SavedRequests) -> None:
        super().__init__(history, saved)
        self.filled: str | None = None
        self.took: list[float] = []

    def fill(self, text: str) -> None:
        t = time.perf_counter()
        super().fill(text)
        self.filled = text
        self.took.append(time.perf_counter() - t)

    def shows(self, text: str) -> bool:
        return self.filled == text


class FullCollections:
    """How long each generation-2 garbage collection took while ``on``."""

    def __init__(self) -> None:
        self.on, self.started, self.pauses = False, 0.0, list[float]()
        gc.callbacks.append(self.note)

    def note(self, phase: str, info: dict[str, int]) -> None:
        if self.on and info["generation"] == 2:
            if phase == "start":
                self.started = time.perf_counter()
            else:
                self.pauses.append(time.perf_counter() - self.started)


async def bench_history(server: SandboxServer, entries: int) -> dict[str, Any]:
    session = session_on(server, "bench-history")
    assert session.connection is not None
    history = History.for_connection(session.name, session.connection.account_id,
                                     secret=server.secret_key)
    t0 = time.perf_counter()
    for i in range(entries):
        history.add(entry(i, datetime(2025, 1, 1, tzinfo=UTC)))
    out: dict[str, Any] = {"written": time.perf_counter() - t0, "keys": []}
    app, frames, collections = SsuiApp(session), Frames(), FullCollections()
    async with app.run_test(size=SCREEN) as pilot:
        panel = await open_console(pilot)
        watch_frames(app, frames)
        # What F4 does (a HistoryScreen on the panel's history), the screen noting its fills.
        screen = TimedHistory(panel.history, panel.saved)
        t0 = time.perf_counter()
        frames.probe = lambda: screen.filled == ""
        app.push_screen(screen)
        await wait_for(lambda: frames.first_after(t0) is not None)
        out["opened"] = (frames.first_after(t0) or 0.0) - t0
        await settle(pilot)
        screen.took.clear()
        collections.on = True
        steps = [(c, SEARCH[: i + 1]) for i, c in enumerate(SEARCH)] + [
            ("backspace", SEARCH[:i]) for i in range(len(SEARCH) - 1, -1, -1)]
        for key, typed in steps:
            out["keys"].append(await press_and_time(app, "space" if key == " " else key, frames,
                                                    partial(screen.shows, typed), TYPING_GAP))
        collections.on = False
        out.update(entries=len(panel.history.entries), matches=panel.history.count(SEARCH),
                   fill=screen.took, gc=collections.pauses)
    return out


def p95(values: list[float]) -> float:
    return sorted(values)[math.ceil(len(values) * 0.95) - 1]


def t(seconds: float) -> str:
    return ms(seconds).strip()


async def main(runs: int, leads: int, entries: int, tmp: Path) -> None:
    os.environ["SSUI_DATA_DIR"] = str(tmp / "data")  # the history goes here, not the user's
    os.environ["SSUI_CONFIG_DIR"] = str(tmp / "config")
    os.environ.setdefault("TZ", "UTC")
    config = SandboxConfig(db=tmp / "sandbox.db", seed=3, leads=leads, activity=0)
    with SandboxServer(config) as server:
        tree = await bench_tree(server, runs)
        total, parse, build, frame = (list(x) for x in zip(*tree["times"], strict=True))
        print(f"tree paint: median {t(statistics.median(total))}, max {t(max(total))} (target "
              f"<= 200 ms) over {runs} runs, response {tree['size']:,} bytes "
              f"({tree['nodes']} lead nodes in the tree at first)")
        print(f"  medians: decode + parse {t(statistics.median(parse))}, build the tree "
              f"{t(statistics.median(build))}, then to the frame {t(statistics.median(frame))};"
              f" first run {t(total[0])}")
        hist = await bench_history(server, entries)
    keys, fill, pauses = hist["keys"], hist["fill"], hist["gc"]
    print(f"history search: median {t(statistics.median(keys))}, p95 {t(p95(keys))}, max "
          f"{t(max(keys))} (target <= 50 ms) over {len(keys)} keystrokes, {hist['entries']:,} "
          f"entries (typing {SEARCH!r}: {hist['matches']:,} match; then backspace to empty)")
    print(f"  of which the screen's fill(): median {t(statistics.median(fill))}, max "
          f"{t(max(fill))}; {len(pauses)} full garbage collections meanwhile, longest "
          f"{t(max(pauses, default=0))}")
    print("  per key typed: " + ", ".join(f"{c!r} {k * 1000:.0f}" for c, k in
                                          zip(SEARCH, keys, strict=False)) + " (ms)")
    print(f"  opening the history screen: {t(hist['opened'])} to its first frame (writing the "
          f"{entries:,} entries took {hist['written']:.1f} s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--leads", type=int, default=500)
    parser.add_argument("--entries", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ssui-bench-console-") as tmp:
        asyncio.run(main(args.runs, args.leads, args.entries, Path(tmp)))
