"""Ways to embed the sandbox: in-process transport, argparse registration, config defaults."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

import httpx

from ssui.api import RetryPolicy, SharpSpringClient
from ssui.cli.sandbox import add_parsers
from ssui.sandbox import SandboxConfig, default_db_path, transport

from .conftest import BASE, base_config


async def test_the_in_process_transport_serves_ssui_api() -> None:
    async with SharpSpringClient("SANDBOX", "sandbox-secret", base_url=BASE,
                                 transport=transport(base_config()), rate_limit=None,
                                 retry=RetryPolicy(max_attempts=1)) as client:
        assert (await client.get("campaign", 1)) is not None


async def test_a_v1_client_pages_a_date_range_in_the_account_zone() -> None:
    async with SharpSpringClient("SANDBOX", "sandbox-secret", base_url=BASE, api_version="v1",
                                 transport=transport(base_config()), rate_limit=None,
                                 retry=RetryPolicy(max_attempts=1)) as client:
        start = datetime(2025, 1, 1, tzinfo=UTC)
        end = datetime(2025, 3, 1, tzinfo=UTC)
        seen = [r async for page in client.iter_date_range("lead", start, end, "create")
                for r in page]
        assert seen and all(start <= r["createTimestamp"] <= end for r in seen)


def test_add_parsers_registers_sandbox_serve_with_its_options() -> None:
    parser = argparse.ArgumentParser(prog="ssui")
    add_parsers(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["sandbox", "serve", "--port", "8123", "--no-limits", "--leads",
                              "10", "--daily-quota", "5", "--faults", "drop=0.1"])
    assert (args.port, args.no_limits, args.leads, args.daily_quota) == (8123, True, 10, 5)
    assert args.host == "127.0.0.1" and callable(args.handler)


def test_the_default_database_lives_in_the_user_data_dir() -> None:
    assert default_db_path().name == "sandbox.db" and "ssui" in default_db_path().parts
    assert SandboxConfig().db_path() == str(default_db_path())


async def test_a_dropped_request_in_process_is_an_httpx_transport_error() -> None:
    from ssui.sandbox import parse_faults

    t = transport(base_config(faults=parse_faults("drop=1")))
    async with httpx.AsyncClient(transport=t, base_url="http://127.0.0.1") as c:
        try:
            await c.post("/pubapi/v1.2/", json={"method": "getLead", "params": {}, "id": "1"})
        except httpx.TransportError:
            return
    raise AssertionError("the request was answered")
