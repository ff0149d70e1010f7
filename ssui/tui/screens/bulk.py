"""The dialogs of bulk actions on marked records: mark all?, set fields, pick a list, results.

The field editor reuses the record form's inputs and its validation (``form.values.parse``,
``ReferenceInput``): a value is accepted or refused exactly as the form would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, OptionList, Select, Static, TextArea
from textual.widgets.option_list import Option

from ssui.api.errors import SharpSpringError
from ssui.entities import Entity, Field, Kind
from ssui.mirror import MirrorStore, Query
from ssui.mirror.account import AccountMirror
from ssui.text import printable
from ssui.tui.bulk import BulkResult, Failure, active_lists
from ssui.tui.data_text import data_lines, data_text
from ssui.tui.form.inputs import ReferenceInput, control_value
from ssui.tui.form.values import Invalid

CSS = Path(__file__).with_name("bulk.tcss")
# Fields a bulk edit never offers: each record's own (an email address is unique per lead).
NOT_BULK = frozenset({"id", "emailAddress"})


def bulk_fields(entity: Entity) -> list[Field]:
    """The fields a bulk edit may set: settable, not read-only, not unique, not raw JSON."""
    return [f for f in entity.fields if f.settable and not f.read_only
            and f.name not in NOT_BULK and f.kind is not Kind.JSON]


class ConfirmMarkAll(ModalScreen[bool]):
    """"Mark 1,234 leads?": True to mark them."""

    CSS_PATH = CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Mark them", id="ssui.mark.all.yes"),
        Binding("n,escape", "answer(False)", "Cancel", id="ssui.mark.all.no"),
    ]

    def __init__(self, count: int, noun: str, capped: bool) -> None:
        super().__init__()
        self.count = count
        self.noun = noun
        self.capped = capped

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(data_text(f"Mark {self.count:,} {self.noun}?"), classes="dialog-title")
            text = ("Bulk edit, delete and add to a list then act on all of them.")
            if self.capped:
                text = (f"The list shows more; only the first {self.count:,} (the most a "
                        f"bulk action takes) are marked. " + text)
            yield Static(data_text(text), classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Mark  y", variant="primary", id="yes", compact=True)
                yield Button("Cancel  n", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#yes", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class BulkEditScreen(ModalScreen[dict[str, Any] | None]):
    """Choose fields and their values for every marked record; dismisses with the changes."""

    CSS_PATH = CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s,f2", "apply", "Apply", id="ssui.bulk.edit.apply"),
        Binding("ctrl+r,f8", "remove_field", "Remove field", id="ssui.bulk.edit.remove",
                tooltip="Take the field in focus out of the edit (its records keep their value)"),
        Binding("escape", "cancel", "Cancel", id="ssui.bulk.edit.cancel"),
    ]

    def __init__(self, store: MirrorStore, entity: Entity, count: int) -> None:
        super().__init__()
        self.store = store
        self.entity = entity
        self.count = count
        self.offered = bulk_fields(entity)
        self.fields: dict[str, Field] = {}
        self.controls: dict[str, Widget] = {}
        self.errors: dict[str, str] = {}
        self._added = 0

    def compose(self) -> ComposeResult:
        noun = self.entity.plural.lower() if self.count != 1 else self.entity.label.lower()
        with Vertical(classes="dialog -wide", id="bulk-edit"):
            yield Static(data_text(f"Edit {self.count:,} {noun}"), classes="dialog-title")
            yield Static("Choose a field, then its value; each marked record gets every value"
                         " set here. ^r removes the field in focus, ^s applies, esc cancels.",
                         classes="dialog-text")
            yield Select([(f.label, f.name) for f in self.offered], prompt="Add a field…",
                         id="bulk-field", compact=True)
            with VerticalScroll(id="bulk-body"):
                yield Container(id="bulk-grid")
            yield Static(id="bulk-banner")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply  ^s", variant="primary", id="apply", compact=True)
                yield Button("Cancel  esc", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#bulk-field", Select).focus()

    @on(Select.Changed, "#bulk-field")
    async def _field_chosen(self, event: Select.Changed) -> None:
        event.stop()
        name = event.value
        if not isinstance(name, str):
            return
        event.select.clear()
        await self.add_field(name)

    async def add_field(self, name: str) -> Widget:
        """Show the input of field ``name`` (once) and put the focus in it."""
        if name in self.controls:
            control = self.controls[name]
        else:
            f = self.entity.field(name)
            self.fields[name] = f
            self._added += 1  # ids are never reused: a removed field's widgets may linger
            control = self._control(f, f"v{self._added}")
            self.controls[name] = control
            mark = " *" if f.required else ""
            pad = Static(id=f"{control.id}-pad", classes="field-pad")
            error = Static(id=f"{control.id}-error", classes="field-error")
            pad.display = error.display = False
            await self.query_one("#bulk-grid").mount_all([
                Static(data_text(f"{f.label}{mark}"), id=f"{control.id}-label",
                       classes="field-label"), control, pad, error])
        control.focus()
        self.refresh_bindings()
        return control

    def field_in_focus(self) -> str | None:
        """The field whose input holds the focus (or a part of it, as a Select's list)."""
        node: DOMNode | None = self.focused
        while node is not None and node is not self:
            for name, control in self.controls.items():
                if node is control:
                    return name
            node = node.parent
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove_field":
            return self.field_in_focus() is not None
        return True

    async def action_remove_field(self) -> None:
        """Take the field in focus out of the edit; the focus goes to the next one left."""
        name = self.field_in_focus()
        if name is None:
            return
        names = list(self.controls)
        control = self.controls.pop(name)
        del self.fields[name]
        self.errors.pop(name, None)
        wid = control.id
        for part in (f"#{wid}-label", f"#{wid}-pad", f"#{wid}-error"):
            await self.query_one(part).remove()
        await control.remove()
        left = [n for n in names if n in self.controls]
        after = [n for n in names[names.index(name) + 1:] if n in self.controls]
        if after or left:
            self.controls[(after or left)[-1 if not after else 0]].focus()
        else:
            self.query_one("#bulk-field", Select).focus()
        self.query_one("#bulk-banner", Static).update(
            data_text(f"{self.entity.field(name).label} is no longer set."))
        self.refresh_bindings()

    def _control(self, f: Field, wid: str) -> Widget:
        if f.kind is Kind.REFERENCE and f.ref is not None:
            return ReferenceInput(self.store, f.ref, None, required=f.required, id=wid)
        if f.kind is Kind.BOOL:
            return Checkbox("yes (unticked: no)", False, id=wid, compact=True)
        if f.kind is Kind.ENUM:
            return Select([(c, c) for c in f.choices], allow_blank=not f.required,
                          prompt="(none)", compact=True, id=wid)
        if f.kind is Kind.LONG_TEXT:
            return TextArea("", id=wid, compact=True, soft_wrap=True, classes="field-long")
        hint = {Kind.DATE: "YYYY-MM-DD, today, +7d",
                Kind.DATETIME: "YYYY-MM-DD HH:MM (local time)"}.get(f.kind, "empty clears it")
        return Input("", id=wid, compact=True, placeholder=hint, select_on_focus=False)

    def value_of(self, name: str) -> Any:
        """The value typed for one field, or Invalid saying what is wrong (the form's rules)."""
        f, c = self.fields[name], self.controls[name]
        if isinstance(c, ReferenceInput):
            c.settle()  # a name typed but not yet looked up
        return control_value(f, c)

    def collect(self) -> tuple[dict[str, Any], dict[str, str]]:
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name in self.controls:
            try:
                values[name] = self.value_of(name)
            except Invalid as exc:
                errors[name] = str(exc)
        return values, errors

    def _show_errors(self, errors: dict[str, str]) -> None:
        self.errors = errors
        for name, control in self.controls.items():
            message = errors.get(name)
            error = self.query_one(f"#{control.id}-error", Static)
            error.update(data_text(f"↳ {message}" if message else ""))
            error.display = self.query_one(f"#{control.id}-pad").display = bool(message)
            control.set_class(message is not None, "-invalid")

    def action_apply(self) -> None:
        values, errors = self.collect()
        self._show_errors(errors)
        banner = self.query_one("#bulk-banner", Static)
        if errors:
            self.controls[next(iter(errors))].focus()
            banner.update("Fix the fields marked ↳ first.")
            return
        if not values:
            banner.update("Choose a field to set first.")
            self.query_one("#bulk-field", Select).focus()
            return
        self.dismiss(values)

    @on(Button.Pressed, "#apply")
    def _apply_pressed(self) -> None:
        self.action_apply()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ListPicker(ModalScreen[tuple[int, str] | None]):
    """Pick one of the account's lists (read with getActiveLists); (id, name) or None."""

    CSS_PATH = CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="ssui.bulk.list.cancel"),
    ]

    def __init__(self, mirror: AccountMirror, count: int) -> None:
        super().__init__()
        self.mirror = mirror
        self.count = count
        self.lists: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="list-picker"):
            yield Static(data_text(f"Add {self.count:,} leads to which list?"),
                         classes="dialog-title")
            yield Static("Reading the lists…", id="list-status", classes="dialog-text")
            yield OptionList(id="lists")

    def on_mount(self) -> None:
        self.query_one("#lists", OptionList).focus()
        self._read()

    @work(group="lists", exclusive=True, exit_on_error=False, description="reading the lists")
    async def _read(self) -> None:
        status = self.query_one("#list-status", Static)
        try:
            self.lists = await active_lists(self.mirror)
        except SharpSpringError as exc:
            status.update(data_text(f"Could not read the lists: {exc}"))
            return
        options = self.query_one("#lists", OptionList)
        options.add_options([Option(data_text(
            f"{printable(str(r.get('name') or ''))}  ({r.get('memberCount') or 0:,} members)"),
            id=str(r["id"])) for r in self.lists])
        status.update("enter adds them · esc cancels" if self.lists
                      else "This account has no lists.")
        if self.lists:
            options.highlighted = 0

    @on(OptionList.OptionSelected, "#lists")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = next(r for r in self.lists if str(r["id"]) == event.option.id)
        self.dismiss((int(chosen["id"]), str(chosen.get("name") or "")))

    def action_cancel(self) -> None:
        self.dismiss(None)


