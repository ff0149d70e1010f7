"""The filter form: a filter per field the registry describes, and one custom field's value.

Which filters an entity offers and what they mean is ``ssui.tui.filter_kinds``; this screen
draws a row for each (a picker, a choice, yes/no, from-to, a list) and says at the row what
is wrong with a number or date typed there, keeping everything typed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from ssui.entities import Entity, Kind
from ssui.mirror import Filter, MirrorStore
from ssui.tui.browse_state import ActiveFilter, email_list
from ssui.tui.data_text import data_text
from ssui.tui.filter_kinds import (
    FilterKind,
    RangeError,
    choice_filter,
    filter_kinds,
    flag_filter,
    range_filter,
)
from ssui.tui.widgets.record_picker import RecordPicker

CUSTOM = "custom"
Filters = tuple[ActiveFilter, ...]
_PLACEHOLDERS = {Kind.DATE: "YYYY-MM-DD", Kind.DATETIME: "YYYY-MM-DD", Kind.MONEY: "amount"}


class FilterScreen(ModalScreen[Filters | None]):
    """Edit one browser's filters; dismisses with the new filters, or None when cancelled."""

    CSS_PATH = Path(__file__).with_name("filter.tcss")  # absolute: subclasses live elsewhere

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="ssui.filter.cancel"),
        Binding("f2", "apply", "Apply", id="ssui.filter.apply"),
    ]

    def __init__(self, store: MirrorStore, entity: Entity, current: Filters) -> None:
        super().__init__()
        self.store = store
        self.entity = entity
        self.kinds = filter_kinds(entity)
        self.current = {a.slot: a for a in current}
        self._custom_bad = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"Filter {self.entity.plural.lower()}", id="dialog-title")
            with VerticalScroll(id="dialog-body"):
                for kind in self.kinds:
                    with Horizontal(classes="filter-row"):
                        yield Label(data_text(kind.field.label), classes="row-label")
                        yield from self._field_input(kind)
                    yield Static("", id=f"error-{kind.field.name}", classes="field-error")
                if self.entity.custom_fields:
                    yield from self._custom_input()
            with Horizontal(id="dialog-buttons"):
                yield Button("Apply", variant="primary", id="apply", compact=True)
                yield Button("Clear all", id="clear", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
            yield Static("enter or F2 applies · esc cancels · tab moves · dates: YYYY-MM-DD,"
                         " today, -7d", id="dialog-hint")

    def _field_input(self, kind: FilterKind) -> ComposeResult:
        f = kind.field
        active = self.current.get(kind.slot)
        typed = active.text if active else ()
        if kind.how == "pick" and f.ref is not None:
            value = active.filters[0].value if active else None
            yield RecordPicker(self.store, f.ref, value, id=f"pick-{f.name}")
        elif kind.how == "choice":
            yield Select([(data_text(c), c) for c in f.choices], prompt="any", compact=True,
                         value=typed[0] if typed else Select.NULL, id=f"choice-{f.name}")
        elif kind.how == "flag":
            yield Select([("yes", "yes"), ("no", "no")], prompt="any", compact=True,
                         value=typed[0] if typed else Select.NULL, id=f"flag-{f.name}")
        elif kind.how == "range":
            hint = _PLACEHOLDERS.get(f.kind, "number")
            yield Input(typed[0] if typed else "", placeholder=f"from ({hint})", compact=True,
                        id=f"from-{f.name}")
            yield Label("to", classes="range-to")
            yield Input(typed[1] if len(typed) > 1 else "", placeholder=f"({hint})",
                        compact=True, id=f"to-{f.name}")
        else:
            value = " ".join(active.filters[0].value) if active else ""
            yield Input(value, placeholder="ann@acme.io, bob@globex.com (one or more)",
                        compact=True, id=f"list-{f.name}")

    def _custom_input(self) -> ComposeResult:
        active = self.current.get(CUSTOM)
        chosen = active.filters[0].field if active else Select.NULL
        value = str(active.filters[0].value) if active else ""
        with Horizontal(classes="filter-row", id="custom-row"):
            yield Label("Custom field", classes="row-label")
            yield Select([(data_text(f.label), f.name) for f in self.entity.custom_fields],
                         value=chosen, prompt="choose a field", id="custom-field",
                         allow_blank=True, compact=True)
            yield Input(value, placeholder="value", id="custom-value", compact=True)
        yield Static("", id="error-custom", classes="field-error")

    def on_mount(self) -> None:
        first = self.query("RecordPicker Input, #dialog-body Input")
        if first:
            first.first().focus()

    # -- results ---------------------------------------------------------------------------

    def result(self) -> Filters | None:
        """The filters the form describes now; None (each message shown at its row, the
        focus on the first) while a number or date is wrong."""
        out: list[ActiveFilter] = []
        bad: list[Input] = []
        for kind in self.kinds:
            try:
                found = self._kind_result(kind)
            except RangeError as exc:
                self._show_error(kind, str(exc))
                bad.append(self.query_one(f"#{exc.end}-{kind.field.name}", Input))
                continue
            self._show_error(kind, "")
            if found is not None:
                out.append(found)
        self._custom_bad = False
        custom = self._custom_result()
        if custom is not None:
            out.append(custom)
        if self._custom_bad:
            bad.append(self.query_one("#custom-value", Input))
        if bad:
            bad[0].focus()
            return None
        return tuple(out)

    def _kind_result(self, kind: FilterKind) -> ActiveFilter | None:
        f = kind.field
        if kind.how == "pick":
            picker = self.query_one(f"#pick-{f.name}", RecordPicker)
            if picker.value is None:
                return None
            return ActiveFilter(kind.slot, f"{f.label} is {picker.value_name}",
                                (Filter(f.name, "=", picker.value),))
        if kind.how in ("choice", "flag"):
            chosen = self.query_one(f"#{kind.how}-{f.name}", Select).value
            if not isinstance(chosen, str):
                return None
            return choice_filter(kind, chosen) if kind.how == "choice" else flag_filter(
                kind, chosen == "yes")
        if kind.how == "range":
            return range_filter(kind, self.query_one(f"#from-{f.name}", Input).value,
                                self.query_one(f"#to-{f.name}", Input).value)
        values = email_list(self.query_one(f"#list-{f.name}", Input).value)
        if not values:
            return None
        words = values[0] if len(values) == 1 else f"one of {len(values)} values"
        return ActiveFilter(kind.slot, f"{f.label} is {words}", (Filter(f.name, "in", values),))

    def _custom_error(self, message: str) -> None:
        line = self.query_one("#error-custom", Static)
        line.update(data_text(message))
        line.set_class(bool(message), "-shown")
        self._custom_bad = bool(message)

    def _show_error(self, kind: FilterKind, message: str) -> None:
        line = self.query_one(f"#error-{kind.field.name}", Static)
        line.update(data_text(message))
        line.set_class(bool(message), "-shown")

    @on(Input.Blurred)
    def _left_a_range(self, event: Input.Blurred) -> None:
        """A bad number or date says so as the user leaves it, not only on apply."""
        name = (event.input.id or "").partition("-")[2]
        for kind in self.kinds:
            if kind.how == "range" and kind.field.name == name:
                try:
                    self._kind_result(kind)
                except RangeError as exc:
                    self._show_error(kind, str(exc))
                else:
                    self._show_error(kind, "")

    def _custom_result(self) -> ActiveFilter | None:
        if not self.entity.custom_fields:
            return None
        chosen = self.query_one("#custom-field", Select).value
        text = self.query_one("#custom-value", Input).value.strip()
        self._custom_error("")
        if not isinstance(chosen, str) or not text:
            return None
        f = self.entity.field(chosen)
        value: Any = text
        if f.kind in (Kind.TEXT, Kind.LONG_TEXT):
            return ActiveFilter(CUSTOM, f"{f.label} contains “{text}”",
                                (Filter(f.name, "contains", text),))
        if f.kind is Kind.INT:
            try:
                value = int(text)
            except ValueError:
                self._custom_error(f"{f.label} holds whole numbers, like 42")
                return None
        elif f.kind is Kind.BOOL:
            value = text.lower() in ("1", "yes", "true", "✓", "y")
        return ActiveFilter(CUSTOM, f"{f.label} is {text}", (Filter(f.name, "=", value),))

    # -- actions ---------------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_apply()

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        result = self.result()
        if result is not None:
            self.dismiss(result)

    @on(Button.Pressed, "#clear")
    def _clear(self) -> None:
        self.dismiss(())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
