"""Two processes, one mirror: two `ssui sync` at once, or the app and `ssui sync`, both end well.

The syncs run as real processes (`python -m ssui sync --full`) against a sandbox served on a
loopback port, on one mirror file. A sync waits its turn while another holds the mirror (and
says so); the app's background polling retries while another process syncs, without failing.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ssui.api import SharpSpringClient
from ssui.config import resolve_connection
from ssui.mirror import MirrorStore, mirror_path
from ssui.mirror.lock import BUSY, MirrorBusy, MirrorLock
from ssui.mirror.scheduler import FAILING_AFTER, Scheduler, Stream, StreamStatus
from ssui.sandbox import SandboxServer
from ssui.sandbox.faults import parse_faults
from ssui.session import AccountSession

from .test_sync import assert_mirror_equals_account

if TYPE_CHECKING:
    from tests.conftest import SeededSandboxes

LEADS = 3_000
# Each answer is this late, so one full sync lasts a few seconds: long enough that a second
# one, started at the same moment, certainly finds the first still running.
LATENCY = "latency=300ms"
BAD = ("database is locked", "internal error", "Traceback", "OperationalError")
WAITING = f"{BUSY}; waiting"


@pytest.fixture
def server(seeded_sandboxes: SeededSandboxes, tmp_path: Path) -> Iterator[SandboxServer]:
    config = seeded_sandboxes.config(tmp_path / "sandbox.db", seed=3, leads=LEADS,
                                     faults=parse_faults(LATENCY))
    with SandboxServer(config) as srv:
        yield srv


@pytest.fixture
def env(server: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The environment of every `ssui` here, this process's included: one connection, one
    mirror (under a fresh data dir)."""
    values = {
        "SHARPSPRING_ACCOUNT_ID": server.account_id,
        "SHARPSPRING_SECRET_KEY": server.secret_key,
        "SHARPSPRING_BASE_URL": server.base_url,
        "SSUI_CONFIG_DIR": str(tmp_path / "config"),
        "SSUI_DATA_DIR": str(tmp_path / "data"),
    }
    for name in ("SSUI_PROFILE", "SHARPSPRING_API_VERSION", "SSUI_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return dict(os.environ)


@pytest.fixture
async def account(server: SandboxServer) -> AsyncIterator[SharpSpringClient]:
    """A client on the served sandbox, for comparing the mirror with it (call ``compare``)."""
    async with SharpSpringClient(server.account_id, server.secret_key,
                                 base_url=server.base_url) as client:
        yield client


async def compare(server: SandboxServer, account: SharpSpringClient, store: MirrorStore) -> None:
    """The mirror holds what the account holds, record for record, field for field."""
    assert server.app is not None
    server.app.faults = None  # no latency needed now
    await account.load_custom_fields()
    await assert_mirror_equals_account(account, store)


async def ssui_sync_full(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "ssui", "sync", "--full", env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def finished(proc: asyncio.subprocess.Process) -> tuple[int, str, str]:
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def the_mirror() -> MirrorStore:
    connection = resolve_connection(None)
    return MirrorStore(mirror_path(connection.name, connection.account_id))


async def test_two_full_syncs_at_once_on_a_new_mirror_both_end_well(
        server: SandboxServer, env: dict[str, str], account: SharpSpringClient) -> None:
    # Started together on a mirror that does not exist yet: both would create it.
    first, second = await asyncio.gather(ssui_sync_full(env), ssui_sync_full(env))
    results = await asyncio.gather(finished(first), finished(second))
    for code, out, err in results:
        assert code == 0, err
        copied = re.search(r"([\d,]+) leads", out)
        assert copied and int(copied[1].replace(",", "")) > LEADS * 0.9, out  # a few inactive
        assert not [b for b in BAD if b in out + err], err
    # One copied while the other waited its turn, and said so (once).
    said = [err.count(WAITING) for _, _, err in results]
    assert sorted(said) == [0, 1], [err for _, _, err in results]
    store = the_mirror()
    try:
        await compare(server, account, store)
    finally:
        store.close()


async def test_the_app_syncing_while_ssui_sync_runs_retries_and_both_end_well(
        server: SandboxServer, env: dict[str, str], account: SharpSpringClient) -> None:
    async with AccountSession.open(resolve_connection(None), quota_share=0.9) as session:
        mirror = session.mirror
        assert mirror is not None
        seen: list[tuple[str, StreamStatus, str | None]] = []

        def note(s: Stream) -> None:
            seen.append((s.name, s.status, s.last_error))

        mirror.on_stream(note)
        # The app: its first full copy, then its background polling, as in `ssui` itself.
        app = asyncio.create_task(mirror.run())
        await asyncio.sleep(0.3)  # the app's copy has begun
        code, out, err = await finished(await ssui_sync_full(env))
        assert code == 0, err
        assert "is up to date" in out
        assert not [b for b in BAD if b in out + err], err
        # The command waited for the app's copy rather than copying beside it.
        assert WAITING in err

        # While the command copied, the app's polls found the mirror busy and retried...
        busy = [n for n, status, text in seen
                if status is StreamStatus.RETRYING and text and BUSY in text]
        assert busy, seen
        # ...and once it was done, every stream polled well again, the app still running.
        streams = [s for s in mirror.scheduler.streams.values()
                   if s.enabled and not s.deferred]
        async with asyncio.timeout(60):
            while not all(s.status is StreamStatus.OK for s in streams):
                assert not app.done(), app
                await asyncio.sleep(0.1)
        app.cancel()
        await asyncio.gather(app, return_exceptions=True)

        # Nothing failed for a reason other than the other sync: no "database is locked".
        others = [(n, status, text) for n, status, text in seen
                  if status in (StreamStatus.RETRYING, StreamStatus.FAILING,
                                StreamStatus.STOPPED) and not (text and BUSY in text)]
        assert others == []
        assert StreamStatus.FAILING not in {status for _, status, _ in seen}
        await compare(server, account, session.store)


def test_two_processes_opening_a_new_mirror_at_the_same_moment_both_open_it(
        tmp_path: Path) -> None:
    # Threads stand in for processes: each opens the file through its own connection. Which
    # one creates the tables is a race; it used to fail one round in four.
    for n in range(20):
        path = tmp_path / f"round{n}" / "mirror.db"
        start = threading.Barrier(2)
        errors: list[BaseException] = []

        def open_it(path: Path = path, start: threading.Barrier = start,
                    errors: list[BaseException] = errors) -> None:
            start.wait()
            try:
                MirrorStore(path).close()
            except Exception as exc:  # any failure is the finding
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == [], f"round {n}: {errors!r}"
        store = MirrorStore(path)
        assert store.count_all("lead") == 0 and not store.rebuilt
        store.close()


async def test_polling_that_finds_another_sync_running_retries_without_failing() -> None:
    async def busy() -> None:
        raise MirrorBusy()

    sched = Scheduler([Stream("leads", busy, share=1.0)])
    stream = sched.streams["leads"]
    for _ in range(FAILING_AFTER + 2):
        stream.next_due = 0.0
        (started,) = sched.tick()
        assert started._task is not None
        await started._task
        # Busy, not broken: the header says "retrying", never "failing", and why.
        assert stream.status is StreamStatus.RETRYING
        assert stream.last_error is not None and BUSY in stream.last_error
        assert stream.next_due < sched.clock() + 2 * stream.interval


async def test_a_sync_waits_while_another_holds_the_mirror_then_has_it_alone(
        tmp_path: Path) -> None:
    # Two locks on one file behave as two processes' would (flock is per open file).
    path = tmp_path / "mirror.db"
    mine, theirs = MirrorLock(path), MirrorLock(path)
    assert mine.try_shared() and theirs.try_shared()  # two watchers poll side by side
    assert not theirs.try_exclusive()  # a sync does not start while one polls
    mine.release_shared()
    told: list[float] = []
    loop = asyncio.get_running_loop()

    async def their_poll_ends() -> None:
        await asyncio.sleep(0.3)
        theirs.release_shared()

    ending = asyncio.create_task(their_poll_ends())
    started = loop.time()
    async with mine.exclusive(lambda: told.append(loop.time()), poll=0.01, grace=0.1):
        assert loop.time() - started >= 0.3
        assert told and told[0] - started >= 0.1  # said so once the wait lasted
        # Alone now: no poll, no other sync.
        assert not theirs.try_shared() and not theirs.try_exclusive()
    await ending
    assert theirs.try_exclusive()
    theirs.release_exclusive()
    mine.close()
    theirs.close()
