"""Export benchmark: every lead of a 100,000-lead mirror to CSV and to JSON.

Run: python benchmarks/bench_export.py [--leads 100000]
Target (issue: export): all 100,000 leads to CSV in at most 5 s.

The mirror is built in-process, as fast as the store takes it (bulk load, upserts of 20,000),
with every lead field filled, two custom fields, and some values that need care (formula
starts, line breaks, accents), so the cells cost what real ones do. It is a file on disk, as a
profile's mirror is: the export reads it through its own connection.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ssui.entities import LEAD_STATUSES, Field, Kind
from ssui.mirror import Filter, MirrorStore, Query
from ssui.mirror.export import Format, export_query

FIRST = ("Ada", "Bram", "Chiara", "Dev", "Elif", "Farid", "Greta", "Hugo", "Inès", "Jonas",
         "Kaito", "Lena", "Mateo", "Nia", "Oskar", "Priya", "Quinn", "Rosa", "Sami", "Tove")
LAST = ("Andersen", "Bakker", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Horvat",
        "Ivanova", "Jansen", "Kowalski", "Larsen", "Moreau", "Nakamura", "Okafor", "Petrov")
COMPANY = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne")
CITY = ("Oslo", "Berlin", "Lisbon", "Utrecht", "Lyon", "Kraków", "Osaka", "Austin", "Malmö")
REGION = Field("region_5f1a", "Sales region", Kind.TEXT, custom=True)
BUDGET = Field("budget_77c2", "Annual budget", Kind.MONEY, custom=True)
EPOCH = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def lead(i: int) -> dict[str, Any]:
    n = i + 1
    first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST) + i) % len(LAST)]
    company = COMPANY[i % len(COMPANY)]
    stamp = EPOCH + timedelta(minutes=37 * n)
    return {
        "id": n, "emailAddress": f"{first.lower()}.{last.lower()}{n}@{company.lower()}.example",
        "firstName": first, "lastName": last, "companyName": f"{company} Ltd",
        "title": ("CTO", "Buyer", "=HYPERLINK(\"x\")", "Founder")[i % 4] if i % 97 == 0
        else ("CTO", "Buyer", "Engineer", "Founder")[i % 4],
        "leadStatus": LEAD_STATUSES[i % len(LEAD_STATUSES)], "leadScore": (n * 13) % 100,
        "leadScoreWeighted": (n * 7) % 150, "persona": ("Champion", "Influencer")[i % 2],
        "active": True, "accountID": i % 9_000 + 1, "ownerID": i % 8 + 1,
        "campaignID": i % 30 + 1, "street": f"{n} Long Street", "city": CITY[i % len(CITY)],
        "state": "NO-03", "zipcode": f"{n % 9000 + 1000}", "country": "NO",
        "website": f"https://www.{company.lower()}.example", "phoneNumber": f"+47 {40000000 + n}",
        "officePhoneNumber": f"+47 {22000000 + n}", "phoneNumberExtension": str(n % 100),
        "mobilePhoneNumber": f"+47 {90000000 + n}", "faxNumber": None,
        "trackingID": f"trk-{n:08x}",
        "description": "Met at the fair.\nWants a demo, \"soon\"." if i % 5 == 0 else None,
        "industry": ("Software", "Retail", "Logistics")[i % 3], "isUnsubscribed": i % 17 == 0,
        "isQualified": i % 3 == 0, "isContact": i % 4 == 0, "isCustomer": i % 9 == 0,
        "status": None, "createTimestamp": stamp, "updateTimestamp": stamp + timedelta(hours=3),
        REGION.name: ("North", "South", "East", "West")[i % 4], BUDGET.name: 1000 + i % 5000,
    }


def leads(n: int, chunk: int = 20_000) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, n, chunk):
        yield [lead(i) for i in range(start, min(start + chunk, n))]


def build(path: Path, n: int) -> MirrorStore:
    store = MirrorStore(path)
    store.set_custom_fields("lead", [REGION, BUDGET])
    with store.bulk_load("lead"):
        for page in leads(n):
            store.upsert("lead", page)
    return store


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(store: MirrorStore, q: Query, fmt: Format, target: Path, what: str) -> float:
    before = peak_mb()
    t = time.perf_counter()
    result = export_query(store, q, fmt, target)
    took = time.perf_counter() - t
    print(f"{what:44} {result.rows:>8,} rows {took:7.2f} s {result.bytes / 1e6:8.1f} MB"
          f"  peak RSS {peak_mb():.0f} MB (before {before:.0f} MB)")
    return took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--leads", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        t = time.perf_counter()
        store = build(folder / "mirror.db", args.leads)
        fields = len(store.entity("lead").fields)
        print(f"mirror of {args.leads:,} leads ({fields} fields) built in"
              f" {time.perf_counter() - t:.1f} s")
        every = Query("lead")
        csv_s = run(store, every, "csv", folder / "leads.csv", "all leads to CSV")
        run(store, every, "json", folder / "leads.json", "all leads to JSON")
        run(store, Query("lead", sort="lastName", descending=True), "csv",
            folder / "sorted.csv", "all leads to CSV, sorted by last name desc")
        run(store, Query("lead", (Filter("leadStatus", "=", "qualified"),), search="ada"), "csv",
            folder / "some.csv", "status=qualified + search 'ada' to CSV")
        # Python's own allocations while exporting (traced: slower, so timed apart above).
        for fmt in ("csv", "json"):
            tracemalloc.start()
            export_query(store, every, fmt, folder / f"traced.{fmt}")
            _now, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"all leads to {fmt.upper()}: peak Python allocations {peak / 1e6:.1f} MB")
        store.close()
        target = 5.0 * args.leads / 100_000
        verdict = "ok" if csv_s <= target else "OVER TARGET"
        print(f"target: all leads to CSV <= {target:.1f} s: {verdict}")


if __name__ == "__main__":
    main()
