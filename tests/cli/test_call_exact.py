"""`ssui call` is exact: failed writes fail the command, nothing shows the secret, and one
deadline bounds the whole call."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from cli_fakes import ACCOUNT_ID, SECRET, FakeSharpSpring

from ssui.cli import main
from ssui.cli.call import DEFAULT_TIMEOUT


@pytest.fixture(autouse=True)
def env_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARPSPRING_ACCOUNT_ID", ACCOUNT_ID)
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", SECRET)


def _failure(code: int, message: str) -> dict[str, object]:
    return {"success": False, "error": {"code": code, "message": message, "data": None}}


TWO_FAILED = {"creates": [_failure(301, "Entry already exists"),
                          _failure(205, "Invalid email address")]}


def test_a_write_whose_objects_all_failed_exits_1_with_a_line_per_object(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str]
) -> None:
    sharpspring.results["createLeads"] = TWO_FAILED
    params = '{"objects": [{"emailAddress": "a@example.com"}, {"emailAddress": "x"}]}'
    assert main(["call", "createLeads", params], transport=sharpspring.transport) == 1
    out, err = capsys.readouterr()
    assert json.loads(out) == TWO_FAILED  # stdout still has the whole result
    assert err.splitlines() == [
        "ssui: createLeads: creates object 0 failed: Entry already exists (SharpSpring error 301)",
        "ssui: createLeads: creates object 1 failed: Invalid email address "
        "(SharpSpring error 205: invalid parameters)",
    ]


def test_a_partly_failed_write_names_only_the_failed_objects(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str]
) -> None:
    sharpspring.results["updateLeads"] = {"updates": [
        {"success": True, "error": None}, _failure(404, "No such lead"),
    ]}
    assert main(["call", "updateLeads", '{"objects": [{"id": 1}, {"id": 2}]}'],
                transport=sharpspring.transport) == 1
    assert capsys.readouterr().err.splitlines() == [
        "ssui: updateLeads: updates object 1 failed: No such lead "
        "(SharpSpring error 404: no record with that ID exists)",
    ]


def test_a_write_that_succeeded_exits_0(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str]
) -> None:
    sharpspring.results["createLeads"] = {"creates": [{"success": True, "error": None,
                                                       "id": "9"}]}
    assert main(["call", "createLeads", '{"objects": [{"emailAddress": "a@example.com"}]}'],
                transport=sharpspring.transport) == 0
    assert capsys.readouterr().err == ""


def test_failed_objects_fail_the_envelope_call_too(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str]
) -> None:
    sharpspring.results["deleteLeads"] = {"deletes": [_failure(404, "No such lead")]}
    assert main(["call", "deleteLeads", '{"objects": [{"id": 1}]}', "--envelope"],
                transport=sharpspring.transport) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["result"] == {"deletes": [_failure(404, "No such lead")]}
    assert err == ("ssui: deleteLeads: deletes object 0 failed: No such lead "
                   "(SharpSpring error 404: no record with that ID exists)\n")


def test_a_read_with_success_false_rows_is_not_a_failed_write(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str]
) -> None:
    sharpspring.results["getLeads"] = {"lead": [{"id": "1", "success": False}]}
    assert main(["call", "getLeads", "{}"], transport=sharpspring.transport) == 0


ECHO = (f"https://api.sharpspring.com/pubapi/v1.2/?accountID={ACCOUNT_ID}"
        f"&secretKey={SECRET}")


@pytest.mark.parametrize("envelope", [True, False], ids=["envelope", "result"])
def test_a_secret_the_server_echoes_is_never_printed(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str], envelope: bool
) -> None:
    sharpspring.results["getLeads"] = {"lead": [], "debug": {"url": ECHO, "key": SECRET}}
    args = ["call", "getLeads", "{}"] + (["--envelope"] if envelope else [])
    assert main(args, transport=sharpspring.transport) == 0
    out, err = capsys.readouterr()
    assert SECRET not in out + err
    assert "secretKey=***" in out
    body = json.loads(out)  # still valid JSON
    debug = body["result"]["debug"] if envelope else body["debug"]
    assert debug["key"] == "***"


def test_a_secret_json_would_escape_is_masked_too(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = 'sk-"quoted"\\-do-not-show'
    sharpspring.accounts[ACCOUNT_ID] = secret
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", secret)
    sharpspring.results["getLeads"] = {"echo": secret}
    assert main(["call", "getLeads", "{}", "--envelope"], transport=sharpspring.transport) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["result"] == {"echo": "***"}
    assert json.dumps(secret)[1:-1] not in out


class _Drip(httpx.AsyncByteStream):
    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"{"
        while True:
            await asyncio.sleep(0.05)
            yield b" "


class DripTransport(httpx.AsyncBaseTransport):
    """A server that answers at once, then sends one byte at a time, forever."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=_Drip())


def test_timeout_bounds_a_server_that_trickles_its_answer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    started = time.monotonic()
    assert main(["call", "getLeads", "{}", "--timeout", "0.5"], transport=DripTransport()) == 1
    assert time.monotonic() - started < 5
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "ssui: SharpSpring did not answer within 0.5 s (1 attempt)\n"


def test_the_default_timeout_is_a_minute() -> None:
    assert DEFAULT_TIMEOUT == 60


@pytest.mark.parametrize("value", ["0", "-1", "abc", "nan", "inf"])
def test_a_bad_timeout_is_a_usage_error(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    assert main(["call", "getLeads", "--timeout", value], transport=sharpspring.transport) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "--timeout" in err
    assert sharpspring.requests == []
