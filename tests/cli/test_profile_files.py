"""config.toml and credentials.toml: what is written, what is refused, what errors say."""

import os
import stat
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_fakes import ACCOUNT_ID, OTHER_ACCOUNT_ID, OTHER_SECRET, SECRET, connection

from ssui.config import (
    ConfigError,
    Connection,
    config_paths,
    default_profile_name,
    delete_profile,
    list_profiles,
    resolve_connection,
    save_profile,
    set_default_profile,
)


def work() -> Connection:
    return connection("work")


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_config_dir_comes_from_SSUI_CONFIG_DIR(config_dir: Path) -> None:
    paths = config_paths()
    assert paths.directory == config_dir
    assert paths.config_file == config_dir / "config.toml"
    assert paths.credentials_file == config_dir / "credentials.toml"


def test_saved_profile_is_read_back_with_its_secret() -> None:
    save_profile(work())
    assert [p.name for p in list_profiles()] == ["work"]
    saved = resolve_connection("work")
    assert saved.account_id == ACCOUNT_ID
    assert saved.secret_key.get_secret_value() == SECRET


def test_secret_is_kept_out_of_config_toml(config_dir: Path) -> None:
    save_profile(work())
    assert SECRET not in (config_dir / "config.toml").read_text()
    assert SECRET in (config_dir / "credentials.toml").read_text()


def test_credentials_file_is_written_with_mode_0600_whatever_the_umask(config_dir: Path) -> None:
    old = os.umask(0)
    try:
        save_profile(work())
    finally:
        os.umask(old)
    assert mode_of(config_dir / "credentials.toml") == 0o600


def test_rewriting_credentials_keeps_mode_0600(config_dir: Path) -> None:
    save_profile(work())
    save_profile(connection("other", OTHER_ACCOUNT_ID, OTHER_SECRET))
    assert mode_of(config_dir / "credentials.toml") == 0o600


def test_no_temporary_files_are_left_behind(config_dir: Path) -> None:
    save_profile(work())
    delete_profile("work")
    assert sorted(p.name for p in config_dir.iterdir()) == ["config.toml", "credentials.toml"]


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_credentials_readable_by_others_are_refused_with_the_chmod_fix(
    write_config: Callable[[str], Path], write_credentials: Callable[..., Path], mode: int
) -> None:
    write_config(f'[profiles.work]\naccount_id = "{ACCOUNT_ID}"\n')
    path = write_credentials(f'[work]\nsecret_key = "{SECRET}"\n', mode=mode)
    with pytest.raises(ConfigError) as caught:
        resolve_connection("work")
    message = str(caught.value)
    assert str(path) in message
    assert f"chmod 600 {path}" in message
    assert "\n" not in message
    assert SECRET not in message


def test_saving_over_a_shared_credentials_file_is_refused_and_leaves_it_alone(
    write_credentials: Callable[..., Path],
) -> None:
    path = write_credentials('[old]\nsecret_key = "x"\n', mode=0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        save_profile(work())
    assert path.read_text() == '[old]\nsecret_key = "x"\n'
    assert mode_of(path) == 0o644


def test_malformed_config_toml_names_the_file_line_and_column(
    write_config: Callable[[str], Path],
) -> None:
    path = write_config('default_profile = "work"\n[profiles.work]\naccount_id = 3_ABC"\n')
    with pytest.raises(ConfigError) as caught:
        list_profiles()
    message = str(caught.value)
    assert message.startswith(f"{path}: line 3, column ")
    assert "\n" not in message


def test_toml_error_at_end_of_file_still_names_a_line(write_config: Callable[[str], Path]) -> None:
    path = write_config('[profiles.work]\naccount_id = "x"\nbase_url = ')
    with pytest.raises(ConfigError) as caught:
        list_profiles()
    assert str(caught.value).startswith(f"{path}: line 3, column 12 (end of file): ")


def test_malformed_credentials_toml_names_the_file_and_line(
    write_config: Callable[[str], Path], write_credentials: Callable[..., Path]
) -> None:
    write_config(f'[profiles.work]\naccount_id = "{ACCOUNT_ID}"\n')
    path = write_credentials(f'[work]\nsecret_key = "{SECRET}\n')
    with pytest.raises(ConfigError) as caught:
        resolve_connection("work")
    message = str(caught.value)
    assert message.startswith(f"{path}: line 2, column ")
    assert SECRET not in message


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ("account_id = [1, 2]", "account_id"),
        ('account_id = "x"\napi_version = "v3"', "api_version"),
        ('account_id = "x"\nbase_url = "ftp://example.com"', "base_url"),
        ('account_id = "x"\nbase_url = "http://example.com/pubapi"', "base_url"),
        ('account_id = "x"\nacount_id = "typo"', "acount_id"),
        ("api_version = 'v1'", "account_id"),
    ],
)
def test_wrong_values_name_the_file_profile_and_key(
    write_config: Callable[[str], Path], table: str, key: str
) -> None:
    path = write_config(f"[profiles.work]\n{table}\n")
    with pytest.raises(ConfigError) as caught:
        list_profiles()
    assert str(caught.value).startswith(f"{path}: [profiles.work] {key}: ")


