"""Watch settings in the app: the screen, what saving changes at once, and what toasts.

The app runs on the real mirror of an in-process sandbox (see ``live``); its settings are a
saved profile in the test's own config dir.
"""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime

from textual.widgets import Checkbox, Input, Static

from ssui.config import WatchPrefs, WatchSettings
from ssui.mirror.event_log import EventQuery
from ssui.mirror.events import WatchBatch, WatchEvent, WatchKind
from ssui.tui.app import SsuiApp
from ssui.tui.messages import TaskFailed, WatchArrived
from ssui.tui.screens.activity_filter import ActivityFilterScreen
from ssui.tui.screens.main import MainScreen
from ssui.tui.screens.watch_settings import WatchSettingsScreen
from ssui.tui.widgets.activity_feed import ActivityFeed
from ssui.tui.widgets.record_picker import RecordPicker

from .helpers import settle
from .live import PROFILE, Live, live, until

__all__ = ["live"]  # the fixture, for pytest


def feed(app: SsuiApp) -> ActivityFeed:
    assert isinstance(app.screen, MainScreen)
    return app.screen.activity


def saved(account: Live) -> dict[str, object]:
    document = tomllib.loads((account.config / "config.toml").read_text())
    table: dict[str, object] = document["profiles"][PROFILE].get("watch", {})
    return table


def note(app: SsuiApp) -> str:
    return str(app.screen.query_one("#share-note", Static).content)


async def test_w_on_the_activity_tab_opens_the_settings_and_saving_replans_the_polling_at_once(
        live: Live) -> None:
    app = live.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.mirror is not None
        sched = app.mirror.scheduler
        await until(pilot, lambda: sched.streams["activity"].runs > 0)
        before = sched.streams["activity"].interval
        assert sched.budget.daily_share == 0.2 and 10 < before < 15  # about 12 s at 20%
        await pilot.press("5", "w")
        await settle(pilot)
        assert isinstance(app.screen, WatchSettingsScreen)
        await pilot.press("tab", "tab", "space")  # page visits: not watched
        box = app.screen.query_one("#share", Input)
        box.value = "50%"
        await settle(pilot)
        assert note(app) == "50%: up to 25,000 of 50,000 calls a day"
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        # Kept in the profile...
        table = saved(live)
        assert table["quota_share"] == 0.5
        assert "pages" not in table["streams"] and "forms" in table["streams"]
        # ...and applied now: the events call every ~5 s instead of ~12 s, within 50%.
        assert sched.budget.daily_share == 0.5
        assert 4 < sched.streams["activity"].interval < 6
        assert sched.streams["activity"].next_due <= sched.clock() + 6
        assert sched.planned_calls_per_day() <= 0.5 * 50_000
        # The feed leaves out what is not watched, and says so.
        f = feed(app)
        assert "Not watched: page visited (w changes)" in f.chips_text()
        pages = live.store.feed_count(EventQuery(kinds=(str(WatchKind.PAGE),)))
        assert pages > 0 and f.count == live.store.feed_count(EventQuery()) - pages
        assert any(n.title == "Watch settings" for n in app._notifications)


async def test_turning_off_every_activity_watch_stops_the_events_call(live: Live) -> None:
    app = live.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await app.run_action("watch_settings")
        await settle(pilot)
        for name in ("forms", "pages", "emails"):
            app.screen.query_one(f"#watch-{name}", Checkbox).value = False
        await pilot.press("f2")
        await settle(pilot)
        assert app.mirror is not None
        sched = app.mirror.scheduler
        activity = sched.streams["activity"]
        runs = activity.runs
        assert not activity.enabled and activity not in sched.due()
        sched.refresh_now()  # r: polls what is watched, not the events
        await until(pilot, lambda: sched.streams["leads"].status.value == "ok")
        assert activity.runs == runs
        assert saved(live)["streams"] == ["leads", "accounts", "opportunities"]


async def test_a_quota_share_out_of_range_is_refused_next_to_the_field_keeping_what_was_typed(
        live: Live) -> None:
    app = live.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("5", "w")
        await settle(pilot)
        box = app.screen.query_one("#share", Input)
        box.focus()
        box.value = ""
        await pilot.press("9", "5", "percent_sign")
        await settle(pilot)
        assert note(app) == "must be from 0.01 to 0.9 (1% to 90%)"
        assert app.screen.query_one("#share-note").has_class("-error")
        await pilot.press("f2")  # refused: the form stays, with what was typed
        await settle(pilot)
        assert isinstance(app.screen, WatchSettingsScreen) and box.value == "95%"
        assert box.has_focus and saved(live) == {}
        box.value = "20"
        await settle(pilot)
        assert note(app) == "must be 0.01 to 0.9: for 20% type 0.2 or 20%"
        box.value = "0.3"
        await pilot.press("enter")  # enter in the field saves too
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and saved(live)["quota_share"] == 0.3


