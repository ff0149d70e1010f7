"""Sync keeps the mirror equal to the account: full, incremental, deletes, resume."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from ssui.api import SharpSpringClient
from ssui.entities import entity
from ssui.mirror import MirrorStore, Query
from ssui.mirror.store import MIRRORED
from ssui.mirror.sync import PAGE, SyncCancelled, SyncEngine, SyncProgress
from ssui.sandbox import SandboxApp

ClientOn = Callable[..., SharpSpringClient]


async def api_view(client: SharpSpringClient, key: str) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    async for page in client.iter_pages(key):
        out.update({r["id"]: r for r in page})
    return out


async def test_full_sync_of_10_000_leads_equals_the_account_field_for_field(
        large_sandbox: SandboxApp, store: MirrorStore, client_on: ClientOn) -> None:
    async with client_on(large_sandbox) as client:
        progress: list[SyncProgress] = []
        await SyncEngine(client, store).full_sync(progress=lambda p: progress.append(p))
        assert progress[-1].done
        assert progress[-1].per_entity["lead"] >= 9_000  # inactive leads are hidden by the API
        await assert_mirror_equals_account(client, store)


async def assert_mirror_equals_account(client: SharpSpringClient, store: MirrorStore) -> None:
    for key in ("lead", "account", "opportunity", "campaign", "deal_stage", "user_profile"):
        remote = await api_view(client, key)
        assert remote, key
        local = {r["id"]: r for r in store.page(Query(key, limit=10**6))}
        assert local.keys() == remote.keys(), key
        for rid, rec in remote.items():
            mine = {k: local[rid].get(k) for k in rec}
            assert mine == rec, (key, rid)
    customs = store.entity("lead").custom_fields
    assert customs, "the seeded account has custom lead fields"
    lead = store.page(Query("lead", limit=1))[0]
    assert all(f.name in lead for f in customs)


async def test_progress_counts_records_and_calls(engine: SyncEngine) -> None:
    seen: list[tuple[str, int, int]] = []
    await engine.full_sync(progress=lambda p: seen.append((p.entity, p.records, p.calls)))
    records = [r for _, r, _ in seen]
    assert records == sorted(records)
    # One getFields call, then one page per other entity (each is under 500 rows here).
    assert seen[-1][2] == engine.calls == 1 + (len(MIRRORED) - 1)


async def test_changes_made_in_the_account_reach_the_mirror_incrementally(
        engine: SyncEngine, client: SharpSpringClient, store: MirrorStore) -> None:
    await engine.full_sync()
    lead = store.page(Query("lead", limit=1))[0]
    (upd,) = await client.update("lead", [{"id": lead["id"], "city": "Reykjavik"}])
    assert upd.success
    (made,) = await client.create("lead", [{"emailAddress": "new.person@example.org",
                                            "firstName": "New"}])
    assert made.success and made.id
    new, changed = await engine.incremental("lead")
    assert [r["id"] for r in new] == [made.id]
    assert lead["id"] in {r["id"] for r in changed}
    stored = store.get("lead", lead["id"])
    assert stored is not None and stored["city"] == "Reykjavik"
    assert store.count(Query("lead", search="reykjavik")) == 1
    # A second run finds nothing new: the overlap window is de-duplicated.
    new2, changed2 = await engine.incremental("lead")
    assert new2 == [] and changed2 == []


async def test_a_record_deleted_elsewhere_leaves_the_mirror(
        engine: SyncEngine, client: SharpSpringClient, store: MirrorStore) -> None:
    await engine.full_sync()
    a, b = (r["id"] for r in store.page(Query("account", limit=2)))
    assert all(r.success for r in await client.delete("account", [a, b]))
    # Read by id: an empty answer removes it.
    assert await engine.refresh_record("account", a) is None
    assert store.get("account", a) is None
    # The reconcile pass finds the other one.
    removed, _ = await engine.reconcile("account")
    assert removed == 1
    assert store.get("account", b) is None


async def test_a_lead_deactivated_elsewhere_stays_in_the_mirror_marked_inactive(
        engine: SyncEngine, client: SharpSpringClient, store: MirrorStore) -> None:
    await engine.full_sync()
    lead = store.page(Query("lead", limit=1))[0]
    assert lead["active"] is True
    (upd,) = await client.update("lead", [{"id": lead["id"], "active": False}])
    assert upd.success
    removed, deactivated = await engine.reconcile("lead")
    assert (removed, deactivated) == (0, 1)
    stored = store.get("lead", lead["id"])
    assert stored is not None and stored["active"] is False


class Recorder(httpx.AsyncBaseTransport):
    """Passes every request on to the sandbox, noting its method and its params."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(await request.aread())
        self.calls.append((body["method"], body["params"]))
        return await self.inner.handle_async_request(request)

    def offsets(self, key: str, since: int = 0) -> list[int]:
        """The offsets of the list calls for ``key`` among the calls from number ``since``."""
        return [p["offset"] for m, p in self.calls[since:] if m == list_method(key)]


