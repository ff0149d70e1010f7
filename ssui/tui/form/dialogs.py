"""The small dialogs around a record form: delete?, unsaved changes, and a write conflict."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Static

from ssui.entities import Entity
from ssui.mirror.account import Clash
from ssui.text import printable
from ssui.tui.data_text import data_text

CSS = Path(__file__).with_name("dialogs.tcss")
Choice = Literal["mine", "theirs"]


class ConfirmDelete(ModalScreen[bool]):
    """"Delete Lead Jane Doe?": True to delete. ``VERB`` and ``DEFAULT_DETAIL`` make the same
    y/n question for another irreversible act (the console's "Send createLeads?")."""

    CSS_PATH = CSS
    VERB = "Delete"
    DEFAULT_DETAIL = "SharpSpring deletes it for good; this cannot be undone from ssui."

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Delete", id="ssui.confirm.yes"),
        Binding("n,escape", "answer(False)", "Cancel", id="ssui.confirm.no"),
    ]

    def __init__(self, what: str, detail: str = "") -> None:
        super().__init__()
        self.what = what
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -danger"):
            yield Static(data_text(f"{self.VERB} {self.what}?"), classes="dialog-title")
            yield Static(data_text(self.detail or self.DEFAULT_DETAIL), classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.VERB}  y", variant="error", id="yes", compact=True)
                yield Button("Cancel  n", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class UnsavedChanges(ModalScreen[str]):
    """Leaving a form with changes: "save", "discard" or "keep" (editing)."""

    CSS_PATH = CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "answer('save')", "Save", id="ssui.unsaved.save"),
        Binding("d", "answer('discard')", "Discard", id="ssui.unsaved.discard"),
        Binding("k,escape", "answer('keep')", "Keep editing", id="ssui.unsaved.keep"),
    ]

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(data_text(f"Unsaved changes to {self.what}"), classes="dialog-title")
            yield Static("Save them, throw them away, or go back to the form?",
                         classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save  s", variant="primary", id="save", compact=True)
                yield Button("Discard  d", variant="error", id="discard", compact=True)
                yield Button("Keep editing  k", id="keep", compact=True)

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(str(event.button.id))

    def action_answer(self, answer: str) -> None:
        self.dismiss(answer)


class ClashRow(Widget, can_focus=True):
    """One field of a conflict: original, theirs, yours, and which one to keep."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space,enter", "switch", "Mine / theirs", id="ssui.conflict.toggle"),
        Binding("left", "choose('mine')", "Keep mine", show=False, id="ssui.conflict.mine"),
        Binding("right", "choose('theirs')", "Keep theirs", show=False,
                id="ssui.conflict.theirs"),
    ]

    def __init__(self, label: str, clash: Clash, show: Callable[[Any], str]) -> None:
        super().__init__()
        self.label = label
        self.clash = clash
        self.show_value = show
        self.choice: Choice = "theirs"

    def render(self) -> Content:
        def cell(value: Any) -> str:
            return printable(self.show_value(value)) or "(empty)"

        mine = "●" if self.choice == "mine" else "○"
        theirs = "●" if self.choice == "theirs" else "○"
        return Content.assemble(
            (f"{printable(self.label)}\n", "bold"),
            ("  original  ", "dim"), cell(self.clash.original), "\n",
            (f"{theirs} theirs    ", "bold" if self.choice == "theirs" else "dim"),
            cell(self.clash.theirs), "\n",
            (f"{mine} yours     ", "bold" if self.choice == "mine" else "dim"),
            cell(self.clash.mine),
        )

    def action_switch(self) -> None:
        self.choose("mine" if self.choice == "theirs" else "theirs")

    def action_choose(self, choice: Choice) -> None:
        self.choose(choice)

    def choose(self, choice: Choice) -> None:
        self.choice = choice
        self.refresh()


class ConflictScreen(ModalScreen[dict[str, Choice] | None]):
    """Fields changed on the server since the form opened: keep theirs, mine, or per field.

    Dismisses with the choice per field, or None to go back to the form without saving.
    """

    CSS_PATH = CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "all('theirs')", "Keep all theirs", id="ssui.conflict.all_theirs"),
        Binding("m", "all('mine')", "Keep all mine", id="ssui.conflict.all_mine"),
        Binding("ctrl+s,f2", "apply", "Save choices", id="ssui.conflict.apply"),
        Binding("escape", "back", "Back to the form", id="ssui.conflict.back"),
    ]

    def __init__(self, entity: Entity, name: str, clashes: Sequence[Clash],
                 show: Callable[[str, Any], str]) -> None:
        super().__init__()
        self.entity = entity
        self.record_name = name
        self.clashes = tuple(clashes)
        self.show = show

    def compose(self) -> ComposeResult:
        e = self.entity
        n = len(self.clashes)
        with Vertical(classes="dialog -wide"):
            yield Static(data_text(f"{self.record_name} changed on the server"),
                         classes="dialog-title")
            yield Static(f"Someone changed {n} of the field{'s' if n != 1 else ''} you edited "
                         "since you opened the form. Nothing was saved. For each, keep theirs "
                         "or yours (space switches, ← mine, → theirs).", classes="dialog-text")
            with VerticalScroll(classes="clashes"):
                for c in self.clashes:
                    label = e.field(c.field).label if e.has_field(c.field) else c.field
                    yield ClashRow(label, c, partial(self.show, c.field))
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save choices  ^s", variant="primary", id="apply", compact=True)
                yield Button("All theirs  t", id="theirs", compact=True)
                yield Button("All mine  m", id="mine", compact=True)
                yield Button("Back  esc", id="back", compact=True)

    def on_mount(self) -> None:
        self.query(ClashRow).first().focus()

    @property
    def rows(self) -> list[ClashRow]:
        return list(self.query(ClashRow))

    def choices(self) -> dict[str, Choice]:
        return {r.clash.field: r.choice for r in self.rows}

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        match event.button.id:
            case "apply":
                self.action_apply()
            case "theirs" | "mine" as which:
                self.action_all(which)
            case _:
                self.action_back()

    def action_all(self, choice: Choice) -> None:
        for r in self.rows:
            r.choose(choice)
        self.action_apply()

    def action_apply(self) -> None:
        self.dismiss(self.choices())

    def action_back(self) -> None:
        self.dismiss(None)
