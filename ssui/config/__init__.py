"""Connection profiles: saved in TOML files, the secret apart in a 0600 file, env overrides.

Nothing here imports textual; the CLI and the app both build on it.
"""

from ssui.api import API_VERSIONS, DEFAULT_API_VERSION, DEFAULT_BASE_URL
from ssui.config.connect import check_connection, open_client
from ssui.config.errors import ConfigError
from ssui.config.keymap import load_keymap
from ssui.config.model import (
    Connection,
    Profile,
    check_profile_name,
    describe_validation_error,
)
from ssui.config.paths import CONFIG_DIR_ENV, ConfigPaths, config_paths
from ssui.config.profiles import (
    default_profile_name,
    delete_profile,
    get_profile,
    list_profiles,
    save_profile,
    set_default_profile,
)
from ssui.config.resolve import (
    ACCOUNT_ID_ENV,
    API_VERSION_ENV,
    BASE_URL_ENV,
    ENVIRONMENT_ONLY,
    PROFILE_ENV,
    SECRET_KEY_ENV,
    env_overrides,
    find_secret,
    resolve_connection,
    resolve_profile,
)
from ssui.config.watch import (
    WATCH_STREAMS,
    WatchPrefs,
    WatchSettings,
    load_watch_settings,
    parse_share,
    save_watch_settings,
)

__all__ = [
    "ACCOUNT_ID_ENV",
    "API_VERSIONS",
    "API_VERSION_ENV",
    "BASE_URL_ENV",
    "CONFIG_DIR_ENV",
    "DEFAULT_API_VERSION",
    "DEFAULT_BASE_URL",
    "ENVIRONMENT_ONLY",
    "PROFILE_ENV",
    "SECRET_KEY_ENV",
    "WATCH_STREAMS",
    "ConfigError",
    "ConfigPaths",
    "Connection",
    "Profile",
    "WatchPrefs",
    "WatchSettings",
    "check_connection",
    "check_profile_name",
    "config_paths",
    "default_profile_name",
    "delete_profile",
    "describe_validation_error",
    "env_overrides",
    "find_secret",
    "get_profile",
    "list_profiles",
    "load_keymap",
    "load_watch_settings",
    "open_client",
    "parse_share",
    "resolve_connection",
    "resolve_profile",
    "save_profile",
    "save_watch_settings",
    "set_default_profile",
]
