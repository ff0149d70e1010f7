"""The `ssui` command: the app, `login`, `config`, `call`, and the sandbox server.

Every failure ends in one line on stderr and a non-zero exit, never a traceback
(set SSUI_DEBUG=1 to see one for an unexpected error). The secret key is never read from the
command line and never printed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, NoReturn

from pydantic import SecretStr, ValidationError

from ssui import __version__
from ssui.api import SharpSpringError, parse_response
from ssui.config import (
    DEFAULT_API_VERSION,
    DEFAULT_BASE_URL,
    SECRET_KEY_ENV,
    ConfigError,
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
    load_keymap,
    open_client,
    resolve_connection,
    resolve_profile,
    save_profile,
    set_default_profile,
)
from ssui.mirror import commands as mirror_commands
from ssui.text import json_safe, printable

if TYPE_CHECKING:
    import httpx

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_NOT_BUILT = 2
EXIT_INTERRUPTED = 130

DEBUG_ENV = "SSUI_DEBUG"
SECRET_SHOWN_AS = "********"

Handler = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """The command line itself is wrong."""


class NotBuiltError(Exception):
    """The command exists in the plan but not in this build yet."""


class CommandError(Exception):
    """A command failed for a reason its message explains."""


def main(
    argv: Sequence[str] | None = None, *, transport: httpx.AsyncBaseTransport | None = None
) -> int:
    """Run the `ssui` command and return its exit status.

    `transport` replaces the HTTP transport of every API client the command opens (tests).
    """
    try:
        args, extras = _build_parser().parse_known_args(argv)
        if getattr(args, "load_sandbox", False):
            args, extras = _build_parser(load_sandbox=True).parse_known_args(argv)
        if getattr(args, "not_built", None):
            raise NotBuiltError(args.not_built)
        if extras and getattr(args, "handler", None) is _call:
            _take_params_after_options(args, extras)
        if extras:
            raise UsageError(f"{_describe_unrecognized(extras)}; see `ssui --help`")
        args.transport = transport
        handler: Handler = getattr(args, "handler", _run_app)
        return handler(args)
    except SystemExit as exc:  # --help, --version, and argparse's own exits
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        _say("interrupted")
        return EXIT_INTERRUPTED
    except UsageError as exc:
        _say(str(exc))
        return EXIT_USAGE
    except NotBuiltError as exc:
        _say(str(exc))
        return EXIT_NOT_BUILT
    except SharpSpringError as exc:
        _say_api_error(exc)
        return EXIT_FAILED
    except (ConfigError, CommandError) as exc:
        _say(str(exc))
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (`ssui call ... | head`); that is theirs to report, not ours.
        _silence_stdout()
        return EXIT_FAILED
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        _say(f"{exc.strerror or exc}{where}")
        return EXIT_FAILED
    except Exception as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        # The message of an unexpected error is not ours to vouch for: it might hold a secret.
        _say(f"internal error ({type(exc).__name__}); set {DEBUG_ENV}=1 to see the traceback")
        return EXIT_FAILED


# --- the parser -----------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse, but errors are raised (one line, no usage dump) and never echo values."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # No abbreviations: `--secret=KEY` must not be taken for `--secret-stdin`.
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        if "ignored explicit argument" in message:
            # argparse would quote the value, which may be a secret someone tried to pass.
            message = message.split(": ignored explicit argument")[0] + ": takes no value"
        command = self.prog.removeprefix("ssui").strip()
        where = f"{command}: " if command else ""
        raise UsageError(f"{where}{message}; see `{self.prog} --help`")


def _build_parser(load_sandbox: bool = False) -> _Parser:
    parser = _Parser(
        prog="ssui",
        description="A keyboard-speed terminal client for SharpSpring. "
        "With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"ssui {__version__}")
    parser.add_argument("--profile", metavar="NAME", help="use this saved connection")
    parser.add_argument(
        "--sandbox", action="store_true", help="open the app on an embedded local sandbox"
    )
    parser.add_argument(
        "--read-only", action="store_true", help="open the app without the power to write"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_login(commands)
    _add_config(commands)
    _add_call(commands)
    _add_sandbox(commands, load_sandbox)
    keys = commands.add_parser(
        "keys", help="list the app's key binding ids, their keys, and how to remap them")
    keys.set_defaults(handler=_keys)
    mirror_commands.add_parsers(commands)
    for name in ("sync", "watch"):
        # As for `call`: `ssui sync --profile X` and `ssui --profile X sync` both work.
        commands.choices[name].add_argument("--profile", metavar="NAME",
                                            default=argparse.SUPPRESS)
    return parser


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
    set_default.add_argument("name", metavar="NAME")
    set_default.set_defaults(handler=_config_set_default)
    remove = actions.add_parser("remove", help="forget a connection and its secret key")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(handler=_config_remove)


def _add_call(commands: Any) -> None:
    call = commands.add_parser(
        "call",
        help="make one API call and print its JSON result",
        description="Call one SharpSpring API method and print the result as JSON.",
    )
    call.add_argument("method", metavar="METHOD", help="e.g. getLeads")
    call.add_argument(
        "params", nargs="?", metavar="PARAMS_JSON", help="params as a JSON object; '-' for stdin"
    )
    call.add_argument(
        "--params-file", metavar="FILE", help="read the params from FILE ('-' for stdin)"
    )
    call.add_argument(
        "--envelope", action="store_true", help="print the whole response body, not just result"
    )
    # SUPPRESS keeps `ssui --profile X call ...` working: the subcommand's default would
    # otherwise overwrite the value given before it.
    call.add_argument("--profile", metavar="NAME", default=argparse.SUPPRESS)
    call.set_defaults(handler=_call)


def _add_sandbox(commands: Any, load: bool) -> None:
    """`ssui sandbox ...` is defined in ssui/sandbox/cli.py (`add_parser(subparsers)`, which sets
    a `handler(args) -> int` default).

    The sandbox pulls in its server and seed data, so it is loaded only when the command is
    used (`load`); otherwise a stand-in parser just recognises the name.
    """
    if not load:
        stand_in = commands.add_parser(
            "sandbox",
            help="run the local SharpSpring sandbox (`ssui sandbox serve`)",
            add_help=False,
        )
        stand_in.set_defaults(load_sandbox=True)
        return
    module, missing = _optional_module("ssui.sandbox.cli", "ssui.sandbox")
    if module is None:
        _add_not_built(commands, "sandbox", "run the local SharpSpring sandbox", missing)
    else:
        module.add_parser(commands)


def _add_not_built(commands: Any, name: str, what: str, message: str) -> None:
    # Whatever follows the command is accepted: the answer is "not built yet" either way.
    commands.add_parser(name, help=f"{what} (not built yet)").set_defaults(not_built=message)


def _optional_module(name: str, package: str) -> tuple[ModuleType | None, str]:
    """The module, or None and one line saying why it is not there."""
    try:
        return importlib.import_module(name), ""
    except ModuleNotFoundError as exc:
        if exc.name in (name, package):
            return None, f"`{name}` is not built yet"
        return None, f"`{name}` cannot load: {exc}"
    except ImportError as exc:
        return None, f"`{name}` cannot load: {exc}"


def _describe_unrecognized(extras: list[str]) -> str:
    # Only option names are echoed: a stray value may be a secret typed where it does not go.
    options = [arg.split("=", 1)[0] for arg in extras if arg.startswith("-")]
    if options:
        return f"unknown option {', '.join(options)}"
    return f"{len(extras)} unexpected argument{'s' if len(extras) > 1 else ''}"


# --- the app --------------------------------------------------------------------------------


def _run_app(args: argparse.Namespace) -> int:
    """Open the terminal app (the default command). Textual is imported only here."""
    app, _ = _optional_module("ssui.tui.app", "ssui.tui")
    if app is None:
        raise NotBuiltError(
            "the terminal app is not built yet; try `ssui call` or `ssui sandbox serve`"
        )
    if args.sandbox:
        return _run_app_on_sandbox(app, args)
    try:
        connection: Connection | None = resolve_connection(args.profile)
    except ConfigError:
        if args.profile is not None or list_profiles() or env_overrides():
            raise
        connection = None  # the first run: the app asks on its connection screen
    keymap = load_keymap(app.binding_ids())
    return int(app.run_app(connection, read_only=args.read_only, keymap=keymap) or 0)


def _keys(args: argparse.Namespace) -> int:
    """`ssui keys`: every binding id with its default keys and any [keymap] override."""
    app, _ = _optional_module("ssui.tui.app", "ssui.tui")
    if app is None:
        raise NotBuiltError("the terminal app is not built yet")
    ids: dict[str, str] = app.binding_ids()
    overrides = load_keymap(ids)
    width = max(map(len, ids)) + 2
    for binding_id, default in sorted(ids.items()):
        now = overrides.get(binding_id)
        print(f"{binding_id:<{width}}{now or default}" + (f"  (default {default})" if now else ""))
    print(f"\nremap in {config_paths().config_file} under [keymap], e.g."
          f' "ssui.search" = "slash,ctrl+f"')
    return 0


def _run_app_on_sandbox(app: ModuleType, args: argparse.Namespace) -> int:
    """`ssui --sandbox`: serve a sandbox on a loopback port for as long as the app runs."""
    sandbox, missing = _optional_module("ssui.sandbox", "ssui.sandbox")
    if sandbox is None:
        raise NotBuiltError(f"the sandbox cannot start: {missing}")
    with sandbox.SandboxServer() as server:
        connection = Connection(
            name="sandbox",
            account_id=server.account_id,
            secret_key=SecretStr(server.secret_key),
            base_url=server.base_url,
        )
        keymap = load_keymap(app.binding_ids())
        return int(app.run_app(connection, read_only=args.read_only, keymap=keymap) or 0)


# --- login ----------------------------------------------------------------------------------


def _login(args: argparse.Namespace) -> int:
    # With --secret-stdin, stdin holds the secret, so there is nobody to ask.
    interactive = not args.secret_stdin and sys.stdin.isatty()
    # Base URL and API version have good defaults: ask for them only when no flag was given.
    ask_all = interactive and not (args.name or args.account_id)
    if interactive:
        _say("find the Account ID and Secret Key in SharpSpring under Settings > API Settings")

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
    api_version = args.api_version or (
        _ask("API version", DEFAULT_API_VERSION) if ask_all else DEFAULT_API_VERSION
    )
    try:
        connection = Connection(
            name=name,
            account_id=account_id,
            secret_key=SecretStr(secret),
            base_url=base_url,
            api_version=api_version,
        )
    except ValidationError as exc:
        flags = {field: f"--{field.replace('_', '-')}" for field in Connection.model_fields}
        flags["secret_key"] = "secret key"
        raise UsageError(describe_validation_error(exc, flags)) from None

    if not args.no_check:
        if interactive:
            _say(f"checking account {connection.account_id} with one API call...")
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
            _say(f"using the secret key from {SECRET_KEY_ENV}")
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
        _say("no saved connections; run `ssui login`")
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


# --- call -----------------------------------------------------------------------------------


def _call(args: argparse.Namespace) -> int:
    params = _read_params(args.params, args.params_file)
    connection = resolve_connection(args.profile)
    answer = asyncio.run(_call_api(connection, args.method, params, args.envelope, args.transport))
    print(json_safe(json.dumps(answer, indent=2, ensure_ascii=False)))
    if args.envelope:
        # The whole body is printed either way; an error in it still fails the command.
        secret = connection.secret_key.get_secret_value()
        error = parse_response(answer, None, secret=secret).error
        if error is not None:
            _say_api_error(error)
            return EXIT_FAILED
    return 0


async def _call_api(
    connection: Connection,
    method: str,
    params: dict[str, Any],
    envelope: bool,
    transport: httpx.AsyncBaseTransport | None,
) -> Any:
    async with open_client(connection, transport) as client:
        if envelope:
            return await client.call_envelope(method, params)
        return await client.call(method, params)


def _take_params_after_options(args: argparse.Namespace, extras: list[str]) -> None:
    # argparse settles an optional positional at the first chance, so in
    # `ssui call getLeads --envelope '{...}'` PARAMS_JSON comes back as a stray argument.
    if args.params is None and (extras[0] == "-" or not extras[0].startswith("-")):
        args.params = extras.pop(0)


def _read_params(argument: str | None, params_file: str | None) -> dict[str, Any]:
    if argument is not None and params_file is not None:
        raise UsageError("give the params either as PARAMS_JSON or with --params-file, not both")
    if argument is None and params_file is None:
        return {}
    if params_file == "-" or argument == "-":
        source, text = "stdin", sys.stdin.read()
    elif params_file is not None:
        source = f"file {params_file}"
        try:
            text = Path(params_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"params {source}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise CommandError(f"params {source}: not UTF-8 text") from None
    else:
        source, text = "PARAMS_JSON argument", argument or ""
    try:
        params = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"params from {source}: invalid JSON at line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg}"
        ) from None
    if not isinstance(params, dict):
        raise CommandError(
            f"params from {source} must be a JSON object ({{...}}), not {type(params).__name__}"
        )
    return params


def _silence_stdout() -> None:
    # Otherwise Python reports the broken pipe once more when it flushes stdout at exit.
    with contextlib.suppress(OSError, ValueError):  # ValueError: stdout is not a real file
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _say(message: str) -> None:
    print(f"ssui: {printable(message)}", file=sys.stderr)


def _say_api_error(exc: SharpSpringError) -> None:
    # The client's messages are one line and already scrubbed of the secret.
    if exc.code is not None:
        print(f"error {exc.code}: {printable(str(exc))}", file=sys.stderr)
    else:
        _say(str(exc))
