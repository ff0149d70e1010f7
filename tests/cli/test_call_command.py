"""`ssui call METHOD [PARAMS_JSON]`: one API call, its JSON result on stdout."""

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_fakes import (
    ACCOUNT_ID,
    OTHER_ACCOUNT_ID,
    OTHER_SECRET,
    SECRET,
    FakeSharpSpring,
    connection,
)

from ssui.cli import main
from ssui.config import save_profile

LEADS = {"lead": [{"id": "7", "emailAddress": "ada@example.com", "firstName": "Ada"}]}


@pytest.fixture(autouse=True)
def env_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARPSPRING_ACCOUNT_ID", ACCOUNT_ID)
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", SECRET)


def call(sharpspring: FakeSharpSpring, *args: str) -> int:
    return main(["call", *args], transport=sharpspring.transport)


def test_call_prints_the_result_as_indented_json(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str]
) -> None:
    sharpspring.results["getLeads"] = LEADS
    assert call(sharpspring, "getLeads", '{"where": {}, "limit": 1}') == 0
    out = capsys.readouterr().out
    assert out == json.dumps(LEADS, indent=2) + "\n"
    assert sharpspring.calls == [(ACCOUNT_ID, "getLeads", {"where": {}, "limit": 1})]


@pytest.mark.parametrize(
    "args",
    [
        ["getLeads", '{"limit": 1}', "--envelope"],
        ["getLeads", "--envelope", '{"limit": 1}'],
        ["--envelope", "getLeads", '{"limit": 1}'],
    ],
)
def test_params_may_come_before_or_after_options(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    assert call(sharpspring, *args) == 0
    assert sharpspring.calls[0][1:] == ("getLeads", {"limit": 1})


def test_a_third_positional_is_refused(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str]
) -> None:
    assert call(sharpspring, "getLeads", "--envelope", "{}", "extra") == 2
    assert sharpspring.requests == []


def test_call_without_params_sends_an_empty_object(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str]
) -> None:
    assert call(sharpspring, "getUserProfiles") == 0
    assert sharpspring.calls[0][2] == {}


def test_call_reads_params_from_a_file(
    sharpspring: FakeSharpSpring, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = tmp_path / "params.json"
    params.write_text('{"where": {"emailAddress": "ada@example.com"}}')
    assert call(sharpspring, "getLeads", "--params-file", str(params)) == 0
    assert sharpspring.calls[0][2] == {"where": {"emailAddress": "ada@example.com"}}


@pytest.mark.parametrize("args", [["-"], ["--params-file", "-"]])
def test_call_reads_params_from_stdin(
    sharpspring: FakeSharpSpring,
    stdin_text: Callable[[str], None],
    capsys: pytest.CaptureFixture[str],
    args: list[str],
) -> None:
    stdin_text('{"id": 7}')
    assert call(sharpspring, "getLead", *args) == 0
    assert sharpspring.calls[0][2] == {"id": 7}


def test_api_error_prints_code_and_message_and_exits_1(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str]
) -> None:
    sharpspring.errors["getLeadz"] = (204, "Invalid method")
    assert call(sharpspring, "getLeadz") == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("error 204: Invalid method")
    assert err.count("\n") == 1


def test_wrong_credentials_are_reported_as_error_105(
    sharpspring: FakeSharpSpring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", "wrong-secret")
    assert call(sharpspring, "getLeads") == 1
    err = capsys.readouterr().err
    assert err.startswith("error 105: ")
    assert "wrong-secret" not in err


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('{"where": {}, "limit": }', "line 1, column 24"),
        ('{\n  "where": {},\n  "limit" 1\n}', "line 3, column 11"),
    ],
)
def test_bad_json_names_where_it_came_from_and_the_line_and_column(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str], text: str, where: str
) -> None:
    assert call(sharpspring, "getLeads", text) == 2  # usage error
    err = capsys.readouterr().err
    assert err.startswith(f"ssui: params from PARAMS_JSON argument: invalid JSON at {where}: ")
    assert err.count("\n") == 1
    assert sharpspring.requests == []


