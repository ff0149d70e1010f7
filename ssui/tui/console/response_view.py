"""The console's response: a summary line, then the JSON as a tree or as highlighted text.

The summary says the status, the time, the size and the calls used today; then the result's
keys with their counts and ``hasMore``; an API error with its code, message and what the
reference says the code means; the objects of a bulk write that failed, and why.

Big answers stay cheap: the tree adds a node's children only when it is opened, and at most
``CHUNK`` at a time (a "… more" node brings the next ones); the text view is made only when it
is first shown, and holds at most ``TEXT_LINES`` lines (saving or copying gives everything).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import orjson
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import ContentSwitcher, Static, TextArea, Tree
from textual.widgets.tree import TreeNode

from ssui.console import Exchange, Summary, lookup, summarize
from ssui.entities import REGISTRY, Entity
from ssui.text import json_safe, printable
from ssui.tui.console.editor import json_language
from ssui.tui.widgets.css import tcss_next_to

CHUNK = 200  # children a tree node adds at a time
TEXT_LINES = 5_000  # lines the text view holds at most
_VALUE_CHARS = 120  # characters of a value shown in a tree label
_NAME_KEYS = ("accountName", "campaignName", "opportunityName", "dealStageName", "displayName",
              "emailName", "name", "label", "title", "systemName")


@dataclass
class JsonNode:
    """What one tree node stands for: a value, and how many of its children are shown."""

    value: Any
    key: str | int | None = None
    shown: int = 0
    more_of: TreeNode[JsonNode] | None = None  # set on a "… more" node: whose children


def _size(value: Any) -> int:
    return len(value) if isinstance(value, list | Mapping) else 0


def _scalar(value: Any) -> Text:
    if isinstance(value, str):
        shown = value if len(value) <= _VALUE_CHARS else value[: _VALUE_CHARS - 1] + "…"
        return Text(printable(orjson.dumps(shown).decode()), style="green")
    if value is None or isinstance(value, bool):
        return Text(orjson.dumps(value).decode(), style="italic magenta")
    return Text(str(value), style="cyan")


def _record_hint(value: Mapping[str, Any], entity: Entity | None) -> str:
    """A record's short name: "#12 · Jane Doe · jane@example.com"."""
    parts: list[str] = []
    if value.get("id") not in (None, ""):
        parts.append(f"#{value['id']}")
    name = ""
    if entity is not None and entity.name_fields:
        name = " ".join(str(value[n]) for n in entity.name_fields if value.get(n) not in
                        (None, ""))
    if not name:
        first_last = " ".join(str(value[n]) for n in ("firstName", "lastName")
                              if value.get(n) not in (None, ""))
        name = first_last or next((str(value[k]) for k in _NAME_KEYS
                                   if value.get(k) not in (None, "")), "")
    if name:
        parts.append(name)
    if value.get("emailAddress") not in (None, ""):
        parts.append(str(value["emailAddress"]))
    return " · ".join(parts)


def _failed(value: Mapping[str, Any]) -> bool:
    success = value.get("success")
    return "success" in value and (success in (False, 0, "0", "false") or bool(
        value.get("error")))


def node_label(key: str | int | None, value: Any, entity: Entity | None = None) -> Text:
    """One tree line: the key, then the value (a scalar) or what it holds (never markup)."""
    label = Text()
    if isinstance(key, int):
        label.append(f"[{key}]", style="dim")
    elif key is not None:
        label.append(printable(key), style="bold")
    if key is not None:
        label.append(": " if not isinstance(value, list | Mapping) else " ")
    if isinstance(value, Mapping):
        if _failed(value):
            error = value.get("error")
            code = error.get("code") if isinstance(error, Mapping) else None
            message = error.get("message") if isinstance(error, Mapping) else error
            label.append("✖ failed", style="bold red")
            label.append(printable(f" · error {code}: {message}"[:_VALUE_CHARS]), style="red")
            return label
        hint = _record_hint(value, entity)
        label.append(f"{{{len(value)}}}", style="dim")
        if hint:
            label.append(" " + printable(hint[:_VALUE_CHARS]))
    elif isinstance(value, list):
        label.append(f"[{len(value):,}]", style="dim")
    else:
        label.append_text(_scalar(value))
    return label


