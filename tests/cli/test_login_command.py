"""`ssui login`: checks the credentials with one call, then saves; the secret never comes
from the command line."""

import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_fakes import ACCOUNT_ID, SECRET, FakeSharpSpring

from ssui.cli import main
from ssui.config import default_profile_name, list_profiles, resolve_connection


def login(sharpspring: FakeSharpSpring, *args: str) -> int:
    return main(["login", *args], transport=sharpspring.transport)


def nothing_saved(config_dir: Path) -> bool:
    return (
        not (config_dir / "config.toml").exists() and not (config_dir / "credentials.toml").exists()
    )


def test_login_with_env_secret_checks_then_saves(
    sharpspring: FakeSharpSpring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    config_dir: Path,
) -> None:
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", SECRET)
    assert login(sharpspring, "--name", "work", "--account-id", ACCOUNT_ID) == 0
    assert sharpspring.calls == [(ACCOUNT_ID, "getUserProfiles", {"where": {}, "limit": 1})]
    monkeypatch.delenv("SHARPSPRING_SECRET_KEY")
    connection = resolve_connection("work")
    assert connection.account_id == ACCOUNT_ID
    assert connection.secret_key.get_secret_value() == SECRET
    assert stat.S_IMODE((config_dir / "credentials.toml").stat().st_mode) == 0o600
    assert "saved connection 'work'" in capsys.readouterr().out


def test_login_reads_the_secret_from_stdin_with_secret_stdin(
    sharpspring: FakeSharpSpring, stdin_text: Callable[[str], None]
) -> None:
    stdin_text(SECRET + "\n")
    assert login(sharpspring, "--name", "work", "--account-id", ACCOUNT_ID, "--secret-stdin") == 0
    assert resolve_connection("work").secret_key.get_secret_value() == SECRET


def test_login_saves_base_url_api_version_and_default(
    sharpspring: FakeSharpSpring, stdin_text: Callable[[str], None]
) -> None:
    stdin_text(SECRET)
    login(sharpspring, "--name", "first", "--account-id", ACCOUNT_ID, "--secret-stdin")
    stdin_text(SECRET)
    status = login(
        sharpspring,
        "--name",
        "local",
        "--account-id",
        ACCOUNT_ID,
        "--secret-stdin",
        "--base-url",
        "http://127.0.0.1:8765/pubapi",
        "--api-version",
        "v1",
        "--default",
    )
    assert status == 0
    assert sharpspring.requests[-1].url.host == "127.0.0.1"
    assert str(sharpspring.requests[-1].url.path) == "/pubapi/v1/"
    local = {p.name: p for p in list_profiles()}["local"]
    assert (local.base_url, local.api_version) == ("http://127.0.0.1:8765/pubapi", "v1")
    assert default_profile_name() == "local"


def test_wrong_credentials_save_nothing_and_fail_in_one_line(
    sharpspring: FakeSharpSpring,
    stdin_text: Callable[[str], None],
    capsys: pytest.CaptureFixture[str],
    config_dir: Path,
) -> None:
    stdin_text("wrong-secret")
    status = login(sharpspring, "--account-id", ACCOUNT_ID, "--secret-stdin")
    err = capsys.readouterr().err
    assert status == 1
    assert nothing_saved(config_dir)
    assert err.startswith("ssui: could not sign in, nothing saved: ")
    assert err.count("\n") == 1
    assert "105" in err
    assert "wrong-secret" not in err


def test_unreachable_host_saves_nothing_and_fails_in_one_line(
    sharpspring: FakeSharpSpring,
    stdin_text: Callable[[str], None],
    capsys: pytest.CaptureFixture[str],
    config_dir: Path,
) -> None:
    sharpspring.unreachable = True
    stdin_text(SECRET)
    status = login(sharpspring, "--account-id", ACCOUNT_ID, "--secret-stdin")
    err = capsys.readouterr().err
    assert status == 1
    assert nothing_saved(config_dir)
    assert err.startswith("ssui: could not sign in, nothing saved: Could not connect to ")
    assert err.count("\n") == 1


def test_no_check_saves_without_calling_the_api(
    sharpspring: FakeSharpSpring, stdin_text: Callable[[str], None]
) -> None:
    stdin_text("unchecked-secret")
    assert login(sharpspring, "--account-id", ACCOUNT_ID, "--secret-stdin", "--no-check") == 0
    assert sharpspring.requests == []
    assert [p.name for p in list_profiles()] == ["default"]


