"""Ask a name for a saved view: one line, checked as typed; enter saves, escape cancels."""

from __future__ import annotations

from ssui.config.views import check_view_name
from ssui.tui.ask_line import AskLineScreen


class ViewNameScreen(AskLineScreen[str]):
    """Dismisses with a valid view name, or None when cancelled."""

    def __init__(self, what: str, where: str) -> None:
        super().__init__(f"Save this view of {what}",
                         f"Saved {where}. Enter saves (a view of the same name is replaced)"
                         " · esc cancels", check_view_name,
                         placeholder="a name, e.g. hot leads", input_id="view-name")
