"""The notifications log (ctrl+l): every toast and every error of this run, newest first, whole."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ssui.text import printable
from ssui.tui.notices import Notice, NoticeLog

# How each severity is marked: a symbol (readable without colour) and its colour.
MARKS = {"information": ("●", "$text-primary"), "warning": ("▲", "$text-warning"),
         "error": ("✖", "$text-error")}


def notice_content(notice: Notice) -> Content:
    """One notice as the log shows it: when, what, then the whole message (never markup)."""
    mark, colour = MARKS[notice.severity]
    when = notice.at.astimezone().strftime("%H:%M:%S")
    how = "" if notice.toasted else "  · not toasted"
    return Content.assemble(
        (f"{mark} ", colour), (when, "dim"), "  ", (printable(notice.title) or "Notice", "bold"),
        (how, "dim italic"), "\n", printable(notice.message))


class NotificationsScreen(ModalScreen[None]):
    """The log of this run's toasts and errors over the app; escape closes it."""

    CSS_PATH = Path(__file__).with_name("notifications.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="ssui.notifications.close"),
    ]

    def __init__(self, log: NoticeLog) -> None:
        super().__init__()
        self.log_ = log
        self._shown = -1

    def compose(self) -> ComposeResult:
        with Vertical(id="notices-dialog"):
            yield Static(id="notices-title")
            yield OptionList(id="notices")
            yield Static("newest first · ↑↓ PgUp PgDn move · esc closes", id="notices-hint")

    def on_mount(self) -> None:
        self.fill()
        self.set_interval(0.5, self.fill)  # what arrives while the log is open joins it
        self.query_one(OptionList).focus()

    def fill(self) -> None:
        """Show the log as it is now (cheap when nothing was added)."""
        if len(self.log_) == self._shown:
            return
        self._shown = len(self.log_)
        errors = self.log_.errors
        self.query_one("#notices-title", Static).update(
            f"Notifications · {len(self.log_):,} this run"
            + (f" · {errors:,} error{'s' if errors != 1 else ''}" if errors else ""))
        options = self.query_one(OptionList)
        options.clear_options()
        if not len(self.log_):
            options.add_option(Option("Nothing yet: every toast and every error of this run"
                                      " is kept here.", disabled=True))
            return
        entries: list[Option | None] = []
        for n in self.log_.newest_first():
            entries += [Option(notice_content(n)), None]  # None: a rule between entries
        options.add_options(entries[:-1])
        options.highlighted = 0

    def action_close(self) -> None:
        self.dismiss(None)
