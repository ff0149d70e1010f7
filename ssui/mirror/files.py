"""Files that hold account data are private: 0600, in folders only their owner may enter (0700).

A mirror is a copy of the account (names, emails, phone numbers), so it is kept like the
credentials file: created with its final mode (never looser, not even for a moment), and a file
or folder of ssui's own found looser (made by an older ssui) is tightened when it is opened.
SQLite gives a database's ``-wal`` and ``-shm`` files the mode of the database itself.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: Path, *, tighten: bool = False) -> Path:
    """Make ``path`` a folder, creating it and any missing parent 0700.

    Folders that already exist are left as they are (the user's home, ``~/.local/share``, a
    folder the caller chose), unless ``tighten``: a folder of ssui's own found open to others
    is made 0700.
    """
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it meanwhile
            folder.mkdir(mode=PRIVATE_DIR)  # the umask only ever takes bits away
    if tighten:
        _tighten(path)
    return path


def private_file(path: Path, flags: int = os.O_RDWR) -> int:
    """Open (creating it if missing) ``path`` as a 0600 file; returns the descriptor."""
    fd = os.open(path, flags | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), PRIVATE_FILE)
    if os.name != "nt":
        mode = stat.S_IMODE(os.fstat(fd).st_mode)
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            os.fchmod(fd, mode & ~(stat.S_IRWXG | stat.S_IRWXO))
    return fd


def touch_private(path: Path) -> None:
    """Create ``path`` 0600 if it is missing; tighten it if it is open to others."""
    os.close(private_file(path))


def tighten_if_present(path: Path) -> None:
    """Take group and others' access away from ``path`` if it exists."""
    with contextlib.suppress(FileNotFoundError):
        _tighten(path)


def _tighten(path: Path) -> None:
    """Take group and others' access away from ``path`` (the owner's is kept)."""
    if os.name == "nt":  # POSIX modes mean nothing there; the user profile is private
        return
    have = stat.S_IMODE(path.stat().st_mode)
    if have & (stat.S_IRWXG | stat.S_IRWXO):
        os.chmod(path, have & ~(stat.S_IRWXG | stat.S_IRWXO))
