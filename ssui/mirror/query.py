"""What the app asks the mirror for: a page of one entity's rows, and how many match; and how
search text is read (folded, and split into terms by the index that finds each)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

Op = Literal["=", "!=", "in", "contains", ">=", "<=", "empty", "not empty"]


@dataclass(frozen=True, slots=True)
class Filter:
    """One condition on one field, e.g. ownerID = 3, or emailAddress in (...)."""

    field: str
    op: Op = "="
    value: Any = None


@dataclass(frozen=True, slots=True)
class Query:
    """The rows a table shows: entity, filters, search text, sort, and the window in view."""

    entity: str
    filters: tuple[Filter, ...] = ()
    search: str = ""
    sort: str | None = None
    descending: bool = False
    offset: int = 0
    limit: int = 50
    columns: tuple[str, ...] = field(default=())


# -- search text -------------------------------------------------------------------------------

# Combining marks that only put accents on letters (Latin, Greek, Cyrillic) or symbols: dropped,
# so "rhone" finds "Rhône". Other marks carry meaning (Japanese voicing marks, Indic vowel
# signs) and stay: "カ" must not find "ガ".
_FOLD: dict[int, str | None] = dict.fromkeys(
    (*range(0x0300, 0x0370), *range(0x1AB0, 0x1B00), *range(0x1DC0, 0x1E00),
     *range(0x20D0, 0x2100), *range(0xFE20, 0xFE30)))
# Letters with a stroke or ligatures have no decomposition, but people type them plainly.
_FOLD.update({ord(k): v for k, v in {"ø": "o", "đ": "d", "ħ": "h", "ı": "i", "ł": "l",
                                      "ŧ": "t", "ð": "d", "þ": "th", "æ": "ae",
                                      "œ": "oe"}.items()})

# A term is a run of non-space characters, or a phrase in double quotes.
_TERM = re.compile(r'"([^"]+)"|(\S+)')
# Shorter terms than this are not in the trigram index.
TRIGRAM = 3


def fold(text: str) -> str:
    """``text`` as search compares it: compatibility forms, case and accents folded.

    NFKD splits accents off their letters (and turns full-width or ligature forms into plain
    ones); the accents are dropped, case is folded, and NFC puts the rest back together
    (Japanese kana with their voicing marks, Hangul syllables).
    """
    if text.isascii():
        return text.lower()  # most account text; NFKD and casefold change nothing else there
    folded = unicodedata.normalize("NFKD", text).casefold().translate(_FOLD)
    return unicodedata.normalize("NFC", folded)


def fold_values(*values: object) -> str | None:
    """The non-null values, folded, one a line: a record's search text (an SQL function)."""
    texts = [fold(v if isinstance(v, str) else str(v)) for v in values if v is not None]
    return "\n".join(texts) if texts else None


@dataclass(frozen=True, slots=True)
class SearchPlan:
    """Search text split into folded terms, by how each is looked up. Every term must match.

    ``substrings``: three characters or more, found anywhere in the trigram index.
    ``prefixes``: one or two ASCII letters or digits, as word starts in the word index (a
    substring that short would match most records, and slowly).
    ``scans``: one or two other characters (CJK, emoji, symbols), found anywhere by scanning
    the search text; CJK has no spaces between words, so a word start would miss them.
    ``unsearchable``: a term folded to nothing (only accents, say): the search matches nothing.
    """

    substrings: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    scans: tuple[str, ...] = ()
    unsearchable: bool = False

    @property
    def empty(self) -> bool:
        """True when there is nothing to search for: every record matches."""
        return not (self.substrings or self.prefixes or self.scans or self.unsearchable)


def search_plan(text: str) -> SearchPlan:
    """How search text is looked up; see :class:`SearchPlan`."""
    substrings: list[str] = []
    prefixes: list[str] = []
    scans: list[str] = []
    unsearchable = False
    for m in _TERM.finditer(text):
        raw = " ".join((m.group(1) or m.group(2)).split())
        if not raw:
            continue  # a quoted blank
        term = fold(raw)
        if not term:
            unsearchable = True
        elif len(term) >= TRIGRAM:
            substrings.append(term)
        elif term.isascii() and term.isalnum():
            prefixes.append(term)
        else:
            scans.append(term)
    return SearchPlan(tuple(dict.fromkeys(substrings)), tuple(dict.fromkeys(prefixes)),
                      tuple(dict.fromkeys(scans)), unsearchable)


def searchable(text: str) -> bool:
    """False when search text holds a term that cannot be searched for (it folds to nothing,
    e.g. only combining accents): such a search matches no record, and the UI can say why."""
    return not search_plan(text).unsearchable
