"""What `ssui sync` and `ssui watch` say while they copy: a line per entity in words, on a
terminal redrawn in place, in a log one line each; a summary; events on lines of their own."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from ssui.cli import main
from ssui.cli.mirror import LOG_EVERY, _Bar, sync, sync_summary, watch
from ssui.config import Connection
from ssui.entities import entity
from ssui.mirror.sync import SyncProgress
from ssui.sandbox import SandboxApp
from ssui.sandbox.activity import ActivityStream

INTERNAL_NAMES = re.compile(r"opportunity_lead|user_profile|deal_stage|\bsyncing \w+:")


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as stderr (and stdout) are in a shell."""

    def isatty(self) -> bool:
        return True


def shown(text: str) -> list[str]:
    """The lines a terminal ends up showing: each redraw (\\r, erase line) replaces the last."""
    return [line.split("\r\033[K")[-1] for line in text.split("\n")]


@pytest.fixture
def connection(sandbox: SandboxApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Connection:
    monkeypatch.setenv("SSUI_DATA_DIR", str(tmp_path / "data"))
    return Connection(name="sbx", account_id=sandbox.config.account_id,
                      secret_key=SecretStr(sandbox.config.secret_key),
                      base_url="http://127.0.0.1/pubapi")


def entity_lines(per_entity: dict[str, int]) -> list[str]:
    return [f"{entity(k).plural} {n:,}" for k, n in per_entity.items()]


async def test_off_a_terminal_the_sync_logs_one_line_per_entity_in_words(
        sandbox: SandboxApp, connection: Connection) -> None:
    err = io.StringIO()
    report = await sync(connection, full=False, transport=httpx.ASGITransport(app=sandbox),
                        out=err)
    text = err.getvalue()
    assert "\r" not in text and "\033" not in text
    assert not INTERNAL_NAMES.search(text), text
    lines = text.splitlines()
    # Each entity's own count, not a running total: "Leads 300", "Opportunity leads 45".
    assert lines == entity_lines(report.per_entity)
    assert f"Leads {report.per_entity['lead']:,}" in lines
    assert any(line.startswith("Opportunity leads ") for line in lines)
    assert any(line.startswith("Users ") for line in lines)


async def test_on_a_terminal_each_entity_line_is_redrawn_then_kept(
        sandbox: SandboxApp, connection: Connection) -> None:
    err = Terminal()
    report = await sync(connection, full=False, transport=httpx.ASGITransport(app=sandbox),
                        out=err)
    text = err.getvalue()
    assert text.endswith("\n")  # the last line is ended: the summary starts on its own
    assert shown(text)[:-1] == entity_lines(report.per_entity)
    assert not INTERNAL_NAMES.search(text)


async def test_the_summary_counts_each_entity_in_words_and_the_time(
        sandbox: SandboxApp, connection: Connection) -> None:
    transport = httpx.ASGITransport(app=sandbox)
    report = await sync(connection, full=False, transport=transport, out=io.StringIO())
    n = report.per_entity
    assert re.fullmatch(rf"Synced {n['lead']:,} leads, {n['account']:,} accounts, .*"
                        r" in \d+\.\d s \(\d+ calls\)", report.summary), report.summary
    assert f"{n['opportunity_lead']:,} opportunity leads" in report.summary
    assert f"{n['user_profile']:,} users" in report.summary
    assert not INTERNAL_NAMES.search(report.summary)
    again = await sync(connection, full=False, transport=transport, out=io.StringIO())
    assert again.caught_up and again.summary.startswith("No changes in ")


async def test_a_catch_up_sync_says_what_changed_per_entity(
        sandbox: SandboxApp, connection: Connection) -> None:
    from ssui.api import RetryPolicy, SharpSpringClient

    transport = httpx.ASGITransport(app=sandbox)
    await sync(connection, full=False, transport=transport, out=io.StringIO())
    async with SharpSpringClient(sandbox.config.account_id, sandbox.config.secret_key,
                                 base_url="http://127.0.0.1/pubapi", transport=transport,
                                 rate_limit=None, retry=RetryPolicy(max_attempts=1)) as client:
        await client.create("lead", [{"emailAddress": f"p{i}@progress.example"}
                                     for i in range(2)])
    err = io.StringIO()
    report = await sync(connection, full=False, transport=transport, out=err)
    assert err.getvalue().splitlines() == ["Leads 2 new or changed"]
    assert report.summary.startswith("Caught up 2 leads in ")


def test_ssui_sync_prints_the_summary_on_stdout_and_progress_on_stderr(
        sandbox: SandboxApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SSUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SHARPSPRING_ACCOUNT_ID", sandbox.config.account_id)
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", sandbox.config.secret_key)
    monkeypatch.setenv("SHARPSPRING_BASE_URL", "http://127.0.0.1/pubapi")
    assert main(["sync"], transport=httpx.ASGITransport(app=sandbox)) == 0
    out, err = capsys.readouterr()
    assert re.fullmatch(r"Synced [\d,]+ leads, .* in \d+\.\d s \(\d+ calls\);"
                        r" the mirror of \(environment\) is up to date\n", out), out
    assert "Leads " in err and "\r" not in err  # captured stderr is no terminal
    assert not INTERNAL_NAMES.search(out + err)


def test_a_long_entity_off_a_terminal_says_how_far_it_got_now_and_then() -> None:
    now = [0.0]
    err = io.StringIO()
    bar = _Bar(err, clock=lambda: now[0], expected={"lead": 2_000})
    prog = SyncProgress(entity="lead", entities_done=5, entities_total=8)
    bar._entities_done = 5  # the five entities before leads are done
    for page in range(1, 5):
        now[0] += LOG_EVERY / 2
        prog.per_entity["lead"] = page * 500
        bar(prog)
    prog.entities_done += 1
    bar(prog)
    assert err.getvalue().splitlines() == ["Leads 1,000 of about 2,000 …",
                                           "Leads 2,000 …", "Leads 2,000"]


def test_the_sync_summary_puts_leads_first_and_counts_one_in_the_singular() -> None:
    prog = SyncProgress(calls=1, per_entity={"user_profile": 1, "deal_stage": 0, "lead": 12_000,
                                             "opportunity_lead": 3})
    assert sync_summary(prog, 4.24) == ("Synced 12,000 leads, 3 opportunity leads, 1 user"
                                        " in 4.2 s (1 call)")


async def test_on_a_new_mirror_the_first_watch_event_starts_a_line_of_its_own(
        sandbox: SandboxApp, connection: Connection) -> None:
    # stdout and stderr on one terminal: the first sync's progress (stderr), then events.
    screen = Terminal()
    activity = ActivityStream(sandbox.store, seed=3)

    async def keep_happening() -> None:
        while True:
            await asyncio.sleep(0.05)
            activity.step()

    feeder = asyncio.create_task(keep_happening())
    try:
        n = await asyncio.wait_for(
            watch(connection, ["forms", "pages"], None, False, 2,
                  httpx.ASGITransport(app=sandbox), out=screen, err=screen, quota_share=1.0),
            timeout=60)
    finally:
        feeder.cancel()
    assert n == 2
    text = screen.getvalue()
    events = [line for line in text.split("\n") if re.search(r"\d\d:\d\d:\d\d  ", line)]
    assert len(events) == 2, text
    # Each event is a line of its own, not the tail of the progress line ("…Opportunity
    # leads 45" + "\r\033[K…" + "10:02:03  page visited …").
    assert all(re.match(r"\d\d:\d\d:\d\d  ", line) for line in events), events
    lines = shown(text)
    assert any(line.startswith("Opportunity leads ") for line in lines)
    assert any(line.startswith("ssui watch: synced ") for line in lines)
