"""How an `ssui` command fails: its errors, the exit codes, and the one line it prints."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from ssui.api import SharpSpringError
from ssui.text import printable

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """The command line itself is wrong."""


class CommandError(Exception):
    """A command failed for a reason its message explains."""


def say(message: str) -> None:
    print(f"ssui: {printable(message)}", file=sys.stderr)


def say_api_error(exc: SharpSpringError) -> None:
    # The client's messages are one line and already scrubbed of the secret.
    if exc.code is not None:
        print(f"error {exc.code}: {printable(str(exc))}", file=sys.stderr)
    else:
        say(str(exc))


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse ``type``: a whole number of at least ``minimum``, else a one-line usage
    error ("must be 1 or more, got 0")."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum} or more, got {value}")
        return value
    return parse
