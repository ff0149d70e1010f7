"""`ssui login` and `ssui config ...`: add, see, and change saved connections."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from typing import Any

from pydantic import SecretStr, ValidationError

from ssui.api import SharpSpringError
from ssui.cli.errors import CommandError, UsageError, say
from ssui.config import (
    DEFAULT_API_VERSION,
    DEFAULT_BASE_URL,
    SECRET_KEY_ENV,
    Connection,
    check_connection,
    check_profile_name,
    config_paths,
    default_profile_name,
    delete_profile,
    describe_validation_error,
    env_overrides,
    find_secret,
    list_profiles,
    resolve_profile,
    save_profile,
    set_default_profile,
)

SECRET_SHOWN_AS = "********"


def add_parsers(commands: Any) -> None:
    """Register `login` and `config` on the `ssui` subcommand parser."""
    _add_login(commands)
    _add_config(commands)


def _add_login(commands: Any) -> None:
    login = commands.add_parser(
        "login",
        help="add a connection, checked with one API call",
        description="Add or replace a connection. Asks for what is missing when run in a "
        f"terminal. The secret key comes from {SECRET_KEY_ENV}, from stdin with --secret-stdin, "
        "or from a masked prompt; never from the command line.",
    )
    login.add_argument("--name", help="the connection's name (default: 'default')")
    login.add_argument("--account-id", help="the Account ID (SharpSpring: Settings > API Settings)")
    login.add_argument("--base-url", help=f"API base URL (default: {DEFAULT_BASE_URL})")
    login.add_argument("--api-version", help=f"v1 or v1.2 (default: {DEFAULT_API_VERSION})")
    login.add_argument("--default", action="store_true", help="make it the default connection")
    login.add_argument("--secret-stdin", action="store_true", help="read the secret key from stdin")
    login.add_argument(
        "--no-check", action="store_true", help="save without checking with an API call"
    )
    login.set_defaults(handler=_login)


def _add_config(commands: Any) -> None:
    config = commands.add_parser("config", help="see and change saved connections")
    actions = config.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("path", help="print where the config files live").set_defaults(
        handler=_config_path
    )
    actions.add_parser("list", help="list saved connections").set_defaults(handler=_config_list)
    show = actions.add_parser("show", help="show a connection as ssui would use it")
    show.add_argument("name", nargs="?", metavar="NAME", help="a saved connection")
    show.set_defaults(handler=_config_show)
    set_default = actions.add_parser("set-default", help="make a connection the default")
    set_default.add_argument("name", metavar="NAME", help="the saved connection to use by default")
    set_default.set_defaults(handler=_config_set_default)
    remove = actions.add_parser("remove", help="forget a connection and its secret key")
    remove.add_argument("name", metavar="NAME", help="the connection to forget")
    remove.set_defaults(handler=_config_remove)


# --- login ----------------------------------------------------------------------------------


def _login(args: argparse.Namespace) -> int:
    # With --secret-stdin, stdin holds the secret, so there is nobody to ask.
    interactive = not args.secret_stdin and sys.stdin.isatty()
    # Base URL and API version have good defaults: ask for them only when no flag was given.
    ask_all = interactive and not (args.name or args.account_id)
    if interactive:
        say("find the Account ID and Secret Key in SharpSpring under Settings > API Settings")

    name = args.name or (_ask("Connection name", "default") if ask_all else "default")
    try:
        check_profile_name(name)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    account_id = args.account_id or (_ask("Account ID") if interactive else None)
    if not account_id:
        why = "" if interactive else " (stdin is not a terminal, so ssui cannot ask)"
        raise UsageError(f"an Account ID is needed: pass --account-id{why}")
    secret = _login_secret(args, interactive)
    base_url = args.base_url or (
        _ask("Base URL", DEFAULT_BASE_URL) if ask_all else DEFAULT_BASE_URL
    )
    # None: the version the base URL names (".../pubapi/v1"), else the default.
    api_version = args.api_version or (
        _ask("API version", DEFAULT_API_VERSION) if ask_all else None
    )
    try:
        connection = Connection(
            name=name,
            account_id=account_id,
            secret_key=SecretStr(secret),
            base_url=base_url,
            **({"api_version": api_version} if api_version else {}),
        )
    except ValidationError as exc:
        flags = {field: f"--{field.replace('_', '-')}" for field in Connection.model_fields}
        flags["secret_key"] = "secret key"
        raise UsageError(describe_validation_error(exc, flags)) from None

    if not args.no_check:
        if interactive:
            say(f"checking account {connection.account_id} with one API call...")
        try:
            asyncio.run(check_connection(connection, args.transport))
        except SharpSpringError as exc:
            raise CommandError(f"could not sign in, nothing saved: {exc}") from None
    save_profile(connection, make_default=args.default)
    default = " (the default)" if default_profile_name() == name else ""
    print(f"saved connection {name!r}{default} in {config_paths().config_file}")
    return 0


def _login_secret(args: argparse.Namespace, interactive: bool) -> str:
    if args.secret_stdin:
        secret = sys.stdin.read().strip()
        if not secret:
            raise UsageError("--secret-stdin: stdin held no secret key")
        return secret
    from_env = os.environ.get(SECRET_KEY_ENV, "").strip()
    if from_env:
        if interactive:
            say(f"using the secret key from {SECRET_KEY_ENV}")
        return from_env
    if interactive:
        secret = getpass.getpass("Secret key (not shown): ").strip()
        if secret:
            return secret
    raise UsageError(
        f"no secret key: set {SECRET_KEY_ENV} or pipe it in with --secret-stdin "
        "(it is never taken from the command line)"
    )


def _ask(label: str, default: str | None = None) -> str:
    prompt = f"{label} [{default}]: " if default else f"{label}: "
    try:
        answer = input(prompt).strip()
    except EOFError:
        raise UsageError(f"no answer for {label.lower()}; login cancelled") from None
    return answer or default or ""


# --- config ---------------------------------------------------------------------------------


def _config_path(args: argparse.Namespace) -> int:
    paths = config_paths()
    print(f"config dir:   {paths.directory}")
    print(f"config file:  {paths.config_file}")
    print(f"credentials:  {paths.credentials_file}")
    return 0


def _config_list(args: argparse.Namespace) -> int:
    profiles = list_profiles()
    if not profiles:
        say("no saved connections; run `ssui login`")
        return 0
    default = default_profile_name()
    width = max(len(profile.name) for profile in profiles)
    for profile in profiles:
        mark = "*" if profile.name == default else " "
        print(
            f"{mark} {profile.name:<{width}}  account {profile.account_id}  "
            f"{profile.api_version}  {profile.base_url}"
        )
    return 0


def _config_show(args: argparse.Namespace) -> int:
    profile = resolve_profile(args.name or args.profile)
    secret = find_secret(profile)
    default = " (default)" if profile.name == default_profile_name() else ""
    print(f"name         {profile.name}{default}")
    print(f"account_id   {profile.account_id}")
    print(f"api_version  {profile.api_version}")
    print(f"base_url     {profile.base_url}")
    if profile.me:
        print(f"me           {profile.me}")
    print(f"secret_key   {SECRET_SHOWN_AS if secret is not None else '(not set)'}")
    overridden = env_overrides()
    if overridden:
        print(f"from the environment: {', '.join(overridden)}")
    return 0


def _config_set_default(args: argparse.Namespace) -> int:
    set_default_profile(args.name)
    print(f"{args.name!r} is now the default connection")
    return 0


def _config_remove(args: argparse.Namespace) -> int:
    delete_profile(args.name)
    print(f"removed connection {args.name!r} and its secret key")
    return 0
