"""The filter form: the filters SharpSpring's list call offers for an entity, read off the registry.

A reference among the list method's ``where`` keys (ownerID, dealStageID, ...) is picked by
name; a text key (emailAddress) takes a list of values; an entity with custom fields can be
filtered by one custom field's value.
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

from ssui.entities import Entity, Field, Kind
from ssui.mirror import Filter, MirrorStore
from ssui.text import printable
from ssui.tui.browse_state import ActiveFilter, email_list
from ssui.tui.data_text import data_text
from ssui.tui.widgets.record_picker import RecordPicker

CUSTOM = "custom"
Filters = tuple[ActiveFilter, ...]


def filter_fields(entity: Entity) -> list[Field]:
    """The fields an entity's list call filters on (besides id), in registry order."""
    return [entity.field(k) for k in entity.methods.where_keys
            if k != "id" and entity.has_field(k)
            and entity.field(k).kind in (Kind.REFERENCE, Kind.TEXT)]


def _slot(field: Field) -> str:
    return f"where:{field.name}"


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
        self.current = {a.slot: a for a in current}

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"Filter {self.entity.plural.lower()}", id="dialog-title")
            with VerticalScroll(id="dialog-body"):
                for f in filter_fields(self.entity):
                    yield from self._field_input(f)
                if self.entity.custom_fields:
                    yield from self._custom_input()
            with Horizontal(id="dialog-buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Clear all", id="clear")
                yield Button("Cancel", id="cancel")
            yield Static("enter applies · esc cancels · tab moves", id="dialog-hint")

    def _field_input(self, f: Field) -> ComposeResult:
        active = self.current.get(_slot(f))
        if f.kind is Kind.REFERENCE and f.ref is not None:
            yield Label(data_text(f.label), classes="field-label")
            value = active.filters[0].value if active else None
            yield RecordPicker(self.store, f.ref, value, id=f"pick-{f.name}")
        else:
            yield Label(data_text(f"{f.label} (one or more, separated by commas or spaces)"),
                        classes="field-label")
            value = " ".join(active.filters[0].value) if active else ""
            yield Input(value, placeholder="ann@acme.io, bob@globex.com", id=f"list-{f.name}")

    def _custom_input(self) -> ComposeResult:
        active = self.current.get(CUSTOM)
        chosen = active.filters[0].field if active else Select.NULL
        value = str(active.filters[0].value) if active else ""
        yield Label("Custom field", classes="field-label")
        with Horizontal(id="custom-row"):
            yield Select([(data_text(f.label), f.name) for f in self.entity.custom_fields],
                         value=chosen,
                         prompt="Choose a field", id="custom-field", allow_blank=True)
            yield Input(value, placeholder="value", id="custom-value")

    def on_mount(self) -> None:
        first = self.query("RecordPicker Input, #dialog-body Input")
        if first:
            first.first().focus()

    # -- results ---------------------------------------------------------------------------

    def result(self) -> Filters:
        """The filters the form describes now."""
        out: list[ActiveFilter] = []
        for f in filter_fields(self.entity):
            if f.kind is Kind.REFERENCE:
                picker = self.query_one(f"#pick-{f.name}", RecordPicker)
                if picker.value is not None:
                    out.append(ActiveFilter(_slot(f), f"{f.label} is {picker.value_name}",
                                            (Filter(f.name, "=", picker.value),)))
            else:
                values = email_list(self.query_one(f"#list-{f.name}", Input).value)
                if values:
                    words = values[0] if len(values) == 1 else f"one of {len(values)} values"
                    out.append(ActiveFilter(_slot(f), f"{f.label} is {words}",
                                            (Filter(f.name, "in", values),)))
        custom = self._custom_result()
        if custom is not None:
            out.append(custom)
        return tuple(out)

    def _custom_result(self) -> ActiveFilter | None:
        if not self.entity.custom_fields:
            return None
        chosen = self.query_one("#custom-field", Select).value
        text = self.query_one("#custom-value", Input).value.strip()
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
                self.notify(printable(f"{f.label} holds whole numbers"), severity="error",
                            markup=False)
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
        self.dismiss(self.result())

    @on(Button.Pressed, "#clear")
    def _clear(self) -> None:
        self.dismiss(())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
