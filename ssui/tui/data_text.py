"""Account data as widget content: plain text, never markup, never a terminal control."""

from __future__ import annotations

from collections.abc import Iterable

from textual.content import Content

from ssui.text import printable


def data_text(text: object) -> Content:
    """Account data (a name, a label, a server's message) as plain widget content.

    Never parsed as markup (a company called "[@click=app.quit]" stays text) and never able to
    drive the terminal (see :func:`ssui.text.printable`).
    """
    return Content(printable(str(text)))


def data_lines(lines: Iterable[object]) -> Content:
    """Lines of account data, one under another: each line as :func:`data_text` (a newline
    inside one shows as ⏎), the lines themselves broken."""
    return Content("\n".join(printable(str(line)) for line in lines))
