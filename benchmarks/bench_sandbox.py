"""Sandbox benchmarks: seeding speed, paging throughput over loopback, idle CPU with activity.

Run: ``python benchmarks/bench_sandbox.py [--leads 100000] [--idle 10]``. Prints one line per
figure; targets: seeding 100,000 leads <= 20 s, paging >= 20,000 leads/s, idle CPU < 1 %.
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from ssui.sandbox import SandboxConfig, SandboxServer, create_app


def bench_seed(db: Path, leads: int) -> float:
    started = time.perf_counter()
    app = create_app(SandboxConfig(db=db, leads=leads, activity=0))
    elapsed = time.perf_counter() - started
    app.store.close()
    print(f"seed: {leads} leads in {elapsed:.1f} s")
    return elapsed


CREDS = {"accountID": "SANDBOX", "secretKey": "sandbox-secret"}


def page_all(url: str) -> tuple[int, float]:
    """Page every lead with limit 500 over raw httpx; (leads, seconds)."""
    with httpx.Client(timeout=60) as http:
        total, offset = 0, 0
        started = time.perf_counter()
        while True:
            body = {"method": "getLeads", "id": str(offset),
                    "params": {"where": {}, "limit": 500, "offset": offset}}
            page = http.post(url, params=CREDS, json=body).json()["result"]["lead"]
            total += len(page)
            offset += 500
            if len(page) < 500:
                break
        return total, time.perf_counter() - started


def bench_paging_thread(db: Path) -> float:
    """Server in a thread of this process (as ``ssui --sandbox`` runs it): one GIL for both."""
    with SandboxServer(SandboxConfig(db=db, activity=0, limits=False)) as server:
        total, elapsed = page_all(f"{server.base_url}/v1.2/")
    rate = total / elapsed
    print(f"paging, server in-thread: {total} leads in {elapsed:.2f} s = {rate:,.0f} leads/s")
    return rate


def bench_paging_process(db: Path) -> float:
    """Server as ``ssui sandbox serve`` in its own process."""
    cmd = [sys.executable, "-m", "ssui", "sandbox", "serve", "--db", str(db), "--no-limits",
           "--activity", "0"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split(" at ")[1].split()[0]
        total, elapsed = page_all(url)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    rate = total / elapsed
    print(f"paging, server process: {total} leads in {elapsed:.2f} s = {rate:,.0f} leads/s")
    return rate


def bench_idle(db: Path, seconds: float) -> float:
    config = SandboxConfig(db=db, leads=2000)  # default activity: ~one insert every 3 s
    with SandboxServer(config):
        time.sleep(1.0)  # let start-up work settle
        cpu0, wall0 = time.process_time(), time.perf_counter()
        time.sleep(seconds)
        cpu = time.process_time() - cpu0
        wall = time.perf_counter() - wall0
    share = 100 * cpu / wall
    print(f"idle with activity: {share:.2f} % of a core over {wall:.0f} s")
    return share


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--idle", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.db"
        bench_seed(big, args.leads)
        bench_paging_thread(big)
        bench_paging_process(big)
        bench_idle(Path(tmp) / "idle.db", args.idle)


if __name__ == "__main__":
    main()
