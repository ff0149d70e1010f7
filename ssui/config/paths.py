"""Where the profile files live."""

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

CONFIG_DIR_ENV = "SSUI_CONFIG_DIR"


@dataclass(frozen=True)
class ConfigPaths:
    """The config directory and the two files ssui keeps in it."""

    directory: Path
    config_file: Path
    credentials_file: Path


def config_paths() -> ConfigPaths:
    """The paths in use: `$SSUI_CONFIG_DIR` if set, else the platform's user config dir."""
    override = os.environ.get(CONFIG_DIR_ENV)
    directory = (
        Path(override).expanduser()
        if override
        else Path(platformdirs.user_config_dir("ssui", appauthor=False))
    )
    return ConfigPaths(directory, directory / "config.toml", directory / "credentials.toml")
