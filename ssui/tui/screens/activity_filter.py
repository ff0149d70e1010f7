"""Choose which events the Activity tab shows: a kind, an owner (picked by name, or "mine"),
or all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static

from ssui.mirror import MirrorStore
from ssui.mirror.event_log import EventQuery
from ssui.mirror.events import WatchKind
from ssui.text import printable
from ssui.tui.data_text import data_text
from ssui.tui.widgets.record_picker import RecordPicker

# The result: the feed's new query and the owner's name for its chip.
Chosen = tuple[EventQuery, str]


class ActivityFilterScreen(ModalScreen[Chosen | None]):
    """Dismisses with the new query (and owner name), or None when cancelled."""

    # The same card as the list filters'; only the screen's own rule is added here.
    CSS_PATH = Path(__file__).with_name("filter.tcss")
    DEFAULT_CSS = """
    ActivityFilterScreen {
        align: center middle;
        background: $background 60%;
    }
    ActivityFilterScreen .field-hint {
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="ssui.activity_filter.cancel"),
        Binding("f2", "apply", "Apply", id="ssui.activity_filter.apply"),
    ]

    def __init__(self, store: MirrorStore, current: EventQuery, *,
                 kinds: Sequence[WatchKind] = tuple(WatchKind), mine: int | None = None,
                 mine_label: str = "Mine", no_mine_hint: str = "") -> None:
        """``kinds`` are the kinds offered (the watched ones); ``mine`` the user's own id,
        when known, offered as "Mine"; else ``no_mine_hint`` says how to make it known."""
        super().__init__()
        self.store = store
        self.current = current
        self.kinds = tuple(kinds)
        self.mine = mine
        self.mine_label = mine_label
        self.no_mine_hint = no_mine_hint

    def compose(self) -> ComposeResult:
        kind = self.current.kinds[0] if len(self.current.kinds) == 1 else Select.NULL
        with Vertical(id="dialog"):
            yield Static("Show activity", id="dialog-title")
            with VerticalScroll(id="dialog-body"):
                yield Label("Kind", classes="field-label")
                offered = [(k.label.capitalize(), str(k)) for k in self.kinds]
                if kind is not Select.NULL and kind not in {v for _, v in offered}:
                    kind = Select.NULL
                yield Select(offered, value=kind, prompt="Every kind", id="kind",
                             allow_blank=True)
                yield Label("Owner (of the lead, account or opportunity)", classes="field-label")
                yield RecordPicker(self.store, "user_profile", self.current.owner_id,
                                   any_label="Anyone", mine=self.mine,
                                   mine_label=self.mine_label, id="owner")
                if self.mine is None and self.no_mine_hint:
                    yield Static(data_text(self.no_mine_hint), id="mine-hint",
                                 classes="field-hint")
            with Horizontal(id="dialog-buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Clear all", id="clear")
                yield Button("Cancel", id="cancel")
            yield Static("f2 applies · esc cancels · tab moves", id="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#kind", Select).focus()

    def result(self) -> Chosen:
        kind = self.query_one("#kind", Select).value
        picker = self.query_one("#owner", RecordPicker)
        query = replace(self.current, kinds=(kind,) if isinstance(kind, str) else (),
                        owner_id=picker.value, after=0)
        name = picker.value_name
        if picker.mine_chosen and picker.value is not None:
            users = self.store.entity("user_profile")
            record = self.store.get("user_profile", picker.value)
            name = f"you ({printable(users.display_name(record)) if record else name})"
        return query, name

    @on(Button.Pressed, "#apply")
    def action_apply(self) -> None:
        self.dismiss(self.result())

    @on(Button.Pressed, "#clear")
    def _clear(self) -> None:
        self.dismiss((EventQuery(), ""))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
