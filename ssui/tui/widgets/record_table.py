"""A table of records that materialises only the rows on screen.

It is a Line API widget: ``render_line`` turns one screen line into a Strip, reading its row
from a small cache of blocks around the viewport; a block missing from the cache is read from
the ``RowSource`` in one query. So 100,000 leads cost the same to show as 100, and a cursor
move repaints two lines.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, runtime_checkable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ssui.entities import Entity, Field, Kind
from ssui.tui.format import (
    DATE_ONLY,
    GROWS,
    Resolver,
    cell_text,
    column_width,
    date_part,
    fit,
    format_value,
    min_width,
    right_aligned,
)
from ssui.tui.widgets.css import tcss_next_to

Record = dict[str, Any]


@runtime_checkable
class RowSource(Protocol):
    """Where a table's rows come from: how many there are, and any window of them."""

    def count(self) -> int: ...

    def rows(self, offset: int, limit: int) -> list[Record]: ...


@dataclass(frozen=True, slots=True)
class Column:
    """One column: the field it shows and how wide it is on screen."""

    field: Field
    width: int

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def label(self) -> str:
        return self.field.label

    @property
    def right(self) -> bool:
        return right_aligned(self.field)

    @property
    def centred(self) -> bool:
        return self.field.kind is Kind.BOOL


class _Row:
    """A record and its cells' text, formatted when first drawn or measured: a block reads
    a hundred rows, a screen shows about forty, and a search keystroke reads a new block."""

    __slots__ = ("_cells", "_format", "record")

    def __init__(self, record: Record, format_cells: Callable[[Record], tuple[str, ...]]) -> None:
        self.record = record
        self._format = format_cells
        self._cells: tuple[str, ...] | None = None

    @property
    def cells(self) -> tuple[str, ...]:
        if self._cells is None:
            self._cells = self._format(self.record)
        return self._cells


BLOCK = 100
MAX_BLOCKS = 12
MAX_STRIPS = 400
MAX_GROW = 44
PAD = 1  # spaces either side of a cell
EMAIL_FLOOR = 24
MARK = "•"  # in the left padding of a marked row

_CELL_CLASS: dict[Kind, str] = {
    Kind.INT: "record-table--number",
    Kind.DECIMAL: "record-table--number",
    Kind.MONEY: "record-table--number",
    Kind.BOOL: "record-table--flag",
    Kind.REFERENCE: "record-table--reference",
    Kind.DATETIME: "record-table--muted",
    Kind.DATE: "record-table--muted",
}


