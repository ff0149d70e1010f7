"""The secret key never appears in what ssui prints or logs, whatever the command and outcome."""

import logging
from collections.abc import Callable

import pytest
from cli_fakes import ACCOUNT_ID, SECRET, FakeSharpSpring, connection

from ssui.cli import main
from ssui.config import save_profile


def saved_profile() -> None:
    save_profile(connection("work"))


SCENARIOS: dict[str, tuple[Callable[[FakeSharpSpring], None], list[str]]] = {
    "login succeeds": (lambda fake: None, ["login", "--account-id", ACCOUNT_ID]),
    "login is refused": (
        lambda fake: fake.accounts.update({ACCOUNT_ID: "another"}),
        ["login", "--account-id", ACCOUNT_ID],
    ),
    "login cannot connect": (
        lambda fake: setattr(fake, "unreachable", True),
        ["login", "--account-id", ACCOUNT_ID],
    ),
    "config list": (lambda fake: saved_profile(), ["config", "list"]),
    "config show": (lambda fake: saved_profile(), ["config", "show"]),
    "call succeeds": (lambda fake: None, ["call", "getUserProfiles", "{}"]),
    "call --envelope": (lambda fake: None, ["call", "getUserProfiles", "--envelope"]),
    "call fails": (
        lambda fake: fake.errors.update({"getLeads": (205, f"bad value {SECRET}")}),
        ["call", "getLeads"],
    ),
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_secret_never_appears_in_output_or_logs(
    scenario: str,
    sharpspring: FakeSharpSpring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    prepare, argv = SCENARIOS[scenario]
    prepare(sharpspring)
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", SECRET)
    if argv[0] != "login":
        monkeypatch.setenv("SHARPSPRING_ACCOUNT_ID", ACCOUNT_ID)
    caplog.set_level(logging.DEBUG)

    main(argv, transport=sharpspring.transport)

    out, err = capsys.readouterr()
    assert out or err  # something was said, and it was checked
    assert SECRET not in out
    assert SECRET not in err
    assert SECRET not in caplog.text
    if sharpspring.requests:
        # httpx logs every request URL, which carries the secret; it must arrive masked.
        assert "secretKey=***" in caplog.text
