"""How fast the lead list is at 1,000 / 10,000 / 100,000 leads, and against Textual's DataTable.

Run:  python benchmarks/bench_tui.py [--sizes 1000,10000,100000] [--keys 200]

Every figure comes from a headless ``App.run_test()``; a "screen update" is the moment the app
hands a rendered frame to its driver (``App._display``), after every line in view was drawn.

- first paint: from the app's mount to the first frame that shows rows;
- cursor key: from posting a key press to the next frame, keys 20-50 ms apart (Textual draws
  at most 60 frames a second, so a key may wait for the frame tick); "frame work" is the
  time the frame itself took to compute;
- search keystroke: from a key typed in the search box to the frame showing the new matches,
  for words' starts ("ada eri") and for a substring from the middle of a name ("kamur", of
  Nakamura: prefix search for its first two letters, the trigram index from the third);
- filter + sort: from applying three filters (status, owner, score range) and a sort to the
  frame showing the first page, over changing sorts; then one broad filter (status) sorted;
- memory: peak Python allocations during the 100,000-lead session (tracemalloc), and the
  process's peak resident size.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual import events
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable

from ssui.mirror import Filter, MirrorStore, Query
from ssui.session import AccountSession
from ssui.tui.app import SsuiApp
from ssui.tui.browse_state import ActiveFilter, BrowseState
from ssui.tui.format import format_value
from ssui.tui.names import NameResolver
from ssui.tui.rows import MirrorRows
from ssui.tui.sample import SampleSize, fill
from ssui.tui.screens.main import MainScreen
from ssui.tui.widgets.entity_browser import EntityBrowser
from ssui.tui.widgets.record_table import RecordTable

SCREEN = (160, 50)
SEARCH = "ada eri"
SUBSTRING = "kamur"
KEY_GAP = (0.020, 0.050)  # key repeat runs at 20-50 presses a second
TYPING_GAP = (0.060, 0.150)  # a fast typist
RANDOM = random.Random(7)


@dataclass
class Frames:
    """When frames reached the driver, whether each showed what we wait for, and their cost."""

    shown: list[tuple[float, bool]] = field(default_factory=list)
    work: list[float] = field(default_factory=list)
    probe: Callable[[], bool] = lambda: True

    def first_after(self, t: float) -> float | None:
        """The first frame after ``t`` that passed the probe."""
        for at, ok in self.shown:
            if at > t and ok:
                return at
        return None


def watch_frames(app: App[Any], frames: Frames) -> None:
    display = app._display

    def recording(screen: Screen[Any], renderable: Any) -> None:
        display(screen, renderable)
        if renderable is not None:
            frames.shown.append((time.perf_counter(), frames.probe()))

    app._display = recording  # type: ignore[method-assign]


def time_frame_work(screen: Screen[Any], frames: Frames) -> None:
    update = screen._on_timer_update

    def timed() -> None:
        t = time.perf_counter()
        update()
        frames.work.append(time.perf_counter() - t)

    screen._on_timer_update = timed  # type: ignore[method-assign]


async def wait_for(predicate: Callable[[], bool], limit: float = 60) -> None:
    deadline = time.perf_counter() + limit
    while not predicate():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the app did not get there in time: {predicate}")
        await asyncio.sleep(0.0002)


async def press_and_time(app: App[Any], key: str, frames: Frames,
                         shows: Callable[[], bool] = lambda: True,
                         gap: tuple[float, float] = KEY_GAP) -> float:
    """Seconds from posting ``key`` to the first frame that ``shows`` its result.

    The key is pressed a random ``gap`` after the last frame, as a person (or key repeat)
    would; pressed the instant a frame lands, every key would wait out a whole frame tick.
    """
    await asyncio.sleep(RANDOM.uniform(*gap))
    frames.probe = shows
    t0 = time.perf_counter()
    character = " " if key == "space" else key if len(key) == 1 else None
    app.post_message(events.Key(key, character))
    await wait_for(lambda: frames.first_after(t0) is not None)
    shown = frames.first_after(t0)
    frames.probe = lambda: True
    assert shown is not None
    return shown - t0


class BenchApp(SsuiApp):
    """The real app, noting when it mounted and timing its frames."""

    def __init__(self, store: MirrorStore, frames: Frames) -> None:
        super().__init__(AccountSession.offline(store, "bench"))
        self.frames = frames
        self.mounted_at = 0.0
        watch_frames(self, frames)

    def on_mount(self) -> None:
        self.mounted_at = time.perf_counter()
        super().on_mount()

    def main_screen(self) -> MainScreen:
        screen = super().main_screen()
        time_frame_work(screen, self.frames)
        return screen


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


async def bench_ssui(store: MirrorStore, keys: int, search: bool) -> dict[str, Any]:
    frames = Frames()
    app = BenchApp(store, frames)
    out: dict[str, Any] = {}
    async with app.run_test(size=SCREEN) as pilot:
        screen = app.screen
        assert isinstance(screen, MainScreen)
        browser = screen.browser("lead")
        frames.probe = lambda: browser.loaded_once
        await wait_for(lambda: frames.first_after(app.mounted_at) is not None)
        first = frames.first_after(app.mounted_at)
        assert first is not None
        out["first_paint"] = first - app.mounted_at
        frames.probe = lambda: True
        await pilot.pause()
        frames.work.clear()
        lat = []
        for i in range(keys):
            key = "pagedown" if i % 25 == 24 else "down"
            lat.append(await press_and_time(app, key, frames))
        out["key_median"] = statistics.median(lat)
        out["key_p95"] = sorted(lat)[int(len(lat) * 0.95)]
        out["frame_work"] = statistics.median(frames.work) if frames.work else 0.0
        out["cached_rows"] = browser.table.cached_rows
        if search:
            out["filter_sort"] = await bench_filter_sort(pilot, browser, frames)
            out["broad_sort"] = await bench_filter_sort(pilot, browser, frames, 10, BROAD)
            out["search"] = await bench_search(pilot, browser, frames, SEARCH)
            out["substring"] = await bench_search(pilot, browser, frames, SUBSTRING)
    return out


async def bench_search(pilot: Pilot[Any], browser: EntityBrowser, frames: Frames,
                       text: str, rounds: int = 3) -> list[float]:
    """Each keystroke of ``text`` typed into an empty search box, ``rounds`` times."""
    times = []
    for _ in range(rounds):
        browser.apply(BrowseState())
        await pilot.pause()
        await pilot.press("slash")
        await pilot.pause()
        typed = ""
        for ch in text:
            typed += ch
            key = "space" if ch == " " else ch
            shows = partial(_showing, browser, typed)
            times.append(await press_and_time(pilot.app, key, frames, shows, TYPING_GAP))
        await pilot.press("escape")
        await pilot.pause()
    return times


FILTERS = (
    ActiveFilter("leadStatus", "Status is open", (Filter("leadStatus", "=", "open"),)),
    ActiveFilter("ownerID", "Owner is #2", (Filter("ownerID", "=", 2),)),
    ActiveFilter("leadScore", "Score 40 to 90", (Filter("leadScore", ">=", 40),
                                                 Filter("leadScore", "<=", 90))),
)
# One filter that keeps a good share of the leads (a sixth): sorted by an indexed column,
# its window is read off that column's index.
BROAD = (FILTERS[0],)
SORTS = (("lastName", False), ("leadScore", True), ("createTimestamp", True),
         ("companyName", False), ("updateTimestamp", False))


async def bench_filter_sort(pilot: Pilot[Any], browser: EntityBrowser, frames: Frames,
                            rounds: int = 20,
                            filters: tuple[ActiveFilter, ...] | None = None) -> list[float]:
    """Three filters and a sort applied at once, then the sort changed: apply → frame."""
    times = []
    for i in range(rounds):
        sort, desc = SORTS[i % len(SORTS)]
        state = BrowseState(sort=sort, descending=desc, filters=filters or FILTERS)
        want = state.query("lead")
        await asyncio.sleep(RANDOM.uniform(*KEY_GAP))

        def shows(want: Query = want) -> bool:
            q = getattr(browser.table.source, "query", None)
            return q is not None and (q.filters, q.sort, q.descending) == (
                want.filters, want.sort, want.descending) and browser.table.row_count > 0

        frames.probe = shows
        t0 = time.perf_counter()
        browser.apply(state)
        await wait_for(partial(_shown_after, frames, t0))
        shown = frames.first_after(t0)
        frames.probe = lambda: True
        assert shown is not None
        times.append(shown - t0)
    browser.apply(BrowseState())
    await pilot.pause()
    return times


def _shown_after(frames: Frames, t0: float) -> bool:
    return frames.first_after(t0) is not None


def _showing(browser: EntityBrowser, search: str) -> bool:
    """True once the table holds the rows of ``search``."""
    source = browser.table.source
    query = getattr(source, "query", None)
    return query is not None and query.search == search.strip() and (
        browser.state.search == search)


class RecordTableApp(App[None]):
    """ssui's RecordTable alone on a screen, over the same mirror query: the like-for-like
    comparison with DataTable (the full app's screen has ~17 widgets to composite a frame)."""

    def __init__(self, store: MirrorStore, frames: Frames) -> None:
        super().__init__()
        self.store = store
        self.frames = frames
        self.mounted_at = 0.0
        self.filled = False
        watch_frames(self, frames)

    def compose(self) -> ComposeResult:
        yield RecordTable(self.store.entity("lead"), resolver=NameResolver(self.store))

    def on_mount(self) -> None:
        self.mounted_at = time.perf_counter()
        table = self.query_one(RecordTable)
        table.load(MirrorRows(self.store, Query("lead")))
        table.focus()
        self.filled = True


class DataTableApp(App[None]):
    """The same leads, the same columns, in Textual's DataTable (every row added up front)."""

    def __init__(self, store: MirrorStore, frames: Frames) -> None:
        super().__init__()
        self.store = store
        self.frames = frames
        self.mounted_at = 0.0
        self.filled = False
        watch_frames(self, frames)

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        self.mounted_at = time.perf_counter()
        lead = self.store.entity("lead")
        fields = [lead.field(n) for n in lead.columns]
        names = NameResolver(self.store)
        table = self.query_one(DataTable)
        table.add_columns(*(f.label for f in fields))
        rows = self.store.page(Query("lead", limit=10**9))
        names.prime_rows(fields, rows)
        table.add_rows([[format_value(f, r.get(f.name), names) for f in fields] for r in rows])
        table.focus()
        self.filled = True


async def bench_bare(app_type: type[RecordTableApp] | type[DataTableApp], store: MirrorStore,
                     keys: int) -> dict[str, Any]:
    """First paint and cursor keys of one table widget alone on a screen."""
    frames = Frames()
    app = app_type(store, frames)
    out: dict[str, Any] = {}
    async with app.run_test(size=SCREEN) as pilot:
        frames.probe = lambda: app.filled
        await wait_for(lambda: frames.first_after(app.mounted_at) is not None, limit=900)
        first = frames.first_after(app.mounted_at)
        assert first is not None
        out["first_paint"] = first - app.mounted_at
        frames.probe = lambda: True
        await pilot.pause()
        lat = [await press_and_time(app, "down", frames) for _ in range(keys)]
        out["key_median"] = statistics.median(lat)
    return out


def make_store(n: int) -> tuple[MirrorStore, float]:
    t = time.perf_counter()
    store = MirrorStore()
    fill(store, SampleSize(leads=n, accounts=max(60, n // 50), campaigns=24,
                           opportunities=max(120, n // 20), events_for_leads=50))
    return store, time.perf_counter() - t


def table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for j, r in enumerate(rows):
        lines.append("  ".join(c.rjust(w) if i else c.ljust(w)
                               for i, (c, w) in enumerate(zip(r, widths, strict=True))))
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


async def main(sizes: Sequence[int], keys: int, datatable_limit: int) -> None:
    os.environ.setdefault("TZ", "UTC")
    results: dict[int, dict[str, Any]] = {}
    dt: dict[int, dict[str, Any] | None] = {}
    bare: dict[int, dict[str, Any]] = {}
    for n in sizes:
        store, fill_s = make_store(n)
        print(f"{n:>7,} leads in the mirror ({fill_s:.1f} s to fill)", flush=True)
        gc.collect()
        biggest = n == max(sizes)
        results[n] = await bench_ssui(store, keys, search=n >= 100_000 or biggest)
        if biggest:
            # Memory in a run of its own: tracemalloc slows everything it watches.
            gc.collect()
            tracemalloc.start()
            tracemalloc.reset_peak()
            await bench_ssui(store, keys // 4, search=True)
            results[n]["peak_alloc"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        gc.collect()
        bare[n] = await bench_bare(RecordTableApp, store, min(keys, 100))
        gc.collect()
        dt[n] = await bench_bare(DataTableApp, store, min(keys, 100)) if (
            n <= datatable_limit) else None
        store.close()
        del store
        gc.collect()

    header = ["leads", "first paint", "key→frame median", "key→frame p95", "frame work",
              "rows held"]
    rows = [header]
    for n in sizes:
        r = results[n]
        rows.append([f"{n:,}", ms(r["first_paint"]), ms(r["key_median"]), ms(r["key_p95"]),
                     ms(r["frame_work"]), f"{r['cached_rows']:,}"])
    print()
    print("the ssui app (header, tabs, lead list, status line, footer) at 160x50:")
    print(table(rows))
    rows = [["leads", "RecordTable first paint", "DataTable first paint", "ratio",
             "RecordTable key median", "DataTable key median"]]
    for n in sizes:
        b, d = bare[n], dt[n]
        rows.append([
            f"{n:,}", ms(b["first_paint"]), ms(d["first_paint"]) if d else "not run",
            f"{d['first_paint'] / b['first_paint']:.0f}×" if d else "–",
            ms(b["key_median"]), ms(d["key_median"]) if d else "not run",
        ])
    print()
    print("one table widget alone on a screen, same rows and columns (like for like):")
    print(table(rows))
    big = max(sizes)
    for n in sizes:
        for label, text in (("search", SEARCH), ("substring", SUBSTRING)):
            search = results[n].get(label) or []
            if search:
                print()
                print(f"search as you type at {n:,} leads, typing {text!r} three times:"
                      f" keystroke → frame with the new matches: median"
                      f" {ms(statistics.median(search)).strip()}, max {ms(max(search)).strip()}")
                worst = [max(search[i::len(text)]) for i in range(len(text))]
                print("  per key, worst of three: " + ", ".join(
                    f"{c!r} {t * 1000:.1f}" for c, t in zip(text, worst, strict=True)) + " (ms)")
        fs = results[n].get("filter_sort") or []
        if fs:
            print()
            print(f"filter + sort at {n:,} leads (status, owner and score range, sorted five"
                  f" ways, {len(fs)} times): apply → frame with the first page: median"
                  f" {ms(statistics.median(fs)).strip()}, max {ms(max(fs)).strip()}")
            print(f"  the first (filters set from none) {ms(fs[0]).strip()}; the other"
                  f" {len(fs) - 1} (sort changed): max {ms(max(fs[1:])).strip()}")
        broad = results[n].get("broad_sort") or []
        if broad:
            print(f"one filter (status: a sixth of the leads) sorted five ways at {n:,} leads,"
                  f" {len(broad)} times: apply → frame: median"
                  f" {ms(statistics.median(broad)).strip()}, max {ms(max(broad)).strip()}")
    peak = results[big].get("peak_alloc")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    held = "the in-memory SQLite mirror" + (" and the DataTable runs" if any(dt.values())
                                            else "")
    print(f"memory at {big:,} leads: peak Python allocations during the app session "
          f"{(peak or 0) / 2**20:.1f} MiB (tracemalloc); process peak RSS {rss:.0f} MiB "
          f"(includes {held})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--datatable-limit", type=int, default=100_000,
                        help="largest size to also load into DataTable")
    args = parser.parse_args()
    asyncio.run(main([int(s) for s in args.sizes.split(",")], args.keys,
                     args.datatable_limit))
