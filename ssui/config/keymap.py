"""Key remapping: the ``[keymap]`` table of config.toml, binding id -> keys.

    [keymap]
    "ssui.search" = "slash,ctrl+f"
    "ssui.detail" = "d,enter"

Ids are listed by ``ssui keys`` and in the app's keys panel (F1). Applied with Textual's
keymap, so every binding the app declares with an id can be moved.
"""

from __future__ import annotations

from collections.abc import Iterable

from ssui.config.errors import ConfigError
from ssui.config.paths import config_paths
from ssui.config.toml_files import read_toml, toml_key


def load_keymap(known_ids: Iterable[str] | None = None) -> dict[str, str]:
    """The ``[keymap]`` table, checked: one-line ConfigError naming the file and the key."""
    path = config_paths().config_file
    table = read_toml(path).get("keymap", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: keymap: must be a table of \"binding id\" = \"keys\"")
    known = set(known_ids) if known_ids is not None else None
    keymap: dict[str, str] = {}
    for binding_id, keys in table.items():
        where = f"{path}: [keymap] {toml_key(binding_id)}"
        if not isinstance(keys, str) or not keys.strip():
            raise ConfigError(f"{where}: must be keys as text, e.g. \"ctrl+f\" or \"slash,f\"")
        if known is not None and binding_id not in known:
            close = sorted(k for k in known if k.split(".")[-1] in binding_id)
            hint = f"; did you mean {close[0]}?" if close else "; see `ssui keys`"
            raise ConfigError(f"{where}: no binding has this id{hint}")
        keymap[binding_id] = ",".join(k.strip() for k in keys.split(","))
    return keymap
