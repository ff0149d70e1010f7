"""Copy as curl: the command a shell runs to the same request, never holding the secret."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssui.console import SECRET_VARIABLE, ConsoleRequest, Mode, Target, curl_command, prepare

TARGET = Target.of("https://api.sharpspring.com/pubapi", "v1.2", "ACC 1")
SECRET = "s3cr3tKey-0123abcd"  # SharpSpring secrets are letters and digits


def argv(command: str, secret: str = SECRET) -> list[str]:
    """The arguments bash would give curl, with the secret variable set."""
    assert command.startswith("curl ")
    script = "printf '%s\\0' " + command.removeprefix("curl ")
    out = subprocess.run(["bash", "-c", script], capture_output=True, check=True,
                         env={**os.environ, SECRET_VARIABLE: secret}).stdout
    return out.decode().split("\0")[:-1]


pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def test_an_api_call_becomes_a_post_with_the_secret_read_from_the_environment() -> None:
    prepared = prepare(ConsoleRequest(method="getLeads", params='{"where":{},"limit":1}'),
                       TARGET)
    command = curl_command(prepared, TARGET, secret=SECRET)
    assert f'"${SECRET_VARIABLE}"' in command and SECRET not in command
    args = argv(command)
    assert args[:3] == ["-sS", "-X", "POST"]
    assert args[3] == ("https://api.sharpspring.com/pubapi/v1.2/?accountID=ACC+1&secretKey="
                       + SECRET)
    assert args[4:6] == ["-H", "Content-Type: application/json"]
    assert args[6] == "--data-raw"
    assert json.loads(args[7]) == {"method": "getLeads", "params": {"where": {}, "limit": 1},
                                   "id": prepared.request_id}


def test_a_copy_of_the_secret_typed_into_a_raw_request_is_read_from_the_environment() -> None:
    request = ConsoleRequest(Mode.RAW, http_method="POST", path="v1/",
                             query=f"secretKey={SECRET}&x=it's",
                             headers=f"Authorization: bearer {SECRET}",
                             body=f'{{"note": "{SECRET}"}}')
    command = curl_command(prepare(request, TARGET), TARGET, secret=SECRET)
    assert SECRET not in command
    args = argv(command)
    assert args[3] == ("https://api.sharpspring.com/pubapi/v1/?x=it%27s&accountID=ACC+1"
                       f"&secretKey={SECRET}")
    assert args[4:8] == ["-H", f"Authorization: bearer {SECRET}",
                         "-H", "Content-Type: application/json"]
    assert args[8:] == ["--data-raw", f'{{"note": "{SECRET}"}}']


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40))
def test_any_body_reaches_curl_exactly_as_typed(body: str) -> None:
    request = ConsoleRequest(Mode.RAW, path="v1.2/", body=body)
    command = curl_command(prepare(request, TARGET), TARGET)
    args = argv(command)
    assert (args[-1] if body else None) == (body or None)
