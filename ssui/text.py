"""Account data on a terminal: the one place untrusted text is made safe to show.

Lead names, companies and form answers are typed by strangers into web forms, so any of them
may hold an escape sequence that would clear the screen, recolour it or rename the window.
Everything ssui prints or draws from account data goes through :func:`printable` (or, for JSON
output, :func:`json_safe`); nothing here imports the layers above, so every layer can use it.
"""

from __future__ import annotations

import re

NEWLINE = "⏎"
# C0 controls show as their Control Pictures (U+2400 + code: ESC reads ␛, BEL ␇), DEL as ␡.
# C1 controls (U+0080-U+009F; CSI is U+009B) have no pictures; they read as a boxed query.
C1_MARK = "⍰"
_PICTURES: dict[int, str] = {code: chr(0x2400 + code) for code in range(0x20)}
_PICTURES[0x7F] = "\u2421"
_PICTURES.update({code: C1_MARK for code in range(0x80, 0xA0)})
# Lone surrogates cannot be encoded and would fail the write that printed them.
_PICTURES.update({code: "\ufffd" for code in range(0xD800, 0xE000)})

_ONE_LINE = dict(_PICTURES)
_ONE_LINE[0x09] = " "  # a tab would move the cursor to the next stop: one space instead
_MULTI_LINE = dict(_ONE_LINE)
_MULTI_LINE[0x0A] = "\n"

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u0085]")
_LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029]")


def printable(text: str, *, one_line: bool = True) -> str:
    """``text`` with nothing that can drive a terminal: control characters become symbols.

    One line (the default): line breaks read `` ⏎ `` between the non-blank lines. Otherwise
    line breaks stay (as ``\\n``) and only the other controls are replaced. Tabs become a space.
    """
    if not _UNSAFE.search(text):
        return text
    if one_line:
        if _LINE_BREAKS.search(text):
            lines = [line.strip() for line in _LINE_BREAKS.split(text)]
            text = f" {NEWLINE} ".join(line for line in lines if line)
        return text.translate(_ONE_LINE)
    return _LINE_BREAKS.sub("\n", text).translate(_MULTI_LINE)


def json_safe(encoded: str) -> str:
    r"""JSON text with DEL, the C1 controls and the line separators escaped (``\u009b``).

    JSON encoders escape C0 controls themselves but write these as they are, and a terminal
    may act on a raw CSI (U+009B). They can only occur inside strings, where an escape is valid.
    """
    if not _JSON_UNSAFE.search(encoded):
        return encoded
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)
