"""Every key binding in the app by id: defaults, the config's remaps, and remaps that collide.

Ids are read off the classes themselves (every screen, widget and app class under
``ssui.tui``), so a new one needs no registration here. Two bindings collide when both would
answer the same key at the same time: along one focus path (the focused widget, the widgets
it sits in, its screen, the app), which is the chain Textual's key dispatch walks.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import combinations

from textual.app import App
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.keys import _normalize_key_list
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, TextArea

import ssui.tui
from ssui.config import config_paths
from ssui.tui.console.editor import ApiEditor, JsonArea, MethodInput, RawEditor
from ssui.tui.console.panel import ConsolePanel
from ssui.tui.console.response_view import JsonTree, ResponseView
from ssui.tui.form.dialogs import ClashRow, ConflictScreen
from ssui.tui.form.inputs import ReferenceInput
from ssui.tui.form.links import LeadLinks, LinkList
from ssui.tui.form.screen import RecordForm
from ssui.tui.screens.activity_filter import ActivityFilterScreen
from ssui.tui.screens.bulk import BulkEditScreen
from ssui.tui.screens.columns import ColumnList, ColumnsScreen
from ssui.tui.screens.filter import FilterScreen
from ssui.tui.screens.main import MainScreen
from ssui.tui.screens.watch_settings import WatchSettingsScreen
from ssui.tui.widgets.activity_feed import ActivityFeed
from ssui.tui.widgets.entity_browser import EntityBrowser
from ssui.tui.widgets.record_detail import RecordDetail, RelatedList
from ssui.tui.widgets.record_picker import RecordPicker
from ssui.tui.widgets.record_table import RecordTable
from ssui.tui.widgets.search_box import SearchBox

# Default keys of ours that a text field keeps for editing: backspace deletes there, delete
# and ctrl+d delete forward and ctrl+a goes to the start in the search box; in the list they
# go back, delete the record and mark all.
_OUTSIDE_TEXT = frozenset({"ssui.go.back", "ssui.record.delete", "ssui.mark.all"})

# The remap `ssui keys` and the README show: one that collides with nothing (a test checks).
EXAMPLE: dict[str, str] = {"ssui.search": "slash,ctrl+s"}

# Where each widget with bindings is mounted; screens sit on the app. Only these nest, so a
# widget's bindings are active together with its containers', its screen's and the app's.
INSIDE: dict[type[DOMNode], tuple[type[DOMNode], ...]] = {
    RecordTable: (EntityBrowser, ActivityFeed),
    RecordDetail: (EntityBrowser,),
    SearchBox: (EntityBrowser, ActivityFeed),
    RelatedList: (RecordDetail,),
    EntityBrowser: (MainScreen,),
    ActivityFeed: (MainScreen,),
    RecordPicker: (FilterScreen, ActivityFilterScreen, WatchSettingsScreen),
    ReferenceInput: (RecordForm, LeadLinks, BulkEditScreen),
    LeadLinks: (RecordForm,),
    LinkList: (LeadLinks,),
    ClashRow: (ConflictScreen,),
    ColumnList: (ColumnsScreen,),
    ConsolePanel: (MainScreen,),
    ApiEditor: (ConsolePanel,),
    RawEditor: (ConsolePanel,),
    ResponseView: (ConsolePanel,),
    MethodInput: (ApiEditor,),
    JsonArea: (ApiEditor, RawEditor),
    JsonTree: (ResponseView,),
}


@cache
def app_classes() -> tuple[type[DOMNode], ...]:
    """Every DOM class (app, screen, widget) defined under ``ssui.tui``, each module imported."""
    for module in pkgutil.walk_packages(ssui.tui.__path__, f"{ssui.tui.__name__}."):
        importlib.import_module(module.name)
    ours = {c for c in _subclasses(DOMNode) if c.__module__.startswith("ssui.tui.")}
    return tuple(sorted(ours, key=lambda c: (c.__module__, c.__qualname__)))


def _subclasses(cls: type[DOMNode]) -> Iterator[type[DOMNode]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def binding_ids() -> dict[str, str]:
    """Every binding id in the app and its default keys (what a keymap in config may set)."""
    out: dict[str, str] = {}
    for cls in app_classes():
        for b in cls.__dict__.get("BINDINGS", ()):
            if isinstance(b, Binding) and b.id:
                out.setdefault(b.id, b.key)
    return out


# -- collisions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Bound:
    """One binding on one key of one node of a focus path."""

    key: str
    binding: Binding
    owner: type[DOMNode]
    moved: bool  # the keymap put it on this key

    @property
    def name(self) -> str:
        b = self.binding
        return b.id if b.id else f"Textual's {b.action} ({self.owner.__name__})"

    @property
    def target(self) -> tuple[str, str]:
        """What the binding runs: two bindings of one app action do the same thing."""
        action = self.binding.action
        if action.startswith("app."):
            return "app", action.removeprefix("app.")
        return ("app" if issubclass(self.owner, App) else self.owner.__qualname__), action


def _class_bindings(cls: type[DOMNode]) -> BindingsMap:
    """The bindings an instance of ``cls`` starts with, inherited ones merged as Textual does."""
    bindings = cls._merge_bindings()
    if issubclass(cls, App) and cls.ENABLE_COMMAND_PALETTE and not any(
            b.action in ("command_palette", "app.command_palette") for _, b in bindings):
        # App.__init__ adds its palette key only when no binding opens the palette already.
        bindings.bind(cls.COMMAND_PALETTE_BINDING, "command_palette", priority=True)
    return bindings


def focus_paths() -> list[tuple[type[DOMNode], ...]]:
    """Each chain of classes whose bindings are active together, innermost first."""
    classes = app_classes()
    apps = tuple(c for c in classes if issubclass(c, App))
    screens = [c for c in classes if issubclass(c, Screen)]
    paths: list[tuple[type[DOMNode], ...]] = []
    for cls in classes:
        if issubclass(cls, App) or not (cls in INSIDE or issubclass(cls, Screen)
                                        or _class_bindings(cls).key_to_bindings):
            continue
        for chain in _chains(cls):
            if issubclass(chain[-1], Screen):
                paths.append((*chain, *apps))
            else:  # a widget not placed above could be on any screen
                paths.extend((*chain, screen, *apps) for screen in screens)
    return paths


def _chains(cls: type[DOMNode]) -> list[tuple[type[DOMNode], ...]]:
    """Every chain from ``cls`` out through the containers it may sit in."""
    outer = INSIDE.get(cls)
    if not outer:
        return [(cls,)]
    return [(cls, *chain) for parent in outer for chain in _chains(parent)]


def _answering(path: tuple[type[DOMNode], ...], keymap: Mapping[str, str]) -> list[_Bound]:
    """Every binding along ``path`` that answers a key, in the order Textual tries them.

    Priority bindings go first, from the app down, and reach past a modal screen; the others
    follow from the focused widget up, and stop at a modal screen (``App._check_bindings``).
    Within one node a moved binding goes first: Textual drops what it displaces.
    """
    ordered: list[tuple[tuple[int, int, bool], _Bound]] = []
    past_modal = False
    for depth, cls in enumerate(path):
        moved_ids: set[str] = set()
        for key, binding in _class_bindings(cls):
            keys = [key]
            moved = bool(binding.id and keymap.get(binding.id))
            if binding.id and moved:
                if binding.id in moved_ids:
                    continue  # one binding on several default keys moves once
                moved_ids.add(binding.id)
                keys = keymap[binding.id].split(",")
            if past_modal and not binding.priority:
                continue
            rank = (0, -depth, not moved) if binding.priority else (1, depth, not moved)
            ordered.extend((rank, _Bound(k, binding, cls, moved)) for k in keys)
        past_modal = past_modal or issubclass(cls, ModalScreen)
    return [bound for _, bound in sorted(ordered, key=lambda item: item[0])]


def keymap_warnings(overrides: Mapping[str, str]) -> list[str]:
    """One line per pair of bindings that would answer the same key once ``overrides`` apply.

    ``overrides`` maps binding ids to keys ("key1,key2"), as config.toml's ``[keymap]``.
    Pairs of Textual's own bindings are left out (they are Textual's to settle), and so are
    two bindings that run the same action.
    """
    keymap = {i: _normalize_key_list(keys) for i, keys in overrides.items() if keys.strip()}
    lines: dict[str, None] = {}
    for path in focus_paths():
        by_key: dict[str, list[_Bound]] = {}
        for bound in _answering(path, keymap):
            by_key.setdefault(bound.key, []).append(bound)
        for key, bounds in by_key.items():
            for first, second in combinations(bounds, 2):
                if first.binding.id and first.binding.id == second.binding.id:
                    continue  # one command's forms (e.g. a write and its read-only refusal)
                if (not first.binding.id and issubclass(first.owner, Input | TextArea)
                        and not second.moved and second.binding.id in _OUTSIDE_TEXT):
                    continue  # typing wins in a text field, as meant: the key works elsewhere
                if (first.binding.id or second.binding.id) and first.target != second.target:
                    lines[f"{key} is bound to both {first.name} and {second.name} at once;"
                          f" {first.name} wins"] = None
    return sorted(lines)


def describe_keys(overrides: Mapping[str, str]) -> list[str]:
    """What `ssui keys` prints: each id with its keys now, then collisions and how to remap."""
    ids = binding_ids()
    width = max(map(len, ids)) + 2
    lines: list[str] = []
    for binding_id, default in sorted(ids.items()):
        now = overrides.get(binding_id)
        lines.append(f"{binding_id:<{width}}{now or default}"
                     + (f"  (default {default})" if now else ""))
    warnings = keymap_warnings(overrides)
    if warnings:
        lines += ["", *(f"warning: {w}" for w in warnings)]
    example = ", ".join(f'"{i}" = "{keys}"' for i, keys in EXAMPLE.items())
    lines += ["", f"remap in {config_paths().config_file} under [keymap], e.g. {example}"]
    return lines
