"""Record ids are never handed out twice, even after the record that had one was deleted."""

from __future__ import annotations

from collections.abc import Callable

from ssui.api import SharpSpringClient
from ssui.sandbox import SandboxApp


async def test_the_id_of_a_deleted_lead_is_never_given_to_a_new_one(
        make_sandbox: Callable[..., SandboxApp],
        client_on: Callable[..., SharpSpringClient]) -> None:
    sandbox = make_sandbox(leads=20)
    async with client_on(sandbox) as client:
        (made,) = await client.create("lead", [{"emailAddress": "last@ids.example"}])
        assert made.success and made.id is not None
        (gone,) = await client.delete("lead", [made.id])
        assert gone.success
        (again,) = await client.create("lead", [{"emailAddress": "next@ids.example"}])
        assert again.success and again.id is not None and again.id > made.id
        assert await client.get("lead", made.id) is None