def list_method(key: str) -> str:
    method = entity(key).methods.list
    assert method is not None, key
    return method.name


async def test_an_interrupted_sync_resumes_without_gaps_or_duplicates(
        large_sandbox: SandboxApp, store: MirrorStore, client_on: ClientOn) -> None:
    seen = Recorder(httpx.ASGITransport(app=large_sandbox))
    async with client_on(large_sandbox, transport=seen) as client:
        await _interrupt_and_resume(client, store, seen)


async def _interrupt_and_resume(client: SharpSpringClient, store: MirrorStore,
                                seen: Recorder) -> None:
    cancel = asyncio.Event()

    def stop_after_first_lead_page(p: SyncProgress) -> None:
        if p.entity == "lead" and p.per_entity.get("lead"):
            cancel.set()

    first = SyncEngine(client, store)
    with pytest.raises(SyncCancelled):
        await first.full_sync(progress=stop_after_first_lead_page, cancel=cancel)
    assert first.calls == len(seen.calls)
    checkpoint = first.state("lead")["offset"]
    assert checkpoint == store.count_all("lead")  # the checkpoint covers what was stored
    assert 0 < checkpoint < len(await api_view(client, "lead")) and checkpoint % PAGE == 0

    resumed_from = len(seen.calls)
    second = SyncEngine(client, store)
    await second.full_sync()
    assert second.calls == len(seen.calls) - resumed_from
    # The resumed run asked for the leads from the checkpoint on, each page once, no gaps
    # (the last pages may lie past the end: pages are fetched ahead)...
    leads = sorted(seen.offsets("lead", resumed_from))
    assert leads == list(range(checkpoint, checkpoint + PAGE * len(leads), PAGE))
    # ...and did not read again the entities the first run had finished (getFields is always
    # read: it says which custom fields the records carry).
    unfinished = MIRRORED[MIRRORED.index("lead"):]
    assert {m for m, _ in seen.calls[resumed_from:]} == {
        list_method("field"), *(list_method(k) for k in unfinished)}
    assert store.ids("lead") == set(await api_view(client, "lead"))


async def test_a_sync_under_injected_faults_resumes_to_a_complete_mirror(
        make_sandbox: Callable[..., SandboxApp], store: MirrorStore,
        client_on: ClientOn) -> None:
    from ssui.sandbox import parse_faults

    flaky = make_sandbox(faults=parse_faults("error=0.3,drop=0.1,ratelimit=0.2"))
    clean = make_sandbox()
    attempts = 0
    async with client_on(flaky) as client:
        while True:
            attempts += 1
            try:
                await SyncEngine(client, store).full_sync()
                break
            except Exception:
                assert attempts < 60, "the sync never got through the faults"
    assert attempts > 1, "the faults should have interrupted the sync at least once"
    async with client_on(clean) as reference:
        for key in ("lead", "account", "opportunity"):
            assert store.ids(key) == set(await api_view(reference, key)), key


async def test_custom_fields_known_before_survive_a_restart(
        engine: SyncEngine, client: SharpSpringClient, mirror_path: Any) -> None:
    await engine.full_sync()
    names = {f.name for f in engine.store.entity("lead").custom_fields}
    engine.store.close()
    again = MirrorStore(mirror_path)
    assert {f.name for f in again.entity("lead").custom_fields} == names
    assert SyncEngine(client, again).has_full_sync()
    again.close()


async def test_a_full_sync_removes_what_was_deleted_on_the_server_and_keeps_inactive_leads(
        engine: SyncEngine, client: SharpSpringClient, store: MirrorStore,
        sandbox: SandboxApp) -> None:
    await engine.full_sync()
    ids = sorted(store.ids("lead"))
    deleted, deactivated = ids[3], ids[4]
    (gone,) = await client.delete("lead", [deleted])
    assert gone.success
    sandbox.store.db.execute("UPDATE lead SET active = 0 WHERE id = ?", (deactivated,))
    account = sorted(store.ids("account"))[0]
    (gone_account,) = await client.delete("account", [account])
    assert gone_account.success
    await engine.full_sync(force=True)
    assert store.get("lead", deleted) is None  # `ssui sync --full` says the truth now
    assert store.get("account", account) is None
    kept = store.get("lead", deactivated)
    assert kept is not None  # hidden from lists as inactive, still there when asked by id
    assert len(store.ids("lead")) == len(ids) - 1
