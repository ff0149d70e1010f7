"""The console's request editors: an API call (method and params) and a raw HTTP request.

The method field completes from the catalogue (Tab or → accepts, and Tab moves on to the
params); a method it knows fills the params with its template while the params hold nothing
the user typed. The params editor highlights JSON (where tree-sitter is installed), matches
brackets, completes param and field names inside quotes (→ accepts), and says at once where
the JSON is broken, by line and column.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from importlib.util import find_spec

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widgets import Input, Select, Static, TextArea

from ssui.console import (
    HTTP_METHODS,
    ConsoleRequest,
    Mode,
    RequestProblem,
    complete,
    lookup,
    params_template,
    parse_params,
)
from ssui.console.catalogue import vocabulary, word_completion
from ssui.console.request import params_text
from ssui.entities import Entity
from ssui.tui.data_text import data_text
from ssui.tui.widgets.css import tcss_next_to


def json_language() -> str | None:
    """"json" when the editor can highlight it (tree-sitter and its JSON grammar installed)."""
    return "json" if find_spec("tree_sitter") and find_spec("tree_sitter_json") else None


class MethodInput(Input):
    """The method field: completes from the catalogue; Tab accepts the completion, then moves."""

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "tab" and self._suggestion and self._suggestion != self.value:
            self.value = self._suggestion
            self.cursor_position = len(self.value)
        await super()._on_key(event)


class JsonArea(TextArea):
    """A JSON editor that completes the words given in ``words`` inside quotes (→ accepts)."""

    def __init__(self, text: str = "", *, id: str | None = None,
                 placeholder: str = "") -> None:
        super().__init__(text, language=json_language(), id=id, soft_wrap=False,
                         show_line_numbers=False, tab_behavior="focus", placeholder=placeholder)
        self.words: tuple[str, ...] = ()

    def update_suggestion(self) -> None:
        self.suggestion = self.completion()

    def completion(self) -> str:
        """What → would add at the cursor: the rest of a known word begun inside quotes."""
        if not self.words or not self.selection.is_empty:
            return ""
        row, column = self.cursor_location
        try:
            line = self.document.get_line(row)
        except IndexError:
            return ""
        return word_completion(line[:column], line[column:], self.words)

    def on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        # A cursor moved away from the word must not carry its completion along.
        self.update_suggestion()


class ApiEditor(Vertical):
    """An API call: the method (with completion and a one-line description) and its params."""

    DEFAULT_CSS = tcss_next_to(__file__)

    def __init__(self, *, entities: Mapping[str, Entity] | None = None,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.entities = entities
        # The params text last put in by a template: replaced freely, as nobody typed it.
        self._template = ""
        self._skip_template_for: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="console-row"):
            yield Static("Method", classes="console-label")
            yield MethodInput(placeholder="getLeads, createAccounts, … (Tab completes)",
                              suggester=SuggestFromList(complete(""), case_sensitive=False),
                              id="method", compact=True)
        yield Static(id="method-hint", classes="console-hint", markup=False)
        with Horizontal(classes="console-row -tall"):
            yield Static("Params", classes="console-label")
            yield JsonArea("{}", id="params", placeholder="{}  (a JSON object)")
        yield Static(id="params-check", classes="console-check", markup=False)

    @property
    def method_input(self) -> MethodInput:
        return self.query_one("#method", MethodInput)

    @property
    def params_area(self) -> JsonArea:
        return self.query_one("#params", JsonArea)

    def on_mount(self) -> None:
        self._describe("")
        self._check()

    def request(self) -> ConsoleRequest:
        """What the editor holds now."""
        return ConsoleRequest(Mode.API, self.method_input.value.strip(), self.params_area.text)

    def load(self, request: ConsoleRequest) -> None:
        """Show ``request`` (from history or a saved request) exactly as it was typed."""
        method = request.method.strip()
        self._skip_template_for = method
        self.method_input.value = method
        self.params_area.load_text(request.params)
        self._template = ""
        self.params_area.words = vocabulary(method, self.entities)
        self._describe(method)
        self._check()

    @on(Input.Changed, "#method")
    def _method_changed(self, event: Input.Changed) -> None:
        method = event.value.strip()
        self._describe(method)
        self.params_area.words = vocabulary(method, self.entities)
        if self._skip_template_for is not None:
            skip, self._skip_template_for = self._skip_template_for, None
            if skip == method:
                return
        info = lookup(method)
        text = self.params_area.text
        untouched = text.strip() in ("", "{}") or text == self._template
        if info is not None and untouched:
            template = params_text(params_template(info.name, now=datetime.now(UTC),
                                                   entities=self.entities))
            if template != text:
                self.params_area.load_text(template)
            self._template = template
            self._check()

    def _describe(self, method: str) -> None:
        hint = self.query_one("#method-hint", Static)
        info = lookup(method)
        if info is not None:
            hint.update(data_text(info.describe()))
        elif not method:
            hint.update(Content("Any SharpSpring method; Tab or → completes a known one.")
                        .stylize("dim"))
        else:
            near = complete(method, 4)
            more = f"; known: {', '.join(near)}" if near else ""
            hint.update(data_text(f"not in the catalogue: sent as typed{more}"))

    @on(TextArea.Changed, "#params")
    def _params_changed(self) -> None:
        self._check()

    def _check(self) -> RequestProblem | None:
        """Check the params now; the line under the editor says what is wrong, or that all is."""
        line = self.query_one("#params-check", Static)
        try:
            params = parse_params(self.params_area.text)
        except RequestProblem as problem:
            line.update(Content.assemble(("✖ ", "$text-error"), (str(problem), "$text-error")))
            line.set_class(True, "-error")
            return problem
        keys = len(params)
        line.update(Content.assemble(("✓ ", "$text-success"),
                                     (f"JSON object, {keys} key{'s' if keys != 1 else ''}",
                                      "dim")))
        line.set_class(False, "-error")
        return None

    def show_problem(self, problem: RequestProblem) -> None:
        """Point at what stops the request: the message, and the cursor where it is."""
        if problem.where == "method":
            self.method_input.focus()
            self.query_one("#method-hint", Static).update(
                Content.assemble(("✖ ", "$text-error"), (str(problem), "$text-error")))
            return
        self._check()
        area = self.params_area
        area.focus()
        if problem.line is not None and problem.column is not None:
            area.move_cursor((problem.line - 1, max(0, problem.column - 1)))


class RawEditor(Vertical):
    """A raw HTTP request: method, path (relative to the base URL), query, headers, body."""

    DEFAULT_CSS = tcss_next_to(__file__)

    def __init__(self, base_url: str, default_path: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.base_url = base_url
        self.default_path = default_path

    def compose(self) -> ComposeResult:
        with Horizontal(classes="console-row"):
            yield Select([(m, m) for m in HTTP_METHODS], value="POST", allow_blank=False,
                         id="http-method", compact=True)
            yield Input(self.default_path, placeholder="path, e.g. v1.2/", id="path",
                        compact=True)
        yield Static(data_text(f"relative to {self.base_url}"), classes="console-hint")
        with Horizontal(classes="console-row"):
            yield Static("Query", classes="console-label")
            yield Input(placeholder="a=1&b=2 (accountID and secretKey are added unless set)",
                        id="query", compact=True)
        with Horizontal(classes="console-row -short"):
            yield Static("Headers", classes="console-label")
            yield TextArea("", id="headers", soft_wrap=False, tab_behavior="focus",
                           placeholder="Name: value, one a line")
        with Horizontal(classes="console-row -tall"):
            yield Static("Body", classes="console-label")
            yield JsonArea("", id="body", placeholder='{"method": …, "params": {…}, "id": …}')
        yield Static(id="raw-check", classes="console-check", markup=False)

    def request(self) -> ConsoleRequest:
        method = self.query_one("#http-method", Select).value
        return ConsoleRequest(
            Mode.RAW, http_method=str(method) if isinstance(method, str) else "POST",
            path=self.query_one("#path", Input).value,
            query=self.query_one("#query", Input).value,
            headers=self.query_one("#headers", TextArea).text,
            body=self.query_one("#body", JsonArea).text)

    def load(self, request: ConsoleRequest) -> None:
        method = request.http_method.strip().upper()
        select = self.query_one("#http-method", Select)
        select.value = method if method in HTTP_METHODS else "POST"
        self.query_one("#path", Input).value = request.path
        self.query_one("#query", Input).value = request.query
        self.query_one("#headers", TextArea).load_text(request.headers)
        self.query_one("#body", JsonArea).load_text(request.body)
        self.show_problem(None)

    @property
    def body_area(self) -> JsonArea:
        return self.query_one("#body", JsonArea)

    def show_problem(self, problem: RequestProblem | None) -> None:
        line = self.query_one("#raw-check", Static)
        if problem is None:
            line.update("")
            return
        line.update(Content.assemble(("✖ ", "$text-error"), (str(problem), "$text-error")))
        target = {"path": "#path", "query": "#query", "headers": "#headers",
                  "HTTP method": "#http-method"}.get(problem.where)
        if target is not None:
            widget = self.query_one(target)
            widget.focus()
            if isinstance(widget, TextArea) and problem.line is not None:
                widget.move_cursor((problem.line - 1, max(0, (problem.column or 1) - 1)))
