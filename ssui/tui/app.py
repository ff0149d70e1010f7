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
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import httpx
from textual import events, on
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.markup import escape
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import Worker

from ssui.config import ENVIRONMENT_ONLY, SECRET_KEY_ENV, Connection, WatchPrefs, WatchSettings
from ssui.config.errors import ConfigError
from ssui.config.views import BrowsePrefs
from ssui.entities import BROWSABLE
from ssui.mirror import MirrorStore
from ssui.mirror.account import AccountMirror, Trouble
from ssui.mirror.event_log import EventQuery
from ssui.mirror.events import WatchEvent
from ssui.mirror.scheduler import NeedsUser, Stream, user_must_fix
from ssui.mirror.sync import SyncProgress
from ssui.session import AccountSession
from ssui.text import printable
from ssui.tui.collector import IdleCollector
from ssui.tui.form.dialogs import UnsavedChanges
from ssui.tui.form.screen import RecordForm
from ssui.tui.keys import binding_ids as binding_ids  # the CLI reads it here
from ssui.tui.messages import EntityChanged, SyncNow, TaskFailed, WatchArrived, failure
from ssui.tui.notices import NoticeLog
from ssui.tui.screens.connect import ConnectScreen
from ssui.tui.screens.main import MainScreen
from ssui.tui.screens.notifications import NotificationsScreen
from ssui.tui.screens.watch_settings import WatchSettingsScreen
from ssui.tui.sync_state import SyncState, describe, stop_banner
from ssui.tui.watching import Watching

if TYPE_CHECKING:
    from ssui.mirror.watch import WatchBatch

MIRROR_GROUP = "mirror"
# Up to this many events in one delivery get a toast each; more get one toast in sum.
TOAST_EACH = 3
# During the first sync, a list re-reads the mirror at most this often (seconds).
SYNC_REFRESH = 1.0
# Binding ids whose actions are navigation, not commands worth a palette entry.
_NOT_COMMANDS = ("ssui.table.", "ssui.picker.", "ssui.view.", "ssui.back", "ssui.commands")
# ...except these, which are commands.
_COMMANDS_ANYWAY = ("ssui.view.save",)


