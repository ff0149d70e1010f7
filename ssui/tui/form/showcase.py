"""The form's (and the bulk edit's) screens on a store with no live connection: for
screenshots, snapshots and the form benchmark, which show and time them without saving."""

from __future__ import annotations

from typing import Any, cast

from ssui.mirror import MirrorStore, Query
from ssui.mirror.account import AccountMirror, Clash
from ssui.text import printable
from ssui.tui.bulk import BulkResult, Failure
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


def bulk_results(store: MirrorStore) -> Any:
    """The results of a bulk edit of 500 leads' status: two changed by someone else since
    (not sent), one deleted between the check and the update (failed)."""
    from ssui.tui.screens.bulk import BulkResultsScreen

    ids = [r["id"] for r in store.page(Query("lead", limit=500))]
    failed, skipped = ids[3], (ids[17], ids[40])
    result = BulkResult(
        "updated", "leads", done=[i for i in ids if i not in (failed, *skipped)], calls=1,
        reads=1, failed=[Failure(failed, f"SharpSpring error 302: no lead with id {failed}")],
        skipped=[Failure(i, f"Status is now {status!r}")
                 for i, status in zip(skipped, ("customer", "contact"), strict=True)])
    entity = store.entity("lead")
    names = {i: printable(entity.display_name(r))
             for i, r in store.get_many("lead", [failed, *skipped]).items()}
    return BulkResultsScreen(result, names)
