"""`ssui export`: a list of the local mirror as CSV or JSON, filtered, searched and sorted.

It reads the profile's mirror (what `ssui sync`, `ssui watch` and the app keep), makes no API
call and needs no secret key. A progress line goes to stderr when stderr is a terminal; the
last line, on stderr, says how many records went where.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import IO, Any, TextIO, cast

from ssui.cli.errors import CommandError, UsageError
from ssui.config import ENVIRONMENT_ONLY, Profile, resolve_profile
from ssui.entities import BROWSABLE, Entity
from ssui.mirror import Filter, MirrorStore, Query, mirror_path
from ssui.mirror.export import FORMATS, ExportError, Format, export_query, synced
from ssui.mirror.where import (
    WhereError,
    entity_named,
    field_named,
    parse_sort,
    parse_where,
)
from ssui.text import printable

EPILOG = """\
conditions (--where, repeatable, all must hold):
  FIELD=VALUE  FIELD!=VALUE  FIELD>=VALUE  FIELD<=VALUE  FIELD~TEXT (contains)
  FIELD= (is empty)  FIELD!= (is not empty)  status=open,qualified (either)
  FIELD is a label ("Status", "Owner", "Zip code"), an API name (leadStatus, ownerID) or a
  short form (score for leadScore); case and spaces do not matter. Flags take 1/0 or yes/no.
  A day for a date-and-time field is that whole day in local time.

examples:
  ssui export leads --format csv --where status=open -o open-leads.csv
  ssui export leads --where 'leadScore>=50' --where 'city!=Oslo' --sort score:desc -o -
  ssui export opportunities --format json -o deals.json

CSV cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a line
break, and not just a number or phone number) get a leading ' so opening the file in Excel or
LibreOffice is safe; --raw-formulas writes them as they are. JSON always keeps exact values.
Dates with a time are written in UTC (2026-01-05T09:00:00Z); flags as 1/0 in CSV and
true/false in JSON; references as ids. A file is written in full under a temporary name and
then renamed, so an interrupted export never leaves half a file; a new file is private (0600).
"""


def add_parsers(commands: Any) -> None:
    """Register `export` on the `ssui` subcommand parser."""
    lists = ", ".join(e.plural.lower() for e in BROWSABLE)
    export = commands.add_parser(
        "export", help="write a list of the local mirror to CSV or JSON",
        description="Write every record of a list that matches the conditions, from the local\n"
                    "mirror (run `ssui sync` first), as CSV or JSON.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    export.add_argument("entity", metavar="ENTITY", help=f"the list: {lists} (or singular)")
    export.add_argument("--format", choices=FORMATS, default=None,
                        help="csv or json (default: from the -o file's extension, else csv)")
    export.add_argument("--where", action="append", default=[], metavar="EXPR",
                        help="a condition such as status=open or 'leadScore>=50' (repeatable)")
    export.add_argument("--search", default="", metavar="TEXT",
                        help="only records the app's search for TEXT finds")
    export.add_argument("--sort", metavar="FIELD[:desc]",
                        help="order by this field (default: by id)")
    export.add_argument("--fields", metavar="A,B,...",
                        help="only these fields, in this order (default: every field, custom"
                             " fields included)")
    export.add_argument("--labels", action="store_true",
                        help="CSV header with the fields' labels instead of their API names")
    export.add_argument("--raw-formulas", action="store_true",
                        help="write CSV cells that start like a formula as they are (unsafe to"
                             " open in a spreadsheet if the data came from web forms)")
    export.add_argument("--bom", action="store_true",
                        help="start the CSV with a UTF-8 byte order mark (for Excel)")
    export.add_argument("-o", "--output", default="-", metavar="FILE|-",
                        help="the file to write (replaced whole at the end); - is stdout"
                             " (the default)")
    # As for `sync`: `ssui export --profile X` and `ssui --profile X export` both work.
    export.add_argument("--profile", metavar="NAME", default=argparse.SUPPRESS,
                        help="export from this saved connection's mirror")
    export.set_defaults(handler=run_export)


def _usage(what: str, exc: Exception) -> UsageError:
    return UsageError(f"export: {what}: {exc}")


def _format(args: argparse.Namespace) -> Format:
    if args.format is not None:
        chosen: Format = args.format
        return chosen
    return "json" if str(args.output).lower().endswith((".json", ".jsonl")) else "csv"


def build_query(entity: Entity, where: list[str], search: str = "",
                sort: str | None = None) -> Query:
    """The query the command line asks for; UsageError naming what cannot be read."""
    filters: list[Filter] = []
    for text in where:
        try:
            filters.extend(parse_where(entity, text))
        except WhereError as exc:
            raise _usage(f"--where {text!r}", exc) from None
    key, descending = None, False
    if sort:
        try:
            key, descending = parse_sort(entity, sort)
        except WhereError as exc:
            raise _usage(f"--sort {sort!r}", exc) from None
    return Query(entity.key, tuple(filters), search.strip(), key, descending)


def _fields(entity: Entity, text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise UsageError("export: --fields: no field named")
    try:
        return [field_named(entity, n).name for n in names]
    except WhereError as exc:
        raise _usage("--fields", exc) from None


def _whose(profile: Profile) -> str:
    if profile.name == ENVIRONMENT_ONLY:
        return f"the account {profile.account_id} (from the environment)"
    return f"profile {profile.name}"


class _ProgressLine:
    """`exporting leads: 12,000 of 100,000 (12%)`, redrawn in place; only on a terminal."""

    def __init__(self, out: TextIO, plural: str) -> None:
        self.out = out
        self.plural = plural
        self.tty = out.isatty()
        self.drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.tty:
            return
        share = f" ({done * 100 // total}%)" if total else ""
        self.out.write(f"\r\033[Kexporting {self.plural}: {done:,} of {total:,}{share}")
        self.out.flush()
        self.drawn = True

    def end(self) -> None:
        if self.drawn:
            self.out.write("\r\033[K")
            self.out.flush()
            self.drawn = False


class _TerminalText(io.TextIOBase):
    """Text bound for a terminal: what account data holds that could drive it is shown as
    symbols (see ``ssui.text.printable``); the line breaks stay."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def writable(self) -> bool:
        return True

    def write(self, s: str) -> int:
        self.out.write(printable(s.replace("\r\n", "\n"), one_line=False))
        return len(s)

    def flush(self) -> None:
        self.out.flush()


