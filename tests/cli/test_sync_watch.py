"""`ssui sync` and `ssui watch`, run headless against the in-process sandbox."""

from __future__ import annotations

import asyncio
import io
import json
import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from ssui.api import SharpSpringClient
from ssui.cli import main
from ssui.cli.mirror import event_line, parse_streams, sync, watch
from ssui.config import Connection
from ssui.mirror import MirrorStore, Query, mirror_path
from ssui.mirror.event_log import EventReader
from ssui.mirror.events import WatchEvent, WatchKind
from ssui.mirror.sync import INCREMENTAL
from ssui.sandbox import SandboxApp
from ssui.sandbox.activity import ActivityStream


@pytest.fixture
def connection(sandbox: SandboxApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Connection:
    monkeypatch.setenv("SSUI_DATA_DIR", str(tmp_path / "data"))
    return Connection(name="sbx", account_id=sandbox.config.account_id,
                      secret_key=SecretStr(sandbox.config.secret_key),
                      base_url="http://127.0.0.1/pubapi")


async def test_sync_fills_the_profiles_mirror_then_catches_up(
        sandbox: SandboxApp, connection: Connection) -> None:
    transport = httpx.ASGITransport(app=sandbox)
    err = io.StringIO()
    prog = await sync(connection, full=False, transport=transport, out=err)
    assert prog.done and prog.per_entity["lead"] > 0
    assert f"Leads {prog.per_entity['lead']:,}" in err.getvalue().splitlines()
    store = MirrorStore(mirror_path("sbx", connection.account_id))
    assert store.count(Query("lead")) == prog.per_entity["lead"]
    store.close()
    again = await sync(connection, full=False, transport=transport, out=io.StringIO())
    # Incremental, not a second full copy: nothing changed, so nothing is copied again, and
    # the calls do not grow with the account (one per changed-since entity, plus lookups).
    assert again.records == 0 and again.calls <= len(INCREMENTAL) + 3
    assert connection.secret_key.get_secret_value() not in err.getvalue()


async def test_watch_prints_new_form_fills_as_json_lines(
        sandbox: SandboxApp, connection: Connection) -> None:
    transport = httpx.ASGITransport(app=sandbox)
    out = io.StringIO()
    activity = ActivityStream(sandbox.store, seed=3)

    async def keep_happening() -> None:
        while True:
            await asyncio.sleep(0.05)
            activity.step()

    feeder = asyncio.create_task(keep_happening())
    try:
        n = await asyncio.wait_for(
            watch(connection, ["forms", "pages"], None, True, 3, transport, out=out,
                  quota_share=1.0), timeout=60)
    finally:
        feeder.cancel()
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert n == 3 and len(lines) == 3
    assert {x["kind"] for x in lines} <= {"form_submitted", "page_visited"}
    assert all(x["lead_id"] for x in lines)


def test_unknown_stream_names_are_named_back() -> None:
    assert parse_streams("forms, pages") == ("forms", "pages")
    with pytest.raises(ValueError, match="unknown calls; choose from leads"):
        parse_streams("forms,calls")


def test_a_plain_event_line_reads_like_a_sentence() -> None:
    event = WatchEvent(key="event:1", kind=WatchKind.FORM, entity="event", record_id=1,
                       lead_id=7, occurred_at=datetime(2026, 11, 27, 10, tzinfo=UTC),
                       title="Contact us", lead_name="Ann Lee")
    line = event_line(event, catch_up=True, jsonl=False)
    assert "form submitted" in line and "Contact us — Ann Lee" in line
    assert line.endswith("(while closed)")


def test_ssui_sync_on_the_command_line_reports_what_it_copied(
        sandbox: SandboxApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SSUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("SSUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SHARPSPRING_ACCOUNT_ID", sandbox.config.account_id)
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", sandbox.config.secret_key)
    monkeypatch.setenv("SHARPSPRING_BASE_URL", "http://127.0.0.1/pubapi")
    assert main(["sync"], transport=httpx.ASGITransport(app=sandbox)) == 0
    out, err = capsys.readouterr()
    assert "mirror of (environment) is up to date" in out
    assert re.search(r"\b[1-9][\d,]* leads\b", out), out
    assert sandbox.config.secret_key not in out + err


async def test_plain_watch_output_holds_no_control_character_from_lead_data(
        sandbox: SandboxApp, connection: Connection,
        client_on: Callable[[SandboxApp], SharpSpringClient]) -> None:
    from ssui.sandbox.messy import LEADS, load_messy

    transport = httpx.ASGITransport(app=sandbox)
    await sync(connection, full=False, transport=transport, out=io.StringIO())
    async with client_on(sandbox) as client:
        await load_messy(client.call)
    plain = io.StringIO()
    await asyncio.wait_for(watch(connection, ["leads"], None, False, len(LEADS), transport,
                                 out=plain, quota_share=1.0), timeout=60)
    text = plain.getvalue()
    assert "Every Control" in text and "␛[31mRED Colour" in text
    assert not [c for c in text if unicodedata.category(c) == "Cc" and c != "\n"]
    # JSON lines keep the exact value, escaped: a second consumer reads the same events.
    store = MirrorStore(mirror_path("sbx", connection.account_id))
    events = store.events(kinds=["lead_created"], limit=10_000)
    store.close()
    red = next(e for e in events if e.title.startswith("\x1b[31m"))
    line = event_line(red, catch_up=False, jsonl=True)
    assert "\\u001b[31mRED" in line and "\x1b" not in line
    assert json.loads(line)["title"] == red.title
    assert "␛[31mRED" in event_line(red, catch_up=False, jsonl=False)


async def test_leads_stored_by_ssui_sync_while_the_watch_was_closed_are_announced_on_its_return(
        sandbox: SandboxApp, connection: Connection,
        client_on: Callable[..., SharpSpringClient]) -> None:
    transport = httpx.ASGITransport(app=sandbox)
    await sync(connection, full=False, transport=transport, out=io.StringIO())
    # `ssui watch` ran before and stopped here: its place in the event log is kept.
    store = MirrorStore(mirror_path("sbx", connection.account_id))
    EventReader(store, "watch").skip_to_end()
    store.close()
    async with client_on(sandbox) as client:
        await client.create("lead", [{"emailAddress": f"while{i}@closed.example",
                                      "firstName": f"While{i}"} for i in range(3)])
    await sync(connection, full=False, transport=transport, out=io.StringIO())
    out = io.StringIO()
    n = await asyncio.wait_for(watch(connection, ["leads"], None, True, 3, transport, out=out,
                                     quota_share=1.0), timeout=30)
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert n == 3
    assert sorted(x["lead_email"] for x in lines) == [f"while{i}@closed.example"
                                                      for i in range(3)]
    assert all(x["catch_up"] for x in lines)  # they happened while it was closed


async def test_ssui_sync_catches_up_every_mirrored_entity_links_included(
        sandbox: SandboxApp, connection: Connection,
        client_on: Callable[..., SharpSpringClient]) -> None:
    transport = httpx.ASGITransport(app=sandbox)
    await sync(connection, full=False, transport=transport, out=io.StringIO())
    store = MirrorStore(mirror_path("sbx", connection.account_id))
    opportunity = sorted(store.ids("opportunity"))[0]
    lead = sorted(store.ids("lead"))[-1]
    store.close()
    async with client_on(sandbox) as client:
        (link,) = await client.create("opportunity_lead",
                                      [{"opportunityID": opportunity, "leadID": lead}])
    assert link.success and link.id is not None
    prog = await sync(connection, full=False, transport=transport, out=io.StringIO())
    assert prog.per_entity.get("opportunity_lead") == 1
    store = MirrorStore(mirror_path("sbx", connection.account_id))
    assert store.get("opportunity_lead", link.id) is not None  # the link made after the copy
    store.close()


async def test_watch_count_leaves_the_rest_of_a_batch_for_the_next_run(
        sandbox: SandboxApp, connection: Connection,
        client_on: Callable[..., SharpSpringClient]) -> None:
    transport = httpx.ASGITransport(app=sandbox)
    await sync(connection, full=False, transport=transport, out=io.StringIO())
    store = MirrorStore(mirror_path("sbx", connection.account_id))
    EventReader(store, "watch").skip_to_end()
    store.close()
    async with client_on(sandbox) as client:
        await client.create("lead", [{"emailAddress": f"n{i}@count.example"} for i in range(5)])
    await sync(connection, full=False, transport=transport, out=io.StringIO())  # one batch
    printed = []
    for count in (2, 3):
        out = io.StringIO()
        await asyncio.wait_for(watch(connection, ["leads"], None, True, count, transport,
                                     out=out, quota_share=1.0), timeout=30)
        printed.append([json.loads(x)["lead_email"] for x in out.getvalue().splitlines()])
    assert [len(p) for p in printed] == [2, 3]
    assert sorted(printed[0] + printed[1]) == [f"n{i}@count.example" for i in range(5)]


class Outage(httpx.AsyncBaseTransport):
    """The sandbox, unreachable while ``down`` is set (every request: connection refused)."""

    def __init__(self, app: SandboxApp) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.down = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)


async def test_during_an_outage_the_watch_says_so_and_resumes_when_the_server_is_back(
        sandbox: SandboxApp, connection: Connection,
        client_on: Callable[..., SharpSpringClient]) -> None:
    outage = Outage(sandbox)
    await sync(connection, full=False, transport=outage, out=io.StringIO())
    out, err = io.StringIO(), io.StringIO()
    task = asyncio.create_task(watch(connection, ["leads"], None, True, 1, outage, out=out,
                                     err=err, quota_share=1.0))
    await asyncio.sleep(1.5)  # watching
    outage.down = True
    async with asyncio.timeout(30):
        while "retrying" not in err.getvalue():
            await asyncio.sleep(0.2)
    async with client_on(sandbox) as client:
        await client.create("lead", [{"emailAddress": "after@outage.example"}])
    outage.down = False
    n = await asyncio.wait_for(task, timeout=60)
    assert n == 1 and "after@outage.example" in out.getvalue()
    said = err.getvalue()
    assert ": retrying (Could not connect to 127.0.0.1" in said  # what, and why


async def test_the_watch_says_once_what_fails_and_once_that_it_is_back() -> None:
    from types import SimpleNamespace

    from ssui.cli.mirror import _report_outages
    from ssui.mirror.scheduler import Stream, StreamStatus

    async def idle() -> None:
        return None

    stream = Stream("activity", idle, share=1.0, status=StreamStatus.OK)
    mirror: Any = SimpleNamespace(scheduler=SimpleNamespace(streams={"activity": stream}),
                                  first_sync_retry=None)
    err = io.StringIO()
    reporter = asyncio.create_task(_report_outages(mirror, err, every=0.01))
    await asyncio.sleep(0.05)
    stream.status, stream.last_error = StreamStatus.RETRYING, "HTTP 503 from SharpSpring"
    await asyncio.sleep(0.05)
    stream.status, stream.last_error = StreamStatus.OK, None
    await asyncio.sleep(0.05)
    reporter.cancel()
    await asyncio.gather(reporter, return_exceptions=True)
    assert err.getvalue().splitlines() == [
        "ssui watch: activity: retrying (HTTP 503 from SharpSpring)",
        "ssui watch: back in sync"]


async def test_leads_a_full_copy_made_again_is_first_to_store_are_announced(
        sandbox: SandboxApp, connection: Connection,
        client_on: Callable[..., SharpSpringClient]) -> None:
    # `ssui sync --full` on a mirror copied before: what it stores that the mirror never
    # knew was created since, and `ssui watch` says so (the first copy announces nothing).
    transport = httpx.ASGITransport(app=sandbox)
    await sync(connection, full=False, transport=transport, out=io.StringIO())
    store = MirrorStore(mirror_path("sbx", connection.account_id))
    assert store.events(kinds=["lead_created"], limit=10) == []
    EventReader(store, "watch").skip_to_end()
    store.close()
    async with client_on(sandbox) as client:
        await client.create("lead", [{"emailAddress": f"full{i}@again.example"}
                                     for i in range(3)])
    await sync(connection, full=True, transport=transport, out=io.StringIO())
    await sync(connection, full=False, transport=transport, out=io.StringIO())  # no twice
    out = io.StringIO()
    n = await asyncio.wait_for(watch(connection, ["leads"], None, True, 3, transport, out=out,
                                     quota_share=1.0), timeout=30)
    assert n == 3
    assert sorted(json.loads(x)["lead_email"] for x in out.getvalue().splitlines()) == [
        f"full{i}@again.example" for i in range(3)]
    store = MirrorStore(mirror_path("sbx", connection.account_id))
    assert len(store.events(kinds=["lead_created"], limit=10)) == 3
    store.close()


class Holding(httpx.AsyncBaseTransport):
    """The sandbox, until ``hold`` is set: then a request is taken and never answered (a
    server that keeps the connection open, or sends a byte now and then)."""

    def __init__(self, app: SandboxApp) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.hold = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.hold:
            await asyncio.Event().wait()
        return await self.inner.handle_async_request(request)


async def test_a_server_that_never_answers_holds_no_watch_past_the_call_deadline(
        sandbox: SandboxApp, connection: Connection, monkeypatch: pytest.MonkeyPatch) -> None:
    from ssui import session as session_module

    holding = Holding(sandbox)
    await sync(connection, full=False, transport=holding, out=io.StringIO())
    monkeypatch.setattr(session_module, "CALL_DEADLINE", 0.5)
    err = io.StringIO()
    task = asyncio.create_task(watch(connection, ["leads"], None, True, 1, holding,
                                     out=io.StringIO(), err=err, quota_share=1.0))
    await asyncio.sleep(1.0)
    holding.hold = True
    try:
        async with asyncio.timeout(30):
            while "did not answer within 0.5 s" not in err.getvalue():
                await asyncio.sleep(0.1)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert ": retrying (SharpSpring did not answer within 0.5 s" in err.getvalue()
