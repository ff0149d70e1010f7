"""Untrusted text: nothing from account data can drive the terminal, and JSON stays exact."""

from __future__ import annotations

import json
import unicodedata

import pytest

from ssui.sandbox.messy import CLEAR_SCREEN, CONTROLS, LEADS, RETITLE
from ssui.text import json_safe, printable


def controls_in(text: str) -> list[str]:
    return [c for c in text if unicodedata.category(c) == "Cc" and c != "\n"]


@pytest.mark.parametrize("code", [ord(c) for c in CONTROLS])
def test_every_control_character_becomes_a_visible_symbol(code: int) -> None:
    text = f"a{chr(code)}b"
    for one_line in (True, False):
        shown = printable(text, one_line=one_line)
        assert not controls_in(shown), (hex(code), shown)
        assert shown.startswith("a") and shown.endswith("b")
        if code not in (0x0A, 0x0D, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85):
            assert len(shown) == 3, (hex(code), shown)  # one symbol for one character


def test_escape_sequences_read_as_text() -> None:
    assert printable(CLEAR_SCREEN) == "Esc␛[2JClear Co"
    assert printable(RETITLE) == "Esc␛]0;PWNED␇ Co"
    assert printable("\x9b2J") == "⍰2J"  # the one-byte CSI


def test_line_breaks_read_as_one_line_or_stay_as_lines() -> None:
    assert printable("one\r\ntwo\n\nthree") == "one ⏎ two ⏎ three"
    assert printable("one\r\ntwo\rthree", one_line=False) == "one\ntwo\nthree"


def test_a_tab_becomes_one_space() -> None:
    assert printable("Tab\tbed") == "Tab bed"
    assert printable("a\tb", one_line=False) == "a b"


def test_clean_text_is_returned_as_it_is() -> None:
    for lead in LEADS:
        name = lead["lastName"]
        if not controls_in(name):
            assert printable(name) is name


def test_a_lone_surrogate_cannot_break_the_output() -> None:
    printable("bad \udc80 byte").encode("utf-8")


def test_json_output_escapes_c1_controls_and_still_decodes_to_the_same_value() -> None:
    value = {"company": f"All{CONTROLS}Controls"}
    encoded = json_safe(json.dumps(value, ensure_ascii=False))
    assert not controls_in(encoded)
    assert "\\u001b" in encoded and "\\u009b" in encoded and "\\u007f" in encoded
    assert json.loads(encoded) == value
