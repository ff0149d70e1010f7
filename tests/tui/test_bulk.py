"""Marks and bulk actions on the real mirror over the in-process sandbox: marking rows, bulk
edit (chunked, per-object results, a lost answer), bulk delete and add to a list."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select

from ssui.api import SharpSpringClient
from ssui.mirror import MirrorStore, Query
from ssui.mirror.account import AccountMirror
from ssui.sandbox import SandboxApp
from ssui.session import AccountSession
from ssui.tui import bulk
from ssui.tui.app import SsuiApp
from ssui.tui.form.dialogs import ConfirmDelete
from ssui.tui.screens.bulk import BulkEditScreen, BulkResultsScreen, ConfirmMarkAll, ListPicker
from ssui.tui.screens.main import MainScreen
from ssui.tui.widgets.entity_browser import EntityBrowser

from .helpers import settle


class Wire(httpx.AsyncBaseTransport):
    """The sandbox, counting the calls of each method; ``lose`` makes the n-th call of a
    method lose its answer after the server did the work."""

    def __init__(self, app: SandboxApp) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.calls: Counter[str] = Counter()
        self.lose: tuple[str, int] | None = None
        self.answered: dict[str, float] = {}  # method -> perf_counter of its last answer
        # method -> what someone else does on the server just before that call arrives
        self.before: dict[str, Callable[[], None]] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        method = json.loads(request.content or b"{}").get("method")
        self.calls[method] += 1
        if method in self.before:
            self.before.pop(method)()
        response = await self.inner.handle_async_request(request)
        if self.lose is not None and self.lose == (method, self.calls[method]):
            raise httpx.RemoteProtocolError("Server disconnected without sending a response")
        self.answered[method] = time.perf_counter()
        return response


class Account:
    def __init__(self, sandbox: SandboxApp, store: MirrorStore, client: SharpSpringClient,
                 wire: Wire) -> None:
        self.sandbox = sandbox
        self.store = store
        self.client = client
        self.wire = wire

    def app(self, *, read_only: bool = False) -> SsuiApp:
        mirror = AccountMirror(self.client, self.store)
        session = AccountSession("sbx", self.store, client=self.client, mirror=mirror)
        return SsuiApp(session, read_only)

    def server_lead(self, lead_id: int) -> dict[str, Any] | None:
        return self.sandbox.store.get("lead", lead_id)


async def _account(sandbox: SandboxApp, client_on: Callable[..., SharpSpringClient],
                   tmp_path: Path) -> AsyncIterator[Account]:
    store = MirrorStore(tmp_path / "mirror.db")
    wire = Wire(sandbox)
    async with client_on(sandbox, transport=wire) as client:
        await AccountMirror(client, store, consumer="setup").sync.full_sync()
        wire.calls.clear()
        yield Account(sandbox, store, client, wire)
    store.close()


@pytest.fixture
async def account(sandbox: SandboxApp, client_on: Callable[..., SharpSpringClient],
                  tmp_path: Path) -> AsyncIterator[Account]:
    async for a in _account(sandbox, client_on, tmp_path):
        yield a


@pytest.fixture
async def big_account(make_sandbox: Callable[..., SandboxApp],
                      client_on: Callable[..., SharpSpringClient],
                      tmp_path: Path) -> AsyncIterator[Account]:
    async for a in _account(make_sandbox(leads=1000), client_on, tmp_path):
        yield a


def browser(app: SsuiApp, key: str = "lead") -> EntityBrowser:
    main = app.main
    assert main is not None
    return main.browser(key)


def toasts(app: SsuiApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def status(app: SsuiApp) -> str:
    return browser(app).status_text()


def titles(app: SsuiApp) -> set[str]:
    return {c.title for c in app.get_system_commands(app.screen)}


def row_text(b: EntityBrowser, index: int) -> str:
    strip = b.table._render_row(index, False, 0, b.table.scrollable_content_region.width)
    return strip.text


async def mark_rows(pilot: Pilot[Any], n: int, key: str = "lead") -> list[int]:
    """Mark the first ``n`` rows with space; their ids."""
    b = browser(pilot.app, key)  # type: ignore[arg-type]
    ids = []
    for _ in range(n):
        record = b.table.highlighted
        assert record is not None
        ids.append(record["id"])
        await pilot.press("space")
    await settle(pilot)
    return ids


async def bulk_edit(pilot: Pilot[Any], app: SsuiApp, values: dict[str, str]) -> None:
    """E, choose each field in the picker and type its value, ctrl+s."""
    await pilot.press("E")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, BulkEditScreen)
    for name, text in values.items():
        screen.query_one("#bulk-field", Select).value = name
        await settle(pilot)
        control = screen.controls[name]
        assert control.has_focus
        assert isinstance(control, Input)
        await pilot.press(*text)
    await pilot.press("ctrl+s")
    await settle(pilot)


# -- marks ----------------------------------------------------------------------------------


async def test_space_marks_rows_which_stay_marked_through_sort_search_and_reload(
        account: Account) -> None:
    app = account.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        b = browser(app)
        assert "marked" not in status(app)
        ids = await mark_rows(pilot, 3)
        assert b.marks == set(ids)
        assert "3 marked" in status(app)
        assert b.table.cursor_row == 3  # space moves down, it no longer pages
        assert row_text(b, 0).startswith("•") and not row_text(b, 3).startswith("•")
        await pilot.press("up", "space")  # unmarks the third
        await settle(pilot)
        assert b.marks == set(ids[:2]) and "2 marked" in status(app)
        await pilot.press("S")  # re-sorted: the marks are ids, they stay
        await settle(pilot)
        b.mirror_changed()
        await settle(pilot)
        assert b.marks == set(ids[:2]) and "2 marked" in status(app)
        index = next(i for i in range(b.count) if (b.table.record_at(i) or {}).get("id") == ids[0])
        assert row_text(b, index).startswith("•")
        await pilot.press("escape")  # nothing else open: escape clears the marks
        await settle(pilot)
        assert not b.marks and "marked" not in status(app)


async def test_bulk_keys_show_only_while_marks_exist_and_never_read_only(
        account: Account) -> None:
    app = account.app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        assert not {"Edit marked", "Delete marked", "Add to list", "Unmark all"} & titles(app)
        assert "Mark" in titles(app) and "Mark all" in titles(app)
        await mark_rows(pilot, 1)
        assert {"Edit marked", "Delete marked", "Add to list", "Unmark all"} <= titles(app)
        await pilot.press("u")
        await settle(pilot)
        assert not browser(app).marks and "Edit marked" not in titles(app)
        await pilot.press("2")  # accounts: no "Add to list" (lists hold leads)
        await settle(pilot)
        await mark_rows(pilot, 1)
        assert "Edit marked" in titles(app) and "Add to list" not in titles(app)

    app = account.app(read_only=True)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await mark_rows(pilot, 2)
        assert "2 marked" in status(app)
        assert not {"Edit marked", "Delete marked", "Add to list"} & titles(app)
        for key in ("E", "D", "a"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
        assert sum("read-only connection" in t for t in toasts(app)) == 3
        assert not account.wire.calls["updateLeads"] and not account.wire.calls["deleteLeads"]


async def test_ctrl_a_marks_the_filtered_view_directly_under_500(account: Account) -> None:
    app = account.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        b = browser(app)
        b.search_input.value = "a"
        await settle(pilot)
        b.focus_table()
        matching = {r["id"] for r in account.store.page(
            Query("lead", search="a", limit=10_000))}
        assert 0 < len(matching) < 500
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert b.marks == matching
        assert f"{len(matching):,} marked" in status(app)


# -- bulk edit ------------------------------------------------------------------------------


async def test_bulk_edit_of_1000_leads_sends_2_update_calls_and_the_table_shows_it_at_once(
        big_account: Account) -> None:
    account = big_account
    app = account.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        b = browser(app)
        await pilot.press("ctrl+a")  # 1,000 rows: asks first
        await settle(pilot)
        assert isinstance(app.screen, ConfirmMarkAll)
        await pilot.press("y")
        await settle(pilot)
        marked = set(b.marks)
        assert len(marked) == b.count > 600 and f"{b.count:,} marked" in status(app)
        await bulk_edit(pilot, app, {"city": "Bulkville", "title": "Buyer"})
        shown_at = None
        for _ in range(200):
            row = b.table.highlighted
            if row is not None and row["city"] == "Bulkville":
                shown_at = time.perf_counter()
                break
            await pilot.pause(0.005)
        await settle(pilot)
        assert shown_at is not None
        elapsed = shown_at - account.wire.answered["updateLeads"]
        print(f"table shows the new values {elapsed * 1000:.0f} ms after the last answer")
        assert elapsed < 1.0
        assert account.wire.calls["updateLeads"] == 2
        server = {r[0]: r[1:] for r in account.sandbox.store.select(
            "lead", ["id", "city", "title"])}
        assert all(server[i] == ("Bulkville", "Buyer") for i in marked)
        assert any(f"{len(marked):,} updated" in t for t in toasts(app))
        assert "Bulkville" in row_text(b, b.table.cursor_row)


async def test_bulk_edit_refuses_a_bad_value_at_its_field_and_sends_nothing(
        account: Account) -> None:
    app = account.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await mark_rows(pilot, 2)
        await bulk_edit(pilot, app, {"leadScore": "lots"})
        screen = app.screen
        assert isinstance(screen, BulkEditScreen)
        assert "whole number" in screen.errors["leadScore"]
        assert not account.wire.calls["updateLeads"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


async def test_a_field_added_by_mistake_is_removed_with_ctrl_r_and_not_sent(
        account: Account) -> None:
    app = account.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        ids = await mark_rows(pilot, 2)
        before = {i: account.server_lead(i) for i in ids}
        await pilot.press("E")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BulkEditScreen)
        assert not screen.check_action("remove_field", ())  # the focus is in the picker
        for name in ("city", "leadScore", "title"):
            screen.query_one("#bulk-field", Select).value = name
            await settle(pilot)
        await pilot.press(*"Porto")
        screen.controls["city"].focus()
        await pilot.press(*"Oslo")
        screen.controls["leadScore"].focus()
        await settle(pilot)
        assert screen.check_action("remove_field", ())
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert list(screen.controls) == ["city", "title"]
        assert not screen.query("#v2")  # its label, input and message went too
        assert screen.controls["title"].has_focus  # the next field left
        assert "Score is no longer set" in str(screen.query_one("#bulk-banner").render())
        # Added again, it comes back empty, under an id of its own.
        screen.query_one("#bulk-field", Select).value = "leadScore"
        await settle(pilot)
        assert screen.controls["leadScore"].id == "v4"
        await pilot.press("ctrl+r", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        for i in ids:
            server, old = account.server_lead(i), before[i]
            assert server is not None and old is not None
            assert server["city"] == "Oslo" and server["title"] == "Porto"
            assert server["leadScore"] == old["leadScore"]  # never sent


async def test_bulk_edit_reports_each_failure_and_r_lists_them(account: Account) -> None:
    app = account.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")  # accounts: an update of one deleted meanwhile fails (302)
        await settle(pilot)
        b = browser(app, "account")
        ids = await mark_rows(pilot, 3, "account")

        def delete_one() -> None:  # between the check and the update: the update fails
            with account.sandbox.store.transaction():
                account.sandbox.store.delete("account", "id = ?", [ids[1]])

        account.wire.before["updateAccounts"] = delete_one
        await bulk_edit(pilot, app, {"billingCity": "Partway"})
        assert account.wire.calls["updateAccounts"] == 1
        assert any("2 updated, 1 failed: R opens the failures" in t for t in toasts(app))
        for i in (ids[0], ids[2]):
            server = account.sandbox.store.get("account", i)
            assert server is not None and server["billingCity"] == "Partway"
        await pilot.press("R")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BulkResultsScreen)
        assert [f.record_id for f in screen.result.failed] == [ids[1]]
        text = str(screen.query_one("#results-text").render())
        assert f"#{ids[1]}" in text and "no account with id" in text
        await pilot.press("f")
        await settle(pilot)
        assert b.count == 1 and (b.table.highlighted or {}).get("id") == ids[1]
        assert "1 not updated" in b.state.filters[0].label


async def test_bulk_edit_sends_nothing_over_what_someone_changed_since_and_says_so(
        account: Account) -> None:
    app = account.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        ids = await mark_rows(pilot, 4)
        b = browser(app)
        shown = b.count
        server = account.sandbox.store
        with server.transaction():  # meanwhile, someone else in SharpSpring:
            server.db.execute('UPDATE lead SET city = ? WHERE id = ?', ("Bergen", ids[1]))
            server.db.execute('UPDATE lead SET title = ? WHERE id = ?', ("CEO", ids[2]))
            server.delete("lead", "id = ?", [ids[3]])
        await bulk_edit(pilot, app, {"city": "Oslo"})
        # One read, then one update of the two that are as the user saw them.
        assert account.wire.calls["updateLeads"] == 1 and account.wire.calls["getLeads"] == 1
        assert [(server.get("lead", i) or {}).get("city") for i in ids[:3]] == [
            "Oslo", "Bergen", "Oslo"]  # another field changed is no clash
        assert any("2 updated, 2 not sent (changed on the server since): R opens the"
                   " failures" in t for t in toasts(app))
        # The list shows the server's copies: their city, and the deleted lead gone.
        assert account.store.get("lead", ids[1])["city"] == "Bergen"  # type: ignore[index]
        assert account.store.get("lead", ids[3]) is None
        assert b.count == shown - 1
        await pilot.press("R")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BulkResultsScreen)
        assert [f.record_id for f in screen.result.skipped] == [ids[1], ids[3]]
        text = str(screen.query_one("#results-text").render())
        assert f"#{ids[1]}" in text and "City is now 'Bergen'" in text
        assert f"#{ids[3]}" in text and "deleted on the server" in text


async def test_an_outcome_unknown_chunk_is_reported_as_such_and_never_resent(
        account: Account, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "CHUNK", 2)
    app = account.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        ids = await mark_rows(pilot, 5)
        account.wire.lose = ("updateLeads", 2)  # the second chunk's answer never comes
        await bulk_edit(pilot, app, {"city": "Limbo"})
        await settle(pilot)
        assert account.wire.calls["updateLeads"] == 3  # 2 + 2 + 1, none twice
        assert any("3 updated, 2 outcome unknown" in t for t in toasts(app))
        await pilot.press("R")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BulkResultsScreen)
        assert screen.result.unknown == sorted(ids)[2:4]
        assert "Outcome unknown for 2 (not resent)" in str(
            screen.query_one("#results-text").render())


# -- bulk delete ----------------------------------------------------------------------------


async def test_bulk_delete_asks_with_the_count_then_deletes_and_clears_their_marks(
        account: Account) -> None:
    app = account.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        b = browser(app)
        before = b.count
        ids = await mark_rows(pilot, 3)
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDelete)
        assert app.screen.what == "3 leads"
        await pilot.press("n")
        await settle(pilot)
        assert all(account.server_lead(i) is not None for i in ids)
        await pilot.press("D")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await settle(pilot)
        assert all(account.server_lead(i) is None for i in ids)
        assert account.wire.calls["deleteLeads"] == 1
        assert not b.marks and "marked" not in status(app)
        assert b.count == before - 3
        assert not {i for i in ids} & {r["id"] for r in account.store.page(
            Query("lead", limit=1000))}
        assert any("3 deleted" in t for t in toasts(app))


# -- add to a list --------------------------------------------------------------------------


async def test_marked_leads_are_added_to_a_list_picked_by_name(account: Account) -> None:
    list_id = account.sandbox.store.insert("list", {"name": "Bulk newsletter",
                                                    "description": ""})
    app = account.app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        ids = await mark_rows(pilot, 2)
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ListPicker)
        options = screen.query_one("#lists", OptionList)
        index = next(i for i in range(options.option_count)
                     if options.get_option_at_index(i).id == str(list_id))
        options.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        members = {r[0] for r in account.sandbox.store.select(
            "list_member", ["leadID", "listID"]) if r[1] == list_id}
        assert set(ids) <= members
        assert account.wire.calls["addListMembers"] == 1
        assert any("2 added" in t for t in toasts(app))
