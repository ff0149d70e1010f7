"""The mirror answers the app's questions offline: pages, counts, search, filters, sort."""

import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ssui.entities import Kind
from ssui.entities.model import Field
from ssui.mirror import Filter, MirrorStore, Query, fts_query
from ssui.mirror.events import WatchEvent, WatchKind

LEADS = [
    {"id": 1, "firstName": "Ann", "lastName": "Lee", "emailAddress": "ann@acme.io",
     "companyName": "Acme", "city": "Oslo", "leadScore": 30, "ownerID": 7, "active": True,
     "updateTimestamp": datetime(2026, 11, 1, 9, 0, tzinfo=UTC)},
    {"id": 2, "firstName": "bob", "lastName": "Stone", "emailAddress": "bob@globex.com",
     "companyName": "Globex", "city": "Paris", "leadScore": 10, "ownerID": 8, "active": True},
    {"id": 3, "firstName": "Carla", "lastName": "Ángel", "emailAddress": "carla@acme.io",
     "companyName": "Acme", "city": "Bergen", "leadScore": None, "ownerID": 7, "active": False},
]


@pytest.fixture
def store() -> MirrorStore:
    s = MirrorStore()
    s.upsert("lead", LEADS)
    return s


def test_a_page_comes_back_as_decoded_records(store: MirrorStore) -> None:
    rows = store.page(Query("lead"))
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert rows[0]["updateTimestamp"] == datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    assert rows[0]["active"] is True and rows[2]["active"] is False


def test_sort_by_text_ignores_case_and_can_descend(store: MirrorStore) -> None:
    asc = [r["firstName"] for r in store.page(Query("lead", sort="firstName"))]
    assert asc == ["Ann", "bob", "Carla"]
    desc = [r["leadScore"] for r in store.page(Query("lead", sort="leadScore", descending=True))]
    assert desc == [30, 10, None]


def test_search_matches_word_prefixes_across_name_email_company_and_city(
        store: MirrorStore) -> None:
    assert {r["id"] for r in store.page(Query("lead", search="acm"))} == {1, 3}
    assert {r["id"] for r in store.page(Query("lead", search="bob glob"))} == {2}
    assert {r["id"] for r in store.page(Query("lead", search="berg"))} == {3}
    assert store.count(Query("lead", search="angel")) == 1  # accents folded
    assert store.count(Query("lead", search="zzz")) == 0


def test_search_text_with_quotes_or_symbols_is_not_an_error(store: MirrorStore) -> None:
    assert store.count(Query("lead", search='"ann@acme.io"')) == 1
    assert store.count(Query("lead", search="ann* (NEAR")) == 0
    assert fts_query("  ") == ""


def test_filters_by_owner_and_by_email_list(store: MirrorStore) -> None:
    assert store.count(Query("lead", filters=(Filter("ownerID", "=", 7),))) == 2
    emails = Filter("emailAddress", "in", ["BOB@globex.com", "carla@acme.io"])
    assert {r["id"] for r in store.page(Query("lead", filters=(emails,)))} == {2, 3}
    assert store.count(Query("lead", filters=(Filter("emailAddress", "in", []),))) == 0


