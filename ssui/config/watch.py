"""Watch settings, one table per saved profile, read by the app and by `ssui watch`.

    [profiles.work]
    account_id = "..."
    me = "jane@example.com"   # who you are in the account (a user id or email), for "mine"

    [profiles.work.watch]
    streams = ["forms", "pages", "emails", "leads", "accounts", "opportunities"]
    owner = "anyone"          # new leads, accounts, opportunities of: "anyone", "mine", a user id
    quota_share = 0.2         # of the daily API quota the watches may use: 0.01 to 0.9
    toasts = ["forms", "leads", "accounts", "opportunities"]

SharpSpring's API does not say which user a key belongs to, so "mine" needs ``me``.
A connection with no saved profile (the environment alone, ``ssui --sandbox``) keeps its
settings for the run only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, NoReturn

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ssui.config.errors import ConfigError
from ssui.config.model import Connection, describe_validation_error
from ssui.config.paths import config_paths
from ssui.config.toml_files import read_toml, write_toml

# The watches, as `ssui watch --streams` and the settings name them.
WATCH_STREAMS = ("forms", "pages", "emails", "leads", "accounts", "opportunities")
# The watches whose new records have an owner (the owner setting applies to them).
OWNED_STREAMS = ("leads", "accounts", "opportunities")
SHARE_MIN = 0.01
SHARE_MAX = 0.9
DEFAULT_SHARE = 0.2

_SHARE = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(%?)\s*$")


def parse_share(text: str) -> float:
    """A quota share typed as ``0.2``, ``.2`` or ``20%``; ValueError says the rule in one line."""
    found = _SHARE.match(text)
    if found is None:
        return _out_of_range(f"must be a share like 0.2 or 20% ({SHARE_MIN:g} to {SHARE_MAX:g})")
    value = float(found[1]) / (100 if found[2] else 1)
    if not SHARE_MIN <= value <= SHARE_MAX:
        if not found[2] and 1 <= value <= SHARE_MAX * 100:
            return _out_of_range(f"must be {SHARE_MIN:g} to {SHARE_MAX:g}: for {value:g}%"
                                 f" type {value / 100:g} or {value:g}%")
        return _out_of_range(f"must be from {SHARE_MIN:g} to {SHARE_MAX:g}"
                             f" ({SHARE_MIN:.0%} to {SHARE_MAX:.0%})")
    return round(value, 4)


def _out_of_range(message: str) -> NoReturn:
    raise ValueError(message)


def _names(value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ValueError(f"must be a list of {what}, e.g. [\"forms\", \"leads\"]")
    unknown = [str(v) for v in value if v not in WATCH_STREAMS]
    if unknown:
        raise ValueError(f"unknown {', '.join(map(repr, unknown))}; use {', '.join(WATCH_STREAMS)}")
    return tuple(s for s in WATCH_STREAMS if s in value)  # in the usual order, once each


class WatchSettings(BaseModel):
    """What the watches of one profile do."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    streams: tuple[str, ...] = WATCH_STREAMS
    owner: int | Literal["mine", "anyone"] = "anyone"
    quota_share: float = DEFAULT_SHARE
    toasts: tuple[str, ...] = WATCH_STREAMS

    @field_validator("streams", "toasts", mode="before")
    @classmethod
    def _known_streams(cls, value: Any) -> tuple[str, ...]:
        return _names(value, "watch names")

    @field_validator("owner", mode="before")
    @classmethod
    def _owner(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
        if value in ("mine", "anyone"):
            return value
        raise ValueError('must be "anyone", "mine" or a user id (a whole number)')

    @field_validator("quota_share", mode="before")
    @classmethod
    def _share(cls, value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError(f"must be a number from {SHARE_MIN:g} to {SHARE_MAX:g}")
        return parse_share(str(value))

    @property
    def owner_id(self) -> int | None:
        """The user id the owner setting names (None for anyone and for mine)."""
        return self.owner if isinstance(self.owner, int) else None

    def toml(self) -> dict[str, Any]:
        """The ``[profiles.NAME.watch]`` table."""
        return {"streams": list(self.streams), "owner": self.owner,
                "quota_share": self.quota_share, "toasts": list(self.toasts)}


def _where(path: object, name: str) -> str:
    return f"{path}: [profiles.{name}.watch]"


def load_watch_settings(profile_name: str) -> WatchSettings:
    """The saved watch settings of a profile (the defaults where none are saved).

    A bad value is a ConfigError naming the file and the key.
    """
    path = config_paths().config_file
    profiles = read_toml(path).get("profiles", {})
    table = profiles.get(profile_name, {}) if isinstance(profiles, dict) else {}
    watch = table.get("watch", {}) if isinstance(table, dict) else {}
    if not isinstance(watch, dict):
        raise ConfigError(f"{_where(path, profile_name)}: must be a table")
    try:
        return WatchSettings.model_validate(watch)
    except ValidationError as exc:
        raise ConfigError(f"{_where(path, profile_name)} {describe_validation_error(exc)}") \
            from None


def save_watch_settings(profile_name: str, settings: WatchSettings) -> None:
    """Write a saved profile's ``[profiles.NAME.watch]`` table, keeping the rest of the file."""
    path = config_paths().config_file
    document = read_toml(path)
    table = document.get("profiles", {}).get(profile_name)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: no profile named {profile_name!r} to save watch settings in")
    table["watch"] = settings.toml()
    write_toml(path, document)


def saved_profile(connection: Connection) -> bool:
    """True when ``connection`` is a profile saved in config.toml (its settings can be kept)."""
    profiles = read_toml(config_paths().config_file).get("profiles", {})
    return isinstance(profiles, dict) and connection.name in profiles


@dataclass
class WatchPrefs:
    """The watch settings of one session: saved in its profile, or for this run only."""

    settings: WatchSettings = field(default_factory=WatchSettings)
    # The saved profile they are kept in; None keeps them for this run only.
    profile: str | None = None
    # Who the user is in the account (``me`` of the profile): a user id or an email.
    me: str | None = None

    @classmethod
    def of(cls, connection: Connection, *, saved: bool | None = None) -> WatchPrefs:
        """The settings of ``connection``: its saved ones, or the defaults for this run.

        ``saved`` False keeps them for the run even if a profile has the same name (the
        embedded sandbox); None asks config.toml.
        """
        if saved is None:
            saved = saved_profile(connection)
        if not saved:
            return cls(me=connection.me)
        return cls(load_watch_settings(connection.name), connection.name, connection.me)

    @property
    def kept(self) -> bool:
        """True when saving writes them to config.toml."""
        return self.profile is not None

    @property
    def where(self) -> str:
        """Where saving puts them, in words."""
        if self.profile is None:
            return "for this run only (this connection has no saved profile)"
        return f"in {config_paths().config_file} [profiles.{self.profile}.watch]"

    def save(self, settings: WatchSettings) -> None:
        """Use ``settings`` from now on, and keep them in the profile if there is one."""
        if self.profile is not None:
            save_watch_settings(self.profile, settings)
        self.settings = settings
