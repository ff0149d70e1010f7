"""Each widget's styles live in a .tcss file beside its module."""

from __future__ import annotations

from pathlib import Path


def tcss_next_to(module_file: str) -> str:
    """The text of the .tcss file named like ``module_file`` (a widget's DEFAULT_CSS)."""
    return Path(module_file).with_suffix(".tcss").read_text(encoding="utf-8")
