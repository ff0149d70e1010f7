"""Watches: each new lead, account, opportunity, email open, page visit and form fill is
announced exactly once, across restarts, with what happened while closed as one catch-up."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ssui.api import SharpSpringClient
from ssui.mirror import MirrorStore
from ssui.mirror.account import AccountMirror
from ssui.mirror.scheduler import StreamStatus
from ssui.mirror.sync import SyncCancelled, SyncEngine
from ssui.mirror.watch import WatchBatch, WatchEngine, WatchEvent, WatchKind
from ssui.sandbox import SandboxApp
from ssui.sandbox.activity import ActivityStream


def sandbox_counts(app: SandboxApp) -> Counter[str]:
    db = app.store.db
    return Counter({
        "lead": db.execute("SELECT count(*) FROM lead").fetchone()[0],
        "opportunity": db.execute("SELECT count(*) FROM opportunity").fetchone()[0],
        **{src: db.execute("SELECT count(*) FROM event WHERE eventSource = ?",
                           (src,)).fetchone()[0]
           for src in ("formSubmit", "pageVisit", "emailOpened")},
    })


async def poll_all(watch: WatchEngine) -> list[WatchEvent]:
    got: list[WatchEvent] = []
    batch, _ = await watch.poll_activity()
    if batch:
        got.extend(batch.events)
    for key in ("lead", "opportunity", "account"):
        b = await watch.poll_records(key)
        if b:
            got.extend(b.events)
    return got


async def test_activity_yields_exactly_one_event_per_new_item_across_a_restart(
        sandbox: SandboxApp, client: SharpSpringClient, mirror_path: Path) -> None:
    store = MirrorStore(mirror_path)
    engine = SyncEngine(client, store)
    await engine.full_sync()
    watch = WatchEngine(engine)
    assert await poll_all(watch) == []  # the first run only records history

    activity = ActivityStream(sandbox.store, seed=5)
    before = sandbox_counts(sandbox)
    kinds = [activity.step() for _ in range(40)]
    delivered = await poll_all(watch)
    # Polling again (overlap windows) delivers nothing twice.
    delivered += await poll_all(watch)

    # ssui closes; more happens; it starts again with the same mirror file.
    store.close()
    kinds += [activity.step() for _ in range(25)]
    store = MirrorStore(mirror_path)
    watch = WatchEngine(SyncEngine(client, store))
    batch, _ = await watch.poll_activity()
    assert batch is not None and batch.catch_up
    delivered += list(batch.events)
    for key in ("lead", "opportunity", "account"):
        b = await watch.poll_records(key)
        delivered += list(b.events) if b else []
    delivered += await poll_all(watch)

    after = sandbox_counts(sandbox)
    got = Counter(e.kind for e in delivered)
    assert len({e.key for e in delivered}) == len(delivered), "an event came twice"
    assert got[WatchKind.LEAD] == after["lead"] - before["lead"] > 0
    assert got[WatchKind.OPPORTUNITY] == after["opportunity"] - before["opportunity"]
    assert got[WatchKind.FORM] == after["formSubmit"] - before["formSubmit"] > 0
    assert got[WatchKind.PAGE] == after["pageVisit"] - before["pageVisit"] > 0
    assert got[WatchKind.EMAIL] == after["emailOpened"] - before["emailOpened"]
    assert kinds  # the activity stream really ran
    store.close()


async def test_events_name_the_lead_and_are_kept_as_history(
        sandbox: SandboxApp, client: SharpSpringClient, store: MirrorStore) -> None:
    engine = SyncEngine(client, store)
    await engine.full_sync()
    watch = WatchEngine(engine)
    await watch.poll_activity()
    activity = ActivityStream(sandbox.store, seed=9)
    while activity.step() != "formSubmit":
        pass
    batch, _ = await watch.poll_activity()
    assert batch is not None and not batch.catch_up
    (form,) = [e for e in batch.events if e.kind is WatchKind.FORM]
    assert form.lead_id is not None
    lead = store.get("lead", form.lead_id)
    assert lead is not None
    assert form.lead_name == store.entity("lead").display_name(lead)
    assert form.lead_email == lead["emailAddress"]
    assert form.who == f"{form.lead_name} <{form.lead_email}>"
    assert form.title and form.title != "form submitted"  # the form's name
    history = store.events(lead_id=lead["id"], newest_first=True)
    assert history[0] == form  # what was announced is what the log keeps


async def test_two_consumers_on_one_mirror_each_receive_every_event(
        sandbox: SandboxApp, client: SharpSpringClient, mirror_path: Path,
        client_on: Callable[[SandboxApp], SharpSpringClient]) -> None:
    await SyncEngine(client, MirrorStore(mirror_path)).full_sync()
    # Two processes (the app and `ssui watch`) on one mirror file, each with its own client.
    other = client_on(sandbox)
    first = AccountMirror(client, MirrorStore(mirror_path), consumer="app")
    second = AccountMirror(other, MirrorStore(mirror_path), consumer="watch")
    heard: dict[str, list[WatchEvent]] = {"first": [], "second": []}
    first.on_batch(lambda b: heard["first"].extend(b.events))
    second.on_batch(lambda b: heard["second"].extend(b.events))

    await client.create("lead", [{"emailAddress": "both@see.example", "firstName": "Both"}])
    await first.poll_once("leads")   # the first stores the new lead and its event...
    await second.poll_once("leads")  # ...the second finds it known, and still hears of it
    for name in heard:
        assert [e.title for e in heard[name]] == ["Both"], name
        assert heard[name][0].lead_email == "both@see.example"

    # Neither hears it twice; and `ssui watch`, started again, hears what the app stored
    # meanwhile, as what happened while it was closed.
    await first.poll_once("leads")
    await second.poll_once("leads")
    assert len(heard["first"]) == len(heard["second"]) == 1
    await client.create("lead", [{"emailAddress": "later@see.example", "firstName": "Later"}])
    await first.poll_once("leads")
    again = AccountMirror(other, MirrorStore(mirror_path), consumer="watch")
    batches: list[WatchBatch] = []
    again.on_batch(batches.append)
    await again.poll_once("leads")
    assert [(e.title, b.catch_up) for b in batches for e in b.events] == [("Later", True)]
    await other.aclose()


async def test_a_new_consumer_starts_from_now(
        sandbox: SandboxApp, client: SharpSpringClient, mirror_path: Path) -> None:
    mirror = AccountMirror(client, MirrorStore(mirror_path), consumer="app")
    await mirror.sync.full_sync()
    await client.create("lead", [{"emailAddress": "before@see.example", "firstName": "Old"}])
    await mirror.poll_once("leads")
    newcomer = AccountMirror(client, MirrorStore(mirror_path), consumer="fresh")
    heard: list[WatchEvent] = []
    newcomer.on_batch(lambda b: heard.extend(b.events))
    await newcomer.poll_once("leads")
    assert heard == []
    await client.create("lead", [{"emailAddress": "after@see.example", "firstName": "New"}])
    await newcomer.poll_once("leads")
    assert [e.title for e in heard] == ["New"]


async def test_the_watch_keeps_delivering_through_errors_and_rate_limits(
        make_sandbox: Callable[..., SandboxApp], tmp_path: Path,
        client_on: Callable[..., SharpSpringClient]) -> None:
    """4 calls in 10 fail (5xx or 107), as in the probe that stopped the app's sync for good:
    the client's own retries give up now and then, and the first sync and the watches carry on
    anyway, on their own."""
    import asyncio

    from ssui.api import RetryPolicy
    from ssui.mirror.scheduler import Budget
    from ssui.sandbox.faults import parse_faults

    sandbox = make_sandbox(faults=parse_faults("error=0.3,ratelimit=0.1"))
    client = client_on(sandbox, retry=RetryPolicy())  # the app's own retry policy
    mirror = AccountMirror(client, MirrorStore(tmp_path / "mirror.db"),
                           Budget(daily_share=1.0, max_per_second=50.0), consumer="t")
    heard: list[WatchEvent] = []
    mirror.on_batch(lambda b: heard.extend(b.events))
    activity = ActivityStream(sandbox.store, seed=4)
    runner = asyncio.create_task(mirror.run())
    try:
        async with asyncio.timeout(60):
            while not mirror.sync.has_full_sync():
                await asyncio.sleep(0.05)
            while len(heard) < 5:
                activity.step()
                await asyncio.sleep(0.2)
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        await client.aclose()
    streams = mirror.scheduler.streams.values()
    assert sum(s.runs for s in streams if s.last_ok) > 0
    assert all(s.status is not StreamStatus.STOPPED for s in streams)
    assert len({e.key for e in heard}) == len(heard)  # nothing twice, faults or not


async def test_a_full_copy_cut_short_and_resumed_announces_the_records_it_stored_first(
        make_sandbox: Callable[..., SandboxApp],
        client_on: Callable[..., SharpSpringClient], mirror_path: Path) -> None:
    sandbox = make_sandbox(leads=1_200)
    async with client_on(sandbox) as client:
        store = MirrorStore(mirror_path)
        engine = SyncEngine(client, store)
        WatchEngine(engine)
        await engine.full_sync()
        created = await client.create("lead", [{"emailAddress": f"cut{i}@short.example"}
                                               for i in range(2)])
        # `ssui sync --full`, killed after the first page of leads...
        cancel = asyncio.Event()
        def after_first_page(prog: Any) -> None:
            if prog.per_entity.get("lead"):
                cancel.set()
        with pytest.raises(SyncCancelled):
            await engine.full_sync(force=True, progress=after_first_page, cancel=cancel)
        assert not engine.state("lead").get("full_done")
        store.close()
        # ...and resumed by another process: the new leads sit in the last page it stores.
        store = MirrorStore(mirror_path)
        engine = SyncEngine(client, store)
        watch = WatchEngine(engine)
        await engine.full_sync()
        logged = store.events(kinds=["lead_created"], limit=10)
        assert sorted(e.record_id or 0 for e in logged) == sorted(r.id or 0 for r in created)
        assert await watch.poll_records("lead") is None  # and never twice
        store.close()
