"""`ssui call`'s params under arbitrary input (hypothesis).

Any text as PARAMS_JSON, any bytes on stdin: either the call is made (exit 0), or the command
says in one line what is wrong with the params and exits 2. Never a traceback, never an
"internal error".
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from cli_fakes import ACCOUNT_ID, SECRET, FakeSharpSpring
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssui.cli import main

FEW = settings(max_examples=100, deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture])

# Every code point, lone surrogates included (what a non-UTF-8 byte in argv becomes).
ANY_TEXT = st.text(st.characters(blacklist_categories=()), max_size=200)
JSON_VALUES: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=20,
)
# Text that is JSON, or nearly: valid documents, cut short, or deeply nested.
JSONISH = (
    JSON_VALUES.map(json.dumps)
    | st.builds(lambda v, cut: json.dumps(v)[:cut], JSON_VALUES, st.integers(0, 50))
    | st.builds(lambda depth, opener, closed: '{"a": ' + opener * depth
                + (("]" if opener == "[" else "}") * depth if closed else "") + "}",
                st.integers(0, 3000), st.sampled_from(["[", '{"b":']), st.booleans())
)


@pytest.fixture(autouse=True)
def env_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARPSPRING_ACCOUNT_ID", ACCOUNT_ID)
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", SECRET)


def check(code: int, sharpspring: FakeSharpSpring, capsys: pytest.CaptureFixture[str]) -> None:
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 0:
        assert len(sharpspring.requests) == 1
        assert err == ""
        json.loads(out)
    else:
        assert code == 2, err
        assert err.count("\n") == 1 and err.startswith("ssui: "), err
        assert out == ""
        assert sharpspring.requests == []


@FEW
@given(text=ANY_TEXT | JSONISH)
def test_any_params_argument_is_a_call_or_one_usage_line(
    capsys: pytest.CaptureFixture[str], text: str
) -> None:
    sharpspring = FakeSharpSpring()
    if text.startswith("-"):
        text = " " + text  # otherwise an option (or `-` for stdin), not PARAMS_JSON
    check(main(["call", "getLeads", text], transport=sharpspring.transport), sharpspring,
          capsys)


@FEW
@given(data=st.binary(max_size=200) | JSONISH.map(str.encode)
       | ANY_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_on_stdin_are_a_call_or_one_usage_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, data: bytes
) -> None:
    sharpspring = FakeSharpSpring()
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape")
    monkeypatch.setattr("sys.stdin", stdin)
    check(main(["call", "getLeads", "-"], transport=sharpspring.transport), sharpspring, capsys)


@FEW
@given(method=ANY_TEXT)
def test_any_method_name_is_a_call_or_one_line(
    capsys: pytest.CaptureFixture[str], method: str
) -> None:
    sharpspring = FakeSharpSpring()
    if method.startswith("-"):
        method = " " + method
    code = main(["call", method, "{}"], transport=sharpspring.transport)
    _, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err, err
    assert err.count("\n") <= 1, err
    if code == 2:
        assert sharpspring.requests == []
