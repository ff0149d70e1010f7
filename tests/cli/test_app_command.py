"""`ssui` with no command opens the app; usage errors and
crashes end in one line, never a traceback; nothing below the app imports textual."""

import asyncio
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from cli_fakes import SECRET, connection

import ssui.cli.profiles
from ssui.cli import main
from ssui.config import WatchPrefs, check_connection, save_profile
from ssui.session import AccountSession


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Stand in for ssui.tui.app; returns the list of run_app calls it received."""
    runs: list[dict[str, Any]] = []
    module = types.ModuleType("ssui.tui.app")

    def run_app(session: AccountSession | None, *, read_only: bool,
                keymap: dict[str, str], watch: WatchPrefs | None = None) -> int:
        runs.append({"connection": session and session.connection, "read_only": read_only})
        if watch is not None:
            runs[-1]["watch"] = watch
        if session is not None:
            asyncio.run(session.aclose())  # as the real app does when it quits
        return 0

    module.run_app = run_app  # type: ignore[attr-defined]
    ids = {"ssui.search": "slash", "ssui.quit": "q"}
    module.binding_ids = lambda: ids  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ssui.tui.app", module)
    return runs


def test_ssui_with_no_connection_at_all_opens_the_connection_screen(
    fake_app: list[dict[str, Any]],
) -> None:
    assert main([]) == 0
    assert fake_app == [{"connection": None, "read_only": False}]


def test_ssui_with_a_missing_profile_name_says_so_instead(
    fake_app: list[dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    save_profile(connection("work"))
    assert main(["--profile", "home"]) == 1
    assert "home" in capsys.readouterr().err
    assert fake_app == []


def test_ssui_opens_the_app_on_the_resolved_connection(fake_app: list[dict[str, Any]]) -> None:
    save_profile(connection("work"))
    assert main(["--profile", "work", "--read-only"]) == 0
    [run] = fake_app
    assert run["connection"].name == "work"
    assert run["connection"].secret_key.get_secret_value() == SECRET
    assert run["read_only"] is True
    assert run["watch"].kept and run["watch"].profile == "work"  # its settings are saved there


def test_ssui_sandbox_opens_the_app_on_a_live_local_sandbox(
    fake_app: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the sandbox's database
    checked: list[str] = []

    def run_app(session: AccountSession, *, read_only: bool, keymap: dict[str, str],
                watch: WatchPrefs) -> int:
        assert session.connection is not None
        assert not watch.kept  # no saved profile: settings for this run only
        asyncio.run(check_connection(session.connection))  # the sandbox answers meanwhile
        asyncio.run(session.aclose())
        checked.append(session.connection.base_url)
        return 0

    monkeypatch.setattr(sys.modules["ssui.tui.app"], "run_app", run_app)
    assert main(["--sandbox"]) == 0
    assert len(checked) == 1
    assert checked[0].startswith("http://127.0.0.1:")


def test_watch_names_an_unknown_stream_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["watch", "--streams", "forms,calls"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "unknown calls" in err


def test_unknown_command_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "frobnicate" in err


def test_help_prints_to_stdout_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("login", "config", "call", "sandbox", "sync", "watch"):
        assert command in out


def test_an_unexpected_error_is_one_line_without_its_message(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(args: object) -> int:
        raise RuntimeError("internal detail that might hold a secret")

    monkeypatch.setattr(ssui.cli.profiles, "_config_path", broken)
    assert main(["config", "path"]) == 1
    err = capsys.readouterr().err
    assert err == "ssui: internal error (RuntimeError); set SSUI_DEBUG=1 to see the traceback\n"


def test_python_dash_m_ssui_runs_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ssui", "config", "path"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout.startswith("config dir:")


def test_commands_other_than_the_app_never_load_textual() -> None:
    code = (
        "import sys; from ssui.cli import main; main(['config', 'path']); "
        "sys.exit(1 if 'textual' in sys.modules else 0)"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, check=False).returncode
        == 0
    )


def test_commands_other_than_sandbox_never_load_the_sandbox() -> None:
    code = (
        "import sys; from ssui.cli import main; main(['call', '--help']); "
        "main(['config', 'path']); sys.exit(1 if 'ssui.sandbox' in sys.modules else 0)"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, check=False).returncode
        == 0
    )
