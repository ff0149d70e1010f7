"""The default command (open the app; `--sandbox`, `--read-only`) and `ssui keys`.

Textual is imported only when one of them runs, so the other commands start fast.
"""

from __future__ import annotations

import argparse
from typing import Any

from pydantic import SecretStr

from ssui.config import (
    ConfigError,
    Connection,
    WatchPrefs,
    env_overrides,
    list_profiles,
    load_keymap,
    resolve_connection,
)
from ssui.config.views import BrowsePrefs
from ssui.session import AccountSession


def add_options(parser: argparse.ArgumentParser) -> None:
    """The app's options on the `ssui` parser itself, and the app as its default command."""
    parser.add_argument(
        "--sandbox", action="store_true", help="open the app on an embedded local sandbox"
    )
    parser.add_argument(
        "--read-only", action="store_true", help="open the app without the power to write"
    )
    parser.set_defaults(handler=_run_app)


def add_parsers(commands: Any) -> None:
    """Register `keys` on the `ssui` subcommand parser."""
    keys = commands.add_parser(
        "keys", help="list the app's key binding ids, their keys, and how to remap them")
    keys.set_defaults(handler=_keys)


def _run_app(args: argparse.Namespace) -> int:
    """Open the terminal app on the resolved connection, or on its connection screen."""
    from ssui.tui.app import binding_ids, run_app

    if args.sandbox:
        return _run_app_on_sandbox(args)
    try:
        connection: Connection | None = resolve_connection(args.profile)
    except ConfigError:
        if args.profile is not None or list_profiles() or env_overrides():
            raise
        connection = None  # the first run: the app asks on its connection screen
    keymap = load_keymap(binding_ids())
    session: AccountSession | None = None
    watch: WatchPrefs | None = None
    if connection is not None:
        # Read (and checked) before the app starts: a bad value is one line naming its key.
        watch = WatchPrefs.of(connection)
        BrowsePrefs.of(watch.profile)  # saved views and columns, checked the same way
        session = AccountSession.open(connection, transport=args.transport,
                                      quota_share=watch.settings.quota_share)
    return run_app(session, read_only=args.read_only, keymap=keymap, watch=watch)


def _run_app_on_sandbox(args: argparse.Namespace) -> int:
    """`ssui --sandbox`: serve a sandbox on a loopback port for as long as the app runs."""
    from ssui.sandbox import SandboxServer
    from ssui.tui.app import binding_ids, run_app

    keymap = load_keymap(binding_ids())
    with SandboxServer() as server:
        connection = Connection(
            name="sandbox",
            account_id=server.account_id,
            secret_key=SecretStr(server.secret_key),
            base_url=server.base_url,
        )
        session = AccountSession.open(connection)
        # The embedded sandbox has no saved profile: its watch settings last for the run.
        return run_app(session, read_only=args.read_only, keymap=keymap,
                       watch=WatchPrefs.of(connection, saved=False))


def _keys(args: argparse.Namespace) -> int:
    """`ssui keys`: every binding id with its keys, remaps that collide, and how to remap."""
    from ssui.tui.keys import binding_ids, describe_keys

    for line in describe_keys(load_keymap(binding_ids())):
        print(line)
    return 0
