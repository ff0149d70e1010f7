"""Rows come from the mirror one window at a time, and a record's place is found in SQL."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from ssui.mirror import Filter, MirrorStore, Query
from ssui.tui.browse_state import email_list
from ssui.tui.names import NameResolver
from ssui.tui.rows import MirrorRows
from ssui.tui.sample import SampleSize, sample_store


@pytest.mark.parametrize("sort", [None, "lastName", "leadScore", "updateTimestamp", "ownerID",
                                  "region_5f1a", "active"])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("search", ["", "ada"])
def test_a_records_position_matches_the_order_the_table_shows(
        store: MirrorStore, sort: str | None, descending: bool, search: str) -> None:
    rows = MirrorRows(store, Query("lead", search=search, sort=sort, descending=descending))
    everything = rows.rows(0, rows.count())
    for i in range(0, len(everything), 7):
        assert rows.index_of(everything[i]) == i


def test_a_record_that_no_longer_matches_has_no_position(store: MirrorStore) -> None:
    rows = MirrorRows(store, Query("lead", filters=(Filter("ownerID", "=", 1),)))
    other = store.get("lead", 2)
    assert other is not None and other["ownerID"] != 1
    assert rows.index_of(other) is None


def test_names_are_fetched_once_per_window_and_cached(store: MirrorStore) -> None:
    names = NameResolver(store)
    lead = store.entity("lead")
    page = store.page(Query("lead", limit=50))
    names.prime_rows(lead.references, page)
    calls: list[object] = []
    store_get_many = store.get_many

    def counting(*args: Any, **kwargs: Any) -> dict[int, dict[str, Any]]:
        calls.append(args)
        return store_get_many(*args, **kwargs)

    store.get_many = counting  # type: ignore[method-assign]
    assert names(lead.field("ownerID"), 1) == "Maya Lind"
    assert names(lead.field("accountID"), page[0]["accountID"]) == "Acme Ltd"
    assert calls == []
    assert names(lead.field("accountID"), 99_999) == "#99999"


def test_email_lists_split_on_commas_spaces_and_semicolons_without_duplicates() -> None:
    assert email_list(" Ann@acme.io, bob@globex.com;ann@acme.io\n<cy@x.io> ") == (
        "ann@acme.io", "bob@globex.com", "cy@x.io")
    assert email_list(" , ") == ()


def test_an_owner_synced_after_its_first_lookup_gets_its_name() -> None:
    from ssui.entities import LEAD
    from ssui.mirror import MirrorStore

    store = MirrorStore()
    names = NameResolver(store)
    owner = LEAD.field("ownerID")
    assert names(owner, 42) == "#42"  # the user profile is not in the mirror yet
    store.upsert("user_profile", [{"id": 42, "displayName": "Maya Lind"}])
    assert names(owner, 42) == "Maya Lind"


@pytest.mark.parametrize("cap", [50_000, 4])
@pytest.mark.parametrize("query", [
    Query("lead", filters=(Filter("leadStatus", "=", "open"),), sort="lastName"),
    Query("lead", filters=(Filter("leadScore", ">=", 40),), sort="leadScore", descending=True),
    Query("lead", filters=(Filter("ownerID", "in", (1, 2)),)),
    Query("lead", search="ada", sort="updateTimestamp"),
    Query("lead", search="ada", filters=(Filter("active", "=", True),), sort="city"),
])
def test_a_filtered_view_read_in_order_once_shows_what_the_store_pages(
        store: MirrorStore, monkeypatch: pytest.MonkeyPatch, query: Query, cap: int) -> None:
    """The count, every window and every record's place, whether the ids read in order
    hold the whole view or only its start (a bigger view than the cap)."""
    monkeypatch.setattr("ssui.tui.rows.ORDER_CAP", cap)
    rows = MirrorRows(store, query)
    everything = store.page(replace(query, limit=10_000))
    assert len(everything) > cap or cap > 4  # the small cap leaves most of the view out
    assert rows.count() == store.count(query) == len(everything)
    for offset in (0, 3, 8, 15, len(everything) - 5):
        assert rows.rows(offset, 5) == everything[offset:offset + 5]
    for i in range(0, len(everything), 5):
        assert rows.index_of(everything[i]) == i


def test_a_record_deleted_after_the_view_was_read_leaves_no_gap(store: MirrorStore) -> None:
    query = Query("lead", filters=(Filter("leadStatus", "=", "open"),), sort="lastName")
    rows = MirrorRows(store, query)
    first = rows.rows(0, 10)
    store.delete("lead", [first[3]["id"]])
    assert rows.rows(0, 10) == store.page(replace(query, limit=10))
    assert first[3]["id"] not in [r["id"] for r in rows.rows(0, 10)]


def test_a_view_is_read_in_order_once_only_where_its_count_and_page_read_every_row(
        store: MirrorStore) -> None:
    several = (Filter("leadStatus", "=", "open"), Filter("ownerID", "=", 2))
    # Counting reads the rows (two filters, no one index holds both) and the page sorts
    # every match: one pass serves both.
    assert store.reads_twice(Query("lead", filters=several, sort="lastName"))
    # In id order the page stops after its rows; one filter is counted in its index.
    assert not store.reads_twice(Query("lead", filters=several))
    assert not store.reads_twice(Query("lead", filters=several[:1], sort="lastName"))
    assert not store.reads_twice(Query("lead", search="ada", sort="lastName"))


@pytest.fixture(scope="module")
def big() -> MirrorStore:
    return sample_store(SampleSize(leads=6000, events_per_lead=0, events_for_leads=0))


BROAD = [
    (Filter("leadScore", ">=", 40), Filter("leadScore", "<=", 90)),  # half the leads
    (Filter("leadStatus", "=", "open"),),
    (Filter("leadStatus", "=", "open"), Filter("ownerID", "=", 2)),
    (Filter("active", "=", False),),  # few
    (Filter("city", "=", "no such city"),),  # none
]


@pytest.mark.parametrize("filters", BROAD)
@pytest.mark.parametrize("sort", ["lastName", "updateTimestamp", "companyName", "leadScore",
                                  "createTimestamp"])
@pytest.mark.parametrize("descending", [False, True])
def test_a_window_read_off_the_sort_index_is_the_window_sorting_gives(
        big: MirrorStore, filters: tuple[Filter, ...], sort: str, descending: bool) -> None:
    query = Query("lead", filters=filters, sort=sort, descending=descending)
    matches = big.count(query)
    for offset in (0, 100, 1000, max(0, matches - 50)):
        window = replace(query, offset=offset, limit=100)
        assert big.page(window, matches=matches) == big.page(window), offset


def test_a_broad_filter_sorted_by_an_indexed_column_walks_its_index(
        big: MirrorStore, monkeypatch: pytest.MonkeyPatch) -> None:
    sources: list[str | None] = []
    select = big._select

    def spy(*args: Any, **kwargs: Any) -> list[dict[str, Any]]:
        sources.append(kwargs.get("source"))
        return select(*args, **kwargs)

    monkeypatch.setattr(big, "_select", spy)
    half = Query("lead", filters=BROAD[0], sort="updateTimestamp", limit=100)
    rows = MirrorRows(big, half)
    rows.count()
    rows.rows(0, 100)
    assert sources == ['"e_lead" INDEXED BY "ix_lead_updateTimestamp"']  # no sort of 3,000
    # Deep in the list the walk would be long: the matches are sorted instead.
    sources.clear()
    rows.rows(rows.count() - 100, 100)
    assert sources == [None]
