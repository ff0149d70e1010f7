"""Keys are remapped by binding id in config.toml's [keymap]; mistakes are one line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ssui.cli import main
from ssui.config import ConfigError, load_keymap

IDS = {"ssui.search": "slash", "ssui.detail": "d"}


def test_a_keymap_in_config_remaps_by_binding_id(write_config: Callable[[str], Path]) -> None:
    write_config('[keymap]\n"ssui.search" = "ctrl+f, slash"\n')
    assert load_keymap(IDS) == {"ssui.search": "ctrl+f,slash"}


def test_an_unknown_binding_id_is_named_with_a_suggestion(
        write_config: Callable[[str], Path]) -> None:
    write_config('[keymap]\n"search" = "ctrl+f"\n')
    with pytest.raises(ConfigError, match=r"\[keymap\] search: no binding has this id; did you"
                                          r" mean ssui.search\?"):
        load_keymap(IDS)


def test_keys_that_are_not_text_are_refused(write_config: Callable[[str], Path]) -> None:
    write_config('[keymap]\n"ssui.search" = 5\n')
    with pytest.raises(ConfigError, match="must be keys as text"):
        load_keymap(IDS)


def test_ssui_keys_lists_ids_defaults_and_overrides(
        write_config: Callable[[str], Path], capsys: pytest.CaptureFixture[str]) -> None:
    write_config('[keymap]\n"ssui.search" = "ctrl+f"\n')
    assert main(["keys"]) == 0
    out = capsys.readouterr().out
    assert "ssui.search" in out and "ctrl+f  (default slash)" in out
    assert "ssui.quit" in out
