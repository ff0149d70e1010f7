"""`ssui sync` under heavy faults: a failing call is tried longer before the sync gives up,
and when it does give up, its one line says what failed and that the next run resumes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from ssui.api import RetryPolicy
from ssui.cli import main
from ssui.cli.mirror import SYNC_RETRY
from ssui.sandbox import SandboxApp


class Flaky(httpx.AsyncBaseTransport):
    """The sandbox, but the first ``failures`` calls of ``method`` get HTTP 503."""

    def __init__(self, sandbox: SandboxApp, method: str, failures: int) -> None:
        self.inner = httpx.ASGITransport(app=sandbox)
        self.method = method
        self.failures = failures
        self.refused = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        if json.loads(body or b"{}").get("method") == self.method and self.failures > 0:
            self.failures -= 1
            self.refused += 1
            return httpx.Response(503, text="busy")
        return await self.inner.handle_async_request(request)


@pytest.fixture
def environment(sandbox: SandboxApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SHARPSPRING_ACCOUNT_ID", sandbox.config.account_id)
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", sandbox.config.secret_key)
    monkeypatch.setenv("SHARPSPRING_BASE_URL", "http://127.0.0.1/pubapi")
    # The same number of tries, without the real pauses between them.
    monkeypatch.setattr("ssui.cli.mirror.SYNC_RETRY",
                        RetryPolicy(max_attempts=SYNC_RETRY.max_attempts, base_delay=0,
                                    max_delay=0))


def test_a_sync_tries_longer_than_a_screen_would() -> None:
    assert SYNC_RETRY.max_attempts > RetryPolicy().max_attempts
    assert SYNC_RETRY.max_delay >= 30


@pytest.mark.usefixtures("environment")
def test_a_full_sync_rides_out_an_outage_longer_than_the_default_retries(
    sandbox: SandboxApp, capsys: pytest.CaptureFixture[str]
) -> None:
    flaky = Flaky(sandbox, "getLeads", failures=RetryPolicy().max_attempts + 2)
    assert main(["sync", "--full"], transport=flaky) == 0
    assert flaky.refused == RetryPolicy().max_attempts + 2
    assert capsys.readouterr().out.startswith("Synced ")


@pytest.mark.usefixtures("environment")
def test_a_sync_that_gives_up_says_progress_is_kept_and_the_next_run_resumes(
    sandbox: SandboxApp, capsys: pytest.CaptureFixture[str]
) -> None:
    flaky = Flaky(sandbox, "getLeads", failures=10_000)
    assert main(["sync", "--full"], transport=flaky) == 1
    assert flaky.refused == SYNC_RETRY.max_attempts
    out, err = capsys.readouterr()
    assert out == ""
    last = err.splitlines()[-1]
    assert re.fullmatch(
        r"ssui: sync stopped: SharpSpring is unavailable \(HTTP 503\); try again shortly "
        rf"\({SYNC_RETRY.max_attempts} attempts, \d+ s in all\)\. What it copied is kept; the "
        r"next `ssui sync` \(without --full, which starts over\) resumes from there", last), last
    assert "Traceback" not in err
    # And it does: the next plain run finishes the copy.
    assert main(["sync"], transport=httpx.ASGITransport(app=sandbox)) == 0
    assert capsys.readouterr().out.startswith("Synced ")
