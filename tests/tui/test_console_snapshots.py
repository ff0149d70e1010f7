"""What the Console tab looks like with an answer, against SVGs a person has looked at.

The sandbox is seeded at a fixed time, request ids and the clock the console times calls with
are pinned, so only a change to the app changes the pictures. Update after an intended change
with ``pytest tests/tui/test_console_snapshots.py --snapshot-update`` and review the SVGs.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from ssui.api import SharpSpringClient
from ssui.mirror import MirrorStore
from ssui.sandbox import SandboxApp
from ssui.tui.app import SsuiApp

from .console_app import SECRET, console, console_session
from .helpers import settle

Compare = Callable[..., bool]
SEEDED_AT = 1_767_225_600.0  # 2026-01-01 00:00 UTC


@pytest.fixture(autouse=True)
def pinned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Request ids, the time a call takes (34 ms) and the data directory, all fixed."""
    monkeypatch.setenv("SSUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr("ssui.api.envelope._PREFIX", "snap")
    monkeypatch.setattr("ssui.api.envelope._COUNTER", itertools.count(1))
    ticks = itertools.count()
    monkeypatch.setattr("ssui.console.sending.time",
                        SimpleNamespace(perf_counter=lambda: next(ticks) * 0.034))
    yield


@pytest.fixture
def app(make_sandbox: Callable[..., SandboxApp], store: MirrorStore,
        client_on: Callable[..., SharpSpringClient]) -> SsuiApp:
    sandbox = make_sandbox(secret_key=SECRET, seed_anchor=SEEDED_AT)
    return SsuiApp(console_session(sandbox, store, client_on))


def call(method: str, params: str | None, *keys: str
         ) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Open the console, type ``method``, set ``params``, send, then press ``keys``."""
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        assert isinstance(pilot.app, SsuiApp)
        panel = console(pilot.app)
        await pilot.press(*method, "tab")
        await settle(pilot)
        if params is not None:
            panel.api_editor.params_area.load_text(params)
        for key in ("ctrl+j", *keys):
            await pilot.press(key)
            await settle(pilot)
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        for area in pilot.app.screen.query("TextArea"):
            area.cursor_blink = False  # type: ignore[attr-defined]
        pilot.app.screen.refresh(layout=True)
        await pilot.pause()
        await settle(pilot)
    return run


def test_a_list_call_and_its_leads_as_a_tree(snap_compare: Compare, app: SsuiApp) -> None:
    assert snap_compare(app, terminal_size=(120, 36), run_before=call(
        "getLeads", '{\n  "where": {},\n  "limit": 3\n}', "tab", "down", "down", "down", "enter"))


def test_an_api_error_with_its_meaning_as_text(snap_compare: Compare, app: SsuiApp) -> None:
    assert snap_compare(app, terminal_size=(120, 36), run_before=call(
        "getLeedz", '{"where": {}}', "f3"))


def test_a_raw_request_at_80x24(snap_compare: Compare, app: SsuiApp) -> None:
    assert snap_compare(app, terminal_size=(80, 24), run_before=call(
        "getCampaigns", '{"where": {}, "limit": 2}', "f2", "f5"))
