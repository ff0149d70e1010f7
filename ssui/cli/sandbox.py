"""`ssui sandbox serve`: run the sandbox on loopback until Ctrl-C.

Importing this loads the sandbox (its server and seed data), so `ssui` imports it only when
the command is used.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from typing import Any

from ssui.api.endpoint import is_loopback
from ssui.cli.errors import whole_number
from ssui.sandbox import FaultSpecError, SandboxConfig, SandboxServer, parse_faults
from ssui.sandbox.config import (
    APP_DB,
    DEFAULT_ACCOUNT_ID,
    DEFAULT_ACTIVITY,
    DEFAULT_SECRET_KEY,
    SERVE_DB,
    default_db_path,
)

_count = whole_number(0)


def _port(text: str) -> int:
    value = _count(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"a port is 0 to 65535, got {value}")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value >= 0 or value == float("inf"):  # NaN fails the first test
        raise argparse.ArgumentTypeError(f"must be 0 or more (per second), got {text}")
    return value


def _escaped(path: object) -> str:
    return str(path).replace("%", "%%")  # argparse %-formats help texts


def add_parsers(commands: Any) -> None:
    """Register `sandbox serve` on the `ssui` subcommand parser."""
    sandbox = commands.add_parser(
        "sandbox", help="a local SharpSpring-compatible server",
        description="A local SharpSpring-compatible server with generated data, for trying"
        " ssui (or a script) without a real account.")
    actions = sandbox.add_subparsers(dest="sandbox_command", required=True)
    serve = actions.add_parser(
        "serve", help="serve the sandbox API until Ctrl-C",
        description="Serve the sandbox API on loopback until Ctrl-C. It prints its URL and"
        " credentials; point ssui at it with `ssui login --base-url URL --account-id ID`"
        " (or the SHARPSPRING_* variables). Its data lives in a file of its own"
        f" ({SERVE_DB}), apart from the one `ssui --sandbox` uses ({APP_DB}), so both can run"
        " at once.")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to bind (default 127.0.0.1; another address makes the"
                            " sandbox reachable from other machines)")
    serve.add_argument("--port", type=_port, default=0,
                       help="port to listen on (default: any free port, printed at start)")
    default_db = _escaped(default_db_path("serve"))
    serve.add_argument("--db", default=None, metavar="FILE",
                       help=f"SQLite file of the sandbox's data, made and seeded if new"
                            f" (default: {default_db}; `ssui --sandbox` keeps its own"
                            f" {APP_DB} beside it, so both can run at once)")
    serve.add_argument("--seed", type=int, default=1,
                       help="seed of the generated data of a new database, of the activity and of"
                            " the faults (default 1)")
    serve.add_argument("--leads", type=_count, default=2000,
                       help="leads to seed a new database with (default 2000; an existing"
                            " database keeps what it has)")
    serve.add_argument("--activity", type=_rate, default=DEFAULT_ACTIVITY, metavar="RATE",
                       help="new leads, page visits and email opens per second (0 = none;"
                            " default: about one every 3 s)")
    serve.add_argument("--faults", default="", metavar="SPEC",
                       help='failures to inject, e.g. "error=0.1,latency=200ms,drop=0.05,'
                            'ratelimit=0.1" (default: none)')
    serve.add_argument("--account-id", default=DEFAULT_ACCOUNT_ID, metavar="ID",
                       help=f"the Account ID the sandbox answers to (default {DEFAULT_ACCOUNT_ID})")
    serve.add_argument("--secret-key", default=DEFAULT_SECRET_KEY, metavar="KEY",
                       help=f"the secret key the sandbox accepts (default {DEFAULT_SECRET_KEY})."
                            " It is the sandbox's own made-up key, which is why it may be given"
                            " here: never pass a real SharpSpring account's key on a command"
                            " line")
    serve.add_argument("--no-limits", action="store_true",
                       help="no per-second, daily or per-request limits")
    serve.add_argument("--daily-quota", type=_count, default=50_000, metavar="CALLS",
                       help="calls a day the sandbox answers before it refuses more with"
                            " error 106, as SharpSpring does (default 50,000; off with"
                            " --no-limits)")
    serve.set_defaults(handler=run_serve)


def serve_config(args: argparse.Namespace) -> SandboxConfig:
    """The sandbox `ssui sandbox serve` runs, from its options; FaultSpecError for --faults."""
    return SandboxConfig(
        db=args.db or default_db_path("serve"), seed=args.seed, leads=args.leads,
        activity=args.activity, faults=parse_faults(args.faults), account_id=args.account_id,
        secret_key=args.secret_key, limits=not args.no_limits, daily_quota=args.daily_quota,
        host=args.host, port=args.port,
    )


def run_serve(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C; prints the URL and credentials first. Returns the exit status."""
    try:
        config = serve_config(args)
    except FaultSpecError as exc:
        print(f"ssui sandbox: {exc}", file=sys.stderr)
        return 2
    if not is_loopback(args.host):
        print(f"warning: serving on {args.host}, reachable from other machines", file=sys.stderr)
    server = SandboxServer(config)
    try:
        server.start()
    except (OSError, RuntimeError) as exc:
        print(f"ssui sandbox: {exc}", file=sys.stderr)
        return 1
    except sqlite3.Error as exc:
        print(f"ssui sandbox: cannot use the database {config.db_path()}: {exc}",
              file=sys.stderr)
        return 1
    try:
        print(f"SharpSpring sandbox at {server.base_url}/v1.2/ (and /v1/)", flush=True)
        print(f"  account ID: {server.account_id}", flush=True)
        print(f"  secret key: {server.secret_key}", flush=True)
        print(f"  database:   {config.db_path()}", flush=True)
        print("Ctrl-C stops it.", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
