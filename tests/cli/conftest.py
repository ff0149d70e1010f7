"""Fixtures for the config layer and the `ssui` command: a private config dir, a clean
environment, a fake SharpSpring endpoint that checks credentials, and a seeded sandbox."""

from __future__ import annotations

import io
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from cli_fakes import FakeSharpSpring

if TYPE_CHECKING:
    from ssui.sandbox import SandboxApp, SandboxConfig

ENV_VARS = (
    "SSUI_PROFILE",
    "SHARPSPRING_ACCOUNT_ID",
    "SHARPSPRING_SECRET_KEY",
    "SHARPSPRING_BASE_URL",
    "SHARPSPRING_API_VERSION",
    "SSUI_DEBUG",
)


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own empty config dir and an environment without SharpSpring vars."""
    directory = tmp_path / "ssui-config"
    monkeypatch.setenv("SSUI_CONFIG_DIR", str(directory))
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    yield directory


@pytest.fixture(autouse=True)
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """By default stdin is an empty pipe, as in a script: nobody is there to answer prompts."""
    monkeypatch.setattr("sys.stdin", io.StringIO(""))


@pytest.fixture
def write_config(config_dir: Path) -> Callable[[str], Path]:
    """Write config.toml by hand, as a user would."""

    def write(text: str) -> Path:
        config_dir.mkdir(parents=True, exist_ok=True)
        path = config_dir / "config.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def write_credentials(config_dir: Path) -> Callable[..., Path]:
    """Write credentials.toml by hand with the given mode (0600 unless told otherwise)."""

    def write(text: str, mode: int = 0o600) -> Path:
        config_dir.mkdir(parents=True, exist_ok=True)
        path = config_dir / "credentials.toml"
        path.write_text(text, encoding="utf-8")
        os.chmod(path, mode)
        assert stat.S_IMODE(path.stat().st_mode) == mode
        return path

    return write


@pytest.fixture
def sharpspring() -> FakeSharpSpring:
    return FakeSharpSpring()


class FakeTerminal:
    """Stands in for sys.stdin when a person is at the keyboard."""

    def isatty(self) -> bool:
        return True

    def read(self) -> str:
        raise AssertionError("nothing should read stdin as a whole in interactive mode")


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Callable[..., list[str]]:
    """Make stdin a terminal; answer input() prompts in order and getpass with `secret`.

    Returns the list of prompts shown, to check what was asked.
    """

    def install(answers: list[str], secret: str | None = None) -> list[str]:
        prompts: list[str] = []
        remaining = list(answers)

        def fake_input(prompt: str = "") -> str:
            prompts.append(prompt)
            if not remaining:
                raise EOFError
            return remaining.pop(0)

        def fake_getpass(prompt: str = "Password: ", stream: Any = None) -> str:
            prompts.append(prompt)
            if secret is None:
                raise AssertionError("getpass should not have been called")
            return secret

        monkeypatch.setattr("sys.stdin", FakeTerminal())
        monkeypatch.setattr("builtins.input", fake_input)
        monkeypatch.setattr("getpass.getpass", fake_getpass)
        return prompts

    return install


@pytest.fixture
def stdin_text(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Replace stdin with a pipe holding `text` (not a terminal)."""

    def install(text: str) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO(text))

    return install


def _sandbox_config(db: Path) -> SandboxConfig:
    from ssui.sandbox import SandboxConfig

    return SandboxConfig(db=db, seed=11, leads=300, activity=0, limits=False)


@pytest.fixture(scope="session")
def sandbox_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seeded sandbox database, made once per worker: seeding is the slow part."""
    from ssui.sandbox import create_app

    path = tmp_path_factory.mktemp("cli-sandbox") / "sandbox.db"
    create_app(_sandbox_config(path)).store.close()
    return path


@pytest.fixture
def sandbox(sandbox_template: Path, tmp_path: Path) -> Iterator[SandboxApp]:
    """An in-process sandbox of 300 leads (no limits, no activity), a fresh copy per test."""
    from ssui.sandbox import create_app

    db = tmp_path / "sandbox.db"
    shutil.copy(sandbox_template, db)
    app = create_app(_sandbox_config(db))
    yield app
    app.store.close()
