"""Ask a name for a saved view: one line, checked as typed; enter saves, escape cancels."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ssui.config.views import check_view_name
from ssui.tui.data_text import data_text


class ViewNameScreen(ModalScreen[str | None]):
    """Dismisses with a valid view name, or None when cancelled."""

    CSS_PATH = Path(__file__).with_name("view_name.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="ssui.view.name.cancel"),
    ]

    def __init__(self, what: str, where: str) -> None:
        super().__init__()
        self.what = what
        self.where = where

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(data_text(f"Save this view of {self.what}"), id="dialog-title")
            yield Input(placeholder="a name, e.g. hot leads", id="view-name")
            yield Static("", id="name-error")
            yield Static(data_text(f"Saved {self.where}. Enter saves (a view of the same"
                                   " name is replaced) · esc cancels"), id="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            name = check_view_name(event.value)
        except ValueError as exc:
            self.query_one("#name-error", Static).update(data_text(str(exc)))
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
