"""The column chooser: which fields a list shows, in which order (saved per profile)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from ssui.entities import Entity, Kind
from ssui.text import printable

Columns = tuple[str, ...]


class ColumnList(OptionList):
    """Every field of the entity, the shown ones first and ticked; space ticks, [ ] move."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "tick", "Show/hide", id="ssui.columns.toggle"),
        Binding("left_square_bracket,shift+up", "move(-1)", "Move up", id="ssui.columns.up"),
        Binding("right_square_bracket,shift+down", "move(1)", "Move down",
                id="ssui.columns.down"),
        Binding("enter", "done", "Apply", id="ssui.columns.done"),
    ]

    def __init__(self, entity: Entity, shown: Columns, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entity = entity
        names = [f.name for f in entity.fields if f.kind is not Kind.JSON]
        self.order = [n for n in shown if n in names] + [n for n in names if n not in shown]
        self.shown = {n for n in shown if n in names}

    def on_mount(self) -> None:
        self._fill(0)

    def _fill(self, highlighted: int) -> None:
        self.clear_options()
        for name in self.order:
            mark = "[x]" if name in self.shown else "[ ]"
            label = printable(self.entity.field(name).label)
            self.add_option(Option(Content(f"{mark} {label}"), id=name))
        self.highlighted = highlighted

    def action_tick(self) -> None:
        i = self.highlighted
        if i is None:
            return
        name = self.order[i]
        if name in self.shown:
            if len(self.shown) > 1:  # a list shows at least one column
                self.shown.discard(name)
        else:
            self.shown.add(name)
        self._fill(i)

    def action_move(self, step: int) -> None:
        i = self.highlighted
        if i is None or not 0 <= i + step < len(self.order):
            return
        self.order[i], self.order[i + step] = self.order[i + step], self.order[i]
        self._fill(i + step)

    def action_done(self) -> None:
        screen = self.screen
        if isinstance(screen, ColumnsScreen):
            screen.action_apply()

    @property
    def chosen(self) -> Columns:
        return tuple(n for n in self.order if n in self.shown)


class ColumnsScreen(ModalScreen[Columns | None]):
    """Choose a list's columns; dismisses with them in order, or None when cancelled."""

    CSS_PATH = Path(__file__).with_name("columns.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="ssui.columns.cancel"),
        Binding("f2", "apply", "Apply", id="ssui.columns.apply"),
    ]

    def __init__(self, entity: Entity, shown: Columns) -> None:
        super().__init__()
        self.entity = entity
        self.shown = shown

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(f"Columns of {self.entity.plural.lower()}", id="dialog-title")
            yield ColumnList(self.entity, self.shown, id="columns")
            with Horizontal(id="dialog-buttons"):
                yield Button("Apply", variant="primary", id="apply", compact=True)
                yield Button("Default", id="default", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
            yield Static("space shows/hides · [ ] or shift+↑↓ move · enter applies · esc"
                         " cancels", id="dialog-hint")

    @property
    def columns(self) -> ColumnList:
        return self.query_one(ColumnList)

    def on_mount(self) -> None:
        self.columns.focus()

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.columns.action_tick()

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        self.dismiss(self.columns.chosen)

    @on(Button.Pressed, "#default")
    def _default(self) -> None:
        self.dismiss(self.entity.columns)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
