"""The header tells the truth about the mirror: in sync, syncing, retrying, failing."""

from __future__ import annotations

from types import SimpleNamespace

from ssui.mirror.account import Retry
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
    streams = _streams(StreamStatus.OK, StreamStatus.OK)
    streams[0].next_due, streams[1].next_due = 109.0, 200.0
    state = describe(streams, quota=quota, budget=10_000, now=100.0)
    assert (state.level, state.text) == (Level.OK, "in sync · next poll in 9 s")
    assert state.quota == "1,234 / 50,000 calls today"
    assert state.quota_detail == "background polling may use 10,000 of them a day"


def test_a_failing_stream_says_when_it_retries_and_why() -> None:
    streams = _streams(StreamStatus.RETRYING, StreamStatus.FAILING, StreamStatus.OK)
    streams[0].next_due, streams[1].next_due = 108.0, 130.0
    state = describe(streams, now=100.0)
    assert state.level is Level.ERROR and state.text == "s0, s1: retrying in 8 s"
    assert state.detail == "HTTP 503"
    assert describe(_streams(StreamStatus.RETRYING, StreamStatus.OK)).level is Level.WARN


def test_a_stream_stopped_by_what_only_the_user_can_fix_says_so() -> None:
    streams = _streams(StreamStatus.STOPPED, StreamStatus.OK)
    streams[0].last_error = "SharpSpring error 105: Invalid secret — Check the secret key."
    state = describe(streams)
    assert state.level is Level.ERROR and state.text == "stopped: s0 (r tries again)"
    assert "Check the secret key" in state.detail


def test_a_first_sync_that_failed_says_when_it_tries_again() -> None:
    retry = Retry("SharpSpring error 107: Too many requests", at=112.0)
    state = describe(_streams(StreamStatus.IDLE), SyncProgress(entity="lead"),
                     first_sync_retry=retry, now=100.0)
    assert state.level is Level.WARN and state.text == "first sync: retrying in 12 s"
    assert "107" in state.detail


def test_the_first_sync_shows_what_it_is_reading_and_how_far() -> None:
    progress = SyncProgress(entity="lead", records=12_500, entities_done=2, entities_total=8)
    state = describe(_streams(StreamStatus.IDLE), progress)
    assert state.level is Level.BUSY and state.text == "first sync: lead 12,500 (3/8)"


def test_a_stopped_sync_says_why() -> None:
    state = describe(_streams(StreamStatus.OK), error="account disabled")
    assert (state.level, state.detail) == (Level.ERROR, "account disabled")
