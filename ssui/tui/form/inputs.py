"""The inputs a record form is made of, beyond Textual's own: references picked by name.

``ReferenceInput`` is one line until the user types: then the mirror's matches open under it
(arrows move, enter picks, escape closes). Leaving it with text that names nothing it knows
keeps the text and says so; leaving it with a match highlighted takes that match, so
"maya" + tab sets the owner to Maya Lind.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Checkbox, Input, OptionList, Select, TextArea
from textual.widgets.option_list import Option

from ssui.entities import Field
from ssui.mirror import MirrorStore, Query
from ssui.text import printable
from ssui.tui.form.values import Invalid, parse
from ssui.tui.widgets.css import tcss_next_to

SHOWN = 6
NONE = "none"


class ReferenceInput(Widget):
    """Choose one record of ``entity_key`` by name; ``value`` is its id (None for none)."""

    DEFAULT_CSS = tcss_next_to(__file__)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next match", show=False, id="ssui.reference.next"),
        Binding("up", "move(-1)", "Previous match", show=False, id="ssui.reference.previous"),
    ]

    class Picked(Message):
        """The user chose a record (or none) from the list."""

        def __init__(self, picker: ReferenceInput) -> None:
            super().__init__()
            self.picker = picker

        @property
        def control(self) -> ReferenceInput:
            return self.picker

    def __init__(self, store: MirrorStore, entity_key: str, value: int | None = None, *,
                 required: bool = False, clears: bool = True, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.store = store
        self.entity = store.entity(entity_key)
        self.value = value
        self.required = required
        # False for a picker that adds (the opportunity's leads): no "none" entry.
        self.clears = clears
        self.unresolved: str | None = None
        self._open = False

    def compose(self) -> ComposeResult:
        noun = self.entity.label.lower()
        article = "an" if noun[:1] in "aeio" else "a"
        yield Input(self.name_of(self.value), placeholder=f"type to find {article} {noun}",
                    compact=True, select_on_focus=False)
        # The list of matches is mounted the first time it is needed: a form has many
        # references, and most are never opened.

    @property
    def text(self) -> str:
        """What the input shows (the chosen name until it is composed)."""
        found = self.query(Input)
        return found.first().value if found else self.name_of(self.value)

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def options(self) -> OptionList:
        found = self.query(OptionList)
        if found:
            return found.first()
        options = OptionList(compact=True)
        options.display = False
        self.mount(options)
        return options

    def name_of(self, record_id: int | None) -> str:
        if record_id is None:
            return ""
        rec = self.store.get(self.entity.key, record_id)
        return printable(self.entity.display_name(rec)) if rec else f"#{record_id}"

    def focus(self, scroll_visible: bool = True) -> ReferenceInput:
        self.input.focus(scroll_visible)
        return self

    # -- the list ------------------------------------------------------------------------------

    def matches(self, text: str) -> list[dict[str, Any]]:
        """The records whose names match the text typed (the first few when blank)."""
        sort = self.entity.name_fields[0] if self.entity.name_fields else None
        return self.store.page(Query(self.entity.key, search=text.strip(), sort=sort,
                                     limit=SHOWN))

    def _fill(self, text: str) -> None:
        options = self.options
        options.clear_options()
        rows = self.matches(text)
        if self.clears and not self.required:
            options.add_option(Option(Content.styled("(none)", "dim"), id=NONE))
        for r in rows:
            label = printable(self.entity.display_name(r))
            email = r.get("emailAddress")
            if email and self.entity.fallback_name == "emailAddress" and email != label:
                label = f"{label} <{printable(str(email))}>"
            options.add_option(Option(Content(label), id=str(r["id"])))
        if not options.option_count:
            options.add_option(Option(Content.styled(
                f"no {self.entity.plural.lower()} match", "dim"), id=None, disabled=True))
        if rows and text.strip():
            options.highlighted = 1 if self.clears and not self.required else 0
        elif not options.get_option_at_index(0).disabled:
            options.highlighted = 0
        self._show_list(True)

    def _show_list(self, shown: bool) -> None:
        self._open = shown
        if shown or self.query(OptionList):
            self.options.display = shown
        self.refresh_bindings()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self.input.has_focus and event.value != self.name_of(self.value):
            self._fill(event.value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._open:
            self._take_highlight()
        else:
            self._fill(event.value if event.value != self.name_of(self.value) else "")

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._take_highlight()
        self.input.focus()

    def _take_highlight(self) -> bool:
        options = self.options
        index = options.highlighted
        if index is None:
            return False
        option = options.get_option_at_index(index)
        if option.disabled:
            return False
        self.pick(None if option.id == NONE else int(str(option.id)))
        return True

    def pick(self, record_id: int | None) -> None:
        """Choose a record (None: none); the input shows its name."""
        self.value = record_id
        self.unresolved = None
        with self.input.prevent(Input.Changed):
            self.input.value = self.name_of(record_id)
        self.input.cursor_position = len(self.input.value)
        self._show_list(False)
        self.post_message(self.Picked(self))

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if self.input.has_focus or self.has_focus_within:
            return
        self.settle()

    def settle(self) -> None:
        """Leaving the input: blank means none, a highlighted match is taken, else kept."""
        text = self.input.value
        if text == self.name_of(self.value):
            self.unresolved = None
        elif not text.strip():
            if self.clears:
                self.pick(None)
        elif not (self._open and self._take_highlight()):
            self.unresolved = text
        self._show_list(False)

    def current(self) -> int | None:
        """The chosen id; Invalid when the text names no record, or none is chosen but needed."""
        if self.unresolved is not None:
            raise Invalid(f"no {self.entity.label.lower()} called “{printable(self.unresolved)}”"
                          " – type part of a name and pick from the list")
        if self.value is None and self.required:
            raise Invalid("required: pick one from the list")
        return self.value

    # -- keys ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "move":
            return self._open
        return True

    def action_move(self, step: int) -> None:
        options = self.options
        count = options.option_count
        if count:
            options.highlighted = ((options.highlighted if options.highlighted is not None
                                    else -1) + step) % count

    def on_key(self, event: events.Key) -> None:
        # Escape closes the open list; with none open it is the form's (cancel).
        if event.key == "escape" and self._open:
            event.stop()
            event.prevent_default()
            self._show_list(False)


def control_value(f: Field, control: Widget) -> Any:
    """The value ``control`` holds for ``f`` by the form's rules, or Invalid saying why not
    (the record form and the bulk edit read their inputs the same way)."""
    if isinstance(control, Input):
        return parse(f, control.value)
    if isinstance(control, TextArea):
        return parse(f, control.text)
    if isinstance(control, Checkbox):
        return control.value
    if isinstance(control, Select):
        if control.value is Select.NULL or control.value is Select.BLANK:
            if f.required:
                raise Invalid(f"{f.label} is required")
            return None
        return str(control.value)
    if isinstance(control, ReferenceInput):
        return control.current()
    raise AssertionError(type(control))  # pragma: no cover