class RecordTable(ScrollView, can_focus=True):
    """Rows of one entity from a ``RowSource``, with a header, a row cursor and a column cursor."""

    DEFAULT_CSS = tcss_next_to(__file__)

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "record-table--header",
        "record-table--header-sorted",
        "record-table--header-cursor",
        "record-table--cursor",
        "record-table--odd",
        "record-table--number",
        "record-table--flag",
        "record-table--reference",
        "record-table--muted",
        "record-table--id",
        "record-table--marked",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="ssui.table.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="ssui.table.down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="ssui.table.page_up"),
        # Not space: in a list of records space marks the row (the browser's "Mark").
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False,
                id="ssui.table.page_down"),
        Binding("home,g", "first", "First row", show=False, id="ssui.table.first"),
        Binding("end,G", "last", "Last row", show=False, id="ssui.table.last"),
        # Textual's own, named as ours are ("Page Left" read oddly beside "Page up").
        Binding("ctrl+pageup,less_than_sign", "page_left", "Page left", show=False,
                id="ssui.table.page_left"),
        Binding("ctrl+pagedown,greater_than_sign", "page_right", "Page right", show=False,
                id="ssui.table.page_right"),
        Binding("left,h", "column_left", "Column left", show=False, id="ssui.table.left"),
        Binding("right,l", "column_right", "Column right", show=False, id="ssui.table.right"),
        Binding("enter", "select", "Open", id="ssui.table.select"),
    ]

    class _RowMessage(Message):
        """A message about one row (no handler listens for this base itself)."""

        def __init__(self, table: RecordTable, index: int, record: Record | None) -> None:
            super().__init__()
            self.table = table
            self.index = index
            self.record = record

        @property
        def control(self) -> RecordTable:
            return self.table

    class RowHighlighted(_RowMessage):
        """The cursor moved onto a record (or the rows under it changed)."""

    class RowSelected(_RowMessage):
        """The user chose the record under the cursor (enter, or a click on it)."""

        record: Record

    class SortRequested(Message):
        """The user clicked a column header."""

        def __init__(self, table: RecordTable, column: str) -> None:
            super().__init__()
            self.table = table
            self.column = column

        @property
        def control(self) -> RecordTable:
            return self.table

    class ViewChanged(Message):
        """The table's size changed, so the rows in view did too."""

        def __init__(self, table: RecordTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> RecordTable:
            return self.table

    def __init__(self, entity: Entity, *, resolver: Resolver | None = None,
                 columns: Sequence[str] | None = None, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.entity = entity
        self.resolver = resolver
        self._fields = [entity.field(n) for n in (columns or entity.columns)
                        if entity.has_field(n)]
        self.columns: list[Column] = [Column(f, column_width(f)) for f in self._fields]
        self.source: RowSource | None = None
        self.row_count = 0
        self.cursor_row = 0
        self.cursor_column = 0
        # What the table says where its rows would be when it has none ("No leads match").
        self.empty_text = ""
        self.sort_column: str | None = None
        self.sort_descending = False
        self._blocks: OrderedDict[int, list[_Row]] = OrderedDict()
        self._strips: OrderedDict[tuple[int, bool, int, int], Strip] = OrderedDict()
        self._styles: tuple[Style, ...] = ()
        self._laid_out_for = -1
        # How wide each column's values typically are (measured on the first rows shown).
        self._need: list[int] | None = None
        self._usual: list[int] = []
        # Leading id and name columns that stay in place when the table scrolls sideways.
        self._frozen = 0
        self._id_digits = 0
        self._view_cache: dict[tuple[int, int], tuple[tuple[int, ...], int]] = {}
        # Ids of the marked records (the browser's set, shared): drawn with a mark.
        self.marks: set[int] = set()

    # -- data ------------------------------------------------------------------------------

    def load(self, source: RowSource, *, count: int | None = None, cursor: int = 0,
             top: int | None = None, rows: Mapping[int, Sequence[Record]] | None = None,
             announce: bool = True, widest_id: int | None = None) -> None:
        """Show ``source``: its ``count`` if known, the cursor on row ``cursor``.

        ``rows`` maps offsets to rows already read (a worker's prefetch), so the first paint
        needs no query. ``top`` keeps the cursor at the same place on screen after a refresh.
        ``widest_id``: the highest id there is; the id column is wide enough for it whole
        (the first rows' ids may be shorter than the last ones').
        """
        if widest_id is not None and len(str(widest_id)) != self._id_digits:
            self._id_digits = len(str(widest_id))
            self._laid_out_for = -1
        self.source = source
        self.row_count = source.count() if count is None else count
        self._blocks.clear()
        self._strips.clear()
        for offset, chunk in (rows or {}).items():
            self._install(offset, chunk)
        if self._need is None and self._blocks:
            self._measure()
        if self._laid_out_for == -1:
            self._layout_columns()
        self._set_virtual_size(Size(self._total_width(), self.row_count + 1))
        self.cursor_row = max(0, min(cursor, self.row_count - 1))
        if top is not None:
            self.scroll_to(y=max(0, top), animate=False, immediate=True)
        self._scroll_cursor_into_view()
        self.refresh()
        if announce:
            self._announce()

    def clear(self) -> None:
        self.source = None
        self.row_count = 0
        self.cursor_row = 0
        self._blocks.clear()
        self._strips.clear()
        self._set_virtual_size(Size(self._total_width(), 1))
        self.refresh()

    def set_sort(self, column: str | None, descending: bool) -> None:
        """Show which column the rows are sorted by (the owner reorders the rows)."""
        self.sort_column, self.sort_descending = column, descending
        self._strips.clear()
        self.refresh()

    def set_fields(self, entity: Entity) -> None:
        """Take a new description of the entity (e.g. custom fields arrived)."""
        self.entity = entity
        self._fields = [entity.field(f.name) for f in self._fields if entity.has_field(f.name)]
        self._laid_out_for = -1
        self._layout_columns()
        self.reformat()

    def set_columns(self, names: Sequence[str]) -> None:
        """Show these fields' columns, in this order (names the entity lacks are left out)."""
        fields = [self.entity.field(n) for n in names if self.entity.has_field(n)]
        if not fields or fields == self._fields:
            return
        self._fields = fields
        self.columns = [Column(f, column_width(f)) for f in fields]
        self.cursor_column = min(self.cursor_column, len(fields) - 1)
        self._need = None
        self._laid_out_for = -1
        self.reformat()
        if self._blocks:
            self._measure()
        self._layout_columns()
        self.scroll_to(x=0, animate=False, immediate=True)
        self.refresh()

    @property
    def field_names(self) -> tuple[str, ...]:
        """The fields shown, in order."""
        return tuple(f.name for f in self._fields)

    def _measure(self) -> None:
        """Take each column's typical width (nine rows in ten fit) from the rows cached."""
        rows = [r for block in self._blocks.values() for r in block][:BLOCK]
        if not rows:
            return
        need: list[int] = []
        usual: list[int] = []
        for i, _f in enumerate(self._fields):
            lengths = sorted(cell_len(r.cells[i]) for r in rows)
            typical = lengths[(len(lengths) * 9) // 10 - (1 if len(lengths) >= 10 else 0)]
            need.append(typical)
            # A picklist may give way down to its usual value; its rarer long ones are cut.
            usual.append(lengths[len(lengths) // 2])
        self._need = need
        self._usual = usual
        self._laid_out_for = -1

    def reformat(self) -> None:
        """Format the cached rows again (referenced names may have changed), no query."""
        for number, block in list(self._blocks.items()):
            self._blocks[number] = [self._row(r.record) for r in block]
        self._strips.clear()
        if self._need is not None and self._blocks:  # names came: widths follow what shows
            self._measure()
            self._layout_columns()
        self.refresh()

    def _install(self, offset: int, rows: Sequence[Record]) -> None:
        for i in range(0, len(rows), BLOCK):
            start = offset + i
            if start % BLOCK:
                continue
            self._blocks[start // BLOCK] = [self._row(r) for r in rows[i : i + BLOCK]]

    def _row(self, record: Record) -> _Row:
        return _Row(record, self._cells)

    def _cells(self, record: Record) -> tuple[str, ...]:
        resolve = self.resolver
        return tuple(cell_text(format_value(c.field, record.get(c.name), resolve))
                     for c in self.columns)

    def _block(self, number: int) -> list[_Row]:
        block = self._blocks.get(number)
        if block is not None:
            self._blocks.move_to_end(number)
            return block
        records = self.source.rows(number * BLOCK, BLOCK) if self.source else []
        prime = getattr(self.resolver, "prime_rows", None)
        if prime is not None:
            prime([c.field for c in self.columns], records)
        block = [self._row(r) for r in records]
        self._blocks[number] = block
        while len(self._blocks) > MAX_BLOCKS:
            self._blocks.popitem(last=False)
        return block

    def row_at(self, index: int) -> _Row | None:
        if not 0 <= index < self.row_count:
            return None
        block = self._block(index // BLOCK)
        i = index % BLOCK
        return block[i] if i < len(block) else None

    def record_at(self, index: int) -> Record | None:
        row = self.row_at(index)
        return row.record if row else None

    @property
    def highlighted(self) -> Record | None:
        """The record under the cursor, if any."""
        return self.record_at(self.cursor_row)

    def marks_changed(self, record_id: int | None = None) -> None:
        """Marks were added or removed (of one record, or of any): repaint the rows shown."""
        if record_id is None:
            self._strips.clear()
            self.refresh()
            return
        for key in [k for k in self._strips if self._record_id_at(k[0]) == record_id]:
            del self._strips[key]
            self.refresh_line(key[0] + 1)

    def _record_id_at(self, index: int) -> int | None:
        block = self._blocks.get(index // BLOCK)
        if block is None or index % BLOCK >= len(block):
            return None
        value = block[index % BLOCK].record.get("id")
        return value if isinstance(value, int) else None

    @property
    def cached_rows(self) -> int:
        """How many rows are materialised right now (for tests and the benchmark)."""
        return sum(len(b) for b in self._blocks.values())

    # -- geometry --------------------------------------------------------------------------

    @property
    def visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    @property
    def top_row(self) -> int:
        return int(self.scroll_y)

    def _total_width(self) -> int:
        return sum(c.width + 2 * PAD for c in self.columns)

    def _set_virtual_size(self, size: Size) -> None:
        """Set the scrollable size without a layout pass of the whole screen.

        ``virtual_size`` is a layout reactive; a new row count would re-lay out every widget
        on the screen (tens of ms per search keystroke). Only the scrollbars depend on it,
        and ``_scroll_update`` updates those (a scrollbar appearing still causes a layout).
        """
        if size == self.virtual_size:
            return
        self.set_reactive(RecordTable.virtual_size, size)
        self._scroll_update(size)
        self.refresh()

    def _wants(self) -> tuple[list[int], list[int]]:
        """Each column's width to show its typical value whole, and how narrow it may get."""
        names = {*self.entity.name_fields, self.entity.fallback_name}
        wants: list[int] = []
        floors: list[int] = []
        for i, f in enumerate(self._fields):
            if self._need is None:
                want = column_width(f)
            else:
                want = max(3, self._need[i], min(len(f.label), 8))
                if f.kind not in GROWS and f.kind is not Kind.ENUM:
                    want = max(want, min(column_width(f), len(f.label) + 1))
            if f.name == "id":
                want = max(want, self._id_digits)
            want = min(want, MAX_GROW)
            if f.kind is Kind.ENUM and self._need is not None:
                floor = max(3, self._usual[i], min(len(f.label), 6))
            elif f.kind is Kind.DATETIME:
                floor = min(want, max(DATE_ONLY, len(f.label)))
            elif f.kind not in GROWS:
                floor = want
            elif f.format == "email":
                floor = min(want, EMAIL_FLOOR)  # a person reads a lead by it
            else:
                floor = min(want, min_width(f, is_name=f.name in names))
            wants.append(want)
            floors.append(floor)
        return wants, floors

    def _layout_columns(self) -> None:
        """Share the width by content: every column as wide as its typical value when they all
        fit; else the widest text gives way first, down to each column's floor; and when even
        the floors do not fit, every column keeps its width and the table scrolls sideways,
        the id and name columns staying in place."""
        width = self.scrollable_content_region.width
        if width == self._laid_out_for and self.columns:
            return
        self._laid_out_for = width
        wants, floors = self._wants()
        widths = list(wants)
        pads = 2 * PAD * len(widths)
        growable = [i for i, f in enumerate(self._fields) if f.kind in GROWS]
        spare = width - sum(widths) - pads
        if spare < 0 and sum(floors) + pads <= width:
            # Date-times give up their time of day first (all of it: a cut time says nothing).
            for i, f in enumerate(self._fields):
                if spare < 0 and f.kind is Kind.DATETIME and widths[i] > floors[i]:
                    spare += widths[i] - floors[i]
                    widths[i] = floors[i]
            shrinkable = [i for i, f in enumerate(self._fields)
                          if f.kind in GROWS or f.kind is Kind.ENUM]
            while spare < 0:
                i = max((i for i in shrinkable if widths[i] > floors[i]),
                        key=lambda i: (widths[i], -i))
                widths[i] -= 1
                spare += 1
        # What is left over goes to the text columns, the ones cut most first.
        while spare > 0 and growable:
            room = [i for i in growable if widths[i] < MAX_GROW]
            if not room:
                break
            i = min(room, key=lambda i: (widths[i] / max(wants[i], 1), i))
            widths[i] += 1
            spare -= 1
        self.columns = [Column(f, w) for f, w in zip(self._fields, widths, strict=True)]
        identity = {"id", *self.entity.name_fields}
        frozen = 0
        if sum(widths) + pads > width:
            while frozen < len(self._fields) - 1 and self._fields[frozen].name in identity:
                frozen += 1
        self._frozen = frozen
        self._view_cache.clear()
        self._strips.clear()
        self._set_virtual_size(Size(self._total_width(), self.row_count + 1))

    def _frozen_width(self) -> int:
        return sum(c.width + 2 * PAD for c in self.columns[: self._frozen])

    def _view(self, scroll_x: int, width: int) -> tuple[tuple[int, ...], int]:
        """The columns on screen at ``scroll_x`` (frozen ones first, then whole columns from
        the first that starts at or after it) and the blank cells left at the right."""
        key = (scroll_x, width)
        found = self._view_cache.get(key)
        if found is not None:
            return found
        frozen = self._frozen
        shown = list(range(frozen))
        used = self._frozen_width()
        x = used
        for i in range(frozen, len(self.columns)):
            cell = self.columns[i].width + 2 * PAD
            if x < scroll_x + self._frozen_width() and scroll_x:
                x += cell
                continue
            if used + cell > width and shown:
                break
            shown.append(i)
            used += cell
            x += cell
        result = (tuple(shown), max(0, width - used))
        if len(self._view_cache) > 64:
            self._view_cache.clear()
        self._view_cache[key] = result
        return result

    def on_resize(self, event: events.Resize) -> None:
        self._layout_columns()
        self._scroll_cursor_into_view()
        self.post_message(self.ViewChanged(self))

    def _column_x(self, index: int) -> tuple[int, int]:
        """Where column ``index`` starts and ends, counted from the first column."""
        x = sum(c.width + 2 * PAD for c in self.columns[:index])
        return x, x + self.columns[index].width + 2 * PAD

    # -- rendering -------------------------------------------------------------------------

    def _table_styles(self) -> tuple[Style, ...]:
        get = self.get_component_rich_style
        return (
            get("record-table--header"),
            get("record-table--header-sorted"),
            get("record-table--header-cursor"),
            get("record-table--cursor"),
            get("record-table--odd"),
            get("record-table--number", partial=True),
            get("record-table--flag", partial=True),
            get("record-table--reference", partial=True),
            get("record-table--muted", partial=True),
            get("record-table--id", partial=True),
            get("record-table--marked", partial=True),
        )

    def render_lines(self, crop: Any) -> list[Strip]:
        styles = (*self._table_styles(), self.rich_style)
        if styles != self._styles:
            self._styles = styles
            self._strips.clear()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        if not self._styles:
            self._styles = (*self._table_styles(), self.rich_style)
        if y == 0:
            return self._header(scroll_x, width)
        index = scroll_y + y - 1
        if index >= self.row_count:
            if self.row_count == 0 and y == 2 and self.empty_text:
                muted = self._styles[8]
                text = f"  {self.empty_text}"[:width]
                return Strip([Segment(text, self.rich_style + muted),
                              Segment(" " * (width - cell_len(text)), self.rich_style)])
            return Strip.blank(width, self.rich_style)
        cursor = index == self.cursor_row
        key = (index, cursor, scroll_x, width)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_row(index, cursor, scroll_x, width)
            self._strips[key] = strip
            if len(self._strips) > MAX_STRIPS:
                self._strips.popitem(last=False)
        return strip

    def _render_row(self, index: int, cursor: bool, scroll_x: int, width: int) -> Strip:
        (_h, _hs, _hc, cursor_style, odd, number, flag, reference, muted, ident, marked_style,
         base) = self._styles
        row = self.row_at(index)
        line = base + odd if index % 2 else base
        marked = row is not None and bool(self.marks) and row.record.get("id") in self.marks
        if marked:
            line = line + marked_style
        if cursor:
            line = line + cursor_style
        kinds = {"record-table--number": number, "record-table--flag": flag,
                 "record-table--reference": reference, "record-table--muted": muted}
        segments: list[Segment] = []
        pad = " " * PAD
        shown, blank = self._view(scroll_x, width)
        for i in shown:
            column = self.columns[i]
            text = row.cells[i] if row else ("…" if i == 0 else "")
            if column.field.kind is Kind.DATETIME:
                text = date_part(text, column.width)
            cell = fit(text, column.width, right=column.right, centred=column.centred)
            style = line
            if column.name == "id":
                style = line + ident
            else:
                cls = _CELL_CLASS.get(column.field.kind)
                if cls is not None:
                    style = line + kinds[cls]
            if marked:
                style = style + marked_style
            if cursor:
                style = style + cursor_style
            # A marked row shows a dot in its first cell's left padding (no width taken).
            left = MARK if marked and not segments else pad
            segments.append(Segment(left + cell + pad, style))
        return _finish(segments, blank, width, line)

    def _header(self, scroll_x: int, width: int) -> Strip:
        header, sorted_style, cursor_style = self._styles[0], self._styles[1], self._styles[2]
        base = self._styles[-1] + header
        segments: list[Segment] = []
        shown, blank = self._view(scroll_x, width)
        for i in shown:
            column = self.columns[i]
            label = column.label
            style = base
            if column.name == self.sort_column:
                label = f"{label} {'▼' if self.sort_descending else '▲'}"
                style = style + sorted_style
            if i == self.cursor_column and self.has_focus:
                style = style + cursor_style
            text = fit(label, column.width, right=column.right and column.name != self.sort_column)
            segments.append(Segment(" " * PAD + text + " " * PAD, style))
        return _finish(segments, blank, width, base)

    # -- cursor ----------------------------------------------------------------------------

    def move_cursor(self, index: int) -> None:
        """Put the cursor on row ``index`` (clamped), scroll it into view and announce it."""
        if self.row_count == 0:
            return
        index = max(0, min(index, self.row_count - 1))
        old = self.cursor_row
        if index == old:
            return
        self.cursor_row = index
        if not self._scroll_cursor_into_view():
            self.refresh_line(old + 1)
            self.refresh_line(index + 1)
        self._announce()

    def _scroll_cursor_into_view(self) -> bool:
        """Scroll so the cursor row shows; True if the view moved."""
        top, rows = self.top_row, self.visible_rows
        if self.cursor_row < top:
            target = self.cursor_row
        elif self.cursor_row >= top + rows:
            target = self.cursor_row - rows + 1
        else:
            return False
        self.scroll_to(y=target, animate=False, immediate=True)
        return True

    def _announce(self) -> None:
        self.post_message(self.RowHighlighted(self, self.cursor_row, self.highlighted))

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_page_up(self) -> None:
        page = self.visible_rows
        self.scroll_to(y=max(0, self.top_row - page), animate=False, immediate=True)
        self.move_cursor(self.cursor_row - page)

    def action_page_down(self) -> None:
        page = self.visible_rows
        self.scroll_to(y=self.top_row + page, animate=False, immediate=True)
        self.move_cursor(self.cursor_row + page)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self.row_count - 1)

    def action_column_left(self) -> None:
        self.move_column(self.cursor_column - 1)

    def action_column_right(self) -> None:
        self.move_column(self.cursor_column + 1)

    def move_column(self, index: int) -> None:
        """Put the column cursor on column ``index`` (clamped) and scroll it into view."""
        self.cursor_column = max(0, min(index, len(self.columns) - 1))
        if self.cursor_column >= self._frozen:
            frozen = self._frozen_width()
            start, end = (x - frozen for x in self._column_x(self.cursor_column))
            room = self.scrollable_content_region.width - frozen
            target = None
            if start < self.scroll_x:
                target = start
            elif end > self.scroll_x + room:
                # The first column start from which the cursor's column fits whole.
                starts = [self._column_x(i)[0] - frozen
                          for i in range(self._frozen, len(self.columns))]
                target = next((x for x in starts if x >= end - room), start)
            if target is not None:
                self.scroll_to(x=target, animate=False, immediate=True)
        self.refresh_line(0)

    @property
    def current_column(self) -> Column | None:
        return self.columns[self.cursor_column] if self.columns else None

    def action_select(self) -> None:
        record = self.highlighted
        if record is not None:
            self.post_message(self.RowSelected(self, self.cursor_row, record))

    # -- focus and mouse -------------------------------------------------------------------

    def on_focus(self) -> None:
        self._strips.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._strips.clear()
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            shown, _blank = self._view(int(self.scroll_x), self.scrollable_content_region.width)
            x = 0
            for i in shown:
                cell = self.columns[i].width + 2 * PAD
                if x <= offset.x < x + cell:
                    self.cursor_column = i
                    self.post_message(self.SortRequested(self, self.columns[i].name))
                    break
                x += cell
            return
        index = self.top_row + offset.y - 1
        if index >= self.row_count:
            return
        if index == self.cursor_row or event.chain > 1:
            self.move_cursor(index)
            self.action_select()
        else:
            self.move_cursor(index)


def _finish(segments: list[Segment], blank: int, width: int, style: Style) -> Strip:
    """A line of whole cells, blank to the right edge."""
    if blank:
        segments.append(Segment(" " * blank, style))
    return Strip(segments).crop(0, width).simplify()
