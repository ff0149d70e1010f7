"""The import architecture: the contracts in ``[tool.importlinter]`` of pyproject.toml.

import-linter holds the layers to their order (text < entities < api < config < sandbox |
mirror < session < tui < cli), keeps the sandbox and the mirror apart, keeps textual inside
``ssui.tui`` and finds import cycles. It reads ssui's own import statements; the run-time
check below also catches textual arriving through a third-party package.
"""

from __future__ import annotations

import importlib.util
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LINT = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def contracts() -> list[dict[str, Any]]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        found: list[dict[str, Any]] = tomllib.load(f)["tool"]["importlinter"]["contracts"]
    return found


def test_the_imports_keep_every_contract() -> None:
    run = subprocess.run([sys.executable, "-c", LINT, "--no-cache", "--no-logo"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, f"import-linter:\n{run.stdout}{run.stderr}"
    assert "0 broken" in run.stdout, run.stdout


def test_the_contracts_cover_the_layers_textual_and_cycles() -> None:
    kinds = {c["type"] for c in contracts()}
    assert {"layers", "forbidden", "acyclic_siblings"} <= kinds
    layers = next(c for c in contracts() if c["type"] == "layers")
    assert layers["exhaustive"] is True, "a new package must be given its place in the layers"


def _textual_free_modules() -> list[str]:
    """Every module a contract says must not reach textual, even indirectly."""
    names: list[str] = []
    for contract in contracts():
        if contract["type"] != "forbidden" or "textual" not in contract["forbidden_modules"]:
            continue
        if contract.get("allow_indirect_imports", False):
            continue
        for name in contract["source_modules"]:
            names.append(name)
            spec = importlib.util.find_spec(name)
            assert spec is not None, f"{name} is in a contract but does not exist"
            if contract.get("as_packages", True) and spec.submodule_search_locations:
                names += [m.name for m in pkgutil.walk_packages(spec.submodule_search_locations,
                                                                  f"{name}.")
                          if not m.name.endswith(".__main__")]
    return sorted(set(names))


def test_nothing_that_must_stay_plain_loads_textual_at_run_time() -> None:
    modules = _textual_free_modules()
    assert "ssui.api.client" in modules and "ssui.tui.format" in modules
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "", f"textual was loaded: {run.stdout.strip()}"
