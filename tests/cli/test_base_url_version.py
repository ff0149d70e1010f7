"""A base URL pasted with its API version (".../pubapi/v1.2/") means that version: the
config layer keeps the base and takes the version, and a version that contradicts the one
set explicitly is one line naming both."""

from collections.abc import Callable
from pathlib import Path

import pytest
from cli_fakes import ACCOUNT_ID, SECRET, FakeSharpSpring
from pydantic import SecretStr, ValidationError

from ssui.cli import main
from ssui.config import (
    ConfigError,
    Connection,
    Profile,
    check_connection,
    describe_validation_error,
    resolve_connection,
    save_profile,
)
from ssui.sandbox import SandboxServer

BASE = "https://api.sharpspring.com/pubapi"


@pytest.mark.parametrize(("url", "version"), [
    (f"{BASE}/v1.2/", "v1.2"),
    (f"{BASE}/v1.2", "v1.2"),
    (f"{BASE}/v1", "v1"),
    (f"{BASE}/v1/", "v1"),
    (f"  {BASE}/v1//  ", "v1"),
])
def test_a_profile_takes_the_version_from_its_base_url(url: str, version: str) -> None:
    profile = Profile(name="work", account_id=ACCOUNT_ID, base_url=url)
    assert (profile.base_url, profile.api_version) == (BASE, version)
    # The same when the version is also given, and agrees.
    agreed = Profile(name="work", account_id=ACCOUNT_ID, base_url=url, api_version=version)
    assert (agreed.base_url, agreed.api_version) == (BASE, version)


def test_a_base_url_without_a_version_keeps_the_default_or_the_given_one() -> None:
    assert Profile(name="w", account_id="a", base_url=f"{BASE}/").api_version == "v1.2"
    assert Profile(name="w", account_id="a", base_url=BASE, api_version="v1").api_version == "v1"
    # A host called v1 is a host, not a version.
    assert Profile(name="w", account_id="a", base_url="https://v1/").base_url == "https://v1"


def test_a_version_in_the_url_that_contradicts_the_api_version_names_both() -> None:
    with pytest.raises(ValidationError) as caught:
        Profile(name="w", account_id="a", base_url=f"{BASE}/v1/", api_version="v1.2")
    message = describe_validation_error(caught.value)
    assert message.startswith("base_url: ") and "\n" not in message
    assert "API version v1 " in message and "v1.2" in message


def test_a_saved_file_with_a_versioned_base_url_is_understood(
    write_config: Callable[[str], Path], write_credentials: Callable[..., Path]
) -> None:
    write_config(f'[profiles.work]\naccount_id = "{ACCOUNT_ID}"\nbase_url = "{BASE}/v1/"\n')
    write_credentials(f'[work]\nsecret_key = "{SECRET}"\n')
    connection = resolve_connection("work")
    assert (connection.base_url, connection.api_version) == (BASE, "v1")


def test_a_saved_file_whose_url_and_api_version_disagree_is_one_line(
    write_config: Callable[[str], Path], write_credentials: Callable[..., Path]
) -> None:
    path = write_config(f'[profiles.work]\naccount_id = "{ACCOUNT_ID}"\napi_version = "v1.2"\n'
                        f'base_url = "{BASE}/v1"\n')
    write_credentials(f'[work]\nsecret_key = "{SECRET}"\n')
    with pytest.raises(ConfigError) as caught:
        resolve_connection("work")
    message = str(caught.value)
    assert message.startswith(f"{path}: [profiles.work] base_url: ") and "\n" not in message
    assert "API version v1 " in message and "set to v1.2" in message


def test_SHARPSPRING_BASE_URL_with_a_version_overrides_the_saved_version_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    save_profile(Connection(name="work", account_id=ACCOUNT_ID, secret_key=SecretStr(SECRET)))
    monkeypatch.setenv("SHARPSPRING_BASE_URL", "https://eu.example.com/pubapi/v1/")
    connection = resolve_connection("work")
    assert (connection.base_url, connection.api_version) == ("https://eu.example.com/pubapi",
                                                            "v1")


def test_SHARPSPRING_BASE_URL_and_API_VERSION_that_disagree_are_one_line_naming_both(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHARPSPRING_ACCOUNT_ID", ACCOUNT_ID)
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", SECRET)
    monkeypatch.setenv("SHARPSPRING_BASE_URL", f"{BASE}/v1.2/")
    monkeypatch.setenv("SHARPSPRING_API_VERSION", "v1")
    with pytest.raises(ConfigError) as caught:
        resolve_connection(None)
    message = str(caught.value)
    assert message.startswith("SHARPSPRING_BASE_URL: ") and "\n" not in message
    assert "API version v1.2 " in message and "set to v1;" in message


def test_ssui_call_with_a_versioned_base_url_posts_to_the_endpoint_once(
    monkeypatch: pytest.MonkeyPatch, sharpspring: FakeSharpSpring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SHARPSPRING_ACCOUNT_ID", ACCOUNT_ID)
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", SECRET)
    monkeypatch.setenv("SHARPSPRING_BASE_URL", f"{BASE}/v1.2/")
    assert main(["call", "getUserProfiles"], transport=sharpspring.transport) == 0
    [request] = sharpspring.requests
    assert request.url.path == "/pubapi/v1.2/"  # not /pubapi/v1.2/v1.2/


def test_ssui_login_keeps_the_base_of_a_versioned_url(
    sharpspring: FakeSharpSpring, stdin_text: Callable[[str], None],
) -> None:
    stdin_text(SECRET)
    assert main(["login", "--name", "eu", "--account-id", ACCOUNT_ID, "--secret-stdin",
                 "--base-url", f"{BASE}/v1/", "--api-version", "v1"],
                transport=sharpspring.transport) == 0
    assert sharpspring.requests[0].url.path == "/pubapi/v1/"
    saved = resolve_connection("eu")
    assert (saved.base_url, saved.api_version) == (BASE, "v1")


def test_ssui_login_takes_the_version_from_the_url_when_none_is_given(
    sharpspring: FakeSharpSpring, stdin_text: Callable[[str], None],
) -> None:
    stdin_text(SECRET)
    assert main(["login", "--name", "eu", "--account-id", ACCOUNT_ID, "--secret-stdin",
                 "--base-url", f"{BASE}/v1"], transport=sharpspring.transport) == 0
    assert sharpspring.requests[0].url.path == "/pubapi/v1/"
    saved = resolve_connection("eu")
    assert (saved.base_url, saved.api_version) == (BASE, "v1")


def test_ssui_login_with_a_url_version_other_than_the_api_version_is_one_line(
    sharpspring: FakeSharpSpring, stdin_text: Callable[[str], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    stdin_text(SECRET)
    assert main(["login", "--name", "eu", "--account-id", ACCOUNT_ID, "--secret-stdin",
                 "--base-url", f"{BASE}/v1/", "--api-version", "v1.2"],
                transport=sharpspring.transport) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("ssui: --base-url: ")
    assert "API version v1 " in err and "set to v1.2" in err
    assert not sharpspring.requests


async def test_a_connection_with_a_versioned_base_url_reaches_the_sandbox(
    sandbox_server: SandboxServer,
) -> None:
    for suffix, version in (("/v1.2/", "v1.2"), ("/v1", "v1")):
        connection = Connection(name="sbx", account_id=sandbox_server.account_id,
                                secret_key=SecretStr(sandbox_server.secret_key),
                                base_url=sandbox_server.base_url + suffix)
        assert (connection.base_url, connection.api_version) == (sandbox_server.base_url,
                                                                version)
        await check_connection(connection)  # one call, over loopback
