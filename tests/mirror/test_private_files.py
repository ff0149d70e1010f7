"""A mirror is a copy of the account's people: its files are 0600, in folders only their owner
may enter (0700), like the credentials file."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ssui.cli import main
from ssui.mirror import MirrorStore, data_dir, mirror_path
from ssui.sandbox import SandboxApp

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask most systems give a user (files 0644, folders 0755 unless told otherwise)."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SSUI_DATA_DIR", str(tmp_path / "home" / "share" / "ssui"))
    return data_dir()


def test_ssui_sync_leaves_only_private_files_in_private_folders(
        data: Path, sandbox: SandboxApp, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("SHARPSPRING_ACCOUNT_ID", sandbox.config.account_id)
    monkeypatch.setenv("SHARPSPRING_SECRET_KEY", sandbox.config.secret_key)
    monkeypatch.setenv("SHARPSPRING_BASE_URL", "http://127.0.0.1/pubapi")
    assert main(["sync"], transport=httpx.ASGITransport(app=sandbox)) == 0
    # The folders ssui made, from the first one that was missing down.
    folders = [data.parent, data, *(p for p in data.rglob("*") if p.is_dir())]
    files = [p for p in data.rglob("*") if p.is_file()]
    assert any(p.suffix == ".db" for p in files)
    assert {p: oct(mode(p)) for p in folders} == {p: oct(0o700) for p in folders}
    assert {p: oct(mode(p)) for p in files} == {p: oct(0o600) for p in files}


def test_the_write_ahead_log_and_shared_memory_files_are_private_too(data: Path) -> None:
    path = mirror_path("work", "ACC1")
    store = MirrorStore(path)
    # Open, with a write done: SQLite keeps the -wal and -shm files beside the database.
    store.upsert("lead", [{"id": 1, "emailAddress": "ann@example.org", "firstName": "Ann"}])
    reader = MirrorStore(path)  # a second process would open it so
    assert reader.get("lead", 1) is not None
    extras = [Path(f"{path}{x}") for x in ("-wal", "-shm")]
    assert all(p.exists() for p in extras)
    assert [oct(mode(p)) for p in [path, *extras]] == [oct(0o600)] * 3
    reader.close()
    store.close()


def test_a_mirror_an_older_ssui_left_open_to_others_is_made_private(data: Path) -> None:
    path = mirror_path("work", "ACC1")
    MirrorStore(path).close()
    os.chmod(path.parent, 0o755)
    os.chmod(path, 0o644)
    MirrorStore(path).close()
    assert (oct(mode(path.parent)), oct(mode(path))) == (oct(0o700), oct(0o600))


def test_a_folder_the_user_chose_for_a_mirror_keeps_its_mode(tmp_path: Path) -> None:
    shared = tmp_path / "team"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    MirrorStore(shared / "copy.db").close()
    # The file is private; the folder is the user's business.
    assert (oct(mode(shared)), oct(mode(shared / "copy.db"))) == (oct(0o755), oct(0o600))
