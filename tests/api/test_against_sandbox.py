"""The client against the sandbox over real loopback HTTP: what a user's calls meet."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from ssui.api import (
    AuthError,
    MethodNotFoundError,
    OutcomeUnknownError,
    RetryPolicy,
    SharpSpringClient,
)
from ssui.sandbox import SandboxConfig, SandboxServer, parse_faults


def loopback_client(server: SandboxServer, **kw: Any) -> SharpSpringClient:
    kw.setdefault("rate_limit", None)
    kw.setdefault("base_url", server.base_url)
    return SharpSpringClient(server.account_id, server.secret_key, **kw)


async def test_paging_over_loopback_reads_every_active_lead_once(
        sandbox_server: SandboxServer) -> None:
    async with loopback_client(sandbox_server) as client:
        ids: list[int] = []
        pages = 0
        async for page in client.iter_pages("lead", page_size=60):
            pages += 1
            ids.extend(r["id"] for r in page)
        assert len(ids) == len(set(ids)) > 150
        # One call per page, plus at most one empty page to learn that it has ended.
        assert client.calls_made in (pages, pages + 1)
        one = await client.get("lead", ids[0])
        assert one is not None and one["id"] == ids[0]


@pytest.mark.parametrize(("suffix", "version"), [
    ("/v1.2/", "v1.2"), ("/v1.2", "v1.2"), ("/v1/", "v1"), ("/v1", "v1")])
async def test_a_base_url_given_with_its_version_reaches_the_sandbox(
        sandbox_server: SandboxServer, suffix: str, version: str) -> None:
    # What `ssui sandbox serve` prints is the endpoint itself: pasted as a base URL, it works.
    async with loopback_client(sandbox_server, base_url=sandbox_server.base_url + suffix,
                               retry=RetryPolicy(max_attempts=1)) as client:
        assert client.api_version == version
        assert await client.page("lead", 0, limit=2)
        raw = await client.request_raw("POST", f"{version}/", content=b"{}")
        assert raw.request.url.path == f"/pubapi/{version}/"


async def test_a_wrong_secret_is_an_auth_error_that_never_shows_the_secret(
        sandbox_server: SandboxServer) -> None:
    wrong = "not-the-secret-123"
    async with SharpSpringClient(sandbox_server.account_id, wrong,
                                 base_url=sandbox_server.base_url) as client:
        with pytest.raises(AuthError) as err:
            await client.call("getLeads", {"where": {}, "limit": 1})
    assert err.value.code == 105
    assert wrong not in str(err.value) and wrong not in repr(err.value)


async def test_an_unknown_method_is_named_in_the_error(sandbox_server: SandboxServer) -> None:
    async with loopback_client(sandbox_server) as client:
        with pytest.raises(MethodNotFoundError) as err:
            await client.call("getLeedz", {})
    assert err.value.code == 204


def test_the_client_limiter_keeps_a_burst_inside_the_servers_10_per_second() -> None:
    async def burst() -> None:
        config = SandboxConfig(db=":memory:", leads=20, activity=0)  # limits on
        with SandboxServer(config) as server:
            async with loopback_client(server, rate_limit=10.0,
                                       retry=RetryPolicy(max_attempts=1)) as client:
                # 15 calls at once: without the limiter the server would answer 107.
                await asyncio.gather(*(client.call("getUserProfiles", {"where": {}})
                                       for _ in range(15)))
    asyncio.run(burst())


def test_reads_get_through_injected_server_errors_by_retrying() -> None:
    async def flaky() -> int:
        config = SandboxConfig(db=":memory:", leads=20, activity=0, limits=False,
                               faults=parse_faults("error=0.4"))
        with SandboxServer(config) as server:
            retry = RetryPolicy(max_attempts=8, base_delay=0.01, max_delay=0.05)
            async with loopback_client(server, retry=retry) as client:
                for _ in range(10):
                    await client.call("getUserProfiles", {"where": {}})
                return client.calls_made
    assert asyncio.run(flaky()) > 10  # some calls needed a second try, none failed


def test_a_create_whose_answer_is_lost_is_not_sent_again() -> None:
    async def dropped() -> tuple[OutcomeUnknownError, int]:
        config = SandboxConfig(db=":memory:", leads=20, activity=0, limits=False,
                               faults=parse_faults("drop=1"))
        with SandboxServer(config) as server:
            async with loopback_client(server) as client:
                with pytest.raises(OutcomeUnknownError) as err:
                    await client.create("lead", [{"emailAddress": "once@example.org"}])
                return err.value, client.calls_made
    err, calls = asyncio.run(dropped())
    assert calls == 1
    assert "may or may not" in str(err)
