"""The ssui terminal app: ``SsuiApp`` and ``run_app``, which the ``ssui`` command calls.

The app owns state; workers read the mirror and post messages; one handler turns any failed
worker into a toast (and the status line of the list it served), never a crash. The mirror's
own loop (first sync, then the scheduler) runs as one long-lived worker the tests never wait
for.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import httpx
from textual import on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.markup import escape
from textual.screen import Screen
from textual.worker import Worker

from ssui.config import Connection
from ssui.entities import BROWSABLE
from ssui.mirror import MirrorStore
from ssui.mirror.account import AccountMirror
from ssui.mirror.event_log import EventQuery
from ssui.mirror.events import WatchEvent
from ssui.mirror.sync import SyncProgress
from ssui.session import AccountSession
from ssui.text import printable
from ssui.tui.keys import binding_ids as binding_ids  # the CLI reads it here
from ssui.tui.messages import EntityChanged, SyncNow, TaskFailed, WatchArrived, failure
from ssui.tui.screens.connect import ConnectScreen
from ssui.tui.screens.main import MainScreen
from ssui.tui.sync_state import SyncState, describe

if TYPE_CHECKING:
    from ssui.mirror.watch import WatchBatch

MIRROR_GROUP = "mirror"
# Up to this many events in one delivery get a toast each; more get one toast in sum.
TOAST_EACH = 3
# During the first sync, a list re-reads the mirror at most this often (seconds).
SYNC_REFRESH = 1.0
# Binding ids whose actions are navigation, not commands worth a palette entry.
_NOT_COMMANDS = ("ssui.table.", "ssui.picker.", "ssui.view.", "ssui.back", "ssui.commands")


class SsuiApp(App[None]):
    """Browse one SharpSpring account through its session; an offline session browses its store.

    ``session`` None starts on the connection screen, then opens what it connects to.
    """

    TITLE = "ssui"
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="ssui.quit"),
        Binding("f1,question_mark", "toggle_keys", "Keys", id="ssui.keys"),
        Binding("colon", "command_palette", "Commands", id="ssui.commands"),
        Binding("A", "show_latest", "Latest activity", id="ssui.activity.latest",
                tooltip="Show the events of the last toast in the Activity tab"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # "Latest activity" exists once a toast has announced some, on the main screen.
        if action == "show_latest":
            return self.latest_events is not None and isinstance(self.screen, MainScreen)
        return True

    def __init__(self, session: AccountSession | None, read_only: bool = False, *,
                 keymap: Mapping[str, str] | None = None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__()
        self.session = session
        # HTTP transport for connections made here (tests); None means the network.
        self.transport = transport
        # A session opened here (from the connection screen) is closed here too.
        self._owns_session = False
        self.read_only = read_only
        # The events the last toast announced, for "A" (show them).
        self.latest_events: EventQuery | None = None
        self.keymap = dict(keymap or {})
        self.sync_progress: SyncProgress | None = None
        self.sync_error: str | None = None
        self._refreshed_at: dict[str, float] = {}
        # Entities whose next change notice is the first sync closing, not news.
        self._closing_sync: set[str] = set()

    # -- start-up --------------------------------------------------------------------------

    @property
    def store(self) -> MirrorStore:
        assert self.session is not None, "the app has no mirror before it connects"
        return self.session.store

    @property
    def mirror(self) -> AccountMirror | None:
        """The live mirror (None offline or before connecting)."""
        return self.session.mirror if self.session is not None else None

    @property
    def connection_name(self) -> str:
        return self.session.name if self.session is not None else ""

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        if self.session is None:
            self.push_screen(ConnectScreen(transport=self.transport), self._connected)
        else:
            self._open()

    def _connected(self, connection: Connection | None) -> None:
        """The connection screen saved a connection: open its mirror and start syncing."""
        if connection is None:
            self.exit()
            return
        self.session = AccountSession.open(connection, transport=self.transport)
        self._owns_session = True
        self._open()

    async def on_unmount(self) -> None:
        if self._owns_session and self.session is not None:
            await self.session.aclose()

    def _open(self) -> None:
        self.push_screen(self.main_screen())
        if self.mirror is not None:
            self.mirror.on_change(self._mirror_changed)
            self.mirror.on_batch(self._mirror_batch)
            self._start_mirror()

    def _start_mirror(self) -> None:
        self.sync_error = None
        self.run_worker(self._keep_mirror_fresh(), group=MIRROR_GROUP, exclusive=True,
                        exit_on_error=False, description="keep the mirror fresh")

    @on(SyncNow)
    def sync_now(self) -> None:
        """Poll every stream now; after a failure that stopped syncing, start again."""
        if self.mirror is None:
            return
        running = any(w.group == MIRROR_GROUP and w.is_running for w in self.workers)
        if running:
            self.mirror.scheduler.refresh_now()
        else:
            self.notify("Trying to sync again…", title="Sync")
            self._start_mirror()

    def _mirror_changed(self, entity_key: str) -> None:
        # Called by the mirror, possibly from another thread: post, never touch widgets.
        closing = entity_key in self._closing_sync
        self._closing_sync.discard(entity_key)
        first_sync = self.sync_progress is not None and not self.sync_progress.done
        self.post_message(EntityChanged(entity_key, announce=not (closing or first_sync)))

    def _mirror_batch(self, batch: WatchBatch) -> None:
        self.post_message(WatchArrived(batch))

    def main_screen(self) -> MainScreen:
        assert self.session is not None
        return MainScreen(self.session, read_only=self.read_only,
                          sync_state=self.sync_state if self.mirror is not None else None)

    async def _keep_mirror_fresh(self) -> None:
        assert self.mirror is not None
        await self.mirror.run(progress=self._progress)

    def _progress(self, progress: SyncProgress) -> None:
        self.sync_progress = progress
        if progress.done:
            self._closing_sync = {e.key for e in BROWSABLE}
        elif progress.entity:
            now = time.monotonic()
            if now - self._refreshed_at.get(progress.entity, 0.0) >= SYNC_REFRESH:
                self._refreshed_at[progress.entity] = now
                self.post_message(EntityChanged(progress.entity, announce=False))

    def sync_state(self) -> SyncState:
        """What the header says about the mirror right now."""
        streams = self.mirror.scheduler.streams.values() if self.mirror is not None else None
        quota = getattr(getattr(self.mirror, "client", None), "quota", None)
        retry = self.mirror.first_sync_retry if self.mirror is not None else None
        budget = getattr(getattr(self.mirror, "scheduler", None), "budget", None)
        share = round(budget.daily_quota * budget.daily_share) if budget is not None else None
        return describe(streams, self.sync_progress, quota, self.sync_error,
                        first_sync_retry=retry, budget=share)

    # -- mirror messages -------------------------------------------------------------------

    @property
    def main(self) -> MainScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    @on(MainScreen.Settled)
    def _startup_over(self) -> None:
        # What start-up built lives as long as the app: keep it out of the collector's
        # full passes, which would otherwise land on a keystroke (50-100 ms at 100,000 leads).
        gc.collect()
        gc.freeze()

    @on(EntityChanged)
    def _entity_changed(self, event: EntityChanged) -> None:
        main = self.main
        if main is not None and any(e.key == event.entity_key for e in BROWSABLE):
            main.mirror_changed(event.entity_key, announce=event.announce)

    @on(WatchArrived)
    def _watch_arrived(self, event: WatchArrived) -> None:
        events = event.batch.events
        if not events:
            return
        main = self.main
        if main is not None:
            main.events_arrived(len(events))
        seqs = [e.seq for e in events if e.seq is not None]
        if seqs:
            self.latest_events = EventQuery(after=min(seqs) - 1)
            self.refresh_bindings()
        kinds = Counter(e.kind for e in events)
        summary = ", ".join(kind.counted(n) for kind, n in kinds.most_common())
        if event.batch.catch_up:
            self.notify(f"{summary} · A shows them", title="While ssui was closed")
        elif len(events) <= TOAST_EACH:
            for e in events:
                self.notify(printable(toast_line(e)), title=e.kind.label.capitalize(),
                            markup=False)
        else:
            self.notify(f"{summary} · A shows them", title="New activity")

    def action_show_latest(self) -> None:
        """Open the Activity tab on the events of the last toast."""
        main = self.main
        if main is not None and self.latest_events is not None:
            main.show_activity(self.latest_events)

    @on(Worker.StateChanged)
    def _mirror_stopped(self, event: Worker.StateChanged) -> None:
        if event.worker.group != MIRROR_GROUP:
            return
        failed = failure(event)
        if failed is not None:
            self.sync_error = failed.text
            self.notify(printable(f"The mirror stopped syncing: {failed.text}"),
                        title="Sync stopped", severity="error", timeout=10, markup=False)

    @on(TaskFailed)
    def _task_failed(self, event: TaskFailed) -> None:
        """The one place a failed background task becomes a message to the user."""
        self.notify(printable(event.text), title=f"Failed {event.what}", severity="error",
                    markup=False)

    # -- keys and commands -----------------------------------------------------------------

    def action_toggle_keys(self) -> None:
        """Show or hide the keys that work here (the focused widget's and the screen's)."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette offers what works here: views, then the actions bound right now."""
        if isinstance(screen, MainScreen):
            for e in BROWSABLE:
                yield SystemCommand(f"Go to {e.plural}", f"Show the {e.plural.lower()} list",
                                    partial(screen.action_show_view, e.key))
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            b = active.binding
            if (not active.enabled or b.system or b.id is None or b.id.startswith(_NOT_COMMANDS)
                    or b.id in seen or not b.description):
                continue
            seen.add(b.id)
            shown = b.key_display or self.get_key_display(b)
            help_text = escape(f"{b.tooltip or b.description} · key {shown or key}")
            yield SystemCommand(b.description, help_text,
                                partial(self.run_action, b.action, active.node))
        yield from super().get_system_commands(screen)


def toast_line(event: WatchEvent) -> str:
    """What a toast says of one event: what, then who ("Contact Us · Jane Doe <jane@...>")."""
    who = event.who
    if event.entity == "lead" or not who or who == event.title:
        return who or event.title
    return f"{event.title} · {who}"


def run_app(session: AccountSession | None = None, *, read_only: bool = False,
            keymap: Mapping[str, str] | None = None) -> int:
    """Run the app on ``session`` until the user quits, then close the session.

    A live session opens the account's mirror on disk (it paints at once from what an earlier
    run synced) and keeps it fresh; an offline one browses its store; with none, the app
    starts on the connection screen. Returns the exit status for the ``ssui`` command.
    """
    app = SsuiApp(session, read_only, keymap=keymap)
    try:
        app.run()
    finally:
        if session is not None:
            asyncio.run(session.aclose())
    return app.return_code or 0