class JsonTree(Tree[JsonNode]):
    """The answer's JSON as a tree whose children are made when a node is opened."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "open_record", "Open record", id="ssui.console.open",
                tooltip="Open the record at the cursor in its tab (backspace comes back)"),
    ]

    class OpenRecord(Message):
        """The user asked to open a record the answer names (the screen opens its tab)."""

        def __init__(self, entity_key: str, record_id: int) -> None:
            super().__init__()
            self.entity_key = entity_key
            self.record_id = record_id

    def record_at_cursor(self) -> tuple[str, int] | None:
        """The (entity, id) of the record under the cursor, if it is one of a known entity."""
        node = self.cursor_node
        if self.entity is None or node is None or node.data is None:
            return None
        value = node.data.value
        if not isinstance(value, Mapping) or not isinstance(node.data.key, int):
            return None
        rid = value.get("id")
        text = str(rid) if isinstance(rid, int | str) and not isinstance(rid, bool) else ""
        return (self.entity.key, int(text)) if text.isdigit() else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_record":
            return self.record_at_cursor() is not None
        return True

    def action_open_record(self) -> None:
        found = self.record_at_cursor()
        if found is not None:
            self.post_message(self.OpenRecord(*found))

    @on(Tree.NodeHighlighted)
    def _moved(self) -> None:
        self.refresh_bindings()  # "Open record" shows on records only

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("response", id=id)
        self.show_root = False
        self.guide_depth = 3
        self.entity: Entity | None = None

    def show_json(self, data: Any, entity: Entity | None, open_keys: tuple[str, ...]) -> None:
        """Show ``data``, with the path ``open_keys`` (e.g. result → lead) already open."""
        self.entity = entity
        self.clear()
        root = self.root
        root.data = JsonNode(data)
        self._fill(root)
        root.expand()
        node = root
        for key in open_keys:
            child = next((c for c in node.children if c.data is not None
                          and c.data.key == key), None)
            if child is None or not child.allow_expand:
                break
            self._fill(child)
            child.expand()
            node = child

    def _fill(self, node: TreeNode[JsonNode], more: TreeNode[JsonNode] | None = None) -> None:
        """Add the next CHUNK children of ``node`` (replacing its "… more" node)."""
        data = node.data
        if data is None:
            return
        if more is not None:
            more.remove()
        value = data.value
        items: list[tuple[str | int, Any]]
        if isinstance(value, Mapping):
            keys = list(value)[data.shown:data.shown + CHUNK]
            items = [(str(k), value[k]) for k in keys]
        elif isinstance(value, list):
            items = list(enumerate(value[data.shown:data.shown + CHUNK], start=data.shown))
        else:
            return
        for key, child in items:
            label = node_label(key, child, self.entity)
            if _size(child):
                node.add(label, JsonNode(child, key))
            else:
                node.add_leaf(label, JsonNode(child, key))
        data.shown += len(items)
        left = _size(value) - data.shown
        if left > 0:
            node.add_leaf(Text(f"… {left:,} more (Enter shows {min(left, CHUNK):,})",
                               style="dim italic"), JsonNode(None, more_of=node))

    @on(Tree.NodeExpanded)
    def _opened(self, event: Tree.NodeExpanded[JsonNode]) -> None:
        node = event.node
        if node.data is not None and node.data.shown == 0 and not node.children:
            self._fill(node)

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[JsonNode]) -> None:
        data = event.node.data
        if data is not None and data.more_of is not None:
            self._fill(data.more_of, more=event.node)


class ResponseView(Vertical):
    """The last answer: its summary, and its body as a tree or as text."""

    DEFAULT_CSS = tcss_next_to(__file__)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.exchange: Exchange | None = None
        self.summary: Summary | None = None
        self._text_for: Exchange | None = None  # whose text the text view holds

    def compose(self) -> ComposeResult:
        yield Static(id="response-status", markup=False)
        yield Static(id="response-keys", markup=False)
        with ContentSwitcher(initial="response-tree", id="response-body"):
            yield JsonTree(id="response-tree")
            yield TextArea("", id="response-text", read_only=True, language=json_language(),
                           soft_wrap=False, show_cursor=True)

    def on_mount(self) -> None:
        self.show_idle("No response yet: F5 or ctrl+j sends the request.")

    @property
    def json_tree(self) -> JsonTree:
        return self.query_one(JsonTree)

    @property
    def text_area(self) -> TextArea:
        return self.query_one("#response-text", TextArea)

    @property
    def showing_text(self) -> bool:
        return self.query_one(ContentSwitcher).current == "response-text"

    def show_idle(self, message: str) -> None:
        self.query_one("#response-status", Static).update(Content(message).stylize("dim"))
        self.query_one("#response-keys", Static).update("")

    def show_sending(self, title: str) -> None:
        self.query_one("#response-status", Static).update(
            Content.assemble(("⋯ ", "$text-accent"), (f"sending {printable(title)}…", "dim")))

    def show(self, exchange: Exchange) -> Summary:
        """Show one answer: the summary at once, the body as the view in use shows it."""
        self.exchange = exchange
        self.summary = summary = summarize(exchange)
        self.query_one("#response-status", Static).update(status_line(exchange, summary))
        self.query_one("#response-keys", Static).update(keys_line(exchange, summary))
        prepared = exchange.prepared
        info = lookup(prepared.rpc_method) if prepared and prepared.rpc_method else None
        entity = REGISTRY.get(info.entity) if info is not None and info.entity else None
        data = exchange.data if exchange.is_json else None
        open_keys: tuple[str, ...] = ()
        if exchange.envelope is not None:
            open_keys = ("result",)
            result = exchange.envelope.get("result")
            if info is not None and info.result_key and isinstance(result, Mapping) and \
                    info.result_key in result:
                open_keys = ("result", info.result_key)
            elif summary.failures and isinstance(result, Mapping):
                open_keys = ("result", summary.failures[0].key)
            elif exchange.envelope.get("error"):
                open_keys = ("error",)
        if data is None and exchange.status is not None:
            data = {"body (not JSON)": printable(exchange.text[:2000], one_line=False)}
        self.json_tree.show_json(data if data is not None else {}, entity, open_keys)
        self._text_for = None
        if self.showing_text:
            self._fill_text()
        return summary

    def toggle(self) -> None:
        """Switch between the tree and the highlighted text."""
        switcher = self.query_one(ContentSwitcher)
        if self.showing_text:
            switcher.current = "response-tree"
            self.json_tree.focus()
        else:
            switcher.current = "response-text"
            self._fill_text()
            self.text_area.focus()

    def _fill_text(self) -> None:
        exchange = self.exchange
        if exchange is None or self._text_for is exchange:
            return
        self._text_for = exchange
        self._render_text(exchange)

    @work(exclusive=True, group="console-text", thread=True, exit_on_error=False,
          description="showing the response as text")
    def _render_text(self, exchange: Exchange) -> None:
        text, note = response_text(exchange)
        self.app.call_from_thread(self._text_ready, exchange, text, note)

    def _text_ready(self, exchange: Exchange, text: str, note: str) -> None:
        if exchange is not self.exchange:
            return
        self.text_area.load_text(text)
        if note:
            self.query_one("#response-keys", Static).update(
                Content.assemble(keys_line(exchange, self.summary or summarize(exchange)),
                                 (f" · {note}", "$text-warning")))


def response_text(exchange: Exchange) -> tuple[str, str]:
    """The body as the text view shows it (indented JSON, or the text), and a note if cut."""
    if exchange.is_json:
        text = json_safe(orjson.dumps(exchange.data, option=orjson.OPT_INDENT_2).decode())
    else:
        text = printable(exchange.text, one_line=False)
    cut = _cut(text, TEXT_LINES)
    if cut is None:
        return text, ""
    lines = text.count("\n") + 1
    return cut, f"text shows the first {TEXT_LINES:,} of {lines:,} lines (F9 saves it all)"


def _cut(text: str, lines: int) -> str | None:
    """The first ``lines`` lines of ``text``, or None when it has no more than that."""
    at = -1
    for _ in range(lines):
        at = text.find("\n", at + 1)
        if at < 0:
            return None
    return text[:at]


def _size_text(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def status_line(exchange: Exchange, summary: Summary) -> Content:
    """``HTTP 200 OK · 34 ms · 12.3 KB · 1,236 / 50,000 calls today``."""
    calls = f"{exchange.calls_today:,} / {exchange.daily_quota:,} calls today"
    took = f"{exchange.seconds * 1000:,.0f} ms"
    if exchange.status is None:
        return Content.assemble(("✖ no answer", "bold $text-error"),
                                (f" · {took} · {calls}", "dim"))
    good = 200 <= exchange.status < 300
    colour = "bold $text-success" if good and summary.ok else (
        "bold $text-warning" if good else "bold $text-error")
    return Content.assemble((f"HTTP {exchange.status} {printable(exchange.reason)}".rstrip(),
                             colour),
                            (f" · {took} · {_size_text(exchange.size)} · {calls}", "dim"))


def keys_line(exchange: Exchange, summary: Summary) -> Content:
    """The result at a glance, or the error and what it means, or which objects failed."""
    if exchange.status is None:
        return Content.assemble(("✖ ", "$text-error"), printable(exchange.problem))
    if summary.error is not None:
        error = summary.error
        head = f"error {error.code}" if error.code is not None else "error"
        parts: list[str | tuple[str, str] | Content] = [
            ("✖ ", "$text-error"), (head, "bold $text-error"),
            f": {printable(error.message)}" if error.message else ""]
        if error.meaning:
            parts.append((f" · means: {error.meaning}", "$text-warning"))
        return Content.assemble(*parts)
    if exchange.envelope is None:
        kind = printable(exchange.content_type) or "no content type"
        return Content(f"not a SharpSpring envelope ({kind})").stylize("dim")
    parts = []
    for key, what in summary.result_keys:
        parts += [(printable(key), "bold"), f" {printable(what)}", ("  ", "")]
    if not summary.result_keys:
        parts.append(("result: null", "dim"))
    more = "—" if summary.has_more is None else str(summary.has_more).lower()
    parts.append((f"hasMore: {more}", "dim"))
    if summary.failures:
        first = summary.failures[0]
        why = first.error.line()
        parts.append((f"  ✖ {len(summary.failures)} of {summary.writes} failed: "
                      f"{first.key}[{first.index}] {printable(why)}", "$text-error"))
    return Content.assemble(*parts)