def _stdout() -> IO[str] | IO[bytes]:
    out = sys.stdout  # looked up now: whoever replaced sys.stdout gets the rows
    if out.isatty():
        return cast("IO[str]", _TerminalText(out))
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        return out
    out.flush()
    binary: IO[bytes] = buffer
    return binary


def run_export(args: argparse.Namespace) -> int:
    try:
        entity = entity_named(args.entity, BROWSABLE)
    except WhereError as exc:
        raise _usage("ENTITY", exc) from None
    fmt = _format(args)
    profile = resolve_profile(getattr(args, "profile", None))
    path = mirror_path(profile.name, profile.account_id)
    hint = "ssui sync" + (f" --profile {profile.name}" if getattr(args, "profile", None) else "")
    if not path.exists():
        raise CommandError(f"no local copy of {_whose(profile)} yet: run `{hint}`")
    store = MirrorStore(path)
    try:
        if not synced(store, entity.key):
            raise CommandError(f"the local copy of {_whose(profile)} has no complete list of"
                               f" {entity.plural.lower()} yet: run `{hint}`")
        entity = store.entity(entity.key)  # with the account's custom fields
        query = build_query(entity, args.where, args.search, args.sort)
        fields = _fields(entity, args.fields)
        to_stdout = args.output == "-"
        bar = _ProgressLine(sys.stderr, entity.plural.lower())
        try:
            result = export_query(store, query, fmt, _stdout() if to_stdout else args.output,
                                  fields=fields, labels=args.labels,
                                  safe_formulas=not args.raw_formulas, bom=args.bom,
                                  progress=bar)
        except ExportError as exc:
            raise UsageError(f"export: {exc}") from None
        finally:
            bar.end()
    finally:
        store.close()
    noun = entity.label.lower() if result.rows == 1 else entity.plural.lower()
    where = "stdout" if to_stdout else str(Path(args.output))
    print(printable(f"Exported {result.rows:,} {noun} to {where}"), file=sys.stderr)
    return 0
