"""Watch events: what the watches announce, as the app, `ssui watch` and the event log see it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class WatchKind(StrEnum):
    """The things a user can watch for (FEATURES.md, Watches)."""

    LEAD = "lead_created"
    ACCOUNT = "account_created"
    OPPORTUNITY = "opportunity_created"
    EMAIL = "email_opened"
    PAGE = "page_visited"
    FORM = "form_submitted"

    @property
    def words(self) -> str:
        """The kind as a person says it ("form submitted")."""
        return self.value.replace("_", " ")

    @property
    def label(self) -> str:
        """The kind as the Activity feed and the toasts name it ("form filled")."""
        return _LABELS[self][0]

    def counted(self, n: int) -> str:
        """``n`` of this kind, in words with the right plural ("1 form fill", "12 new leads")."""
        one, many = _LABELS[self][1:]
        return f"{n:,} {one if n == 1 else many}"


_LABELS: dict[WatchKind, tuple[str, str, str]] = {
    WatchKind.LEAD: ("new lead", "new lead", "new leads"),
    WatchKind.ACCOUNT: ("new account", "new account", "new accounts"),
    WatchKind.OPPORTUNITY: ("new opportunity", "new opportunity", "new opportunities"),
    WatchKind.EMAIL: ("email opened", "email open", "email opens"),
    WatchKind.PAGE: ("page visited", "page visit", "page visits"),
    WatchKind.FORM: ("form filled", "form fill", "form fills"),
}


@dataclass(frozen=True, slots=True)
class WatchEvent:
    """One thing that happened in the account, stored once under ``key``.

    ``title`` names what happened (the form, the page, the email, or the new record's name);
    ``lead_name`` and ``lead_email`` say who, where the mirror knows the lead. ``record`` is
    the event or the new record as the API gave it. ``seq`` is its place in the mirror's event
    log, set once it is stored.
    """

    key: str
    kind: WatchKind
    entity: str
    record_id: int | None
    lead_id: int | None
    occurred_at: datetime
    title: str
    lead_name: str | None = None
    lead_email: str | None = None
    owner_id: int | None = None
    record: Mapping[str, Any] = field(default_factory=dict)
    seen_at: datetime | None = None
    seq: int | None = None

    @property
    def who(self) -> str:
        """The lead as one line: "Jane Doe <jane@example.com>", or what is known of them."""
        if self.lead_name and self.lead_email:
            return f"{self.lead_name} <{self.lead_email}>"
        if self.lead_name or self.lead_email:
            return str(self.lead_name or self.lead_email)
        return f"lead #{self.lead_id}" if self.lead_id is not None else ""


def plain_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A decoded record as JSON values (times and dates as ISO text, decimals as text).

    An event keeps the record in this form, so it reads back from the log exactly as it was
    announced and prints as JSON as it is.
    """
    return {k: _plain(v) for k, v in record.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return plain_record(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class WatchBatch:
    """Events delivered together; ``catch_up`` marks what happened while ssui was closed."""

    events: tuple[WatchEvent, ...]
    catch_up: bool = False
