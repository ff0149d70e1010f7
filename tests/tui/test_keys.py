"""One key registry: every binding id read off the app's classes, and remaps that collide."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.binding import Binding

from ssui.config import load_keymap
from ssui.config.paths import CONFIG_DIR_ENV
from ssui.tui import app
from ssui.tui.app import SsuiApp
from ssui.tui.keys import (
    EXAMPLE,
    INSIDE,
    app_classes,
    binding_ids,
    describe_keys,
    focus_paths,
    keymap_warnings,
)
from ssui.tui.screens.connect import ConnectScreen
from ssui.tui.widgets.entity_browser import EntityBrowser
from ssui.tui.widgets.record_table import RecordTable

from .helpers import settle

README = Path(__file__).parents[2] / "README.md"
AppMaker = Callable[..., SsuiApp]


def readme_keymap() -> dict[str, str]:
    """The ``[keymap]`` example in the README's Keys section."""
    keys_section = README.read_text().split("## Keys", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```toml\n(.*?)```", keys_section, re.S)
    assert block is not None
    table: dict[str, str] = tomllib.loads(block.group(1))["keymap"]
    return table


def test_the_ids_come_from_every_class_with_bindings_including_the_connect_screen() -> None:
    ids = binding_ids()
    assert ids["ssui.connect.quit"] == "escape"
    assert ids["ssui.search"] == "slash" and ids["ssui.quit"] == "q"
    assert app.binding_ids is binding_ids  # the CLI reads it off the app module
    assert {ConnectScreen, SsuiApp, RecordTable} <= set(app_classes())


def test_every_binding_of_ours_has_an_id_in_the_ssui_namespace() -> None:
    for cls in app_classes():
        for b in cls.__dict__.get("BINDINGS", ()):
            assert isinstance(b, Binding) and b.id and b.id.startswith("ssui."), (cls, b)
    assert all(binding_id.startswith("ssui.") for binding_id in binding_ids())


def test_a_keymap_may_remap_the_connect_screen(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.setenv(CONFIG_DIR_ENV, str(tmp_path))
    (tmp_path / "config.toml").write_text('[keymap]\n"ssui.connect.quit" = "ctrl+q"\n')
    assert load_keymap(binding_ids()) == {"ssui.connect.quit": "ctrl+q"}
    # Textual's own ctrl+q quits as well: the same action is no collision.
    assert keymap_warnings({"ssui.connect.quit": "ctrl+q"}) == []


def test_every_widget_with_bindings_is_placed_on_a_screen() -> None:
    for path in focus_paths():
        assert any(issubclass(c, SsuiApp) for c in path), path
    placed = {cls for path in focus_paths() for cls in path}
    assert {RecordTable, EntityBrowser, ConnectScreen} <= placed
    assert set(INSIDE) <= set(app_classes())
    # Placed explicitly, not by the any-screen fallback: one path per container it sits in
    # (an entity list and the Activity feed).
    assert sum(path[0] is RecordTable for path in focus_paths()) == 2


def test_the_default_keymap_has_no_collision() -> None:
    assert keymap_warnings({}) == []


def test_the_readme_and_the_hint_show_remaps_that_do_not_collide() -> None:
    example = readme_keymap()
    assert set(example) <= set(binding_ids())
    assert keymap_warnings(example) == []
    assert keymap_warnings(EXAMPLE) == []
    hint = describe_keys({})[-1]
    assert all(f'"{i}" = "{keys}"' in hint for i, keys in EXAMPLE.items())


def test_a_key_the_table_already_uses_collides_with_the_browser_around_it() -> None:
    # RecordTable binds ctrl+f to page down itself (Textual's ScrollView binds only pagedown).
    [line] = keymap_warnings({"ssui.search": "slash,ctrl+f"})
    assert "ctrl+f" in line and "ssui.search" in line and "ssui.table.page_down" in line
    assert line.endswith("ssui.table.page_down wins")


def test_a_key_another_binding_of_the_same_widget_uses_collides() -> None:
    [line] = keymap_warnings({"ssui.sort": "f"})
    assert "ssui.sort" in line and "ssui.filter" in line


def test_swapping_two_keys_is_no_collision() -> None:
    assert keymap_warnings({"ssui.sort": "f", "ssui.filter": "s"}) == []


def test_textual_own_bindings_count_too() -> None:
    [line] = keymap_warnings({"ssui.table.select": "ctrl+pageup"})
    assert "ssui.table.select" in line and "page_left" in line  # ScrollableContainer's
    [line] = keymap_warnings({"ssui.detail": "ctrl+q"})
    assert "ssui.detail" in line and "Textual's quit" in line  # the app's priority quit


def test_a_modal_screen_shuts_out_the_app_bindings_except_priority_ones() -> None:
    assert keymap_warnings({"ssui.filter.apply": "q"}) == []  # q quits only outside the form
    [line] = keymap_warnings({"ssui.filter.apply": "ctrl+q"})
    assert "ssui.filter.apply" in line
    # The picker sits in both filter forms and the watch settings: the warning names each
    # form's cancel.
    lines = keymap_warnings({"ssui.picker.next": "escape"})
    assert len(lines) == 3 and all("ssui.picker.next" in line for line in lines)
    assert {"ssui.filter.cancel", "ssui.activity_filter.cancel",
            "ssui.watch_settings.cancel"} == {
        word for line in lines for word in line.split() if word.endswith(".cancel")}


def test_ssui_keys_lists_each_id_then_warnings_then_the_hint(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CONFIG_DIR_ENV, str(tmp_path))
    lines = describe_keys({"ssui.search": "slash,ctrl+f"})
    ids = sorted(binding_ids())
    assert [line.split()[0] for line in lines[:len(ids)]] == ids
    search = next(line for line in lines if line.startswith("ssui.search "))
    assert search.split()[1:] == ["slash,ctrl+f", "(default", "slash)"]
    rest = lines[len(ids):]
    assert rest[0] == "" and rest[1].startswith("warning: ctrl+f ") and rest[2] == ""
    assert rest[3].startswith(f"remap in {tmp_path / 'config.toml'} under [keymap], e.g. ")
    assert not any(line.startswith("warning") for line in describe_keys({}))


async def test_the_collision_warned_about_is_what_the_app_does(make_app: AppMaker) -> None:
    app_ = make_app(keymap={"ssui.search": "slash,ctrl+f"})
    async with app_.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = app_.screen.query_one("#browse-lead RecordTable", RecordTable)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert table.has_focus and table.cursor_row > 0  # paged down, search never opened
