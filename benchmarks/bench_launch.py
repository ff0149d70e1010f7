"""Launch of ``ssui --sandbox`` to the first rows on screen, cold and warm.

Run: python benchmarks/bench_launch.py

- imports: a fresh interpreter importing the app (what every launch pays first);
- cold: nothing on disk yet: the sandbox seeds its 2,000 leads, the first sync copies the
  account, the leads list shows rows;
- warm: the sandbox database and the mirror exist: rows paint from the mirror at once.
Each phase goes through the same steps as ``ssui --sandbox`` (SandboxServer on a loopback
port, a client, the on-disk mirror, SsuiApp) in a headless ``run_test``.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr


def import_seconds() -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import ssui.cli, ssui.tui.app, ssui.sandbox"],
                   check=True)
    return time.perf_counter() - t


async def launch(data: Path) -> tuple[float, float]:
    """Seconds to the server listening, and to the first lead rows on screen."""
    from ssui.config import Connection
    from ssui.sandbox import SandboxConfig, SandboxServer
    from ssui.session import AccountSession
    from ssui.tui.app import SsuiApp
    from ssui.tui.widgets.entity_browser import EntityBrowser

    t0 = time.perf_counter()
    with SandboxServer(SandboxConfig(db=data / "sandbox.db")) as server:
        listening = time.perf_counter() - t0
        connection = Connection(name="sandbox", account_id=server.account_id,
                                secret_key=SecretStr(server.secret_key),
                                base_url=server.base_url)
        session = AccountSession.open(connection)
        app = SsuiApp(session)
        async with app.run_test(size=(160, 50)) as pilot:
            while True:
                browsers = list(app.screen.query(EntityBrowser))
                if browsers and browsers[0].count > 0:
                    break
                await pilot.pause(0.005)
            shown = time.perf_counter() - t0
        await session.aclose()
    return listening, shown


def main() -> None:
    print(f"import ssui (app, sandbox, cli): {import_seconds() * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as d:
        os.environ["SSUI_DATA_DIR"] = d
        for label in ("cold (seed + first sync)", "warm (mirror on disk)"):
            listening, shown = asyncio.run(launch(Path(d)))
            print(f"{label:28} server up {listening * 1000:6.0f} ms,"
                  f" first rows {shown * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
