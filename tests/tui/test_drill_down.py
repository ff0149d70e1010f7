"""Drill down from a detail's related records and come back, on the real mirror of a sandbox.

Enter on a related record opens it in its tab with its detail; backspace (or alt+left)
returns to where the user was: the tab, the search, the filters, the record at the cursor, on
the same screen row, and the detail as it was.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.pilot import Pilot

from ssui.mirror import Filter, Query
from ssui.tui.app import SsuiApp
from ssui.tui.browse_state import ActiveFilter
from ssui.tui.screens.main import MainScreen
from ssui.tui.widgets.entity_browser import EntityBrowser

from .helpers import settle
from .live import Live, live

__all__ = ["live"]


def main(app: SsuiApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), screen
    return screen


def shown(app: SsuiApp) -> EntityBrowser:
    screen = main(app)
    return screen.browser(screen.current_view)


async def related_to(pilot: Pilot[Any], app: SsuiApp, entity_key: str) -> None:
    """Into the detail's related records, onto the first of ``entity_key``, and Enter."""
    b = shown(app)
    await pilot.press("o")
    await settle(pilot)
    options = b.detail.related_list
    assert options.has_focus
    index = next(i for i in range(options.option_count)
                 if (options.get_option_at_index(i).id or "").startswith(f"{entity_key}:"))
    options.highlighted = index
    await pilot.press("enter")
    await settle(pilot)


def lead_with(live: Live, *, account: bool = True, opportunities: bool = False) -> dict[str, Any]:
    """A lead of the mirror with an account (and opportunities, if asked)."""
    store = live.store
    for lead in store.page(Query("lead", (Filter("accountID", "!=", None),), limit=500)):
        if not account or store.get("account", int(lead["accountID"])) is None:
            continue
        if opportunities and not store.count(
                Query("opportunity", (Filter("primaryLeadID", "=", lead["id"]),))):
            continue
        return lead
    raise AssertionError("the seed has no such lead")


async def test_a_leads_account_opens_in_its_tab_and_backspace_restores_the_list(
        live: Live) -> None:
    lead = lead_with(live)
    account = live.store.get("account", int(lead["accountID"]))
    assert account is not None
    app = live.app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        leads = main(app).browser("lead")
        # A narrowed, sorted list with the cursor a few rows down: all of it must come back.
        status = ActiveFilter("status", f"Status is {lead['leadStatus']}",
                              (Filter("leadStatus", "=", lead["leadStatus"]),))
        leads.apply(replace(leads.state, filters=(status,), sort="lastName"))
        await settle(pilot)
        leads.reload(keep=lead)
        await settle(pilot)
        leads.focus_table()
        await pilot.press("d")
        await settle(pilot)
        assert leads.table.highlighted is not None
        assert leads.table.highlighted["id"] == lead["id"]
        assert leads.table.cursor_row > 0
        before = leads.place()
        assert before.detail_open and before.state.filters == (status,)

        await related_to(pilot, app, "account")
        assert main(app).current_view == "account"
        accounts = shown(app)
        assert accounts.table.highlighted is not None
        assert accounts.table.highlighted["id"] == account["id"]
        assert accounts.detail_open and accounts.detail.record is not None
        assert accounts.detail.record["id"] == account["id"]
        assert accounts.table.has_focus
        assert "ssui.go.back" in {b.binding.id for b in app.screen.active_bindings.values()
                                  if app.screen.check_action(b.binding.action, ()) is not False}

        await pilot.press("backspace")
        await settle(pilot)
        assert main(app).current_view == "lead"
        assert leads.state == before.state
        assert leads.table.highlighted is not None
        assert leads.table.highlighted["id"] == lead["id"]
        assert leads.table.cursor_row - leads.table.top_row == before.screen_row
        assert leads.detail_open and leads.table.has_focus


async def test_from_an_account_to_its_lead_and_back_twice_with_alt_left(live: Live) -> None:
    lead = lead_with(live)
    app = live.app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.browser("lead").open_record(lead["id"])
        await settle(pilot)
        await related_to(pilot, app, "account")
        account_place = shown(app).place()
        await related_to(pilot, app, "lead")  # one of the account's leads
        assert screen.current_view == "lead"
        opened = shown(app).table.highlighted
        assert opened is not None
        assert opened["accountID"] == lead["accountID"]

        await pilot.press("alt+left")
        await settle(pilot)
        assert screen.current_view == "account"
        assert shown(app).place().record_id == account_place.record_id
        await pilot.press("alt+left")
        await settle(pilot)
        assert screen.current_view == "lead"
        highlighted = shown(app).table.highlighted
        assert highlighted is not None and highlighted["id"] == lead["id"]
        # Nothing left to go back to: the key is gone from the footer and the palette.
        assert screen.check_action("go_back", ()) is False
        titles = {c.title for c in app.get_system_commands(screen)}
        assert "Back to" not in titles


async def test_a_record_missing_from_the_mirror_says_so_and_the_list_stays(
        live: Live) -> None:
    app = live.app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        screen = main(app)
        screen.open_record("account", 987_654_321)
        await settle(pilot)
        assert screen.current_view == "lead"
        assert screen.check_action("go_back", ()) is False
        assert any("not in the mirror" in str(n.message) for n in app._notifications)


async def test_a_lead_in_the_consoles_answer_opens_in_its_tab_and_back_returns(
        live: Live) -> None:
    app = live.app()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        panel = main(app).console
        await pilot.press(*"getLeads", "tab")
        await settle(pilot)
        panel.api_editor.params_area.load_text('{"where": {}, "limit": 3}')
        await pilot.press("ctrl+j")
        await settle(pilot)
        await settle(pilot)
        tree = panel.response.json_tree
        tree.focus()
        await settle(pilot)
        lead_nodes = [n for n in tree.root.children[0].children[0].children]
        assert len(lead_nodes) == 3
        tree.move_cursor(lead_nodes[1])
        await settle(pilot)
        wanted = int(lead_nodes[1].data.value["id"])  # type: ignore[union-attr]
        await pilot.press("o")
        await settle(pilot)
        assert main(app).current_view == "lead"
        leads = main(app).browser("lead")
        assert leads.table.highlighted is not None
        assert leads.table.highlighted["id"] == wanted and leads.detail_open

        await pilot.press("backspace")
        await settle(pilot)
        assert main(app).current_view == "console"
        assert tree.cursor_node is lead_nodes[1]  # the answer is as it was
