"""Writes go to the API first; the mirror changes only on success, from a fresh read."""

from __future__ import annotations

from ssui.api import DuplicateError, SharpSpringClient
from ssui.mirror import MirrorStore, Query
from ssui.mirror.account import AccountMirror, ConflictError
from ssui.sandbox import SandboxApp


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
    opened_at = lead["updateTimestamp"]
    # Someone else edits the lead in SharpSpring a minute later.
    with sandbox.store.transaction():
        sandbox.store.update("lead", lead["id"], {"city": "Elsewhere",
                                                  "updateTimestamp": "2031-01-01 00:00:00"})
    out = await mirror.update("lead", lead["id"], {"city": "Mine"}, opened_at=opened_at)
    assert not out.success and isinstance(out.error, ConflictError)
    assert "since you opened it" in str(out.error)
    remote = await client.get("lead", lead["id"])
    assert remote is not None and remote["city"] == "Elsewhere"  # nothing was overwritten


async def test_an_update_without_conflict_lands_and_refreshes_the_mirror(
        client: SharpSpringClient, store: MirrorStore) -> None:
    mirror = await synced(client, store)
    lead = store.page(Query("lead", limit=1))[0]
    out = await mirror.update("lead", lead["id"], {"city": "Tromsø"},
                              opened_at=lead["updateTimestamp"])
    assert out.success, out.error
    stored = store.get("lead", lead["id"])
    assert stored is not None and stored["city"] == "Tromsø"


async def test_a_delete_through_ssui_removes_the_record_at_once(
        client: SharpSpringClient, store: MirrorStore) -> None:
    mirror = await synced(client, store)
    acc = store.page(Query("account", limit=1))[0]["id"]
    (out,) = await mirror.delete("account", [acc])
    assert out.success
    assert store.get("account", acc) is None
