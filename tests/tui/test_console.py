"""The Console tab: any API call by hand over the session's client, against the sandbox."""

from __future__ import annotations

import json
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from ssui.api import SharpSpringClient
from ssui.mirror import MirrorStore
from ssui.sandbox import SandboxApp
from ssui.tui.app import SsuiApp
from ssui.tui.console.dialogs import AskText, ConfirmSend, ExportMenu
from ssui.tui.console.editor import JsonArea, MethodInput
from ssui.tui.console.history_screen import HistoryScreen
from ssui.tui.console.panel import ConsolePanel
from ssui.tui.console.response_view import CHUNK, TEXT_LINES, JsonTree

from .console_app import SECRET, console, console_session
from .helpers import settle

ClientOn = Callable[..., SharpSpringClient]
ConsoleApp = Callable[..., SsuiApp]
SIZE = (160, 50)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("SSUI_DATA_DIR", str(path))
    return path


@pytest.fixture
def sandbox(make_sandbox: Callable[..., SandboxApp]) -> SandboxApp:
    return make_sandbox(secret_key=SECRET)


@pytest.fixture
def console_app(sandbox: SandboxApp, store: MirrorStore, client_on: ClientOn) -> ConsoleApp:
    def make(*, live: bool = False, read_only: bool = False, **client: Any) -> SsuiApp:
        return SsuiApp(console_session(sandbox, store, client_on, live=live, **client),
                       read_only)
    return make


async def open_console(pilot: Pilot[Any]) -> ConsolePanel:
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)
    assert isinstance(pilot.app, SsuiApp)
    return console(pilot.app)


async def type_call(pilot: Pilot[Any], panel: ConsolePanel, method: str,
                    params: str | None = None) -> None:
    """Type ``method`` into the method field, then (if given) put ``params`` in the editor."""
    panel.api_editor.method_input.value = ""
    panel.api_editor.method_input.focus()
    await pilot.press(*method)
    await settle(pilot)
    if params is not None:
        panel.api_editor.params_area.load_text(params)
        await settle(pilot)


async def send(pilot: Pilot[Any], key: str = "ctrl+j") -> None:
    await pilot.press(key)
    await settle(pilot)
    await settle(pilot)


def tree_lines(tree: JsonTree) -> list[str]:
    out: list[str] = []

    def walk(node: Any) -> None:
        for child in node.children:
            out.append(str(child.label))
            if child.is_expanded:
                walk(child)

    walk(tree.root)
    return out


def status(panel: ConsolePanel) -> str:
    view = panel.response
    return " ".join(str(view.query_one(f"#response-{w}", Static).content)
                    for w in ("status", "keys"))


def calls(panel: ConsolePanel) -> int:
    client = panel.session.client
    assert client is not None
    return client.quota.used


# -- the editor ----------------------------------------------------------------------------


async def test_key_6_goes_to_the_method_field_and_tab_completes_then_moves_to_the_params(
        console_app: ConsoleApp) -> None:
    app = console_app()
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_console(pilot)
        assert isinstance(app.focused, MethodInput)
        await pilot.press(*"getLeadsD")
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)
        assert panel.api_editor.method_input.value == "getLeadsDateRange"
        assert isinstance(app.focused, JsonArea)
        params = json.loads(panel.api_editor.params_area.text)
        assert set(params) == {"startDate", "endDate", "timestamp", "limit", "offset"}
        hint = str(panel.api_editor.query_one("#method-hint", Static).content)
        assert "result key: lead" in hint


async def test_a_known_method_brings_its_template_but_never_replaces_typed_params(
        console_app: ConsoleApp) -> None:
    app = console_app()
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_console(pilot)
        editor = panel.api_editor
        await pilot.press(*"createLeads")
        await settle(pilot)
        assert json.loads(editor.params_area.text) == {"objects": [{"emailAddress": ""}]}
        await type_call(pilot, panel, "getLeads")  # a template follows a template
        assert json.loads(editor.params_area.text) == {"where": {}, "limit": 50, "offset": 0}
        editor.params_area.load_text('{"where": {"id": 7}}')  # typed by the user
        await type_call(pilot, panel, "getAccounts", '{"where": {"id": 7}}')
        assert json.loads(editor.params_area.text) == {"where": {"id": 7}}
        await type_call(pilot, panel, "getLeedz", '{"where": {"id": 7}}')
        hint = str(editor.query_one("#method-hint", Static).content)
        assert "not in the catalogue: sent as typed" in hint


