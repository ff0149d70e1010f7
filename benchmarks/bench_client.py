"""Client overhead per call over raw httpx, on an in-process transport.

Both sides talk to the same httpx.MockTransport, which echoes the request id into a canned
getLeads answer (10 leads), so the difference is what SharpSpringClient.call adds: envelope
building, id check, error mapping, retry bookkeeping and quota counting (rate limit off).

Run: python benchmarks/bench_client.py [calls]
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import httpx

from ssui.api import SharpSpringClient

URL = "https://api.sharpspring.com/pubapi/v1.2/"
AUTH = {"accountID": "ACC123", "secretKey": "bench-secret"}
PARAMS = {"where": {}, "limit": 10, "offset": 0}
LEAD = {
    "id": "1", "accountID": None, "ownerID": "311", "campaignID": "42", "leadStatus": "open",
    "leadScore": "15", "active": "1", "firstName": "Ann", "lastName": "Lee",
    "emailAddress": "ann@example.com", "companyName": "Acme", "title": "CEO",
    "isUnsubscribed": "0", "updateTimestamp": "2026-11-27 10:00:00",
    "createTimestamp": "2026-11-20 08:30:15",
}
BEFORE, AFTER = json.dumps(
    {"result": {"lead": [LEAD] * 10}, "error": None, "id": "@@ID@@"}
).encode().split(b'"@@ID@@"')


def handler(request: httpx.Request) -> httpx.Response:
    request_id = json.loads(request.content)["id"]
    return httpx.Response(200, content=BEFORE + json.dumps(request_id).encode() + AFTER,
                          headers={"content-type": "application/json"})


async def raw_calls(n: int) -> float:
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        start = time.perf_counter()
        for i in range(n):
            response = await http.post(
                URL, params=AUTH, json={"method": "getLeads", "params": PARAMS, "id": str(i)}
            )
            body: Any = response.json()
            assert body["error"] is None
        return time.perf_counter() - start


async def client_calls(n: int) -> float:
    async with SharpSpringClient(
        AUTH["accountID"], AUTH["secretKey"], transport=httpx.MockTransport(handler),
        rate_limit=None,
    ) as client:
        start = time.perf_counter()
        for _ in range(n):
            result = await client.call("getLeads", PARAMS)
            assert len(result["lead"]) == 10
        return time.perf_counter() - start


async def main(n: int) -> None:
    await raw_calls(200)  # warm up imports and code paths
    await client_calls(200)
    raw = min([await raw_calls(n) for _ in range(3)])
    ours = min([await client_calls(n) for _ in range(3)])
    raw_us, ours_us = raw / n * 1e6, ours / n * 1e6
    print(f"calls per run            {n}")
    print(f"raw httpx post + json    {raw_us:8.1f} us/call")
    print(f"SharpSpringClient.call   {ours_us:8.1f} us/call")
    print(f"client overhead          {ours_us - raw_us:8.1f} us/call (target <= 500)")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000))
