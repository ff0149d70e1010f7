"""Account data is untrusted: on the real mirror of a messy account, nothing drives the terminal.

The account is the in-process sandbox with ``ssui.sandbox.messy`` sent through the API and
synced into the mirror, so every value on screen took the path real data takes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from ssui.api import SharpSpringClient
from ssui.mirror import MirrorStore
from ssui.mirror.sync import SyncEngine
from ssui.sandbox import SandboxApp
from ssui.sandbox.messy import load_messy
from ssui.session import AccountSession
from ssui.tui.app import SsuiApp
from ssui.tui.screens.main import MainScreen
from ssui.tui.widgets.entity_browser import EntityBrowser

from .helpers import foreign_controls, settle, terminal_output


def leads(app: SsuiApp) -> EntityBrowser:
    assert isinstance(app.screen, MainScreen)
    return app.screen.browser("lead")


async def search(app: SsuiApp, pilot: object, text: str) -> None:
    leads(app).search_input.value = text
    await settle(pilot)  # type: ignore[arg-type]


async def test_escape_sequences_in_leads_are_shown_as_symbols_in_table_and_detail(
        messy_store: MirrorStore) -> None:
    app = SsuiApp(AccountSession.offline(messy_store, "messy"))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        b = leads(app)
        await pilot.press("slash")
        for term in ("ctrl.example", "markup.example", "emoji.example"):
            await search(app, pilot, term)
            assert b.count >= 3, term
            output, text = terminal_output(app)
            assert foreign_controls(output) == [], term
            assert "◆ ssui" in text and "Leads" in text  # header and tabs are still drawn
        await search(app, pilot, "ctrl.example")
        await pilot.press("enter")
        assert b.table.has_focus
        for _ in range(b.count):
            await pilot.press("d")
            await settle(pilot)
            assert b.detail.display
            assert foreign_controls(terminal_output(app)[0]) == []
            await pilot.press("d", "down")
        await search(app, pilot, "title@ctrl")
        await pilot.press("enter", "d")
        await settle(pilot)
        assert "Esc␛]0;PWNED␇ Co" in terminal_output(app)[1]


async def test_markup_in_lead_names_is_shown_as_typed(messy_store: MirrorStore) -> None:
    app = SsuiApp(AccountSession.offline(messy_store, "messy"))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await search(app, pilot, "markup@markup")
        await pilot.press("enter")
        for _ in range(leads(app).count):
            if "[b]" in str(leads(app).table.highlighted):
                break
            await pilot.press("down")
        await pilot.press("d")
        await settle(pilot)
        shown = terminal_output(app)[1]
        assert "[b]Bold[/b]" in shown and "[red]Markup[/red] Co" in shown
        assert app.is_running  # "[@click=app.quit]" was text, not an action


async def test_two_custom_fields_with_the_same_label_are_told_apart(
        messy_store: MirrorStore) -> None:
    labels = [f.label for f in messy_store.entity("lead").custom_fields]
    regions = [label for label in labels if label.startswith("Région")]
    assert len(regions) == 2 and regions[0] != regions[1]
    assert len(labels) >= 150 and len(set(labels)) == len(labels)


FIXED = 1_767_225_600.0  # 2026-01-01 00:00 UTC: the sandbox's clock, for a stable picture


@pytest.fixture
async def messy_store_at_a_fixed_time(
        make_sandbox: Callable[..., SandboxApp], tmp_path: Path,
        client_on: Callable[..., SharpSpringClient]) -> AsyncIterator[MirrorStore]:
    sandbox = make_sandbox(seed=5, leads=40, seed_anchor=FIXED, clock=lambda: FIXED)
    store = MirrorStore(tmp_path / "messy-fixed.db")
    async with client_on(sandbox) as client:
        await load_messy(client.call)
        await SyncEngine(client, store).full_sync()
    yield store
    store.close()


def test_messy_leads_line_up_in_their_columns(
        snap_compare: Callable[..., bool], messy_store_at_a_fixed_time: MirrorStore) -> None:
    """CJK, emoji with joiners, skin tones and flags, RTL, tabs, newlines and every control
    character: each cell exactly its column's width, cut between whole graphemes."""
    app = SsuiApp(AccountSession.offline(messy_store_at_a_fixed_time, "messy"))

    async def search_messy(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("slash")
        await search(app, pilot, "example")
        await pilot.press("enter")
        for box in app.screen.query(Input):
            box.cursor_blink = False
        await settle(pilot)

    assert snap_compare(app, terminal_size=(140, 30), run_before=search_messy)
