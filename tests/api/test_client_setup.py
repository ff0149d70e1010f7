"""A client is built for one account, one endpoint and one API version, and says so plainly."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

import pytest

from ssui.api import SharpSpringClient

from .conftest import MakeClient
from .fakes import ACCOUNT, SECRET, FakeApi


@pytest.mark.parametrize(
    ("base_url", "version", "endpoint"),
    [
        ("https://api.sharpspring.com/pubapi", "v1.2", "https://api.sharpspring.com/pubapi/v1.2/"),
        ("https://api.sharpspring.com/pubapi/", "v1", "https://api.sharpspring.com/pubapi/v1/"),
        ("http://127.0.0.1:8765", "v1", "http://127.0.0.1:8765/v1/"),
    ],
)
async def test_endpoint_is_the_base_url_plus_the_version(
    base_url: str, version: str, endpoint: str
) -> None:
    async with SharpSpringClient(ACCOUNT, SECRET, base_url=base_url,
                                 api_version=version) as client:
        assert str(client.endpoint) == endpoint


@pytest.mark.parametrize(
    ("base_url", "version", "endpoint"),
    [
        ("https://api.sharpspring.com/pubapi/v1.2/", None, "https://api.sharpspring.com/pubapi/v1.2/"),
        ("https://api.sharpspring.com/pubapi/v1.2", "v1.2", "https://api.sharpspring.com/pubapi/v1.2/"),
        ("https://api.sharpspring.com/pubapi/v1", None, "https://api.sharpspring.com/pubapi/v1/"),
        ("https://api.sharpspring.com/pubapi/v1/", "v1", "https://api.sharpspring.com/pubapi/v1/"),
        ("http://127.0.0.1:8765/v1/", None, "http://127.0.0.1:8765/v1/"),
        ("https://api.sharpspring.com/pubapi", None, "https://api.sharpspring.com/pubapi/v1.2/"),
    ],
)
async def test_a_base_url_with_its_version_is_the_endpoint_not_a_doubled_version(
    base_url: str, version: str | None, endpoint: str
) -> None:
    async with SharpSpringClient(ACCOUNT, SECRET, base_url=base_url,
                                 api_version=version) as client:
        assert str(client.endpoint) == endpoint
        assert client.api_version == endpoint.rstrip("/").rsplit("/", 1)[1]
        # Raw console requests are relative to the base, without the version.
        assert not str(client._conn.base).rstrip("/").endswith(client.api_version)


@pytest.mark.parametrize(("base_url", "version"), [
    ("https://api.sharpspring.com/pubapi/v1/", "v1.2"),
    ("https://api.sharpspring.com/pubapi/v1.2", "v1"),
])
def test_a_base_url_version_other_than_the_api_version_is_refused_naming_both(
    base_url: str, version: str
) -> None:
    url_version = base_url.rstrip("/").rsplit("/", 1)[1]
    with pytest.raises(ValueError, match=rf"names API version {url_version} but the API version"
                                         rf" is set to {version};") as caught:
        SharpSpringClient(ACCOUNT, SECRET, base_url=base_url, api_version=version)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("version", ["v2", "1.2", "", "V1"])
def test_unknown_api_versions_are_refused(version: str) -> None:
    with pytest.raises(ValueError, match=r"use one of v1, v1\.2"):
        SharpSpringClient(ACCOUNT, SECRET, api_version=version)


@pytest.mark.parametrize(("account", "secret"), [("", SECRET), ("  ", SECRET), (ACCOUNT, "")])
def test_empty_credentials_are_refused(account: str, secret: str) -> None:
    with pytest.raises(ValueError, match="is empty"):
        SharpSpringClient(account, secret)


async def test_v1_2_speaks_utc_and_v1_the_accounts_zone(make_client: MakeClient) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert make_client(api_version="v1.2", account_tz=berlin).tz is UTC
    assert make_client(api_version="v1", account_tz=berlin).tz is berlin
    assert make_client(api_version="v1").tz is UTC


async def test_async_with_closes_the_connection(api: FakeApi) -> None:
    import httpx

    async with SharpSpringClient(ACCOUNT, SECRET, transport=httpx.MockTransport(api),
                                 rate_limit=None) as client:
        await client.call("getLeads", {"where": {}})
    assert client.calls_made == 1
    with pytest.raises(RuntimeError):
        await client.call("getLeads", {"where": {}})


async def test_entity_lookup_falls_back_to_the_registry(client: SharpSpringClient) -> None:
    assert client.entity("lead").methods.list is not None
    with pytest.raises(KeyError):
        client.entity("spaceship")
