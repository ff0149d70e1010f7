"""Table cells: exact widths, cut only between whole graphemes (flags and emoji sequences)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from ssui.sandbox.messy import LEADS
from ssui.text import printable
from ssui.tui.format import cell_text, fit, graphemes

VALUES = sorted({printable(str(v)) for lead in LEADS for v in lead.values()})
REGIONAL = range(0x1F1E6, 0x1F200)


@pytest.mark.parametrize("value", VALUES)
def test_a_cell_is_exactly_as_wide_as_its_column_and_cut_between_graphemes(value: str) -> None:
    value = cell_text(value)
    pieces = [g for g, _ in graphemes(value)]
    prefixes = {"".join(pieces[:i]) for i in range(len(pieces) + 1)}
    for width in range(1, cell_len(value) + 3):
        shown = fit(value, width)
        assert cell_len(shown) == width, (value, width, shown)
        kept = shown.rstrip(" …") if shown.endswith("…") else shown.rstrip(" ")
        assert kept in prefixes or kept == value.rstrip(" "), (value, width, shown)


def test_a_flag_is_never_cut_in_half() -> None:
    for width in range(1, 12):
        shown = fit("🇯🇵🇫🇷🇩🇪 Imports", width)
        letters = [c for c in shown if ord(c) in REGIONAL]
        assert len(letters) % 2 == 0, (width, shown)


def test_right_aligned_and_centred_cells_pad_on_the_left() -> None:
    assert fit("42", 5, right=True) == "   42"
    assert fit("✓", 3, centred=True) == " ✓ "
    assert fit("株式会社", 5) == "株式…"
    assert fit("株式会社", 6) == "株式 …"  # a wide letter that does not fit leaves a space


def test_skin_tones_stand_apart_from_the_base_emoji_in_a_cell() -> None:
    # Rich measures 👍🏽 as 2 cells; tmux draws it as 4: in a cell, the base emoji stands alone.
    assert cell_text("Thumbs 👍🏽 Up") == "Thumbs 👍 Up"