async def test_field_names_complete_inside_the_params(console_app: ConsoleApp) -> None:
    app = console_app()
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_console(pilot)
        await type_call(pilot, panel, "getLeads")
        area = panel.api_editor.params_area
        area.load_text("")
        area.focus()
        await pilot.press(*'{"where": {"emailAd')
        await settle(pilot)
        assert area.suggestion == "dress"
        await pilot.press("right")
        await settle(pilot)
        assert area.text == '{"where": {"emailAddress'


async def test_broken_json_is_pointed_at_by_line_and_column_and_not_sent(
        console_app: ConsoleApp) -> None:
    app = console_app()
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_console(pilot)
        await type_call(pilot, panel, "getLeads", '{\n  "where": {}\n  "limit": 3\n}')
        check = str(panel.api_editor.query_one("#params-check", Static).content)
        assert "line 3, column 3" in check and "Expecting ','" in check
        await send(pilot)
        assert calls(panel) == 0
        assert panel.api_editor.params_area.cursor_location == (2, 2)
        assert app.focused is panel.api_editor.params_area


# -- sending and the response --------------------------------------------------------------


async def test_a_call_shows_its_status_time_size_calls_and_the_leads_in_a_tree(
        console_app: ConsoleApp, sandbox: SandboxApp, client_on: ClientOn) -> None:
    async with client_on(sandbox) as other:
        expected = [r["emailAddress"] for r in (await other.call(
            "getLeads", {"where": {}, "limit": 3}))["lead"]]
    app = console_app()
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_console(pilot)
        await pilot.press(*"getLeads", "tab")
        await settle(pilot)
        text = panel.api_editor.params_area.text.replace('"limit": 50', '"limit": 3')
        panel.api_editor.params_area.load_text(text)
        await send(pilot)
        line = status(panel)
        assert "HTTP 200 OK" in line and " ms · " in line and "KB" in line
        assert "1 / 50,000 calls today" in line  # the session's own quota counter
        assert "lead 3 items" in line and "hasMore: —" in line
        leads = [label for label in tree_lines(panel.response.json_tree)
                 if label.startswith("[")]
        assert len(leads) == 3
        for label, email in zip(leads, expected, strict=True):
            assert email in label
        assert calls(panel) == 1
        await pilot.press("f3")  # the same answer as text
        await settle(pilot)
        assert json.loads(panel.response.text_area.text)["result"]["lead"][0][
            "emailAddress"] == expected[0]


@pytest.mark.parametrize(("method", "params", "code", "meaning"), [
    ("getLeedz", "{}", 204, "no such method"),
    ("getLeads", '{"where": {"id": "abc"}}', 205, "invalid parameters"),
])
async def test_an_api_error_shows_its_code_message_and_what_the_code_means(
        console_app: ConsoleApp, method: str, params: str, code: int, meaning: str) -> None:
    app = console_app()
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_console(pilot)
        await type_call(pilot, panel, method, params)
        await send(pilot)
        line = status(panel)
        assert f"error {code}: " in line and f"means: {meaning}" in line
        assert any(label.startswith("error") for label in tree_lines(
            panel.response.json_tree))


async def test_a_failed_object_of_a_bulk_write_shows_which_and_why(
        console_app: ConsoleApp) -> None:
    app = console_app()
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_console(pilot)
        twice = {"emailAddress": "twice@example.com"}
        await type_call(pilot, panel, "createLeads", json.dumps({"objects": [twice, twice]}))
        await send(pilot)
        line = status(panel)
        assert "1 of 2 failed: creates[1] error 301" in line
        assert "means: the entry already exists" in line
        labels = tree_lines(panel.response.json_tree)
        assert any(label.startswith("[1] ✖ failed · error 301") for label in labels)


async def test_next_page_sends_the_same_call_from_offset_plus_limit(
        console_app: ConsoleApp) -> None:
    app = console_app()
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_console(pilot)
        await type_call(pilot, panel, "getLeads", '{"where": {}, "limit": 2}')
        await send(pilot)
        first = [label for label in tree_lines(panel.response.json_tree) if label[0] == "["]
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Next page" in titles
        await send(pilot, "f8")
        assert json.loads(panel.api_editor.params_area.text) == {
            "where": {}, "limit": 2, "offset": 2}
        second = [label for label in tree_lines(panel.response.json_tree) if label[0] == "["]
        assert len(second) == 2 and set(first).isdisjoint(second)
        await type_call(pilot, panel, "getLeads", '{"where": {}, "limit": 500}')
        await send(pilot)  # every lead in one page: there is no next one
        assert panel.next_request is None
        assert "Next page" not in [c.title for c in app.get_system_commands(app.screen)]


