"""Account data as widget content: plain text, never markup, never a terminal control."""

from __future__ import annotations

from textual.content import Content

from ssui.text import printable


def data_text(text: object) -> Content:
    """Account data (a name, a label, a server's message) as plain widget content.

    Never parsed as markup (a company called "[@click=app.quit]" stays text) and never able to
    drive the terminal (see :func:`ssui.text.printable`).
    """
    return Content(printable(str(text)))
