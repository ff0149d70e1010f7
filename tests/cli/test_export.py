"""`ssui export`, run as the command against a mirror synced from the in-process sandbox.

The mirror is filled the way a user fills it (`ssui sync` over the API); every expectation
is read back from the mirror (`MirrorStore.page` with the same query, what the app's list
shows) or from the sandbox's own database.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import stat
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from ssui.api import SharpSpringClient
from ssui.api.errors import WriteResult
from ssui.cli import main
from ssui.entities import LEAD, Kind
from ssui.mirror import Filter, MirrorStore, Query, mirror_path
from ssui.mirror.export import export_query, formula_safe, synced
from ssui.mirror.where import WhereError, field_named, parse_sort, parse_where
from ssui.sandbox import SandboxApp
from ssui.sandbox.schema import LIVE

ALL = 1_000_000


class Account:
    """A sandbox, and the `ssui` command pointed at it (profile from the environment)."""

    def __init__(self, sandbox: SandboxApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 capsys: pytest.CaptureFixture[str]) -> None:
        self.sandbox = sandbox
        self.tmp = tmp_path
        self.capsys = capsys
        monkeypatch.setenv("SSUI_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("SHARPSPRING_ACCOUNT_ID", sandbox.config.account_id)
        monkeypatch.setenv("SHARPSPRING_SECRET_KEY", sandbox.config.secret_key)
        monkeypatch.setenv("SHARPSPRING_BASE_URL", "http://127.0.0.1/pubapi")
        self.transport = httpx.ASGITransport(app=sandbox)

    def run(self, *argv: str) -> tuple[int, str, str]:
        code = main(list(argv), transport=self.transport)
        out, err = self.capsys.readouterr()
        return code, out, err

    def sync(self) -> None:
        code, _out, err = self.run("sync")
        assert code == 0, err

    def export(self, *argv: str) -> tuple[int, str, str]:
        return self.run("export", *argv)

    @property
    def mirror(self) -> Path:
        return mirror_path("(environment)", self.sandbox.config.account_id)

    def store(self) -> MirrorStore:
        return MirrorStore(self.mirror)

    def rows(self, q: Query) -> list[dict[str, Any]]:
        store = self.store()
        try:
            return store.page(Query(q.entity, q.filters, q.search, q.sort, q.descending, 0, ALL))
        finally:
            store.close()

    def active_lead_ids(self) -> set[int]:
        rows = self.sandbox.store.db.execute(f'SELECT id FROM "lead" WHERE {LIVE}').fetchall()
        return {int(r[0]) for r in rows}


@pytest.fixture
def account(sandbox: SandboxApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> Account:
    a = Account(sandbox, tmp_path, monkeypatch, capsys)
    a.sync()
    return a


def read_csv(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


# -- the check -------------------------------------------------------------------------


def test_a_csv_of_10000_leads_has_a_header_and_one_row_per_active_lead(
        make_sandbox: Callable[..., SandboxApp], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    account = Account(make_sandbox(leads=10_000, seed=3), tmp_path, monkeypatch, capsys)
    account.sync()
    target = tmp_path / "leads.csv"
    code, out, err = account.export("leads", "--format", "csv", "-o", str(target))
    assert code == 0, err
    assert out == ""  # the rows went to the file
    rows = read_csv(target)
    store = account.store()
    names = list(store.entity("lead").field_names)
    custom = [f.name for f in store.entity("lead").custom_fields]
    store.close()
    assert rows[0] == names  # API names, in the registry's order
    assert custom and set(custom) <= set(rows[0])  # the account's custom fields too
    active = account.active_lead_ids()
    assert 9_000 < len(active) < 10_000  # the seed makes some leads inactive
    assert len(rows) - 1 == len(active)
    assert {int(r[0]) for r in rows[1:]} == active
    assert err.strip().splitlines()[-1] == f"Exported {len(active):,} leads to {target}"
    assert "exporting" not in err  # stderr is no terminal: no progress line


# -- what is exported ----------------------------------------------------------------------------


def test_where_narrows_to_exactly_the_rows_the_mirror_matches_in_the_lists_order(
        account: Account, tmp_path: Path) -> None:
    target = tmp_path / "open.csv"
    code, _out, err = account.export("leads", "--where", "status=open",
                                     "--where", "leadScore>=30", "--sort", "score:desc",
                                     "-o", str(target))
    assert code == 0, err
    expected = account.rows(Query("lead", (Filter("leadStatus", "=", "open"),
                                           Filter("leadScore", ">=", 30)),
                                  sort="leadScore", descending=True))
    assert 0 < len(expected) < len(account.active_lead_ids())
    ids = [int(r[0]) for r in read_csv(target)[1:]]
    assert ids == [r["id"] for r in expected]


@pytest.mark.parametrize(("where", "query"), [
    (["city!=Savageborough", "active=1"],
     (Filter("city", "!=", "Savageborough"), Filter("active", "=", True))),
    (["owner=2,3"], (Filter("ownerID", "in", (2, 3)),)),
    (["Status=open,qualified", "company~a"],
     (Filter("leadStatus", "in", ("open", "qualified")), Filter("companyName", "contains", "a"))),
    (["mobile phone="], (Filter("mobilePhoneNumber", "empty"),)),
    (["Qualified=yes", "score<=50"], (Filter("isQualified", "=", True),
                                      Filter("leadScore", "<=", 50))),
    (["active=no"], (Filter("active", "!=", True),)),
])
def test_conditions_select_what_the_same_filters_select_in_the_app(
        account: Account, tmp_path: Path, where: list[str], query: tuple[Filter, ...]) -> None:
    target = tmp_path / "out.json"
    argv = [x for w in where for x in ("--where", w)]
    code, _out, err = account.export("lead", *argv, "-o", str(target))  # json: the extension
    assert code == 0, err
    got = [r["id"] for r in json.loads(target.read_text(encoding="utf-8"))]
    assert got == [r["id"] for r in account.rows(Query("lead", query))]
    assert 0 < len(got) < len(account.active_lead_ids()) or where == ["active=no"]


def test_a_custom_field_is_named_by_its_label(account: Account, tmp_path: Path) -> None:
    store = account.store()
    picklist = next(f for f in store.entity("lead").custom_fields if f.kind is Kind.ENUM)
    store.close()
    target = tmp_path / "custom.csv"
    code, _out, err = account.export("leads", "--where", f"{picklist.label.upper()}="
                                     f"{picklist.choices[0]}", "-o", str(target))
    assert code == 0, err
    expected = account.rows(Query("lead", (Filter(picklist.name, "=", picklist.choices[0]),)))
    assert expected and [int(r[0]) for r in read_csv(target)[1:]] == [r["id"] for r in expected]


def test_search_exports_what_the_lists_search_finds(account: Account, tmp_path: Path) -> None:
    store = account.store()
    name = str(store.page(Query("lead", limit=1))[0]["lastName"])
    store.close()
    target = tmp_path / "found.csv"
    code, _out, err = account.export("Leads", "--search", name[:4], "-o", str(target))
    assert code == 0, err
    expected = [r["id"] for r in account.rows(Query("lead", search=name[:4]))]
    assert expected and [int(r[0]) for r in read_csv(target)[1:]] == expected


def _plain(kind: Kind, value: Any) -> Any:
    """A mirror value as JSON carries it."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


