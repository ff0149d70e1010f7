"""`ssui call`: one API call, its JSON result printed."""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ssui.api import is_read, parse_response, redact
from ssui.api.results import write_results
from ssui.api.retry import write_verb
from ssui.cli.errors import EXIT_FAILED, CommandError, UsageError, say, say_api_error
from ssui.config import Connection, find_secret, open_client, resolve_connection, resolve_profile
from ssui.console.record import curl_for_call, recording
from ssui.text import json_safe

if TYPE_CHECKING:
    import httpx


DEFAULT_TIMEOUT = 60.0
"""Seconds `ssui call` waits for one call in all: every attempt and the pauses between them."""


def _seconds(text: str) -> float:
    """A positive number of seconds (argparse's type: a bad one is a one-line usage error)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, got {text}")
    return value


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
        "--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
        help=f"give up after this long, retries included (default {DEFAULT_TIMEOUT:g})"
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
    _check_method(args.method)
    params = _read_params(args.params, args.params_file)
    if args.curl:
        profile = resolve_profile(args.profile)
        known = find_secret(profile)  # only to find copies of it in the params
        print(json_safe(curl_for_call(profile, args.method, params,
                                      secret=known.get_secret_value() if known else None)))
        return 0
    connection = resolve_connection(args.profile)
    answer = asyncio.run(_call_api(connection, args.method, params, args.envelope, args.transport,
                                   history=args.history, deadline=args.timeout))
    secret = connection.secret_key.get_secret_value()
    # What the server sent may quote the secret (an echoed URL): it is masked here like
    # everywhere else, envelope or not.
    try:
        text = json.dumps(answer, indent=2, ensure_ascii=False)
    except RecursionError:
        raise CommandError(
            f"{args.method}: SharpSpring's answer is nested too deeply to print"
        ) from None
    print(json_safe(_masked(text, secret)))
    result = answer
    if args.envelope:
        # The whole body is printed either way; an error in it still fails the command.
        error = parse_response(answer, None, secret=secret).error
        if error is not None:
            say_api_error(error)
            return EXIT_FAILED
        result = answer.get("result") if isinstance(answer, Mapping) else None
    failed = _failed_objects(args.method, result, secret)
    for line in failed:
        say(line)
    return EXIT_FAILED if failed else 0


def _masked(text: str, secret: str) -> str:
    """JSON text with the secret masked, as it is or as JSON escapes it inside a string."""
    out = redact(text, secret)
    escaped = json.dumps(secret, ensure_ascii=False)[1:-1]
    return out.replace(escaped, "***") if escaped and escaped != secret else out


def _failed_objects(method: str, result: Any, secret: str) -> list[str]:
    """One line per object a write reported as failed (``{"creates": [{success, error}]}``)."""
    if is_read(method) or not isinstance(result, Mapping):
        return []
    lines: list[str] = []
    for key, entries in result.items():
        if not (isinstance(entries, list) and entries
                and all(isinstance(e, Mapping) and "success" in e for e in entries)):
            continue
        for outcome in write_results(entries, len(entries), verb=write_verb(method),
                                     secret=secret):
            if outcome.success:
                continue
            # The error's text names its code: "Entry already exists (SharpSpring error 301)".
            reason = str(outcome.error) if outcome.error is not None else "no reason given"
            lines.append(f"{method}: {key} object {outcome.index} failed: {reason}")
    return lines


async def _call_api(
    connection: Connection,
    method: str,
    params: dict[str, Any],
    envelope: bool,
    transport: httpx.AsyncBaseTransport | None,
    *,
    history: bool = False,
    deadline: float | None = None,
) -> Any:
    async with open_client(connection, transport, deadline=deadline) as client:
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


def _check_method(method: str) -> str:
    """The METHOD argument, or UsageError: SharpSpring's method names are one plain word."""
    if not method.strip():
        raise UsageError("call: METHOD is empty; give a method name, e.g. getLeads")
    if not method.isprintable() or any(ch.isspace() for ch in method):
        raise UsageError("call: METHOD must be one word, e.g. getLeads")
    return method


def _read_params(argument: str | None, params_file: str | None) -> dict[str, Any]:
    """The params as a dict; UsageError for params that are no JSON object, CommandError for
    a file that cannot be read."""
    if argument is not None and params_file is not None:
        raise UsageError("give the params either as PARAMS_JSON or with --params-file, not both")
    if argument is None and params_file is None:
        return {}
    if params_file == "-" or argument == "-":
        source, text = "stdin", _read_stdin()
    elif params_file is not None:
        source = f"file {params_file}"
        try:
            text = Path(params_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"params {source}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise UsageError(f"params from {source}: not UTF-8 text") from None
    else:
        source, text = "PARAMS_JSON argument", argument or ""
    try:
        # Undecodable bytes (stdin or argv in a non-UTF-8 locale) arrive as lone surrogates.
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"params from {source}: not UTF-8 text") from None
    try:
        params = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"params from {source}: invalid JSON at line {exc.lineno}, column {exc.colno}: "
            f"{exc.msg}"
        ) from None
    except RecursionError:
        raise UsageError(f"params from {source}: JSON nested too deeply") from None
    if not isinstance(params, dict):
        raise UsageError(
            f"params from {source} must be a JSON object ({{...}}), not {type(params).__name__}"
        )
    if _too_deep(params):
        # json.loads stops near 1,000 levels, but sending and printing need room as well.
        raise UsageError(f"params from {source}: JSON nested more than {_MAX_DEPTH} levels deep")
    return params


_MAX_DEPTH = 200


def _too_deep(value: Any) -> bool:
    """True if ``value`` nests lists and objects more than ``_MAX_DEPTH`` levels (no recursion)."""
    level: list[Any] = [value]
    for _ in range(_MAX_DEPTH):
        level = [child for item in level
                 for child in (item.values() if isinstance(item, dict)
                               else item if isinstance(item, list) else ())]
        if not level:
            return False
    return any(isinstance(item, dict | list) for item in level)


def _read_stdin() -> str:
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # a text stream with no bytes beneath it (tests, some embedders)
        return sys.stdin.read()
    data = buffer.read()
    try:
        return str(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UsageError("params from stdin: not UTF-8 text") from None
