"""The loopback server: start/stop on an ephemeral port, ssui.api over real HTTP, activity."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ssui.api import RetryPolicy, SharpSpringClient
from ssui.sandbox import SandboxServer, parse_faults

from .conftest import base_config


def _wait(predicate: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("condition not met before the deadline")
        time.sleep(0.02)


def _client(server: SandboxServer, version: str = "v1.2") -> SharpSpringClient:
    return SharpSpringClient(server.account_id, server.secret_key, base_url=server.base_url,
                             api_version=version, retry=RetryPolicy(max_attempts=1))


async def test_the_server_serves_ssui_api_on_an_ephemeral_loopback_port() -> None:
    with SandboxServer(base_config()) as server:
        assert server.base_url.startswith("http://127.0.0.1:")
        assert server.port and server.port > 0
        async with _client(server) as client:
            lead = await client.get("lead", 1)
            assert lead is not None and lead["id"] == 1
            pages = [p async for p in client.iter_pages("account")]
            assert sum(len(p) for p in pages) == 20


def test_stop_releases_the_port() -> None:
    server = SandboxServer(base_config()).start()
    port = server.port
    assert port is not None
    server.stop()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0
    with pytest.raises(RuntimeError):
        _ = server.base_url


def test_default_credentials_are_the_documented_ones() -> None:
    server = SandboxServer(base_config())
    assert (server.account_id, server.secret_key) == ("SANDBOX", "sandbox-secret")


def test_a_dropped_connection_reaches_the_client_as_a_transport_error() -> None:
    with SandboxServer(base_config(faults=parse_faults("drop=1"))) as server:
        url = f"{server.base_url}/v1.2/"
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            httpx.post(url, params={"accountID": "SANDBOX", "secretKey": "sandbox-secret"},
                       json={"method": "getLead", "params": {"id": 1}, "id": "1"})


def test_activity_keeps_adding_records_while_served() -> None:
    with SandboxServer(base_config(activity=40.0)) as server:
        assert server.app is not None
        db = server.app.store.db
        before = db.execute("SELECT COUNT(*) FROM event").fetchone()[0]
        _wait(lambda: db.execute("SELECT COUNT(*) FROM event").fetchone()[0] >= before + 5)


def test_activity_stops_with_the_server(tmp_path: Path) -> None:
    db_path = tmp_path / "a.db"
    server = SandboxServer(base_config(db=db_path, activity=40.0, leads=50)).start()
    assert server.app is not None
    store = server.app.store
    _wait(lambda: store.db.execute("SELECT COUNT(*) FROM event").fetchone()[0] > 0)
    server.stop()
    import sqlite3

    with sqlite3.connect(db_path) as db:
        count = db.execute("SELECT COUNT(*) FROM event").fetchone()[0]
        time.sleep(0.2)
        assert db.execute("SELECT COUNT(*) FROM event").fetchone()[0] == count


def test_the_cli_prints_url_and_credentials_and_exits_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "ssui", "sandbox", "serve", "--db", str(tmp_path / "c.db"),
           "--leads", "30", "--activity", "0"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert "http://127.0.0.1:" in first and "/pubapi/v1.2/" in first
        assert "SANDBOX" in proc.stdout.readline()
        assert "sandbox-secret" in proc.stdout.readline()
        url = first.split(" at ")[1].split()[0]
        r = httpx.post(url, params={"accountID": "SANDBOX", "secretKey": "sandbox-secret"},
                       json={"method": "getLead", "params": {"id": 1}, "id": "1"})
        assert r.json()["result"]["lead"][0]["id"] == "1"
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and "Traceback" not in err


def test_the_cli_rejects_a_bad_fault_spec_in_one_line(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ssui", "sandbox", "serve", "--db", str(tmp_path / "d.db"),
         "--faults", "error=lots"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "error" in proc.stderr


def test_the_sandbox_never_imports_textual() -> None:
    code = "import sys, ssui.sandbox, ssui.cli.sandbox; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
