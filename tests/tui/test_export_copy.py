"""Export the list as shown and copy from it, on the real mirror of a sandbox account."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

from textual.widgets import Input, Static

from ssui.mirror import Filter, Query
from ssui.tui.app import SsuiApp
from ssui.tui.browse_state import ActiveFilter
from ssui.tui.screens.export import ExportScreen
from ssui.tui.screens.main import MainScreen
from ssui.tui.widgets.entity_browser import EntityBrowser

from .helpers import settle
from .live import Live, live

__all__ = ["live"]


def leads(app: SsuiApp) -> EntityBrowser:
    screen = app.screen
    assert isinstance(screen, MainScreen), screen
    return screen.browser("lead")


async def test_x_exports_every_row_the_filtered_sorted_list_shows(live: Live,
                                                                tmp_path: Path) -> None:
    status = ActiveFilter("status", "Status is not unqualified",
                          (Filter("leadStatus", "!=", "unqualified"),))
    wanted = [r["id"] for r in live.store.page(Query(
        "lead", status.filters, sort="lastName", limit=100_000))]
    assert len(wanted) > 100  # more than the rows a list loads at once
    app = live.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        b = leads(app)
        b.apply(replace(b.state, filters=(status,), sort="lastName"))
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        box = app.screen.query_one(Input)
        assert box.value.endswith(".csv")
        box.value = str(tmp_path / "open.txt")  # no format in the name: said where typed
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert ".csv or .json" in str(app.screen.query_one("#name-error", Static).render())
        assert box.value == str(tmp_path / "open.txt")  # nothing typed is lost
        box.value = str(tmp_path / "open.csv")
        await pilot.press("enter")
        for _ in range(50):
            await settle(pilot)
            if any("Exported" in str(n.message) for n in app._notifications):
                break
        assert isinstance(app.screen, MainScreen)
    with (tmp_path / "open.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["id"]) for r in rows] == wanted
    assert "unqualified" not in {r["leadStatus"] for r in rows}
    assert any(f"Exported {len(wanted):,} leads" in str(n.message) for n in app._notifications)


async def test_an_export_that_cannot_be_written_says_why(live: Live, tmp_path: Path) -> None:
    app = live.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        (tmp_path / "a-file").write_text("not a folder")
        leads(app).export_to(tmp_path / "a-file" / "x.json", "json")
        for _ in range(50):
            await settle(pilot)
            if any("failed" in str(n.message) for n in app._notifications):
                break
        messages = [str(n.message) for n in app._notifications]
        assert any("Export to" in m and "failed" in m for m in messages), messages


async def test_y_copies_the_cell_at_sign_the_email_and_Y_the_record(live: Live) -> None:
    app = live.app()
    async with app.run_test(size=(160, 36)) as pilot:
        await settle(pilot)
        b = leads(app)
        record = b.table.highlighted
        assert record is not None
        await pilot.press("at")
        await settle(pilot)
        assert app.clipboard == record["emailAddress"]
        b.table.move_column(list(b.table.field_names).index("lastName"))
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == record["lastName"]
        await pilot.press("Y")
        await settle(pilot)
        copied = json.loads(app.clipboard)
        assert copied["id"] == record["id"] and copied["emailAddress"] == record["emailAddress"]
