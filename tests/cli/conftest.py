"""Fixtures for the config layer and the `ssui` command: a private config dir, a clean
environment and a fake SharpSpring endpoint that checks credentials. The seeded sandbox is
the shared ``sandbox`` fixture (tests/conftest.py)."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_fakes import FakeSharpSpring

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
