"""Search as you type finds what people type in every script, on the real mirror of a messy
account (the in-process sandbox with ``ssui.sandbox.messy`` sent through the API and synced).
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from ssui.mirror import MirrorStore, Query
from ssui.mirror.query import fold
from ssui.session import AccountSession
from ssui.tui.app import SsuiApp
from ssui.tui.screens.main import MainScreen
from ssui.tui.widgets.entity_browser import EntityBrowser

from .helpers import settle


def leads(app: SsuiApp) -> EntityBrowser:
    assert isinstance(app.screen, MainScreen)
    return app.screen.browser("lead")


async def search(app: SsuiApp, pilot: Pilot[Any], text: str) -> set[str]:
    """Type ``text`` in the lead search; the emails of the leads the list then shows."""
    b = leads(app)
    b.search_input.value = text
    await settle(pilot)
    assert b.table.source is not None
    shown = b.table.source.rows(0, max(b.count, 1))
    assert len(shown) == b.count
    return {str(r["emailAddress"]) for r in shown}


def holding(store: MirrorStore, text: str) -> set[str]:
    """The emails of the leads with ``text`` in a searchable field, case and accents folded."""
    e = store.entity("lead")
    return {str(r["emailAddress"]) for r in store.page(Query("lead", limit=10_000))
            if any(fold(text) in fold(str(r.get(f.name) or "")) for f in e.searchable_fields)}


async def test_search_finds_cjk_substrings_word_middles_and_emoji(
        messy_store: MirrorStore) -> None:
    app = SsuiApp(AccountSession.offline(messy_store, "messy"))
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        total = leads(app).count
        await pilot.press("slash")
        assert await search(app, pilot, "製作所") == {"taro@yamada.example.jp"}
        assert await search(app, pilot, "华为") == {"li@huawei.example.cn"}
        assert "rocket@emoji.example" in await search(app, pilot, "ocket")
        assert await search(app, pilot, "ocket") == holding(messy_store, "ocket")
        rockets = await search(app, pilot, "🚀")
        assert rockets == holding(messy_store, "🚀") == {"rocket@emoji.example"}
        accents = await search(app, pilot, "rhone")  # "Rhône-Alpes", and "Rho\u0302ne"
        assert accents == holding(messy_store, "rhone") >= {"rachel@accents.example"}
        assert await search(app, pilot, "&&&") == {"symbols@markup.example"}
        assert await search(app, pilot, "") and leads(app).count == total
