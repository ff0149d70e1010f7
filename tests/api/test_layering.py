"""The layers under the UI never pull in textual, so they stay usable and testable without it."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

CORE_LAYERS = ["ssui.entities", "ssui.api", "ssui.sandbox", "ssui.mirror", "ssui.config"]


@pytest.mark.parametrize("module", CORE_LAYERS)
def test_core_layer_does_not_import_textual(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} does not exist yet")
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(loaded))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "", f"{module} loads textual: {run.stdout.strip()}"


def test_all_core_layers_together_do_not_import_textual() -> None:
    present = [m for m in CORE_LAYERS if importlib.util.find_spec(m) is not None]
    code = (
        "import importlib, sys\n"
        f"for m in {present!r}: importlib.import_module(m)\n"
        "print('textual' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"
