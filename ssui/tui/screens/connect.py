"""The connection screen: name, Account ID and Secret Key, checked with one real call.

Shown when ssui starts with no saved connection. Every problem is said next to the field it
concerns; nothing typed is lost; the secret is masked and never echoed anywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import httpx
from pydantic import SecretStr, ValidationError
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Input, Label, Select, Static

from ssui.api import (
    API_VERSIONS,
    DEFAULT_BASE_URL,
    AuthError,
    SharpSpringError,
    TransportError,
)
from ssui.config import ConfigError, Connection, check_connection, save_profile
from ssui.config.model import check_profile_name

# field id -> (label, placeholder)
FIELDS: dict[str, tuple[str, str]] = {
    "name": ("Connection name", "e.g. acme"),
    "account_id": ("Account ID", "Settings > API Settings in SharpSpring"),
    "secret_key": ("Secret Key", "Settings > API Settings in SharpSpring"),
    "base_url": ("API base URL", DEFAULT_BASE_URL),
}


class ConnectScreen(Screen[Connection]):
    """Ask for a connection, check it against the API, save it, and return it."""

    CSS_PATH = Path(__file__).with_name("connect.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.quit", "Quit", id="ssui.connect.quit"),
    ]

    def __init__(self, *, save: bool = True,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__()
        self.save = save
        self.transport = transport

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="connect-scroll"), Vertical(id="connect-form"):
            yield Static("Connect to SharpSpring", id="connect-title")
            yield Static("ssui checks the Account ID and Secret Key with one API call before"
                         " it saves them. The key is stored apart, readable only by you.",
                         id="connect-intro")
            for field_id, (label, placeholder) in FIELDS.items():
                with Horizontal(classes="field-row"):
                    yield Label(label, classes="field-label")
                    yield Input(value="default" if field_id == "name" else
                                (DEFAULT_BASE_URL if field_id == "base_url" else ""),
                                placeholder=placeholder, id=field_id,
                                password=field_id == "secret_key")
                yield Static("", id=f"{field_id}-error", classes="field-error")
            with Horizontal(classes="field-row"):
                yield Label("API version", classes="field-label")
                yield Select([(v, v) for v in API_VERSIONS], value="v1.2", allow_blank=False,
                             id="api_version")
            yield Static("", id="form-error", classes="field-error")
            with Horizontal(id="connect-buttons"):
                yield Button("Connect", variant="primary", id="connect")
        yield Footer(show_command_palette=False)  # ": Commands" is in the footer already

    def on_mount(self) -> None:
        self.query_one("#account_id", Input).focus()

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    def _say(self, field_id: str, message: str) -> None:
        self.query_one(f"#{field_id}-error", Static).update(message)
        self.query_one(f"#{field_id}-error").set_class(bool(message), "shown")

    def _clear(self) -> None:
        for field_id in (*FIELDS, "form"):
            self._say(field_id, "")

    @on(Input.Submitted)
    def _next_or_connect(self, event: Input.Submitted) -> None:
        order = list(FIELDS)
        i = order.index(event.input.id or "name")
        if i + 1 < len(order) and not self._value(order[i + 1]):
            self.query_one(f"#{order[i + 1]}", Input).focus()
        else:
            self.connect()

    @on(Button.Pressed, "#connect")
    def _pressed(self) -> None:
        self.connect()

    def read_form(self) -> Connection | None:
        """The connection the form describes, or None after saying what is wrong where."""
        self._clear()
        missing = [f for f in FIELDS if not self._value(f)]
        for field_id in missing:
            self._say(field_id, f"{FIELDS[field_id][0]} is required")
        if missing:
            self.query_one(f"#{missing[0]}", Input).focus()
            return None
        try:
            check_profile_name(self._value("name"))
        except ValueError as exc:
            self._say("name", str(exc))
            return None
        version = self.query_one("#api_version", Select).value
        try:
            return Connection(name=self._value("name"), account_id=self._value("account_id"),
                              secret_key=SecretStr(self._value("secret_key")),
                              base_url=self._value("base_url"), api_version=str(version))
        except ValidationError as exc:
            for err in exc.errors():
                where = str(err["loc"][0]) if err["loc"] else "form"
                self._say(where if where in FIELDS else "form", str(err["msg"]))
            return None

    def connect(self) -> None:
        connection = self.read_form()
        if connection is None:
            return
        self.query_one("#connect", Button).disabled = True
        self._say("form", "Checking with SharpSpring…")
        self._check(connection)

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def _check(self, connection: Connection) -> None:
        try:
            await check_connection(connection, self.transport)
            if self.save:
                save_profile(connection, make_default=True)
        except AuthError:
            self._failed("secret_key", "SharpSpring did not accept this Account ID and"
                         " Secret Key; check both under Settings > API Settings")
        except TransportError as exc:
            self._failed("base_url", f"Could not reach the API: {exc}")
        except (SharpSpringError, ConfigError, ValueError, OSError) as exc:
            self._failed("form", str(exc))
        else:
            self.dismiss(connection)

    def _failed(self, field_id: str, message: str) -> None:
        self._say("form", "")
        self._say(field_id, message)
        self.query_one("#connect", Button).disabled = False
        self.query_one(f"#{field_id}" if field_id in FIELDS else "#connect").focus()
