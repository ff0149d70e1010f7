"""The app's plain helpers stay plain: they never import Textual."""

from __future__ import annotations

import subprocess
import sys

import pytest

PLAIN = ("format", "names", "rows", "related", "browse_state", "sync_state", "sample")


@pytest.mark.parametrize("module", PLAIN)
def test_a_plain_helper_imports_without_textual(module: str) -> None:
    code = (f"import sys, ssui.tui.{module}; "
            "sys.exit(1 if any(m == 'textual' or m.startswith('textual.') for m in sys.modules)"
            " else 0)")
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
