"""The form's screens on a store with no live connection: for screenshots, snapshots and the
form benchmark, which show and time the form without saving anything."""

from __future__ import annotations

from typing import Any, cast

from ssui.mirror import MirrorStore, Query
from ssui.mirror.account import AccountMirror, Clash
from ssui.tui.form.dialogs import ConfirmDelete, ConflictScreen
from ssui.tui.form.screen import RecordForm, record_title
from ssui.tui.format import format_value

# Stands in for the live mirror: these screens are shown, never saved from.
NO_MIRROR = cast(AccountMirror, None)


def lead_at(store: MirrorStore, offset: int = 0) -> dict[str, Any]:
    return store.page(Query("lead", limit=1, offset=offset))[0]


def new_form(store: MirrorStore, entity_key: str = "lead") -> RecordForm:
    return RecordForm(store, NO_MIRROR, entity_key)


def edit_form(store: MirrorStore, record: dict[str, Any], entity_key: str = "lead") -> RecordForm:
    return RecordForm(store, NO_MIRROR, entity_key, record)


def conflict_dialog(store: MirrorStore, record: dict[str, Any]) -> ConflictScreen:
    """The dialog for a lead whose city and title someone else changed meanwhile."""
    entity = store.entity("lead")
    clashes = [Clash("city", record.get("city"), "Bergen", "Oslo"),
               Clash("title", record.get("title"), "Head of Sales", "VP Sales")]

    def show(name: str, value: Any) -> str:
        return "" if value is None else format_value(entity.field(name), value)

    theirs = {**record, "city": "Bergen", "title": "Head of Sales"}
    return ConflictScreen(entity, record_title(entity, theirs), clashes, show)


def delete_dialog(store: MirrorStore, record: dict[str, Any]) -> ConfirmDelete:
    return ConfirmDelete(record_title(store.entity("lead"), record))