class SsuiApp(App[None]):
    """Browse one SharpSpring account through its session; an offline session browses its store.

    ``session`` None starts on the connection screen, then opens what it connects to.
    """

    TITLE = "ssui"
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="ssui.quit",
                tooltip="Leave ssui (the mirror stays for next time)"),
        Binding("f1,question_mark", "toggle_keys", "Keys", id="ssui.keys",
                tooltip="Show or hide every key that works here"),
        # ctrl+p: Textual's usual key, which it adds only when no binding opens the palette;
        # no text field uses it, so it opens the palette from one too.
        Binding("colon,ctrl+p", "command_palette", "Commands", id="ssui.commands",
                key_display=":"),
        Binding("A", "show_latest", "Latest activity", id="ssui.activity.latest",
                tooltip="Show the events of the last toast in the Activity tab"),
        Binding("ctrl+l,L", "show_notifications", "Notifications log", show=False,
                id="ssui.notifications", tooltip="Every toast and every error of this run"),
    ]

    async def _on_key(self, event: events.Key) -> None:
        # A printable key that reaches the app while a text box has the focus was queued for
        # another widget before the focus moved (a burst of typing or a paste right after
        # "/"): it is typed into the box, not run as that widget's key ("n" opened a form).
        # A box keeps the printable keys it gets itself, so nothing else arrives here.
        # (Textual runs App._on_key after this one, unless prevented: it checks the bindings.)
        focused = self.focused
        if isinstance(focused, Input) and event.is_printable and event.character:
            event.prevent_default()
            focused.insert_text_at_cursor(event.character)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # "Latest activity" exists once a toast has announced some, on the main screen.
        if action == "show_latest":
            return self.latest_events is not None and isinstance(self.screen, MainScreen)
        if action == "watch_settings":
            return self.watching is not None and isinstance(self.screen, MainScreen)
        return True

    def __init__(self, session: AccountSession | None, read_only: bool = False, *,
                 keymap: Mapping[str, str] | None = None,
                 transport: httpx.AsyncBaseTransport | None = None,
                 watch: WatchPrefs | None = None) -> None:
        """``watch`` holds the session's watch settings (default: for this run only)."""
        super().__init__()
        self.session = session
        self.watch_prefs = watch
        self.watching: Watching | None = None
        # Every toast and every error of this run, in full (ctrl+l).
        self.notices = NoticeLog()
        # What a mirror that stopped syncing waits for the user to fix.
        self.sync_stop: NeedsUser | None = None
        # HTTP transport for connections made here (tests); None means the network.
        self.transport = transport
        # A session opened here (from the connection screen) is closed here too.
        self._owns_session = False
        self.collector = IdleCollector()
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
        self.watch_prefs = WatchPrefs.of(connection)
        self._open()

    async def on_unmount(self) -> None:
        self.collector.stop()
        if self._owns_session and self.session is not None:
            await self.session.aclose()

    def _open(self) -> None:
        assert self.session is not None
        self.watching = Watching(self.watch_prefs or WatchPrefs(), self.session.store)
        self.push_screen(self.main_screen())
        if self.mirror is not None:
            self.watching.apply(self.mirror)
            self.mirror.on_change(self._mirror_changed)
            self.mirror.on_batch(self._mirror_batch)
            self.mirror.on_stream(self._stream_changed)
            self.mirror.on_trouble(self._trouble)
            self._start_mirror()

    def _start_mirror(self) -> None:
        self.sync_error = None
        self.sync_stop = None
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
                          sync_state=self.sync_state if self.mirror is not None else None,
                          watching=self.watching, prefs=self.browse_prefs())

    def browse_prefs(self) -> BrowsePrefs:
        """Saved views and columns: in the watch settings' profile, else for this run; a
        bad value in config.toml says which key, and the app goes on without them."""
        profile = self.watch_prefs.profile if self.watch_prefs is not None else None
        try:
            return BrowsePrefs.of(profile)
        except ConfigError as exc:
            self.notify(printable(str(exc)), title="Saved views not read", severity="error",
                        markup=False, timeout=12)
            return BrowsePrefs()

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
        streams = [s for s in self.mirror.scheduler.streams.values() if s.enabled] if (
            self.mirror is not None) else None
        quota = getattr(getattr(self.mirror, "client", None), "quota", None)
        retry = self.mirror.first_sync_retry if self.mirror is not None else None
        budget = getattr(getattr(self.mirror, "scheduler", None), "budget", None)
        share = round(budget.daily_quota * budget.daily_share) if budget is not None else None
        state = describe(streams, self.sync_progress, quota, self.sync_error,
                         first_sync_retry=retry, budget=share)
        fix = (f"fix {SECRET_KEY_ENV}" if self.connection_name == ENVIRONMENT_ONLY else
               f"run ssui login --name {self.connection_name}")
        return replace(state, banner=stop_banner(streams, self.sync_error, self.sync_stop,
                                                 fix_credentials=fix))

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
        if not self.collector.runs_here:
            self.collector.start()
            self.set_interval(0.25, self.collector.tick, name="idle collector")

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.collector.input_seen()  # full collections wait until input pauses
            if (isinstance(event, events.Key) and not event.is_forwarded
                    and self._tab_moves_focus(event.key)):
                return
        await super().on_event(event)

    def _tab_moves_focus(self, key: str) -> bool:
        """Move the focus on Tab out of a text box at once, as the key arrives; True if so.

        Textual hands each key to the focused widget's queue and moves the focus only when
        that widget has passed Tab on, so keys typed right after it (a fast "40⇥90", a paste,
        a busy machine) went into the box the focus was leaving ("4090" in a range's "from").
        Only where Tab would move the focus anyway: the screen's own Tab binding answers it,
        and the box does not read keys itself.
        """
        focused = self.focused
        if key not in ("tab", "shift+tab") or not isinstance(focused, Input):
            return False
        if type(focused)._on_key is not Input._on_key:
            return False  # a box that reads its keys itself (Tab completes a method's name)
        found = self.screen.active_bindings.get(key)
        if found is None or found.node is not self.screen or found.binding.action not in (
                "app.focus_next", "app.focus_previous"):
            return False
        if key == "tab":
            self.screen.focus_next()
        else:
            self.screen.focus_previous()
        return True

    @on(EntityChanged)
    def _entity_changed(self, event: EntityChanged) -> None:
        main = self.main
        if main is not None and any(e.key == event.entity_key for e in BROWSABLE):
            main.mirror_changed(event.entity_key, announce=event.announce)

    @on(WatchArrived)
    def _watch_arrived(self, event: WatchArrived) -> None:
        watching = self.watching
        # What the watch settings leave out is neither shown live nor toasted.
        arrived = watching.admitted(event.batch.events) if watching else event.batch.events
        if not arrived:
            return
        main = self.main
        if main is not None:
            main.events_arrived(len(arrived))
        events = [e for e in arrived if watching is None or watching.toasts(e)]
        if not events:
            return
        seqs = [e.seq for e in events if e.seq is not None]
        if seqs:
            only = tuple(sorted({str(e.kind) for e in events})) if len(events) < len(
                arrived) else ()
            self.latest_events = EventQuery(after=min(seqs) - 1, kinds=only)
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
            self.sync_stop = user_must_fix(failed.error) if failed.error else None
            self.notify(printable(f"The mirror stopped syncing: {failed.text}"),
                        title="Sync stopped", severity="error", timeout=10, markup=False)

    @on(TaskFailed)
    def _task_failed(self, event: TaskFailed) -> None:
        """The one place a failed background task becomes a message to the user."""
        self.notify(printable(event.text), title=f"Failed {event.what}", severity="error",
                    markup=False)

    def _stream_changed(self, stream: Stream) -> None:
        # A stream started, succeeded or failed: the header and the banner say so now.
        main = self.main
        if main is not None:
            self.call_later(main.refresh_sync_state)

    def _trouble(self, trouble: Trouble) -> None:
        """Every failure of the background work goes to the log in full, toasted or not."""
        if trouble.needs is not None:
            self.notices.add(f"{trouble.what}: stopped until you act", trouble.text, "error",
                             toasted=False)
            return
        wait = "" if trouble.retry_at is None else \
            f" in {max(0, round(trouble.retry_at - time.monotonic()))} s"
        self.notices.add(f"{trouble.what}: failed, retrying{wait}", trouble.text, "warning",
                         toasted=False)

    # -- notifications and watch settings --------------------------------------------------

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Show a toast, and keep its whole text in the notifications log."""
        text = message
        if markup:
            try:
                text = Content.from_markup(message).plain
            except Exception:  # not markup after all: keep the words as they are
                text = message
        self.notices.add(title, text, severity)
        if timeout is None:
            super().notify(message, title=title, severity=severity, markup=markup)
        else:
            super().notify(message, title=title, severity=severity, timeout=timeout,
                           markup=markup)

    def action_show_notifications(self) -> None:
        """Open the log of this run's toasts and errors."""
        if not isinstance(self.screen, NotificationsScreen):
            self.push_screen(NotificationsScreen(self.notices))

    def action_watch_settings(self) -> None:
        """Open the watch settings; saving applies them at once."""
        if self.watching is None:
            return
        budget = getattr(getattr(self.mirror, "scheduler", None), "budget", None)
        self.push_screen(WatchSettingsScreen(self.watching, daily_quota=getattr(
            budget, "daily_quota", 50_000)), self._watch_settings_saved)

    def _watch_settings_saved(self, settings: WatchSettings | None) -> None:
        watching = self.watching
        if settings is None or watching is None:
            return
        watching.apply(self.mirror)
        main = self.main
        if main is not None:
            main.activity.set_scope(watching.scope)
            main.refresh_sync_state()
        on = len(settings.streams)
        where = "in the profile" if watching.prefs.kept else "for this run only"
        self.notify(f"Watching {on} of 6 · up to {settings.quota_share:.0%} of the daily quota"
                    f" · saved {where}", title="Watch settings")

    # -- keys and commands -----------------------------------------------------------------

    async def action_quit(self) -> None:
        """Quit, unless a form holds unsaved changes: then ask (save, discard, keep editing)."""
        form = next((s for s in reversed(self.screen_stack) if isinstance(s, RecordForm)
                     and s.dirty), None)
        if form is None:
            await super().action_quit()
            return
        if form is not self.screen:
            return  # a dialog over the form is open: answer it first

        def answered(answer: str | None) -> None:
            if answer == "discard":
                self.exit()
            elif answer == "save":
                form.action_save()

        self.push_screen(UnsavedChanges(form.title_text.removeprefix("Edit ")), answered)

    def action_toggle_keys(self) -> None:
        """Show or hide the keys that work here (the focused widget's and the screen's)."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def get_key_display(self, binding: Binding) -> str:
        """Keys in one notation: ``^c`` for ctrl. A super (command) key is shown as its ctrl
        twin, which every terminal sends, so the keys panel says "^c", not "^c super+c"."""
        if not binding.key_display and binding.key.startswith("super+"):
            binding = replace(binding, key="ctrl+" + binding.key.removeprefix("super+"))
        return super().get_key_display(binding)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette offers what works here: views, then the actions bound right now."""
        if isinstance(screen, MainScreen):
            for e in BROWSABLE:
                yield SystemCommand(f"Go to {e.plural}", f"Show the {e.plural.lower()} list",
                                    partial(screen.action_show_view, e.key))
            yield from self._view_commands(screen)
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            b = active.binding
            if (not active.enabled or b.system or b.id is None or b.id in seen
                    or (b.id.startswith(_NOT_COMMANDS) and b.id not in _COMMANDS_ANYWAY)
                    or not b.description):
                continue
            seen.add(b.id)
            shown = b.key_display or self.get_key_display(b)
            help_text = escape(f"{b.tooltip or b.description} · key {shown or key}")
            yield SystemCommand(b.description, help_text,
                                partial(self.run_action, b.action, active.node))
        if isinstance(screen, MainScreen) and self.watching is not None and (
                "ssui.activity.settings" not in seen):
            yield SystemCommand("Watch settings", "Which watches run and toast, whose new"
                                " records, how much of the quota", self.action_watch_settings)
        # Textual's own (Theme, Quit, Keys, Screenshot), less those ours already offer.
        ours = {b.description for b in (a.binding for a in screen.active_bindings.values())
                if b.id in seen}
        for command in super().get_system_commands(screen):
            if command.title not in ours:
                yield command

    def _view_commands(self, screen: MainScreen) -> Iterable[SystemCommand]:
        """A "View: NAME" per saved view: it opens its list and shows the view."""
        for e in BROWSABLE:
            for name, view in screen.prefs.views.get(e.key, {}).items():
                words = " · ".join(f.label for f in view.filters) or "no filters"
                yield SystemCommand(printable(f"View: {name}"),
                                    escape(printable(f"{e.plural}: {words}")),
                                    partial(self._show_saved_view, screen, e.key, name))

    def _show_saved_view(self, screen: MainScreen, entity_key: str, name: str) -> None:
        view = screen.prefs.views.get(entity_key, {}).get(name)
        if view is not None:
            screen.action_show_view(entity_key)
            screen.browser(entity_key).apply_view(view)


def toast_line(event: WatchEvent) -> str:
    """What a toast says of one event: what, then who ("Contact Us · Jane Doe <jane@...>")."""
    who = event.who
    if event.entity == "lead" or not who or who == event.title:
        return who or event.title
    return f"{event.title} · {who}"


def run_app(session: AccountSession | None = None, *, read_only: bool = False,
            keymap: Mapping[str, str] | None = None, watch: WatchPrefs | None = None) -> int:
    """Run the app on ``session`` until the user quits, then close the session.

    A live session opens the account's mirror on disk (it paints at once from what an earlier
    run synced) and keeps it fresh; an offline one browses its store; with none, the app
    starts on the connection screen. Returns the exit status for the ``ssui`` command.
    """
    app = SsuiApp(session, read_only, keymap=keymap, watch=watch)
    try:
        app.run()
    finally:
        if session is not None:
            asyncio.run(session.aclose())
    return app.return_code or 0
