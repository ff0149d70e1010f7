"""`ssui sandbox serve`: run the sandbox on loopback until Ctrl-C.

Importing this loads the sandbox (its server and seed data), so `ssui` imports it only when
the command is used.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from ssui.api.endpoint import is_loopback
from ssui.sandbox import FaultSpecError, SandboxConfig, SandboxServer, parse_faults
from ssui.sandbox.config import DEFAULT_ACCOUNT_ID, DEFAULT_ACTIVITY, DEFAULT_SECRET_KEY


def add_parsers(commands: Any) -> None:
    """Register `sandbox serve` on the `ssui` subcommand parser."""
    sandbox = commands.add_parser("sandbox", help="a local SharpSpring-compatible server")
    actions = sandbox.add_subparsers(dest="sandbox_command", required=True)
    serve = actions.add_parser("serve", help="serve the sandbox API until Ctrl-C")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to bind (default 127.0.0.1; say so to bind another)")
    serve.add_argument("--port", type=int, default=0, help="port (default: any free port)")
    serve.add_argument("--db", default=None, help="SQLite file (default: the user data dir)")
    serve.add_argument("--seed", type=int, default=1, help="seed for the generated data")
    serve.add_argument("--leads", type=int, default=2000, help="leads to seed a new database")
    serve.add_argument("--activity", type=float, default=DEFAULT_ACTIVITY, metavar="RATE",
                       help="new leads/visits/opens per second (0 = off; default ~1 every 3 s)")
    serve.add_argument("--faults", default="", metavar="SPEC",
                       help='e.g. "error=0.1,latency=200ms,drop=0.05,ratelimit=0.1"')
    serve.add_argument("--account-id", default=DEFAULT_ACCOUNT_ID)
    serve.add_argument("--secret-key", default=DEFAULT_SECRET_KEY)
    serve.add_argument("--no-limits", action="store_true",
                       help="no per-second, daily or per-request limits")
    serve.add_argument("--daily-quota", type=int, default=50_000)
    serve.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C; prints the URL and credentials first. Returns the exit status."""
    try:
        faults = parse_faults(args.faults)
    except FaultSpecError as exc:
        print(f"ssui sandbox: {exc}", file=sys.stderr)
        return 2
    config = SandboxConfig(
        db=args.db, seed=args.seed, leads=args.leads, activity=max(0.0, args.activity),
        faults=faults, account_id=args.account_id, secret_key=args.secret_key,
        limits=not args.no_limits, daily_quota=args.daily_quota, host=args.host,
        port=args.port,
    )
    if not is_loopback(args.host):
        print(f"warning: serving on {args.host}, reachable from other machines", file=sys.stderr)
    server = SandboxServer(config)
    try:
        server.start()
    except (OSError, RuntimeError) as exc:
        print(f"ssui sandbox: {exc}", file=sys.stderr)
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
