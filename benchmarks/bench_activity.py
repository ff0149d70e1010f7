"""The Activity feed: cursor keys at 100,000 events, and a form fill's way from the server to
its row in the feed at the real rate limits.

Run:  python benchmarks/bench_activity.py [--events 100000] [--keys 200] [--fills 20]
                                          [--shares 0.2,0.5] [--skip-feed] [--skip-e2e]

- cursor key: as ``bench_tui.py`` measures the lead list: from posting a key press to the next
  frame the app hands its driver, keys 20-50 ms apart, on the Activity tab (160x50) of a mirror
  holding ``--events`` events; median and p95.
- form fill to row: the sandbox on a loopback port with its real limits (10 calls a second,
  50,000 a day) and the app on it, headless, with the watches' quota share set as a user would
  in the settings. A form fill is written into the server's database (as its own activity
  does), at a random moment; the time runs until the first frame whose feed shows that fill
  on its top row. Median and max over ``--fills`` fills per share, and the watches' calls a
  day: as planned by the scheduler, and as measured over the run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pydantic import SecretStr

from benchmarks.bench_tui import SCREEN, Frames, press_and_time, wait_for, watch_frames
from ssui.config import Connection, WatchPrefs, WatchSettings
from ssui.mirror import MirrorStore
from ssui.sandbox import SandboxConfig, SandboxServer
from ssui.sandbox.store import Store
from ssui.session import AccountSession
from ssui.tui.app import SsuiApp
from ssui.tui.sample import SampleSize, fill
from ssui.tui.screens.main import MainScreen
from ssui.tui.widgets.activity_feed import ActivityFeed

RANDOM = random.Random(11)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def feed_of(app: SsuiApp) -> ActivityFeed:
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen.activity


# -- cursor keys at 100,000 events ---------------------------------------------------------


class FeedApp(SsuiApp):
    """The real app on an offline mirror, timing its frames."""

    def __init__(self, store: MirrorStore, frames: Frames) -> None:
        super().__init__(AccountSession.offline(store, "bench"))
        watch_frames(self, frames)


async def bench_feed(events: int, keys: int) -> dict[str, float]:
    t = time.perf_counter()
    store = MirrorStore()
    leads = max(1, events // 5)
    fill(store, SampleSize(leads=leads, accounts=max(60, leads // 50), campaigns=24,
                           opportunities=max(120, leads // 20), events_per_lead=5,
                           events_for_leads=leads))
    held = store.last_seq()
    print(f"{held:,} events in the mirror ({time.perf_counter() - t:.1f} s to fill)",
          flush=True)
    frames = Frames()
    app = FeedApp(store, frames)
    async with app.run_test(size=SCREEN) as pilot:
        await wait_for(lambda: isinstance(app.screen, MainScreen))
        await pilot.press("5")
        feed = feed_of(app)
        await wait_for(lambda: feed.count == held)
        await pilot.pause()
        lat = []
        for i in range(keys):
            key = "pagedown" if i % 25 == 24 else "down"
            lat.append(await press_and_time(app, key, frames))
    store.close()
    return {"events": held, "median": statistics.median(lat),
            "p95": sorted(lat)[int(len(lat) * 0.95)], "max": max(lat)}


# -- a form fill, end to end ---------------------------------------------------------------


def _shown_after(frames: Frames, start: float) -> bool:
    return frames.first_after(start) is not None


def form_fill(writer: Store, lead_id: int, name: str) -> None:
    """A form fill, written into the server's database the way its own activity writes one."""
    with writer.transaction():
        writer.insert("event", {
            "leadID": lead_id, "eventSource": "formSubmit", "eventName": name,
            "whatID": "bench", "whatType": "form", "eventData": None,
            "createTimestamp": writer.now()})


