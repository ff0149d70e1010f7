"""History and saved requests: private files per connection, never the secret, searchable."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ssui.console import ConsoleRequest, History, HistoryEntry, Mode, SavedRequests
from ssui.console.history import console_dir

SECRET = "Zq9-history-SECRET-7f"
T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def entry(method: str, params: str = "{}", *, at: datetime = T0, status: int | None = 200,
          outcome: str = "lead: 1 item") -> HistoryEntry:
    return HistoryEntry(at, ConsoleRequest(Mode.API, method, params), status, 12.5, 300,
                        outcome)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_history_lives_in_a_private_file_of_the_connections_own(data_dir: Path) -> None:
    history = History.for_connection("work", "ACC1", secret=SECRET)
    history.add(entry("getLeads"))
    assert history.path == data_dir / "console" / "work-ACC1.history.jsonl"
    assert mode(history.path) == 0o600 and mode(console_dir()) == 0o700
    assert History.for_connection("home", "ACC1").entries == []  # another profile's own


def test_the_secret_is_never_written_wherever_it_was_typed(data_dir: Path) -> None:
    history = History.for_connection("work", "ACC1", secret=SECRET)
    history.add(HistoryEntry(T0, ConsoleRequest(
        Mode.RAW, path=f"v1.2/?x={SECRET}", query=f"secretKey={SECRET}&other=1",
        headers=f"Authorization: bearer {SECRET}\nX-Other: fine", body=f'{{"key": "{SECRET}"}}'),
        200, 1.0, 10, f"error 105: bad key {SECRET}"))
    history.add(HistoryEntry(T0, ConsoleRequest(
        Mode.RAW, query="secretKey=someone-elses-key", headers="authorization: token abc"),
        200, 1.0, 10, ""))
    text = history.path.read_text()
    assert SECRET not in text
    assert "someone-elses-key" not in text and "token abc" not in text
    assert "X-Other: fine" in text and "other=1" in text  # the rest is kept as typed
    again = History(history.path).entries
    assert again[0].request.query == "secretKey=***&other=1"
    assert again[1].request.headers == "authorization: ***"


def test_entries_come_back_newest_first_and_search_needs_every_word() -> None:
    history = History.for_connection("work", "ACC1")
    history.add(entry("getLeads", '{"where": {"emailAddress": "ada@example.com"}}'))
    history.add(entry("getAccounts", at=T0 + timedelta(minutes=1)))
    history.add(entry("getLeadsDateRange", at=T0 + timedelta(minutes=2), status=200,
                      outcome="error 205: Invalid parameters · means: invalid parameters"))
    reread = History.for_connection("work", "ACC1")
    assert [e.request.method for e in reread.search()] == [
        "getLeadsDateRange", "getAccounts", "getLeads"]
    assert [e.request.method for e in reread.search("getleads")] == [
        "getLeadsDateRange", "getLeads"]
    assert [e.request.method for e in reread.search("leads ADA")] == ["getLeads"]
    assert [e.request.method for e in reread.search("205")] == ["getLeadsDateRange"]
    assert reread.count("leads") == 2 and reread.search("", limit=1)[0].request.method == \
        "getLeadsDateRange"
    assert reread.entries[0].at == T0 and reread.entries[0].ms == 12.5


def test_the_history_keeps_the_newest_entries_when_it_grows(tmp_path: Path) -> None:
    history = History(tmp_path / "h.jsonl", keep=10)
    for i in range(13):
        history.add(entry(f"getLeads{i}"))
    assert [e.request.method for e in History(tmp_path / "h.jsonl").entries] == [
        f"getLeads{i}" for i in range(3, 13)]


def test_a_broken_line_is_skipped_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    History(path).add(entry("getLeads"))
    with path.open("a") as out:
        out.write("{not json\n[]\n")
    History(path).add(entry("getAccounts"))
    assert [e.request.method for e in History(path).entries] == ["getLeads", "getAccounts"]


def test_saved_requests_survive_and_a_name_replaces_its_namesake(data_dir: Path) -> None:
    saved = SavedRequests.for_connection("work", "ACC1", secret=SECRET)
    saved.save("  my   leads ", ConsoleRequest(Mode.API, "getLeads", '{"limit": 3}'))
    saved.save("raw", ConsoleRequest(Mode.RAW, http_method="GET", path="v1.2/",
                                     query=f"secretKey={SECRET}"))
    saved.save("my leads", ConsoleRequest(Mode.API, "getLeads", '{"limit": 4}'))
    again = SavedRequests.for_connection("work", "ACC1")
    assert [(s.name, s.request.params) for s in again.all()] == [
        ("my leads", '{"limit": 4}'), ("raw", "{}")]
    assert SECRET not in saved.path.read_text() and mode(saved.path) == 0o600
    assert again.remove("raw") and not again.remove("raw")
    assert [s.name for s in SavedRequests.for_connection("work", "ACC1").all()] == ["my leads"]


def test_searching_ten_thousand_entries_finds_every_match_newest_first(tmp_path: Path) -> None:
    history = History(tmp_path / "h.jsonl")
    lines = [entry(f"getLeads{i % 7}", f'{{"where": {{"emailAddress": "p{i}@example.com"}}}}')
             for i in range(10_000)]
    history.path.write_text("".join(json.dumps(e.to_dict()) + "\n" for e in lines))
    assert history.count("getleads3") == sum(1 for i in range(10_000) if i % 7 == 3)
    found = history.search("getleads3 p77", limit=200)
    assert found and all("p77" in e.request.params and e.request.method == "getLeads3"
                         for e in found)
    assert history.count("nothing at all") == 0
    # The speed of this search is measured by benchmarks/bench_console.py, not here.
