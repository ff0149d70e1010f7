"""`ssui config path|list|show|set-default|remove`."""

from collections.abc import Callable
from pathlib import Path

import pytest
from cli_fakes import ACCOUNT_ID, OTHER_ACCOUNT_ID, OTHER_SECRET, SECRET, connection

from ssui.cli import main
from ssui.config import default_profile_name, list_profiles, save_profile


@pytest.fixture
def saved() -> None:
    save_profile(connection("work"))
    save_profile(connection("home", OTHER_ACCOUNT_ID, OTHER_SECRET))


def test_config_path_prints_the_dir_and_both_files(
    capsys: pytest.CaptureFixture[str], config_dir: Path
) -> None:
    assert main(["config", "path"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"config dir:   {config_dir}",
        f"config file:  {config_dir / 'config.toml'}",
        f"credentials:  {config_dir / 'credentials.toml'}",
    ]


@pytest.mark.usefixtures("saved")
def test_config_list_marks_the_default_and_shows_no_secret(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["config", "list"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("* work ")
    assert lines[1].startswith("  home ")
    assert ACCOUNT_ID in lines[0]
    assert OTHER_ACCOUNT_ID in lines[1]
    assert SECRET not in out
    assert OTHER_SECRET not in out


def test_config_list_with_nothing_saved_points_to_login(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["config", "list"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "ssui login" in err


@pytest.mark.usefixtures("saved")
def test_config_show_masks_the_secret(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "show", "home"]) == 0
    out = capsys.readouterr().out
    assert "name         home\n" in out
    assert f"account_id   {OTHER_ACCOUNT_ID}\n" in out
    assert "secret_key   ********\n" in out
    assert OTHER_SECRET not in out


@pytest.mark.usefixtures("saved")
def test_config_show_without_a_name_shows_what_ssui_would_use(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHARPSPRING_API_VERSION", "v1")
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert "name         work (default)\n" in out
    assert "api_version  v1\n" in out
    assert "from the environment: SHARPSPRING_API_VERSION" in out


def test_config_show_says_when_the_secret_is_missing(
    write_config: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(f'[profiles.work]\naccount_id = "{ACCOUNT_ID}"\n')
    assert main(["config", "show"]) == 0
    assert "secret_key   (not set)" in capsys.readouterr().out


@pytest.mark.usefixtures("saved")
def test_config_set_default_changes_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "set-default", "home"]) == 0
    assert default_profile_name() == "home"


@pytest.mark.usefixtures("saved")
def test_config_remove_forgets_the_profile(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "remove", "home"]) == 0
    assert [p.name for p in list_profiles()] == ["work"]


@pytest.mark.usefixtures("saved")
@pytest.mark.parametrize("action", ["show", "set-default", "remove"])
def test_config_actions_on_an_unknown_name_fail_with_the_known_names(
    capsys: pytest.CaptureFixture[str], action: str
) -> None:
    assert main(["config", action, "nope"]) == 1
    err = capsys.readouterr().err
    assert err == "ssui: no profile named 'nope'; known profiles: work, home\n"


def test_config_without_an_action_is_a_one_line_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["config"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "ACTION" in err


def test_a_malformed_config_file_fails_any_command_in_one_line(
    write_config: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config("[profiles.work\n")
    assert main(["config", "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"ssui: {path}: line 1, column ")
    assert err.count("\n") == 1


def test_a_shared_credentials_file_fails_commands_with_the_chmod_fix(
    write_config: Callable[[str], Path],
    write_credentials: Callable[..., Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_config(f'[profiles.work]\naccount_id = "{ACCOUNT_ID}"\n')
    path = write_credentials(f'[work]\nsecret_key = "{SECRET}"\n', mode=0o644)
    assert main(["config", "show"]) == 1
    err = capsys.readouterr().err
    assert f"chmod 600 {path}" in err
    assert err.count("\n") == 1
    assert SECRET not in err
