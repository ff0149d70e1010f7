"""Fixtures for the console's core: a data directory of the test's own."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test keeps its history and saved requests in a fresh data directory."""
    path = tmp_path / "data"
    monkeypatch.setenv("SSUI_DATA_DIR", str(path))
    return path
