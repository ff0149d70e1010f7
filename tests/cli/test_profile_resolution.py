"""Which connection a command gets: explicit name > SSUI_PROFILE > default > the only one,
with SHARPSPRING_* variables on top, and the environment alone as a complete connection."""

from collections.abc import Callable
from pathlib import Path

import pytest
from cli_fakes import ACCOUNT_ID, OTHER_ACCOUNT_ID, OTHER_SECRET, SECRET

from ssui.config import (
    ENVIRONMENT_ONLY,
    ConfigError,
    resolve_connection,
    resolve_profile,
)

TWO_PROFILES = f"""
[profiles.work]
account_id = "{ACCOUNT_ID}"

[profiles.home]
account_id = "{OTHER_ACCOUNT_ID}"
api_version = "v1"
base_url = "https://eu.example.com/pubapi/"
"""
BOTH_SECRETS = f'[work]\nsecret_key = "{SECRET}"\n\n[home]\nsecret_key = "{OTHER_SECRET}"\n'


@pytest.fixture
def two_profiles(
    write_config: Callable[[str], Path], write_credentials: Callable[..., Path]
) -> Callable[..., None]:
    """Two saved profiles; the argument is put before them (e.g. a default_profile line)."""

    def write(head: str = "") -> None:
        write_config(head + TWO_PROFILES)
        write_credentials(BOTH_SECRETS)

    return write