async def test_raw_mode_posts_with_the_credentials_added_and_shows_any_status(
        console_app: ConsoleApp) -> None:
    app = console_app()
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_console(pilot)
        await type_call(pilot, panel, "getLeads", '{"where": {}, "limit": 1}')
        await pilot.press("f2")  # the call comes along as the raw body
        await settle(pilot)
        raw = panel.raw_editor
        assert raw.query_one("#path", Input).value == "v1.2/"
        assert json.loads(raw.body_area.text)["method"] == "getLeads"
        await send(pilot, "f5")
        assert "HTTP 200 OK" in status(panel) and "lead 1 item" in status(panel)
        raw.query_one("#query", Input).value = "secretKey=not-the-key"
        await send(pilot, "f5")  # the user's own credential wins
        assert "error 105" in status(panel) and "authentication failed" in status(panel)
        raw.query_one("#path", Input).value = "https://elsewhere.example.com/steal"
        await send(pilot, "f5")
        assert "requests go only to http://127.0.0.1/pubapi/" in str(
            raw.query_one("#raw-check", Static).content)
        assert calls(panel) == 2


# -- safety --------------------------------------------------------------------------------


async def test_a_write_on_a_live_account_asks_first(console_app: ConsoleApp) -> None:
    app = console_app(live=True)
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_console(pilot)
        new = {"objects": [{"emailAddress": "asked@example.com"}]}
        await type_call(pilot, panel, "createLeads", json.dumps(new))
        await send(pilot)
        assert isinstance(app.screen, ConfirmSend) and calls(panel) == 0
        await pilot.press("n")
        await settle(pilot)
        assert calls(panel) == 0 and panel.exchange is None
        await send(pilot)
        await pilot.press("y")
        await settle(pilot)
        await settle(pilot)
        assert calls(panel) == 1 and "creates 1 item" in status(panel)
        await type_call(pilot, panel, "getLeads", '{"where": {}, "limit": 1}')
        await send(pilot)  # reads never ask
        assert not isinstance(app.screen, ConfirmSend) and calls(panel) == 2


async def test_a_write_on_the_sandbox_is_sent_without_asking(console_app: ConsoleApp) -> None:
    app = console_app()
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_console(pilot)
        await type_call(pilot, panel, "createLeads",
                        '{"objects": [{"emailAddress": "free@example.com"}]}')
        await send(pilot)
        assert calls(panel) == 1 and "creates 1 item" in status(panel)


async def test_read_only_refuses_writes_and_raw_posts_that_write(
        console_app: ConsoleApp) -> None:
    app = console_app(read_only=True, live=True)
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_console(pilot)
        await type_call(pilot, panel, "deleteLeads", '{"objects": [{"id": 1}]}')
        await send(pilot)
        assert calls(panel) == 0 and not isinstance(app.screen, ConfirmSend)
        assert any("Read-only: deleteLeads writes" in n.message for n in app._notifications)
        await pilot.press("f2")
        await settle(pilot)
        assert json.loads(panel.raw_editor.body_area.text)["method"] == "deleteLeads"
        await send(pilot, "f5")
        assert calls(panel) == 0
        await pilot.press("f2")
        await type_call(pilot, panel, "getLeads", '{"where": {}, "limit": 1}')
        await send(pilot)
        assert calls(panel) == 1  # reading is fine


# -- history, saved requests, copy and save -------------------------------------------------


async def test_history_keeps_each_request_without_the_secret_and_replays_it(
        console_app: ConsoleApp, data_dir: Path) -> None:
    app = console_app()
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_console(pilot)
        await type_call(pilot, panel, "getLeads", '{"where": {}, "limit": 2}')
        await send(pilot)
        await type_call(pilot, panel, "getAccounts", '{"where": {}, "limit": 1}')
        await send(pilot)
        files = list((data_dir / "console").iterdir())
        [history_file] = [f for f in files if f.name.endswith(".history.jsonl")]
        assert stat.S_IMODE(history_file.stat().st_mode) == 0o600
        assert stat.S_IMODE((data_dir / "console").stat().st_mode) == 0o700
        text = history_file.read_text()
        assert SECRET not in text and "getLeads" in text and "getAccounts" in text
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        title = str(app.screen.query_one("#history-title", Static).content)
        assert title.startswith("History · 2 requests")
        await pilot.press(*"leads")
        await settle(pilot)
        assert "1 request" in str(app.screen.query_one("#history-title", Static).content)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, HistoryScreen)
        assert panel.api_editor.method_input.value == "getLeads"
        assert json.loads(panel.api_editor.params_area.text) == {"where": {}, "limit": 2}
        await send(pilot)  # replayed as it was
        assert "lead 2 items" in status(panel)


