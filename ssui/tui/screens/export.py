"""Export what a list shows: a file name (its ending picks CSV or JSON), checked where typed."""

from __future__ import annotations

from pathlib import Path

from ssui.tui.ask_line import AskLineScreen

FORMATS = {".csv": "csv", ".json": "json"}


def export_target(text: str) -> tuple[Path, str]:
    """The file and format a typed name means; ValueError says what is wrong, in one line."""
    name = text.strip()
    if not name:
        raise ValueError("The export needs a file name, e.g. leads.csv or leads.json")
    path = Path(name).expanduser()
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError("End the name with .csv or .json (that picks the format)")
    if path.is_dir():
        raise ValueError(f"{path} is a folder: add a file name")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ValueError(f"No folder {folder}")
    return path, fmt


class ExportScreen(AskLineScreen[tuple[Path, str]]):
    """Dismisses with (file, format), or None when cancelled."""

    def __init__(self, what: str, count: int, suggested: str) -> None:
        super().__init__(f"Export {count:,} {what} as shown (filters, search and sort; every"
                         " field)", "Enter exports (.csv or .json picks the format; a file of"
                         " that name is replaced) · esc cancels", export_target,
                         value=suggested, placeholder="a file: leads.csv or leads.json",
                         input_id="export-path")