def test_explicit_name_wins_over_SSUI_PROFILE_and_the_default(
    two_profiles: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    two_profiles('default_profile = "work"\n')
    monkeypatch.setenv("SSUI_PROFILE", "work")
    assert resolve_connection("home").name == "home"


def test_SSUI_PROFILE_wins_over_the_default(
    two_profiles: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    two_profiles('default_profile = "work"\n')
    monkeypatch.setenv("SSUI_PROFILE", "home")
    assert resolve_connection(None).name == "home"


def test_default_profile_is_used_when_nothing_is_named(two_profiles: Callable[..., None]) -> None:
    two_profiles('default_profile = "home"\n')
    connection = resolve_connection(None)
    assert connection.name == "home"
    assert connection.account_id == OTHER_ACCOUNT_ID
    assert connection.secret_key.get_secret_value() == OTHER_SECRET
    assert connection.api_version == "v1"
    assert connection.base_url == "https://eu.example.com/pubapi"


def test_the_only_profile_is_used_without_a_default(
    write_config: Callable[[str], Path], write_credentials: Callable[..., Path]
) -> None:
    write_config(f'[profiles.solo]\naccount_id = "{ACCOUNT_ID}"\n')
    write_credentials(f'[solo]\nsecret_key = "{SECRET}"\n')
    connection = resolve_connection(None)
    assert (connection.name, connection.account_id) == ("solo", ACCOUNT_ID)
    assert connection.api_version == "v1.2"
    assert connection.base_url == "https://api.sharpspring.com/pubapi"


def test_several_profiles_and_no_default_asks_for_a_choice(
    two_profiles: Callable[..., None],
) -> None:
    two_profiles()
    with pytest.raises(ConfigError, match=r"several profiles \(work, home\) and no default"):
        resolve_connection(None)


def test_unknown_profile_name_lists_the_known_ones(two_profiles: Callable[..., None]) -> None:
    two_profiles()
    with pytest.raises(ConfigError, match=r"^no profile named 'nope'; known profiles: work, home$"):
        resolve_connection("nope")


def test_unknown_SSUI_PROFILE_says_where_the_name_came_from(
    two_profiles: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    two_profiles()
    monkeypatch.setenv("SSUI_PROFILE", "nope")
    with pytest.raises(ConfigError, match=r"^SSUI_PROFILE: no profile named 'nope'"):
        resolve_connection(None)


def test_default_profile_naming_a_missing_profile_is_reported(
    two_profiles: Callable[..., None], config_dir: Path
) -> None:
    two_profiles('default_profile = "gone"\n')
    with pytest.raises(
        ConfigError, match=r"config\.toml: default_profile: no profile named 'gone'"
    ):
        resolve_connection(None)


def test_nothing_configured_says_to_log_in_or_set_the_env_vars() -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_connection(None)
    message = str(caught.value)
    assert "ssui login" in message
    assert "SHARPSPRING_ACCOUNT_ID" in message
    assert "SHARPSPRING_SECRET_KEY" in message


def test_missing_secret_names_the_profile_and_the_fixes(
    write_config: Callable[[str], Path], config_dir: Path
) -> None:
    write_config(f'[profiles.work]\naccount_id = "{ACCOUNT_ID}"\n')
    with pytest.raises(ConfigError) as caught:
        resolve_connection("work")
    message = str(caught.value)
    assert "no secret key for profile 'work'" in message
    assert str(config_dir / "credentials.toml") in message
    assert "ssui login --name work" in message


def test_env_vars_alone_are_a_complete_connection(
    monkeypatch: pytest.MonkeyPatch, config_dir: Path
) -> None:
    monkeypatch.setenv("SHARPSPRING_ACCOUNT_ID", ACCOUNT_ID)
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", SECRET)
    connection = resolve_connection(None)
    assert connection.name == ENVIRONMENT_ONLY
    assert connection.account_id == ACCOUNT_ID
    assert connection.secret_key.get_secret_value() == SECRET
    assert connection.base_url == "https://api.sharpspring.com/pubapi"
    assert not config_dir.exists()


def test_env_account_without_secret_says_which_var_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHARPSPRING_ACCOUNT_ID", ACCOUNT_ID)
    with pytest.raises(ConfigError, match="SHARPSPRING_SECRET_KEY is not"):
        resolve_connection(None)


def test_env_secret_without_account_says_which_var_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", SECRET)
    with pytest.raises(ConfigError) as caught:
        resolve_connection(None)
    assert "SHARPSPRING_ACCOUNT_ID is not" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_env_vars_override_each_value_of_the_chosen_profile(
    two_profiles: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    two_profiles('default_profile = "work"\n')
    monkeypatch.setenv("SHARPSPRING_ACCOUNT_ID", "3_FROM_ENV")
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", "secret-from-env")
    monkeypatch.setenv("SHARPSPRING_BASE_URL", "http://127.0.0.1:8765/pubapi")
    monkeypatch.setenv("SHARPSPRING_API_VERSION", "v1")
    connection = resolve_connection(None)
    assert connection.name == "work"
    assert connection.account_id == "3_FROM_ENV"
    assert connection.secret_key.get_secret_value() == "secret-from-env"
    assert connection.base_url == "http://127.0.0.1:8765/pubapi"
    assert connection.api_version == "v1"


def test_env_secret_is_used_even_when_the_credentials_file_lacks_one(
    write_config: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(f'[profiles.work]\naccount_id = "{ACCOUNT_ID}"\n')
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", SECRET)
    assert resolve_connection(None).secret_key.get_secret_value() == SECRET


def test_env_vars_make_a_connection_when_several_profiles_have_no_default(
    two_profiles: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    two_profiles()
    monkeypatch.setenv("SHARPSPRING_ACCOUNT_ID", "3_FROM_ENV")
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", "secret-from-env")
    assert resolve_connection(None).name == ENVIRONMENT_ONLY


def test_empty_env_vars_count_as_unset(
    two_profiles: Callable[..., None], monkeypatch: pytest.MonkeyPatch
) -> None:
    two_profiles('default_profile = "work"\n')
    monkeypatch.setenv("SHARPSPRING_ACCOUNT_ID", "")
    monkeypatch.setenv("SSUI_PROFILE", "")
    assert resolve_connection(None).account_id == ACCOUNT_ID


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("SHARPSPRING_API_VERSION", "v3"),
        ("SHARPSPRING_BASE_URL", "not a url"),
        ("SHARPSPRING_BASE_URL", "http://api.example.com/pubapi"),
    ],
)
def test_bad_env_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str
) -> None:
    monkeypatch.setenv("SHARPSPRING_ACCOUNT_ID", ACCOUNT_ID)
    monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError, match=f"^{var}: "):
        resolve_profile(None)
