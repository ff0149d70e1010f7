"""The record form: create or edit one lead, account, campaign or opportunity.

One form for every entity, read off the registry (and the account's custom fields): sections,
labels, required marks, the right input per kind. Validation runs when the user leaves a field
and on save; messages sit under the field and nothing typed is ever cleared. Saving goes
through the mirror's write path in a worker (API first, then a read back), sends only what
changed, and turns every outcome into something the user can act on: a message on the field
(a duplicate email), a conflict dialog (someone else changed the same fields), or "may or may
not exist" with a look-up (the connection dropped during a create).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Footer, Input, Select, Static, TextArea

from ssui.api.errors import DuplicateError, OutcomeUnknownError, SharpSpringError
from ssui.entities import Entity, Field, Kind
from ssui.mirror import MirrorStore
from ssui.mirror.account import AccountMirror, ConflictError, WriteOutcome
from ssui.text import printable
from ssui.tui.data_text import data_text
from ssui.tui.form.dialogs import Choice, ConflictScreen, UnsavedChanges
from ssui.tui.form.inputs import ReferenceInput, control_value
from ssui.tui.form.links import LeadLinks
from ssui.tui.form.values import Invalid, changes, sections, to_text
from ssui.tui.format import format_value
from ssui.tui.names import NameResolver

Record = dict[str, Any]
# Lines built before the first frame (the top of the form, where the focus is); the rest
# is mounted right after it, this many fields per step, so keys typed meanwhile still land.
FIRST_SCREEN = 16
LATER_CHUNK = 10


@dataclass(frozen=True)
class Saved:
    """What a form saved: the record as the mirror now holds it."""

    entity_key: str
    record_id: int
    record: Record | None
    created: bool
    stale: bool = False  # saved, but reading it back failed (retried in the background)
    note: str = ""


def record_title(entity: Entity, record: Mapping[str, Any]) -> str:
    """A record as a dialog names it: "Lead Jane Doe <jane@example.com>"."""
    name = printable(entity.display_name(record))
    email = record.get("emailAddress")
    if email and printable(str(email)) not in name:
        name = f"{name} <{printable(str(email))}>"
    return f"{entity.label} {name}"


class RecordForm(Screen[Saved | None]):
    """Create (``record`` None) or edit one record of ``entity_key``."""

    CSS_PATH = Path(__file__).with_name("screen.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        # Not a priority binding: it then waits behind the letters typed before it.
        Binding("ctrl+s,f2", "save", "Save", id="ssui.form.save"),
        Binding("escape", "cancel", "Cancel", id="ssui.form.cancel"),
        # Tab moves at once, even when keys arrive faster than the inputs handle them (a
        # paste, a macro): as a non-priority binding the next letters would land in the
        # field being left.
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True,
                id="ssui.form.next_field"),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False,
                priority=True, id="ssui.form.previous_field"),
        Binding("ctrl+o,f3", "open_existing", "Open the existing lead",
                id="ssui.form.open_existing"),
    ]

    def __init__(self, store: MirrorStore, mirror: AccountMirror, entity_key: str,
                 record: Record | None = None, *, resolver: NameResolver | None = None) -> None:
        super().__init__()
        self.store = store
        self.mirror = mirror
        self.entity = store.entity(entity_key)
        self.original: Record = dict(record or {})
        self.creating = record is None
        self.resolver = resolver or NameResolver(store)
        self.controls: dict[str, Widget] = {}
        self.fields: dict[str, Field] = {}
        self.errors: dict[str, str] = {}
        self.saving = False
        self.existing_id: int | None = None  # the lead a duplicate email belongs to
        self._start: dict[str, Any] = {}
        # Sections (by grid id) and fields still to mount after the first frame.
        self._later: list[tuple[str, list[Field]]] = []
        self.built = False

    @property
    def title_text(self) -> str:
        if self.creating:
            return f"New {self.entity.label.lower()}"
        return f"Edit {record_title(self.entity, self.original)}"

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(data_text(self.title_text), id="form-title")
        yield Static(id="form-banner")
        with VerticalScroll(id="form-body"):
            # The first screenful is built now; the rest right after the first frame.
            lines = 0
            for i, section in enumerate(sections(self.entity)):
                fields = [f for f in section.fields if not (self.creating and f.read_only)]
                if not fields:
                    continue
                yield Static(section.title, classes="form-section")
                now = fields[:max(0, FIRST_SCREEN - lines)]
                lines += 2 + len(now)
                with Container(classes="form-grid", id=f"grid-{i}"):
                    yield from self._row_widgets(now)
                if len(now) < len(fields):
                    self._later.append((f"grid-{i}", fields[len(now):]))
            if self.entity.key == "opportunity":
                yield Static("Leads", classes="form-section")
                yield LeadLinks(self.store, self.original.get("id"), id="form-leads")
        with Horizontal(id="form-buttons"):
            yield Static(id="form-status")
            yield Button("Save  ^s", variant="primary", id="form-save", compact=True)
            yield Button("Cancel  esc", id="form-cancel", compact=True)
        yield Footer(show_command_palette=False)  # ": Commands" is in the footer already

    def _row_widgets(self, fields: list[Field]) -> list[Widget]:
        """Each field's label and input, registered as the form's controls."""
        out: list[Widget] = []
        for f in fields:
            self.fields[f.name] = f
            mark = " *" if f.required and not f.read_only else ""
            out.append(Static(data_text(f"{f.label}{mark}"), classes="field-label"))
            control = self._control(f, f"f{len(self.fields)}")
            self.controls[f.name] = control
            out.append(control)
        return out

    @work(group="form-build", description="building the form")
    async def _build_rest(self) -> None:
        """Mount the fields beyond the first screenful, a few per frame (the user can type
        meanwhile); each field's start value is noted as it arrives."""
        await asyncio.sleep(0.02)  # the first frame goes to the screen first
        for grid_id, fields in self._later:
            grid = self.query_one(f"#{grid_id}", Container)
            for start in range(0, len(fields), LATER_CHUNK):
                chunk = fields[start:start + LATER_CHUNK]
                await grid.mount_all(self._row_widgets(chunk))
                names = {f.name for f in chunk}
                self._start.update({k: v for k, v in self._raw().items() if k in names})
                await asyncio.sleep(0)
        self._later = []
        self.built = True

    def _control(self, f: Field, wid: str) -> Widget:
        value = self.original.get(f.name)
        if f.read_only:
            shown = format_value(f, value, self.resolver) if value is not None else "—"
            return Static(data_text(shown), id=wid, classes="field-value")
        if f.kind is Kind.REFERENCE and f.ref is not None:
            return ReferenceInput(self.store, f.ref, value if isinstance(value, int) else None,
                                  required=f.required, id=wid)
        if f.kind is Kind.BOOL:
            return Checkbox(_yes_no(bool(value)), bool(value), id=wid, compact=True)
        if f.kind is Kind.ENUM:
            options = [(c, c) for c in f.choices]
            if value not in (None, "") and value not in f.choices:
                options.append((f"{printable(str(value))} (not in the list)", str(value)))
            return Select(options, value=str(value) if value not in (None, "") else Select.NULL,
                          allow_blank=not f.required, prompt="(none)", compact=True, id=wid)
        if f.kind is Kind.LONG_TEXT:
            return TextArea(to_text(f, value), id=wid, compact=True, soft_wrap=True,
                            classes="field-long")
        return Input(to_text(f, value), id=wid, compact=True, placeholder=_hint(f),
                     select_on_focus=False)

    def on_mount(self) -> None:
        self._start = self._raw()
        first = next((c for f, c in self._editable()), None)
        if first is not None:
            first.focus()
        if self._later:
            self._build_rest()
        else:
            self.built = True

    def _editable(self) -> list[tuple[Field, Widget]]:
        return [(self.fields[n], c) for n, c in self.controls.items()
                if not self.fields[n].read_only]

    # -- values ----------------------------------------------------------------------------

    def _raw(self) -> dict[str, Any]:
        """What every input holds now, as typed (to tell whether anything changed)."""
        raw: dict[str, Any] = {}
        for f, c in self._editable():
            if isinstance(c, Input):
                raw[f.name] = c.value
            elif isinstance(c, TextArea):
                raw[f.name] = c.text
            elif isinstance(c, Checkbox | Select):
                raw[f.name] = c.value
            elif isinstance(c, ReferenceInput):
                raw[f.name] = (c.value, c.text)
        links = self.links
        if links is not None:
            raw["__leads"] = (tuple(links.added), tuple(links.removed))
        return raw

    @property
    def links(self) -> LeadLinks | None:
        found = self.query("#form-leads")
        return found.first(LeadLinks) if found else None

    @property
    def dirty(self) -> bool:
        return self._raw() != self._start

    def value_of(self, name: str) -> Any:
        """The value of one field as typed now, or Invalid saying what is wrong with it."""
        f, c = self.fields[name], self.controls[name]
        if isinstance(c, Checkbox) and self.original.get(name) is None and not c.value:
            return None  # never set, still not set
        return control_value(f, c)

    def collect(self) -> tuple[dict[str, Any], dict[str, str]]:
        """Every editable field's value, and the messages of those that are not valid."""
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for f, _c in self._editable():
            try:
                values[f.name] = self.value_of(f.name)
            except Invalid as exc:
                errors[f.name] = str(exc)
        return values, errors

    # -- messages at the fields ------------------------------------------------------------

    def show_error(self, name: str, message: str | None) -> None:
        """Put ``message`` under the field (None clears it)."""
        control = self.controls[name]
        mid = f"{control.id}-error"
        found = self.query(f"#{mid}")
        if message is None:
            self.errors.pop(name, None)
            found.remove()
            self.query(f"#{mid}-pad").remove()
            control.remove_class("-invalid")
            return
        self.errors[name] = message
        control.add_class("-invalid")
        if found:
            found.first(Static).update(data_text(f"↳ {message}"))
        else:
            parent = control.parent
            assert isinstance(parent, Widget)
            # A row of its own under the field: an empty cell under the label, the message
            # under the input (a cell spanning both would be measured at the label's width).
            parent.mount(Static(id=f"{mid}-pad", classes="field-pad"),
                         Static(data_text(f"↳ {message}"), id=mid, classes="field-error"),
                         after=control)

    def _field_of(self, widget: Widget | None) -> str | None:
        node: Any = widget
        while node is not None and node is not self:
            for name, control in self.controls.items():
                if control is node:
                    return name
            node = node.parent
        return None

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        name = self._field_of(event.widget)
        if name is None or self.fields[name].read_only:
            return
        control = self.controls[name]
        if control.has_focus_within:
            return  # focus moved inside one input (a reference's list)
        self.call_after_refresh(self._check, name)

    def _check(self, name: str) -> None:
        try:
            self.value_of(name)
        except Invalid as exc:
            self.show_error(name, str(exc))
        else:
            if name in self.errors and not (name == "emailAddress" and self.existing_id):
                self.show_error(name, None)

    def banner(self, text: str | None, severity: str = "error") -> None:
        b = self.query_one("#form-banner", Static)
        b.set_classes(f"-{severity}" if text else "")
        b.update(data_text(text or ""))
        b.display = bool(text)

    def status(self, text: str) -> None:
        self.query_one("#form-status", Static).update(data_text(text))

    # -- saving ----------------------------------------------------------------------------

    @on(Checkbox.Changed)
    def _flag_flipped(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = _yes_no(event.value)

    @on(Button.Pressed, "#form-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#form-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_save(self) -> None:
        if self.saving:
            return
        values, errors = self.collect()
        for name in list(self.errors):
            if name not in errors:
                self.show_error(name, None)
        for name, message in errors.items():
            self.show_error(name, message)
        if errors:
            first = next(n for n in self.controls if n in errors)
            self.controls[first].focus()
            n = len(errors)
            self.banner(f"Not saved: {n} field{'s' if n != 1 else ''} to fix (marked ↳).")
            return
        if self.creating:
            payload = {k: v for k, v in values.items() if v is not None}
        else:
            payload = changes(self.original, values)
        links = self.links
        if not payload and not (links is not None and links.changed):
            self.banner("Nothing to save: no field changed.", "info")
            return
        self.banner(None)
        self.saving = True
        self.status("Saving…")
        self.query_one("#form-save", Button).disabled = True
        self._save(payload)

    @work(exclusive=True, group="form-save", exit_on_error=False, description="saving")
    async def _save(self, payload: dict[str, Any]) -> None:
        try:
            try:
                if self.creating:
                    (out,) = await self.mirror.create(self.entity.key, [payload])
                elif payload:
                    out = await self.mirror.update(self.entity.key, int(self.original["id"]),
                                                   payload, original=self.original)
                else:
                    out = WriteOutcome(0, True, int(self.original["id"]), self.original)
            except OutcomeUnknownError as exc:
                await self._outcome_unknown(exc, payload)
                return
            except SharpSpringError as exc:
                self.banner(f"Not saved: {exc} Your changes are still here; ctrl+s tries "
                            "again.")
                return
            await self._settled(out, payload)
        finally:
            self.saving = False
            self.status("")
            self.query_one("#form-save", Button).disabled = False

    async def _settled(self, out: WriteOutcome, payload: dict[str, Any]) -> None:
        e = self.entity
        if out.success and out.record_id is not None:
            note = await self._save_links(out.record_id)
            self._done(Saved(e.key, out.record_id, out.record, self.creating, out.stale, note))
            return
        error = out.error
        if isinstance(error, ConflictError):
            self._conflict(error, out.record or {}, payload)
            return
        if isinstance(error, DuplicateError) and e.key == "lead" and "emailAddress" in payload:
            await self._duplicate(str(payload["emailAddress"]))
            return
        for name in self.fields:
            if error is not None and name in str(error) and name in self.controls:
                self.show_error(name, str(error))
                self.controls[name].focus()
        self.banner(f"Not saved: {error}")

    async def _save_links(self, opportunity_id: int) -> str:
        """The opportunity's leads added and removed in the form; a failure is a note."""
        links = self.links
        if links is None or not links.changed:
            return ""
        try:
            failed = await links.save(self.mirror, opportunity_id)
        except SharpSpringError as exc:
            return f"its leads were not all saved: {exc}"
        return f"{failed} lead link{'s' if failed != 1 else ''} not saved" if failed else ""

    def _done(self, saved: Saved) -> None:
        self._start = self._raw()
        self.dismiss(saved)

    async def _duplicate(self, email: str) -> None:
        existing = None
        with contextlib.suppress(SharpSpringError):
            existing = await self.mirror.find_created("lead", {"emailAddress": email})
        self.existing_id = existing["id"] if existing else None
        key = " (ctrl+o opens it)" if existing else ""
        self.show_error("emailAddress", f"a lead with this email already exists{key}")
        self.controls["emailAddress"].focus()
        self.refresh_bindings()
        self.banner("Not saved: the email belongs to another lead.")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_existing":
            return self.existing_id is not None
        return True

    def action_open_existing(self) -> None:
        if self.existing_id is not None:
            record = self.store.get("lead", self.existing_id)
            self.dismiss(Saved("lead", self.existing_id, record, created=False,
                               note="opened the lead that has this email"))

    # -- conflicts and unknown outcomes ----------------------------------------------------

    def _conflict(self, error: ConflictError, theirs: Record, payload: dict[str, Any]) -> None:
        def show(name: str, value: Any) -> str:
            if value is None:
                return ""
            if self.entity.has_field(name):
                return format_value(self.entity.field(name), value, self.resolver)
            return str(value)

        def chosen(choice: dict[str, Choice] | None) -> None:
            if choice is None:
                self.banner("Not saved: the record changed on the server. Save again to "
                            "compare once more.", "warning")
                return
            # The server's copy is what the form now starts from; what the user keeps of
            # theirs goes into the inputs, what they keep of theirs own is sent.
            self.original = {**self.original, **theirs}
            for name, which in choice.items():
                if which == "theirs":
                    self._set(name, theirs.get(name))
            self.action_save()

        self.app.push_screen(ConflictScreen(self.entity, record_title(self.entity, theirs or
                                                                      self.original),
                                            error.clashes, show), chosen)

    def _set(self, name: str, value: Any) -> None:
        """Put ``value`` into a field's input."""
        f, c = self.fields.get(name), self.controls.get(name)
        if f is None or c is None:
            return
        if isinstance(c, Input):
            c.value = to_text(f, value)
        elif isinstance(c, TextArea):
            c.text = to_text(f, value)
        elif isinstance(c, Checkbox):
            c.value = bool(value)
        elif isinstance(c, Select):
            c.value = str(value) if value not in (None, "") else Select.NULL
        elif isinstance(c, ReferenceInput):
            c.pick(value if isinstance(value, int) else None)
        self.show_error(name, None)

    async def _outcome_unknown(self, exc: OutcomeUnknownError, payload: dict[str, Any]) -> None:
        e = self.entity
        noun = e.label.lower()
        if not self.creating:
            self.banner(f"The connection dropped while saving: the {noun} may or may not have "
                        "been changed. Reading it back…", "warning")
            try:
                current = await self.mirror.sync.refresh_record(e.key, int(self.original["id"]))
            except SharpSpringError as again:
                self.banner(f"The connection dropped while saving, and reading it back failed "
                            f"({again}). Nothing is known: ctrl+s sends your changes again, "
                            "which is safe for an edit.", "warning")
                return
            if current is not None and not changes(current, payload):
                self._done(Saved(e.key, int(current["id"]), current, False,
                                 note="saved (confirmed by reading it back)"))
                return
            self.banner(f"The connection dropped and the {noun} was not changed. ctrl+s "
                        "tries again.", "warning")
            return
        self.banner(f"The connection dropped while creating the {noun}: it may or may not "
                    "exist. Looking it up (not sending it again)…", "warning")
        try:
            found = await self.mirror.find_created(e.key, payload)
        except SharpSpringError as again:
            self.banner(f"The connection dropped while creating the {noun}, and looking it up "
                        f"failed too ({again}). It may or may not exist: check before saving "
                        "again.", "warning")
            return
        if found is not None:
            self._done(Saved(e.key, int(found["id"]), found, True,
                             note="the connection dropped, but it was created"))
            return
        self.banner(f"The connection dropped before SharpSpring created the {noun}: no such "
                    f"{noun} exists. ctrl+s creates it.", "warning")

    # -- leaving ---------------------------------------------------------------------------

    def action_cancel(self) -> None:
        if self.saving:
            self.notify("Saving… wait for it to finish.", severity="warning")
            return
        if not self.dirty:
            self.dismiss(None)
            return
        self.app.push_screen(UnsavedChanges(self.title_text.removeprefix("Edit ")),
                             self._leave)

    def _leave(self, answer: str | None) -> None:
        if answer == "save":
            self.action_save()
        elif answer == "discard":
            self.dismiss(None)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _hint(f: Field) -> str:
    """An input's placeholder: the shape the field wants."""
    match f.kind:
        case Kind.DATE:
            return "YYYY-MM-DD, today, +7d"
        case Kind.DATETIME:
            return "YYYY-MM-DD HH:MM (local time)"
    return ""

