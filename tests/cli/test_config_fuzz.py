"""The config loader under arbitrary files (hypothesis).

Whatever config.toml and credentials.toml hold (any text, any bytes, any TOML values where
keys are expected), loading raises nothing but ``ConfigError``: the command turns that into
one line. The private config dir is the autouse ``config_dir`` fixture (tests/cli/conftest.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssui.config import (
    ConfigError,
    default_profile_name,
    get_profile,
    list_profiles,
    load_keymap,
    load_watch_settings,
    resolve_connection,
    resolve_profile,
)
from ssui.config.profiles import saved_secret
from ssui.config.views import load_columns, load_views

FEW = settings(max_examples=100, deadline=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture])

PROFILE_KEYS = ["account_id", "base_url", "api_version", "watch", "views", "columns", "name",
                "timeout", "me"]
WATCH_KEYS = ["streams", "owner", "quota_share", "toasts"]
VIEW_LISTS = ["leads", "accounts", "opportunities", "campaigns", "nope"]
NAMES = st.sampled_from(["work", "sandbox", "", "a b", "Ünï", "default"]) | st.text(max_size=8)

# Any TOML value: what a hand-edited file can put where a key is expected.
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
           | st.text(max_size=30) | st.dates() | st.times() | st.datetimes()
           | st.datetimes(timezones=st.just(UTC)))
VALUES: st.SearchStrategy[Any] = st.recursive(
    SCALARS.filter(lambda v: v is not None),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12,
)


def near(keys: list[str], values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Tables with mostly the expected keys, each holding any value."""
    return st.dictionaries(st.sampled_from(keys) | st.text(max_size=6), values, max_size=5)


WATCH = near(WATCH_KEYS, VALUES | st.lists(st.sampled_from(["leads", "forms", "x"])))
VIEWS = st.dictionaries(st.sampled_from(VIEW_LISTS),
                        st.dictionaries(st.text(max_size=6), VALUES | near(
                            ["sort", "filter", "columns", "query"], VALUES), max_size=3),
                        max_size=3)
PROFILE = near(PROFILE_KEYS, VALUES) | st.fixed_dictionaries(
    {"account_id": st.text(max_size=12) | VALUES},
    optional={"base_url": st.sampled_from(["http://127.0.0.1:1/pubapi/v1.2/", "ftp://x", "",
                                           "https://api.sharpspring.com/pubapi/v1"]) | VALUES,
              "api_version": st.sampled_from(["v1", "v1.2", "v9"]) | VALUES,
              "watch": WATCH | VALUES, "views": VIEWS | VALUES,
              "columns": st.dictionaries(st.sampled_from(VIEW_LISTS), VALUES) | VALUES})
CONFIG = st.fixed_dictionaries({}, optional={
    "default_profile": NAMES | VALUES,
    "profiles": st.dictionaries(NAMES, PROFILE | VALUES, max_size=3) | VALUES,
    "keymap": st.dictionaries(st.text(max_size=10), VALUES | st.text(max_size=10)) | VALUES,
})
CREDENTIALS = st.dictionaries(NAMES, near(["secret_key"], VALUES | st.text(max_size=12))
                              | VALUES, max_size=3)


def toml_text(document: dict[str, Any]) -> str | None:
    try:
        return tomli_w.dumps(document)
    except (TypeError, ValueError):  # what TOML cannot hold (e.g. a list of mixed tables)
        return None


def load_everything() -> None:
    """Every loader a command or the app calls on start, each for every profile name."""
    loaders: list[Callable[[], object]] = [list_profiles, default_profile_name, load_keymap,
                                           resolve_profile, resolve_connection]
    for loader in loaders:
        try:
            loader()
        except ConfigError as exc:
            assert "\n" not in str(exc)
    for name in ["work", "sandbox", "", "default", "Ünï"]:
        for per_profile in (get_profile, saved_secret, load_watch_settings, load_views,
                            load_columns, resolve_connection):
            try:
                per_profile(name)
            except ConfigError as exc:
                assert "\n" not in str(exc)


def write(config_dir: Path, name: str, data: bytes) -> None:
    config_dir.mkdir(parents=True, exist_ok=True)
    path = config_dir / name
    path.write_bytes(data)
    os.chmod(path, 0o600)


@FEW
@given(config=st.text(max_size=300), credentials=st.text(max_size=200))
def test_any_text_in_the_files_is_a_config_error_at_worst(
    config_dir: Path, config: str, credentials: str
) -> None:
    write(config_dir, "config.toml", config.encode("utf-8", "surrogatepass"))
    write(config_dir, "credentials.toml", credentials.encode("utf-8", "surrogatepass"))
    load_everything()


@FEW
@given(config=st.binary(max_size=200))
def test_any_bytes_in_config_toml_are_a_config_error_at_worst(
    config_dir: Path, config: bytes
) -> None:
    write(config_dir, "config.toml", config)
    load_everything()


@FEW
@given(config=CONFIG, credentials=CREDENTIALS)
def test_any_values_in_valid_toml_are_a_config_error_at_worst(
    config_dir: Path, config: dict[str, Any], credentials: dict[str, Any]
) -> None:
    for name, document in (("config.toml", config), ("credentials.toml", credentials)):
        text = toml_text(document)
        if text is not None:
            write(config_dir, name, text.encode())
        else:
            (config_dir / name).unlink(missing_ok=True)
    load_everything()


@pytest.mark.parametrize("value", [date(2024, 1, 1), time(1, 2), datetime(2024, 1, 1),
                                   float("nan"), float("inf"), -(2**63), True, [], {}])
@pytest.mark.parametrize("key", ["account_id", "base_url", "api_version", "watch", "views",
                                 "columns"])
def test_an_odd_value_for_each_profile_key(config_dir: Path, key: str, value: Any) -> None:
    document = {"default_profile": "work", "profiles": {"work": {"account_id": "A1", key: value}}}
    write(config_dir, "config.toml", tomli_w.dumps(document).encode())
    write(config_dir, "credentials.toml", b'[work]\nsecret_key = "s"\n')
    load_everything()


def test_a_keymap_key_with_a_line_break_is_named_on_one_line(config_dir: Path) -> None:
    # Found by the test above: the key was echoed raw, its line break and all.
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config.toml").write_text('[keymap]\n"\\n" = 1\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_keymap()
    assert '[keymap] "\\n": must be keys as text' in str(caught.value)
    assert "\n" not in str(caught.value)
