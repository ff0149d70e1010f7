"""Bad input gets one clear line and a usage exit (2), never a traceback or an internal error."""

from __future__ import annotations

import io
import socket
from pathlib import Path

import pytest
from cli_fakes import ACCOUNT_ID, SECRET, FakeSharpSpring

from ssui.cli import main


@pytest.fixture(autouse=True)
def env_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARPSPRING_ACCOUNT_ID", ACCOUNT_ID)
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", SECRET)


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    return err


def stdin_bytes(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    """stdin as a real pipe is: text over bytes, decoded the way a non-UTF-8 locale would."""
    stream = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape")
    monkeypatch.setattr("sys.stdin", stream)


@pytest.mark.parametrize("method", ["", "   ", "get Leads", "getLeads\n", "get\x1bLeads"])
def test_an_empty_or_odd_method_is_a_usage_error(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str], method: str
) -> None:
    assert main(["call", method], transport=sharpspring.transport) == 2
    assert "METHOD" in one_line(capsys)
    assert sharpspring.requests == []


DEEP = "[" * 100_000


@pytest.mark.parametrize("text", [DEEP, '{"a": ' + DEEP, '{"a": ' + "[" * 5000 + "]" * 5000 + "}",
                                  '{"a": ' + "[" * 500 + "]" * 500 + "}"],
                         ids=["100k-open", "100k-in-object", "5000-closed", "500-closed"])
def test_deeply_nested_params_are_one_line(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, text: str,
) -> None:
    assert main(["call", "getLeads", text], transport=sharpspring.transport) == 2
    assert "params from PARAMS_JSON argument" in one_line(capsys)
    stdin_bytes(monkeypatch, text.encode())
    assert main(["call", "getLeads", "-"], transport=sharpspring.transport) == 2
    assert "params from stdin" in one_line(capsys)
    assert sharpspring.requests == []


def test_reasonably_nested_params_are_sent(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str]
) -> None:
    text = '{"a": ' + "[" * 100 + "]" * 100 + "}"
    assert main(["call", "getLeads", text], transport=sharpspring.transport) == 0
    assert len(sharpspring.requests) == 1


@pytest.mark.parametrize("data", [b'{"a": "\xff\xfe"}', b"\xff", b'{"a": "caf\xe9"}'])
def test_non_utf8_bytes_on_stdin_are_one_line(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, data: bytes,
) -> None:
    stdin_bytes(monkeypatch, data)
    assert main(["call", "getLeads", "-"], transport=sharpspring.transport) == 2
    assert one_line(capsys) == "ssui: params from stdin: not UTF-8 text\n"
    assert sharpspring.requests == []


def test_non_utf8_params_file_is_a_usage_error(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    params = tmp_path / "p.json"
    params.write_bytes(b'{"a": "\xff"}')
    assert main(["call", "getLeads", "--params-file", str(params)],
                transport=sharpspring.transport) == 2
    assert "not UTF-8 text" in one_line(capsys)


def test_an_undecodable_argument_is_a_usage_error(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str]
) -> None:
    # What Python makes of a non-UTF-8 byte in argv: a lone surrogate.
    assert main(["call", "getLeads", '{"a": "\udcff"}'], transport=sharpspring.transport) == 2
    assert "not UTF-8 text" in one_line(capsys)


def test_utf8_stdin_with_a_bom_is_read(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stdin_bytes(monkeypatch, '\ufeff{"where": {"firstName": "Zoë"}}'.encode())
    assert main(["call", "getLeads", "-"], transport=sharpspring.transport) == 0
    assert sharpspring.calls[0][2] == {"where": {"firstName": "Zoë"}}


@pytest.mark.parametrize("value", ["0", "-1", "many"])
def test_watch_count_must_be_one_or_more(
    capsys: pytest.CaptureFixture[str], value: str
) -> None:
    assert main(["watch", "--count", value]) == 2
    err = one_line(capsys)
    assert "--count" in err


@pytest.mark.parametrize(("option", "value", "says"), [
    ("--port", "99999", "0 to 65535"),
    ("--port", "-5", "0 or more"),
    ("--leads", "-5", "0 or more"),
    ("--daily-quota", "-1", "0 or more"),
])
def test_sandbox_serve_bad_numbers(option: str, value: str, says: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sandbox", "serve", option, value]) == 2
    err = one_line(capsys)
    assert option in err and says in err


def test_sandbox_serve_db_that_is_a_folder(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    port = _free_port()
    assert main(["sandbox", "serve", "--db", str(folder), "--port", str(port)]) == 1
    assert f"cannot use the database {folder}" in one_line(capsys)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
