"""The record table: a million rows cost no more than a hundred, and the keys do what they say."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from textual.app import App, ComposeResult

from ssui.entities import LEAD
from ssui.tui.widgets.record_table import BLOCK, RecordTable

from .helpers import settle


class CountingRows:
    """A row source of ``n`` generated leads that records every read."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.reads: list[tuple[int, int]] = []

    def count(self) -> int:
        return self.n

    def rows(self, offset: int, limit: int) -> list[dict[str, Any]]:
        self.reads.append((offset, limit))
        end = min(offset + limit, self.n)
        return [{"id": i + 1, "firstName": f"First{i + 1}", "lastName": "Lee",
                 "emailAddress": f"p{i + 1}@x.io", "leadScore": i % 100, "ownerID": 1 + i % 2,
                 "updateTimestamp": datetime(2026, 3, 1, 12, 0, tzinfo=UTC)}
                for i in range(offset, end)]


class TableApp(App[None]):
    def __init__(self, source: CountingRows) -> None:
        super().__init__()
        self.source = source
        self.highlighted: list[int] = []
        self.selected: list[int] = []
        self.sorts: list[str] = []

    def compose(self) -> ComposeResult:
        yield RecordTable(LEAD, resolver=lambda f, v: {1: "Maya Lind", 2: "Tom Reyes"}[v])

    def on_mount(self) -> None:
        table = self.query_one(RecordTable)
        table.load(self.source)
        table.focus()

    def on_record_table_row_highlighted(self, event: RecordTable.RowHighlighted) -> None:
        if event.record is not None:
            self.highlighted.append(event.record["id"])

    def on_record_table_row_selected(self, event: RecordTable.RowSelected) -> None:
        self.selected.append(event.record["id"])

    def on_record_table_sort_requested(self, event: RecordTable.SortRequested) -> None:
        self.sorts.append(event.column)


async def test_a_million_rows_materialise_only_the_window_around_the_viewport() -> None:
    source = CountingRows(1_000_000)
    app = TableApp(source)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = app.query_one(RecordTable)
        assert table.row_count == 1_000_000
        assert table.virtual_size.height == 1_000_001
        assert table.cached_rows <= 2 * BLOCK
        assert all(limit <= BLOCK for _, limit in source.reads)


async def test_end_jumps_to_the_last_row_reading_one_more_block() -> None:
    source = CountingRows(1_000_000)
    app = TableApp(source)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        before = len(source.reads)
        await pilot.press("end")
        await settle(pilot)
        table = app.query_one(RecordTable)
        assert table.highlighted is not None and table.highlighted["id"] == 1_000_000
        assert len(source.reads) - before == 1
        assert table.top_row == 1_000_000 - table.visible_rows


async def test_cursor_keys_move_the_cursor_and_announce_each_record() -> None:
    app = TableApp(CountingRows(500))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        table = app.query_one(RecordTable)
        await pilot.press("down", "down", "j", "up")
        await settle(pilot)
        assert app.highlighted[-4:] == [2, 3, 4, 3]
        await pilot.press("pagedown")
        assert table.cursor_row == 2 + table.visible_rows
        await pilot.press("pageup")
        assert table.cursor_row == 2
        await pilot.press("home")
        assert table.cursor_row == 0
        await pilot.press("G")
        assert table.cursor_row == 499


async def test_the_cursor_row_stays_on_screen_as_it_moves_down() -> None:
    app = TableApp(CountingRows(500))
    async with app.run_test(size=(120, 12)) as pilot:
        await settle(pilot)
        table = app.query_one(RecordTable)
        for _ in range(40):
            await pilot.press("down")
        await settle(pilot)
        assert table.top_row <= table.cursor_row < table.top_row + table.visible_rows
        assert table.top_row > 0


async def test_enter_selects_the_highlighted_record() -> None:
    app = TableApp(CountingRows(50))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.selected == [2]


async def test_clicking_a_column_header_asks_to_sort_by_that_column() -> None:
    app = TableApp(CountingRows(50))
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        table = app.query_one(RecordTable)
        start, _ = table._column_x(2)  # the third column: last name
        await pilot.click(RecordTable, offset=(start + 2, 0))
        await settle(pilot)
        assert app.sorts == ["lastName"]


async def test_rows_show_references_by_name_and_the_header_marks_the_sort() -> None:
    app = TableApp(CountingRows(50))
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        table = app.query_one(RecordTable)
        table.set_sort("lastName", True)
        await settle(pilot)
        header = table.render_line(0).text
        first = table.render_line(1).text
        assert "Last name ▼" in header
        assert "Maya Lind" in first and "First1" in first
        assert "2026-03-01 12:00" in first
