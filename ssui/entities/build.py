"""Short constructors for field descriptions, so each entity file reads like a table."""

from __future__ import annotations

from typing import TypedDict, Unpack

from .model import Field, Kind


class Flags(TypedDict, total=False):
    """The yes/no properties a field may have."""

    required: bool
    read_only: bool
    searchable: bool


def text(name: str, label: str, *, max_length: int | None = 255, format: str = "",
         **kw: Unpack[Flags]) -> Field:
    return Field(name, label, Kind.TEXT, max_length=max_length, format=format, **kw)


def email(name: str, label: str, *, max_length: int | None = 150,
          **kw: Unpack[Flags]) -> Field:
    return text(name, label, max_length=max_length, format="email", **kw)


def phone(name: str, label: str, **kw: Unpack[Flags]) -> Field:
    return text(name, label, max_length=50, format="phone", **kw)


def url(name: str, label: str, **kw: Unpack[Flags]) -> Field:
    return text(name, label, format="url", **kw)


def long_text(name: str, label: str, **kw: Unpack[Flags]) -> Field:
    return Field(name, label, Kind.LONG_TEXT, **kw)


def integer(name: str, label: str, **kw: Unpack[Flags]) -> Field:
    return Field(name, label, Kind.INT, **kw)


def decimal(name: str, label: str, **kw: Unpack[Flags]) -> Field:
    return Field(name, label, Kind.DECIMAL, **kw)


def money(name: str, label: str, **kw: Unpack[Flags]) -> Field:
    return Field(name, label, Kind.MONEY, **kw)


def flag(name: str, label: str, **kw: Unpack[Flags]) -> Field:
    return Field(name, label, Kind.BOOL, **kw)


def day(name: str, label: str, **kw: Unpack[Flags]) -> Field:
    return Field(name, label, Kind.DATE, **kw)


def moment(name: str, label: str, **kw: Unpack[Flags]) -> Field:
    return Field(name, label, Kind.DATETIME, **kw)


def choice(name: str, label: str, choices: tuple[str, ...], **kw: Unpack[Flags]) -> Field:
    return Field(name, label, Kind.ENUM, choices=choices, **kw)


def ref(name: str, label: str, entity: str, **kw: Unpack[Flags]) -> Field:
    return Field(name, label, Kind.REFERENCE, ref=entity, **kw)


def blob(name: str, label: str, **kw: Unpack[Flags]) -> Field:
    return Field(name, label, Kind.JSON, **kw)


def record_id(label: str = "ID") -> Field:
    return Field("id", label, Kind.INT, read_only=True)


def timestamps() -> tuple[Field, Field]:
    """createTimestamp and updateTimestamp, which the server sets."""
    return (
        Field("createTimestamp", "Created", Kind.DATETIME, read_only=True),
        Field("updateTimestamp", "Updated", Kind.DATETIME, read_only=True),
    )
