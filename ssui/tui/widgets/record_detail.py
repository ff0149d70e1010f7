"""The detail pane: every field of one record, what it is related to, and what it did lately."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, get_current_worker

from ssui.entities import Entity, Field, Kind
from ssui.mirror import MirrorStore
from ssui.mirror.events import WatchEvent
from ssui.text import printable
from ssui.tui.format import format_datetime, format_value
from ssui.tui.messages import failure
from ssui.tui.names import NameResolver
from ssui.tui.related import RelatedGroup, related
from ssui.tui.widgets.css import tcss_next_to

Record = dict[str, Any]
ACTIVITY_SHOWN = 12
LABEL_WIDTH = 18


@dataclass(frozen=True)
class _Extras:
    entity_key: str
    record_id: Any
    groups: list[RelatedGroup]
    events: list[WatchEvent]


class RecordDetail(VerticalScroll, can_focus=True):
    """Shows one record; related records and recent activity are read in a worker."""

    DEFAULT_CSS = tcss_next_to(__file__)

    class Loaded(Message):
        def __init__(self, extras: _Extras) -> None:
            super().__init__()
            self.extras = extras

    def __init__(self, store: MirrorStore, *, resolver: NameResolver | None = None,
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.store = store
        self.resolver = resolver or NameResolver(store)
        self.entity: Entity | None = None
        self.record: Record | None = None
        self.groups: list[RelatedGroup] = []
        self.events: list[WatchEvent] = []

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        yield Static(id="detail-fields", classes="section")
        yield Static(id="detail-custom", classes="section")
        yield Static(id="detail-related", classes="section")
        yield Static(id="detail-activity", classes="section")

    def show(self, entity: Entity, record: Record) -> None:
        """Show ``record`` now; its related records and activity follow from a worker."""
        same = self.record is not None and self.record.get("id") == record.get("id") and (
            self.entity is not None and self.entity.key == entity.key)
        self.entity, self.record = entity, record
        self._render_record()
        if not same:
            self.scroll_home(animate=False)
        self._load_extras(entity.key, record)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False,
          description="reading related records")
    def _load_extras(self, entity_key: str, record: Record) -> None:
        groups = related(self.store, entity_key, record)
        for g in groups:
            self.resolver.prime_rows(g.entity.references, g.records)
        events = (self.store.events(lead_id=record["id"], newest_first=True,
                                    limit=ACTIVITY_SHOWN)
                  if entity_key == "lead" and record.get("id") is not None else [])
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(_Extras(entity_key, record.get("id"), groups, events)))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        event.stop()
        x = event.extras
        if self.record is None or self.entity is None or (
                x.entity_key, x.record_id) != (self.entity.key, self.record.get("id")):
            return
        self.groups, self.events = x.groups, x.events
        self._render_extras()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        failed = failure(event)
        if failed is not None:
            box = self.query_one("#detail-related", Static)
            box.display = True
            box.update(Text(printable(f"Could not read related records: {failed.text}"),
                            style="red"))
            self.post_message(failed)

    # -- rendering -------------------------------------------------------------------------

    def _render_record(self) -> None:
        entity, record = self.entity, self.record
        assert entity is not None and record is not None
        title = Text()
        title.append(printable(entity.display_name(record)), style="bold")
        title.append(f"   {entity.label} #{record.get('id')}", style="dim")
        stamp = record.get("updateTimestamp")
        if isinstance(stamp, datetime):
            title.append(f"\nupdated {format_datetime(stamp)}", style="dim")
        self.query_one("#detail-title", Static).update(title)
        standard = [f for f in entity.fields if not f.custom]
        custom = [f for f in entity.fields if f.custom]
        self.query_one("#detail-fields", Static).update(
            _section("Fields", self._grid(standard, record)))
        custom_box = self.query_one("#detail-custom", Static)
        custom_box.display = bool(custom)
        if custom:
            custom_box.update(_section("Custom fields", self._grid(custom, record)))

    def _grid(self, fields: Iterable[Field], record: Record) -> Table:
        """Fields with a value, by label, in registry order; the empty ones named on one line."""
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True, width=LABEL_WIDTH)
        grid.add_column(overflow="fold")
        empty: list[str] = []
        for f in fields:
            value = format_value(f, record.get(f.name), self.resolver, one_line=False)
            if not value:
                empty.append(f.label)
                continue
            cell = Text(value)
            if f.kind is Kind.REFERENCE:
                cell.stylize("bold")
            grid.add_row(Text(f.label, overflow="ellipsis", no_wrap=True), cell)
        if empty:
            grid.add_row(Text("Empty", style="italic"), Text(" · ".join(empty), style="dim"))
        return grid

    def _render_extras(self) -> None:
        related_box = self.query_one("#detail-related", Static)
        related_box.display = bool(self.groups)
        if self.groups:
            related_box.update(_section("Related", self._related_grid(self.groups)))
        activity = self.query_one("#detail-activity", Static)
        is_lead = self.entity is not None and self.entity.key == "lead"
        activity.display = is_lead
        if is_lead:
            activity.update(_section("Recent activity", _activity(self.events)))

    def _related_grid(self, groups: Sequence[RelatedGroup]) -> Table:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True, width=LABEL_WIDTH)
        grid.add_column(overflow="fold")
        for g in groups:
            label = g.title
            if g.total > 1 or len(g.records) != g.total:
                more = "" if g.exact else "≥"
                label = f"{g.title} ({more}{g.total:,})"
            if not g.records:
                grid.add_row(label, Text("not in the mirror", style="dim"))
                continue
            for i, rec in enumerate(g.records):
                grid.add_row(label if i == 0 else "", self._summary(g.entity, rec))
            hidden = g.total - len(g.records)
            if hidden > 0:
                grid.add_row("", Text(f"… and {hidden:,} more", style="dim"))
        return grid

    def _summary(self, entity: Entity, record: Record) -> Text:
        """A related record on one line: its name, then two of its columns.

        Owner, timestamps and references back to the record in view say nothing new here.
        """
        # One line each, cut with … when the pane is narrow: the list stays scannable.
        text = Text(printable(entity.display_name(record)), style="bold", no_wrap=True,
                    overflow="ellipsis")
        skip = {*entity.name_fields, "id", entity.fallback_name or "", "ownerID",
                "updateTimestamp", "createTimestamp"}
        here = self.entity.key if self.entity is not None else ""
        extra = []
        for name in entity.columns:
            if name in skip or not entity.has_field(name):
                continue
            f = entity.field(name)
            if f.ref == here:
                continue
            value = format_value(f, record.get(name), self.resolver)
            if value:
                extra.append(value if f.kind is not Kind.BOOL else f.label)
            if len(extra) == 2:
                break
        if extra:
            text.append("  ·  " + " · ".join(extra), style="dim")
        return text


def _section(title: str, body: RenderableType) -> Group:
    return Group(Text(title.upper(), style="bold"), body)


def _activity(events: Sequence[WatchEvent]) -> RenderableType:
    if not events:
        return Text("No activity in the mirror for this lead yet.", style="dim")
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True, width=LABEL_WIDTH)
    grid.add_column(overflow="fold")
    for ev in events:
        kind = ev.kind.words
        line = Text(printable(ev.title))
        if kind:
            line.append(f"  {kind}", style="dim italic")
        grid.add_row(format_datetime(ev.occurred_at), line)
    return grid
