"""The console's history and saved requests: one pair of private files per connection.

Every request sent (from the app's console, or ``ssui call --history``) is appended to a
JSON-lines file with a one-line summary of its answer; named requests are kept in a JSON file
beside it. Both live in ``<data dir>/console/`` (0700), each file 0600, as the mirrors do:
requests name the account's people. The secret key is never written: each text is scrubbed of
it (and of any ``secretKey=`` value and ``Authorization`` header) before it reaches the disk.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ssui.api.redact import MASK, redact
from ssui.mirror.files import private_dir, private_file
from ssui.mirror.paths import data_dir

from .request import ConsoleRequest, Mode
from .response import Exchange, summarize

KEEP = 10_000  # entries kept; older ones go when the file has grown a fifth past this
_AUTH_HEADER = re.compile(r"^(\s*(?:authorization|x-secret-key)\s*:).*$", re.I | re.M)


def console_dir() -> Path:
    """The folder of every connection's console files."""
    return data_dir() / "console"


def _file_stem(profile: str, account_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{profile}-{account_id}")


Scrub = Callable[[str], str]


def scrub_request(request: ConsoleRequest, secret: str | None,
                  scrub: Scrub | None = None) -> ConsoleRequest:
    """``request`` with the secret, any ``secretKey=`` value and auth headers masked.

    ``scrub`` masks more (a client's own ``scrub``, which knows its secret).
    """
    def clean(text: str) -> str:
        text = redact(text, secret)
        return scrub(text) if scrub is not None else text

    headers = _AUTH_HEADER.sub(rf"\g<1> {MASK}", request.headers)
    return replace(request, method=clean(request.method), params=clean(request.params),
                   path=clean(request.path), query=clean(request.query),
                   headers=clean(headers), body=clean(request.body))


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One request sent, when, and what came of it (never the answer's body)."""

    at: datetime
    request: ConsoleRequest
    status: int | None = None
    ms: float | None = None
    size: int | None = None
    outcome: str = ""
    source: str = "app"  # "app" or "call" (ssui call --history)

    def to_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(timespec="seconds"), "request": self.request.to_dict(),
                "status": self.status, "ms": self.ms, "size": self.size,
                "outcome": self.outcome, "source": self.source}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HistoryEntry:
        at = datetime.fromisoformat(str(data["at"]))
        request = data.get("request")
        return cls(at if at.tzinfo else at.replace(tzinfo=UTC),
                   ConsoleRequest.from_dict(request if isinstance(request, dict) else {}),
                   _int(data.get("status")), _float(data.get("ms")), _int(data.get("size")),
                   str(data.get("outcome") or ""), str(data.get("source") or "app"))

    @classmethod
    def of(cls, exchange: Exchange, *, source: str = "app",
           at: datetime | None = None) -> HistoryEntry:
        """The entry for one exchange (the request as typed, the answer in one line)."""
        summary = summarize(exchange)
        return cls(at or datetime.now(UTC), exchange.request, exchange.status,
                   round(exchange.seconds * 1000, 1),
                   exchange.size if exchange.status is not None else None, summary.line(),
                   source)

    @property
    def haystack(self) -> str:
        """What a search looks in: the method or path, the params or body, the outcome."""
        r = self.request
        words = (r.method, r.params) if r.mode is Mode.API else (
            r.http_method, r.path, r.query, r.body)
        return " ".join((*words, str(self.status or ""), self.outcome)).casefold()


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None


class History:
    """The requests sent on one connection, newest last on disk, newest first when read."""

    def __init__(self, path: Path, *, secret: str | None = None, scrub: Scrub | None = None,
                 keep: int = KEEP) -> None:
        self.path = path
        self.secret = secret
        self.scrub = scrub
        self.keep = keep
        self._entries: list[HistoryEntry] | None = None
        self._haystacks: list[str] = []  # entry i's search text, made once

    @classmethod
    def for_connection(cls, profile: str, account_id: str, *, secret: str | None = None,
                       scrub: Scrub | None = None) -> History:
        """The history of one connection, under the data directory."""
        return cls(console_dir() / f"{_file_stem(profile, account_id)}.history.jsonl",
                   secret=secret, scrub=scrub)

    @property
    def entries(self) -> list[HistoryEntry]:
        """Every entry, oldest first (read once, then kept up to date)."""
        if self._entries is None:
            self._entries = list(self._read())
            self._haystacks = [e.haystack for e in self._entries]
        return self._entries

    def _read(self) -> Iterator[HistoryEntry]:
        try:
            with self.path.open(encoding="utf-8", errors="replace") as lines:
                for line in lines:
                    with contextlib.suppress(ValueError, KeyError, TypeError):
                        data = json.loads(line)
                        if isinstance(data, dict):
                            yield HistoryEntry.from_dict(data)
        except FileNotFoundError:
            return

    def add(self, entry: HistoryEntry) -> HistoryEntry:
        """Append ``entry`` (scrubbed of the secret) to the file; returns what was written."""
        outcome = redact(entry.outcome, self.secret)
        entry = replace(entry, request=scrub_request(entry.request, self.secret, self.scrub),
                        outcome=self.scrub(outcome) if self.scrub is not None else outcome)
        line = json.dumps(entry.to_dict(), ensure_ascii=True) + "\n"
        entries = self.entries  # read before the file grows
        private_dir(self.path.parent, tighten=True)
        fd = private_file(self.path, os.O_WRONLY | os.O_APPEND)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            out.write(line)
        entries.append(entry)
        self._haystacks.append(entry.haystack)
        if len(entries) > self.keep + self.keep // 5:
            drop = len(entries) - self.keep
            del entries[:drop], self._haystacks[:drop]
            self._rewrite(entries)
        return entry

    def _rewrite(self, entries: Iterable[HistoryEntry]) -> None:
        temporary = self.path.with_suffix(".tmp")
        fd = private_file(temporary, os.O_WRONLY | os.O_TRUNC)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.writelines(json.dumps(e.to_dict(), ensure_ascii=True) + "\n" for e in entries)
        os.replace(temporary, self.path)

    def search(self, text: str = "", limit: int | None = None) -> list[HistoryEntry]:
        """Entries holding every word of ``text`` (case ignored), newest first."""
        words = text.casefold().split()
        entries = self.entries
        found: list[HistoryEntry] = []
        for i in range(len(entries) - 1, -1, -1):
            if words:
                haystack = self._haystacks[i]
                if not all(w in haystack for w in words):
                    continue
            found.append(entries[i])
            if limit is not None and len(found) >= limit:
                break
        return found

    def count(self, text: str = "") -> int:
        """How many entries ``search(text)`` would find."""
        words = text.casefold().split()
        entries = self.entries
        if not words:
            return len(entries)
        return sum(all(w in h for w in words) for h in self._haystacks)


@dataclass(frozen=True, slots=True)
class SavedRequest:
    """A request kept under a name."""

    name: str
    request: ConsoleRequest


class SavedRequests:
    """The named requests of one connection: a small collection that survives restarts."""

    def __init__(self, path: Path, *, secret: str | None = None,
                 scrub: Scrub | None = None) -> None:
        self.path = path
        self.secret = secret
        self.scrub = scrub

    @classmethod
    def for_connection(cls, profile: str, account_id: str, *, secret: str | None = None,
                       scrub: Scrub | None = None) -> SavedRequests:
        return cls(console_dir() / f"{_file_stem(profile, account_id)}.saved.json",
                   secret=secret, scrub=scrub)

    def all(self) -> list[SavedRequest]:
        """Every saved request, by name."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8", errors="replace"))
        except (FileNotFoundError, ValueError):
            return []
        items = data.get("saved") if isinstance(data, dict) else None
        out = []
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("name"), str) and isinstance(
                    item.get("request"), dict):
                out.append(SavedRequest(item["name"], ConsoleRequest.from_dict(item["request"])))
        return sorted(out, key=lambda s: s.name.casefold())

    def save(self, name: str, request: ConsoleRequest) -> SavedRequest:
        """Keep ``request`` as ``name`` (replacing one of that name), scrubbed of the secret."""
        name = " ".join(name.split())
        if not name:
            raise ValueError("a saved request needs a name")
        kept = SavedRequest(name, scrub_request(request, self.secret, self.scrub))
        items = [s for s in self.all() if s.name != name] + [kept]
        self._write(items)
        return kept

    def remove(self, name: str) -> bool:
        items = self.all()
        left = [s for s in items if s.name != name]
        if len(left) != len(items):
            self._write(left)
        return len(left) != len(items)

    def _write(self, items: list[SavedRequest]) -> None:
        private_dir(self.path.parent, tighten=True)
        body = {"version": 1, "saved": [{"name": s.name, "request": s.request.to_dict()}
                                        for s in sorted(items, key=lambda s: s.name.casefold())]}
        temporary = self.path.with_suffix(".tmp")
        fd = private_file(temporary, os.O_WRONLY | os.O_TRUNC)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(body, out, indent=2, ensure_ascii=True)
        os.replace(temporary, self.path)