@pytest.mark.parametrize("entity", ["leads", "accounts", "campaigns", "opportunities"])
def test_json_round_trips_every_value(account: Account, tmp_path: Path, entity: str) -> None:
    target = tmp_path / f"{entity}.json"
    code, _out, err = account.export(entity, "--format", "json", "-o", str(target))
    assert code == 0, err
    records = json.loads(target.read_text(encoding="utf-8"))
    store = account.store()
    e = next(store.entity(k) for k in ("lead", "account", "campaign", "opportunity")
             if store.entity(k).plural.lower() == entity)
    mirrored = store.page(Query(e.key, limit=ALL))
    store.close()
    assert len(records) == len(mirrored) > 0
    assert [list(r) for r in records[:1]] == [list(e.field_names)]
    for got, want in zip(records, mirrored, strict=True):
        assert got == {f.name: _plain(f.kind, want[f.name]) for f in e.fields}
    flags = [f.name for f in e.fields if f.kind is Kind.BOOL]
    assert {type(r[n]) for r in records for n in flags} <= {bool, type(None)}


def test_csv_values_are_plain_and_labels_are_an_option(account: Account, tmp_path: Path) -> None:
    target = tmp_path / "labels.csv"
    code, _out, err = account.export("leads", "--labels", "--fields",
                                     "id,Email,active,createTimestamp,owner", "-o", str(target))
    assert code == 0, err
    rows = read_csv(target)
    assert rows[0] == ["ID", "Email", "Active", "Created", "Owner"]
    first = account.rows(Query("lead"))[0]
    created = first["createTimestamp"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert rows[1] == [str(first["id"]), first["emailAddress"], "1" if first["active"] else "0",
                       created, str(first["ownerID"]) if first["ownerID"] else ""]


# -- safety --------------------------------------------------------------------------------------

EVIL = {
    "firstName": "=HYPERLINK(\"http://evil.example\",\"click\")",
    "lastName": "@SUM(1+1)*cmd|' /C calc'!A0",
    "companyName": "+cmd|' /C notepad'!A0",
    "title": "-2+3+cmd|' /C calc'!A0",
    "city": "\t=1+1",
    "phoneNumber": "+47 2212 3456",
    "mobilePhoneNumber": "-(555) 123-4567",
    "description": "=1+1\nsecond line",
}


def test_cells_a_spreadsheet_would_run_are_neutralised_in_csv_and_exact_in_json(
        account: Account, tmp_path: Path,
        client_on: Callable[..., SharpSpringClient]) -> None:
    async def fill_in_the_form() -> WriteResult:
        async with client_on(account.sandbox) as client:
            (made,) = await client.create("lead", [{"emailAddress": "evil@forms.example",
                                                    **EVIL}])
        return made

    made = asyncio.run(fill_in_the_form())  # `ssui sync` runs its own event loop
    assert made.success and made.id is not None
    account.sync()  # catches up: the lead came from a web form, the mirror now holds it
    target = tmp_path / "safe.csv"
    code, _out, err = account.export("leads", "--where", f"id={made.id}", "-o", str(target))
    assert code == 0, err
    header, row = read_csv(target)
    cells = dict(zip(header, row, strict=True))
    for name, value in EVIL.items():
        assert cells[name] == formula_safe(value)
        if name in ("phoneNumber", "mobilePhoneNumber"):
            assert cells[name] == value  # a number or a phone number is left alone
        else:
            assert cells[name] == "'" + value
    assert cells["emailAddress"] == "evil@forms.example"

    raw = tmp_path / "raw.csv"
    code, _out, err = account.export("leads", "--where", f"id={made.id}", "--raw-formulas",
                                     "-o", str(raw))
    assert code == 0, err
    header, row = read_csv(raw)
    assert {n: v for n, v in zip(header, row, strict=True) if n in EVIL} == EVIL

    exact = tmp_path / "exact.json"
    code, _out, err = account.export("leads", "--where", f"id={made.id}", "-o", str(exact))
    assert code == 0, err
    (record,) = json.loads(exact.read_text(encoding="utf-8"))
    assert {n: record[n] for n in EVIL} == EVIL


def test_the_help_says_what_the_csv_does_with_formulas(account: Account) -> None:
    code, out, _err = account.export("--help")
    assert code == 0
    assert "formula" in out and "--raw-formulas" in out and "'" in out


def test_formula_safe_rules() -> None:
    assert formula_safe("=1+1") == "'=1+1"
    assert formula_safe("@x") == "'@x"
    assert formula_safe("\rx") == "'\rx"
    assert formula_safe("+47 22 33 44 55") == "+47 22 33 44 55"
    assert formula_safe("-12.5") == "-12.5"
    assert formula_safe("-") == "-"
    assert formula_safe("+1 (555) 0100 x12") == "'+1 (555) 0100 x12"  # a letter: not plain
    assert formula_safe("Ann = boss") == "Ann = boss"  # only the start counts


SAMPLES = ("=1+1", "+1", "-1", "@a", "\t1", "\r=x", "\n=x", "-", "+", "+47 (0) 22-33.44",
           "+47 22 33 x", "-x", "a=b", "", "'=1", "=", "[x]", "-1.0e-05", "ÿ=", "—1")


def test_the_export_neutralises_cells_exactly_as_formula_safe_says() -> None:
    store = MirrorStore()
    store.upsert("lead", [{"id": i + 1, "emailAddress": f"s{i}@x.example", "firstName": v,
                           "leadScore": v}
                          for i, v in enumerate(SAMPLES)])
    store.upsert("lead", [{"id": 100, "emailAddress": "n@x.example", "leadScore": -5}])
    out = io.StringIO(newline="")
    export_query(store, Query("lead"), "csv", out, fields=["id", "firstName", "leadScore"])
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))[1:]
    assert [r[1] for r in rows[:-1]] == [formula_safe(v) for v in SAMPLES]
    # A number column holds text when the text is no number: that text is guarded too.
    stored = [r["leadScore"] for r in store.page(Query("lead", limit=100))][:-1]
    assert "=1+1" in stored
    assert [r[2] for r in rows[:-1]] == [formula_safe(v) if isinstance(v, str) else
                                         ("" if v is None else str(v)) for v in stored]
    assert rows[-1] == ["100", "", "-5"]  # a number is a number
    store.close()


