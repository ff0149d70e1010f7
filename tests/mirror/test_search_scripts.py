"""Search finds what people type, in every script: substrings, CJK without spaces, emoji and
symbols, accents and case folded; short Latin terms stay word starts.

Every search runs twice: through the trigram index, and as SQLite before 3.34 (no trigram
tokenizer) runs it, scanning the search text. Both must give the same answers.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from ssui.entities import Kind
from ssui.entities.model import Field
from ssui.mirror import Filter, MirrorStore, Query, records, tables
from ssui.mirror.query import fold, search_plan, searchable

REGION = Field("region_5f1a", "Région", Kind.TEXT, custom=True)
Record = dict[str, object]


def lead(i: int, first: str, last: str, company: str, email: str, **more: object) -> Record:
    return {"id": i, "firstName": first, "lastName": last, "companyName": company,
            "emailAddress": email, **more}


LEADS = [
    lead(1, "太郎", "山田", "株式会社山田製作所", "taro@yamada.example.jp", city="東京都"),
    lead(2, "伟", "李", "北京华为技术有限公司", "li@huawei.example.cn", city="北京"),
    lead(3, "Rocket", "Launch 🚀", "Rocket Science 🚀", "rocket@emoji.example"),
    lead(4, "Family", "👨‍👩‍👧", "👨‍👩‍👧 Family Co", "family@emoji.example"),
    # The last name spelt with a combining circumflex, the company with the composed letter.
    lead(5, "Rachel", "Rho\u0302ne", "Rhône-Alpes SARL", "rachel@accents.example",
         city="Lyon", region_5f1a="Rhône-Alpes"),
    lead(6, "Zoë", "Île", "Île-de-France SA", "zoe@accents.example", city="Paris",
         region_5f1a="Île-de-France"),
    lead(7, "<b>Bold</b>", "&amp; Co", "<script>alert(1)</script> & Co",
         "html@markup.example"),
    lead(8, "Amp", "Symbols", "&&& <<>> ###", "symbols@markup.example", title='say "hi"'),
    lead(9, "Carla", "Baron", "Globex", "carla@globex.com", city="Oslo",
         region_5f1a="North"),
    lead(10, "Ann", "Lee", "Acme 100%", "ann@acme.io", city="Bergen", region_5f1a="rhone"),
]


@pytest.fixture(params=["trigram index", "scan"])
def store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
          ) -> Iterator[MirrorStore]:
    if request.param == "scan":
        monkeypatch.setattr(tables, "TRIGRAMS", False)
        monkeypatch.setattr(records, "TRIGRAMS", False)
    s = MirrorStore()
    names = {r[0] for r in s._db.execute("SELECT name FROM sqlite_master")}
    assert ("search_lead_trigrams" in names) == (request.param == "trigram index")
    s.set_custom_fields("lead", [REGION])
    s.upsert("lead", LEADS)
    yield s
    s.close()


def found(store: MirrorStore, text: str, *filters: Filter) -> set[int]:
    q = Query("lead", filters=filters, search=text, limit=500)
    ids = {int(r["id"]) for r in store.page(q)}
    assert store.count(q) == len(ids), text  # the count agrees with the rows
    return ids


def containing(text: str) -> set[int]:
    """The leads with ``text`` in a searchable field, folded: what a substring search finds."""
    names = ("firstName", "lastName", "companyName", "emailAddress", "title", "city")
    return {int(str(r["id"])) for r in LEADS
            if any(fold(text) in fold(str(r.get(n) or "")) for n in names)}


@pytest.mark.parametrize(("text", "ids"), [
    ("achel", {5}), ("ocket", {3}), ("製作所", {1}), ("华为", {2}), ("山田", {1}),
    ("技术有限", {2}), ("京都", {1}), ("aron", {9}), ("lobe", {9}), ("ience", {3}),
])
def test_a_substring_is_found_in_the_middle_of_a_word(
        store: MirrorStore, text: str, ids: set[int]) -> None:
    assert found(store, text) == ids == containing(text)


@pytest.mark.parametrize("text", ["🚀", "&", "<b>", "###", "<<", "%", "👨‍👩‍👧", "&amp;", "-", '"'])
def test_a_search_of_only_emoji_or_symbols_finds_just_the_records_holding_them(
        store: MirrorStore, text: str) -> None:
    ids = found(store, text)
    assert ids == containing(text)
    assert ids and len(ids) < len(LEADS)


def test_a_symbol_nobody_has_finds_nothing_rather_than_everything(store: MirrorStore) -> None:
    assert found(store, "§") == set()
    assert found(store, "☃☃☃") == set()
    assert found(store, "_") == set()  # not LIKE's any-character
    assert found(store, "100%") == {10}  # nor its any-run


def test_one_and_two_letters_are_word_starts(store: MirrorStore) -> None:
    assert found(store, "r") == {3, 5}  # Rocket; Rachel Rhône (not Carla, Baron, Bergen)
    assert found(store, "ro") == {3}  # Rocket, not Baron
    assert found(store, "ba") == {9}
    assert found(store, "a") == {5, 6, 7, 8, 10}  # Alpes, accents, alert, Amp, Ann; no Carla
    assert found(store, "ac") == {5, 6, 10}  # accents.example, Acme
    assert found(store, "10") == {10}  # Acme 100%
    assert found(store, "ro ch") == set()  # every term must match
    assert found(store, "ra rh") == {5}


def test_every_term_must_match_whatever_path_finds_it(store: MirrorStore) -> None:
    assert found(store, "rocket 🚀") == {3}
    assert found(store, "family 👨‍👩‍👧 co") == {4}
    assert found(store, "株式 山田") == {1}
    assert found(store, "ann 山田") == set()
    assert found(store, "ann@acme.io") == {10}
    assert found(store, '"rocket science"') == {3}  # a quoted phrase is one term
    assert found(store, '"rocket sci') == {3}  # ... also while its closing quote is to come
    assert found(store, '"science rocket"') == set()
    assert found(store, 'say "hi"') == {8}


def test_case_and_accents_fold_in_both_directions(store: MirrorStore) -> None:
    assert found(store, "rhone") == found(store, "RHÔNE") == {5}  # composed and combining
    assert found(store, "Rho\u0302ne") == {5}
    assert found(store, "ile") == found(store, "ÎLE-DE") == {6}
    assert found(store, "il") == {6}  # a short prefix folds as well
    assert found(store, "zoe") == found(store, "ZOË") == {6}
    assert found(store, "ｒｏｃｋｅｔ") == {3}  # full-width letters, as an IME types them


def test_text_that_cannot_be_searched_matches_nothing_and_says_so(store: MirrorStore) -> None:
    accent_only = "\u0301"
    assert not searchable(accent_only)
    assert found(store, accent_only) == set()
    assert found(store, "rocket " + accent_only) == set()
    assert not searchable("\x00") and found(store, "\x00\x01") == set()
    assert found(store, "rocket\x00launch") == {3}  # NUL reads as a space
    assert searchable("rocket") and searchable("🚀") and searchable("")
    assert search_plan("   ").empty
    assert found(store, "   ") == set(range(1, 11))  # no search at all: every record


def test_the_contains_filter_folds_case_and_accents(store: MirrorStore) -> None:
    def region(text: str) -> set[int]:
        return found(store, "", Filter(REGION.name, "contains", text))

    assert region("rhone") == {5, 10}
    assert region("RHÔNE-alpes") == {5}
    assert region("île-de") == region("ile-de") == {6}
    assert region("nor") == {9}
    assert region("%") == set()  # typed text, not a LIKE pattern
    assert found(store, "ann", Filter(REGION.name, "contains", "rhône")) == {10}


def test_search_follows_inserts_updates_and_deletes(store: MirrorStore) -> None:
    store.upsert("lead", [{"id": 9, "lastName": "Ōtani"}])
    assert found(store, "aron") == set()
    assert found(store, "otan") == found(store, "ot") == {9}
    store.upsert("lead", [{"id": 9, "leadScore": 5}])  # not searched: the index is left be
    assert found(store, "otani") == {9}
    store.upsert("lead", [lead(11, "Søren", "Kierkegaard", "株式会社テスト", "s@k.dk")])
    assert found(store, "soren") == found(store, "テスト") == {11}
    store.delete("lead", [11, 9])
    assert found(store, "soren") == found(store, "otani") == found(store, "テ") == set()


def test_a_bulk_load_is_searchable_by_substring_when_it_ends(store: MirrorStore) -> None:
    with store.bulk_load("lead"):
        store.upsert("lead", [lead(20, "Hanako", "佐藤", "佐藤商事株式会社", "h@sato.jp")])
    assert found(store, "商事") == found(store, "anak") == found(store, "ha") == {20}


def test_a_mirror_with_the_old_search_index_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    MirrorStore(path).close()
    # What a mirror of the previous layout holds: a word index over the lead table itself.
    with sqlite3.connect(path) as db:
        db.execute("CREATE VIRTUAL TABLE e_lead_fts USING fts5(firstName, content=e_lead,"
                   " content_rowid='id', tokenize='unicode61 remove_diacritics 2')")
        db.execute("UPDATE meta SET value = '\"old-layout\"' WHERE key = 'schema'")
    again = MirrorStore(path)
    assert again.rebuilt
    names = {r[0] for r in again._db.execute("SELECT name FROM sqlite_master")}
    assert not any(n.startswith("e_lead_fts") for n in names)
    again.upsert("lead", LEADS)
    assert found(again, "製作所") == {1}
    again.close()
