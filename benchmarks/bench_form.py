"""How fast the record form is: opening it, typing in it, and saving through the sandbox.

Run:  python benchmarks/bench_form.py [--custom 100] [--keys 100] [--saves 20]

- open: from opening the form on a lead (whose entity has ``--custom`` custom fields, of
  every kind) to the first frame that shows it, top first with the focus in First name
  (target: at most 100 ms), and to the moment every field below is mounted too;
- keystroke: from a letter typed in First name to the frame that shows it, letters a fast
  typist's 60-150 ms apart (target: median at most 16 ms);
- save: the real app on the real mirror over a sandbox on a loopback port (its real rate
  limits): from ``ctrl+s`` on a changed First name to the frame in which the lead list's row
  shows the new name (target: at most 300 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_tui import TYPING_GAP, Frames, ms, press_and_time, wait_for, watch_frames
from ssui.api import SharpSpringClient
from ssui.entities import Field, Kind
from ssui.mirror import MirrorStore, Query
from ssui.mirror.account import AccountMirror
from ssui.sandbox import SandboxConfig, SandboxServer
from ssui.session import AccountSession
from ssui.tui.app import SsuiApp
from ssui.tui.form.screen import RecordForm
from ssui.tui.sample import SampleSize, sample_store
from ssui.tui.screens.main import MainScreen
from ssui.tui.testing import settle

SCREEN = (160, 50)
KINDS = (Kind.TEXT, Kind.INT, Kind.DECIMAL, Kind.MONEY, Kind.BOOL, Kind.DATE, Kind.ENUM)


def custom_fields(n: int) -> list[Field]:
    return [Field(f"custom_{i}", f"Custom field {i}", KINDS[i % len(KINDS)], custom=True,
                  choices=("red", "green", "blue") if KINDS[i % len(KINDS)] is Kind.ENUM
                  else ()) for i in range(n)]


def shown_after(frames: Frames, t: float) -> bool:
    return frames.first_after(t) is not None


def changed(box: Any, before: str) -> bool:
    return bool(getattr(box, "value", "") != before)


def main_screen(app: SsuiApp) -> MainScreen:
    main = app.main
    assert main is not None
    return main


async def bench_typing(custom: int, keys: int) -> dict[str, Any]:
    store = sample_store(SampleSize(leads=2_000))
    store.set_custom_fields("lead", custom_fields(custom))
    app = SsuiApp(AccountSession.offline(store, "bench"))
    frames = Frames()
    out: dict[str, Any] = {}
    async with app.run_test(size=SCREEN) as pilot:
        await settle(pilot)
        watch_frames(app, frames)
        opens: list[float] = []
        built: list[float] = []
        for i in range(5):
            browser = main_screen(app).browser("lead")
            record = browser.table.highlighted
            assert record is not None
            t0 = time.perf_counter()
            frames.probe = lambda: isinstance(app.screen, RecordForm)
            # The offline copy has no "e": the same form the key opens, pushed directly.
            app.push_screen(RecordForm(store, None, "lead", record))  # type: ignore[arg-type]
            await wait_for(partial(shown_after, frames, t0))
            shown = frames.first_after(t0)
            assert shown is not None
            opens.append(shown - t0)
            form = app.screen
            assert isinstance(form, RecordForm)
            await wait_for(partial(getattr, form, "built"))
            built.append(time.perf_counter() - t0)
            await settle(pilot)
            if i < 4:
                app.pop_screen()
                await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordForm)
        out["fields"] = len(form.controls)
        out["open"] = opens
        out["built"] = built
        box = form.controls["firstName"]
        box.focus()
        await settle(pilot)
        letters = "abcdefghijklmnopqrstuvwxyz"
        times = []
        for i in range(keys):
            letter = letters[i % 26]
            before = getattr(box, "value", "")
            times.append(await press_and_time(app, letter, frames,
                                              shows=partial(changed, box, before),
                                              gap=TYPING_GAP))
        out["keys"] = times
    store.close()
    return out


async def bench_save(saves: int) -> list[float]:
    tmp = Path(tempfile.mkdtemp(prefix="ssui-bench-form-"))
    config = SandboxConfig(db=tmp / "sandbox.db", seed=3, leads=500, activity=0)
    times: list[float] = []
    with SandboxServer(config) as server:
        store = MirrorStore(tmp / "mirror.db")
        async with SharpSpringClient(config.account_id, config.secret_key,
                                     base_url=server.base_url) as client:
            mirror = AccountMirror(client, store)
            await mirror.sync.full_sync()
            session = AccountSession("bench", store, client=client, mirror=mirror)
            app = SsuiApp(session)
            frames = Frames()
            async with app.run_test(size=SCREEN) as pilot:
                await settle(pilot)
                watch_frames(app, frames)
                browser = main_screen(app).browser("lead")
                for i in range(saves):
                    await pilot.press("e")
                    await settle(pilot)
                    form = app.screen
                    assert isinstance(form, RecordForm)
                    name = f"Saved{i}"
                    box = form.controls["firstName"]
                    box.value = name  # type: ignore[attr-defined]
                    await settle(pilot)

                    def shows(n: str = name) -> bool:
                        row = browser.table.highlighted
                        return isinstance(app.screen, MainScreen) and row is not None and (
                            row.get("firstName") == n)

                    times.append(await press_and_time(app, "ctrl+s", frames, shows=shows))
                    await settle(pilot)
                    await pilot.press("down")
                    await settle(pilot)
            assert store.page(Query("lead", search="Saved0", limit=1))
        store.close()
    return times


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


async def main(custom: int, keys: int, saves: int) -> None:
    typing = await bench_typing(custom, keys)
    print(f"lead form with {custom} custom fields ({typing['fields']} inputs), {SCREEN[0]}x"
          f"{SCREEN[1]}:")
    print(f"  open → first frame: median {ms(statistics.median(typing['open']))}, "
          f"max {ms(max(typing['open']))}   (target ≤ 100 ms)")
    print(f"  open → every field mounted: median {ms(statistics.median(typing['built']))}")
    print(f"  keystroke → frame: median {ms(statistics.median(typing['keys']))}, "
          f"p95 {ms(p95(typing['keys']))}, max {ms(max(typing['keys']))}   (target median "
          "≤ 16 ms)")
    if saves:
        save = await bench_save(saves)
        print(f"save over loopback (real limits) → row shows it: median "
              f"{ms(statistics.median(save))}, max {ms(max(save))}   (target ≤ 300 ms)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--custom", type=int, default=100)
    parser.add_argument("--keys", type=int, default=100)
    parser.add_argument("--saves", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.custom, args.keys, args.saves))
