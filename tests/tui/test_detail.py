"""The detail pane: every field by its label, names for references, related records, activity."""

from __future__ import annotations

import io
from collections.abc import Callable

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from ssui.mirror import MirrorStore
from ssui.tui.app import SsuiApp
from ssui.tui.screens.main import MainScreen
from ssui.tui.widgets.entity_browser import EntityBrowser
from ssui.tui.widgets.record_detail import RelatedList

from .helpers import settle

AppMaker = Callable[..., SsuiApp]


async def open_detail(pilot: Pilot[None], *keys: str) -> EntityBrowser:
    """Press ``keys``, open the detail, and return the browser in view."""
    app = pilot.app
    await settle(pilot)
    await pilot.press(*keys, "d")
    await settle(pilot)
    assert isinstance(app.screen, MainScreen)
    return app.screen.browser(app.screen.current_view)


def plain(b: EntityBrowser) -> str:
    """Everything the detail pane shows, as plain text at its width on screen."""
    out = io.StringIO()
    for widget in b.detail.children:
        if not widget.display:
            continue
        console = Console(file=out, width=max(widget.content_size.width, 20),
                          color_system=None, legacy_windows=False)
        if isinstance(widget, Static):
            console.print(widget.content)
        elif isinstance(widget, RelatedList):  # the related records, a line each
            for i in range(widget.option_count):
                console.print(str(widget.get_option_at_index(i).prompt))
    return out.getvalue()


async def test_the_lead_detail_shows_every_field_by_its_label_custom_fields_too(
        make_app: AppMaker, store: MirrorStore) -> None:
    app = make_app()
    async with app.run_test(size=(160, 80)) as pilot:
        b = await open_detail(pilot, "down", "down")
        text = plain(b)
        words = " ".join(text.split())  # labels of empty fields share one wrapped line
        lead = store.entity("lead")
        for f in lead.fields:
            assert f.label in words, f.label
        assert "CUSTOM FIELDS" in text and "Sales region" in text and "NPS score" in text
        record = b.table.highlighted
        assert record is not None and record["region_5f1a"] in text
        assert record["emailAddress"] in text.replace("\n", "")


async def test_references_read_as_names_not_ids(make_app: AppMaker, store: MirrorStore) -> None:
    app = make_app()
    async with app.run_test(size=(160, 80)) as pilot:
        b = await open_detail(pilot)
        record = b.table.highlighted
        assert record is not None
        text = plain(b)
        account = store.get("account", record["accountID"])
        campaign = store.get("campaign", record["campaignID"])
        assert account is not None and campaign is not None
        assert "Maya Lind" in text
        assert account["accountName"] in text and campaign["campaignName"] in text


async def test_a_lead_shows_its_account_opportunities_and_recent_activity_newest_first(
        make_app: AppMaker, store: MirrorStore) -> None:
    app = make_app()
    async with app.run_test(size=(160, 80)) as pilot:
        # Lead 6 is the primary lead of an opportunity and has sample activity.
        b = await open_detail(pilot, *["down"] * 5)
        text = plain(b)
        assert "RELATED" in text and "Opportunities" in text
        assert "RECENT ACTIVITY" in text
        events = store.events(lead_id=6, newest_first=True)
        titles = [e.title for e in events]
        positions = [text.index(t) for t in dict.fromkeys(titles)]
        assert positions == sorted(positions)
        assert "2026-" in text.split("RECENT ACTIVITY")[1]


async def test_an_account_shows_its_leads_and_opportunities_with_counts(
        make_app: AppMaker, store: MirrorStore) -> None:
    app = make_app()
    async with app.run_test(size=(160, 80)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        b = await open_detail(pilot)
        text = plain(b)
        assert "Leads (10)" in text and "Opportunities (6)" in text
        assert "… and 2 more" in text
        assert "RECENT ACTIVITY" not in text


async def test_the_detail_follows_the_cursor_and_flips_below_the_table(
        make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        b = await open_detail(pilot)
        beside = b.detail.region
        assert beside.x > b.table.region.x
        await pilot.press("v")
        await settle(pilot)
        assert b.detail.region.y > b.table.region.y and b.detail.region.x == b.table.region.x
        await pilot.press("down")
        await settle(pilot)
        assert b.detail.record == b.table.highlighted
        assert "Bram Bakker" in plain(b)


async def test_a_long_email_breaks_before_its_at_sign_not_mid_word(
        make_app: AppMaker) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        b = await open_detail(pilot, *["down"] * 5)
        record = b.table.highlighted
        assert record is not None
        local, domain = record["emailAddress"].split("@")
        lines = [line.strip() for line in plain(b).splitlines()]
        at = next(i for i, line in enumerate(lines) if line.endswith(local))
        assert lines[at + 1].startswith(f"@{domain}"[:15])
