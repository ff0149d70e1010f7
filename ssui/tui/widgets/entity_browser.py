"""One browser for every entity: the table, search, sort, filters, status line and detail.

The registry decides everything entity-specific (columns, labels, which filters exist, which
fields are searchable); there is no lead browser or account browser. The browser keeps its
state (cursor, sort, search, filters, detail open or not) for as long as it is mounted, so a
tab switch or opening the detail loses nothing.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.actions import parse as parse_action
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.message import Message
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.worker import Worker, get_current_worker

from ssui.config.views import BrowsePrefs, Condition, SavedFilter, SavedView
from ssui.entities import Entity
from ssui.mirror import Filter, MirrorStore, Query
from ssui.mirror.export import export_query
from ssui.text import printable
from ssui.tui.browse_state import ActiveFilter, BrowseState, Place
from ssui.tui.bulk import CONFIRM_ABOVE, MARK_LIMIT, BulkResult
from ssui.tui.data_text import data_text
from ssui.tui.format import format_value
from ssui.tui.messages import SyncNow, TaskFailed, failure
from ssui.tui.names import NameResolver
from ssui.tui.rows import MirrorRows
from ssui.tui.widgets.css import list_view_css
from ssui.tui.widgets.record_detail import RecordDetail
from ssui.tui.widgets.record_table import BLOCK, Record, RecordTable
from ssui.tui.widgets.search_box import SearchBox

# A read the user waits on runs inline while the last read took less than this (seconds).
INLINE_BUDGET = 0.045
# A list at least this long sorted by a column with no index is read in the worker even then:
# SQLite sorts every row (a million leads by Weighted score: 150 ms), which would freeze the
# screen for that long on the keystroke that asked for it.
SLOW_SORT_ROWS = 250_000


@dataclass(frozen=True)
class _Loaded:
    version: int
    source: MirrorRows
    count: int
    total: int
    cursor: int
    rows: dict[int, list[Record]]
    keep_screen_row: int | None
    grew: int
    max_id: int


class EntityBrowser(Widget):
    """Browse one entity's records from the mirror."""

    DEFAULT_CSS = list_view_css(__file__, "EntityBrowser")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", id="ssui.search",
                tooltip="Find records as you type: any part of a name, email, company or city"),
        Binding("f", "filter", "Filter", id="ssui.filter",
                tooltip="Narrow the list by status, owner, dates, scores and other fields"),
        Binding("F", "clear_filters", "Clear filters", id="ssui.filter.clear",
                tooltip="Drop every filter of this list (the search stays)"),
        Binding("s", "sort", "Sort", id="ssui.sort",
                tooltip="Sort by the column at the column cursor (again: by the next one)"),
        Binding("S", "reverse_sort", "Reverse", id="ssui.sort.reverse",
                tooltip="Reverse the order of the list"),
        Binding("d", "toggle_detail", "Detail", id="ssui.detail",
                tooltip="Show or hide the record under the cursor in full"),
        Binding("v", "flip_split", "Split ↔", id="ssui.detail.flip",
                tooltip="Put the detail beside the list or below it"),
        Binding("o", "related", "Related", show=False, id="ssui.related",
                tooltip="Into the record's related records (Enter opens one, backspace "
                "comes back)"),
        Binding("C", "choose_columns", "Columns", show=False, id="ssui.columns",
                tooltip="Choose, order and hide this list's columns"),
        Binding("V", "save_view", "Save view", show=False, id="ssui.view.save",
                tooltip="Save the filters, search, sort and columns under a name"),
        Binding("x", "export", "Export", show=False, id="ssui.export",
                tooltip="Write every row the list shows (filters, search, sort) to CSV or JSON"),
        Binding("y", "copy('cell')", "Copy cell", show=False, id="ssui.copy.cell",
                tooltip="Copy the value under the cursor to the clipboard"),
        Binding("Y", "copy('row')", "Copy record", show=False, id="ssui.copy.row",
                tooltip="Copy the record under the cursor as JSON to the clipboard"),
        Binding("at", "copy('email')", "Copy email", show=False, id="ssui.copy.email",
                tooltip="Copy the email address of the record under the cursor"),
        Binding("r", "refresh", "Refresh now", show=False, id="ssui.refresh",
                tooltip="Fetch this list's changes from SharpSpring now"),
        Binding("escape", "back", "Back", show=False, id="ssui.back",
                tooltip="Clear the search, else close the detail, else unmark all"),
        Binding("n", "write('new')", "New", id="ssui.record.new",
                tooltip="Create a record of this tab's kind"),
        Binding("e", "write('edit')", "Edit", id="ssui.record.edit",
                tooltip="Edit the record at the cursor"),
        Binding("ctrl+d,delete", "write('delete')", "Delete", id="ssui.record.delete",
                tooltip="Delete the record at the cursor (asks first)"),
        # On a connection that cannot write, the same keys (same ids, so a keymap moves
        # them too) only say why; they show nowhere.
        *(Binding(key, "refuse_write", "", show=False, system=True, id=f"ssui.record.{what}")
          for key, what in (("n", "new"), ("e", "edit"), ("ctrl+d,delete", "delete"))),
        # Marks: record ids, kept across scrolling, sorting, searching and reloads.
        Binding("space", "mark", "Mark", show=False, id="ssui.mark",
                tooltip="Mark or unmark the record at the cursor and move down (bulk edit, "
                "delete and add to a list act on the marked records; pgdn pages down)"),
        Binding("ctrl+a,asterisk", "mark_all", "Mark all", show=False, id="ssui.mark.all",
                tooltip=f"Mark every record the list shows (its filters and search), up to "
                f"{MARK_LIMIT:,}; asks first above {CONFIRM_ABOVE}"),
        Binding("u", "clear_marks", "Unmark all", id="ssui.mark.clear",
                tooltip="Clear the marks (escape too, once nothing else is open)"),
        Binding("E", "bulk('edit')", "Edit marked", id="ssui.bulk.edit",
                tooltip="Set fields on every marked record (one update call per 500)"),
        Binding("D", "bulk('delete')", "Delete marked", id="ssui.bulk.delete",
                tooltip="Delete every marked record (asks first, with the count)"),
        Binding("a", "bulk('list')", "Add to list", id="ssui.bulk.list",
                tooltip="Add the marked leads to a list"),
        Binding("R", "bulk_results", "Bulk results", show=False, id="ssui.bulk.results",
                tooltip="The records the last bulk action failed on, with each error"),
        *(Binding(key, "refuse_bulk", "", show=False, system=True, id=f"ssui.bulk.{what}")
          for key, what in (("E", "edit"), ("D", "delete"), ("a", "list"))),
    ]

    detail_open: var[bool] = var(False)
    split_below: var[bool] = var(False)

    class _Message(Message):
        """A message about this browser (no handler listens for this base itself)."""

        def __init__(self, browser: EntityBrowser) -> None:
            super().__init__()
            self.browser = browser

        @property
        def control(self) -> EntityBrowser:
            return self.browser

    class FilterRequested(_Message):
        """The user asked to edit this browser's filters (the screen shows the form)."""

    class ColumnsRequested(_Message):
        """The user asked to choose this browser's columns (the screen shows the chooser)."""

    class ExportRequested(_Message):
        """The user asked to export the list (the screen asks for the file)."""

    class SaveViewRequested(_Message):
        """The user asked to save what the list shows as a view (the screen asks its name)."""

    class WriteRequested(_Message):
        """The user asked to create, edit or delete a record (the screen shows the form)."""

        def __init__(self, browser: EntityBrowser, what: str, record: Record | None) -> None:
            super().__init__(browser)
            self.what = what
            self.record = record

    class BulkRequested(_Message):
        """The user asked for a bulk action on the marked records: "edit", "delete", "list"."""

        def __init__(self, browser: EntityBrowser, what: str) -> None:
            super().__init__(browser)
            self.what = what

    class MarkAllRequested(_Message):
        """Marking every row of the view needs a yes first (more than CONFIRM_ABOVE)."""

        def __init__(self, browser: EntityBrowser, ids: list[int], capped: bool) -> None:
            super().__init__(browser)
            self.ids = ids
            self.capped = capped

    class BulkResultsRequested(_Message):
        """The user asked to see what the last bulk action failed on."""

    class Ready(_Message):
        """The list shows its first rows."""

    class Loaded(Message):
        """A worker read a query's count and first rows."""

        def __init__(self, browser: EntityBrowser, result: _Loaded) -> None:
            super().__init__()
            self.browser = browser
            self.result = result

    def __init__(self, store: MirrorStore, entity_key: str, *,
                 resolver: NameResolver | None = None, read_only: bool = False,
                 write_refusal: str | None = None, prefs: BrowsePrefs | None = None,
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.store = store
        self.entity: Entity = store.entity(entity_key)
        # Saved views and chosen columns (in the profile, or for this run).
        self.prefs = prefs if prefs is not None else BrowsePrefs()
        self.resolver = resolver or NameResolver(store)
        self.read_only = read_only
        # Why this browser cannot write (None when it can): said when a write key is pressed.
        self.write_refusal = write_refusal if write_refusal else (
            "read-only connection" if read_only else None)
        self.state = BrowseState()
        self.count = 0
        self.total = 0
        self.new_rows = 0
        self.loaded_once = False
        self.error: str | None = None
        self._version = 0
        self._shown: tuple[str, str, str, bool] | None = None
        self._read_seconds = 0.0
        self._offered: tuple[bool | None, ...] = ()
        self._actions = tuple(parse_action(b.action)[1:] for bs in
                              self._bindings.key_to_bindings.values() for b in bs)
        self._quiet_version: int | None = None
        # Ids of the marked records; the table draws them (it shares this set).
        self.marks: set[int] = set()
        # What the last bulk action did (its failures open with R).
        self.last_bulk: BulkResult | None = None

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        noun = self.entity.plural.lower()
        searchable = ", ".join(f.label.lower() for f in self.entity.searchable_fields[:4])
        with Container(id="split"):
            with Vertical(id="list"):
                with Horizontal(id="searchbar", classes="-hidden"):
                    yield Static("/", id="search-prompt")
                    yield SearchBox(placeholder=f"search {noun} by {searchable}", id="search",
                                    compact=True)
                yield Static(id="chips", classes="-hidden")
                yield RecordTable(self.entity, resolver=self.resolver, id="table",
                                  columns=self.prefs.columns.get(self.entity.key))
                with Horizontal(id="statusbar"):
                    yield Static(id="status")
                    yield Static(id="badge")
            yield RecordDetail(self.store, resolver=self.resolver, id="detail")

    @property
    def table(self) -> RecordTable:
        return self.query_one("#table", RecordTable)

    @property
    def detail(self) -> RecordDetail:
        return self.query_one("#detail", RecordDetail)

    @property
    def search_input(self) -> Input:
        return self.query_one("#search", Input)

    def _show_search(self, shown: bool) -> None:
        self.query_one("#searchbar").set_class(not shown, "-hidden")

    def on_mount(self) -> None:
        self.detail.display = False
        self.table.marks = self.marks
        self.watch(self.table, "scroll_y", self._scrolled, init=False)
        self.watch(self.search_input, "value", self._search_typed, init=False)
        self.reload()

    def focus_table(self) -> None:
        self.table.focus()

    # -- loading ---------------------------------------------------------------------------

    def reload(self, *, keep: Record | None = None, cursor: int = 0,
               keep_screen_row: bool = False, announce: bool = False,
               interactive: bool = False, screen_row: int | None = None) -> None:
        """Re-read the count and the rows around the cursor.

        Reads run in a worker. A read the user is waiting on (a search keystroke, a sort) runs
        at once on this thread while the last such read took under ``INLINE_BUDGET``: its
        rows then reach the screen in the same frame as the keystroke instead of a frame or
        two later. A slower mirror (a bigger account, a busy disk) goes back to the worker,
        and so does a long list sorted by a column with no index (``SLOW_SORT_ROWS``).
        """
        self._version += 1
        query = self.state.query(self.entity.key)
        table = self.table
        if keep_screen_row:
            screen_row = table.cursor_row - table.top_row
        args = (self._version, MirrorRows(self.store, query), keep, cursor, screen_row,
                # Until the first read lands there is no count to be new against.
                self.count if announce and self.loaded_once else None, interactive)
        slow_sort = bool(query.sort) and self.total >= SLOW_SORT_ROWS and not (
            self.store.sorts_by_index(query.entity, str(query.sort)))
        if (interactive and self.loaded_once and self._read_seconds < INLINE_BUDGET
                and not slow_sort):
            try:
                result = self._read(*args)
            except Exception as exc:  # the same path a failed worker takes
                self._failed(TaskFailed("reading the list", exc))
                return
            self._show_loaded(result)
        else:
            self._load(*args)

    def _read(self, version: int, source: MirrorRows, keep: Record | None, cursor: int,
              screen_row: int | None, old_count: int | None, timed: bool) -> _Loaded:
        """Read a query's count and the rows around the cursor (any thread)."""
        started = time.perf_counter()
        count = source.count()
        total = self.store.count_all(self.entity.key) if source.query.filters or (
            source.query.search) else count
        if keep is not None:
            found = source.index_of(keep)
            cursor = found if found is not None else min(cursor, max(count - 1, 0))
        cursor = max(0, min(cursor, count - 1))
        start = cursor // BLOCK * BLOCK
        rows = {start: source.rows(start, BLOCK)}
        if cursor % BLOCK > BLOCK - 40 and start + BLOCK < count:
            rows[start + BLOCK] = source.rows(start + BLOCK, BLOCK)
        self.resolver.prime_rows([c.field for c in self.table.columns],
                                 [r for chunk in rows.values() for r in chunk])
        grew = max(0, count - old_count) if old_count is not None else 0
        if timed:  # only reads a person waits on decide whether the next one runs inline
            self._read_seconds = time.perf_counter() - started
        return _Loaded(version, source, count, total, cursor, rows, screen_row, grew,
                       self.store.max_id(self.entity.key))

    @work(thread=True, exclusive=True, group="browse", exit_on_error=False,
          description="reading the list")
    def _load(self, version: int, source: MirrorRows, keep: Record | None, cursor: int,
              screen_row: int | None, old_count: int | None, timed: bool) -> None:
        result = self._read(version, source, keep, cursor, screen_row, old_count, timed)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(self, result))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        event.stop()
        self._show_loaded(event.result)

    def _show_loaded(self, r: _Loaded) -> None:
        if r.version != self._version:
            return  # a newer query is on its way
        if self._quiet_version is not None and r.version >= self._quiet_version:
            self._quiet_version = None
        self.count, self.total, self.error = r.count, r.total, None
        self.new_rows += r.grew
        table = self.table
        table.empty_text = self.empty_text()
        top = None
        if r.keep_screen_row is not None:
            top = r.cursor - r.keep_screen_row
        table.load(r.source, count=r.count, cursor=r.cursor, top=top, rows=r.rows,
                   widest_id=r.max_id)
        table.set_sort(self.state.sort, self.state.descending)
        if not self.loaded_once:
            self.loaded_once = True
            self.post_message(self.Ready(self))
        self._refresh_keys()
        self._show_status()

    def _refresh_keys(self) -> None:
        """Show the keys that work now (Edit and Delete while a record is at the cursor,
        Clear filters while one is set, …), when that changed since last time.

        Textual's footer rebuilds all its keys on every ``refresh_bindings`` (about 8 ms of a
        frame), so it is called only when ``check_action`` answers differently for one of
        this browser's keys: a second filter, a sort or the hundredth mark changes nothing.
        """
        offered = tuple(self.check_action(name, params) for name, params in self._actions)
        if offered != self._offered:
            self._offered = offered
            self.refresh_bindings()

    def _failed(self, failed: TaskFailed) -> None:
        self.error = failed.text
        self._show_status()
        self.post_message(failed)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        failed = failure(event)
        if failed is not None:
            self._failed(failed)

    def mirror_changed(self, *, announce: bool = True) -> None:
        """The mirror's rows of this entity changed: recount, keep the cursor where it is.

        With ``announce``, rows beyond the last count show as "+N new".
        """
        if not announce:
            # The read this starts counts the rows quietly; a loud notice that comes before
            # it lands would count from before them, so it stays quiet too.
            self._quiet_version = self._version + 1
        elif self._quiet_version is not None:
            announce = False
        entity = self.store.entity(self.entity.key)
        if entity != self.entity:  # custom fields arrived with the sync
            self.entity = entity
            self.table.set_fields(entity)
        self.reload(keep=self.table.highlighted, cursor=self.table.cursor_row,
                    keep_screen_row=True, announce=announce)

    def names_changed(self) -> None:
        """Names of referenced records may have changed (e.g. an account was renamed)."""
        self.table.reformat()

    # -- status line -----------------------------------------------------------------------

    def _scrolled(self, _old: float, _new: float) -> None:
        self._show_status()

    @on(RecordTable.ViewChanged)
    def _resized(self, event: RecordTable.ViewChanged) -> None:
        event.stop()
        self._show_status()

    def empty_text(self) -> str:
        """What the table says when nothing is in it: why, and how to see rows again."""
        noun = self.entity.plural.lower()
        st = self.state
        if not st.narrowed:
            return f"No {noun} in the mirror yet."
        why = [f"“{st.search.strip()}”"] if st.search.strip() else []
        why += [a.label for a in st.filters]
        undo = [k for k, on in (("esc clears the search", bool(st.search.strip())),
                                ("F clears the filters", bool(st.filters))) if on]
        return f"No {noun} match {' · '.join(why)}: {', '.join(undo)}."

    def status_text(self) -> str:
        """The status line as plain text: the rows in view and honest counts."""
        noun = self.entity.plural.lower()
        if self.error:
            return f"Could not read the mirror: {self.error}"
        if not self.loaded_once:
            return f"Reading {noun}…"
        parts: list[str] = []
        if self.count == 0:
            if self.state.narrowed:
                parts.append(f"0 matches · {self.total:,} {noun}")
            else:
                parts.append(f"No {noun} in the mirror yet")
        else:
            first = self.table.top_row + 1
            last = min(self.table.top_row + self.table.visible_rows, self.count)
            span = f"{first:,}–{last:,} of {self.count:,}"
            if self.state.narrowed:
                parts.append(f"{span} matches · {self.total:,} {noun}")
            else:
                parts.append(f"{span} {noun}")
        if self.state.sort:
            label = self.entity.field(self.state.sort).label if self.entity.has_field(
                self.state.sort) else self.state.sort
            parts.append(f"sorted by {label} {'▼' if self.state.descending else '▲'}")
        elif self.state.descending:
            parts.append("newest first")
        if self.marks:
            parts.append(f"{len(self.marks):,} marked")
        return "  ·  ".join(parts)

    def _show_status(self) -> None:
        """Update the status line, badge and chips; only what changed is redrawn."""
        text = self.status_text()
        badge_text = f"+{self.new_rows:,} new" if self.new_rows else ""
        chips_text = "   ".join(f"▸ {a.label}" for a in self.state.filters)
        shown = (text, badge_text, chips_text, self.error is not None)
        if shown == self._shown:
            return
        old = self._shown
        self._shown = shown
        status = self.query_one("#status", Static)
        # The status line is one row of fixed width: no layout pass for a new text.
        status.update(data_text(text), layout=False)
        status.set_class(self.error is not None, "-error")
        if old is None or old[1] != badge_text:
            badge = self.query_one("#badge", Static)
            badge.update(badge_text)
            badge.set_class(bool(self.new_rows), "-new")
        if old is None or old[2] != chips_text:
            chips = self.query_one("#chips", Static)
            chips.update(data_text(chips_text))
            chips.set_class(not self.state.filters, "-hidden")

    # -- state changes ---------------------------------------------------------------------

    def apply(self, state: BrowseState, *, keep_record: bool = False) -> None:
        """Show ``state`` (search, sort, filters); the cursor stays on its record if asked."""
        self.state = state
        self.new_rows = 0
        keep = self.table.highlighted if keep_record else None
        self.reload(keep=keep, cursor=0, interactive=True)
        self._refresh_keys()  # "Clear filters" shows only while a filter is set
        self._show_status()

    def open_record(self, record_id: int) -> bool:
        """Put the cursor on one record, with its detail open; False if the mirror lacks it.

        A search or filter that would hide it is cleared first, so the record is in view.
        """
        record = self.store.get(self.entity.key, record_id)
        if record is None:
            return False
        if self.state.search or self.state.filters:
            self.search_input.value = ""
            self._show_search(False)
            self.state = replace(self.state, search="", filters=())
            self._refresh_keys()
        self.new_rows = 0
        self.reload(keep=record, interactive=True)
        self.detail_open = True
        self.detail.show(self.entity, record)
        self.focus_table()
        return True

    def place(self) -> Place:
        """Where the user is in this list, to come back to (the back stack)."""
        record = self.table.highlighted
        return Place(self.entity.key, self.state, record.get("id") if record else None,
                     self.table.cursor_row, self.table.cursor_row - self.table.top_row,
                     self.detail_open)

    def restore(self, place: Place) -> None:
        """Show the list as it was at ``place``: search, sort, filters, cursor and detail."""
        self.state = place.state
        self.search_input.value = place.state.search
        self._show_search(bool(place.state.search))
        record = (self.store.get(self.entity.key, place.record_id)
                  if place.record_id is not None else None)
        self.new_rows = 0
        self.reload(keep=record, cursor=place.cursor, interactive=True,
                    screen_row=place.screen_row)
        self.detail_open = place.detail_open
        if place.detail_open and record is not None:
            self.detail.show(self.entity, record)
        self._refresh_keys()
        self._show_status()
        self.focus_table()
        # The tab is shown again only now: once it has its size, the row goes back in place.
        self.call_after_refresh(self._row_on_screen, place.screen_row)

    def _row_on_screen(self, screen_row: int) -> None:
        table = self.table
        table.scroll_to(y=max(0, table.cursor_row - screen_row), animate=False, immediate=True)

    def set_filters(self, filters: tuple[ActiveFilter, ...]) -> None:
        self.apply(replace(self.state, filters=filters))

    def _search_typed(self, value: str) -> None:
        # A watcher, not the Changed message: it runs before the keystroke's frame is drawn,
        # so the matches can appear in that same frame.
        if value != self.state.search:
            self.apply(replace(self.state, search=value))

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value:
            self._show_search(False)
        self.table.focus()

    @on(RecordTable.SortRequested)
    def _header_clicked(self, event: RecordTable.SortRequested) -> None:
        event.stop()
        if event.column == self.state.sort:
            self.apply(replace(self.state, descending=not self.state.descending),
                       keep_record=True)
        else:
            self.apply(replace(self.state, sort=event.column, descending=False),
                       keep_record=True)

    @on(RecordTable.RowHighlighted)
    def _highlighted(self, event: RecordTable.RowHighlighted) -> None:
        event.stop()
        self._refresh_keys()
        if self.detail_open and event.record is not None:
            self.detail.show(self.entity, event.record)
        self._show_status()

    @on(RecordTable.RowSelected)
    def _selected(self, event: RecordTable.RowSelected) -> None:
        event.stop()
        self.action_toggle_detail()

    def watch_detail_open(self, open_: bool) -> None:
        detail = self.detail
        if not open_ and detail.has_focus_within:
            self.focus_table()  # the focus would go with the pane, and keys with it
        detail.display = open_
        if open_ and self.table.highlighted is not None:
            detail.show(self.entity, self.table.highlighted)

    def watch_split_below(self, below: bool) -> None:
        self.query_one("#split").set_class(below, "-below")

    # -- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # "Clear filters" only exists while a filter is set; writes only where they work.
        if action == "clear_filters":
            return bool(self.state.filters)
        if action == "write":
            return self.write_refusal is None and self._can(str(parameters[0]))
        if action == "refuse_write":
            return self.write_refusal is not None
        if action == "mark":
            return self.table.highlighted is not None
        if action == "mark_all":
            return self.count > 0
        if action == "clear_marks":
            return bool(self.marks)
        if action == "bulk":
            return bool(self.marks) and self.write_refusal is None and self._can_bulk(
                str(parameters[0]))
        if action == "refuse_bulk":
            return bool(self.marks) and self.write_refusal is not None
        if action == "bulk_results":
            return self.last_bulk is not None and bool(self.last_bulk.troubled)
        return True

    def _can_bulk(self, what: str) -> bool:
        methods = self.entity.methods
        if what == "edit":
            return methods.update is not None
        if what == "delete":
            return methods.delete is not None
        return what == "list" and self.entity.key == "lead"

    def _can(self, what: str) -> bool:
        methods = self.entity.methods
        if what == "new":
            return methods.create is not None
        if self.table.highlighted is None:
            return False
        return (methods.update if what == "edit" else methods.delete) is not None

    def action_write(self, what: str) -> None:
        record = None if what == "new" else self.table.highlighted
        self.post_message(self.WriteRequested(self, what, record))

    def action_refuse_write(self) -> None:
        self.notify(f"Not possible here: {self.write_refusal}.", severity="warning",
                    title=self.entity.plural)

    # -- marks and bulk actions ------------------------------------------------------------

    def _marks_changed(self, record_id: int | None = None) -> None:
        self.table.marks_changed(record_id)
        self._refresh_keys()
        self._show_status()

    def action_mark(self) -> None:
        """Mark the record at the cursor (unmark a marked one), then move down a row."""
        record = self.table.highlighted
        if record is None:
            return
        rid = record["id"]
        if rid in self.marks:
            self.marks.discard(rid)
        else:
            self.marks.add(rid)
        self._marks_changed(rid)
        self.table.action_cursor_down()

    def action_clear_marks(self) -> None:
        if self.marks:
            self.marks.clear()
            self._marks_changed()

    def mark(self, ids: Iterable[int]) -> None:
        """Mark these records (ctrl+a, after the question if there was one)."""
        self.marks.update(ids)
        self._marks_changed()

    def action_mark_all(self) -> None:
        self._read_all_ids(self.state.query(self.entity.key))

    @work(thread=True, exclusive=True, group="marks", exit_on_error=False,
          description="marking the list")
    def _read_all_ids(self, query: Query) -> None:
        ids = [r["id"] for r in self.store.page(replace(query, offset=0,
                                                        limit=MARK_LIMIT + 1))]
        capped = len(ids) > MARK_LIMIT
        self.app.call_from_thread(self._all_ids_read, ids[:MARK_LIMIT], capped)

    def _all_ids_read(self, ids: list[int], capped: bool) -> None:
        noun = self.entity.plural.lower()
        if len(ids) > CONFIRM_ABOVE:
            self.post_message(self.MarkAllRequested(self, ids, capped))
            return
        self.mark(ids)
        self.notify(f"{len(ids):,} {noun} marked", title="Marks")

    def action_bulk(self, what: str) -> None:
        if self.marks:
            self.post_message(self.BulkRequested(self, what))

    def action_refuse_bulk(self) -> None:
        self.notify(f"Not possible here: {self.write_refusal}.", severity="warning",
                    title=self.entity.plural)

    def marked_ids(self) -> list[int]:
        """The marked ids, in id order (the order bulk writes send them)."""
        return sorted(self.marks)

    def bulk_done(self, result: BulkResult) -> None:
        """A bulk action finished: deleted records lose their marks; the list shows it."""
        self.last_bulk = result
        if result.verb == "deleted":
            self.marks.difference_update(result.done)
        self.table.marks_changed()
        self._refresh_keys()
        self.reload(keep=self.table.highlighted, cursor=self.table.cursor_row,
                    keep_screen_row=True)

    def action_bulk_results(self) -> None:
        if self.last_bulk is not None and self.last_bulk.troubled:
            self.post_message(self.BulkResultsRequested(self))

    def show_only(self, ids: Sequence[int], label: str) -> None:
        """Filter the list to these records (the failures of a bulk action)."""
        self.search_input.value = ""
        self._show_search(False)
        self.apply(replace(self.state, search="", filters=(
            ActiveFilter("bulk", label, (Filter("id", "in", tuple(ids)),)),)))
        self.focus_table()

    def show_saved(self, record_id: int) -> None:
        """After a save: the cursor on the record, detail open. The search and filters stay
        when the record still matches them; otherwise they are cleared so it is in view."""
        record = self.store.get(self.entity.key, record_id)
        if record is None:
            self.reload(keep=self.table.highlighted, cursor=self.table.cursor_row,
                        keep_screen_row=True)
            return
        q = self.state.query(self.entity.key)
        if self.state.narrowed and self.store.count(
                replace(q, filters=(*q.filters, Filter("id", "=", record_id)))):
            self.new_rows = 0
            self.reload(keep=record, interactive=True)
            self.detail_open = True
            self.detail.show(self.entity, record)
            self.focus_table()
            return
        self.open_record(record_id)

    def action_search(self) -> None:
        self._show_search(True)
        # At once, not after the keys already queued: a fast typist's (or a paste's) next
        # letters go into the box, not to the list's keys ("n" would open a new lead).
        self.screen.set_focus(self.search_input)

    def action_filter(self) -> None:
        self.post_message(self.FilterRequested(self))

    def action_clear_filters(self) -> None:
        self.set_filters(())

    def action_sort(self) -> None:
        """Sort by the column at the column cursor; pressed again, move on to the next column."""
        table = self.table
        column = table.current_column
        if column is None:
            return
        if column.name == self.state.sort:
            table.move_column((table.cursor_column + 1) % len(table.columns))
            column = table.current_column
            assert column is not None
        self.apply(replace(self.state, sort=column.name, descending=False), keep_record=True)

    def action_reverse_sort(self) -> None:
        self.apply(replace(self.state, descending=not self.state.descending), keep_record=True)

    def action_related(self) -> None:
        """Open the detail if it is closed and go to its related records."""
        if self.table.highlighted is None:
            return
        self.detail_open = True
        self.detail.focus_related()

    # -- export and copy -------------------------------------------------------------------

    def action_export(self) -> None:
        self.post_message(self.ExportRequested(self))

    def export_to(self, path: Path, fmt: str) -> None:
        """Write every row the list shows to ``path`` (in a worker), saying how it went."""
        what = self.entity.plural.lower()
        self.notify(printable(f"Exporting {self.count:,} {what} to {path}…"), title="Export",
                    markup=False)
        self._export(self.state.query(self.entity.key), path, fmt)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False,
          description="exporting the list")
    def _export(self, query: Query, path: Path, fmt: str) -> None:
        what = self.entity.plural.lower()
        try:
            done = export_query(self.store, query, "json" if fmt == "json" else "csv", path)
        except (OSError, ValueError) as exc:
            self.app.call_from_thread(
                self.notify, printable(f"Export to {path} failed: {exc}"), title="Export",
                severity="error", markup=False, timeout=12)
            return
        self.app.call_from_thread(
            self.notify, printable(f"Exported {done.rows:,} {what} to {path} "
                                   f"({done.bytes / 1e6:,.1f} MB)"), title="Export",
            markup=False)

    def action_copy(self, what: str) -> None:
        record = self.table.highlighted
        if record is None:
            return
        if what == "email":
            email = record.get("emailAddress") if self.entity.has_field("emailAddress") else None
            if not email:
                self.notify(f"This {self.entity.label.lower()} has no email address.",
                            severity="warning", title="Copy")
                return
            text, said = str(email), f"email {email}"
        elif what == "row":
            one = replace(self.state.query(self.entity.key),
                          filters=(Filter("id", "=", record["id"]),), search="")
            sink = io.StringIO()
            export_query(self.store, one, "json", sink)
            (shown,) = json.loads(sink.getvalue())
            text = json.dumps(shown, ensure_ascii=False, indent=2)
            said = f"{self.entity.label} #{record['id']} as JSON ({len(shown)} fields)"
        else:
            column = self.table.current_column
            if column is None:
                return
            text = format_value(column.field, record.get(column.field.name), self.resolver,
                                one_line=False)
            said = f"{column.field.label}: {text}" if text else f"{column.field.label} (empty)"
        self.app.copy_to_clipboard(text)
        self.notify(printable(f"Copied {said}"[:120]), title="Clipboard", markup=False)

    def action_toggle_detail(self) -> None:
        self.detail_open = not self.detail_open

    def action_flip_split(self) -> None:
        if not self.detail_open:
            self.detail_open = True
        self.split_below = not self.split_below

    def action_refresh(self) -> None:
        self.post_message(SyncNow())
        self.new_rows = 0
        self.reload(keep=self.table.highlighted, cursor=self.table.cursor_row,
                    keep_screen_row=True)

    def action_back(self) -> None:
        """Escape: leave the search box (clearing it), else close the detail."""
        box = self.search_input
        if box.has_focus:
            box.value = ""
            self._show_search(False)
            self.table.focus()
        elif self.detail_open:
            self.detail_open = False
        elif self.state.search:
            box.value = ""
            self._show_search(False)
        elif self.marks:
            self.action_clear_marks()

    # -- columns and saved views -----------------------------------------------------------

    def action_choose_columns(self) -> None:
        self.post_message(self.ColumnsRequested(self))

    def columns_chosen(self, columns: tuple[str, ...] | None) -> None:
        """The chooser closed: show and keep ``columns`` (None: it was cancelled)."""
        self.focus_table()
        if columns is None:
            return
        self.set_columns(columns)
        try:
            self.prefs.save_columns(self.entity.key, columns)
        except Exception as exc:  # a config file that cannot be written: say so, keep them
            self.notify(printable(f"Columns not saved: {exc}"), severity="error",
                        markup=False)
            return
        self.notify(printable(f"{len(columns)} columns, saved "
                              f"{self.prefs.where('columns')}"), title="Columns",
                    markup=False)

    def set_columns(self, columns: tuple[str, ...]) -> None:
        """Show these columns (the cursor stays on its record)."""
        self.table.set_columns(columns)
        self.reload(keep=self.table.highlighted, cursor=self.table.cursor_row,
                    keep_screen_row=True)

    def current_view(self) -> SavedView:
        """What the list shows now, as a saved view would keep it."""
        st = self.state
        return SavedView(search=st.search, sort=st.sort, descending=st.descending,
                         columns=self.table.field_names,
                         filters=tuple(SavedFilter(slot=a.slot, label=a.label, text=a.text,
                                                   conditions=tuple(Condition(
                                                       field=f.field, op=f.op,
                                                       value=_plain(f.value))
                                                       for f in a.filters))
                                       for a in st.filters))

    def action_save_view(self) -> None:
        self.post_message(self.SaveViewRequested(self))

    def view_named(self, name: str | None) -> None:
        """The name dialog closed: keep what the list shows under ``name`` (None: cancelled)."""
        self.focus_table()
        if name is None:
            return
        try:
            self.prefs.save_view(self.entity.key, name, self.current_view())
        except Exception as exc:  # a config file that cannot be written
            self.notify(printable(f"View not saved: {exc}"), severity="error",
                        markup=False)
            return
        self.notify(printable(f"“{name}” saved {self.prefs.where('views')}; the palette"
                              f" (:) lists it as View: {name}"), title="Saved view",
                    markup=False)

    def apply_view(self, view: SavedView) -> None:
        """Show a saved view: its columns, filters, search and sort."""
        if view.columns:
            self.table.set_columns(view.columns)
        known = self.entity.has_field
        filters = tuple(
            ActiveFilter(f.slot, f.label, tuple(Filter(c.field, c.op, c.value)
                                                for c in f.conditions), f.text)
            for f in view.filters if all(known(c.field) for c in f.conditions))
        sort = view.sort if view.sort and known(view.sort) else None
        self.search_input.value = view.search
        self._show_search(bool(view.search))
        self.apply(BrowseState(view.search, sort, view.descending, filters))
        self.focus_table()


def _plain(value: Any) -> Any:
    """A filter value as TOML keeps it (a list for a tuple)."""
    return list(value) if isinstance(value, tuple) else value

