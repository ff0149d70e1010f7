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


@pytest.mark.parametrize(("leads", "within"), [(5_000, HOUR), (60_000, HOUR),
                                                (100_000, 1.5 * HOUR)])
def test_the_links_of_opportunities_to_leads_are_reconciled_on_a_small_share(
        sandbox: SandboxApp, client_on: ClientOn, leads: int, within: float) -> None:
    # 1.75 links an opportunity, one opportunity for 12 leads (the sandbox's proportions).
    links = round(leads / 12 * 1.75)
    mirror = AccountMirror(client_on(sandbox), MirrorStore(), Budget())
    sched = mirror.scheduler
    sched.streams["reconcile"].cost = sum(listing_calls(round(leads * f))
                                          for f in (1, 0.1, 1 / 12, 0.0002))
    links_pass = sched.streams["reconcile_links"]
    links_pass.cost = listing_calls(links)
    sched.plan()
    assert links_pass.interval + links_pass.cost / CALLS_PER_SECOND <= within
    assert sched.planned_calls_per_day() <= 50_000 * 0.2 + 1


async def test_a_link_between_an_opportunity_and_a_lead_removed_on_the_server_goes_too(
        sandbox: SandboxApp, client_on: ClientOn, tmp_path: Path) -> None:
    store = MirrorStore(tmp_path / "mirror.db")
    async with client_on(sandbox) as client, client_on(sandbox) as someone_else:
        mirror = AccountMirror(client, store, clock=FakeClock())
        await mirror.ensure_synced()
        link = store.page(Query("opportunity_lead", limit=1))[0]
        (gone,) = await someone_else.delete("opportunity_lead", [link["id"]])
        assert gone.success
        changed: list[str] = []
        mirror.on_change(changed.append)
        # Neither the incremental sync nor the records' reconcile sees a link removed...
        await mirror.poll_once("opportunity_leads", "reconcile")
        assert store.get("opportunity_lead", link["id"]) is not None
        # ...the links' reconcile does, and the opportunity's leads are drawn again.
        await mirror.poll_once("reconcile_links")
        assert store.get("opportunity_lead", link["id"]) is None
        assert "opportunity_lead" in changed
        assert store.count_all("opportunity_lead") == sandbox.store.db.execute(
            "SELECT count(*) FROM opportunity_lead").fetchone()[0]
    store.close()


def test_every_background_stream_has_words_for_the_notifications(
        sandbox: SandboxApp, client_on: ClientOn) -> None:
    from ssui.mirror.account import STREAM_WORDS

    mirror = AccountMirror(client_on(sandbox), MirrorStore(), Budget())
    assert set(mirror.scheduler.streams) == set(STREAM_WORDS)
    assert not any("_" in w for w in STREAM_WORDS.values())
