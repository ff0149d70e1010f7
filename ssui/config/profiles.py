"""Saved profiles: config.toml holds them, credentials.toml holds their secret keys.

config.toml:                         credentials.toml (mode 0600):
    default_profile = "work"             [work]
    [profiles.work]                      secret_key = "..."
    account_id = "..."
    api_version = "v1.2"
    base_url = "https://api.sharpspring.com/pubapi"
    me = "jane@example.com"  # optional: who you are, for "mine"
    [profiles.work.watch]    # optional: the watch settings (ssui.config.watch)
    [profiles.work.views]    # optional: saved views and columns (ssui.config.views)
    [keymap]   # other sections are kept as they are when ssui rewrites the file

TOML comments are not kept when ssui rewrites a file.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr, ValidationError

from ssui.config.errors import ConfigError
from ssui.config.model import Connection, Profile, check_profile_name, describe_validation_error
from ssui.config.paths import config_paths
from ssui.config.toml_files import read_toml, toml_key, write_toml

# Keys of a profile's table that saving the connection again keeps: who the user is, and the
# watch settings, saved views and columns (their own tables: ssui.config.watch, .views).
_KEPT = ("me", "watch", "views", "columns")


@dataclass(frozen=True)
class ConfigFile:
    """config.toml as read: the raw document (to rewrite it) and what it means."""

    path: Path
    document: dict[str, Any]
    profiles: dict[str, Profile]
    default: str | None


def list_profiles() -> list[Profile]:
    """The saved profiles, in file order."""
    return list(read_config().profiles.values())


def default_profile_name() -> str | None:
    """The `default_profile` named in config.toml, if any."""
    return read_config().default


def get_profile(name: str) -> Profile:
    """The saved profile called `name`; ConfigError listing the known ones if there is none."""
    config = read_config()
    try:
        return config.profiles[name]
    except KeyError:
        raise ConfigError(no_such_profile(name, config.profiles)) from None


def saved_secret(name: str) -> SecretStr | None:
    """The secret key credentials.toml holds for profile `name`, if any."""
    path = config_paths().credentials_file
    entry = _read_credentials(path).get(name)
    if entry is None:
        return None
    secret = entry.get("secret_key")
    if not isinstance(secret, str) or not secret.strip():
        raise ConfigError(f"{path}: [{toml_key(name)}] secret_key: must be a non-empty string")
    return SecretStr(secret.strip())


def save_profile(connection: Connection, make_default: bool = False) -> None:
    """Save (or replace) a profile and its secret key.

    The profile also becomes the default when `make_default` is set or no default exists yet.
    The secret is written first, so a saved profile never lacks its key.
    """
    try:
        check_profile_name(connection.name)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    paths = config_paths()
    config = read_config()
    credentials = _read_credentials(paths.credentials_file)

    credentials[connection.name] = {
        **credentials.get(connection.name, {}),
        "secret_key": connection.secret_key.get_secret_value(),
    }
    write_toml(paths.credentials_file, credentials, private=True)

    document = config.document
    profiles = document.setdefault("profiles", {})
    table = connection.profile.model_dump(exclude={"name"}, exclude_none=True)
    # Saving a connection again (a new key, say) keeps what the user set beside it.
    kept = {k: v for k, v in profiles.get(connection.name, {}).items()
            if k in _KEPT and k not in table}
    profiles[connection.name] = {**table, **kept}
    if make_default or config.default is None:
        document["default_profile"] = connection.name
    write_toml(config.path, document)


def set_default_profile(name: str) -> None:
    """Make the saved profile `name` the default."""
    config = read_config()
    if name not in config.profiles:
        raise ConfigError(no_such_profile(name, config.profiles))
    config.document["default_profile"] = name
    write_toml(config.path, config.document)


def delete_profile(name: str) -> None:
    """Forget profile `name` and its secret key; if it was the default, there is none after."""
    paths = config_paths()
    config = read_config()
    if name not in config.profiles:
        raise ConfigError(no_such_profile(name, config.profiles))
    credentials = _read_credentials(paths.credentials_file)

    del config.document["profiles"][name]
    if config.default == name:
        del config.document["default_profile"]
    write_toml(config.path, config.document)
    if credentials.pop(name, None) is not None:
        write_toml(paths.credentials_file, credentials, private=True)


def no_such_profile(name: str, known: dict[str, Profile] | list[str]) -> str:
    """The one-line message for a profile name that is not saved."""
    if not known:
        return f"no profile named {name!r}: none is saved yet; run `ssui login`"
    return f"no profile named {name!r}; known profiles: {', '.join(known)}"


def read_config() -> ConfigFile:
    """config.toml, checked: ConfigError naming the file and key for anything malformed."""
    path = config_paths().config_file
    document = read_toml(path)

    default = document.get("default_profile")
    if default is not None and not isinstance(default, str):
        raise ConfigError(f"{path}: default_profile: must be a string (a profile name)")

    tables = document.get("profiles", {})
    if not isinstance(tables, dict):
        raise ConfigError(f"{path}: profiles: must be a table of [profiles.NAME] tables")
    profiles: dict[str, Profile] = {}
    for name, table in tables.items():
        where = f"{path}: [profiles.{toml_key(name)}]"
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: must be a table")
        if "name" in table:
            raise ConfigError(f"{where} name: unknown key (the table's name is the profile name)")
        connection_keys = {k: v for k, v in table.items()
                           if k not in ("watch", "views", "columns")}
        try:
            profiles[name] = Profile.model_validate({**connection_keys, "name": name})
        except ValidationError as exc:
            raise ConfigError(f"{where} {describe_validation_error(exc)}") from None
    return ConfigFile(path, document, profiles, default)


def _read_credentials(path: Path) -> dict[str, dict[str, Any]]:
    document = read_toml(path, private=True)
    for name, entry in document.items():
        if not isinstance(entry, dict):
            key = toml_key(name)
            raise ConfigError(f"{path}: {key}: must be a [{key}] table with a secret_key")
    return document
