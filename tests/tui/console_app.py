"""An app whose session talks to an in-process sandbox, for the Console tab's tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import SecretStr

from ssui.api import SharpSpringClient
from ssui.config import Connection
from ssui.mirror import MirrorStore
from ssui.sandbox import SandboxApp
from ssui.session import AccountSession
from ssui.tui.app import SsuiApp
from ssui.tui.console.panel import ConsolePanel
from ssui.tui.screens.main import MainScreen

# A secret no test data holds by chance, so finding it anywhere is a leak.
SECRET = "Zq9-console-SECRET-7f"
LOOPBACK = "http://127.0.0.1/pubapi"
LIVE = "https://api.sharpspring.com/pubapi"

ConsoleApp = Callable[..., SsuiApp]


def console_session(sandbox: SandboxApp, store: MirrorStore,
                    client_on: Callable[..., SharpSpringClient], *, live: bool = False,
                    **client: Any) -> AccountSession:
    """A session on ``sandbox`` whose base URL is loopback, or SharpSpring's (``live``)."""
    base = LIVE if live else LOOPBACK
    connection = Connection(name="acme-test", account_id=sandbox.config.account_id,
                            secret_key=SecretStr(sandbox.config.secret_key), base_url=base)
    return AccountSession("acme-test", store, connection=connection,
                          client=client_on(sandbox, base_url=base, **client))


def console(app: SsuiApp) -> ConsolePanel:
    screen = app.screen
    assert isinstance(screen, MainScreen), screen
    return screen.console
