"""Saved views and chosen columns, per saved profile and per list (no UI code here).

    [profiles.work.columns]
    leads = ["id", "firstName", "lastName", "emailAddress", "leadStatus", "updateTimestamp"]

    [profiles.work.views.leads."hot leads"]
    search = ""
    sort = "leadScore"
    descending = true
    columns = ["id", "firstName", "lastName", "leadScore"]
    [[profiles.work.views.leads."hot leads".filters]]
    slot = "range:leadScore"
    label = "Score 50–80"
    text = ["50", "80"]
    conditions = [{ field = "leadScore", op = ">=", value = 50 },
                  { field = "leadScore", op = "<=", value = 80 }]

Lists are named as the app's tabs are (leads, accounts, campaigns, opportunities). A field the
account no longer has is left out when a view is applied. A connection without a saved
profile keeps its views and columns for the run only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ssui.config.errors import ConfigError
from ssui.config.model import describe_validation_error
from ssui.config.paths import config_paths
from ssui.config.toml_files import read_toml, toml_key, write_toml

# The lists views belong to, as config.toml names them, and the entity each shows.
LISTS = {"leads": "lead", "accounts": "account", "campaigns": "campaign",
         "opportunities": "opportunity"}
_BY_ENTITY = {v: k for k, v in LISTS.items()}
Value = str | int | float | bool | list[str | int | float] | None


class Condition(BaseModel):
    """One condition of a filter, as ``ssui.mirror.Filter`` holds it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    op: Literal["=", "!=", "in", "contains", ">=", "<=", "empty", "not empty"] = "="
    value: Value = None


class SavedFilter(BaseModel):
    """One filter of a view: its conditions, the words the status line shows, what was typed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    slot: str
    label: str
    conditions: tuple[Condition, ...]
    text: tuple[str, ...] = ()


class SavedView(BaseModel):
    """A named way to look at a list: filters, search, sort and columns."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    search: str = ""
    sort: str | None = None
    descending: bool = False
    columns: tuple[str, ...] = ()
    filters: tuple[SavedFilter, ...] = ()

    @field_validator("sort", mode="before")
    @classmethod
    def _no_sort(cls, value: Any) -> Any:
        return None if value == "" else value

    def toml(self) -> dict[str, Any]:
        out: dict[str, Any] = self.model_dump(exclude_none=True)
        out["filters"] = [
            {**f.model_dump(exclude={"conditions"}),
             "conditions": [c.model_dump(exclude_none=True) for c in f.conditions]}
            for f in self.filters]
        return out


def check_view_name(name: str) -> str:
    """``name`` stripped, if a view may be called that; ValueError saying why not."""
    name = " ".join(name.split())
    if not name:
        raise ValueError("a view needs a name")
    if len(name) > 40:
        raise ValueError("a view's name is at most 40 characters")
    if not name.isprintable():
        raise ValueError("a view's name holds only printable characters")
    return name


def _where(path: object, profile: str, *keys: str) -> str:
    tail = "".join(f".{toml_key(k)}" for k in keys)
    return f"{path}: [profiles.{toml_key(profile)}{tail}]"


def _profile_table(document: dict[str, Any], profile: str) -> dict[str, Any]:
    profiles = document.get("profiles", {})
    table = profiles.get(profile, {}) if isinstance(profiles, dict) else {}
    return table if isinstance(table, dict) else {}


def load_views(profile: str) -> dict[str, dict[str, SavedView]]:
    """A profile's saved views by entity key, then name; ConfigError naming file and key."""
    path = config_paths().config_file
    views = _profile_table(read_toml(path), profile).get("views", {})
    if not isinstance(views, dict):
        raise ConfigError(f"{_where(path, profile, 'views')}: must be a table")
    out: dict[str, dict[str, SavedView]] = {}
    for list_name, named in views.items():
        if list_name not in LISTS:
            raise ConfigError(f"{_where(path, profile, 'views', list_name)}: unknown list; use "
                              f"{', '.join(LISTS)}")
        if not isinstance(named, dict):
            raise ConfigError(f"{_where(path, profile, 'views', list_name)}: must be a table")
        for name, table in named.items():
            where = _where(path, profile, "views", list_name, name)
            if not isinstance(table, dict):
                raise ConfigError(f"{where}: must be a table")
            try:
                view = SavedView.model_validate(table)
            except ValidationError as exc:
                raise ConfigError(f"{where} {describe_validation_error(exc)}") from None
            out.setdefault(LISTS[list_name], {})[name] = view
    return out


def load_columns(profile: str) -> dict[str, tuple[str, ...]]:
    """A profile's chosen columns by entity key; ConfigError naming file and key."""
    path = config_paths().config_file
    columns = _profile_table(read_toml(path), profile).get("columns", {})
    where = _where(path, profile, "columns")
    if not isinstance(columns, dict):
        raise ConfigError(f"{where}: must be a table")
    out: dict[str, tuple[str, ...]] = {}
    for list_name, names in columns.items():
        if list_name not in LISTS:
            raise ConfigError(f"{where} {list_name}: unknown list; use {', '.join(LISTS)}")
        if not isinstance(names, list) or not names or not all(
                isinstance(n, str) for n in names):
            raise ConfigError(f"{where} {list_name}: must be a list of field names,"
                              ' e.g. ["id", "firstName"]')
        out[LISTS[list_name]] = tuple(names)
    return out


def _save(profile: str, change: Any) -> None:
    path = config_paths().config_file
    document = read_toml(path)
    table = document.get("profiles", {}).get(profile)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: no profile named {profile!r} to save in")
    change(table)
    write_toml(path, document)


@dataclass
class BrowsePrefs:
    """The saved views and columns of one session: in its profile, or for this run only."""

    profile: str | None = None
    views: dict[str, dict[str, SavedView]] = field(default_factory=dict)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, profile: str | None) -> BrowsePrefs:
        """The saved profile's views and columns (read and checked now); none for None."""
        if profile is None:
            return cls()
        return cls(profile, load_views(profile), load_columns(profile))

    @property
    def kept(self) -> bool:
        return self.profile is not None

    def where(self, what: str) -> str:
        """Where saving ``what`` ("views", "columns") puts it, in words."""
        if self.profile is None:
            return "for this run only (this connection has no saved profile)"
        return f"in {config_paths().config_file} [profiles.{self.profile}.{what}]"

    def save_view(self, entity_key: str, name: str, view: SavedView) -> None:
        """Keep ``view`` under ``name`` (replacing one of that name)."""
        list_name = _BY_ENTITY[entity_key]
        if self.profile is not None:
            _save(self.profile, lambda t: t.setdefault("views", {}).setdefault(
                list_name, {}).__setitem__(name, view.toml()))
        self.views.setdefault(entity_key, {})[name] = view

    def save_columns(self, entity_key: str, columns: tuple[str, ...]) -> None:
        list_name = _BY_ENTITY[entity_key]
        if self.profile is not None:
            _save(self.profile, lambda t: t.setdefault("columns", {}).__setitem__(
                list_name, list(columns)))
        self.columns[entity_key] = columns
