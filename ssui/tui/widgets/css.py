"""Each widget's styles live in a .tcss file beside its module."""

from __future__ import annotations

from pathlib import Path


def tcss_next_to(module_file: str) -> str:
    """The text of the .tcss file named like ``module_file`` (a widget's DEFAULT_CSS)."""
    return Path(module_file).with_suffix(".tcss").read_text(encoding="utf-8")


def list_view_css(module_file: str, selector: str) -> str:
    """A list view's DEFAULT_CSS: its own .tcss plus the search, chips and status rules that
    every list view shares (list_view.tcss), scoped to ``selector``."""
    shared = Path(__file__).with_name("list_view.tcss").read_text(encoding="utf-8")
    return tcss_next_to(module_file) + f"\n{selector} {{\n{shared}\n}}\n"
