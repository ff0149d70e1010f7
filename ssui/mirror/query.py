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

# Put before every word of the search text that starts with an ASCII letter or digit, so the
# trigram index finds word starts as well as substrings: the prefix "e" is the three
# characters MARK + "e". Two characters because a trigram has three.
MARK = "\x01\x01"
# Read as spaces, in records and in what is typed: SOH, so that every SOH in the search text is
# a mark; NUL, which would end FTS5's reading of a query.
_AS_SPACE = {0x00: " ", 0x01: " "}
# A position after no letter or digit (or at the start) and before an ASCII letter or digit.
_WORD_START = re.compile(r"(?<![^\W_])(?=[a-z0-9])")
# A term is a phrase in double quotes (the closing one may not be typed yet: search runs as
# you type), or a run of non-space characters. Quotes with nothing inside are a term.
_TERM = re.compile(r'"([^"]*[^"\s][^"]*)"?|(\S+)')
# The trigram index finds patterns of this many characters or more; shorter ones are scanned.
MIN_INDEXED = 3


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


def fold_value(value: object) -> str | None:
    """A column value folded (an SQL function: the "contains" filter folds both sides)."""
    return None if value is None else fold(value if isinstance(value, str) else str(value))


def _marked(folded: str) -> str:
    return _WORD_START.sub(MARK, folded.translate(_AS_SPACE))


def search_text(*values: object) -> str | None:
    """A record's search text (an SQL function): the non-null values folded, one a line,
    their words' starts marked (see ``MARK``)."""
    texts = [v if isinstance(v, str) else str(v) for v in values if v is not None]
    # Folded whole: a line break composes with nothing, so this folds each value alone.
    return _marked(fold("\n".join(texts))) if texts else None


@dataclass(frozen=True, slots=True)
class SearchPlan:
    """Search text as patterns to find in the records' search text; every one must be there.

    A term of one or two ASCII letters or digits is a word start ("a" finds Ann and not Dana:
    as a substring it would match nearly every record). Any other term is found anywhere:
    "achel" finds Rachel, "製作所" 株式会社山田製作所, "🚀" a rocket.

    ``indexed``: patterns of three characters or more, which the trigram index finds.
    ``scanned``: shorter ones (a CJK pair, an emoji, a symbol), found by scanning the search
    text. ``unsearchable``: a term folded to nothing (only combining accents, say), or the
    text held nothing but NUL or SOH: the search matches no record rather than every one.
    """

    indexed: tuple[str, ...] = ()
    scanned: tuple[str, ...] = ()
    unsearchable: bool = False

    @property
    def empty(self) -> bool:
        """True when there is nothing to search for: every record matches."""
        return not (self.indexed or self.scanned or self.unsearchable)


def search_plan(text: str) -> SearchPlan:
    """How search text is looked up; see :class:`SearchPlan`."""
    indexed: dict[str, None] = {}
    scanned: dict[str, None] = {}
    unsearchable = False
    for m in _TERM.finditer(text.translate(_AS_SPACE)):
        term = " ".join(fold(m.group(1) or m.group(2)).split())
        if not term:
            unsearchable = True
            continue
        if len(term) < MIN_INDEXED and term.isascii() and term.isalnum():
            # As many SOHs as make the three characters of one trigram: one SOH before two
            # letters is a word start too (only a mark's second SOH precedes a letter), and
            # the index reads one list of rows, not also the long one of MARK + "e" (a
            # two-letter prefix at a million leads: 1.3 ms instead of 5 to 12).
            pattern = MARK[len(term) - 1:] + term
        else:
            # Marked as the search text is, except at the term's start: it may start
            # inside a word ("achel").
            pattern = _marked(term).removeprefix(MARK)
        (indexed if len(pattern) >= MIN_INDEXED else scanned)[pattern] = None
    if not (indexed or scanned) and text.strip():
        unsearchable = True  # only NUL or SOH: text, but nothing to look for
    return SearchPlan(tuple(indexed), tuple(scanned), unsearchable)


def searchable(text: str) -> bool:
    """False when search text cannot be searched for (a term folds to nothing, e.g. only
    combining accents; or it is only NUL or SOH): such a search matches no record rather than
    every one, and the UI can say why."""
    return not search_plan(text).unsearchable