def test_bad_json_in_a_file_names_the_file(
    sharpspring: FakeSharpSpring, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    params = tmp_path / "params.json"
    params.write_text("{\n  'where': {}\n}\n")
    assert call(sharpspring, "getLeads", "--params-file", str(params)) == 2  # usage error
    assert f"params from file {params}: invalid JSON at line 2, column 3" in capsys.readouterr().err


def test_bad_json_on_stdin_says_stdin(
    sharpspring: FakeSharpSpring,
    stdin_text: Callable[[str], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    stdin_text("[1, 2")
    assert call(sharpspring, "getLeads", "-") == 2  # usage error
    assert "params from stdin: invalid JSON at line 1, column 6" in capsys.readouterr().err


def test_missing_params_file_fails_in_one_line(
    sharpspring: FakeSharpSpring, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.json"
    assert call(sharpspring, "getLeads", "--params-file", str(missing)) == 1
    assert capsys.readouterr().err == f"ssui: params file {missing}: No such file or directory\n"


def test_params_that_are_not_an_object_are_refused(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str]
) -> None:
    assert call(sharpspring, "getLeads", "[1, 2]") == 2  # usage error
    assert "must be a JSON object" in capsys.readouterr().err
    assert sharpspring.requests == []


def test_params_given_twice_is_a_usage_error(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str]
) -> None:
    assert call(sharpspring, "getLeads", "{}", "--params-file", "-") == 2


def test_envelope_prints_the_whole_response_body(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str]
) -> None:
    sharpspring.results["getLeads"] = LEADS
    assert call(sharpspring, "getLeads", "--envelope") == 0
    body = json.loads(capsys.readouterr().out)
    assert body["result"] == LEADS
    assert body["error"] is None
    assert "id" in body


def test_envelope_with_an_api_error_prints_the_body_and_exits_1(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str]
) -> None:
    sharpspring.errors["getLeads"] = (206, "Missing parameters")
    assert call(sharpspring, "getLeads", "--envelope") == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["error"]["code"] == 206
    assert err.startswith("error 206: ")


def test_call_uses_the_profile_given_before_or_after_the_command(
    sharpspring: FakeSharpSpring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("SHARPSPRING_ACCOUNT_ID")
    monkeypatch.delenv("SHARPSPRING_SECRET_KEY")
    save_profile(connection("work"))
    save_profile(connection("home", OTHER_ACCOUNT_ID, OTHER_SECRET))
    assert main(["--profile", "home", "call", "getLeads"], transport=sharpspring.transport) == 0
    assert call(sharpspring, "--profile", "home", "getLeads") == 0
    assert call(sharpspring, "getLeads") == 0
    assert [account for account, _, _ in sharpspring.calls] == [
        OTHER_ACCOUNT_ID,
        OTHER_ACCOUNT_ID,
        ACCOUNT_ID,
    ]


def test_call_with_no_connection_points_to_login(
    sharpspring: FakeSharpSpring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("SHARPSPRING_ACCOUNT_ID")
    monkeypatch.delenv("SHARPSPRING_SECRET_KEY")
    assert call(sharpspring, "getLeads") == 1
    err = capsys.readouterr().err
    assert "ssui login" in err
    assert err.count("\n") == 1


def test_call_output_escapes_every_control_character_and_keeps_the_value(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str]
) -> None:
    company = "Esc\u001b]0;PWNED\u0007 Co \u009b2J \u007f"
    sharpspring.results["getLeads"] = {"lead": [{"id": "7", "companyName": company}]}
    assert call(sharpspring, "getLeads", "{}") == 0
    out = capsys.readouterr().out
    assert not [c for c in out if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0]
    assert "\\u001b]0;PWNED\\u0007" in out and "\\u009b2J" in out
    assert json.loads(out)["lead"][0]["companyName"] == company
