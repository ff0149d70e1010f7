"""`ssui sandbox serve`: every option explained, a database of its own (apart from
`ssui --sandbox`'s, so both run at once), and its failures in one line."""

from __future__ import annotations

import argparse
import socket
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from ssui.api import SharpSpringClient
from ssui.cli import main
from ssui.cli.main import _build_parser
from ssui.sandbox import SandboxConfig, SandboxServer


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """ssui's data folder (where the sandboxes keep their databases by default), private."""
    folder = tmp_path / "data"
    monkeypatch.setenv("SSUI_DATA_DIR", str(folder))
    return folder


def subparser(parser: argparse.ArgumentParser, *names: str) -> argparse.ArgumentParser:
    for name in names:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[name]
    return parser


@pytest.mark.parametrize("command", [("sandbox", "serve"), ("sync",), ("watch",)])
def test_every_option_has_a_help_text(command: tuple[str, ...]) -> None:
    parser = subparser(_build_parser(load_sandbox=True), *command)
    bare = [a.option_strings or [a.dest] for a in parser._actions
            if not a.help or a.help == argparse.SUPPRESS]
    assert bare == [], f"ssui {' '.join(command)}: no help for {bare}"


def test_serve_help_says_the_secret_key_is_the_sandboxs_own_and_where_the_data_lives(
        capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    assert main(["sandbox", "serve", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps the lines
    for option in ("--account-id ID", "--secret-key KEY", "--daily-quota CALLS"):
        assert option in text
    assert "the sandbox's own made-up key" in text
    assert "default SANDBOX" in text and "default sandbox- secret" in text
    db = next(a for a in subparser(_build_parser(load_sandbox=True), "sandbox", "serve")._actions
              if a.dest == "db")
    assert f"default: {data_dir / 'sandbox-serve.db'};" in str(db.help)
    assert "`ssui --sandbox` keeps its own sandbox.db" in str(db.help)


class Stop(Exception):
    """Stands in for serving: the test only wants the sandbox's config."""


def test_ssui_sandbox_and_sandbox_serve_default_to_different_databases(
        monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    made: dict[str, str] = {}

    def recorder(name: str) -> type[SandboxServer]:
        class Recorder(SandboxServer):
            def start(self, timeout: float = 30.0) -> SandboxServer:
                made[name] = self.config.db_path()
                raise Stop

        return Recorder

    # `ssui --sandbox` opens the app on `SandboxServer()`; the app itself is not needed here.
    app = types.ModuleType("ssui.tui.app")
    app.binding_ids = lambda: {}  # type: ignore[attr-defined]
    app.run_app = lambda *a, **kw: 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "ssui.tui.app", app)
    monkeypatch.setattr("ssui.sandbox.SandboxServer", recorder("app"))
    monkeypatch.setattr("ssui.cli.sandbox.SandboxServer", recorder("serve"))
    main(["--sandbox"])
    main(["sandbox", "serve"])
    assert made == {"app": str(data_dir / "sandbox.db"),
                    "serve": str(data_dir / "sandbox-serve.db")}


async def test_both_sandboxes_run_at_once_each_on_its_own_file(data_dir: Path) -> None:
    from ssui.cli.sandbox import add_parsers, serve_config

    parser = argparse.ArgumentParser()
    add_parsers(parser.add_subparsers())
    args = parser.parse_args(["sandbox", "serve", "--leads", "4", "--activity", "0"])
    with SandboxServer(SandboxConfig(leads=3, activity=0)) as app_sandbox, \
            SandboxServer(serve_config(args)) as serve_sandbox:
        counts = []
        for server in (app_sandbox, serve_sandbox):
            async with SharpSpringClient(server.account_id, server.secret_key,
                                         base_url=server.base_url, rate_limit=None) as client:
                counts.append(len(await client.page("lead", 0)))
        assert counts == [3, 4]
        assert app_sandbox.config.db_path() != serve_sandbox.config.db_path()
    assert sorted(p.name for p in data_dir.glob("*.db")) == ["sandbox-serve.db", "sandbox.db"]


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err, captured.err
    return captured.err


def test_a_port_already_taken_is_one_line(capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["sandbox", "serve", "--port", str(port), "--leads", "1",
                     "--db", str(tmp_path / "x.db")]) == 1
    err = one_line_error(capsys)
    assert f"cannot serve on 127.0.0.1:{port}" in err and "in use" in err


@pytest.mark.parametrize(("option", "value", "says"), [
    ("--port", "70000", "0 to 65535"),
    ("--leads", "-5", "0 or more"),
    ("--daily-quota", "lots", "not a whole number"),
    ("--activity", "nan", "0 or more"),
])
def test_bad_numbers_are_one_line_usage_errors(option: str, value: str, says: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "serve", option, value]) == 2
    err = one_line_error(capsys)
    assert option in err and says in err


def test_a_file_that_is_no_database_is_one_line(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not a database\n" * 100)
    assert main(["sandbox", "serve", "--db", str(junk)]) == 1
    assert f"cannot use the database {junk}" in one_line_error(capsys)


def test_serve_config_is_what_the_options_say(tmp_path: Path) -> None:
    from ssui.cli.sandbox import add_parsers, serve_config

    parser = argparse.ArgumentParser()
    add_parsers(parser.add_subparsers())
    args: Any = parser.parse_args(["sandbox", "serve", "--db", str(tmp_path / "s.db"),
                                   "--account-id", "ACME", "--secret-key", "k", "--no-limits",
                                   "--daily-quota", "7"])
    config = serve_config(args)
    assert (config.db_path(), config.account_id, config.secret_key, config.limits,
            config.daily_quota) == (str(tmp_path / "s.db"), "ACME", "k", False, 7)
