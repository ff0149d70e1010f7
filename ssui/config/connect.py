"""Opening an API client for a connection, and checking a connection before it is saved."""

import httpx

from ssui.api import RetryPolicy, SharpSpringClient
from ssui.config.model import Connection

# A check is one call: a wrong host or key should be reported at once, not after backoff.
_CHECK_ONCE = RetryPolicy(max_attempts=1)


def open_client(
    connection: Connection,
    transport: httpx.AsyncBaseTransport | None = None,
    retry: RetryPolicy | None = None,
    *,
    deadline: float | None = None,
) -> SharpSpringClient:
    """A client for `connection`, to use as `async with open_client(...) as client:`.

    `deadline` bounds each call, retries included, to that many seconds (None: no bound).
    """
    return SharpSpringClient(
        connection.account_id,
        connection.secret_key.get_secret_value(),
        base_url=connection.base_url,
        api_version=connection.api_version,
        transport=transport,
        retry=retry,
        deadline=deadline,
    )


async def check_connection(
    connection: Connection, transport: httpx.AsyncBaseTransport | None = None
) -> None:
    """Make one cheap call with `connection`; raise the client's error if it fails."""
    async with open_client(connection, transport, retry=_CHECK_ONCE) as client:
        await client.call("getUserProfiles", {"where": {}, "limit": 1})
