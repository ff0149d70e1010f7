"""Writes go to the API first; the mirror changes only on success, from a fresh read."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import httpx
import pytest

from ssui.api import DuplicateError, NotFoundError, OutcomeUnknownError, SharpSpringClient
from ssui.mirror import MirrorStore, Query
from ssui.mirror.account import AccountMirror, ConflictError
from ssui.sandbox import SandboxApp
from ssui.sandbox.faults import FaultPlan, FaultSpec


async def synced(client: SharpSpringClient, store: MirrorStore) -> AccountMirror:
    mirror = AccountMirror(client, store)
    await mirror.ensure_synced()
    return mirror


async def test_a_created_lead_is_in_the_mirror_as_the_server_stored_it(
        client: SharpSpringClient, store: MirrorStore) -> None:
    mirror = await synced(client, store)
    changed: list[str] = []
    mirror.on_change(changed.append)
    (out,) = await mirror.create("lead", [{"emailAddress": "Zoe@Example.org",
                                           "firstName": "Zoe"}])
    assert out.success and out.record_id is not None
    assert out.record is not None
    assert out.record["leadStatus"] == "unqualified"  # the server's default, read back
    assert store.get("lead", out.record_id) == out.record
    assert changed == ["lead"]


async def test_a_failed_create_changes_nothing_local_and_says_why(
        client: SharpSpringClient, store: MirrorStore) -> None:
    mirror = await synced(client, store)
    taken = store.page(Query("lead", limit=1))[0]["emailAddress"]
    before = store.count_all("lead")
    ok, dup = await mirror.create("lead", [{"emailAddress": "fresh@example.org"},
                                           {"emailAddress": taken}])
    assert ok.success
    assert not dup.success and isinstance(dup.error, DuplicateError)
    assert store.count_all("lead") == before + 1


async def test_an_update_refuses_to_overwrite_a_change_made_since_the_user_opened_it(
        sandbox: SandboxApp, client: SharpSpringClient, store: MirrorStore) -> None:
    mirror = await synced(client, store)
    lead = store.page(Query("lead", limit=1))[0]
    # Someone else edits the lead in SharpSpring in the same second: updateTimestamp is
    # unchanged, so only the values tell.
    with sandbox.store.transaction():
        sandbox.store.update("lead", lead["id"], {"city": "Elsewhere"})
    out = await mirror.update("lead", lead["id"], {"city": "Mine"}, original=lead)
    assert not out.success and isinstance(out.error, ConflictError)
    assert [(c.field, c.original, c.theirs, c.mine) for c in out.error.clashes] == [
        ("city", lead["city"], "Elsewhere", "Mine")]
    remote = await client.get("lead", lead["id"])
    assert remote is not None and remote["city"] == "Elsewhere"  # nothing was overwritten
    assert out.record is not None and out.record["city"] == "Elsewhere"  # theirs, to compare


async def test_a_change_to_other_fields_on_the_server_is_kept_and_is_no_conflict(
        sandbox: SandboxApp, client: SharpSpringClient, store: MirrorStore) -> None:
    mirror = await synced(client, store)
    lead = store.page(Query("lead", limit=1))[0]
    with sandbox.store.transaction():
        sandbox.store.update("lead", lead["id"], {"title": "Their title",
                                                  "updateTimestamp": "2031-01-01 00:00:00"})
    out = await mirror.update("lead", lead["id"], {"city": "Mine"}, original=lead)
    assert out.success, out.error
    remote = await client.get("lead", lead["id"])
    assert remote is not None and (remote["city"], remote["title"]) == ("Mine", "Their title")


async def test_an_update_without_conflict_lands_and_refreshes_the_mirror(
        client: SharpSpringClient, store: MirrorStore) -> None:
    mirror = await synced(client, store)
    lead = store.page(Query("lead", limit=1))[0]
    out = await mirror.update("lead", lead["id"], {"city": "Tromsø"}, original=lead)
    assert out.success, out.error
    stored = store.get("lead", lead["id"])
    assert stored is not None and stored["city"] == "Tromsø"


async def test_an_update_of_a_record_deleted_on_the_server_says_not_found(
        sandbox: SandboxApp, client: SharpSpringClient, store: MirrorStore) -> None:
    mirror = await synced(client, store)
    lead = store.page(Query("lead", limit=1))[0]
    await client.delete("lead", [lead["id"]])
    for original in (lead, None):
        out = await mirror.update("lead", lead["id"], {"city": "Mine"}, original=original)
        assert not out.success and isinstance(out.error, NotFoundError)
        assert "deleted" in str(out.error)
    assert store.get("lead", lead["id"]) is None


class FailReads(httpx.AsyncBaseTransport):
    """Passes calls to the sandbox; once armed, every get* call fails with a 503."""

    def __init__(self, app: SandboxApp) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.armed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        method = json.loads(request.content or b"{}").get("method", "")
        if self.armed and method.startswith("get"):
            return httpx.Response(503, text="Service Unavailable")
        return await self.inner.handle_async_request(request)


async def test_a_write_the_api_applied_is_reported_applied_when_the_read_back_fails(
        sandbox: SandboxApp, client_on: Callable[..., SharpSpringClient],
        store: MirrorStore) -> None:
    transport = FailReads(sandbox)
    async with client_on(sandbox, transport=transport) as c:
        mirror = await synced(c, store)
        lead = store.page(Query("lead", limit=1))[0]
        transport.armed = True
        out = await mirror.update("lead", lead["id"], {"city": "Applied"})
        assert out.success and out.stale, out.error
        stored = store.get("lead", lead["id"])
        assert stored is not None and stored["city"] == "Applied"  # shown, not lost
        (made,) = await mirror.create("lead", [{"emailAddress": "made@example.org"}])
        assert made.success and made.stale and made.record_id is not None
        assert store.get("lead", made.record_id) is not None
        # The reads come back: the background refresh stores the server's copy.
        transport.armed = False
        for _ in range(100):
            fresh = store.get("lead", made.record_id)
            if fresh is not None and fresh.get("leadStatus") == "unqualified":
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the record was never read back")


async def test_a_create_whose_answer_was_lost_is_found_by_its_email_and_never_resent(
        make_sandbox: Callable[..., SandboxApp], client_on: Callable[..., SharpSpringClient],
        store: MirrorStore) -> None:
    sandbox = make_sandbox()
    async with client_on(sandbox) as c:
        mirror = await synced(c, store)
        before = len(sandbox.store.select("lead", ["id"]))
        sandbox.faults = FaultPlan(FaultSpec(lost=1.0), seed=1)
        with pytest.raises(OutcomeUnknownError):
            await mirror.create("lead", [{"emailAddress": "lost@example.org",
                                          "firstName": "Lost"}])
        sandbox.faults = None
        found = await mirror.find_created("lead", {"emailAddress": "LOST@example.org"})
        assert found is not None and found["firstName"] == "Lost"
        assert store.get("lead", found["id"]) is not None
        assert len(sandbox.store.select("lead", ["id"])) == before + 1  # sent once, made once
        assert await mirror.find_created("lead", {"emailAddress": "never@example.org"}) is None


async def test_a_delete_through_ssui_removes_the_record_at_once(
        client: SharpSpringClient, store: MirrorStore) -> None:
    mirror = await synced(client, store)
    acc = store.page(Query("account", limit=1))[0]["id"]
    (out,) = await mirror.delete("account", [acc])
    assert out.success
    assert store.get("account", acc) is None
