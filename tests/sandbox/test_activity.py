"""The activity stream: deterministic kinds of activity, real inserts."""

from __future__ import annotations

from collections.abc import Callable

from ssui.sandbox import SandboxApp
from ssui.sandbox.activity import ActivityStream

NEWEST = "SELECT emailAddress, firstName FROM lead ORDER BY id DESC LIMIT 5"


def test_activity_is_deterministic_from_the_seed(make_app: Callable[..., SandboxApp]) -> None:
    one, two = make_app(), make_app()
    a, b = ActivityStream(one.store, 3), ActivityStream(two.store, 3)
    kinds = [a.step() for _ in range(25)]
    assert [b.step() for _ in range(25)] == kinds
    assert {"lead", "pageVisit"} <= set(kinds)
    assert one.store.db.execute(NEWEST).fetchall() == two.store.db.execute(NEWEST).fetchall()


def test_each_step_is_a_real_insert_the_api_can_see(app: SandboxApp) -> None:
    stream = ActivityStream(app.store, 1)
    leads = app.store.db.execute("SELECT COUNT(*) FROM lead").fetchone()[0]
    events = app.store.db.execute("SELECT COUNT(*) FROM event").fetchone()[0]
    kinds = [stream.step() for _ in range(40)]
    assert app.store.db.execute("SELECT COUNT(*) FROM lead").fetchone()[0] == \
        leads + kinds.count("lead")
    assert app.store.db.execute("SELECT COUNT(*) FROM event").fetchone()[0] >= events + 40
