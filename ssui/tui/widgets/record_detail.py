"""The detail pane: every field of one record, what it is related to, and what it did lately."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
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


class RelatedList(OptionList):
    """The related records, one a line under their group's title; Enter opens one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Open related", id="ssui.related.open",
                tooltip="Open this record in its tab, with its detail (backspace comes back)"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True)

    def on_focus(self) -> None:
        if self.highlighted is None:
            self.action_first()
        if self.parent is not None:
            self.call_after_refresh(self.screen.scroll_to_widget, self, animate=False)


class RecordDetail(VerticalScroll, can_focus=True):
    """Shows one record; related records and recent activity are read in a worker."""

    DEFAULT_CSS = tcss_next_to(__file__)

    class Loaded(Message):
        def __init__(self, extras: _Extras) -> None:
            super().__init__()
            self.extras = extras

    class OpenRelated(Message):
        """The user picked a related record to open (the screen opens it in its tab)."""

        def __init__(self, entity_key: str, record_id: int) -> None:
            super().__init__()
            self.entity_key = entity_key
            self.record_id = record_id

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
        self._loaded_for: tuple[str, Any] | None = None  # whose related records are shown
        self._focus_when_loaded = False
        self._fields_width = 0  # the width the field grids were laid out for

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        yield Static(id="detail-fields", classes="section")
        yield Static(id="detail-custom", classes="section")
        yield Static("RELATED", id="detail-related-title")
        yield Static(id="detail-related", classes="section")
        yield RelatedList(id="detail-related-list")
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
        self._loaded_for = (x.entity_key, x.record_id)
        self._render_extras()
        if self._focus_when_loaded:
            self._focus_when_loaded = False
            self.focus_related()

    def focus_related(self) -> None:
        """Focus the related records (once read); say so when there are none."""
        if self.entity is None or self.record is None:
            return
        if self._loaded_for != (self.entity.key, self.record.get("id")):
            self._focus_when_loaded = True
            return
        if self.groups and self.related_list.option_count:
            self.related_list.focus()
        else:
            self.notify(f"Nothing related to this {self.entity.label.lower()} in the mirror.",
                        title=self.entity.plural)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        failed = failure(event)
        if failed is not None:
            box = self.query_one("#detail-related", Static)
            box.display = True
            self.query_one("#detail-related-title").display = False
            self.related_list.display = False
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
        self._fields_width = self.scrollable_content_region.width
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
            room = self._fields_width - LABEL_WIDTH - 2
            if f.format == "email" and "@" in value and 0 < room < len(value):
                # Broken before its "@", not wherever the line ends ("kristen.c" / "hoi@…").
                value = value.replace("@", "\n@", 1)
            cell = Text(value)
            if f.kind is Kind.REFERENCE:
                cell.stylize("bold")
            grid.add_row(Text(f.label, overflow="ellipsis", no_wrap=True), cell)
        if empty:
            grid.add_row(Text("Empty", style="italic"), Text(" · ".join(empty), style="dim"))
        return grid

    def on_mount(self) -> None:
        self.query_one("#detail-related-title").display = False
        self.query_one("#detail-related").display = False
        self.query_one(RelatedList).display = False

    def on_resize(self) -> None:
        if self.groups and self.related_list.display:
            self._render_extras()
        width = self.scrollable_content_region.width
        if width != self._fields_width and self.record is not None and self.entity is not None:
            self._render_record()  # long emails break where they fit the new width

    @property
    def related_list(self) -> RelatedList:
        return self.query_one(RelatedList)

    def _render_extras(self) -> None:
        self.query_one("#detail-related", Static).display = False  # only for a read failure
        shown = bool(self.groups)
        self.query_one("#detail-related-title").display = shown
        options = self.related_list
        options.display = shown
        keep = options.highlighted_option.id if options.highlighted_option else None
        options.clear_options()
        if shown:
            options.add_options(self._related_options(self.groups))
            if keep is not None:
                try:
                    options.highlighted = options.get_option_index(keep)
                except Exception:  # that record is no longer related
                    options.highlighted = None
        activity = self.query_one("#detail-activity", Static)
        is_lead = self.entity is not None and self.entity.key == "lead"
        activity.display = is_lead
        if is_lead:
            activity.update(_section("Recent activity", _activity(self.events)))

    def _related_options(self, groups: Sequence[RelatedGroup]) -> list[Option]:
        width = max(LABEL_WIDTH + 12, self.scrollable_content_region.width - 1)
        out: list[Option] = []
        for g in groups:
            label = g.title
            if g.total > 1 or len(g.records) != g.total:
                more = "" if g.exact else "≥"
                label = f"{g.title} ({more}{g.total:,})"
            head = Text(printable(label).ljust(LABEL_WIDTH)[:LABEL_WIDTH], style="dim")
            if not g.records:
                out.append(Option(head + Text("  not in the mirror", style="dim"),
                                  disabled=True))
                continue
            for i, rec in enumerate(g.records):
                lead = head if i == 0 else Text(" " * LABEL_WIDTH)
                line = lead + Text("  ") + self._summary(g.entity, rec)
                line.truncate(width, overflow="ellipsis")  # one line each: the list scans
                # A record may be in two groups (an opportunity's primary lead is one of its
                # leads too): the row number keeps the ids apart.
                out.append(Option(line, id=f"{g.entity.key}:{rec['id']}:{len(out)}"))
            hidden = g.total - len(g.records)
            if hidden > 0:
                out.append(Option(Text(" " * LABEL_WIDTH + f"  … and {hidden:,} more",
                                       style="dim"), disabled=True))
        return out

    @on(OptionList.OptionSelected, "#detail-related-list")
    def _open_related(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        key, _, rest = (event.option.id or "").partition(":")
        rid = rest.partition(":")[0]
        if key and rid.isdigit():
            self.post_message(self.OpenRelated(key, int(rid)))

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
