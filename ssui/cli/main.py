"""`main()`: the `ssui` parser, built from each command module, and its errors as exit codes.

Every failure ends in one line on stderr and a non-zero exit, never a traceback
(set SSUI_DEBUG=1 to see one for an unexpected error). The secret key is never read from the
command line and never printed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from ssui import __version__
from ssui.api import SharpSpringError
from ssui.cli import app, call, export, mirror, profiles
from ssui.cli.errors import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    CommandError,
    UsageError,
    say,
    say_api_error,
)
from ssui.config import ConfigError

if TYPE_CHECKING:
    import httpx

DEBUG_ENV = "SSUI_DEBUG"

Handler = Callable[[argparse.Namespace], int]


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
        take_extras = getattr(args, "take_extras", None)
        if extras and take_extras is not None:
            take_extras(args, extras)
        if extras:
            raise UsageError(f"{_describe_unrecognized(extras)}; see `ssui --help`")
        args.transport = transport
        handler: Handler = args.handler
        return handler(args)
    except SystemExit as exc:  # --help, --version, and argparse's own exits
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        say("interrupted")
        return EXIT_INTERRUPTED
    except UsageError as exc:
        say(str(exc))
        return EXIT_USAGE
    except SharpSpringError as exc:
        say_api_error(exc)
        return EXIT_FAILED
    except (ConfigError, CommandError) as exc:
        say(str(exc))
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (`ssui call ... | head`); that is theirs to report, not ours.
        _silence_stdout()
        return EXIT_FAILED
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        say(f"{exc.strerror or exc}{where}")
        return EXIT_FAILED
    except Exception as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        # The message of an unexpected error is not ours to vouch for: it might hold a secret.
        say(f"internal error ({type(exc).__name__}); set {DEBUG_ENV}=1 to see the traceback")
        return EXIT_FAILED


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
    app.add_options(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    profiles.add_parsers(commands)
    call.add_parsers(commands)
    if load_sandbox:
        from ssui.cli import sandbox

        sandbox.add_parsers(commands)
    else:
        _add_sandbox_stand_in(commands)
    app.add_parsers(commands)
    mirror.add_parsers(commands)
    export.add_parsers(commands)
    return parser


def _add_sandbox_stand_in(commands: Any) -> None:
    # The sandbox pulls in its server and seed data, so `ssui call` and the rest must not
    # load it: this stand-in only recognises the name, and main() then parses again with
    # the real `ssui sandbox` parser.
    stand_in = commands.add_parser(
        "sandbox",
        help="run the local SharpSpring sandbox (`ssui sandbox serve`)",
        add_help=False,
    )
    stand_in.set_defaults(load_sandbox=True)


def _describe_unrecognized(extras: list[str]) -> str:
    # Only option names are echoed: a stray value may be a secret typed where it does not go.
    options = [arg.split("=", 1)[0] for arg in extras if arg.startswith("-")]
    if options:
        return f"unknown option {', '.join(options)}"
    return f"{len(extras)} unexpected argument{'s' if len(extras) > 1 else ''}"


def _silence_stdout() -> None:
    # Otherwise Python reports the broken pipe once more when it flushes stdout at exit.
    with contextlib.suppress(OSError, ValueError):  # ValueError: stdout is not a real file
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
