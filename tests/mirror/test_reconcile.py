"""The background reconcile runs often enough that a record deleted on the server leaves the
mirror within the hour, at the default budget, inside that budget."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ssui.api import SharpSpringClient
from ssui.mirror import MirrorStore, Query
from ssui.mirror.account import AccountMirror
from ssui.mirror.scheduler import Budget, Scheduler, Stream
from ssui.mirror.sync import RECONCILED, listing_calls
from ssui.sandbox import SandboxApp

ClientOn = Callable[..., SharpSpringClient]
HOUR = 3600.0
# The client's own rate limit: a reconcile's calls go out at most this fast.
CALLS_PER_SECOND = 10.0


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_at_the_default_budget_a_100_000_lead_account_is_reconciled_within_the_hour(
        sandbox: SandboxApp, client_on: ClientOn) -> None:
    # The account's proportions as the sandbox seeds them (60,000 leads: 6,000 accounts,
    # 5,000 opportunities, 20 campaigns), at 100,000 leads.
    counts = {"lead": 100_000, "account": 10_000, "opportunity": 8_334, "campaign": 20}
    assert set(counts) == set(RECONCILED)
    # Ids only, 500 a call: the full pages, then the short one that says it is the end.
    cost = sum(listing_calls(n) for n in counts.values())
    assert cost == 201 + 21 + 17 + 1
    mirror = AccountMirror(client_on(sandbox), MirrorStore(), Budget())
    sched = mirror.scheduler
    reconcile = sched.streams["reconcile"]
    reconcile.cost = cost
    sched.plan()
    # A deletion just after a pass read its id shows at the end of the next pass.
    assert reconcile.interval + cost / CALLS_PER_SECOND <= HOUR
    # Inside the budget: a fifth of the 50,000 calls a day, everything included...
    assert sched.planned_calls_per_day() <= 50_000 * 0.2 + 1
    # ...and what the reconcile leaves (40%) still shows a form fill within about half a
    # minute (12 s with the whole budget).
    assert sched.streams["activity"].interval <= 35


def test_a_small_account_pays_little_for_its_hourly_reconcile(
        sandbox: SandboxApp, client_on: ClientOn) -> None:
    mirror = AccountMirror(client_on(sandbox), MirrorStore(), Budget())
    sched = mirror.scheduler
    reconcile = sched.streams["reconcile"]
    reconcile.cost = sum(listing_calls(n) for n in (5_000, 500, 420, 20))
    sched.plan()
    assert reconcile.interval <= HOUR
    assert reconcile.cost * 86_400 / reconcile.interval <= 0.05 * 10_000
    # The watches keep nearly all of the budget: a form fill shows within 15 s, as before.
    assert sched.streams["activity"].interval <= 15


async def test_a_lead_deleted_on_the_server_leaves_the_mirror_within_the_hour(
        sandbox: SandboxApp, client_on: ClientOn, tmp_path: Path) -> None:
    clock = FakeClock()
    store = MirrorStore(tmp_path / "mirror.db")
    async with client_on(sandbox) as client, client_on(sandbox) as someone_else:
        mirror = AccountMirror(client, store, clock=clock)
        await mirror.ensure_synced()
        victim = store.page(Query("lead", limit=1))[0]["id"]
        (gone,) = await someone_else.delete("lead", [victim])
        assert gone.success
        # Nothing the watches read reports a deletion: the lead stays until a reconcile.
        await mirror.poll_once("leads", "activity")
        assert store.get("lead", victim) is not None

        reconcile = mirror.scheduler.streams["reconcile"]
        # What it is planned to cost is what it spends.
        planned = reconcile.cost
        assert planned == sum(listing_calls(store.count_all(k)) for k in RECONCILED)
        clock.t += HOUR - planned / CALLS_PER_SECOND
        assert reconcile in mirror.scheduler.due()
        before = client.calls_made
        await reconcile.run()
        # One more call than planned: the missing id asked for by id, to tell a deletion
        # from a lead the lists hide because it is inactive.
        assert client.calls_made - before == planned + 1
        assert store.get("lead", victim) is None
    store.close()


def test_a_stream_held_to_its_longest_interval_is_paid_for_by_the_others() -> None:
    async def nothing() -> None:
        return None

    # A tiny share would wait longer than its max_interval: it runs hourly all the same, and
    # the plan takes what that costs from the others instead of overspending the budget.
    sched = Scheduler([Stream("busy", nothing, share=0.99),
                       Stream("tiny", nothing, share=0.0001, cost=3.0)], Budget())
    assert sched.streams["tiny"].interval == sched.streams["tiny"].max_interval
    assert sched.planned_calls_per_day() == pytest.approx(50_000 * 0.2)
