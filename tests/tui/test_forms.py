"""Record forms on the real mirror over the in-process sandbox: create, edit, delete, and every
way a save can go wrong (bad input, a duplicate email, a conflict, a lost answer)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, Select

from ssui.api import SharpSpringClient
from ssui.mirror import Filter, MirrorStore, Query
from ssui.mirror.account import AccountMirror
from ssui.sandbox import SandboxApp
from ssui.session import AccountSession
from ssui.tui.app import SsuiApp
from ssui.tui.form.dialogs import ConfirmDelete, ConflictScreen, UnsavedChanges
from ssui.tui.form.inputs import ReferenceInput
from ssui.tui.form.screen import RecordForm
from ssui.tui.screens.main import MainScreen
from ssui.tui.widgets.entity_browser import EntityBrowser

from .helpers import settle


class Account:
    """A synced mirror of an in-process sandbox, and apps on it."""

    def __init__(self, sandbox: SandboxApp, store: MirrorStore, client: SharpSpringClient):
        self.sandbox = sandbox
        self.store = store
        self.client = client

    def app(self, *, read_only: bool = False) -> SsuiApp:
        mirror = AccountMirror(self.client, self.store)
        session = AccountSession("sbx", self.store, client=self.client, mirror=mirror)
        return SsuiApp(session, read_only)

    def server_leads(self, email: str) -> list[dict[str, Any]]:
        rows = self.sandbox.store.select("lead", ["id", "emailAddress"])
        return [{"id": r[0], "emailAddress": r[1]} for r in rows
                if str(r[1]).lower() == email.lower()]


@pytest.fixture
async def account(sandbox: SandboxApp, client_on: Callable[..., SharpSpringClient],
                  tmp_path: Path) -> AsyncIterator[Account]:
    store = MirrorStore(tmp_path / "mirror.db")
    async with client_on(sandbox) as client:
        await AccountMirror(client, store, consumer="setup").sync.full_sync()
        yield Account(sandbox, store, client)
    store.close()


def browser(app: SsuiApp, key: str = "lead") -> EntityBrowser:
    main = app.main
    assert main is not None
    return main.browser(key)


def form(app: SsuiApp) -> RecordForm:
    assert isinstance(app.screen, RecordForm), app.screen
    return app.screen


def control(app: SsuiApp, name: str) -> Any:
    return form(app).controls[name]


async def type_into(pilot: Pilot[Any], app: SsuiApp, name: str, text: str) -> None:
    """Replace what a field holds with ``text``, typed, and leave the field."""
    c = control(app, name)
    target = c.input if isinstance(c, ReferenceInput) else c
    target.focus()
    await pilot.pause()
    target.value = ""
    if text:
        await pilot.press(*text)
    await settle(pilot)


def errors(app: SsuiApp) -> dict[str, str]:
    return dict(form(app).errors)


def toasts(app: SsuiApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def open_lead(pilot: Pilot[Any], app: SsuiApp, lead_id: int) -> None:
    main = app.main
    assert main is not None
    main.open_record("lead", lead_id)
    await settle(pilot)


# -- creating -------------------------------------------------------------------------------


async def test_n_creates_a_lead_starting_at_first_name_and_selects_it(account: Account) -> None:
    app = account.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        f = form(app)
        assert list(f.controls)[:3] == ["firstName", "lastName", "emailAddress"]
        assert f.controls["firstName"].has_focus
        await pilot.press(*"Jane", "tab", *"Doe", "tab", *"jane.doe@example.org")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        (made,) = account.server_leads("jane.doe@example.org")
        row = browser(app).table.highlighted
        assert row is not None and row["id"] == made["id"] and row["firstName"] == "Jane"
        assert browser(app).detail_open
        assert any(t.startswith("Saved Lead Jane Doe") and "(new)" in t for t in toasts(app))


async def test_bad_input_is_named_at_its_field_keeps_what_was_typed_and_creates_nothing(
        account: Account) -> None:
    app = account.app()
    before = len(account.sandbox.store.select("lead", ["id"]))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Jo", "tab", "tab", *"jo@nowhere")
        await pilot.press("tab")  # leaving the field checks it
        await settle(pilot)
        assert errors(app) == {"emailAddress": "not an email address (name@example.com)"}
        await type_into(pilot, app, "leadScore", "lots")
        await type_into(pilot, app, "state", "x" * 51)
        control(app, "firstName").focus()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert set(errors(app)) == {"emailAddress", "leadScore", "state"}
        assert "whole number" in errors(app)["leadScore"]
        assert errors(app)["state"] == "at most 50 characters (this has 51)"
        assert control(app, "emailAddress").has_focus  # the first bad field
        assert control(app, "emailAddress").value == "jo@nowhere"  # nothing typed is lost
        assert control(app, "leadScore").value == "lots"
        assert "3 fields to fix" in str(form(app).query_one("#form-banner").render())
        assert len(account.sandbox.store.select("lead", ["id"])) == before
        # Emptying a required field says so too.
        await type_into(pilot, app, "emailAddress", "")
        control(app, "firstName").focus()
        await settle(pilot)
        assert errors(app)["emailAddress"] == "Email is required"


async def test_a_duplicate_email_is_named_at_email_and_ctrl_o_opens_that_lead(
        account: Account) -> None:
    app = account.app()
    taken = account.store.page(Query("lead", limit=1))[0]
    before = len(account.sandbox.store.select("lead", ["id"]))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Copy", "tab", "tab", *taken["emailAddress"].upper(), "ctrl+s")
        await settle(pilot)
        assert errors(app)["emailAddress"].startswith("a lead with this email already exists")
        assert control(app, "emailAddress").has_focus
        assert len(account.sandbox.store.select("lead", ["id"])) == before
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        row = browser(app).table.highlighted
        assert row is not None and row["id"] == taken["id"]


# -- editing --------------------------------------------------------------------------------


async def test_an_edit_sends_only_the_changed_field_and_the_row_shows_it(
        account: Account) -> None:
    app = account.app()
    lead = account.store.page(Query("lead", limit=1, offset=5))[0]
    before = await account.client.get("lead", lead["id"])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_lead(pilot, app, lead["id"])
        await pilot.press("e")
        await settle(pilot)
        assert "Edit Lead" in form(app).title_text
        await type_into(pilot, app, "firstName", "Renamed")
        await pilot.press("ctrl+s")
        await settle(pilot)
        after = await account.client.get("lead", lead["id"])
        assert before is not None and after is not None
        assert after["firstName"] == "Renamed"
        unchanged = {"firstName", "updateTimestamp"}
        assert {k: v for k, v in after.items() if k not in unchanged} == {
            k: v for k, v in before.items() if k not in unchanged}
        row = browser(app).table.highlighted
        assert row is not None and row["id"] == lead["id"] and row["firstName"] == "Renamed"
        assert any("Saved Lead Renamed" in t for t in toasts(app))


async def test_every_kind_of_input_round_trips_on_an_opportunity(account: Account) -> None:
    app = account.app()
    stage = account.store.page(Query("deal_stage", limit=1, offset=1))[0]
    owner = account.store.page(Query("user_profile", limit=1))[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.main.action_show_view("opportunity")  # type: ignore[union-attr]
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_into(pilot, app, "opportunityName", "Big deal")
        # References are picked by typing part of a name: the highlighted match is taken.
        await type_into(pilot, app, "dealStageID", stage["dealStageName"][:4])
        await type_into(pilot, app, "ownerID", owner["displayName"].split()[0])
        await pilot.press("tab")
        await type_into(pilot, app, "closeDate", "2027-03-31")
        await type_into(pilot, app, "amount", "$12,500.50")
        await type_into(pilot, app, "probability", "40")
        box = control(app, "isWon")
        assert isinstance(box, Checkbox)
        box.value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen), form(app).errors
        row = browser(app, "opportunity").table.highlighted
        assert row is not None
        made = await account.client.get("opportunity", row["id"])
        assert made is not None
        assert made["opportunityName"] == "Big deal"
        assert made["dealStageID"] == stage["id"] and made["ownerID"] == owner["id"]
        assert str(made["closeDate"]) == "2027-03-31"
        assert str(made["amount"]) in ("12500.5", "12500.50")
        assert made["probability"] == 40 and made["isWon"] is True


async def test_custom_fields_are_on_the_form_and_round_trip(account: Account) -> None:
    app = account.app()
    lead = account.store.page(Query("lead", limit=1, offset=7))[0]
    custom = account.store.entity("lead").custom_fields
    text = next(f for f in custom if f.kind.value == "text")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await open_lead(pilot, app, lead["id"])
        await pilot.press("e")
        await settle(pilot)
        assert text.name in form(app).controls
        await type_into(pilot, app, text.name, "From the form")
        await pilot.press("ctrl+s")
        await settle(pilot)
        after = await account.client.get("lead", lead["id"])
        assert after is not None and after[text.name] == "From the form"


async def test_a_picklist_offers_the_fields_choices(account: Account) -> None:
    app = account.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        status = control(app, "leadStatus")
        assert isinstance(status, Select)
        choices = [str(v) for _, v in status._options if v is not Select.NULL]
        assert choices == list(account.store.entity("lead").field("leadStatus").choices)


# -- never lose an edit, never write twice --------------------------------------------------


async def save_over_their_city(pilot: Pilot[Any], app: SsuiApp, account: Account,
                               lead: dict[str, Any]) -> None:
    """Edit the lead's city and title while another user changes its city in the same second
    (updateTimestamp unchanged), then save."""
    await settle(pilot)
    await open_lead(pilot, app, lead["id"])
    await pilot.press("e")
    await settle(pilot)
    await type_into(pilot, app, "city", "Mine")
    await type_into(pilot, app, "title", "My title")
    with account.sandbox.store.transaction():
        account.sandbox.store.update("lead", lead["id"], {"city": "Theirs"})
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_a_same_second_edit_on_the_server_opens_the_conflict_dialog(
        account: Account) -> None:
    app = account.app()
    lead = account.store.page(Query("lead", limit=1, offset=3))[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await save_over_their_city(pilot, app, account, lead)
        dialog = app.screen
        assert isinstance(dialog, ConflictScreen)
        assert [(c.field, c.original, c.theirs, c.mine) for c in dialog.clashes] == [
            ("city", lead["city"], "Theirs", "Mine")]
        remote = await account.client.get("lead", lead["id"])
        assert remote is not None and remote["city"] == "Theirs"  # nothing overwritten yet
        await pilot.press("left")  # keep mine for the city
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        remote = await account.client.get("lead", lead["id"])
        assert remote is not None and (remote["city"], remote["title"]) == ("Mine", "My title")


async def test_keeping_theirs_saves_the_rest_and_leaves_their_value(account: Account) -> None:
    app = account.app()
    lead = account.store.page(Query("lead", limit=1, offset=4))[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await save_over_their_city(pilot, app, account, lead)
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("t")
        await settle(pilot)
        remote = await account.client.get("lead", lead["id"])
        assert remote is not None and (remote["city"], remote["title"]) == ("Theirs", "My title")


async def test_leaving_with_unsaved_changes_asks_and_keeps_them_until_discarded(
        account: Account) -> None:
    app = account.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Half")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, UnsavedChanges)
        await pilot.press("k")
        await settle(pilot)
        assert control(app, "firstName").value == "Half"
        await pilot.press("ctrl+q")  # quitting asks too
        await settle(pilot)
        assert isinstance(app.screen, UnsavedChanges)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, RecordForm) and app.is_running
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        # A form nobody typed in closes without asking.
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)


class Cut(httpx.AsyncBaseTransport):
    """The sandbox, except that the next call of one method loses its connection: before the
    server sees it ("drop") or after the server did the work ("lost")."""

    def __init__(self, app: SandboxApp) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.next: tuple[str, str] | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        method = json.loads(request.content or b"{}").get("method")
        if self.next is not None and self.next[0] == method:
            _, how = self.next
            self.next = None
            if how == "lost":
                await self.inner.handle_async_request(request)
            raise httpx.RemoteProtocolError("Server disconnected without sending a response")
        return await self.inner.handle_async_request(request)


@pytest.fixture
async def cut_account(sandbox: SandboxApp, client_on: Callable[..., SharpSpringClient],
                      tmp_path: Path) -> AsyncIterator[tuple[Account, Cut]]:
    store = MirrorStore(tmp_path / "mirror.db")
    cut = Cut(sandbox)
    async with client_on(sandbox, transport=cut) as client:
        await AccountMirror(client, store, consumer="setup").sync.full_sync()
        yield Account(sandbox, store, client), cut
    store.close()


async def test_a_create_whose_answer_is_lost_is_looked_up_not_resent(
        cut_account: tuple[Account, Cut]) -> None:
    account, cut = cut_account
    app = account.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Lost", "tab", "tab", *"lost.answer@example.org")
        cut.next = ("createLeads", "lost")  # made, but the answer never comes
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert len(account.server_leads("lost.answer@example.org")) == 1  # never two
        row = browser(app).table.highlighted
        assert row is not None and row["emailAddress"] == "lost.answer@example.org"
        assert any("the connection dropped, but it was created" in t for t in toasts(app))


async def test_a_create_dropped_before_the_server_says_so_and_saves_once_on_retry(
        cut_account: tuple[Account, Cut]) -> None:
    account, cut = cut_account
    app = account.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Drop", "tab", "tab", *"dropped@example.org")
        cut.next = ("createLeads", "drop")  # never reaches the server
        await pilot.press("ctrl+s")
        await settle(pilot)
        banner = str(form(app).query_one("#form-banner").render())
        assert "no such lead exists" in banner
        assert account.server_leads("dropped@example.org") == []
        assert control(app, "emailAddress").value == "dropped@example.org"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert len(account.server_leads("dropped@example.org")) == 1


# -- deleting and read-only -----------------------------------------------------------------


async def test_ctrl_d_asks_by_name_then_deletes_and_moves_to_the_next_row(
        account: Account) -> None:
    app = account.app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        b = browser(app)
        await pilot.press("down")
        await settle(pilot)
        doomed = b.table.highlighted
        assert doomed is not None
        nxt = account.store.page(Query("lead", limit=1, offset=2))[0]
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDelete)
        assert doomed["emailAddress"] in app.screen.what
        await pilot.press("n")
        await settle(pilot)
        assert account.sandbox.store.get("lead", doomed["id"]) is not None
        await pilot.press("ctrl+d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        for _ in range(10):
            if account.store.get("lead", doomed["id"]) is None:
                break
            await settle(pilot)
        assert account.sandbox.store.get("lead", doomed["id"]) is None
        await settle(pilot)
        row = b.table.highlighted
        assert row is not None and row["id"] != doomed["id"]
        assert b.table.cursor_row == 1
        assert row["id"] == nxt["id"]
        assert any("Deleted Lead" in t for t in toasts(app))


async def test_read_only_shows_no_write_action_and_says_why(account: Account) -> None:
    app = account.app(read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        writes = [b.binding for b in app.screen.active_bindings.values()
                  if (b.binding.id or "").startswith("ssui.record.")]
        assert writes and all(b.system and not b.show for b in writes)  # answer, never shown
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert not {"New", "Edit", "Delete"} & set(titles)
        for key in ("n", "e", "ctrl+d"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
        assert sum("read-only connection" in t for t in toasts(app)) == 3


async def test_writes_are_in_the_footer_and_palette_where_they_work(account: Account) -> None:
    app = account.app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert {"New", "Edit", "Delete"} <= set(titles)
        main = app.main
        assert main is not None
        # No record at the cursor (an empty search): edit and delete are gone, new stays.
        b = browser(app)
        b.search_input.value = "zzzzqqqq-nothing"
        await settle(pilot)
        b.focus_table()
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "New" in titles and "Edit" not in titles and "Delete" not in titles


async def test_an_opportunitys_leads_are_added_and_removed_on_its_form(
        account: Account) -> None:
    app = account.app()
    opp = account.store.page(Query("opportunity", limit=1))[0]
    lead = account.store.page(Query("lead", limit=1, offset=20))[0]

    def linked() -> set[int]:
        return {r["leadID"] for r in account.store.page(Query(
            "opportunity_lead", filters=(Filter("opportunityID", "=", opp["id"]),),
            limit=100))}

    had = linked()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        main = app.main
        assert main is not None
        main.open_record("opportunity", opp["id"])
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        adder = form(app).query_one("#links-add", ReferenceInput)
        adder.input.focus()
        await pilot.press(*lead["emailAddress"].split("@")[0])
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert lead["id"] in form(app).links.lead_ids()  # type: ignore[union-attr]
        if had:
            links = form(app).query_one("LinkList")
            links.focus()
            await pilot.press("home", "delete")
            await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    now = linked()
    assert lead["id"] in now
    if had:
        assert len(now) == len(had)  # one added, one removed
    server = {r[0] for r in account.sandbox.store.select(
        "opportunity_lead", ["leadID"], '"opportunityID" = ?', (opp["id"],))}
    assert server == now


def test_the_inputs_type_is_right_for_each_kind(account: Account) -> None:
    del account
    # Covered through the app above; this asserts the registry's shapes reach the values.
    from ssui.entities import LEAD
    from ssui.tui.form.values import Invalid, parse

    with pytest.raises(Invalid, match="phone"):
        parse(LEAD.field("phoneNumber"), "call me")
    with pytest.raises(Invalid, match="web address"):
        parse(LEAD.field("website"), "not a site")
    assert parse(LEAD.field("website"), "acme.io/about") == "acme.io/about"
    assert parse(LEAD.field("leadScore"), "1,200") == 1200



async def test_a_saved_edit_keeps_the_search_that_still_finds_the_record(
        account: Account) -> None:
    app = account.app()
    lead = account.store.page(Query("lead", limit=1, offset=9))[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *lead["emailAddress"], "enter")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        await type_into(pilot, app, "title", "Kept in view")
        await pilot.press("ctrl+s")
        await settle(pilot)
        b = browser(app)
        assert b.state.search == lead["emailAddress"]
        row = b.table.highlighted
        assert row is not None and row["id"] == lead["id"] and row["title"] == "Kept in view"