def test_missing_account_id_in_a_script_is_a_usage_error(
    sharpspring: FakeSharpSpring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    config_dir: Path,
) -> None:
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", SECRET)
    assert login(sharpspring, "--name", "work") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "--account-id" in err
    assert "cannot ask" in err
    assert nothing_saved(config_dir)
    assert sharpspring.requests == []


def test_missing_secret_in_a_script_says_where_a_secret_may_come_from(
    sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str], config_dir: Path
) -> None:
    assert login(sharpspring, "--account-id", ACCOUNT_ID) == 2
    err = capsys.readouterr().err
    assert "SHARPSPRING_SECRET_KEY" in err
    assert "--secret-stdin" in err
    assert nothing_saved(config_dir)


def test_empty_stdin_with_secret_stdin_is_refused(
    sharpspring: FakeSharpSpring, stdin_text: Callable[[str], None], config_dir: Path
) -> None:
    stdin_text("\n")
    assert login(sharpspring, "--account-id", ACCOUNT_ID, "--secret-stdin") == 2
    assert nothing_saved(config_dir)


@pytest.mark.parametrize(
    "argv",
    [
        ["--secret-key", SECRET],
        [f"--secret-key={SECRET}"],
        [f"--secret={SECRET}"],
        [f"--secret-stdin={SECRET}"],
        [SECRET],
    ],
)
def test_a_secret_on_the_command_line_is_refused_and_not_echoed(
    sharpspring: FakeSharpSpring,
    capsys: pytest.CaptureFixture[str],
    config_dir: Path,
    argv: list[str],
) -> None:
    assert login(sharpspring, "--account-id", ACCOUNT_ID, *argv) == 2
    out, err = capsys.readouterr()
    assert SECRET not in out + err
    assert err.count("\n") == 1
    assert nothing_saved(config_dir)


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--name", "my work"], "profile name"),
        (["--api-version", "v9"], "--api-version: unknown API version 'v9'"),
        (["--base-url", "ftp://example.com"], "--base-url: "),
    ],
)
def test_bad_values_are_refused_before_any_call(
    sharpspring: FakeSharpSpring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    config_dir: Path,
    args: list[str],
    complaint: str,
) -> None:
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", SECRET)
    assert login(sharpspring, "--account-id", ACCOUNT_ID, *args) == 2
    assert complaint in capsys.readouterr().err
    assert sharpspring.requests == []
    assert nothing_saved(config_dir)


def test_interactive_login_asks_for_each_value_and_masks_the_secret(
    sharpspring: FakeSharpSpring,
    terminal: Callable[..., list[str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    prompts = terminal(["work", ACCOUNT_ID, "", ""], secret=SECRET)
    assert main(["login"], transport=sharpspring.transport) == 0
    assert prompts == [
        "Connection name [default]: ",
        "Account ID: ",
        "Secret key (not shown): ",
        "Base URL [https://api.sharpspring.com/pubapi]: ",
        "API version [v1.2]: ",
    ]
    connection = resolve_connection("work")
    assert connection.secret_key.get_secret_value() == SECRET
    assert connection.api_version == "v1.2"
    assert SECRET not in "".join(capsys.readouterr())


def test_interactive_login_asks_only_for_what_flags_did_not_give(
    sharpspring: FakeSharpSpring, terminal: Callable[..., list[str]]
) -> None:
    prompts = terminal([], secret=SECRET)
    status = main(
        ["login", "--name", "work", "--account-id", ACCOUNT_ID], transport=sharpspring.transport
    )
    assert status == 0
    assert prompts == ["Secret key (not shown): "]


def test_interactive_login_ended_with_ctrl_d_saves_nothing(
    sharpspring: FakeSharpSpring, terminal: Callable[..., list[str]], config_dir: Path
) -> None:
    terminal(["work"])
    assert main(["login"], transport=sharpspring.transport) == 2
    assert nothing_saved(config_dir)


def test_ctrl_c_during_login_exits_130_without_a_traceback(
    sharpspring: FakeSharpSpring,
    terminal: Callable[..., list[str]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    terminal([])

    def interrupted(prompt: str = "") -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("builtins.input", interrupted)
    assert main(["login"], transport=sharpspring.transport) == 130
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().endswith("interrupted")
