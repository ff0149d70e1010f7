"""`ssui call --curl` and `--history`: the command shares the console's core."""

import json
import stat
from pathlib import Path

import pytest
from cli_fakes import ACCOUNT_ID, SECRET, FakeSharpSpring, connection

from ssui.cli import main
from ssui.config import save_profile
from ssui.console import History

LEADS = {"lead": [{"id": "7", "emailAddress": "ada@example.com"}]}


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("SSUI_DATA_DIR", str(path))
    return path


def test_curl_prints_the_command_reading_the_secret_from_the_environment(
        sharpspring: FakeSharpSpring, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SHARPSPRING_ACCOUNT_ID", ACCOUNT_ID)
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", SECRET)
    code = main(["call", "getLeads", '{"where":{},"limit":1}', "--curl"],
                transport=sharpspring.transport)
    out = capsys.readouterr().out
    assert code == 0 and sharpspring.requests == []  # nothing is sent
    assert out.startswith("curl -sS -X POST 'https://api.sharpspring.com/pubapi/v1.2/"
                          f"?accountID={ACCOUNT_ID}&secretKey='\"$SHARPSPRING_SECRET_KEY\"")
    assert "SHARPSPRING_SECRET_KEY" in out and SECRET not in out
    assert '"params":{"where":{},"limit":1}' in out


def test_curl_needs_no_secret_key_at_all(sharpspring: FakeSharpSpring,
                                         monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SHARPSPRING_ACCOUNT_ID", ACCOUNT_ID)
    assert main(["call", "getUserProfiles", "--curl"], transport=sharpspring.transport) == 0
    assert '"method":"getUserProfiles"' in capsys.readouterr().out


def test_history_keeps_the_call_in_the_profiles_console_history_without_the_secret(
        sharpspring: FakeSharpSpring, data_dir: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    save_profile(connection("work"), make_default=True)
    sharpspring.results["getLeads"] = LEADS
    assert main(["call", "getLeads", '{"where": {}, "limit": 1}', "--history"],
                transport=sharpspring.transport) == 0
    sharpspring.errors["getLeedz"] = (204, "Invalid method")
    assert main(["call", "getLeedz", "--history"], transport=sharpspring.transport) == 1
    capsys.readouterr()
    history = History.for_connection("work", ACCOUNT_ID)
    assert stat.S_IMODE(history.path.stat().st_mode) == 0o600
    assert SECRET not in history.path.read_text()
    newest, oldest = history.search()
    assert (newest.request.method, newest.source) == ("getLeedz", "call")
    assert newest.outcome.startswith("error 204: Invalid method")
    assert json.loads(oldest.request.params) == {"where": {}, "limit": 1}
    assert oldest.status == 200 and oldest.outcome == "lead: 1 item"


def test_without_history_nothing_is_kept(sharpspring: FakeSharpSpring, data_dir: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    save_profile(connection("work"), make_default=True)
    assert main(["call", "getUserProfiles"], transport=sharpspring.transport) == 0
    assert not (data_dir / "console").exists()
