"""The Activity tab: a live feed of every watch event, on the real mirror of a sandbox account.

Events take the real path: the sandbox's activity stream inserts form fills, visits, opens and
new leads; a mirror polls the API and stores them in the event log; the app hears of them the
way it does when running (a WatchArrived message with the batch the mirror delivered).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from ssui.api import SharpSpringClient
from ssui.mirror import MirrorStore
from ssui.mirror.account import AccountMirror
from ssui.mirror.event_log import EventQuery
from ssui.mirror.events import WatchBatch, WatchKind
from ssui.sandbox import SandboxApp
from ssui.sandbox.activity import ActivityStream
from ssui.session import AccountSession
from ssui.tui.app import SsuiApp
from ssui.tui.messages import WatchArrived
from ssui.tui.screens.main import MainScreen
from ssui.tui.widgets.activity_feed import ActivityFeed

from .helpers import settle


class Account:
    """A sandbox whose activity a real mirror polls into the event log."""

    def __init__(self, sandbox: SandboxApp, mirror: AccountMirror) -> None:
        self.sandbox = sandbox
        self.mirror = mirror
        self.activity = ActivityStream(sandbox.store, seed=21)
        self.batches: list[WatchBatch] = []
        mirror.on_batch(self.batches.append)

    async def happen(self, steps: int) -> list[WatchBatch]:
        """``steps`` things happen in the account; the mirror polls once. Returns its batches."""
        for _ in range(steps):
            self.activity.step()
        self.batches.clear()
        await self.mirror.poll_once("activity", "leads")
        return list(self.batches)


@pytest.fixture
async def account(sandbox: SandboxApp, tmp_path: Path,
                  client_on: Callable[..., SharpSpringClient]) -> AsyncIterator[Account]:
    client = client_on(sandbox)
    mirror = AccountMirror(client, MirrorStore(tmp_path / "mirror.db"), consumer="test")
    await mirror.sync.full_sync()
    await mirror.poll_once("activity")  # the first poll imports history, announcing nothing
    yield Account(sandbox, mirror)
    await client.aclose()


def app_on(account: Account) -> SsuiApp:
    return SsuiApp(AccountSession.offline(account.mirror.store, "sandbox"))


def feed(app: SsuiApp) -> ActivityFeed:
    assert isinstance(app.screen, MainScreen)
    return app.screen.activity


async def arrive(app: SsuiApp, pilot: Pilot[None], batches: list[WatchBatch]) -> None:
    for batch in batches:
        app.post_message(WatchArrived(batch))
    await settle(pilot)


async def test_key_5_shows_every_event_newest_first_with_who_it_was(account: Account) -> None:
    await account.happen(30)
    store = account.mirror.store
    app = app_on(account)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        f = feed(app)
        assert f.table.has_focus
        assert f.count == store.feed_count(EventQuery()) > 0
        first = f.table.highlighted
        assert first is not None
        newest = store.feed_page(EventQuery(), 0, 1)[0]
        assert first["id"] == newest.seq
        assert first["kind"] in {k.label for k in WatchKind}
        form = next(e for e in store.feed_page(EventQuery(), 0, 500)
                    if e.kind is WatchKind.FORM and e.lead_email)
        assert form.lead_email is not None and form.lead_email in form.who  # name and email


async def test_new_events_join_the_top_and_a_reader_keeps_their_place(
        account: Account) -> None:
    await account.happen(20)
    app = app_on(account)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5", "down", "down", "down")
        f = feed(app)
        reading = f.table.highlighted
        assert reading is not None and f.table.cursor_row == 3
        screen_row = f.table.cursor_row - f.table.top_row
        before = f.count
        await arrive(app, pilot, await account.happen(15))
        grew = f.count - before
        assert grew > 0
        assert f.table.highlighted is not None and f.table.highlighted["id"] == reading["id"]
        assert f.table.cursor_row - f.table.top_row == screen_row  # not moved on screen
        assert f.new_rows == grew and f"+{grew:,} new" in str(
            app.screen.query_one("#activity #badge").render())
        await pilot.press("g")  # back to the newest: the count of new rows is read
        assert f.new_rows == 0 and f.table.cursor_row == 0


async def test_a_reader_at_the_top_follows_the_newest(account: Account) -> None:
    app = app_on(account)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        f = feed(app)
        await arrive(app, pilot, await account.happen(10))
        newest = account.mirror.store.feed_page(EventQuery(), 0, 1)[0]
        assert f.table.cursor_row == 0 and f.table.highlighted is not None
        assert f.table.highlighted["id"] == newest.seq and f.new_rows == 0


async def test_p_pauses_the_flow_and_counts_what_waits(account: Account) -> None:
    app = app_on(account)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5", "p")
        f = feed(app)
        shown = f.count
        batches = await account.happen(12)
        await arrive(app, pilot, batches)
        waiting = sum(len(b.events) for b in batches)
        assert f.count == shown and f.waiting == waiting > 0
        assert f"paused · {waiting:,} waiting" in f.status_text()
        await pilot.press("p")
        await settle(pilot)
        assert f.count == shown + waiting and "paused" not in f.status_text()


async def test_filters_by_kind_and_owner_and_search_narrow_the_feed(account: Account) -> None:
    await account.happen(40)
    store = account.mirror.store
    app = app_on(account)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        f = feed(app)
        everything = f.count
        forms = EventQuery(kinds=(str(WatchKind.FORM),))
        f.show(forms)
        await settle(pilot)
        assert 0 < f.count == store.feed_count(forms) < everything
        assert "Kind is form filled" in f.chips_text()
        owner = next(e.owner_id for e in store.feed_page(forms, 0, 100) if e.owner_id)
        f.show(EventQuery(kinds=forms.kinds, owner_id=owner), "Someone")
        await settle(pilot)
        assert 0 < f.count <= store.feed_count(forms)
        await pilot.press("F")  # clear the filters
        await settle(pilot)
        assert f.count == everything
        email = next(e.lead_email for e in store.feed_page(EventQuery(), 0, 100)
                     if e.lead_email)
        assert email is not None
        await pilot.press("slash")
        app.screen.query_one("#activity #search", Input).value = email
        await settle(pilot)
        rows = [f.table.row_at(i) for i in range(f.count)]
        assert rows and all(email in r.record["who"] for r in rows if r is not None)


async def test_enter_on_an_event_opens_its_lead_with_the_detail(account: Account) -> None:
    await account.happen(20)
    app = app_on(account)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        store = account.mirror.store
        target = next(e for e in store.feed_page(EventQuery(), 0, 200)
                      if e.lead_id is not None and store.get("lead", e.lead_id))
        index = store.feed_count(EventQuery(after=target.seq or 0))
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen) and screen.current_view == "lead"
        leads = screen.browser("lead")
        assert leads.detail_open and leads.table.highlighted is not None
        assert leads.table.highlighted["id"] == target.lead_id


async def test_one_toast_per_event_names_the_lead_and_many_make_one_toast(
        account: Account) -> None:
    app = app_on(account)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        while True:  # until one poll brings a single form fill
            batches = await account.happen(1)
            events = [e for b in batches for e in b.events]
            if len(events) == 1 and events[0].kind is WatchKind.FORM and events[0].lead_email:
                break
        await arrive(app, pilot, batches)
        (toast,) = [n for n in app._notifications if n.title == "Form filled"]
        assert events[0].title in toast.message and events[0].who in toast.message
        many = await account.happen(50)
        await arrive(app, pilot, many)
        summary = [n for n in app._notifications if n.title == "New activity"]
        assert len(summary) == 1 and "A shows them" in summary[0].message
        assert "form fills" in summary[0].message or "page visits" in summary[0].message
        await pilot.press("A")  # open the Activity tab on just those events
        await settle(pilot)
        f = feed(app)
        assert isinstance(app.screen, MainScreen) and app.screen.current_view == "activity"
        assert f.count == sum(len(b.events) for b in many)
