"""The main screen: header, one tab per browsable entity, Activity and Console, footer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, TabbedContent, TabPane

from ssui.api.errors import OutcomeUnknownError, SharpSpringError
from ssui.config.views import BrowsePrefs
from ssui.entities import BROWSABLE
from ssui.mirror.event_log import EventQuery
from ssui.mirror.events import WatchKind
from ssui.session import AccountSession
from ssui.text import printable
from ssui.tui.browse_state import ActiveFilter, Place
from ssui.tui.bulk import BulkResult, add_to_list, bulk_delete, bulk_update
from ssui.tui.console.panel import ConsolePanel
from ssui.tui.console.response_view import JsonTree
from ssui.tui.form.dialogs import ConfirmDelete
from ssui.tui.form.screen import RecordForm, Saved, record_title
from ssui.tui.names import NameResolver
from ssui.tui.screens.activity_filter import ActivityFilterScreen, Chosen
from ssui.tui.screens.bulk import BulkEditScreen, BulkResultsScreen, ConfirmMarkAll, ListPicker
from ssui.tui.screens.columns import ColumnsScreen
from ssui.tui.screens.export import ExportScreen
from ssui.tui.screens.filter import FilterScreen
from ssui.tui.screens.view_name import ViewNameScreen
from ssui.tui.sync_state import SyncState, describe
from ssui.tui.watching import Watching
from ssui.tui.widgets.activity_feed import ActivityFeed
from ssui.tui.widgets.app_header import AppHeader
from ssui.tui.widgets.entity_browser import EntityBrowser
from ssui.tui.widgets.record_detail import RecordDetail
from ssui.tui.widgets.stop_banner import StopBanner

# A key per view.
VIEW_KEYS = ("1", "2", "3", "4")
ACTIVITY_KEY = "5"
CONSOLE_KEY = "6"


class MainScreen(Screen[None]):
    """Browse the mirror: leads, accounts, campaigns and opportunities."""

    CSS_PATH = Path(__file__).with_name("main.tcss")  # absolute: subclasses live elsewhere

    BINDINGS: ClassVar[list[BindingType]] = [
        *(Binding(key, f"show_view('{e.key}')", e.plural, show=False, id=f"ssui.view.{e.key}")
          for key, e in zip(VIEW_KEYS, BROWSABLE, strict=True)),
        Binding(ACTIVITY_KEY, "show_view('activity')", "Activity", show=False,
                id="ssui.view.activity"),
        Binding(CONSOLE_KEY, "show_view('console')", "Console", show=False,
                id="ssui.view.console"),
        Binding("backspace,alt+left", "go_back", "Back to", id="ssui.go.back",
                key_display="⌫", tooltip="Back to where you were before opening a record "
                "(cursor, search and filters as they were)"),
    ]
    BACK_KEPT = 50  # places the back stack remembers

    def __init__(self, session: AccountSession, *, read_only: bool = False,
                 sync_state: Callable[[], SyncState] | None = None,
                 watching: Watching | None = None, prefs: BrowsePrefs | None = None) -> None:
        super().__init__()
        self.session = session
        self.watching = watching
        self.prefs = prefs if prefs is not None else BrowsePrefs()
        self.store = session.store
        self.connection_name = session.name
        self.read_only = read_only
        self.sync_state = sync_state
        self.resolver = NameResolver(session.store)
        self._settled = False
        # Where the user was before each record they opened from a detail, feed or console.
        self._back: list[tuple[str, Place | None]] = []

    @property
    def write_refusal(self) -> str | None:
        """Why records cannot be written here (None when they can)."""
        if self.read_only:
            return "read-only connection"
        if not self.session.live:
            return "offline: no connection to SharpSpring to write through"
        return None

    def compose(self) -> ComposeResult:
        yield AppHeader(self.connection_name, read_only=self.read_only)
        yield StopBanner(id="stop-banner")
        with TabbedContent(id="views"):
            for e in BROWSABLE:
                with TabPane(e.plural, id=f"view-{e.key}"):
                    yield EntityBrowser(self.store, e.key, resolver=self.resolver,
                                        read_only=self.read_only,
                                        write_refusal=self.write_refusal,
                                        prefs=self.prefs,
                                        id=f"browse-{e.key}")
            with TabPane("Activity", id="view-activity"):
                yield ActivityFeed(self.store, resolver=self.resolver, id="activity",
                                   scope=self.watching.scope if self.watching else None)
            with TabPane("Console", id="view-console"):
                yield ConsolePanel(self.session, read_only=self.read_only, id="console")
        yield Footer(show_command_palette=False)  # ": Commands" is in the footer already

    def on_mount(self) -> None:
        self.refresh_sync_state()
        if self.sync_state is not None:
            self.set_interval(0.5, self.refresh_sync_state)
        self.browser("lead").focus_table()

    # -- views -----------------------------------------------------------------------------

    @on(EntityBrowser.Ready)
    def _first_lists_read(self, event: EntityBrowser.Ready) -> None:
        if not self._settled and all(b.loaded_once for b in self.browsers):
            self._settled = True
            self.post_message(self.Settled())

    class Settled(Message):
        """Every list has shown its first rows: start-up is over."""

    def browser(self, entity_key: str) -> EntityBrowser:
        return self.query_one(f"#browse-{entity_key}", EntityBrowser)

    @property
    def activity(self) -> ActivityFeed:
        return self.query_one("#activity", ActivityFeed)

    @property
    def console(self) -> ConsolePanel:
        return self.query_one("#console", ConsolePanel)

    @property
    def browsers(self) -> list[EntityBrowser]:
        return list(self.query(EntityBrowser))

    @property
    def current_view(self) -> str:
        active = self.query_one(TabbedContent).active
        return active.removeprefix("view-")

    def action_show_view(self, view: str) -> None:
        self.query_one(TabbedContent).active = f"view-{view}"

    @on(TabbedContent.TabActivated)
    def _view_shown(self, event: TabbedContent.TabActivated) -> None:
        view = (event.pane.id or "").removeprefix("view-")
        if any(e.key == view for e in BROWSABLE):
            self.browser(view).focus_table()
        elif view == "activity":
            self.activity.focus_table()
        elif view == "console":
            self.console.focus_method()

    @on(ActivityFeed.OpenRecord)
    def _open_from_feed(self, event: ActivityFeed.OpenRecord) -> None:
        self.open_record(event.entity_key, event.record_id)

    @on(JsonTree.OpenRecord)
    def _open_from_console(self, event: JsonTree.OpenRecord) -> None:
        event.stop()
        self.open_record(event.entity_key, event.record_id)

    @on(RecordDetail.OpenRelated)
    def _open_related(self, event: RecordDetail.OpenRelated) -> None:
        event.stop()
        self.open_record(event.entity_key, event.record_id)

    def open_record(self, entity_key: str, record_id: int) -> None:
        """Show one record in its tab, with its detail (from the feed, a detail's related
        records, the console); backspace comes back to where the user was."""
        if not any(e.key == entity_key for e in BROWSABLE):
            return
        if self.store.get(entity_key, record_id) is None:
            label = self.store.entity(entity_key).label
            self.notify(f"{label} #{record_id} is not in the mirror: not synced yet, or deleted "
                        "on the server.", severity="warning")
            return
        here = self._here()
        self.action_show_view(entity_key)
        if self.browser(entity_key).open_record(record_id):
            self._back = [*self._back, here][-self.BACK_KEPT:]
            self.refresh_bindings()

    def _here(self) -> tuple[str, Place | None]:
        view = self.current_view
        if any(e.key == view for e in BROWSABLE):
            return view, self.browser(view).place()
        return view, None

    def action_go_back(self) -> None:
        """Back to the list (or tab) the user was on before the last record they opened."""
        if not self._back:
            return
        view, place = self._back.pop()
        self.action_show_view(view)
        if place is not None:
            self.browser(view).restore(place)
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "go_back":
            return bool(self._back)
        return True

    def show_activity(self, query: EventQuery) -> None:
        """Open the Activity tab on the events ``query`` matches (a toast's "show these")."""
        self.action_show_view("activity")
        self.activity.show(query)
        self.activity.focus_table()

    # -- mirror ----------------------------------------------------------------------------

    def refresh_sync_state(self) -> None:
        headers, banners = self.query(AppHeader), self.query(StopBanner)
        if not headers or not banners:
            return  # the screen is being taken down (quitting) while its timer still ticks
        state = self.sync_state() if self.sync_state is not None else describe(None)
        headers.first().show(state)
        banners.first().show(state.banner)

    def events_arrived(self, n: int) -> None:
        """The event log gained ``n`` events: the Activity tab shows them."""
        self.activity.events_arrived(n)

    def mirror_changed(self, entity_key: str, *, announce: bool = True) -> None:
        """Rows of ``entity_key`` changed: that list recounts, the others refresh names."""
        self.resolver.forget(entity_key)
        for b in self.browsers:
            if b.entity.key == entity_key:
                b.mirror_changed(announce=announce)
            else:
                b.names_changed()

    # -- filters ---------------------------------------------------------------------------

    @on(EntityBrowser.FilterRequested)
    def _edit_filters(self, event: EntityBrowser.FilterRequested) -> None:
        browser = event.browser

        def done(result: tuple[ActiveFilter, ...] | None) -> None:
            if result is not None:
                browser.set_filters(result)
            browser.focus_table()

        self.app.push_screen(FilterScreen(self.store, browser.entity, browser.state.filters),
                             done)

    @on(EntityBrowser.ColumnsRequested)
    def _choose_columns(self, event: EntityBrowser.ColumnsRequested) -> None:
        browser = event.browser
        self.app.push_screen(ColumnsScreen(browser.entity, browser.table.field_names),
                             browser.columns_chosen)

    @on(EntityBrowser.ExportRequested)
    def _export(self, event: EntityBrowser.ExportRequested) -> None:
        browser = event.browser

        def chosen(target: tuple[Path, str] | None) -> None:
            browser.focus_table()
            if target is not None:
                browser.export_to(*target)

        stamp = datetime.now().strftime("%Y-%m-%d-%H%M")
        what = browser.entity.plural.lower()
        self.app.push_screen(ExportScreen(what, browser.count, f"{what}-{stamp}.csv"), chosen)

    @on(EntityBrowser.SaveViewRequested)
    def _name_view(self, event: EntityBrowser.SaveViewRequested) -> None:
        browser = event.browser
        self.app.push_screen(ViewNameScreen(browser.entity.plural.lower(),
                                            browser.prefs.where("views")), browser.view_named)

    @on(ActivityFeed.FilterRequested)
    def _edit_activity_filter(self, event: ActivityFeed.FilterRequested) -> None:
        feed = event.feed

        def done(result: Chosen | None) -> None:
            if result is not None:
                feed.show(replace(result[0], search=feed.query_.search), result[1])
            feed.focus_table()

        w = self.watching
        kinds = [k for k in WatchKind if k in feed.scope.kinds]
        self.app.push_screen(ActivityFilterScreen(
            self.store, feed.query_, kinds=kinds, mine=w.me if w else None,
            mine_label=w.mine_label() if w else "", no_mine_hint=w.no_mine_hint() if w else ""),
            done)

    # -- writes ----------------------------------------------------------------------------

    @on(EntityBrowser.WriteRequested)
    def _write_requested(self, event: EntityBrowser.WriteRequested) -> None:
        browser, mirror = event.browser, self.session.mirror
        if mirror is None or self.write_refusal is not None:
            return
        entity = browser.entity
        if event.what == "delete":
            if event.record is not None:
                self._confirm_delete(browser, event.record)
            return
        record = None
        if event.what == "edit":
            if event.record is None:
                return
            record = self.store.get(entity.key, event.record["id"]) or event.record

        def done(saved: Saved | None) -> None:
            browser.focus_table()
            if saved is None:
                return
            target = self.browser(saved.entity_key) if saved.entity_key != entity.key else (
                browser)
            if target is not browser:
                self.action_show_view(saved.entity_key)
            target.show_saved(saved.record_id)
            shown = self.store.get(saved.entity_key, saved.record_id) or saved.record or {}
            title = record_title(self.store.entity(saved.entity_key), shown)
            extra = ["new"] if saved.created else []
            if saved.note:
                extra.append(saved.note)
            if saved.stale:
                extra.append("reading it back failed; retrying in the background")
            if saved.note.startswith("opened"):
                self.notify(printable(f"{title}: {saved.note}"), markup=False)
                return
            self.notify(printable(f"Saved {title}" + (f" ({'; '.join(extra)})" if extra
                                                      else "")), markup=False)

        self.app.push_screen(RecordForm(self.store, mirror, entity.key, record,
                                        resolver=self.resolver), done)

    def _confirm_delete(self, browser: EntityBrowser, record: dict[str, Any]) -> None:
        entity = browser.entity
        title = record_title(entity, record)

        def answered(yes: bool | None) -> None:
            browser.focus_table()
            if yes:
                self.run_worker(self._delete(browser, record["id"], title),
                                group="delete", exit_on_error=False,
                                description=f"deleting {title}")

        self.app.push_screen(ConfirmDelete(title), answered)

    async def _delete(self, browser: EntityBrowser, record_id: int, title: str) -> None:
        mirror = self.session.mirror
        assert mirror is not None
        try:
            (out,) = await mirror.delete(browser.entity.key, [record_id])
        except OutcomeUnknownError:
            self.notify(printable(f"The connection dropped while deleting {title}: it may or "
                                  "may not be deleted. r refreshes the list to see."),
                        severity="warning", title="Delete: outcome unknown", markup=False,
                        timeout=12)
            return
        except SharpSpringError as exc:
            self.notify(printable(f"{title} was not deleted: {exc}"), severity="error",
                        title="Delete failed", markup=False, timeout=10)
            return
        if out.success:
            self.notify(printable(f"Deleted {title}"), markup=False)
        else:
            self.notify(printable(f"{title} was not deleted: {out.error}"), severity="error",
                        title="Delete failed", markup=False, timeout=10)

    # -- marks and bulk actions ------------------------------------------------------------

    @on(EntityBrowser.MarkAllRequested)
    def _confirm_mark_all(self, event: EntityBrowser.MarkAllRequested) -> None:
        browser, ids = event.browser, event.ids
        noun = browser.entity.plural.lower()

        def answered(yes: bool | None) -> None:
            browser.focus_table()
            if yes:
                browser.mark(ids)
                self.notify(f"{len(ids):,} {noun} marked", title="Marks")

        self.app.push_screen(ConfirmMarkAll(len(ids), noun, event.capped), answered)

    @on(EntityBrowser.BulkRequested)
    def _bulk_requested(self, event: EntityBrowser.BulkRequested) -> None:
        browser, mirror = event.browser, self.session.mirror
        if mirror is None or self.write_refusal is not None or not browser.marks:
            return
        entity = browser.entity
        ids = browser.marked_ids()
        noun = (entity.plural if len(ids) != 1 else entity.label).lower()
        key = entity.key

        def run(title: str, work: Any) -> None:
            self.notify(f"{title}…", title="Bulk")
            self.run_worker(self._bulk(browser, title, work), group="bulk",
                            exit_on_error=False, description=title)

        if event.what == "edit":
            def edited(changes: dict[str, Any] | None) -> None:
                browser.focus_table()
                if changes:
                    run(f"Updating {len(ids):,} {noun}",
                        bulk_update(mirror, key, ids, changes, noun))

            self.app.push_screen(BulkEditScreen(self.store, entity, len(ids)), edited)
        elif event.what == "delete":
            def answered(yes: bool | None) -> None:
                browser.focus_table()
                if yes:
                    run(f"Deleting {len(ids):,} {noun}", bulk_delete(mirror, key, ids, noun))

            self.app.push_screen(ConfirmDelete(
                f"{len(ids):,} {noun}", f"SharpSpring deletes the {len(ids):,} marked {noun}"
                " for good; this cannot be undone from ssui."), answered)
        elif event.what == "list":
            def picked(chosen: tuple[int, str] | None) -> None:
                browser.focus_table()
                if chosen is not None:
                    run(f"Adding {len(ids):,} {noun} to {printable(chosen[1])}",
                        add_to_list(mirror, chosen[0], ids, noun))

            self.app.push_screen(ListPicker(mirror, len(ids)), picked)

    async def _bulk(self, browser: EntityBrowser, title: str, work: Any) -> None:
        try:
            result: BulkResult = await work
        except SharpSpringError as exc:  # not per object: nothing was sent, or all failed
            self.notify(printable(f"{title}: {exc}"), severity="error", title="Bulk failed",
                        markup=False, timeout=12)
            return
        if result.verb != "added":
            self.mirror_changed(browser.entity.key, announce=False)
        browser.bulk_done(result)
        text = result.summary()
        if result.troubled:
            text += ": R opens the failures"
        severity: Literal["information", "warning", "error"] = (
            "error" if result.failed else "warning" if result.unknown else "information")
        self.notify(printable(text), title=title, severity=severity, markup=False,
                    timeout=12 if result.troubled else 5)

    @on(EntityBrowser.BulkResultsRequested)
    def _bulk_results(self, event: EntityBrowser.BulkResultsRequested) -> None:
        browser = event.browser
        result = browser.last_bulk
        if result is None or not result.troubled:
            return
        entity = browser.entity
        found = self.store.get_many(entity.key, result.troubled)
        names = {i: printable(entity.display_name(r)) for i, r in found.items()}

        def closed(show: bool | None) -> None:
            browser.focus_table()
            if show:
                browser.show_only(result.troubled,
                                  f"{len(result.troubled):,} not {result.verb}")

        self.app.push_screen(BulkResultsScreen(result, names), closed)