async def bench_e2e(share: float, fills: int, leads: int) -> dict[str, Any]:
    os.environ["SSUI_DATA_DIR"] = tempfile.mkdtemp(prefix="ssui-bench-data-")
    db = Path(tempfile.mkdtemp(prefix="ssui-bench-sandbox-")) / "sandbox.db"
    config = SandboxConfig(db=db, leads=leads, activity=0)  # real limits: 10/s, 50,000/day
    with SandboxServer(config) as server:
        connection = Connection(name="bench", account_id=server.account_id,
                                secret_key=SecretStr(server.secret_key),
                                base_url=server.base_url)
        session = AccountSession.open(connection, quota_share=share)
        prefs = WatchPrefs(WatchSettings(quota_share=share))
        app = SsuiApp(session, watch=prefs)
        frames = Frames()
        watch_frames(app, frames)
        writer = Store(str(db))
        lead_ids = [int(r[0]) for r in writer.db.execute("SELECT id FROM lead LIMIT 200")]
        out: dict[str, Any] = {"share": share, "latencies": []}
        try:
            async with app.run_test(size=SCREEN) as pilot:
                await wait_for(lambda: app.sync_progress is not None and app.sync_progress.done,
                               limit=600)
                await pilot.press("5")
                mirror = app.mirror
                assert mirror is not None
                activity = mirror.scheduler.streams["activity"]
                await wait_for(lambda: activity.runs >= 2, limit=120)  # history imported
                feed = feed_of(app)
                quota = mirror.client.quota
                used0, t0 = quota.used, time.monotonic()
                for i in range(fills):
                    # A random moment against the poll's rhythm.
                    await asyncio.sleep(RANDOM.uniform(0.5, activity.interval))
                    name = f"Submitted Bench form {share:g} #{i}"

                    def shows(title: str = name) -> bool:
                        row = feed.table.row_at(0) if feed.count else None
                        return row is not None and row.record.get("title") == title

                    frames.probe = shows
                    start = time.perf_counter()
                    form_fill(writer, RANDOM.choice(lead_ids), name)
                    await wait_for(partial(_shown_after, frames, start), limit=120)
                    shown = frames.first_after(start)
                    assert shown is not None
                    out["latencies"].append(shown - start)
                    frames.probe = lambda: True
                    print(f"  {share:.0%} fill {i + 1:>2}: {shown - start:5.2f} s", flush=True)
                elapsed = time.monotonic() - t0
                out["planned"] = mirror.scheduler.planned_calls_per_day()
                out["measured"] = (quota.used - used0) / elapsed * 86_400
                out["activity_interval"] = activity.interval
        finally:
            writer.close()
            await session.aclose()
    return out


def report_e2e(results: list[dict[str, Any]]) -> None:
    print()
    print("form fill on the server → its row in the Activity feed (loopback sandbox, real"
          " limits):")
    for r in results:
        lat = r["latencies"]
        budget = r["share"] * 50_000
        print(f"  share {r['share']:.0%}: median {statistics.median(lat):.2f} s,"
              f" max {max(lat):.2f} s over {len(lat)} fills; events polled every"
              f" {r['activity_interval']:.1f} s; calls a day: planned {r['planned']:,.0f},"
              f" measured {r['measured']:,.0f} (budget {budget:,.0f})")


async def main(args: argparse.Namespace) -> None:
    os.environ.setdefault("TZ", "UTC")
    if not args.skip_feed:
        r = await bench_feed(args.events, args.keys)
        print(f"Activity feed at {r['events']:,} events, 160x50: cursor key → frame"
              f" median {ms(r['median'])}, p95 {ms(r['p95'])}, max {ms(r['max'])}"
              f" ({args.keys} keys)")
    if not args.skip_e2e:
        results = []
        for share in (float(s) for s in args.shares.split(",")):
            results.append(await bench_e2e(share, args.fills, args.leads))
        report_e2e(results)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--fills", type=int, default=20)
    parser.add_argument("--shares", default="0.2,0.5")
    parser.add_argument("--leads", type=int, default=500, help="leads in the sandbox")
    parser.add_argument("--skip-feed", action="store_true")
    parser.add_argument("--skip-e2e", action="store_true")
    asyncio.run(main(parser.parse_args()))
