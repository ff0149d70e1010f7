"""Reading and writing the TOML files, with one-line errors and private files kept private."""

import json
import os
import re
import secrets
import shlex
import stat
import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from ssui.config.errors import ConfigError

PRIVATE_MODE = 0o600
PUBLIC_MODE = 0o644

# Python 3.11's TOMLDecodeError has no lineno/colno (3.14 adds them); its message ends with
# "(at line L, column C)" or "(at end of document)".
_WHERE = re.compile(
    r"^(?P<problem>.*?)\s*\(at (?:line (?P<line>\d+), column (?P<col>\d+)|end of document)\)$"
)


def read_toml(path: Path, *, private: bool = False) -> dict[str, Any]:
    """The document in `path`, or {} if the file does not exist.

    With `private`, a file that group or others may access is refused before it is read.
    """
    try:
        with path.open("rb") as file:
            if private:
                _refuse_if_shared(path, os.fstat(file.fileno()).st_mode)
            data = file.read()
    except FileNotFoundError:
        return {}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {_decode_problem(exc, text)}") from None


def write_toml(path: Path, document: dict[str, Any], *, private: bool = False) -> None:
    """Replace `path` with `document` atomically; a private file is created with mode 0600.

    The temporary file is opened with its final mode, so a secret is never on disk with
    looser permissions, not even for a moment.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    payload = tomli_w.dumps(document).encode("utf-8")
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(temporary, flags, PRIVATE_MODE if private else PUBLIC_MODE)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(payload)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _refuse_if_shared(path: Path, mode: int) -> None:
    # POSIX permission bits mean nothing on Windows, where the user profile is private anyway.
    if os.name == "nt" or not mode & (stat.S_IRWXG | stat.S_IRWXO):
        return
    raise ConfigError(
        f"{path} is open to other users (mode {stat.S_IMODE(mode):04o}); "
        f"run `chmod 600 {shlex.quote(str(path))}` and try again"
    )


def _decode_problem(exc: tomllib.TOMLDecodeError, text: str) -> str:
    found = _WHERE.match(str(exc))
    if found is None:
        return f"invalid TOML: {exc}"
    problem = found["problem"][:1].lower() + found["problem"][1:]
    if found["line"] is not None:
        return f"line {found['line']}, column {found['col']}: {problem}"
    lines = text.splitlines() or [""]
    return f"line {len(lines)}, column {len(lines[-1]) + 1} (end of file): {problem}"


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def toml_key(key: str) -> str:
    """``key`` as TOML spells it in a table name: bare when it may be, else quoted and escaped
    (so a key holding a line break or a quote stays on the one line of an error message)."""
    return key if _BARE_KEY.fullmatch(key) else json.dumps(key)
