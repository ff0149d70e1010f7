"""The console's small dialogs: send this write?, a name or a path, and copy / save.

The first two are the app's own y/n and one-line questions, worded for the console."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from ssui.tui.ask_line import AskLineScreen
from ssui.tui.data_text import data_text
from ssui.tui.form.dialogs import ConfirmDelete

CSS = Path(__file__).with_name("dialogs.tcss")


class ConfirmSend(ConfirmDelete):
    """"Send createLeads?" before a write to a live account: True to send."""

    VERB = "Send"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Send", id="ssui.console.confirm.yes"),
        Binding("n,escape", "answer(False)", "Cancel", id="ssui.console.confirm.no"),
    ]

    def __init__(self, method: str, where: str) -> None:
        super().__init__(method, f"It writes to {where}, a live account: SharpSpring changes"
                                 " or deletes records for real.")
        self.method = method
        self.where = where


def _given(text: str) -> str:
    if not text.strip():
        raise ValueError("Type something, or esc to cancel")
    return text.strip()


class AskText(AskLineScreen[str]):
    """One line of text (a name, a file path): Enter gives it, escape gives None."""

    def __init__(self, title: str, value: str = "", hint: str = "") -> None:
        super().__init__(title, hint or "Enter keeps it · esc cancels", _given, value=value,
                         input_id="answer")


# What the copy / save menu offers: (answer, key, label, needs a response).
EXPORTS: tuple[tuple[str, str, str, bool], ...] = (
    ("curl", "c", "Copy as curl (the secret as $SHARPSPRING_SECRET_KEY)", False),
    ("copy", "r", "Copy the response", True),
    ("file", "s", "Save the response to a file…", True),
    ("keep", "k", "Keep this request under a name…", False),
)


class ExportMenu(ModalScreen[str | None]):
    """Copy as curl, copy or save the response, keep the request: the answer names which."""

    CSS_PATH = CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "pick('curl')", "Copy as curl", id="ssui.console.export.curl"),
        Binding("r", "pick('copy')", "Copy response", id="ssui.console.export.copy"),
        Binding("s", "pick('file')", "Save response", id="ssui.console.export.file"),
        Binding("k", "pick('keep')", "Keep request", id="ssui.console.export.keep"),
        Binding("escape", "pick('')", "Close", id="ssui.console.export.close"),
    ]

    def __init__(self, *, has_response: bool, curl_problem: str = "") -> None:
        super().__init__()
        self.has_response = has_response
        self.curl_problem = curl_problem

    def available(self, answer: str) -> bool:
        if answer == "curl":
            return not self.curl_problem
        needs = next((n for a, _, _, n in EXPORTS if a == answer), False)
        return self.has_response or not needs

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick" and parameters and parameters[0]:
            return self.available(str(parameters[0]))
        return True

    def compose(self) -> ComposeResult:
        with Vertical(classes="console-dialog"):
            yield Static("Copy or save", classes="console-dialog-title")
            for answer, key, label, _ in EXPORTS:
                yield Button(f"{key}  {label}", id=f"export-{answer}", compact=True,
                             disabled=not self.available(answer), classes="console-menu-item")
            why = self.curl_problem and f"curl: {self.curl_problem}"
            yield Static(data_text(why or "esc closes"), classes="console-dialog-text")

    def on_mount(self) -> None:
        first = next((b for b in self.query(Button) if not b.disabled), None)
        if first is not None:
            first.focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "").removeprefix("export-") or None)

    def action_pick(self, answer: str) -> None:
        self.dismiss(answer or None)
