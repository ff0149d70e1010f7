"""The Activity tab: every watch event, newest first, live, in the same fast table as the lists.

New events join at the top. A reader at the top follows them; a reader further down keeps the
cursor on the event they were reading, and the status line says "+N new". ``p`` pauses the
flow (what arrives meanwhile is counted, and shown on resume). Enter opens the event's record.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Static

from ssui.mirror import MirrorStore
from ssui.mirror.event_log import EventQuery
from ssui.mirror.events import WatchKind
from ssui.mirror.watch_scope import WatchScope
from ssui.tui.activity_rows import ACTIVITY, EVENT, EventRows, opens
from ssui.tui.data_text import data_text
from ssui.tui.messages import SyncNow, TaskFailed
from ssui.tui.names import NameResolver
from ssui.tui.widgets.css import list_view_css
from ssui.tui.widgets.record_table import BLOCK, RecordTable
from ssui.tui.widgets.search_box import SearchBox


class ActivityFeed(Widget):
    """The live feed of the mirror's event log."""

    DEFAULT_CSS = list_view_css(__file__, "ActivityFeed")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", id="ssui.activity.search",
                tooltip="Find events as you type, by what happened or to whom"),
        Binding("f", "filter", "Filter", id="ssui.activity.filter",
                tooltip="Only some kinds of event, or those of one owner's records"),
        Binding("F", "clear_filters", "Clear filters", id="ssui.activity.filter.clear",
                tooltip="Drop every filter of the feed (the search stays)"),
        Binding("p", "pause", "Pause", id="ssui.activity.pause",
                tooltip="Hold the feed still while you read; p again shows what came meanwhile"),
        Binding("w", "app.watch_settings", "Watch settings", id="ssui.activity.settings",
                tooltip="Which watches run and toast, whose new records, how much quota"),
        Binding("r", "refresh", "Refresh now", show=False, id="ssui.activity.refresh",
                tooltip="Fetch new activity from SharpSpring now"),
        Binding("escape", "back", "Back", show=False, id="ssui.activity.back",
                tooltip="Clear the search"),
    ]

    class OpenRecord(Message):
        """Open one record in its tab (Enter on an event)."""

        def __init__(self, entity_key: str, record_id: int) -> None:
            super().__init__()
            self.entity_key = entity_key
            self.record_id = record_id

    class FilterRequested(Message):
        """The user asked to choose which events the feed shows (the screen shows the form)."""

        def __init__(self, feed: ActivityFeed) -> None:
            super().__init__()
            self.feed = feed

    def __init__(self, store: MirrorStore, *, resolver: NameResolver | None = None,
                 scope: WatchScope | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.store = store
        self.resolver = resolver or NameResolver(store)
        self.query_ = EventQuery()
        # What the watch settings let through; the user's filters narrow it further.
        self.scope = scope or WatchScope()
        self.owner_name = ""
        self.count = 0
        self.new_rows = 0
        self.paused = False
        self.waiting = 0
        self.error: str | None = None
        # What the status line, badge and chips show now (to redraw only what changed).
        self._shown: tuple[str, str, str, bool] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="feed"):
            with Horizontal(id="searchbar", classes="-hidden"):
                yield Static("/", id="search-prompt")
                yield SearchBox(placeholder="search events by what or who", id="search",
                                compact=True)
            yield Static(id="chips", classes="-hidden")
            yield RecordTable(ACTIVITY, resolver=self.resolver, id="table")
            with Horizontal(id="statusbar"):
                yield Static(id="status")
                yield Static(id="badge")

    @property
    def table(self) -> RecordTable:
        return self.query_one("#table", RecordTable)

    @property
    def search_input(self) -> Input:
        return self.query_one("#search", Input)

    def on_mount(self) -> None:
        self.watch(self.search_input, "value", self._search_typed, init=False)
        self.watch(self.table, "scroll_y", lambda *_: self._show_status(), init=False)
        self.reload()

    def focus_table(self) -> None:
        self.table.focus()

    # -- reading ---------------------------------------------------------------------------

    def reload(self, *, follow: bool = True) -> None:
        """Read the count and the rows around the cursor.

        ``follow`` False keeps the cursor on the event it is on, at the same place on screen.
        """
        table = self.table
        rows = EventRows(self.store, self.scope.narrow(self.query_))
        highlighted = table.highlighted
        try:
            old = self.count
            count = rows.count()
            cursor, top = 0, None
            if not follow and highlighted is not None and highlighted.get("id") is not None:
                found = rows.index_of(int(highlighted["id"]))
                if found is not None:
                    top = found - (table.cursor_row - table.top_row)
                    cursor = found
                    self.new_rows += max(0, count - old)
            start = cursor // BLOCK * BLOCK
            window = {start: rows.rows(start, BLOCK)}
        except Exception as exc:  # a broken mirror file: say so where the rows would be
            self.error = TaskFailed("reading the activity", exc).text
            self._show_status()
            return
        self.error = None
        self.count = count
        table.load(rows, count=count, cursor=cursor, top=top, rows=window)
        self._show_status()

    def events_arrived(self, n: int) -> None:
        """The log gained ``n`` events (the mirror delivered a batch)."""
        if self.paused:
            self.waiting += n
            self._show_status()
            return
        reading = self.table.cursor_row > 0 or self.table.top_row > 0
        self.reload(follow=not reading)

    # -- status ----------------------------------------------------------------------------

    def status_text(self) -> str:
        if self.error:
            return f"Could not read the activity: {self.error}"
        parts = []
        if self.count == 0 and not self.scope.streams:
            parts.append("Every watch is off: w turns them on")
        elif self.count == 0:
            parts.append("No matching events" if self._narrowed else
                         "No activity in the mirror yet: new leads, form fills, page visits "
                         "and email opens appear here as they happen")
        else:
            first = self.table.top_row + 1
            last = min(self.table.top_row + self.table.visible_rows, self.count)
            parts.append(f"{first:,}–{last:,} of {self.count:,} events"
                         + (" (matching)" if self._narrowed else ""))
        if self.paused:
            parts.append(f"paused · {self.waiting:,} waiting · p resumes")
        return "  ·  ".join(parts)

    @property
    def _filtered(self) -> bool:
        """True while the user's own filters or search narrow the feed."""
        q = self.query_
        return bool(q.kinds or q.owner_id is not None or q.search or q.after)

    @property
    def _narrowed(self) -> bool:
        return self._filtered or not self.scope.everything

    def chips_text(self) -> str:
        q = self.query_
        chips = []
        if q.kinds:
            chips.append("Kind is " + " or ".join(WatchKind(k).label for k in q.kinds))
        if q.owner_id is not None:
            chips.append(f"Owner is {self.owner_name or f'#{q.owner_id}'}")
        if q.after:
            chips.append("Only the events of that toast")
        left_out = [k.label for k in WatchKind if k not in self.scope.kinds]
        if left_out:
            chips.append("Not watched: " + ", ".join(left_out) + " (w changes)")
        if self.scope.owner_id is not None:
            owner = self.resolver.name("user_profile", self.scope.owner_id)
            chips.append(f"New records of {owner or f'#{self.scope.owner_id}'} only (w changes)")
        return "   ".join(f"▸ {c}" for c in chips)

    def _show_status(self) -> None:
        """Update the status line, badge and chips; only what changed is redrawn (a cursor
        key must not cost a layout pass)."""
        text = self.status_text()
        badge_text = f"+{self.new_rows:,} new" if self.new_rows else ""
        chips = self.chips_text()
        shown = (text, badge_text, chips, self.error is not None)
        if shown == self._shown:
            return
        old, self._shown = self._shown, shown
        status = self.query_one("#status", Static)
        # The status line is one row of fixed width: no layout pass for a new text.
        status.update(data_text(text), layout=False)
        status.set_class(self.error is not None, "-error")
        if old is None or old[1] != badge_text:
            badge = self.query_one("#badge", Static)
            badge.update(badge_text)
            badge.set_class(bool(self.new_rows), "-new")
        if old is None or old[2] != chips:
            box = self.query_one("#chips", Static)
            box.update(data_text(chips))
            box.set_class(not chips, "-hidden")

    # -- filters ---------------------------------------------------------------------------

    def show(self, query: EventQuery, owner_name: str = "") -> None:
        """Show the events ``query`` matches, from the newest."""
        self.query_ = query
        self.owner_name = owner_name
        self.new_rows = 0
        if self.search_input.value != query.search:
            self.search_input.value = query.search
        self.refresh_bindings()
        self.reload()

    def set_scope(self, scope: WatchScope) -> None:
        """Show what ``scope`` lets through (the watch settings changed)."""
        if scope != self.scope:
            self.scope = scope
            self.new_rows = 0
            self.reload()

    def _search_typed(self, value: str) -> None:
        if value != self.query_.search:
            self.show(replace(self.query_, search=value), self.owner_name)

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value:
            self.query_one("#searchbar").set_class(True, "-hidden")
        self.table.focus()

    # -- rows ------------------------------------------------------------------------------

    @on(RecordTable.ViewChanged)
    def _resized(self, event: RecordTable.ViewChanged) -> None:
        event.stop()
        self._show_status()  # the rows in view changed with the size

    @on(RecordTable.RowHighlighted)
    def _highlighted(self, event: RecordTable.RowHighlighted) -> None:
        event.stop()
        if event.index == 0 and self.table.top_row == 0:
            self.new_rows = 0  # the reader is back at the newest
        self._show_status()

    @on(RecordTable.RowSelected)
    def _selected(self, event: RecordTable.RowSelected) -> None:
        event.stop()
        target = opens(event.record[EVENT])
        if target is None:
            self.notify("This event names no record to open.", severity="warning")
            return
        self.post_message(self.OpenRecord(*target))

    # -- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "clear_filters" or self._filtered

    def action_search(self) -> None:
        self.query_one("#searchbar").set_class(False, "-hidden")
        self.search_input.focus()

    def action_refresh(self) -> None:
        self.post_message(SyncNow())

    def action_filter(self) -> None:
        self.post_message(self.FilterRequested(self))

    def action_clear_filters(self) -> None:
        self.show(EventQuery())

    def action_pause(self) -> None:
        self.paused = not self.paused
        if not self.paused:
            self.waiting = 0
            self.reload(follow=not (self.table.cursor_row > 0))
        self._show_status()

    def action_back(self) -> None:
        box = self.search_input
        if box.has_focus or self.query_.search:
            box.value = ""
            self.query_one("#searchbar").set_class(True, "-hidden")
            self.table.focus()