async def test_a_saved_request_survives_a_restart(console_app: ConsoleApp) -> None:
    app = console_app()
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_console(pilot)
        await type_call(pilot, panel, "getCampaigns", '{"where": {}, "limit": 4}')
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, ExportMenu)
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, AskText)
        app.screen.query_one(Input).value = "four campaigns"
        await pilot.press("enter")
        await settle(pilot)
    again = console_app()
    async with again.run_test(size=SIZE) as pilot:
        panel = await open_console(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert "1 saved" in str(again.screen.query_one("#history-title", Static).content)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert panel.api_editor.method_input.value == "getCampaigns"
        assert json.loads(panel.api_editor.params_area.text)["limit"] == 4


async def test_copy_as_curl_reads_the_secret_from_the_environment(
        console_app: ConsoleApp) -> None:
    app = console_app()
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_console(pilot)
        await type_call(pilot, panel, "getLeads", '{"where": {}, "limit": 1}')
        await pilot.press("f9", "c")
        await settle(pilot)
        copied = app.clipboard
        assert copied.startswith("curl -sS -X POST 'http://127.0.0.1/pubapi/v1.2/?accountID=")
        assert '"$SHARPSPRING_SECRET_KEY"' in copied and SECRET not in copied
        assert '"method":"getLeads"' in copied


async def test_the_response_can_be_copied_and_saved_to_a_private_file(
        console_app: ConsoleApp, tmp_path: Path) -> None:
    app = console_app()
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_console(pilot)
        await type_call(pilot, panel, "getLeads", '{"where": {}, "limit": 2}')
        await send(pilot)
        await pilot.press("f9", "r")
        await settle(pilot)
        assert json.loads(app.clipboard)["result"]["lead"][1]["id"]
        target = tmp_path / "answer.json"
        await pilot.press("f9", "s")
        await settle(pilot)
        assert isinstance(app.screen, AskText)
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert json.loads(target.read_text()) == json.loads(app.clipboard)
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        await pilot.press("f9", "s")  # a file that exists is never replaced
        await settle(pilot)
        assert isinstance(app.screen, AskText)
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert any("Not saved" in n.message for n in app._notifications)


async def test_offline_the_console_says_it_cannot_send(make_app: Callable[..., SsuiApp]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_console(pilot)
        assert "needs a connection" in status(panel)
        assert "Send" not in [c.title for c in app.get_system_commands(app.screen)]


# -- a large answer -------------------------------------------------------------------------


def big_envelope(leads: int) -> bytes:
    lead = {f"field{i}": f"value {i} " * 3 for i in range(30)}
    rows = [{"id": str(i), "emailAddress": f"p{i}@example.com", **lead} for i in range(leads)]
    return json.dumps({"result": {"lead": rows}, "error": None, "id": "big"}).encode()


async def test_a_5_mb_answer_keeps_the_app_answering_keys(console_app: ConsoleApp) -> None:
    body = big_envelope(5_000)
    assert len(body) > 5_000_000

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    app = console_app(transport=httpx.MockTransport(answer))
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_console(pilot)
        await type_call(pilot, panel, "getLeads", '{"where": {}, "limit": 500}')
        started = time.perf_counter()
        await pilot.press("ctrl+j")
        worst = 0.0
        while panel.exchange is None and time.perf_counter() - started < 30:
            before = time.perf_counter()
            await pilot.press("f1")  # the keys panel opens and closes while the answer lands
            worst = max(worst, time.perf_counter() - before)
        await settle(pilot)
        shown = time.perf_counter() - started
        assert panel.exchange is not None and "5,000 items" in status(panel)
        assert worst < 0.5, f"a key took {worst * 1000:.0f} ms"
        assert shown < 5, f"the answer took {shown:.1f} s to show"
        leads = [label for label in tree_lines(panel.response.json_tree) if label[0] == "["]
        assert len(leads) == CHUNK  # the rest waits behind "… more"
        assert any("4,800 more" in label for label in tree_lines(panel.response.json_tree))
        before = time.perf_counter()
        await pilot.press("f3")
        await settle(pilot)
        toggled = time.perf_counter() - before
        assert panel.response.text_area.document.line_count == TEXT_LINES
        assert "text shows the first 5,000" in status(panel)
        assert toggled < 3, f"the text view took {toggled:.1f} s"
