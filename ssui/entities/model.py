"""The shapes that describe a SharpSpring entity: its API methods and its fields.

Every other layer (client, sandbox, mirror, app) reads these descriptions; none keeps its own
list of fields.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """What a field holds, independent of how the wire spells it."""

    TEXT = "text"
    LONG_TEXT = "long_text"
    INT = "int"
    DECIMAL = "decimal"
    MONEY = "money"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"
    ENUM = "enum"
    REFERENCE = "reference"
    JSON = "json"


class Where(StrEnum):
    """Whether a list method takes a ``where`` object."""

    REQUIRED = "required"
    OPTIONAL = "optional"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Field:
    """One field of an entity, by its exact API spelling."""

    name: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = False
    read_only: bool = False
    choices: tuple[str, ...] = ()
    ref: str | None = None
    max_length: int | None = None
    custom: bool = False
    searchable: bool = False
    # What a text holds when it has a shape of its own: "email", "phone" or "url" ("" = any).
    format: str = ""

    @property
    def settable(self) -> bool:
        """True when a user may write this field through create or update."""
        return not self.read_only


def _label_key(label: str) -> str:
    return unicodedata.normalize("NFKC", label).casefold().strip()


@dataclass(frozen=True, slots=True)
class Method:
    """An API method name and the key its result sits under."""

    name: str
    result_key: str


@dataclass(frozen=True, slots=True)
class Methods:
    """The API methods that serve one entity (None where the API has none)."""

    get: Method | None = None
    list: Method | None = None
    date_range: Method | None = None
    create: str | None = None
    update: str | None = None
    delete: str | None = None
    where_keys: tuple[str, ...] = ()
    where: Where = Where.REQUIRED


@dataclass(frozen=True, slots=True)
class Entity:
    """One SharpSpring entity: names, methods and fields."""

    key: str
    label: str
    plural: str
    methods: Methods
    fields: tuple[Field, ...]
    id_field: str | None = "id"
    name_fields: tuple[str, ...] = ()
    fallback_name: str | None = None
    columns: tuple[str, ...] = ()
    custom_relationship: str | None = None
    delete_key: str = "id"
    # How a form groups the fields: (heading, field names) in order. Fields not named go
    # under "Other", custom fields under "Custom", and read-only ones under "Record".
    sections: tuple[tuple[str, tuple[str, ...]], ...] = ()
    _by_name: Mapping[str, Field] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {f.name: f for f in self.fields})

    def field(self, name: str) -> Field:
        """The field called ``name`` (KeyError if the entity has none)."""
        return self._by_name[name]

    def has_field(self, name: str) -> bool:
        return name in self._by_name

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def custom_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.custom)

    @property
    def writable_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.settable)

    @property
    def required_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)

    @property
    def searchable_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.searchable)

    @property
    def references(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.kind is Kind.REFERENCE)

    def with_custom(self, custom: Iterable[Field]) -> Entity:
        """This entity plus the account's custom fields (replacing any earlier set)."""
        standard = tuple(f for f in self.fields if not f.custom)
        known = {f.name for f in standard}
        extra = [f for f in custom if f.name not in known]
        # Two fields a person cannot tell apart by label carry their system name as well.
        seen = Counter(_label_key(f.label) for f in (*standard, *extra))
        extra = [replace(f, label=f"{f.label} ({f.name})") if seen[_label_key(f.label)] > 1
                 else f for f in extra]
        return replace(self, fields=standard + tuple(extra))

    def display_name(self, record: Mapping[str, Any]) -> str:
        """A short human name for a record: its name fields, else its id."""
        parts = [str(record[n]) for n in self.name_fields if record.get(n) not in (None, "")]
        if parts:
            return " ".join(parts)
        if self.fallback_name and record.get(self.fallback_name) not in (None, ""):
            return str(record[self.fallback_name])
        if self.id_field and record.get(self.id_field) is not None:
            return f"{self.label} #{record[self.id_field]}"
        return self.label
