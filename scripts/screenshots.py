"""Regenerate the app's screenshots in ``screenshots/`` (SVG, optionally PNG).

Run:  python scripts/screenshots.py [--size 140x40] [--png]

The app runs headless at a fixed size on an in-memory sandbox seeded with a fixed seed and a
fixed "now" (copied into an in-memory mirror by the real sync engine), with local time pinned
to UTC, so the pictures only change when the app or the sandbox does.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from pydantic import SecretStr
from textual.screen import Screen
from textual.widgets import Input, TextArea

from ssui.api import SharpSpringClient, envelope
from ssui.config import Connection
from ssui.console import sending
from ssui.mirror import MirrorStore
from ssui.mirror.account import AccountMirror
from ssui.sandbox import SandboxConfig, create_app
from ssui.session import AccountSession
from ssui.tui.app import SsuiApp
from ssui.tui.console.panel import ConsolePanel
from ssui.tui.form import showcase
from ssui.tui.testing import settle

OUT = Path(__file__).resolve().parents[1] / "screenshots"


@dataclass(frozen=True)
class Shot:
    """One screenshot: its file name, what it shows, and the keys that get there."""

    name: str
    title: str
    keys: tuple[str, ...]
    connect: bool = False
    # A screen to open first (the form's, which an offline copy cannot reach by keys).
    screen: Callable[[MirrorStore], Screen[Any]] | None = None
    # Connected to the sandbox (the console sends); ``params`` replace the console's, then
    # ``then`` is pressed (ctrl+j sends).
    live: bool = False
    params: str | None = None
    body: str | None = None
    then: tuple[str, ...] = ()


DOWN5 = ("down",) * 5

SHOTS: tuple[Shot, ...] = (
    Shot("connect", "Connect", ("A", "C", "M", "E", "minus", "1", "enter", "enter"),
         connect=True),
    Shot("leads", "Leads", ("down", "down", "down")),
    Shot("lead-detail", "Lead detail", (*DOWN5, "d")),
    Shot("lead-detail-below", "Lead detail below the list", (*DOWN5, "d", "v")),
    Shot("leads-search", "Leads: search and sort",
         ("slash", "l", "y", "o", "n", "enter", "right", "right", "s")),
    Shot("accounts", "Accounts", ("2", "down")),
    Shot("account-detail", "Account detail", ("2", "d")),
    Shot("campaigns", "Campaigns", ("3",)),
    Shot("opportunities", "Opportunities", ("4", "down", "down")),
    Shot("opportunities-filter", "Opportunities: filter by owner", ("4", "f", "m", "a", "y")),
    Shot("activity", "Activity", ("5", "down")),
    Shot("keys", "Keys that work here", ("question_mark",)),
    Shot("lead-form", "Editing a lead", ("tab", "tab", "tab", "tab"),
         screen=lambda store: showcase.edit_form(store, showcase.lead_at(store, 4))),
    Shot("lead-form-errors", "A new lead with errors",
         ("J", "o", "tab", "tab", *"jo@acme", "ctrl+s"), screen=showcase.new_form),
    Shot("conflict", "A conflict: someone changed the lead meanwhile", (),
         screen=lambda store: showcase.conflict_dialog(store, showcase.lead_at(store, 4))),
    Shot("columns", "Choosing the columns", ("C", "down", "down", "down")),
    Shot("related", "A lead's related records: Enter opens one, backspace comes back",
         (*DOWN5, "o", "down")),
    Shot("marks", "Three leads marked for a bulk action", ("space", "down", "space", "space")),
    Shot("console", "Console: an API call and its answer as a tree", ("6", *"getLeads", "tab"),
         live=True, params='{\n  "where": {},\n  "limit": 3\n}',
         then=("ctrl+j", "tab", "down", "down", "down", "enter")),
    Shot("console-raw", "Console: a raw HTTP request", ("6", "f2"), live=True,
         body='{"method": "getCampaigns", "params": {"where": {}, "limit": 2}, "id": 1}',
         then=("ctrl+j",)),
)


SEEDED_AT = 1_767_225_600.0  # 2026-01-01 00:00 UTC: the sandbox's "now" for the pictures


SANDBOX = create_app(SandboxConfig(db=":memory:", seed=1, leads=500, activity=0, limits=False,
                                   seed_anchor=SEEDED_AT, clock=lambda: SEEDED_AT))
LOOPBACK = "http://127.0.0.1/pubapi"


def sandbox_client() -> SharpSpringClient:
    return SharpSpringClient(SANDBOX.config.account_id, SANDBOX.config.secret_key,
                             base_url=LOOPBACK, rate_limit=None,
                             transport=httpx.ASGITransport(app=SANDBOX))


async def seeded_mirror() -> MirrorStore:
    """A seeded sandbox (500 leads), copied into an in-memory mirror with its recent activity."""
    store = MirrorStore()
    async with sandbox_client() as client:
        mirror = AccountMirror(client, store)
        mirror.sync.now = lambda: datetime.fromtimestamp(SEEDED_AT, UTC)  # the sandbox's clock
        await mirror.sync.full_sync()
        await mirror.poll_once("activity")  # the seed's recent activity, for the Activity tab
    return store


def session_for(shot: Shot, store: MirrorStore) -> AccountSession | None:
    if shot.connect:
        return None
    if not shot.live:
        return AccountSession.offline(store, "sandbox")
    connection = Connection(name="sandbox", account_id=SANDBOX.config.account_id,
                            secret_key=SecretStr(SANDBOX.config.secret_key), base_url=LOOPBACK)
    client = sandbox_client()
    return AccountSession("sandbox", store, connection=connection, client=client,
                          mirror=AccountMirror(client, store))


async def take(shot: Shot, size: tuple[int, int], out: Path, store: MirrorStore) -> Path:
    app = SsuiApp(session_for(shot, store))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        if shot.screen is not None:
            await app.push_screen(shot.screen(app.store))
            await settle(pilot)
        for key in shot.keys:
            await pilot.press(key)
            await settle(pilot)
        if shot.params is not None:
            app.screen.query_one(ConsolePanel).api_editor.params_area.load_text(shot.params)
        if shot.body is not None:
            app.screen.query_one(ConsolePanel).raw_editor.body_area.load_text(shot.body)
        for key in shot.then:
            await pilot.press(key)
            await settle(pilot)
        for area in app.screen.query(TextArea):
            area.cursor_blink = False
        for box in app.screen.query(Input):
            box.cursor_blink = False
        await settle(pilot)
        path = out / f"{shot.name}.svg"
        path.write_text(app.export_screenshot(title=f"ssui · {shot.title}"), encoding="utf-8")
    return path


def to_png(svg: Path) -> Path | None:
    tool = shutil.which("rsvg-convert")
    if tool is None:
        return None
    png = svg.with_suffix(".png")
    subprocess.run([tool, str(svg), "-o", str(png)], check=True)
    return png


async def main(size: tuple[int, int], out: Path, png: bool, only: Sequence[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    store = await seeded_mirror()
    for shot in SHOTS:
        if only and shot.name not in only:
            continue
        svg = await take(shot, size, out, store)
        made = [svg.name]
        if png:
            p = to_png(svg)
            made.append(p.name if p else "(no rsvg-convert for PNG)")
        print(" ".join(made))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="140x40", help="columns x rows")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--png", action="store_true", help="also write PNGs (rsvg-convert)")
    parser.add_argument("only", nargs="*", help="names of the shots to take (default: all)")
    args = parser.parse_args()
    os.environ["TZ"] = "UTC"
    time.tzset()
    # The console keeps its history apart, and its request ids and timings are pinned.
    os.environ["SSUI_DATA_DIR"] = tempfile.mkdtemp(prefix="ssui-shots-")
    envelope._PREFIX = "shot"
    envelope._COUNTER = itertools.count(1)
    ticks = itertools.count()
    sending.time = SimpleNamespace(perf_counter=lambda: next(ticks) * 0.034)  # type: ignore[attr-defined,assignment]
    width, height = (int(n) for n in args.size.lower().split("x"))
    asyncio.run(main((width, height), args.out, args.png, args.only))
