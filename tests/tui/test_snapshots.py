"""What each main view looks like at 120×36, against SVGs a person has looked at.

Update after an intended change with ``pytest tests/tui --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from ssui.config import WatchPrefs, WatchSettings
from ssui.config.paths import CONFIG_DIR_ENV
from ssui.mirror import MirrorStore
from ssui.session import AccountSession
from ssui.tui.app import SsuiApp
from ssui.tui.form import showcase
from ssui.tui.screens.bulk import showcase_results

from .helpers import settle

SIZE = (120, 36)
Compare = Callable[..., bool]
AppMaker = Callable[..., SsuiApp]


def keys(*pressed: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Settle, press ``pressed``, settle again; no cursor blinking in the picture."""
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
            await settle(pilot)
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await settle(pilot)
        # A scrollbar that appeared asks for a layout on a later frame; under load the
        # picture could be taken before it. Lay out now, so the picture never depends on it.
        pilot.app.screen.refresh(layout=True)
        await pilot.pause()
        await settle(pilot)
    return run


def test_the_leads_list(snap_compare: Compare, make_app: AppMaker) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=keys("down", "down"))


def test_a_lead_with_its_detail_beside_the_list(snap_compare: Compare,
                                                 make_app: AppMaker) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE,
                        run_before=keys(*["down"] * 5, "d"))


def test_a_leads_related_records_ready_to_open(snap_compare: Compare,
                                               make_app: AppMaker) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE,
                        run_before=keys(*["down"] * 5, "o", "down", "down"))


def test_a_lead_with_its_detail_below_the_list(snap_compare: Compare,
                                                make_app: AppMaker) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE,
                        run_before=keys(*["down"] * 5, "d", "v"))


def test_leads_searched_and_sorted(snap_compare: Compare, make_app: AppMaker) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE,
                        run_before=keys("slash", "o", "s", "l", "o", "enter", "right", "right",
                                        "s"))


def test_the_accounts_list(snap_compare: Compare, make_app: AppMaker) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=keys("2"))


def test_the_campaigns_list(snap_compare: Compare, make_app: AppMaker) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=keys("3"))


def test_the_opportunities_list(snap_compare: Compare, make_app: AppMaker) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=keys("4"))


def test_the_opportunity_filter_dialog(snap_compare: Compare, make_app: AppMaker) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE,
                        run_before=keys("4", "f", "t", "o", "m"))


def test_the_activity_feed(snap_compare: Compare, make_app: AppMaker) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=keys("5", "down"))


def test_the_keys_panel(snap_compare: Compare, make_app: AppMaker) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=keys("question_mark"))


def test_the_watch_settings_at_80x24(snap_compare: Compare, store: MirrorStore,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CONFIG_DIR_ENV, "/home/you/.config/ssui")  # the path it names
    prefs = WatchPrefs(WatchSettings(streams=("forms", "leads", "opportunities"),
                                     toasts=("forms", "opportunities"), owner="mine"),
                       profile="acme-test", me="maya@example.com")
    app = SsuiApp(AccountSession("acme-test", store), watch=prefs)
    assert snap_compare(app, terminal_size=(80, 24), run_before=keys("5", "w"))


def test_the_notifications_log(snap_compare: Compare, make_app: AppMaker) -> None:
    app = make_app()
    at = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
    log = app.notices
    log.add("Form filled", "Contact Us · Jane Doe <jane@example.com>", at=at)
    log.add("activity: failed, retrying in 4 s", "SharpSpring error 107: Too many calls per"
            " second. Too many calls per second.", "warning", toasted=False,
            at=at + timedelta(seconds=40))
    log.add("New activity", "12 form fills, 3 new leads · A shows them",
            at=at + timedelta(minutes=2))
    log.add("activity: stopped until you act", "SharpSpring error 105: Invalid secret key —"
            " Check the account ID and secret key. The watches stay stopped until the key is"
            " fixed and r is pressed; nothing of this message is cut off, however long it is.",
            "error", toasted=False, at=at + timedelta(minutes=3))
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("ctrl+l"))


# -- the record form ---------------------------------------------------------------------


def push(make: Callable[[MirrorStore], Any], *pressed: str
         ) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        app = pilot.app
        assert isinstance(app, SsuiApp)
        await app.push_screen(make(app.store))
        await settle(pilot)
        for key in pressed:
            await pilot.press(key)
        await settle(pilot)
        for box in app.screen.query(Input):
            box.cursor_blink = False
    return run


def test_the_new_lead_form_at_80x24(snap_compare: Compare, make_app: AppMaker) -> None:
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=push(
        showcase.new_form, *"Jane", "tab", *"Doe"))


def test_the_lead_form_with_errors(snap_compare: Compare, make_app: AppMaker) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=push(
        showcase.new_form, *"Jane", "tab", "tab", *"jane@", "tab", "tab", *"CALL-ME", "ctrl+s"))


def test_the_conflict_dialog(snap_compare: Compare, make_app: AppMaker) -> None:
    def conflict(store: MirrorStore) -> Any:
        return showcase.conflict_dialog(store, showcase.lead_at(store, 2))

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=push(conflict))


def test_the_delete_confirmation(snap_compare: Compare, make_app: AppMaker) -> None:
    def delete(store: MirrorStore) -> Any:
        return showcase.delete_dialog(store, showcase.lead_at(store, 2))

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=push(delete))


def test_a_bulk_edit_result_with_its_failures(snap_compare: Compare,
                                               make_app: AppMaker) -> None:
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=push(showcase_results))
