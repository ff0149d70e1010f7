"""Mirror benchmarks: query latency at 100,000 leads, and a full sync from the loopback sandbox.

Run: python benchmarks/bench_mirror.py [--leads 100000] [--skip-sync]
Targets (issue 4): page <= 10 ms, search <= 30 ms, count <= 30 ms; full sync of 100,000 leads
with limits off <= 15 s and <= 150 MB peak.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from ssui.mirror import Filter, MirrorStore, Query

FIRST = ["Ann", "Bob", "Carla", "Dmitri", "Eve", "Farah", "Gus", "Hana", "Ivan", "Jo", "Kemal",
         "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq"]
LAST = ["Lee", "Stone", "Garcia", "Nakamura", "Olsen", "Novak", "Rossi", "Dubois", "Silva",
        "Khan", "Meyer", "Kowalski", "Murphy", "Haddad", "Berg", "Costa", "Ito", "Ward"]
CITY = ["Oslo", "Paris", "Lyon", "Austin", "Denver", "Porto", "Kyoto", "Lagos", "Leeds", "Turin"]


def fake_leads(n: int, seed: int = 1) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    base = datetime(2025, 1, 1, tzinfo=UTC)
    out = []
    for i in range(1, n + 1):
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        out.append({
            "id": i, "firstName": first, "lastName": last,
            "emailAddress": f"{first}.{last}{i}@example{i % 97}.com".lower(),
            "companyName": f"{rnd.choice(LAST)} {rnd.choice(['Inc', 'GmbH', 'Ltd', 'SA'])}",
            "city": rnd.choice(CITY), "leadScore": rnd.randint(0, 100),
            "leadStatus": rnd.choice(["open", "qualified", "unqualified"]),
            "ownerID": rnd.randint(1, 8), "active": True,
            "updateTimestamp": base + timedelta(minutes=i),
            "createTimestamp": base + timedelta(minutes=i),
        })
    return out


def timed(fn: Callable[[], object], repeat: int = 21) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples), max(samples)


def bench_queries(n: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        store = MirrorStore(Path(d) / "bench.db")
        rows = fake_leads(n)
        t = time.perf_counter()
        store.upsert("lead", rows)
        print(f"upsert {n:,} leads: {time.perf_counter() - t:.2f} s")
        cases: list[tuple[str, Query]] = [
            ("page, first window", Query("lead", limit=50)),
            ("page, sorted by last name, middle", Query("lead", sort="lastName", offset=n // 2)),
            ("page, sorted desc by score", Query("lead", sort="leadScore", descending=True)),
            ("page, owner filter + sort", Query("lead", filters=(Filter("ownerID", "=", 3),),
                                                sort="lastName")),
            ("page, deepest window", Query("lead", offset=n - 50)),
        ]
        print(f"{'query':42} {'median ms':>10} {'max ms':>8}")
        for name, q in cases:
            med, worst = timed(partial(store.page, q))
            print(f"{name:42} {med:10.2f} {worst:8.2f}")
        for text in ("ann", "nakamura oslo", "example4"):
            q = Query("lead", search=text)
            med, worst = timed(partial(store.page, q))
            print(f"{'search page ' + repr(text):42} {med:10.2f} {worst:8.2f}")
            med, worst = timed(partial(store.count, q))
            print(f"{'search count ' + repr(text):42} {med:10.2f} {worst:8.2f}")
        for name, q in [("count, all", Query("lead")),
                        ("count, owner", Query("lead", filters=(Filter("ownerID", "=", 3),)))]:
            med, worst = timed(partial(store.count, q))
            print(f"{name:42} {med:10.2f} {worst:8.2f}")
        store.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def bench_full_sync(n: int) -> None:
    """The sandbox runs in its own process, so this process's peak memory is the mirror's."""
    from ssui.api import SharpSpringClient
    from ssui.mirror.sync import SyncEngine

    with tempfile.TemporaryDirectory() as d:
        port = _free_port()
        t = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-m", "ssui", "sandbox", "serve", "--port", str(port), "--db",
             str(Path(d) / "sandbox.db"), "--leads", str(n), "--activity", "0", "--no-limits"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            assert server.stdout is not None
            for line in server.stdout:  # the server prints its URL once it listens
                if "http://127.0.0.1" in line:
                    break
            print(f"sandbox (own process) seeded with {n:,} leads in"
                  f" {time.perf_counter() - t:.1f} s")
            base = f"http://127.0.0.1:{port}/pubapi"
            for rate, label in ((None, "limits off"), (10.0, "10 calls/s (the real limit)")):
                store = MirrorStore(Path(d) / f"mirror-{rate}.db")
                async with SharpSpringClient("SANDBOX", "sandbox-secret", base_url=base,
                                             rate_limit=rate) as client:
                    engine = SyncEngine(client, store)
                    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                    t = time.perf_counter()
                    prog = await engine.full_sync()
                    took = time.perf_counter() - t
                    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                print(f"full sync, {label}: {prog.records:,} records"
                      f" ({prog.per_entity.get('lead', 0):,} leads), {prog.calls} calls,"
                      f" {took:.1f} s; peak RSS {peak / 1024:.0f} MB"
                      f" (before the sync {before / 1024:.0f} MB)")
                store.close()
        finally:
            server.terminate()
            server.wait(10)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--leads", type=int, default=100_000)
    ap.add_argument("--skip-sync", action="store_true")
    ap.add_argument("--skip-queries", action="store_true")
    args = ap.parse_args()
    if not args.skip_queries:
        bench_queries(args.leads)
    if not args.skip_sync:
        asyncio.run(bench_full_sync(args.leads))


if __name__ == "__main__":
    main()
