"""The search box of a list: one row high, as wide as the layout makes it."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class SearchBox(Input):
    """The search box: an input one row high whose width the layout gives it.

    Textual's input sets its virtual size on every keystroke, and that size asks for a
    layout pass of the whole screen (2 to 4 ms of a search keystroke's frame). The box's own
    size never depends on what is typed, so here the new size only redraws it.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
