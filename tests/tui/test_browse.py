"""Browsing: honest counts, sort, search as you type, filters, and state that survives."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from textual import events
from textual.widgets import Input, Select, TabbedContent

from ssui.mirror import Filter, MirrorStore, Query
from ssui.tui.app import SsuiApp
from ssui.tui.rows import MirrorRows
from ssui.tui.screens.filter import FilterScreen
from ssui.tui.screens.main import MainScreen
from ssui.tui.widgets.entity_browser import EntityBrowser
from ssui.tui.widgets.record_picker import RecordPicker

from .helpers import settle, terminal_output

AppMaker = Callable[..., SsuiApp]


def browser(app: SsuiApp, key: str = "lead") -> EntityBrowser:
    assert isinstance(app.screen, MainScreen)
    return app.screen.browser(key)


def shown_sort(b: EntityBrowser) -> str | None:
    """The sort of the rows the table holds now."""
    source = b.table.source
    assert isinstance(source, MirrorRows)
    return source.query.sort


def ids(b: EntityBrowser, n: int = 5) -> list[int]:
    return [r["id"] for r in (b.table.record_at(i) for i in range(n)) if r is not None]


async def test_leads_open_first_with_the_rows_in_view_and_the_true_total(
        make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        b = browser(app)
        assert app.screen.query_one(TabbedContent).active == "view-lead"
        assert b.table.has_focus
        assert b.status_text() == f"1–{b.table.visible_rows} of 300 leads"


async def test_s_sorts_by_the_column_at_the_column_cursor_and_S_reverses(
        make_app: AppMaker, store: MirrorStore) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        b = browser(app)
        await pilot.press("right", "right", "s")  # the third column: last name
        await settle(pilot)
        by_last = [r["id"] for r in store.page(Query("lead", sort="lastName", limit=5))]
        assert b.state.sort == "lastName" and ids(b) == by_last
        assert "sorted by Last name ▲" in b.status_text()
        await pilot.press("S")
        await settle(pilot)
        desc = [r["id"] for r in store.page(Query("lead", sort="lastName", descending=True,
                                                  limit=5))]
        assert ids(b) == desc and "▼" in b.status_text()


async def test_s_again_moves_the_sort_on_to_the_next_column(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        b = browser(app)
        await pilot.press("right", "s", "s")
        await settle(pilot)
        assert b.state.sort == "lastName"


async def test_sorting_keeps_the_cursor_on_the_same_lead(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        b = browser(app)
        await pilot.press(*["down"] * 7)
        chosen = b.table.highlighted
        assert chosen is not None
        await pilot.press("right", "right", "s")
        await settle(pilot)
        assert b.table.highlighted is not None and b.table.highlighted["id"] == chosen["id"]
        assert b.table.cursor_row != 7


async def test_search_filters_as_you_type_with_honest_counts(
        make_app: AppMaker, store: MirrorStore) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        b = browser(app)
        await pilot.press("slash", "a", "d")
        await settle(pilot)
        expected = store.count(Query("lead", search="ad"))
        assert 0 < expected < 300
        assert b.count == expected
        assert b.status_text().endswith(f"of {expected:,} matches · 300 leads")
        await pilot.press("a", "x", "q")
        await settle(pilot)
        assert b.count == 0 and b.status_text() == "0 matches · 300 leads"


async def test_a_search_longer_than_the_box_scrolls_to_keep_the_cursor_in_view(
        make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        b = browser(app)
        typed = "x" * 120 + "end"
        await pilot.press("slash", *typed)
        await settle(pilot)
        box = b.search_input
        assert b.state.search == typed and box.value == typed
        assert box.scroll_x > 0  # the start scrolled out; the end and the cursor are shown
        assert "end" in "".join(s.text for s in box.render_lines(box.region.reset_offset))


async def test_an_id_longer_than_those_of_the_first_rows_is_shown_whole(
        make_app: AppMaker, store: MirrorStore) -> None:
    # The first rows' ids have three digits; a lead further down has seven.
    store.upsert("lead", [{"id": 4_031_977, "firstName": "Zelda", "lastName": "Quorn",
                           "emailAddress": "zelda@quorn.example"}])
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"quorn", "enter")
        await settle(pilot)
        b = browser(app)
        assert b.count == 1
        _, text = terminal_output(app)
        assert "4031977" in text and "403…" not in text


async def test_a_long_list_sorted_by_a_column_with_no_index_is_read_off_the_keystroke(
        make_app: AppMaker, store: MirrorStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # SQLite sorts every row for such a sort (150 ms at a million leads): the screen keeps
    # answering meanwhile and the rows follow; an indexed sort is shown on the keystroke.
    monkeypatch.setattr("ssui.tui.widgets.entity_browser.SLOW_SORT_ROWS", 100)
    assert not store.sorts_by_index("lead", "leadScoreWeighted")
    assert store.sorts_by_index("lead", "lastName")
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        b = browser(app)
        b.apply(replace(b.state, sort="lastName"))
        assert shown_sort(b) == "lastName"  # read on the spot
        b.apply(replace(b.state, sort="leadScoreWeighted"))
        assert shown_sort(b) == "lastName"  # still the old rows: a worker reads
        await settle(pilot)
        by_weighted = [r["id"] for r in store.page(Query("lead", sort="leadScoreWeighted",
                                                         limit=5))]
        assert shown_sort(b) == "leadScoreWeighted" and ids(b) == by_weighted


async def test_escape_in_the_search_box_clears_the_search(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        b = browser(app)
        await pilot.press("slash", "z", "z", "z")
        await settle(pilot)
        assert b.count == 0
        await pilot.press("escape")
        await settle(pilot)
        assert b.state.search == "" and b.count == 300 and b.table.has_focus


async def test_enter_in_the_search_box_keeps_the_search_and_returns_to_the_list(
        make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        b = browser(app)
        await pilot.press("slash", "o", "s", "l", "o", "enter", "down")
        await settle(pilot)
        assert b.state.search == "oslo" and b.table.has_focus and b.table.cursor_row == 1


async def test_leads_filter_by_a_list_of_email_addresses(
        make_app: AppMaker, store: MirrorStore) -> None:
    wanted = [store.get("lead", i) for i in (4, 9, 250)]
    emails = ", ".join(r["emailAddress"] for r in wanted if r)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FilterScreen)
        app.screen.query_one("#list-emailAddress", Input).value = emails.upper()
        await pilot.press("enter")
        await settle(pilot)
        b = browser(app)
        assert sorted(ids(b, 10)) == [4, 9, 250]
        assert b.status_text().startswith("1–3 of 3 matches")
        assert b.state.filters[0].label == "Email is one of 3 values"


async def test_leads_filter_by_a_custom_field_value(
        make_app: AppMaker, store: MirrorStore) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FilterScreen)
        screen.query_one("#custom-field", Select).value = "region_5f1a"
        screen.query_one("#custom-value", Input).value = "North"
        await pilot.press("f2")
        await settle(pilot)
        b = browser(app)
        expected = store.count(Query("lead", (Filter("region_5f1a", "=", "North"),)))
        assert b.count == expected == 75
        assert b.state.filters[0].label == "Sales region contains “North”"


async def test_accounts_filter_by_an_owner_picked_by_name(
        make_app: AppMaker, store: MirrorStore) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FilterScreen)
        await pilot.press(*"sofia")
        await settle(pilot)
        picker = app.screen.query_one(RecordPicker)
        assert picker.value == 3 and picker.value_name == "Sofia Novak"
        await pilot.press("enter")
        await settle(pilot)
        b = browser(app, "account")
        expected = store.count(Query("account", (Filter("ownerID", "=", 3),)))
        assert b.count == expected and 0 < expected < 30
        owners = {(b.table.record_at(i) or {}).get("ownerID") for i in range(expected)}
        assert owners == {3}
        assert b.state.filters[0].label == "Owner is Sofia Novak"
        await pilot.press("F")
        await settle(pilot)
        assert b.count == 30


async def test_opportunities_offer_every_reference_their_list_call_filters_on(
        make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("4", "f")
        await settle(pilot)
        pickers = {p.id for p in app.screen.query(RecordPicker)}
        assert pickers == {"pick-ownerID", "pick-dealStageID", "pick-accountID",
                           "pick-campaignID"}
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_switching_tabs_keeps_cursor_sort_search_and_filters(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        b = browser(app)
        await pilot.press("slash", *"ada", "enter")
        await settle(pilot)
        await pilot.press("right", "right", "s", "down", "down", "down")
        await settle(pilot)
        before = (b.state, b.table.cursor_row, b.table.highlighted)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("down")
        await pilot.press("3", "1")
        await settle(pilot)
        assert (b.state, b.table.cursor_row, b.table.highlighted) == before
        assert browser(app, "account").table.cursor_row == 1
        assert b.table.has_focus


async def test_opening_the_detail_keeps_cursor_and_search(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        b = browser(app)
        await pilot.press("slash", *"lyon", "enter", "down", "down", "enter")
        await settle(pilot)
        assert b.detail_open and b.detail.display
        record = b.table.highlighted
        assert record is not None and b.detail.record == record
        await pilot.press("down")
        await settle(pilot)
        assert b.detail.record == b.table.highlighted != record
        await pilot.press("d")
        await settle(pilot)
        assert not b.detail.display and b.table.cursor_row == 3 and b.state.search == "lyon"


async def test_a_change_before_the_first_read_lands_is_not_counted_as_new_rows(
        make_app: AppMaker, store: MirrorStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # The app's first poll may report changes while a list is still reading its first rows;
    # against no count at all, every row looked new ("+3,027 new" on start).
    release = threading.Event()
    read = EntityBrowser._read

    def slow_first_read(self: EntityBrowser, *args: Any) -> Any:
        if self.entity.key == "account" and not release.is_set():
            release.wait(5)
        return read(self, *args)

    monkeypatch.setattr(EntityBrowser, "_read", slow_first_read)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, MainScreen)
        accounts = screen.browser("account")
        assert not accounts.loaded_once  # its first read is still on its way
        accounts.mirror_changed(announce=True)
        release.set()
        await settle(pilot)
        assert accounts.count == store.count(Query("account"))
        assert accounts.new_rows == 0


async def test_an_empty_result_says_so_in_the_table_and_how_to_undo_it(
        make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zzqqx", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        b = screen.browser("lead")
        assert b.count == 0
        line = b.table.render_line(2).text
        assert "No leads match “zzqqx”" in line and "esc clears the search" in line
        await pilot.press("escape")
        await settle(pilot)
        assert b.count > 0
        assert "No leads" not in b.table.render_line(2).text


async def test_letters_typed_right_after_slash_go_into_the_search(make_app: AppMaker) -> None:
    # A fast typist's (or a terminal paste's) keys arrive together: none may reach the list's
    # own keys ("n" opened a new lead form, "s" sorted) before the search box has the focus.
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        for ch in "/nes":
            app.post_message(events.Key(ch if ch != "/" else "slash", ch))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        b = screen.browser("lead")
        assert b.search_input.value == "nes"
        assert b.state.sort is None
