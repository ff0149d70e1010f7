"""A live app for the watch tests: the real mirror of an in-process sandbox, polling on its own.

The account is synced before the app opens, so the app's mirror goes straight to its
scheduler, as it does on any start after the first. Its watch settings are a saved profile in
a config dir of the test's own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.pilot import Pilot

from ssui.api import RetryPolicy, SharpSpringClient
from ssui.config import WatchPrefs
from ssui.mirror import MirrorStore
from ssui.mirror.account import AccountMirror
from ssui.mirror.scheduler import StreamStatus
from ssui.sandbox import SandboxApp
from ssui.session import AccountSession
from ssui.tui.app import SsuiApp

PROFILE = "sbx"


class Live:
    """A synced mirror of ``sandbox`` in ``store``, and apps on it."""

    def __init__(self, sandbox: SandboxApp, store: MirrorStore, config: Path) -> None:
        self.sandbox = sandbox
        self.store = store
        self.config = config
        self.clients: list[SharpSpringClient] = []

    def client(self, secret: str | None = None) -> SharpSpringClient:
        """A client on the sandbox (with ``secret`` instead of the right key, if given)."""
        client = SharpSpringClient(
            self.sandbox.config.account_id, secret or self.sandbox.config.secret_key,
            base_url="http://127.0.0.1/pubapi", rate_limit=None,
            transport=httpx.ASGITransport(app=self.sandbox), retry=RetryPolicy(max_attempts=1))
        self.clients.append(client)
        return client

    def app(self, *, secret: str | None = None, me: str | None = None,
            prefs: WatchPrefs | None = None) -> SsuiApp:
        """The app on a live mirror of the account; its settings saved in profile ``sbx``."""
        client = self.client(secret)
        mirror = AccountMirror(client, self.store)
        session = AccountSession(PROFILE, self.store, client=client, mirror=mirror)
        return SsuiApp(session, watch=prefs or WatchPrefs(profile=PROFILE, me=me))

    def write_profile(self, extra: str = "") -> None:
        self.config.mkdir(parents=True, exist_ok=True)
        (self.config / "config.toml").write_text(
            f'default_profile = "{PROFILE}"\n[profiles.{PROFILE}]\n'
            f'account_id = "{self.sandbox.config.account_id}"\n'
            f'base_url = "http://127.0.0.1/pubapi"\n{extra}', encoding="utf-8")


@pytest.fixture
async def live(make_sandbox: Callable[..., SandboxApp], tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Live]:
    """A sandbox with its real limits (quota and rate, generous per second), synced."""
    sandbox = make_sandbox(limits=True, per_second=100_000)
    config = tmp_path / "config"
    monkeypatch.setenv("SSUI_CONFIG_DIR", str(config))
    store = MirrorStore(tmp_path / "mirror.db")
    account = Live(sandbox, store, config)
    account.write_profile()
    setup = AccountMirror(account.client(), store, consumer="setup")
    await setup.sync.full_sync()
    await setup.poll_once("activity")  # the first poll imports history, announcing nothing
    yield account
    for client in account.clients:
        await client.aclose()
    store.close()


async def until(pilot: Pilot[Any], done: Callable[[], bool], rounds: int = 500) -> None:
    """Let the app (and its mirror's loop) run until ``done()``; no fixed sleep."""
    for _ in range(rounds):
        if done():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"never happened: {done}")


def streams_in(app: SsuiApp, status: StreamStatus) -> list[str]:
    assert app.mirror is not None
    return [s.name for s in app.mirror.scheduler.streams.values()
            if s.enabled and s.status is status]
