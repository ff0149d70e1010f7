"""Where each connection's mirror lives: one SQLite file per profile and account."""

from __future__ import annotations

import os
import re
from pathlib import Path

import platformdirs


def data_dir() -> Path:
    """ssui's data folder (``SSUI_DATA_DIR`` overrides, e.g. in tests)."""
    override = os.environ.get("SSUI_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir("ssui", appauthor=False))


def mirror_dir() -> Path:
    """The folder of every connection's mirror (private: see ``files``)."""
    return data_dir() / "mirrors"


def mirror_path(profile: str, account_id: str) -> Path:
    """The mirror file for one connection; the account id keeps two accounts apart."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{profile}-{account_id}")
    return mirror_dir() / f"{safe}.db"
