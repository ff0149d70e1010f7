"""The Console tab: any API call by hand, or a raw HTTP request, through the session's client.

The request goes out through the session's one client, so it counts against the same rate
limit and daily quota as syncing and the watches (the header shows both), and what it creates
reaches the mirror on the next poll. A write (create*, update*, delete*, any method that is not
a get*, and a raw POST whose body calls one) asks first on an account that is not a sandbox on
this machine, and is refused outright on a read-only connection.

The send runs in a worker that posts ``Answered``; the panel shows it, keeps it in the
connection's history and works out the next page. Nothing of the secret reaches the screen,
the history, the clipboard or a saved file: answers are scrubbed of it on arrival, curl reads
it from ``$SHARPSPRING_SECRET_KEY``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical
from textual.content import Content
from textual.events import Resize
from textual.message import Message
from textual.widgets import Button, ContentSwitcher, Static
from textual.worker import Worker

from ssui.api import SharpSpringClient
from ssui.console import (
    ConsoleRequest,
    Exchange,
    History,
    HistoryEntry,
    Mode,
    Prepared,
    RequestProblem,
    SavedRequests,
    Target,
    curl_command,
    next_page,
    parse_params,
    prepare,
    send,
    target_of,
)
from ssui.console.request import call_body
from ssui.entities import REGISTRY, Entity
from ssui.mirror.files import private_file
from ssui.session import AccountSession
from ssui.text import printable
from ssui.tui.console.dialogs import AskText, ConfirmSend, ExportMenu
from ssui.tui.console.editor import ApiEditor, RawEditor
from ssui.tui.console.history_screen import HistoryScreen
from ssui.tui.console.response_view import ResponseView
from ssui.tui.messages import failure
from ssui.tui.widgets.css import tcss_next_to

CONSOLE_GROUP = "console"
NARROW = 110  # below this many columns the response goes under the request


class _AccountEntities(Mapping[str, Entity]):
    """The registry's entities as the client knows them: with the account's custom fields."""

    def __init__(self, client: SharpSpringClient) -> None:
        self.client = client

    def __getitem__(self, key: str) -> Entity:
        if key not in REGISTRY:
            raise KeyError(key)
        return self.client.entity(key)

    def __iter__(self) -> Iterator[str]:
        return iter(REGISTRY)

    def __len__(self) -> int:
        return len(REGISTRY)


class ConsolePanel(Vertical):
    """The request editor (API call or raw HTTP), the Send button, and the response."""

    DEFAULT_CSS = tcss_next_to(__file__)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+j,f5", "send", "Send", id="ssui.console.send", key_display="f5",
                tooltip="Send the request (ctrl+j or F5)"),
        Binding("f2", "switch_mode", "API call / raw HTTP", id="ssui.console.mode"),
        Binding("f3", "toggle_view", "Tree / text", id="ssui.console.view"),
        Binding("f4", "history", "History", id="ssui.console.history",
                tooltip="Saved and earlier requests: search, Enter replays"),
        Binding("f8", "next_page", "Next page", id="ssui.console.next",
                tooltip="The same list call with offset += limit"),
        Binding("f9", "export", "Copy / save", id="ssui.console.export",
                tooltip="Copy as curl, copy or save the response, keep the request"),
    ]

    class Answered(Message):
        """A request sent from the console came back (or failed without an answer)."""

        def __init__(self, exchange: Exchange) -> None:
            super().__init__()
            self.exchange = exchange

    def __init__(self, session: AccountSession, *, read_only: bool = False,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.read_only = read_only
        client = session.client
        self.target: Target | None = target_of(client) if client is not None else None
        connection = session.connection
        self.secret = connection.secret_key.get_secret_value() if connection else None
        account = connection.account_id if connection else (client.account_id if client
                                                             else "offline")
        scrub = client.scrub if client is not None else None
        self.history = History.for_connection(session.name, account, secret=self.secret,
                                              scrub=scrub)
        self.saved = SavedRequests.for_connection(session.name, account, secret=self.secret,
                                                  scrub=scrub)
        self.entities = _AccountEntities(client) if client is not None else None
        self.mode = Mode.API
        self.sending = False
        self.exchange: Exchange | None = None
        self.next_request: ConsoleRequest | None = None

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        target = self.target
        with Horizontal(id="console-bar"):
            yield Button("API call", id="mode-api", compact=True, variant="primary")
            yield Button("Raw HTTP", id="mode-raw", compact=True)
            yield Static(self._where(), id="console-where", markup=False)
            yield Button("Send ▶ F5", id="send", compact=True, variant="success")
        with Container(id="console-body"):
            with ContentSwitcher(initial="api-editor", id="console-request"):
                yield ApiEditor(entities=self.entities, id="api-editor")
                yield RawEditor(str(target.base) if target else "(offline)",
                                target.api_path if target else "", id="raw-editor")
            yield ResponseView(id="console-response")

    def _where(self) -> Content:
        target = self.target
        if target is None:
            return Content("offline: no connection to send through").stylize("$text-warning")
        if self.read_only:
            where = "read-only: writes are refused"
        elif target.sandbox:
            where = "sandbox: writes go without asking"
        else:
            where = "live: writes ask first"
        return Content(printable(f"account {target.account_id} · {where}")).stylize("dim")

    def on_mount(self) -> None:
        if self.target is None:
            self.response.show_idle("Offline: the console needs a connection to SharpSpring.")

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW, "-narrow")

    @property
    def api_editor(self) -> ApiEditor:
        return self.query_one(ApiEditor)

    @property
    def raw_editor(self) -> RawEditor:
        return self.query_one(RawEditor)

    @property
    def response(self) -> ResponseView:
        return self.query_one(ResponseView)

    def focus_method(self) -> None:
        """Key 6: straight into the method field (the path field in raw mode)."""
        if self.mode is Mode.API:
            self.api_editor.method_input.focus()
        else:
            self.raw_editor.query_one("#path").focus()

    def request(self) -> ConsoleRequest:
        """The request the editor in use holds now."""
        return self.api_editor.request() if self.mode is Mode.API else self.raw_editor.request()

    def load(self, request: ConsoleRequest) -> None:
        """Put ``request`` into its mode's editor (history, saved requests, next page)."""
        self._set_mode(request.mode)
        if request.mode is Mode.API:
            self.api_editor.load(request)
        else:
            self.raw_editor.load(request)
        self.focus_method()

    # -- keys --------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "send":
            return True if self.target is not None else None
        if action == "toggle_view":
            return self.exchange is not None
        if action == "next_page":
            return self.next_request is not None and not self.sending
        return True

    def _set_mode(self, mode: Mode) -> None:
        if mode is self.mode:
            return
        self.mode = mode
        self.query_one("#console-request", ContentSwitcher).current = (
            "api-editor" if mode is Mode.API else "raw-editor")
        self.query_one("#mode-api", Button).variant = "primary" if mode is Mode.API else \
            "default"
        self.query_one("#mode-raw", Button).variant = "primary" if mode is Mode.RAW else \
            "default"

    def action_switch_mode(self) -> None:
        """API call ⇄ raw HTTP; the first switch to raw carries the call over as its body."""
        if self.mode is Mode.API:
            raw = self.raw_editor
            call = self.api_editor.request()
            if not raw.body_area.text.strip() and call.method:
                with contextlib.suppress(RequestProblem):
                    raw.body_area.load_text(call_body(call.method, parse_params(call.params)))
            self._set_mode(Mode.RAW)
        else:
            self._set_mode(Mode.API)
        self.focus_method()

    @on(Button.Pressed, "#mode-api")
    def _api_pressed(self) -> None:
        if self.mode is not Mode.API:
            self.action_switch_mode()

    @on(Button.Pressed, "#mode-raw")
    def _raw_pressed(self) -> None:
        if self.mode is not Mode.RAW:
            self.action_switch_mode()

    @on(Button.Pressed, "#send")
    def _send_pressed(self) -> None:
        self.action_send()

    def action_toggle_view(self) -> None:
        if self.exchange is not None:
            self.response.toggle()

    # -- sending -----------------------------------------------------------------------------

    def _prepared(self, request: ConsoleRequest) -> Prepared | None:
        """``request`` checked; a problem is shown where it is and None returned."""
        assert self.target is not None
        try:
            return prepare(request, self.target)
        except RequestProblem as problem:
            if request.mode is Mode.API:
                self.api_editor.show_problem(problem)
            else:
                self.raw_editor.show_problem(problem)
            self.app.bell()
            return None

    def action_send(self) -> None:
        """Check the request, ask first if it writes to a live account, then send it."""
        if self.target is None or self.session.client is None:
            self.notify("Offline: there is no connection to send through.", severity="warning")
            return
        if self.sending:
            self.notify("A request is on its way; its answer comes first.", severity="warning")
            return
        request = self.request()
        prepared = self._prepared(request)
        if prepared is None:
            return
        if request.mode is Mode.RAW:
            self.raw_editor.show_problem(None)
        method = prepared.rpc_method or ""
        if prepared.writes and self.read_only:
            self.notify(printable(f"Read-only: {method} writes, so the console does not send "
                                  "it."), title="Not sent", severity="warning", markup=False)
            return
        if prepared.writes and not self.target.sandbox:
            where = f"account {self.target.account_id} at {self.target.base.host}"

            def answered(yes: bool | None) -> None:
                if yes:
                    self._start(request, prepared)

            self.app.push_screen(ConfirmSend(method, where), answered)
            return
        self._start(request, prepared)

    def _start(self, request: ConsoleRequest, prepared: Prepared) -> None:
        client = self.session.client
        assert client is not None
        self.sending = True
        self.refresh_bindings()
        self.response.show_sending(request.title)

        async def go() -> None:
            self.post_message(self.Answered(await send(client, request, prepared)))

        self.run_worker(go(), group=CONSOLE_GROUP, exclusive=True, exit_on_error=False,
                        description=f"sending {printable(request.title)}")

    @on(Answered)
    def _answered(self, event: Answered) -> None:
        exchange = event.exchange
        self.sending = False
        self.exchange = exchange
        summary = self.response.show(exchange)
        self.next_request = next_page(exchange, summary)
        self.refresh_bindings()
        try:
            self.history.add(HistoryEntry.of(exchange))
        except OSError as exc:
            self.notify(printable(f"The request was not kept in the history: "
                                  f"{exc.strerror or exc}"), severity="warning", markup=False)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != CONSOLE_GROUP:
            return
        failed = failure(event)
        if failed is not None:
            self.sending = False
            self.refresh_bindings()
            self.response.show_idle(f"Not sent: {printable(failed.text)}")
            self.post_message(failed)

    def action_next_page(self) -> None:
        """Load the next page's params into the editor and send them."""
        if self.next_request is None:
            return
        self.load(self.next_request)
        self.action_send()

    # -- history, copy and save ----------------------------------------------------------------

    def action_history(self) -> None:
        def chosen(request: ConsoleRequest | None) -> None:
            if request is not None:
                self.load(request)

        self.app.push_screen(HistoryScreen(self.history, self.saved), chosen)

    def _curl_problem(self) -> str:
        if self.target is None:
            return "offline"
        try:
            prepare(self.request(), self.target)
        except RequestProblem as problem:
            return str(problem)
        return ""

    def action_export(self) -> None:
        self.app.push_screen(ExportMenu(has_response=self.exchange is not None
                                        and self.exchange.status is not None,
                                        curl_problem=self._curl_problem()), self._exported)

    def _exported(self, answer: str | None) -> None:
        if answer == "curl":
            self.copy_curl()
        elif answer == "copy" and self.exchange is not None:
            self.app.copy_to_clipboard(self.exchange.text)
            self.notify(f"Copied the response ({self.exchange.size:,} bytes)")
        elif answer == "file" and self.exchange is not None:
            self.app.push_screen(AskText("Save the response to", str(self._default_file()),
                                         "Enter saves (a file that exists is not replaced)"
                                         " · esc cancels"), self._save_asked)
        elif answer == "keep":
            self.app.push_screen(AskText("Keep this request as", self.request().title,
                                         "A name; the same name replaces · esc cancels"),
                                 self.keep_request)

    def copy_curl(self) -> str | None:
        """Copy the request as a curl command (the secret read from the environment)."""
        if self.target is None:
            return None
        prepared = self._prepared(self.request())
        if prepared is None:
            return None
        command = curl_command(prepared, self.target, secret=self.secret)
        self.app.copy_to_clipboard(command)
        self.notify("Copied as curl: it reads the secret key from $SHARPSPRING_SECRET_KEY")
        return command

    def _default_file(self) -> Path:
        exchange = self.exchange
        name = exchange.request.title if exchange is not None else "response"
        stem = "".join(c if c.isalnum() else "-" for c in name).strip("-") or "response"
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        suffix = ".json" if exchange is not None and exchange.is_json else ".txt"
        return Path.cwd() / f"ssui-{stem}-{stamp}{suffix}"

    def _save_asked(self, path_text: str | None) -> None:
        self.save_response(path_text)

    def save_response(self, path_text: str | None) -> Path | None:
        """Write the whole response (scrubbed of the secret) to a new file, private to you."""
        if not path_text or self.exchange is None:
            return None
        path = Path(path_text).expanduser()
        try:
            fd = private_file(path, os.O_WRONLY | os.O_EXCL)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(self.exchange.text)
        except OSError as exc:
            self.notify(printable(f"Not saved: {exc.strerror or exc}: {path}"),
                        severity="error", markup=False)
            return None
        self.notify(printable(f"Saved the response to {path}"), markup=False)
        return path

    def keep_request(self, name: str | None) -> None:
        if not name:
            return
        try:
            kept = self.saved.save(name, self.request())
        except (OSError, ValueError) as exc:
            self.notify(printable(f"Not kept: {exc}"), severity="error", markup=False)
            return
        self.notify(printable(f"Kept as {kept.name}: F4 finds it"), markup=False)
