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
MINE = "mine"


class RecordPicker(Widget):
    """An input that searches one entity in the mirror and a short list of matches.

    ``value`` is the chosen record's id, or None for "any". With ``mine`` (the user's own
    record id), a "Mine" choice follows "any"; ``mine_chosen`` says it was picked.
    """

    DEFAULT_CSS = tcss_next_to(__file__)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next match", show=False, id="ssui.picker.next"),
        Binding("up", "move(-1)", "Previous match", show=False, id="ssui.picker.previous"),
    ]

    def __init__(self, store: MirrorStore, entity_key: str, value: int | None = None, *,
                 any_label: str = "Any", mine: int | None = None, mine_label: str = "Mine",
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.store = store
        self.entity = store.entity(entity_key)
        self.value = value
        self.any_label = any_label
        self.mine = mine
        self.mine_label = mine_label
        self.mine_chosen = mine is not None and value == mine
        self._names: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        noun = self.entity.label.lower()
        article = "an" if noun[:1] in "aeio" else "a"  # "a user", "an account"
        yield Input(self.value_name, placeholder=f"Type to find {article} {noun}…")
        yield OptionList()

    @property
    def value_name(self) -> str:
        """The chosen record's name ("" for any; the "Mine" choice's label for mine)."""
        if self.value is None:
            return ""
        if self.mine_chosen:
            return printable(self.mine_label)
        rec = self.store.get(self.entity.key, self.value)
        return printable(self.entity.display_name(rec)) if rec else f"#{self.value}"

    def on_mount(self) -> None:
        self._fill("")

    # The matches show while the picker has focus. Textual restyles a widget whose focus
    # changes and its containers, not their other children, so CSS's :focus-within alone
    # would miss a picker reached with tab: show and hide the list here.
    def on_descendant_focus(self) -> None:
        self.query_one(OptionList).display = True

    def on_descendant_blur(self) -> None:
        self.query_one(OptionList).display = False

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
        first = 1
        if self.mine is not None:
            options.add_option(Option(Content(printable(self.mine_label)), id=MINE))
            first = 2
        for rid, name in self._names.items():
            options.add_option(Option(Content(name), id=str(rid)))
        if self.mine_chosen and text == self.value_name:
            options.highlighted = 1
        elif self.value is not None and text == self.value_name and self.value in self._names:
            options.highlighted = first + list(self._names).index(self.value)
        elif rows and text.strip():
            options.highlighted = first
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
        self.mine_chosen = option_id == MINE
        if self.mine_chosen:
            self.value = self.mine
        else:
            self.value = None if option_id in (None, ANYONE) else int(option_id)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        count = options.option_count
        if count:
            options.highlighted = ((options.highlighted or 0) + step) % count
