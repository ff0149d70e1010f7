"""Filters read off the registry, saved views in the profile, and the column chooser."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, Select, Static

from ssui.config import WatchPrefs
from ssui.config.errors import ConfigError
from ssui.config.views import BrowsePrefs, load_views
from ssui.mirror import Filter, MirrorStore, Query
from ssui.session import AccountSession
from ssui.tui.app import SsuiApp
from ssui.tui.filter_kinds import filter_kinds
from ssui.tui.screens.columns import ColumnsScreen
from ssui.tui.screens.filter import FilterScreen
from ssui.tui.screens.view_name import ViewNameScreen
from ssui.tui.widgets.entity_browser import EntityBrowser
from ssui.tui.widgets.record_picker import RecordPicker

from .helpers import settle

AppMaker = Callable[..., SsuiApp]
PROFILE = "work"


def browser(app: SsuiApp, key: str = "lead") -> EntityBrowser:
    return app.screen.query_one(f"#browse-{key}", EntityBrowser)


def listed_ids(b: EntityBrowser) -> set[int]:
    return {r["id"] for i in range(b.count) if (r := b.table.record_at(i))}


def mirror_ids(store: MirrorStore, key: str, *filters: Filter) -> set[int]:
    return {r["id"] for r in store.page(Query(key, filters, limit=100_000))}


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SSUI_CONFIG_DIR", str(tmp_path))
    (tmp_path / "config.toml").write_text(f'[profiles.{PROFILE}]\naccount_id = "123"\n')
    return tmp_path


def saved_app(store: MirrorStore) -> SsuiApp:
    return SsuiApp(AccountSession(PROFILE, store), watch=WatchPrefs(profile=PROFILE))


async def open_filters(pilot: object, app: SsuiApp, tab: str = "1") -> FilterScreen:
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press(tab, "f")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    assert isinstance(app.screen, FilterScreen)
    return app.screen


async def apply(pilot: object) -> None:
    await pilot.press("f2")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


def test_the_filters_are_read_off_the_registry(store: MirrorStore) -> None:
    lead = {(k.field.name, k.how) for k in filter_kinds(store.entity("lead"))}
    assert {("leadStatus", "choice"), ("ownerID", "pick"), ("campaignID", "pick"),
            ("accountID", "pick"), ("leadScore", "range"), ("createTimestamp", "range"),
            ("updateTimestamp", "range"), ("active", "flag"),
            ("emailAddress", "list")} <= lead
    opportunity = {(k.field.name, k.how) for k in filter_kinds(store.entity("opportunity"))}
    assert {("amount", "range"), ("dealStageID", "pick"), ("isWon", "flag"),
            ("isClosed", "flag"), ("closeDate", "range")} <= opportunity


async def test_leads_by_status_narrow_to_the_mirrors_rows(
        make_app: AppMaker, store: MirrorStore) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_filters(pilot, app)
        screen.query_one("#choice-leadStatus", Select).value = "open"
        await apply(pilot)
        b = browser(app)
        assert listed_ids(b) == mirror_ids(store, "lead", Filter("leadStatus", "=", "open"))
        assert 0 < b.count < 300 and b.state.filters[0].label == "Status is open"


async def test_leads_by_campaign_and_account_picked(
        make_app: AppMaker, store: MirrorStore) -> None:
    rows = store.page(Query("lead", (Filter("campaignID", "not empty"),), limit=1))
    campaign, account = rows[0]["campaignID"], rows[0]["accountID"]
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_filters(pilot, app)
        screen.query_one("#pick-campaignID", RecordPicker).value = campaign
        screen.query_one("#pick-accountID", RecordPicker).value = account
        await apply(pilot)
        expected = mirror_ids(store, "lead", Filter("campaignID", "=", campaign),
                              Filter("accountID", "=", account))
        assert listed_ids(browser(app)) == expected and expected


async def test_leads_by_score_range_and_updated_dates(
        make_app: AppMaker, store: MirrorStore) -> None:
    times = sorted(r["updateTimestamp"] for r in store.page(Query("lead", limit=1000)))
    day = times[len(times) // 2].date().isoformat()
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_filters(pilot, app)
        screen.query_one("#from-leadScore", Input).value = "20"
        screen.query_one("#to-leadScore", Input).value = "60"
        screen.query_one("#from-updateTimestamp", Input).value = day
        await apply(pilot)
        b = browser(app)
        since = datetime.fromisoformat(day).replace(tzinfo=UTC)
        expected = {r["id"] for r in store.page(Query("lead", limit=1000))
                    if 20 <= (r["leadScore"] or -1) <= 60 and r["updateTimestamp"] >= since}
        assert listed_ids(b) == expected and 0 < len(expected) < 300
        # Filters combine, and the chips say them in words.
        assert [a.label for a in b.state.filters] == ["Score 20–60", f"Updated since {day}"]
        chips = str(b.query_one("#chips", Static).render())
        assert "Score 20–60" in chips and f"Updated since {day}" in chips


async def test_leads_active_or_not(make_app: AppMaker, store: MirrorStore) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_filters(pilot, app)
        screen.query_one("#flag-active", Select).value = "no"
        await apply(pilot)
        b = browser(app)
        expected = {r["id"] for r in store.page(Query("lead", limit=1000)) if not r["active"]}
        assert listed_ids(b) == expected
        assert b.state.filters[0].label == "Not active"


async def test_opportunities_by_amount_deal_stage_and_won(
        make_app: AppMaker, store: MirrorStore) -> None:
    stage = store.page(Query("opportunity", limit=1))[0]["dealStageID"]
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_filters(pilot, app, "4")
        screen.query_one("#from-amount", Input).value = "$5,000"
        screen.query_one("#pick-dealStageID", RecordPicker).value = stage
        screen.query_one("#flag-isWon", Select).value = "no"
        await apply(pilot)
        b = browser(app, "opportunity")
        expected = mirror_ids(store, "opportunity", Filter("amount", ">=", 5000),
                              Filter("dealStageID", "=", stage), Filter("isWon", "!=", True))
        assert listed_ids(b) == expected
        assert b.state.filters[-2].label == "Amount at least 5,000.00"
        await pilot.press("F")
        await settle(pilot)
        assert b.count == 60


async def test_a_bad_number_or_date_says_so_at_its_row_and_nothing_is_lost(
        make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_filters(pilot, app)
        screen.query_one("#choice-leadStatus", Select).value = "open"
        screen.query_one("#from-leadScore", Input).value = "lots"
        screen.query_one("#to-createTimestamp", Input).value = "2026-13-45"
        await apply(pilot)
        assert app.screen is screen  # not applied
        assert "Score from: a whole number" in str(
            screen.query_one("#error-leadScore", Static).render())
        assert "Created to: a date as YYYY-MM-DD" in str(
            screen.query_one("#error-createTimestamp", Static).render())
        assert screen.query_one("#from-leadScore", Input).has_focus
        assert screen.query_one("#from-leadScore", Input).value == "lots"
        assert screen.query_one("#choice-leadStatus", Select).value == "open"
        screen.query_one("#from-leadScore", Input).value = "80"
        screen.query_one("#to-leadScore", Input).value = "50"
        screen.query_one("#to-createTimestamp", Input).value = ""
        await apply(pilot)
        assert "“to” comes before “from”" in str(
            screen.query_one("#error-leadScore", Static).render())


async def test_a_saved_view_round_trips_through_config_and_the_palette(
        store: MirrorStore, config_dir: Path) -> None:
    app = saved_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_filters(pilot, app)
        screen.query_one("#from-leadScore", Input).value = "50"
        screen.query_one("#choice-leadStatus", Select).value = "open"
        await apply(pilot)
        await pilot.press("S")  # newest first
        await settle(pilot)
        b = browser(app)
        b.set_columns(("id", "emailAddress", "leadScore"))
        await settle(pilot)
        saved_state = b.state
        await pilot.press("V")
        await settle(pilot)
        assert isinstance(app.screen, ViewNameScreen)
        await pilot.press("enter")  # no name yet: it says so
        await settle(pilot)
        assert "needs a name" in str(app.screen.query_one("#name-error", Static).render())
        await pilot.press(*"hot leads", "enter")
        await settle(pilot)
    document = tomllib.loads((config_dir / "config.toml").read_text())
    view = document["profiles"][PROFILE]["views"]["leads"]["hot leads"]
    assert view["columns"] == ["id", "emailAddress", "leadScore"] and view["descending"]
    assert load_views(PROFILE)["lead"]["hot leads"].filters[0].label == saved_state.filters[
        0].label

    again = saved_app(store)
    async with again.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        command = next(c for c in again.get_system_commands(again.screen)
                       if c.title == "View: hot leads")
        command.callback()
        await settle(pilot)
        b = browser(again)
        assert again.screen.query_one("#views").active == "view-lead"  # type: ignore[attr-defined]
        assert b.state == saved_state
        assert b.table.field_names == ("id", "emailAddress", "leadScore")
        expected = mirror_ids(store, "lead", *(f for a in saved_state.filters
                                               for f in a.filters))
        assert listed_ids(b) == expected


async def test_without_a_saved_profile_views_last_for_the_run(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("V")
        await settle(pilot)
        hint = str(app.screen.query_one("#dialog-hint", Static).render())
        assert "for this run only" in hint
        await pilot.press(*"mine", "enter")
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "View: mine" in titles and "Save view" in titles and "Columns" in titles


def test_a_bad_saved_view_names_the_file_and_key(config_dir: Path) -> None:
    (config_dir / "config.toml").write_text(
        f'[profiles.{PROFILE}]\naccount_id = "1"\n'
        f'[profiles.{PROFILE}.views.leads."hot"]\ndescending = "very"\n')
    with pytest.raises(ConfigError) as caught:
        BrowsePrefs.of(PROFILE)
    message = str(caught.value)
    assert str(config_dir / "config.toml") in message
    assert '[profiles.work.views.leads.hot] descending:' in message
    (config_dir / "config.toml").write_text(
        f'[profiles.{PROFILE}]\naccount_id = "1"\n[profiles.{PROFILE}.columns]\npeople = ["id"]\n')
    with pytest.raises(ConfigError, match=r"\[profiles.work.columns\] people: unknown list"):
        BrowsePrefs.of(PROFILE)


async def test_the_column_chooser_hides_moves_and_keeps_columns(
        store: MirrorStore, config_dir: Path) -> None:
    app = saved_app(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        assert isinstance(app.screen, ColumnsScreen)
        # ID, First name, Last name, Email...: hide First name, move Email above Last name.
        await pilot.press("down", "space", "down", "down", "left_square_bracket")
        await pilot.press("enter")
        await settle(pilot)
        b = browser(app)
        shown = b.table.field_names
        assert shown[:3] == ("id", "emailAddress", "lastName") and "firstName" not in shown
    document = tomllib.loads((config_dir / "config.toml").read_text())
    assert tuple(document["profiles"][PROFILE]["columns"]["leads"]) == shown
    again = saved_app(store)
    async with again.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert browser(again).table.field_names == shown


def cells(b: EntityBrowser, row: int) -> dict[str, str]:
    """The cells of one rendered table line, by column name (whole columns only)."""
    table = b.table
    line = table.render_line(row - table.top_row + 1).text
    header = table.render_line(0).text
    out: dict[str, str] = {}
    for c in table.columns:
        at = header.find(f" {c.label[:3]}")
        if at >= 0:
            out[c.name] = line[at: at + c.width + 2].strip()
    return out


async def test_at_120_columns_company_owner_and_status_read_whole(
        make_app: AppMaker, store: MirrorStore) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        b = browser(app)
        names = {c.name for c in b.table.columns}
        assert len(names) == 10
        for row in range(10):
            shown = cells(b, row)
            record = b.table.record_at(row) or {}
            assert shown["companyName"] == record["companyName"]
            assert shown["city"] == record["city"]
            # 119 cells cannot hold ten columns whole: Updated gives up its time of day
            # first, then the widest (the email) gives way; none is cut to a few letters
            # (Owner was "Sof…" while Status had 14).
            assert shown["ownerID"] == b.resolver.name("user_profile", record["ownerID"])
            status = shown["leadStatus"]
            assert status == record["leadStatus"] or (
                len(status) >= 12 and record["leadStatus"].startswith(status.rstrip("…")))
            assert shown["updateTimestamp"] == record["updateTimestamp"].astimezone(
                ).strftime("%Y-%m-%d")
        width = {c.name: c.width for c in b.table.columns}
        # Status is never wider than its longest value ("contactWithOpp").
        assert width["emailAddress"] >= 24 and width["leadStatus"] <= len("contactWithOpp")


async def test_with_the_detail_open_email_and_updated_stay_whole(make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        b = browser(app)
        table = b.table
        for row in range(5):
            record = table.record_at(row) or {}
            assert cells(b, row)["emailAddress"] == record["emailAddress"]
        # No column is drawn cut at the right edge; scrolling keeps ID and names in place.
        header = table.render_line(0).text
        assert "Updated" not in header and header.rstrip().endswith(
            table.columns[4].label)
        await pilot.press("end", "l", "l", "l", "l", "l", "l", "l", "l", "l")
        await settle(pilot)
        header = table.render_line(0).text
        assert header.lstrip().startswith("ID  First") and "Updated" in header
        shown = cells(b, table.cursor_row)
        assert len(shown["updateTimestamp"]) == 16


async def test_a_range_typed_in_one_burst_lands_in_both_of_its_boxes(
        make_app: AppMaker) -> None:
    # "40", Tab, "90" typed faster than the app draws (a fast typist, a paste, a busy
    # machine): the keys after Tab go to the box Tab moved to, not the one it left.
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_filters(pilot, app)
        screen.query_one("#from-leadScore", Input).focus()
        await pilot.pause()
        for key in ("4", "0", "tab", "9", "0"):
            app.post_message(events.Key(key, None if key == "tab" else key))
        await settle(pilot)
        assert screen.query_one("#from-leadScore", Input).value == "40"
        assert screen.query_one("#to-leadScore", Input).value == "90"
        assert app.focused is screen.query_one("#to-leadScore", Input)
