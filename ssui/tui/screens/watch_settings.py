"""Watch settings: which watches run and toast, whose new records, and how much quota they use.

Every change is the user's until they save: a quota share that is not valid says why next to
the field and keeps what was typed. Saving applies at once (the app re-plans the polling) and
keeps the settings in the profile; a connection without a saved profile keeps them for the run.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Literal

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from ssui.config import WATCH_STREAMS, ConfigError, WatchSettings, parse_share
from ssui.mirror.watch import STREAM_KINDS
from ssui.tui.data_text import data_text
from ssui.tui.watching import Watching
from ssui.tui.widgets.record_picker import RecordPicker

# Each watch as the screen names it ("Form fills", "New leads").
LABELS = {name: STREAM_KINDS[name].counted(2).split(" ", 1)[1].capitalize()
          for name in WATCH_STREAMS}


class WatchSettingsScreen(ModalScreen[WatchSettings | None]):
    """Dismisses with the saved settings, or None when cancelled."""

    CSS_PATH = Path(__file__).with_name("watch_settings.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="ssui.watch_settings.cancel"),
        Binding("f2", "save", "Save", id="ssui.watch_settings.save"),
    ]

    def __init__(self, watching: Watching, *, daily_quota: int = 50_000) -> None:
        super().__init__()
        self.watching = watching
        self.daily_quota = daily_quota

    def compose(self) -> ComposeResult:
        s = self.watching.settings
        me = self.watching.me
        with Vertical(id="dialog"):
            yield Static("Watch settings", id="dialog-title")
            yield Static(data_text(f"Saved {self.watching.prefs.where}"), id="where")
            with VerticalScroll(id="dialog-body"):
                for name in WATCH_STREAMS:
                    with Horizontal(classes="stream-row"):
                        yield Label(LABELS[name], classes="stream-name")
                        yield Checkbox("watch", name in s.streams, compact=True,
                                       id=f"watch-{name}")
                        yield Checkbox("toast", name in s.toasts, compact=True,
                                       id=f"toast-{name}", disabled=name not in s.streams)
                yield Label("Share of the daily API quota the watches may use",
                            classes="field-label")
                with Horizontal(id="share-row"):
                    yield Input(f"{s.quota_share:g}", id="share", compact=True)
                    yield Static(id="share-note")
                yield Label("Owner of new leads, accounts and opportunities",
                            classes="field-label")
                value = me if s.owner == "mine" else s.owner_id
                yield RecordPicker(self.watching.store, "user_profile", value,
                                   any_label="Anyone", mine=me,
                                   mine_label=self.watching.mine_label(), id="owner")
                if me is None:
                    yield Static(data_text(self.watching.no_mine_hint()), id="mine-hint")
            yield Static(id="save-error")
            with Horizontal(id="dialog-buttons"):
                yield Button("Save", variant="primary", id="save", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
            yield Static("f2 saves · esc cancels · tab moves · space ticks", id="dialog-hint")

    def on_mount(self) -> None:
        self._check_share()
        self.query_one(f"#watch-{WATCH_STREAMS[0]}", Checkbox).focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # The owner's matches open under it: scroll them into view with it.
        picker = self.query_one("#owner", RecordPicker)
        if picker in event.widget.ancestors_with_self:
            body = self.query_one("#dialog-body", VerticalScroll)
            self.call_after_refresh(body.scroll_to_widget, picker, animate=False)

    def on_resize(self) -> None:
        # The fields scroll between the title and the buttons, which stay in view (80x24).
        self.query_one("#dialog-body").styles.max_height = max(4, self.size.height - 9)

    # -- the fields ------------------------------------------------------------------------

    @on(Checkbox.Changed)
    def _ticked(self, event: Checkbox.Changed) -> None:
        name = (event.checkbox.id or "").removeprefix("watch-")
        if name in WATCH_STREAMS and event.checkbox.id == f"watch-{name}":
            self.query_one(f"#toast-{name}", Checkbox).disabled = not event.value

    @on(Input.Changed, "#share")
    def _share_typed(self) -> None:
        self._check_share()

    def _check_share(self) -> float | None:
        """The share typed, or None; the note beside the field says which."""
        note = self.query_one("#share-note", Static)
        box = self.query_one("#share", Input)
        try:
            share = parse_share(box.value)
        except ValueError as exc:
            note.update(data_text(str(exc)))
            note.set_class(True, "-error")
            box.set_class(True, "-bad")
            return None
        note.update(f"{share:.0%}: up to {round(share * self.daily_quota):,} of"
                    f" {self.daily_quota:,} calls a day")
        note.set_class(False, "-error")
        box.set_class(False, "-bad")
        return share

    def chosen(self) -> WatchSettings | None:
        """The settings as the form holds them (None while the quota share is not valid)."""
        share = self._check_share()
        if share is None:
            return None
        picker = self.query_one("#owner", RecordPicker)
        owner: int | Literal["mine", "anyone"] = (
            "mine" if picker.mine_chosen else picker.value if picker.value is not None
            else "anyone")
        streams = [n for n in WATCH_STREAMS if self.query_one(f"#watch-{n}", Checkbox).value]
        toasts = [n for n in WATCH_STREAMS if self.query_one(f"#toast-{n}", Checkbox).value]
        return WatchSettings(streams=tuple(streams), owner=owner, quota_share=share,
                             toasts=tuple(toasts))

    # -- actions ---------------------------------------------------------------------------

    @on(Input.Submitted, "#share")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        settings = self.chosen()
        if settings is None:
            self.query_one("#share", Input).focus()
            return
        try:
            self.watching.prefs.save(settings)
        except (ConfigError, OSError) as exc:
            error = self.query_one("#save-error", Static)
            error.update(data_text(f"Not saved: {exc}"))
            error.set_class(True, "-shown")
            return
        self.dismiss(settings)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
