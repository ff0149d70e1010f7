"""The app: keys by id, help and palette for what works here, read-only, and the mirror's news."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from textual.widgets import HelpPanel, Static

from ssui.mirror import MirrorStore
from ssui.mirror.scheduler import StreamStatus
from ssui.mirror.sync import SyncProgress
from ssui.tui.app import SsuiApp, binding_ids
from ssui.tui.sample import SampleSize, lead
from ssui.tui.screens.main import MainScreen
from ssui.tui.widgets.app_header import AppHeader
from ssui.tui.widgets.entity_browser import EntityBrowser

from .helpers import FakeMirror, settle

AppMaker = Callable[..., SsuiApp]


def browser(app: SsuiApp, key: str = "lead") -> EntityBrowser:
    assert isinstance(app.screen, MainScreen)
    return app.screen.browser(key)


def header_text(app: SsuiApp) -> str:
    header = app.screen.query_one(AppHeader)
    return " ".join(str(s.content) for s in header.query(Static))


def new_leads(store: MirrorStore, first_id: int, n: int) -> None:
    size = SampleSize(leads=first_id + n)
    stamp = datetime(2026, 6, 1, tzinfo=UTC)
    store.upsert("lead", [{**lead(i, size), "createTimestamp": stamp, "updateTimestamp": stamp}
                          for i in range(first_id - 1, first_id - 1 + n)])


def test_no_action_is_reachable_only_through_a_chord() -> None:
    # shift+tab counts as a plain key: every terminal sends it as one (back-tab, CSI Z).
    for b_id, keys in binding_ids().items():
        assert any("+" not in k or k == "shift+tab" for k in keys.split(",")), b_id


async def test_a_keymap_remaps_a_key_by_binding_id(make_app: AppMaker) -> None:
    app = make_app(keymap={"ssui.detail": "o"})
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        b = browser(app)
        await pilot.press("d")
        await settle(pilot)
        assert not b.detail_open
        await pilot.press("o")
        await settle(pilot)
        assert b.detail_open


async def test_question_mark_and_f1_show_and_hide_the_keys_that_work_here(
        make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert app.screen.query(HelpPanel)
        await pilot.press("f1")
        await settle(pilot)
        assert not app.screen.query(HelpPanel)


async def test_the_keys_panel_names_keys_in_one_notation(make_app: AppMaker) -> None:
    from rich.console import Console
    from textual.widgets._key_panel import BindingsTable

    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        console = Console(width=60, record=True)
        console.print(app.screen.query_one(BindingsTable).render_bindings_table())
        lines = [" ".join(line.split()) for line in console.export_text().splitlines()]
    assert "^c Copy selected text" in lines  # not "^c super+c"
    assert not [line for line in lines if "super" in line]
    assert "pgdn ^f Page down" in lines and "^pgup < Page left" in lines


async def test_the_palette_offers_the_actions_that_work_here(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in ("Go to Accounts", "Search", "Filter", "Sort", "Detail", "Quit"):
            assert wanted in titles
        assert not {"New", "Edit", "Go to Activity", "Go to Console"} & set(titles)  # not built
        assert "Clear filters" not in titles  # no filter is set
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Detail")
        await command.callback()
        await settle(pilot)
        assert browser(app).detail_open


async def test_colon_opens_the_command_palette(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("colon")
        await settle(pilot)
        assert type(app.screen).__name__ == "CommandPalette"


async def test_ctrl_p_opens_the_palette_even_from_the_search_box(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "a", "ctrl+p")
        await settle(pilot)
        assert type(app.screen).__name__ == "CommandPalette"


async def test_the_palette_names_each_command_once(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Quit" in titles and "Keys" in titles
        assert len(titles) == len(set(titles)), sorted(titles)


async def test_each_palette_command_says_what_it_does_not_only_its_name(
        make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for screen_keys in ((), ("5",)):  # the lead list, then the Activity feed
            await pilot.press(*screen_keys)
            await settle(pilot)
            for c in app.get_system_commands(app.screen):
                said = str(c.help).split(" · key ")[0]
                assert said.strip().lower() != c.title.strip().lower(), c.title


async def test_closing_the_detail_from_inside_it_gives_the_keys_back_to_the_list(
        make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "tab")  # the detail, then into it
        await settle(pilot)
        b = browser(app)
        assert b.detail_open and b.detail.has_focus_within
        await pilot.press("escape")
        await settle(pilot)
        assert not b.detail_open and b.table.has_focus
        await pilot.press("j", "enter")  # keys work at once: down a row, and the detail
        await settle(pilot)
        assert b.table.cursor_row == 1 and b.detail_open


async def test_the_keys_panel_floats_over_the_list_at_80_columns(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = browser(app).table
        width = table.size.width
        await pilot.press("f1")
        await settle(pilot)
        assert app.screen.query("HelpPanel")
        assert table.size.width == width  # not squeezed into what the panel leaves


async def test_read_only_is_shown_and_reaches_the_browsers(make_app: AppMaker) -> None:
    app = make_app(read_only=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Search" in titles
        assert "read-only" in header_text(app)
        assert browser(app).read_only


def test_every_view_has_its_number_key() -> None:
    ids = binding_ids()
    assert [ids[f"ssui.view.{v}"] for v in ("lead", "account", "campaign", "opportunity",
                                            "activity", "console")] == list("123456")


async def test_key_6_opens_the_console_in_its_method_field(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and app.screen.current_view == "console"
        assert app.focused is app.screen.console.api_editor.method_input
        assert not app.screen.query(".coming-title")  # nothing is marked as coming any more


async def test_without_a_mirror_the_header_says_it_shows_an_offline_copy(
        make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "acme-test" in header_text(app) and "offline copy" in header_text(app)


async def test_the_header_shows_sync_state_and_calls_used_today(
        make_app: AppMaker, store: MirrorStore) -> None:
    mirror = FakeMirror(store)
    app = make_app(mirror)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await mirror.running.wait()
        assert isinstance(app.screen, MainScreen)
        app.screen.refresh_sync_state()
        await settle(pilot)
        assert "in sync" in header_text(app) and "1,234 / 50,000 calls today" in header_text(app)
        leads = mirror.scheduler.streams["leads"]
        leads.status, leads.last_error = StreamStatus.FAILING, "HTTP 503 from SharpSpring"
        leads.next_due = time.monotonic() + 30
        app.screen.refresh_sync_state()
        await settle(pilot)
        assert "leads: retrying in 30 s" in header_text(app)
        assert "HTTP 503" in header_text(app)


async def test_new_leads_are_announced_without_moving_the_cursor(
        make_app: AppMaker, store: MirrorStore) -> None:
    mirror = FakeMirror(store)
    app = make_app(mirror)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        b = browser(app)
        await pilot.press(*["down"] * 4)
        before = (b.table.cursor_row, b.table.top_row, b.table.highlighted)
        new_leads(store, 301, 3)
        mirror.changed("lead")
        await settle(pilot)
        assert (b.table.cursor_row, b.table.top_row, b.table.highlighted) == before
        assert b.new_rows == 3 and b.count == 303
        assert "+3 new" in str(b.query_one("#badge", Static).content)
        assert b.status_text().endswith("of 303 leads")


async def test_new_leads_at_the_top_keep_the_cursor_on_its_lead(
        make_app: AppMaker, store: MirrorStore) -> None:
    mirror = FakeMirror(store)
    app = make_app(mirror)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        b = browser(app)
        await pilot.press("S")  # newest first: new leads arrive above the cursor
        await settle(pilot)
        await pilot.press("home", *["down"] * 4)
        chosen = b.table.highlighted
        assert chosen is not None and chosen["id"] == 296
        screen_row = b.table.cursor_row - b.table.top_row
        new_leads(store, 301, 2)
        mirror.changed("lead")
        await settle(pilot)
        assert b.table.highlighted == chosen
        assert b.table.cursor_row == 6 and b.table.cursor_row - b.table.top_row == screen_row
        assert b.new_rows == 2


async def test_rows_filling_the_mirror_during_the_first_sync_are_not_announced_as_new(
        make_app: AppMaker, store: MirrorStore) -> None:
    mirror = FakeMirror(store)
    app = make_app(mirror)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        b = browser(app)
        new_leads(store, 301, 50)
        app._progress(SyncProgress(entity="lead", records=350, entities_total=8))
        await settle(pilot)
        assert b.count == 350 and b.new_rows == 0
        app._progress(SyncProgress(entity="", records=350, done=True))
        new_leads(store, 351, 5)
        mirror.changed("lead")  # the first sync's closing notice
        await settle(pilot)
        assert b.count == 355 and b.new_rows == 0
        new_leads(store, 356, 2)
        mirror.changed("lead")  # news from here on
        await settle(pilot)
        assert b.new_rows == 2


async def test_the_first_poll_right_after_the_first_sync_does_not_announce_the_sync(
        make_app: AppMaker, store: MirrorStore) -> None:
    mirror = FakeMirror(store)
    app = make_app(mirror)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        b = browser(app)
        app._progress(SyncProgress(entity="lead", records=300, entities_total=8))
        await settle(pilot)
        # The sync's last rows land, then its closing notice and the first poll's notice
        # arrive back to back (the poll found 2 new leads).
        new_leads(store, 301, 40)
        app._progress(SyncProgress(entity="", records=340, done=True))
        mirror.changed("lead")
        new_leads(store, 341, 2)
        mirror.changed("lead")
        await settle(pilot)
        assert b.count == 342
        assert b.new_rows <= 2  # never the sync's 40 rows as "new"


async def test_a_failing_mirror_read_becomes_a_toast_and_a_status_line_not_a_crash(
        make_app: AppMaker, store: MirrorStore) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        b = browser(app)

        def broken(*_: object) -> int:
            raise RuntimeError("database is locked")

        store.count = broken  # type: ignore[method-assign,assignment]
        await pilot.press("slash", "a")
        await settle(pilot)
        assert b.status_text() == "Could not read the mirror: database is locked"
        assert any("database is locked" in n.message for n in app._notifications)
        assert app.is_running


async def test_a_mirror_that_stops_syncing_is_reported_and_the_app_keeps_running(
        make_app: AppMaker, store: MirrorStore) -> None:
    mirror = FakeMirror(store, fail_with=ConnectionError("account disabled"))
    app = make_app(mirror)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await mirror.running.wait()
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        app.screen.refresh_sync_state()
        await settle(pilot)
        assert "sync stopped" in header_text(app)
        assert any("account disabled" in n.message for n in app._notifications)
        assert app.is_running and browser(app).count == 300


async def test_refresh_restarts_a_sync_that_stopped(make_app: AppMaker,
                                                     store: MirrorStore) -> None:
    mirror = FakeMirror(store, fail_with=ConnectionError("network down"))
    runs = 0
    original = mirror.run

    async def counted(progress: object = None) -> None:
        nonlocal runs
        runs += 1
        if runs > 1:
            mirror.fail_with = None  # the network is back
        await original(progress)

    mirror.run = counted  # type: ignore[method-assign]
    app = make_app(mirror)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await mirror.running.wait()
        await settle(pilot)
        assert app.sync_error == "network down"
        await pilot.press("r")
        await settle(pilot)
        assert runs == 2
        assert app.sync_error is None
