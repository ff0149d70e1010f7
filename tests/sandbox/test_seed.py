"""The seeded account: deterministic, realistic, persistent."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ssui.entities import REGISTRY
from ssui.sandbox import SandboxApp, create_app
from ssui.sandbox.store import Store

from .conftest import base_config


def _dump(store: Store) -> dict[str, list[tuple[object, ...]]]:
    return {key: store.db.execute(f'SELECT * FROM "{key}" ORDER BY rowid').fetchall()
            for key in REGISTRY}


def test_the_same_seed_makes_identical_data() -> None:
    a = create_app(base_config(leads=120))
    b = create_app(base_config(leads=120))
    assert _dump(a.store) == _dump(b.store)


def test_another_seed_makes_different_data() -> None:
    a = create_app(base_config(leads=120))
    b = create_app(base_config(leads=120, seed=8))
    assert _dump(a.store)["lead"] != _dump(b.store)["lead"]


def test_the_account_has_the_promised_shape(app: SandboxApp) -> None:
    count = {key: app.store.db.execute(f'SELECT COUNT(*) FROM "{key}"').fetchone()[0]
             for key in REGISTRY}
    assert count["lead"] == 200 and count["user_profile"] == 8
    assert count["account"] == 20 and count["campaign"] == 20
    assert count["deal_stage"] == 7
    custom = app.store.db.execute(
        "SELECT relationship, COUNT(*) FROM field WHERE isCustom=1 GROUP BY relationship"
    ).fetchall()
    assert dict(custom) == {"lead": 4, "account": 4, "opportunity": 4}
    kinds = {r[0] for r in app.store.db.execute("SELECT DISTINCT eventSource FROM event")}
    assert {"pageVisit", "formSubmit", "emailOpened", "leadCreation"} <= kinds


def test_seeded_emails_are_unique_in_any_case(app: SandboxApp) -> None:
    emails = [r[0].lower() for r in app.store.db.execute("SELECT emailAddress FROM lead")]
    assert len(emails) == len(set(emails))


def test_seeded_ids_follow_creation_time(app: SandboxApp) -> None:
    stamps = [r[0] for r in app.store.db.execute("SELECT createTimestamp FROM lead ORDER BY id")]
    assert stamps == sorted(stamps)


def test_data_survives_a_restart_and_is_not_reseeded(tmp_path: Path) -> None:
    db = tmp_path / "keep.db"
    first = create_app(base_config(db=db, leads=50))
    first.store.db.execute("UPDATE lead SET firstName='Persisted' WHERE id=1")
    first.store.close()
    second = create_app(base_config(db=db, leads=80, seed=99))
    assert second.store.db.execute("SELECT firstName FROM lead WHERE id=1").fetchone()[0] == \
        "Persisted"
    assert second.store.db.execute("SELECT COUNT(*) FROM lead").fetchone()[0] == 50
    second.store.close()


def test_a_file_database_uses_wal(make_app: Callable[..., SandboxApp]) -> None:
    app = make_app()
    assert app.store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