# -- where the rows go ------------------------------------------------------------------------


def test_dash_writes_to_stdout_and_the_count_to_stderr(account: Account) -> None:
    code, out, err = account.export("leads", "--format", "csv", "-o", "-")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert len(rows) - 1 == len(account.active_lead_ids())
    assert err.strip().splitlines() == [f"Exported {len(rows) - 1:,} leads to stdout"]
    code, out, err = account.export("leads", "--format", "json", "--where", "id=1")
    assert code == 0, err
    assert [r["id"] for r in json.loads(out)] == [r["id"] for r in account.rows(
        Query("lead", (Filter("id", "=", 1),)))]
    assert err.strip().endswith("to stdout")


def test_an_existing_file_is_replaced_whole_and_keeps_its_mode(account: Account,
                                                                tmp_path: Path) -> None:
    target = tmp_path / "out" / "leads.csv"
    target.parent.mkdir()
    target.write_text("old,content\n", encoding="utf-8")
    os.chmod(target, 0o640)
    inode = target.stat().st_ino
    code, _out, err = account.export("leads", "-o", str(target))
    assert code == 0, err
    assert len(read_csv(target)) - 1 == len(account.active_lead_ids())
    assert target.stat().st_ino != inode  # a new file renamed over it, not rewritten in place
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert os.listdir(target.parent) == ["leads.csv"]  # no temporary file left

    fresh = tmp_path / "out" / "new.json"
    assert account.export("leads", "-o", str(fresh))[0] == 0
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600  # account data: private by default


