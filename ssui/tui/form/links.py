"""An opportunity's leads on its form: listed, removed with delete, added by name or email."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ssui.mirror import Filter, MirrorStore, Query
from ssui.mirror.account import AccountMirror
from ssui.text import printable
from ssui.tui.form.inputs import ReferenceInput

LIMIT = 500


class LinkList(OptionList):
    """The leads of the opportunity; delete takes the highlighted one off."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("delete,backspace", "remove", "Remove lead", id="ssui.form.remove_lead"),
    ]

    def action_remove(self) -> None:
        parent = self.parent
        if isinstance(parent, LeadLinks) and self.highlighted is not None:
            parent.remove_at(self.highlighted)


class LeadLinks(Widget):
    """The leads linked to one opportunity, and what the form adds and removes."""

    DEFAULT_CSS = """
    LeadLinks { height: auto; padding-left: 2; }
    LeadLinks LinkList { height: auto; max-height: 8; margin-bottom: 1; }
    LeadLinks .links-hint { color: $text-muted; }
    """

    def __init__(self, store: MirrorStore, opportunity_id: Any, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.store = store
        self.links: dict[int, int] = {}  # link id -> lead id, as the mirror has them
        if isinstance(opportunity_id, int):
            for r in store.page(Query("opportunity_lead", filters=(
                    Filter("opportunityID", "=", opportunity_id),), limit=LIMIT)):
                if isinstance(r.get("leadID"), int):
                    self.links[r["id"]] = r["leadID"]
        self.added: list[int] = []
        self.removed: list[int] = []

    def compose(self) -> ComposeResult:
        yield LinkList(compact=True)
        yield ReferenceInput(self.store, "lead", clears=False, id="links-add")
        yield Static("type a name or email to add a lead · delete removes the highlighted one",
                     classes="links-hint")

    def on_mount(self) -> None:
        self._fill()

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)

    def lead_ids(self) -> list[int]:
        """The leads the opportunity will have once saved."""
        kept = [lead for link, lead in self.links.items() if link not in self.removed]
        return kept + [a for a in self.added if a not in kept]

    def _rows(self) -> list[tuple[str, int]]:
        rows = [("link", link) for link in self.links if link not in self.removed]
        return [*rows, *(("added", lead) for lead in self.added)]

    def _fill(self) -> None:
        options = self.query_one(LinkList)
        options.clear_options()
        lead = self.store.entity("lead")
        for kind, key in self._rows():
            lead_id = self.links[key] if kind == "link" else key
            rec = self.store.get("lead", lead_id)
            name = printable(lead.display_name(rec)) if rec else f"Lead #{lead_id}"
            email = printable(str(rec.get("emailAddress") or "")) if rec else ""
            text = f"{name} <{email}>" if email and email not in name else name
            options.add_option(Option(Content(text + ("  (new)" if kind == "added" else ""))))
        if not options.option_count:
            options.add_option(Option(Content.styled("no leads yet", "dim"), disabled=True))

    def remove_at(self, index: int) -> None:
        rows = self._rows()
        if not 0 <= index < len(rows):
            return
        kind, key = rows[index]
        if kind == "link":
            self.removed.append(key)
        else:
            self.added.remove(key)
        self._fill()

    @on(ReferenceInput.Picked, "#links-add")
    def _picked(self, event: ReferenceInput.Picked) -> None:
        event.stop()
        lead_id = event.picker.value
        if lead_id is None:
            return
        if lead_id not in self.lead_ids():
            self.added.append(lead_id)
        # A link removed in this form and added back is simply kept.
        for link, lead in self.links.items():
            if lead == lead_id and link in self.removed:
                self.removed.remove(link)
        event.picker.pick(None)
        self._fill()

    async def save(self, mirror: AccountMirror, opportunity_id: int) -> int:
        """Create the added links and delete the removed ones; how many failed."""
        failed = 0
        if self.added:
            outs = await mirror.create("opportunity_lead", [
                {"opportunityID": opportunity_id, "leadID": lead} for lead in self.added])
            failed += sum(not o.success for o in outs)
        if self.removed:
            outs = await mirror.delete("opportunity_lead", self.removed)
            failed += sum(not o.success for o in outs)
        return failed