def test_numeric_account_id_is_read_as_text(write_config: Callable[[str], Path]) -> None:
    write_config("[profiles.work]\naccount_id = 123456\n")
    assert list_profiles()[0].account_id == "123456"


def test_default_profile_that_is_not_a_string_is_named(
    write_config: Callable[[str], Path],
) -> None:
    path = write_config("default_profile = 3\n")
    with pytest.raises(ConfigError, match=f"^{path}: default_profile: "):
        default_profile_name()


def test_other_sections_survive_a_rewrite(
    write_config: Callable[[str], Path], config_dir: Path
) -> None:
    write_config('[keymap]\nquit = "ctrl+q"\n\n[profiles.old]\naccount_id = "1"\n')
    save_profile(work())
    delete_profile("old")
    document = tomllib.loads((config_dir / "config.toml").read_text())
    assert document["keymap"] == {"quit": "ctrl+q"}
    assert list(document["profiles"]) == ["work"]


def test_first_saved_profile_becomes_the_default_and_later_ones_do_not() -> None:
    save_profile(work())
    save_profile(connection("other", OTHER_ACCOUNT_ID, OTHER_SECRET))
    assert default_profile_name() == "work"
    save_profile(
        connection("third", OTHER_ACCOUNT_ID, OTHER_SECRET),
        make_default=True,
    )
    assert default_profile_name() == "third"


def test_saving_again_replaces_the_profile_and_secret() -> None:
    save_profile(work())
    save_profile(connection("work", OTHER_ACCOUNT_ID, OTHER_SECRET))
    saved = resolve_connection("work")
    assert (saved.account_id, saved.secret_key.get_secret_value()) == (
        OTHER_ACCOUNT_ID,
        OTHER_SECRET,
    )


def test_deleting_a_profile_forgets_its_secret_and_default(config_dir: Path) -> None:
    save_profile(work())
    delete_profile("work")
    assert list_profiles() == []
    assert default_profile_name() is None
    assert SECRET not in (config_dir / "credentials.toml").read_text()


def test_deleting_or_defaulting_an_unknown_profile_lists_the_known_ones() -> None:
    save_profile(work())
    with pytest.raises(ConfigError, match=r"no profile named 'nope'; known profiles: work"):
        delete_profile("nope")
    with pytest.raises(ConfigError, match=r"known profiles: work"):
        set_default_profile("nope")


@pytest.mark.parametrize("name", ["", "my work", "-flag", "a/b", "x" * 65])
def test_profile_names_that_would_be_awkward_are_refused(name: str) -> None:
    with pytest.raises(ConfigError, match="profile name"):
        save_profile(connection(name or " "))


def test_connection_repr_and_str_hide_the_secret() -> None:
    shown = work()
    for text in (repr(shown), str(shown), shown.model_dump_json(), repr(shown.model_dump())):
        assert SECRET not in text
