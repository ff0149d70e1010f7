"""The notifications log: every toast and every error of this run, in full (no Textual here).

Toasts go by in seconds and the header has one line; what they said is kept here, whole, for
the log screen (ctrl+l). Nothing is cut and nothing is dropped while the app runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True)
class Notice:
    """One thing the app told the user (a toast), or an error it met (shown or not)."""

    at: datetime
    title: str
    message: str
    severity: Severity = "information"
    # False for what only the log tells: a retry the header showed for a moment.
    toasted: bool = True


@dataclass
class NoticeLog:
    """The notices of this run, oldest first as they came; read newest first."""

    notices: list[Notice] = field(default_factory=list)

    def add(self, title: str, message: str, severity: Severity = "information", *,
            toasted: bool = True, at: datetime | None = None) -> Notice:
        notice = Notice(at or datetime.now(UTC), title, message, severity, toasted)
        self.notices.append(notice)
        return notice

    def newest_first(self) -> list[Notice]:
        return self.notices[::-1]

    def __len__(self) -> int:
        return len(self.notices)

    @property
    def errors(self) -> int:
        return sum(n.severity == "error" for n in self.notices)
