"""The header tells the truth about the mirror: in sync, syncing, retrying, failing."""

from __future__ import annotations

from types import SimpleNamespace

from ssui.mirror.scheduler import Stream, StreamStatus
from ssui.mirror.sync import SyncProgress
from ssui.tui.sync_state import Level, describe


async def _noop() -> None:
    return None


def _streams(*statuses: StreamStatus) -> list[Stream]:
    out = []
    for i, status in enumerate(statuses):
        s = Stream(f"s{i}", _noop, share=0.1, status=status)
        failing = status in (StreamStatus.RETRYING, StreamStatus.FAILING)
        s.last_error = "HTTP 503" if failing else None
        out.append(s)
    return out


def test_no_mirror_reads_as_an_offline_copy() -> None:
    assert describe(None).level is Level.OFFLINE


def test_streams_that_all_succeeded_read_in_sync_with_the_quota() -> None:
    quota = SimpleNamespace(used=1234, limit=50_000)
    state = describe(_streams(StreamStatus.OK, StreamStatus.OK), quota=quota)
    assert (state.level, state.text) == (Level.OK, "in sync")
    assert state.quota == "1,234 / 50,000 calls today"


def test_a_failing_stream_outranks_a_retrying_one_and_shows_its_error() -> None:
    state = describe(_streams(StreamStatus.RETRYING, StreamStatus.FAILING, StreamStatus.OK))
    assert state.level is Level.ERROR and state.text == "failing: s1"
    assert state.detail == "HTTP 503"
    assert describe(_streams(StreamStatus.RETRYING, StreamStatus.OK)).level is Level.WARN


def test_the_first_sync_shows_what_it_is_reading_and_how_far() -> None:
    progress = SyncProgress(entity="lead", records=12_500, entities_done=2, entities_total=8)
    state = describe(_streams(StreamStatus.IDLE), progress)
    assert state.level is Level.BUSY and state.text == "first sync: lead 12,500 (3/8)"


def test_a_stopped_sync_says_why() -> None:
    state = describe(_streams(StreamStatus.OK), error="account disabled")
    assert (state.level, state.detail) == (Level.ERROR, "account disabled")
