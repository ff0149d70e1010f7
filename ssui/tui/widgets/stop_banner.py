"""A band under the header while the watches stopped and wait for the user, saying what to do.

Not a toast: it stays until the stopped work runs again (after ``r``), then goes away.
"""

from __future__ import annotations

from textual.widgets import Static

from ssui.tui.data_text import data_text
from ssui.tui.widgets.css import tcss_next_to


class StopBanner(Static):
    """One line: what stopped and what to do; hidden while nothing is stopped."""

    DEFAULT_CSS = tcss_next_to(__file__)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""

    def show(self, text: str) -> None:
        """Show ``text`` (account data may be in it: never markup), or hide for ""."""
        if text == self.text:
            return
        self.text = text
        self.update(data_text(text))
        self.set_class(bool(text), "-shown")
