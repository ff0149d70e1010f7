"""Watch settings kept per profile in config.toml, and `ssui watch` following them."""

from __future__ import annotations

import asyncio
import tomllib
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from cli_fakes import connection

from ssui.api import SharpSpringClient
from ssui.cli import main
from ssui.config import (
    ConfigError,
    WatchPrefs,
    WatchSettings,
    load_watch_settings,
    resolve_connection,
    save_profile,
)
from ssui.mirror import MirrorStore, mirror_path
from ssui.mirror.event_log import EventReader
from ssui.sandbox import SandboxApp


def test_watch_settings_are_kept_in_the_profile_and_survive_saving_the_connection_again(
        write_config: Callable[[str], Path], config_dir: Path) -> None:
    save_profile(connection("work"))
    prefs = WatchPrefs.of(resolve_connection("work"))
    assert prefs.kept and prefs.settings == WatchSettings()  # the defaults until saved
    chosen = WatchSettings(streams=("forms", "leads"), owner=7, quota_share=0.35,
                           toasts=("forms",))
    prefs.save(chosen)
    table = tomllib.loads((config_dir / "config.toml").read_text())["profiles"]["work"]
    assert table["watch"] == {"streams": ["forms", "leads"], "owner": 7, "quota_share": 0.35,
                              "toasts": ["forms"]}
    assert load_watch_settings("work") == chosen
    assert resolve_connection("work").account_id == connection("work").account_id
    # `ssui login` again (a new key, say) keeps what the user set beside the connection.
    text = (config_dir / "config.toml").read_text()
    write_config(text.replace("[profiles.work]\n", '[profiles.work]\nme = "jane@acme.example"\n'))
    save_profile(connection("work"))
    assert load_watch_settings("work") == chosen
    assert resolve_connection("work").me == "jane@acme.example"


def test_a_connection_without_a_saved_profile_keeps_its_settings_for_the_run(
        config_dir: Path) -> None:
    prefs = WatchPrefs.of(connection("sandbox"), saved=False)
    prefs.save(WatchSettings(quota_share=0.5))
    assert not prefs.kept and prefs.settings.quota_share == 0.5
    assert "for this run only" in prefs.where
    assert not (config_dir / "config.toml").exists()


@pytest.mark.parametrize(("line", "message"), [
    ("quota_share = 0.95", "quota_share: must be from 0.01 to 0.9 (1% to 90%)"),
    ("quota_share = 20", "quota_share: must be 0.01 to 0.9: for 20% type 0.2 or 20%"),
    ('quota_share = "lots"', "quota_share: must be a share like 0.2 or 20% (0.01 to 0.9)"),
    ('streams = ["forms", "tweets"]', "streams: unknown 'tweets'; use forms, pages, emails,"
                                      " leads, accounts, opportunities"),
    ("owner = true", 'owner: must be "anyone", "mine" or a user id (a whole number)'),
    ("toast = []", "toast: unknown key"),
])
def test_a_bad_watch_setting_is_one_line_naming_the_file_and_the_key(
        write_config: Callable[[str], Path], line: str, message: str) -> None:
    path = write_config(f'[profiles.work]\naccount_id = "1"\n[profiles.work.watch]\n{line}\n')
    with pytest.raises(ConfigError) as caught:
        load_watch_settings("work")
    assert str(caught.value) == f"{path}: [profiles.work.watch] {message}"


def test_a_bad_me_is_named_with_its_profile(write_config: Callable[[str], Path]) -> None:
    path = write_config('[profiles.work]\naccount_id = "1"\nme = "Jane"\n')
    with pytest.raises(ConfigError) as caught:
        resolve_connection("work")
    assert str(caught.value) == (f"{path}: [profiles.work] me: must be your user id or your"
                                 " email address in the account")


# -- ssui watch ----------------------------------------------------------------------------


def users(sandbox: SandboxApp) -> list[tuple[int, str]]:
    rows = sandbox.store.db.execute(
        "SELECT id, emailAddress FROM user_profile ORDER BY id LIMIT 2").fetchall()
    return [(int(i), str(e)) for i, e in rows]


def create(sandbox: SandboxApp, key: str, records: list[dict[str, object]]) -> None:
    async def run() -> None:
        async with SharpSpringClient(sandbox.config.account_id, sandbox.config.secret_key,
                                     base_url="http://127.0.0.1/pubapi", rate_limit=None,
                                     transport=httpx.ASGITransport(app=sandbox)) as client:
            results = await client.create(key, records)
            assert all(r.success for r in results)
    asyncio.run(run())


def test_ssui_watch_follows_the_saved_settings_and_its_flags_override_them(
        sandbox: SandboxApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], write_config: Callable[[str], Path],
        write_credentials: Callable[..., Path]) -> None:
    monkeypatch.setenv("SSUI_DATA_DIR", str(tmp_path / "data"))
    (me, my_email), (other, _) = users(sandbox)
    write_config(f'[profiles.sbx]\naccount_id = "{sandbox.config.account_id}"\n'
                 f'base_url = "http://127.0.0.1/pubapi"\nme = "{my_email}"\n'
                 '[profiles.sbx.watch]\nstreams = ["accounts"]\nowner = "mine"\n'
                 "quota_share = 0.5\n")
    write_credentials(f'[sbx]\nsecret_key = "{sandbox.config.secret_key}"\n')
    transport = httpx.ASGITransport(app=sandbox)
    assert main(["sync"], transport=transport) == 0
    store = MirrorStore(mirror_path("sbx", sandbox.config.account_id))
    EventReader(store, "watch").skip_to_end()  # `ssui watch` ran before and stopped here
    store.close()
    create(sandbox, "account", [{"accountName": "Mine Incorporated", "ownerID": me},
                                {"accountName": "Theirs Limited", "ownerID": other}])
    create(sandbox, "lead", [{"emailAddress": "new@lead.example", "firstName": "Newton"}])
    assert main(["sync"], transport=transport) == 0
    capsys.readouterr()

    # The saved settings: new accounts, mine only, with half of the quota.
    assert main(["watch", "--count", "1"], transport=transport) == 0
    out, err = capsys.readouterr()
    assert "watching accounts (new records: yours) on sbx" in err
    assert "at most 50% of the daily quota (25,000 of 50,000 calls)" in err
    assert "Mine Incorporated" in out and "Theirs" not in out and "Newton" not in out

    # The flags win: new leads, anyone's, with 30%.
    assert main(["watch", "--count", "1", "--streams", "leads", "--owner", "anyone",
                 "--quota-share", "30%"], transport=transport) == 0
    out, err = capsys.readouterr()
    assert "watching leads on sbx" in err and "at most 30% of the daily quota" in err
    assert "Newton <new@lead.example>" in out and "Incorporated" not in out


def test_ssui_watch_says_how_to_make_mine_known_and_refuses_a_bad_share(
        sandbox: SandboxApp, capsys: pytest.CaptureFixture[str],
        write_config: Callable[[str], Path], write_credentials: Callable[..., Path]) -> None:
    path = write_config(f'[profiles.sbx]\naccount_id = "{sandbox.config.account_id}"\n'
                        'base_url = "http://127.0.0.1/pubapi"\n')
    write_credentials(f'[sbx]\nsecret_key = "{sandbox.config.secret_key}"\n')
    assert main(["watch", "--owner", "mine"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == ('ssui: watching "mine" needs to know who you are: `me = "<your user id or'
                   f' email>"` under [profiles.sbx] in {path}')
    assert main(["watch", "--quota-share", "95%"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "ssui watch: --quota-share: must be from 0.01 to 0.9 (1% to 90%)"