async def test_escape_leaves_the_settings_as_they_were(live: Live) -> None:
    app = live.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("5", "w", "space")
        await settle(pilot)
        assert not app.screen.query_one("#watch-forms", Checkbox).value
        assert app.screen.query_one("#toast-forms", Checkbox).disabled  # no toast unwatched
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and saved(live) == {}
        assert app.watching is not None and "forms" in app.watching.settings.streams


async def test_the_palette_offers_watch_settings_on_every_tab(live: Live) -> None:
    app = live.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for tab in ("1", "5"):
            await pilot.press(tab)
            await settle(pilot)
            titles = [c.title for c in app.get_system_commands(app.screen)]
            assert titles.count("Watch settings") == 1
        command = next(c for c in app.get_system_commands(app.screen)
                       if c.title == "Watch settings")
        await command.callback()
        await settle(pilot)
        assert isinstance(app.screen, WatchSettingsScreen)


def event(seq: int, kind: WatchKind, entity: str = "event", owner: int | None = None) -> WatchEvent:
    return WatchEvent(key=f"t:{seq}", kind=kind, entity=entity, record_id=seq, lead_id=1,
                      occurred_at=datetime(2026, 6, 1, tzinfo=UTC), title=f"{kind.label} {seq}",
                      lead_name=f"Lead {seq}", lead_email=f"l{seq}@example.com", owner_id=owner,
                      seq=seq)


async def test_only_the_kinds_chosen_toast_and_errors_always_do(live: Live) -> None:
    quiet = WatchPrefs(WatchSettings(toasts=("forms",)), profile=PROFILE)
    app = live.app(prefs=quiet)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.post_message(WatchArrived(WatchBatch((
            event(9_001, WatchKind.PAGE), event(9_002, WatchKind.FORM),
            event(9_003, WatchKind.EMAIL)))))
        app.post_message(TaskFailed("reading the activity", RuntimeError("disk full")))
        await settle(pilot)
        titles = [n.title for n in app._notifications]
        assert "Form filled" in titles
        assert "Page visited" not in titles and "Email opened" not in titles
        assert "Failed reading the activity" in titles  # errors are never held back
        await pilot.press("A")  # the toast's events: the form fill
        await settle(pilot)
        assert feed(app).query_.kinds == (str(WatchKind.FORM),)


async def test_new_records_of_other_owners_are_not_announced_when_the_owner_is_mine(
        live: Live) -> None:
    users = sorted(live.store.ids("user_profile"))
    me = live.store.get("user_profile", users[0])
    assert me is not None
    settings = WatchSettings(owner="mine")
    app = live.app(prefs=WatchPrefs(settings, PROFILE, me=str(me["emailAddress"])))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.post_message(WatchArrived(WatchBatch((
            event(9_001, WatchKind.LEAD, "lead", owner=users[1]),
            event(9_002, WatchKind.LEAD, "lead", owner=users[0])))))
        await settle(pilot)
        toasts = [n.message for n in app._notifications if n.title == "New lead"]
        assert toasts == ["Lead 9002 <l9002@example.com>"]  # the other owner's is left out


async def test_the_activity_filter_offers_mine_when_the_profile_says_who_you_are(
        live: Live) -> None:
    owners = [e.owner_id for e in live.store.feed_page(EventQuery(), 0, 500) if e.owner_id]
    mine = max(set(owners), key=owners.count)
    me = live.store.get("user_profile", mine)
    assert me is not None
    app = live.app(me=str(me["emailAddress"]))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("5", "f")
        await settle(pilot)
        assert isinstance(app.screen, ActivityFilterScreen)
        picker = app.screen.query_one("#owner", RecordPicker)
        picker.query_one(Input).focus()
        await pilot.press("down")  # Anyone, then Mine
        await settle(pilot)
        assert picker.mine_chosen and picker.value == mine
        await pilot.press("f2")
        await settle(pilot)
        f = feed(app)
        name = live.store.entity("user_profile").display_name(me)
        assert f"Owner is you ({name})" in f.chips_text()
        assert 0 < f.count == live.store.feed_count(EventQuery(owner_id=mine))


async def test_without_me_the_filter_says_how_to_make_mine_known(live: Live) -> None:
    app = live.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("5", "f")
        await settle(pilot)
        picker = app.screen.query_one("#owner", RecordPicker)
        assert picker.mine is None
        hint = str(app.screen.query_one("#mine-hint", Static).content)
        assert f"under [profiles.{PROFILE}]" in hint and 'me = "<your user id or email>"' in hint


async def test_a_session_without_a_saved_profile_keeps_its_settings_for_the_run(
        live: Live) -> None:
    app = live.app(prefs=WatchPrefs())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("5", "w")
        await settle(pilot)
        where = str(app.screen.query_one("#where", Static).content)
        assert "for this run only" in where
        app.screen.query_one("#share", Input).value = "0.4"
        await pilot.press("f2")
        await settle(pilot)
        assert app.mirror is not None and app.mirror.scheduler.budget.daily_share == 0.4
        assert saved(live) == {}  # nothing written
