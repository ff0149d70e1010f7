"""The console's history (F4): saved requests first, then every request sent, newest first.

Typing searches both (every word must appear: method, params, path, body, status, outcome);
Enter puts the chosen request back into the editor, to edit and send again.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ssui.console import ConsoleRequest, History, HistoryEntry, Mode, SavedRequest, SavedRequests
from ssui.text import printable

SHOWN = 60  # history entries listed at once (three screenfuls); typing narrows the rest
_PREVIEW = 90


def _preview(request: ConsoleRequest) -> str:
    text = request.params if request.mode is Mode.API else request.body
    flat = " ".join(text.split())
    return flat if len(flat) <= _PREVIEW else flat[: _PREVIEW - 1] + "…"


def entry_content(entry: HistoryEntry) -> Content:
    """One history line: when, what, the params, and what came of it."""
    when = entry.at.astimezone().strftime("%m-%d %H:%M:%S")
    request = entry.request
    mark = ("●", "$text-success") if entry.status is not None and 200 <= entry.status < 300 \
        and not entry.outcome.startswith("error") else ("✖", "$text-error")
    took = f" · {entry.ms:,.0f} ms" if entry.ms is not None else ""
    via = " · ssui call" if entry.source == "call" else ""
    return Content.assemble(
        (f"{mark[0]} ", mark[1]), (when, "dim"), "  ", (printable(request.title), "bold"),
        "  ", (printable(_preview(request)), "dim"), "\n   ",
        (printable(entry.outcome or "no answer") + took + via, "$text-muted"))


def saved_content(saved: SavedRequest) -> Content:
    return Content.assemble(("★ ", "$text-warning"), (printable(saved.name), "bold"), "  ",
                            (printable(saved.request.title), ""), "  ",
                            (printable(_preview(saved.request)), "dim"))


class HistoryScreen(ModalScreen[ConsoleRequest | None]):
    """Pick a saved or an earlier request: the console loads it into its editor."""

    CSS_PATH = Path(__file__).with_name("history_screen.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="ssui.console.history.close"),
        Binding("delete", "forget", "Forget saved request",
                id="ssui.console.history.forget"),
    ]

    def __init__(self, history: History, saved: SavedRequests) -> None:
        super().__init__()
        self.history = history
        self.saved = saved
        self._choices: dict[str, ConsoleRequest] = {}
        self._saved_names: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="history-dialog"):
            yield Static(id="history-title", markup=False)
            yield Input(placeholder="search: method, params, path, status, error…",
                        id="history-search")
            yield OptionList(id="history-list")
            yield Static("↓ to the list · Enter replays into the editor · del forgets a saved"
                         " one · esc closes", id="history-hint", markup=False)

    def on_mount(self) -> None:
        self.fill("")  # reads the history: thousands of entries that live as long as the app
        # Out of the collector's sight, as the app does with its start-up objects: a full
        # collection would otherwise walk every entry, a 30 ms pause in the middle of typing.
        gc.collect()
        gc.freeze()
        box = self.query_one(Input)
        # A watcher, not the Changed message: the matches are in the keystroke's own frame.
        self.watch(box, "value", self.fill, init=False)
        box.focus()

    def fill(self, text: str) -> None:
        """List what matches ``text``: saved requests, then history, newest first."""
        words = text.casefold().split()
        saved = [s for s in self.saved.all() if all(
            w in f"{s.name} {s.request.title} {_preview(s.request)}".casefold() for w in words)]
        entries = self.history.search(text, SHOWN)
        total = self.history.count(text) if len(entries) >= SHOWN else len(entries)
        options: list[Option | None] = []
        self._choices = {}
        self._saved_names = {}
        for i, s in enumerate(saved):
            key = f"saved-{i}"
            self._choices[key] = s.request
            self._saved_names[key] = s.name
            options.append(Option(saved_content(s), id=key))
        if saved and entries:
            options.append(None)
        for i, entry in enumerate(entries):
            key = f"entry-{i}"
            self._choices[key] = entry.request
            options.append(Option(entry_content(entry), id=key))
        listing = self.query_one(OptionList)
        listing.clear_options()
        if options:
            listing.add_options(options)
            listing.highlighted = 0
        else:
            listing.add_option(Option("Nothing matches." if words else
                                      "No requests yet: what the console sends is kept here.",
                                      disabled=True))
        shown = f"{len(entries):,} of {total:,}" if total > len(entries) else f"{total:,}"
        self.query_one("#history-title", Static).update(
            f"History · {shown} request{'s' if total != 1 else ''}"
            + (f" · {len(saved)} saved" if saved else "") + (" matching" if words else ""))

    def on_key(self, event: events.Key) -> None:
        if event.key == "down" and self.query_one(Input).has_focus:
            event.stop()
            self.query_one(OptionList).focus()

    @on(OptionList.OptionHighlighted, "#history-list")
    def _highlighted(self) -> None:
        self.refresh_bindings()  # "forget" is offered on saved requests only

    @on(Input.Submitted, "#history-search")
    def _submitted(self) -> None:
        listing = self.query_one(OptionList)
        if listing.highlighted is not None:
            self._choose(listing.get_option_at_index(listing.highlighted).id)

    @on(OptionList.OptionSelected, "#history-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, key: str | None) -> None:
        if key is not None and key in self._choices:
            self.dismiss(self._choices[key])

    def _highlighted_saved(self) -> str | None:
        listing = self.query_one(OptionList)
        if listing.highlighted is None or not listing.has_focus:
            return None
        return self._saved_names.get(listing.get_option_at_index(listing.highlighted).id or "")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "forget":
            return self._highlighted_saved() is not None
        return True

    def action_forget(self) -> None:
        name = self._highlighted_saved()
        if name is not None and self.saved.remove(name):
            self.notify(printable(f"Forgot the saved request {name}"), markup=False)
            self.fill(self.query_one(Input).value)

    def action_close(self) -> None:
        self.dismiss(None)