def test_an_export_interrupted_before_the_end_leaves_the_old_file(
        account: Account, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "leads.csv"
    target.write_text("old,content\n", encoding="utf-8")

    def interrupt(self: object, done: int, total: int) -> None:
        if done == total:  # every row written to the temporary file, not yet renamed
            raise KeyboardInterrupt

    monkeypatch.setattr("ssui.cli.export._ProgressLine.__call__", interrupt)
    code, _out, err = account.export("leads", "-o", str(target))
    assert code == 130 and "interrupted" in err
    assert target.read_text(encoding="utf-8") == "old,content\n"
    assert not [n for n in os.listdir(tmp_path) if n.endswith(".part")]


def test_progress_goes_to_stderr_when_it_is_a_terminal(
        account: Account, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = Terminal()
    monkeypatch.setattr("sys.stderr", err)
    assert main(["export", "leads", "-o", str(tmp_path / "x.csv")],
                transport=account.transport) == 0
    said = err.getvalue()
    n = len(account.active_lead_ids())
    assert f"exporting leads: {n:,} of {n:,} (100%)" in said
    assert said.rstrip().endswith(f"Exported {n:,} leads to {tmp_path / 'x.csv'}")


# -- what goes wrong, in one line ------------------------------------------------------------


@pytest.mark.parametrize(("argv", "says"), [
    (["leads", "--where", "bogus=1"], "leads have no field 'bogus'"),
    (["leads", "--where", "leadScore>=abc"], "'abc' is not a whole number"),
    (["leads", "--where", "status=opn"], "'opn' is not one of unqualified, open"),
    (["leads", "--where", "status"], "no operator"),
    (["leads", "--where", "leadScore>50"], "use >="),
    (["leads", "--where", "active=maybe"], "is not yes or no"),
    (["leads", "--where", "leadScore~5"], "~ (contains) is for text fields"),
    (["leads", "--where", "createTimestamp>=yesterday"], "is not a date"),
    (["leads", "--sort", "nope:desc"], "leads have no field 'nope'"),
    (["leads", "--fields", "id,nope"], "leads have no field 'nope'"),
    (["leds"], "unknown list 'leds'; choose from leads, accounts, campaigns, opportunities"),
    (["leads", "--format", "xml"], "invalid choice"),
])
def test_a_bad_argument_is_one_line_and_exit_2(account: Account, argv: list[str],
                                               says: str) -> None:
    code, out, err = account.export(*argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert says in err and "Traceback" not in err


def test_no_mirror_yet_says_to_sync(sandbox: SandboxApp, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    account = Account(sandbox, tmp_path, monkeypatch, capsys)  # never synced
    code, out, err = account.export("leads", "-o", str(tmp_path / "x.csv"))
    assert code == 1 and out == ""
    assert err.strip() == (f"ssui: no local copy of the account {sandbox.config.account_id}"
                           " (from the environment) yet: run `ssui sync`")
    assert not account.mirror.exists()  # nothing made by asking
    assert not (tmp_path / "x.csv").exists()


# -- the core, as the app calls it ---------------------------------------------------------------


def test_the_core_writes_the_apps_query_to_a_stream_with_progress(account: Account) -> None:
    store = account.store()
    try:
        assert synced(store, "lead") and not synced(MirrorStore(), "lead")
        q = Query("lead", (Filter("ownerID", "!=", 1),), sort="lastName", limit=50, offset=10)
        seen: list[tuple[int, int]] = []
        out = io.StringIO(newline="")
        result = export_query(store, q, "csv", out, progress=lambda d, t: seen.append((d, t)),
                              chunk=7)
        expected = account.rows(q)  # every row, whatever window the list had in view
        assert result.rows == len(expected) > 50 and result.path is None
        assert result.bytes == len(out.getvalue().encode("utf-8"))
        ids = [int(r[0]) for r in list(csv.reader(io.StringIO(out.getvalue(), newline="")))[1:]]
        assert ids == [r["id"] for r in expected]
        assert seen[0] == (0, len(expected)) and seen[-1] == (len(expected), len(expected))
        assert [d for d, _ in seen] == sorted(d for d, _ in seen) and len(seen) > 3
    finally:
        store.close()


def test_the_app_keeps_reading_the_store_while_an_export_runs(account: Account) -> None:
    store = account.store()
    answered: list[int] = []

    def meanwhile(done: int, total: int) -> None:
        # The app's list, on another thread, asks the store while the export is under way.
        reader = threading.Thread(target=lambda: answered.append(store.count(Query("lead"))))
        reader.start()
        reader.join(timeout=5)
        assert not reader.is_alive(), "the export held the store's lock"

    try:
        export_query(store, Query("lead"), "csv", io.BytesIO(), progress=meanwhile, chunk=100)
    finally:
        store.close()
    assert len(answered) > 2 and set(answered) == {len(account.active_lead_ids())}


def test_an_in_memory_store_exports_too() -> None:
    store = MirrorStore()
    store.upsert("lead", [{"id": i, "emailAddress": f"p{i}@x.example", "active": i % 2 == 0,
                           "leadScore": i} for i in range(1, 6)])
    out = io.BytesIO()
    result = export_query(store, Query("lead", (Filter("leadScore", ">=", 2),),
                                       sort="leadScore", descending=True), "json", out)
    records = json.loads(out.getvalue())
    assert result.rows == 4 and [r["id"] for r in records] == [5, 4, 3, 2]
    assert [r["active"] for r in records] == [False, True, False, True]
    empty = io.BytesIO()
    export_query(store, Query("lead", (Filter("id", "=", 99),)), "json", empty)
    assert json.loads(empty.getvalue()) == []
    store.close()


def test_names_come_from_the_registry() -> None:
    assert field_named(LEAD, "status").name == "leadStatus"  # as the app labels it
    assert field_named(LEAD, "Status (legacy)").name == "status"
    assert field_named(LEAD, "score").name == "leadScore"
    assert field_named(LEAD, "owner").name == "ownerID"
    assert field_named(LEAD, "OWNERID").name == "ownerID"
    assert field_named(LEAD, "email").name == "emailAddress"
    assert field_named(LEAD, "zip_code").name == "zipcode"
    assert field_named(LEAD, "unsubscribed").name == "isUnsubscribed"
    assert field_named(LEAD, "campaign").name == "campaignID"
    assert parse_sort(LEAD, "Last name:desc") == ("lastName", True)
    assert parse_sort(LEAD, "city") == ("city", False)
    assert parse_where(LEAD, "status!=open,customer") == (
        Filter("leadStatus", "!=", "open"), Filter("leadStatus", "!=", "customer"))
    assert parse_where(LEAD, "city=\"Oslo, Norway\"") == (Filter("city", "=", "Oslo, Norway"),)
    with pytest.raises(WhereError, match="did you mean leadScore"):
        parse_where(LEAD, "leadScor>=1")