@pytest.mark.parametrize("search", ["a", "ka", "kamur", "ada eri", "ø", "@wonka"])
def test_a_search_window_in_id_order_is_the_window_of_all_its_matches(search: str) -> None:
    # A search alone is paged straight off the index; it must be the very window the
    # general path (with a filter every lead passes) gives, both ways, at any offset.
    from ssui.tui.sample import SampleSize, fill

    store = MirrorStore()
    fill(store, SampleSize(leads=3_000, accounts=60, campaigns=4, opportunities=120))
    everyone = (Filter("id", ">=", 0),)
    for descending in (False, True):
        whole = [r["id"] for r in store.page(Query("lead", everyone, search,
                                                   descending=descending, limit=10**6))]
        assert whole and len(whole) == store.count(Query("lead", search=search))
        for offset in (0, 7, len(whole) // 2, len(whole) - 3):
            window = store.page(Query("lead", search=search, descending=descending,
                                      offset=offset, limit=100))
            assert [r["id"] for r in window] == whole[offset:offset + 100]
    store.close()


def test_count_is_honest_whatever_the_window(store: MirrorStore) -> None:
    q = Query("lead", offset=2, limit=1)
    assert len(store.page(q)) == 1
    assert store.count(q) == 3


def test_search_index_follows_updates_and_deletes(store: MirrorStore) -> None:
    store.upsert("lead", [{"id": 2, "city": "Lyon"}])
    assert store.count(Query("lead", search="paris")) == 0
    assert store.count(Query("lead", search="lyon")) == 1
    kept = store.get("lead", 2)
    assert kept is not None and kept["firstName"] == "bob"  # a partial upsert keeps the rest
    store.delete("lead", [2])
    assert store.count(Query("lead", search="lyon")) == 0
    assert store.get("lead", 2) is None


def test_custom_fields_become_columns_that_filter_and_persist(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    s = MirrorStore(path)
    shoe = Field("shoe_size_384c1e3eacbb3", "Shoe size", Kind.INT, custom=True)
    s.set_custom_fields("lead", [shoe])
    s.upsert("lead", [{"id": 1, "emailAddress": "a@b.c", "shoe_size_384c1e3eacbb3": 44}])
    s.close()
    again = MirrorStore(path)
    assert again.entity("lead").field("shoe_size_384c1e3eacbb3").label == "Shoe size"
    q = Query("lead", filters=(Filter("shoe_size_384c1e3eacbb3", "=", 44),))
    assert [r["id"] for r in again.page(q)] == [1]


def test_money_comes_back_as_decimal() -> None:
    s = MirrorStore()
    s.upsert("opportunity", [{"id": 5, "opportunityName": "Deal", "amount": Decimal("1250.50")}])
    deal = s.get("opportunity", 5)
    assert deal is not None and deal["amount"] == Decimal("1250.50")


def test_a_changed_schema_rebuilds_the_mirror_instead_of_crashing(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    s = MirrorStore(path)
    s.upsert("lead", LEADS)
    s.set_meta("sync:lead", {"full_done": True})
    s.close()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '\"old-layout\"' WHERE key = 'schema'")
    again = MirrorStore(path)
    assert again.rebuilt
    assert again.count_all("lead") == 0
    assert again.get_meta("sync:lead") is None  # a rebuilt mirror syncs again from scratch


def test_events_are_stored_once_per_key(store: MirrorStore) -> None:
    ev = WatchEvent(key="event:9", kind=WatchKind.FORM, entity="event", record_id=9,
                    lead_id=1, title="Contact us", lead_name="Ann Lee",
                    occurred_at=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
                    record={"eventName": "Contact us"})
    (stored,) = store.add_events([ev])
    assert stored.seq is not None and stored.title == "Contact us"
    assert store.add_events([ev]) == []
    assert store.events(lead_id=1) == [stored]  # read back whole: kind, times, record


def test_a_bulk_load_is_searchable_when_it_ends(store: MirrorStore) -> None:
    with store.bulk_load("lead"):
        store.upsert("lead", [{"id": 10, "emailAddress": "zed@zulu.io", "firstName": "Zed"}])
    assert store.count(Query("lead", search="zulu")) == 1


def test_an_interrupted_bulk_load_is_repaired_on_the_next_open(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    MirrorStore(path).close()
    # What a process killed in the middle of a bulk load leaves: rows, no search triggers.
    with sqlite3.connect(path) as db:
        for name in ("lead_ai", "lead_ad", "lead_au"):
            db.execute(f'DROP TRIGGER "{name}"')
        db.execute('DROP INDEX "ix_lead_lastName"')
        db.execute("INSERT INTO e_lead (id, emailAddress) VALUES (10, 'zed@zulu.io')")
    again = MirrorStore(path)
    assert again.count(Query("lead", search="zulu")) == 1
    plan = again._db.execute(
        'EXPLAIN QUERY PLAN SELECT id FROM e_lead ORDER BY "lastName" LIMIT 5').fetchall()
    assert "ix_lead_lastName" in str(plan)  # sorting by last name is indexed again
    again.upsert("lead", [{"id": 11, "emailAddress": "amy@alpha.io"}])
    assert again.count(Query("lead", search="alpha")) == 1
