"""The connection screen: a real check before saving, every problem said at its field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from textual.app import App
from textual.widgets import Input, Static

from ssui.config import Connection, list_profiles
from ssui.sandbox import SandboxApp
from ssui.tui.screens.connect import ConnectScreen


class Host(App[None]):
    def __init__(self, screen: ConnectScreen) -> None:
        super().__init__()
        self.connect_screen = screen
        self.result: Connection | None = None

    def on_mount(self) -> None:
        self.push_screen(self.connect_screen, self._done)

    def _done(self, connection: Connection | None) -> None:
        self.result = connection


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SSUI_CONFIG_DIR", str(tmp_path / "config"))
    for var in ("SHARPSPRING_ACCOUNT_ID", "SHARPSPRING_SECRET_KEY", "SHARPSPRING_BASE_URL",
                "SHARPSPRING_API_VERSION", "SSUI_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path / "config"


@pytest.fixture
def sandbox_transport(make_sandbox: Callable[..., SandboxApp]) -> httpx.ASGITransport:
    return httpx.ASGITransport(app=make_sandbox(seed=1, leads=10))


def error_at(screen: ConnectScreen, field_id: str) -> str:
    return str(screen.query_one(f"#{field_id}-error", Static).render())


async def fill(pilot: object, screen: ConnectScreen, **values: str) -> None:
    for field_id, value in values.items():
        screen.query_one(f"#{field_id}", Input).value = value


async def test_empty_fields_are_named_next_to_each_field_and_nothing_is_lost() -> None:
    screen = ConnectScreen()
    app = Host(screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await fill(pilot, screen, account_id="ACME-1", secret_key="")
        await pilot.click("#connect")
        await pilot.pause()
        assert error_at(screen, "secret_key") == "Secret Key is required"
        assert error_at(screen, "account_id") == ""
        assert screen.query_one("#account_id", Input).value == "ACME-1"
        assert app.result is None


async def test_wrong_credentials_are_said_at_the_secret_and_nothing_is_saved(
        sandbox_transport: httpx.ASGITransport) -> None:
    screen = ConnectScreen(transport=sandbox_transport)
    app = Host(screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await fill(pilot, screen, name="acme", account_id="SANDBOX", secret_key="wrong-key-42",
                   base_url="http://127.0.0.1/pubapi")
        await pilot.click("#connect")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "did not accept" in error_at(screen, "secret_key")
        assert screen.query_one("#secret_key", Input).value == "wrong-key-42"  # kept
        assert "wrong-key-42" not in app.export_screenshot()  # masked on screen
        assert list_profiles() == []
        assert app.result is None


async def test_an_unreachable_host_is_said_at_the_base_url() -> None:
    screen = ConnectScreen()
    app = Host(screen)
    async with app.run_test(size=(100, 40)) as pilot:
        # Nothing listens on port 9 of loopback: the connection is refused at once.
        await fill(pilot, screen, account_id="A", secret_key="s",
                   base_url="http://127.0.0.1:9/pubapi")
        await pilot.click("#connect")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Could not reach the API" in error_at(screen, "base_url")
        assert list_profiles() == []


async def test_plain_http_to_a_remote_host_is_refused_at_the_field() -> None:
    screen = ConnectScreen()
    app = Host(screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await fill(pilot, screen, account_id="A", secret_key="s",
                   base_url="http://api.example.com/pubapi")
        await pilot.click("#connect")
        await pilot.pause()
        assert "https" in error_at(screen, "base_url")


async def test_good_credentials_are_checked_saved_and_returned(
        sandbox_transport: httpx.ASGITransport) -> None:
    screen = ConnectScreen(transport=sandbox_transport)
    app = Host(screen)
    async with app.run_test(size=(100, 40)) as pilot:
        await fill(pilot, screen, name="acme", account_id="SANDBOX",
                   secret_key="sandbox-secret", base_url="http://127.0.0.1/pubapi")
        await pilot.press("enter")  # Enter in a filled form connects
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.result is not None and app.result.name == "acme"
    assert [p.name for p in list_profiles()] == ["acme"]


async def test_the_first_run_connects_then_browses_the_synced_account(
        sandbox_transport: httpx.ASGITransport, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from ssui.tui.app import SsuiApp
    from ssui.tui.screens.main import MainScreen
    from ssui.tui.testing import settle
    from ssui.tui.widgets.entity_browser import EntityBrowser

    monkeypatch.setenv("SSUI_DATA_DIR", str(tmp_path / "data"))
    app = SsuiApp(None, transport=sandbox_transport)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        assert isinstance(screen, ConnectScreen)
        await fill(pilot, screen, name="acme", account_id="SANDBOX",
                   secret_key="sandbox-secret", base_url="http://127.0.0.1/pubapi")
        await pilot.click("#connect")
        await settle(pilot)  # the check and save; the mirror's endless loop is not waited on
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while not (app.sync_progress and app.sync_progress.done):
            assert loop.time() < deadline, "the first sync never finished"
            await pilot.pause(0.05)
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.connection_name == "acme"
        leads = app.screen.query(EntityBrowser).first()
        await pilot.pause()
        assert leads.total == 10  # the sandbox's 10 seeded leads (inactive ones hidden)
    assert (tmp_path / "data" / "mirrors").exists()


async def test_the_dialog_fits_80x24_with_its_buttons_in_reach() -> None:
    screen = ConnectScreen()
    app = Host(screen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = screen.query_one("#connect-scroll").region
        assert box.x >= 0 and box.right <= 80  # its right border shows
        button = screen.query_one("#connect")
        button.focus()  # Tab from the last field gets here; the form scrolls to show it
        await pilot.pause()
        await pilot.pause()
        assert button.region.y + button.region.height <= 24 and button.region.right <= 80
