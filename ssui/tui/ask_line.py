"""Ask for one line (a name, a file): checked on enter, the message under it, nothing lost."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ssui.tui.data_text import data_text

T = TypeVar("T")


class AskLineScreen(ModalScreen[T | None], Generic[T]):
    """Dismisses with what ``check`` makes of the line, or None when cancelled.

    ``check`` raises ValueError with a one-line message to keep the dialog open, the line as
    typed; subclasses give the title, the first value, the placeholder and the hint.
    """

    CSS_PATH = Path(__file__).with_name("ask_line.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="ssui.ask.cancel"),
    ]

    def __init__(self, title: str, hint: str, check: Callable[[str], T], *, value: str = "",
                 placeholder: str = "", input_id: str = "line") -> None:
        super().__init__()
        self.title_text, self.hint, self.check = title, hint, check
        self.value, self.placeholder, self.input_id = value, placeholder, input_id

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(data_text(self.title_text), id="dialog-title")
            yield Input(self.value, placeholder=self.placeholder, id=self.input_id)
            yield Static("", id="name-error")
            yield Static(data_text(self.hint), id="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            answer = self.check(event.value)
        except ValueError as exc:
            self.query_one("#name-error", Static).update(data_text(str(exc)))
            return
        self.dismiss(answer)

    @on(Input.Changed)
    def _typed(self) -> None:
        self.query_one("#name-error", Static).update("")

    def action_cancel(self) -> None:
        self.dismiss(None)
