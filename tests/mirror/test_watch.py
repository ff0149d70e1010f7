"""Watches: each new lead, account, opportunity, email open, page visit and form fill is
announced exactly once, across restarts, with what happened while closed as one catch-up."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ssui.api import SharpSpringClient
from ssui.mirror import MirrorStore
from ssui.mirror.sync import SyncEngine
from ssui.mirror.watch import WatchEngine, WatchKind
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


async def poll_all(watch: WatchEngine) -> list[dict[str, object]]:
    got: list[dict[str, object]] = []
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
    got = Counter(str(e["kind"]) for e in delivered)
    assert len({e["key"] for e in delivered}) == len(delivered), "an event came twice"
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
    (form,) = [e for e in batch.events if e["kind"] == WatchKind.FORM]
    lead = store.get("lead", int(form["lead_id"]))  # type: ignore[call-overload]
    assert lead is not None
    assert form["detail"] == store.entity("lead").display_name(lead)
    history = store.events(lead_id=lead["id"], newest_first=True)
    assert history[0]["key"] == form["key"]
