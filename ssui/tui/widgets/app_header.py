"""The top line: which connection this is, and how its mirror is doing."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from ssui.text import printable
from ssui.tui.data_text import data_text
from ssui.tui.sync_state import Level, SyncState
from ssui.tui.widgets.css import tcss_next_to

DOTS = {Level.OFFLINE: "○", Level.OK: "●", Level.BUSY: "◐", Level.WARN: "▲", Level.ERROR: "✖"}


class AppHeader(Horizontal):
    """Brand, connection name (and read-only mark) on the left; sync state and quota right."""

    DEFAULT_CSS = tcss_next_to(__file__)

    def __init__(self, connection_name: str, *, read_only: bool = False,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.connection_name = connection_name
        self.read_only = read_only
        self.state: SyncState | None = None

    def compose(self) -> ComposeResult:
        yield Static("◆ ssui", id="brand")
        yield Static(data_text(self.connection_name), id="connection")
        if self.read_only:
            yield Static("read-only", id="read-only")
        yield Static(id="sync")
        yield Static(id="quota")

    def show(self, state: SyncState) -> None:
        """Show the mirror's state (cheap when nothing changed)."""
        if state == self.state:
            return
        self.state = state
        sync = self.query_one("#sync", Static)
        line = Text(printable(f"{DOTS[state.level]} {state.text}"))
        if state.detail:
            line.append(printable(f"  {state.detail}"), style="italic")
        sync.update(line)
        for level in Level:
            sync.set_class(state.level is level, f"-{level.value}")
        sync.tooltip = data_text(state.detail) if state.detail else None
        quota = self.query_one("#quota", Static)
        quota.update(data_text(state.quota))
        quota.tooltip = state.quota_detail or None