class BulkResultsScreen(ModalScreen[bool]):
    """The records a bulk action failed on, each with its error; True to list them."""

    CSS_PATH = CSS

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "answer(True)", "Show them in the list", id="ssui.bulk.results.filter"),
        Binding("escape,q", "answer(False)", "Close", id="ssui.bulk.results.close"),
    ]

    SHOWN = 200  # failures listed one by one; the rest are counted

    def __init__(self, result: BulkResult, names: dict[int, str]) -> None:
        super().__init__()
        self.result = result
        self.names = names

    def compose(self) -> ComposeResult:
        r = self.result
        lines: list[str] = []
        for f in r.failed[:self.SHOWN]:
            lines.append(f"#{f.record_id} {self.names.get(f.record_id, '')}: {f.error}")
        if len(r.failed) > self.SHOWN:
            lines.append(f"… and {len(r.failed) - self.SHOWN:,} more failed")
        if r.skipped:
            if lines:
                lines.append("")
            lines.append(f"Not sent: {len(r.skipped):,} changed on the server since your copy"
                         " (the list shows them as they are now; mark them again to set them"
                         " anyway):")
            for f in r.skipped[:self.SHOWN]:
                lines.append(f"#{f.record_id} {self.names.get(f.record_id, '')}: {f.error}")
            if len(r.skipped) > self.SHOWN:
                lines.append(f"… and {len(r.skipped) - self.SHOWN:,} more")
        if r.unknown:
            lines.append("")
            lines.append(f"Outcome unknown for {len(r.unknown):,} (not resent):")
            lines.extend(dict.fromkeys(r.unknown_errors))
        with Vertical(classes="dialog -wide", id="bulk-results"):
            yield Static(data_text(r.summary()), classes="dialog-title")
            with VerticalScroll(id="results-body"):
                yield Static(data_lines(lines), id="results-text")
            yield Static("f shows them in the list · esc closes", classes="dialog-text")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def showcase_results(store: MirrorStore) -> BulkResultsScreen:
    """For snapshots and screenshots (no live connection): the results of a bulk edit of
    500 leads' status, two changed by someone else since (not sent), one deleted between the
    check and the update (failed)."""
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
