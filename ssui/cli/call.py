"""`ssui call`: one API call, its JSON result printed."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ssui.api import parse_response
from ssui.cli.errors import EXIT_FAILED, CommandError, UsageError, say_api_error
from ssui.config import Connection, find_secret, open_client, resolve_connection, resolve_profile
from ssui.console.record import curl_for_call, recording
from ssui.text import json_safe

if TYPE_CHECKING:
    import httpx


def add_parsers(commands: Any) -> None:
    """Register `call` on the `ssui` subcommand parser."""
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
    call.add_argument(
        "--history", action="store_true",
        help="keep the call in the profile's console history (the app's F4 shows it)"
    )
    call.add_argument(
        "--curl", action="store_true",
        help="print the equivalent curl command (secret as $SHARPSPRING_SECRET_KEY), send nothing"
    )
    # SUPPRESS keeps `ssui --profile X call ...` working: the subcommand's default would
    # otherwise overwrite the value given before it.
    call.add_argument("--profile", metavar="NAME", default=argparse.SUPPRESS,
                      help="call through this saved connection (default: the default one)")
    call.set_defaults(handler=_call, take_extras=_take_params_after_options)


def _call(args: argparse.Namespace) -> int:
    params = _read_params(args.params, args.params_file)
    if args.curl:
        profile = resolve_profile(args.profile)
        known = find_secret(profile)  # only to find copies of it in the params
        print(json_safe(curl_for_call(profile, args.method, params,
                                      secret=known.get_secret_value() if known else None)))
        return 0
    connection = resolve_connection(args.profile)
    answer = asyncio.run(_call_api(connection, args.method, params, args.envelope, args.transport,
                                   history=args.history))
    print(json_safe(json.dumps(answer, indent=2, ensure_ascii=False)))
    if args.envelope:
        # The whole body is printed either way; an error in it still fails the command.
        secret = connection.secret_key.get_secret_value()
        error = parse_response(answer, None, secret=secret).error
        if error is not None:
            say_api_error(error)
            return EXIT_FAILED
    return 0


async def _call_api(
    connection: Connection,
    method: str,
    params: dict[str, Any],
    envelope: bool,
    transport: httpx.AsyncBaseTransport | None,
    *,
    history: bool = False,
) -> Any:
    async with open_client(connection, transport) as client:
        with recording(connection if history else None, method, params) as record:
            if envelope:
                answer = await client.call_envelope(method, params)
            else:
                answer = await client.call(method, params)
            record(answer, envelope)
            return answer


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
