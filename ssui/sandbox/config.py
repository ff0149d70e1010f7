"""How one sandbox is set up: where its data lives, what it seeds, which limits and faults apply."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import platformdirs

from .faults import FaultSpec

DEFAULT_ACCOUNT_ID = "SANDBOX"
DEFAULT_SECRET_KEY = "sandbox-secret"
# One new thing every ~3 s: enough to see the app refresh, too little to notice otherwise.
DEFAULT_ACTIVITY = 1 / 3


# ssui's data folder is overridden by this variable (as for the mirrors), e.g. in tests.
DATA_DIR_ENV = "SSUI_DATA_DIR"
# Each way of running the sandbox has a database file of its own, so `ssui --sandbox` and
# `ssui sandbox serve` can run at once without sharing (and fighting over) one file.
APP_DB = "sandbox.db"
"""``ssui --sandbox``: the sandbox embedded in the app (and ``SandboxConfig()``'s default)."""
SERVE_DB = "sandbox-serve.db"
"""``ssui sandbox serve``: the sandbox on its own."""
Use = Literal["app", "serve"]


def default_db_path(use: Use = "app") -> Path:
    """The default database file of the sandbox, under the user data dir (or
    ``$SSUI_DATA_DIR``): ``sandbox.db`` for ``ssui --sandbox``, ``sandbox-serve.db`` for
    ``ssui sandbox serve``."""
    override = os.environ.get(DATA_DIR_ENV)
    folder = Path(override) if override else Path(platformdirs.user_data_dir("ssui"))
    return folder / (SERVE_DB if use == "serve" else APP_DB)


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """Everything that makes one sandbox; the defaults are a realistic, well-behaved account."""

    db: str | Path | None = None
    """SQLite file; None = ``default_db_path()`` (the one of ``ssui --sandbox``); ``":memory:"``
    for tests."""
    seed: int = 1
    leads: int = 2000
    activity: float = DEFAULT_ACTIVITY
    """New leads/visits/opens per second while served; 0 turns it off."""
    faults: FaultSpec = field(default_factory=FaultSpec)
    account_id: str = DEFAULT_ACCOUNT_ID
    secret_key: str = DEFAULT_SECRET_KEY
    account_tz: str = "America/New_York"
    """The Company Profile zone that v1 speaks; v1.2 speaks UTC."""
    limits: bool = True
    per_second: int = 10
    daily_quota: int = 50_000
    max_objects: int = 500
    wrong_secret: Literal["json105", "http401"] = "json105"
    clock: Callable[[], float] = time.time
    """Seconds since the epoch; drives limits, timestamps and the seed's notion of "now"."""
    seed_anchor: float | None = None
    """Seeded history ends here (epoch s); None = midnight UTC of the day the db is made."""
    host: str = "127.0.0.1"
    port: int = 0

    def db_path(self) -> str:
        if self.db is None:
            return str(default_db_path())
        return str(self.db)
