"""Pick a record by name (an owner, a deal stage, an account): type, arrow, done."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from ssui.mirror import MirrorStore, Query
from ssui.text import printable
from ssui.tui.widgets.css import tcss_next_to

SHOWN = 6
ANYONE = "any"


class RecordPicker(Widget):
    """An input that searches one entity in the mirror and a short list of matches.

    ``value`` is the chosen record's id, or None for "any".
    """

    DEFAULT_CSS = tcss_next_to(__file__)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next match", show=False, id="ssui.picker.next"),
        Binding("up", "move(-1)", "Previous match", show=False, id="ssui.picker.previous"),
    ]

    def __init__(self, store: MirrorStore, entity_key: str, value: int | None = None, *,
                 any_label: str = "Any", name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.store = store
        self.entity = store.entity(entity_key)
        self.value = value
        self.any_label = any_label
        self._names: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        noun = self.entity.label.lower()
        article = "an" if noun[:1] in "aeio" else "a"  # "a user", "an account"
        yield Input(self.value_name, placeholder=f"Type to find {article} {noun}…")
        yield OptionList()

    @property
    def value_name(self) -> str:
        """The chosen record's name ("" for any)."""
        if self.value is None:
            return ""
        rec = self.store.get(self.entity.key, self.value)
        return printable(self.entity.display_name(rec)) if rec else f"#{self.value}"

    def on_mount(self) -> None:
        self._fill("")

    def matches(self, text: str) -> list[dict[str, Any]]:
        """The records whose names start with the words typed (all of them when blank)."""
        sort = self.entity.name_fields[0] if self.entity.name_fields else None
        search = "" if text == self.value_name else text
        return self.store.page(Query(self.entity.key, search=search, sort=sort, limit=SHOWN))

    def _fill(self, text: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        rows = self.matches(text)
        self._names = {r["id"]: printable(self.entity.display_name(r)) for r in rows}
        options.add_option(Option(self.any_label, id=ANYONE))
        for rid, name in self._names.items():
            options.add_option(Option(Content(name), id=str(rid)))
        if self.value is not None and text == self.value_name and self.value in self._names:
            options.highlighted = 1 + list(self._names).index(self.value)
        elif rows and text.strip():
            options.highlighted = 1
        else:
            options.highlighted = 0

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(event.value)
        self._take_highlight()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._take_highlight()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._take_highlight()
        self.query_one(Input).value = self.value_name

    def _take_highlight(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is None:
            return
        option_id = options.get_option_at_index(index).id
        self.value = None if option_id in (None, ANYONE) else int(option_id)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        count = options.option_count
        if count:
            options.highlighted = ((options.highlighted or 0) + step) % count
